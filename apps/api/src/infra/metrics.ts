import {
  Counter,
  Gauge,
  Registry,
  collectDefaultMetrics,
  type MetricObjectWithValues,
  type MetricValue,
} from 'prom-client';
import type { Database } from './db.js';
import type { JobHandler, JobQueue, QueueCounts } from './queue.js';

/**
 * Prometheus metrics for one process. Each process (API worker, job worker) has its own registry
 * and is scraped on its own; Prometheus adds them up (see deploy/prometheus/prometheus.yml).
 */
export interface Metrics {
  registry: Registry;
  http: RequestDurationHistogram;
  jobsCompleted: Counter<'type'>;
  jobsFailed: Counter<'type'>;
  /** Queue counts (at most one second's wait), remembered for the backlog-growth check. */
  queueCounts(): Promise<QueueCounts>;
  /** How much the waiting backlog grew since a reading at least `minAgeMs` old (null: no such reading). */
  backlogGrowth(minAgeMs: number): { growth: number; overMs: number } | null;
}

/** Seconds. 0.2 and 0.25 sit on the alert threshold (p95 > 200 ms) and the capacity target (p95 < 250 ms). */
export const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.25, 0.5, 1, 2.5, 5, 10] as const;
const NB = HTTP_BUCKETS.length;
/** Per status class: NB bucket counts (not cumulative), then sum, then count. */
const STRIDE = NB + 2;
const STATUS_CLASSES = ['1xx', '2xx', '3xx', '4xx', '5xx'] as const;
const WINDOW_SLOT_MS = 60_000;
const WINDOW_SLOTS = 5;

/** One route pattern and method: its counters, allocated once when the route is registered. */
export class RouteSeries {
  readonly cells = new Float64Array(STRIDE * STATUS_CLASSES.length);
  constructor(
    readonly method: string,
    readonly route: string,
    /** Counted in the rolling window behind the in-process p95 (API routes only). */
    readonly windowed: boolean,
  ) {}
}

/**
 * `oslrs_http_request_duration_seconds{method, route, status_class}`, written for the request path:
 * an observation is a few array increments on counters allocated at start-up, with no label
 * hashing or object creation (prom-client's own Histogram does both on every observe). It also keeps
 * a rolling five-minute window over the API routes, for the super admin's p95 alert.
 */
export class RequestDurationHistogram {
  readonly name = 'oslrs_http_request_duration_seconds';
  readonly help = 'HTTP request duration by method, route pattern and status class';
  readonly type = 'histogram';
  readonly aggregator = 'sum';
  private readonly all: RouteSeries[] = [];
  /** WINDOW_SLOTS one-minute slots; each holds NB bucket counts plus the overflow (> last bucket). */
  private readonly window = Array.from({ length: WINDOW_SLOTS }, () => new Float64Array(NB + 1));
  private slot = 0;
  private slotEnds = 0;

  constructor(private readonly now: () => number = Date.now) {}

  series(method: string, route: string): RouteSeries {
    const found = this.all.find((s) => s.method === method && s.route === route);
    if (found) return found;
    const created = new RouteSeries(method, route, route.startsWith('/api/v1/'));
    this.all.push(created);
    return created;
  }

  observe(series: RouteSeries, statusCode: number, seconds: number): void {
    let cls = (statusCode / 100) | 0;
    if (cls < 1 || cls > 5) cls = 5;
    const base = (cls - 1) * STRIDE;
    let i = 0;
    while (i < NB && seconds > HTTP_BUCKETS[i]!) i++;
    const c = series.cells;
    if (i < NB) c[base + i]! += 1;
    c[base + NB]! += seconds;
    c[base + NB + 1]! += 1;
    if (series.windowed) {
      const now = this.now();
      if (now >= this.slotEnds) this.rotate(now);
      this.window[this.slot]![i]! += 1;
    }
  }

  private rotate(now: number) {
    if (this.slotEnds === 0 || now - this.slotEnds >= WINDOW_SLOT_MS * WINDOW_SLOTS) {
      for (const w of this.window) w.fill(0);
      this.slotEnds = now + WINDOW_SLOT_MS;
      return;
    }
    while (now >= this.slotEnds) {
      this.slot = (this.slot + 1) % WINDOW_SLOTS;
      this.window[this.slot]!.fill(0);
      this.slotEnds += WINDOW_SLOT_MS;
    }
  }

  /**
   * The q-quantile of API request durations over the last four to five minutes, interpolated
   * within buckets as Prometheus's histogram_quantile does; null below `minCount` requests.
   */
  recentQuantile(q: number, minCount = 1): { seconds: number; count: number } | null {
    this.rotate(this.now());
    const merged = new Float64Array(NB + 1);
    for (const w of this.window) for (let i = 0; i <= NB; i++) merged[i]! += w[i]!;
    let count = 0;
    for (const n of merged) count += n;
    if (count < minCount || count === 0) return null;
    const rank = q * count;
    let cumulative = 0;
    for (let i = 0; i < NB; i++) {
      const inBucket = merged[i]!;
      if (cumulative + inBucket >= rank && inBucket > 0) {
        const lower = i === 0 ? 0 : HTTP_BUCKETS[i - 1]!;
        const upper = HTTP_BUCKETS[i]!;
        return { seconds: lower + (upper - lower) * ((rank - cumulative) / inBucket), count };
      }
      cumulative += inBucket;
    }
    // In the overflow bucket: like Prometheus, answer the highest finite bound.
    return { seconds: HTTP_BUCKETS[NB - 1]!, count };
  }

  /** Nothing to gather at scrape time: the counters are always current. */
  collect() {}

  get(): Promise<MetricObjectWithValues<MetricValue<string>>> {
    const values: MetricValue<string>[] = [];
    for (const s of this.all) {
      for (let k = 0; k < STATUS_CLASSES.length; k++) {
        const base = k * STRIDE;
        const count = s.cells[base + NB + 1]!;
        if (count === 0) continue;
        const labels = { method: s.method, route: s.route, status_class: STATUS_CLASSES[k]! };
        let cumulative = 0;
        for (let i = 0; i < NB; i++) {
          cumulative += s.cells[base + i]!;
          values.push({
            metricName: `${this.name}_bucket`,
            labels: { ...labels, le: HTTP_BUCKETS[i]! },
            value: cumulative,
          } as MetricValue<string>);
        }
        values.push({ metricName: `${this.name}_bucket`, labels: { ...labels, le: '+Inf' }, value: count } as never);
        values.push({ metricName: `${this.name}_sum`, labels, value: s.cells[base + NB]! } as never);
        values.push({ metricName: `${this.name}_count`, labels, value: count } as never);
      }
    }
    return Promise.resolve({
      name: this.name,
      help: this.help,
      type: this.type as never,
      values,
      aggregator: this.aggregator,
      collect: this.collect,
    });
  }

  reset() {
    for (const s of this.all) s.cells.fill(0);
    for (const w of this.window) w.fill(0);
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
      timer.unref();
    }),
  ]).finally(() => clearTimeout(timer));
}

export function createMetrics(sources: { database: Database; queue: JobQueue }): Metrics {
  const registry = new Registry();
  // Event-loop lag, resident memory, heap, GC, handles: prom-client's defaults, under our prefix.
  collectDefaultMetrics({ register: registry, prefix: 'oslrs_' });

  const http = new RequestDurationHistogram();
  registry.registerMetric(http as never);

  const jobsCompleted = new Counter({
    name: 'oslrs_jobs_completed_total',
    help: 'Background job runs that succeeded, in this process',
    labelNames: ['type'] as const,
    registers: [registry],
  });
  const jobsFailed = new Counter({
    name: 'oslrs_jobs_failed_total',
    help: 'Background job runs that threw, in this process (BullMQ retries them with backoff)',
    labelNames: ['type'] as const,
    registers: [registry],
  });

  const samples: { at: number; waiting: number }[] = [];
  const queueCounts = async () => {
    const counts = await withTimeout(sources.queue.counts(), 1000);
    const now = Date.now();
    // One reading per 15 s is plenty, kept for 30 min.
    if (!samples.length || now - samples[samples.length - 1]!.at >= 15_000)
      samples.push({ at: now, waiting: counts.waiting });
    while (samples.length && now - samples[0]!.at > 30 * 60_000) samples.shift();
    return counts;
  };

  // Both queue gauges read one answer per scrape.
  let reading: Promise<QueueCounts> | undefined;
  const scrapeCounts = () =>
    (reading ??= queueCounts().finally(() => {
      reading = undefined;
    }));
  new Gauge({
    name: 'oslrs_queue_up',
    help: '1 when the job queue answered this scrape, else 0',
    registers: [registry],
    async collect() {
      this.set(
        await scrapeCounts().then(
          () => 1,
          () => 0,
        ),
      );
    },
  });
  new Gauge({
    name: 'oslrs_queue_jobs',
    help: 'Jobs in the queue by state (failed: ran out of attempts and kept for inspection)',
    labelNames: ['state'] as const,
    registers: [registry],
    async collect() {
      try {
        const counts = await scrapeCounts();
        for (const [state, n] of Object.entries(counts)) this.set({ state }, n);
      } catch {
        this.reset();
      }
    },
  });

  const pool = (name: string, key: 'total' | 'idle' | 'waiting', help: string) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(sources.database.pool()[key]);
      },
    });
  pool('oslrs_db_pool_size', 'total', 'PostgreSQL connections open in this process');
  pool('oslrs_db_pool_idle', 'idle', 'PostgreSQL connections open and idle');
  pool('oslrs_db_pool_waiting', 'waiting', 'Queries waiting for a free PostgreSQL connection');

  return {
    registry,
    http,
    jobsCompleted,
    jobsFailed,
    queueCounts,
    backlogGrowth(minAgeMs) {
      const latest = samples[samples.length - 1];
      if (!latest) return null;
      // The newest reading at least minAgeMs older than the latest one.
      let base: { at: number; waiting: number } | undefined;
      for (const s of samples) if (latest.at - s.at >= minAgeMs) base = s;
      return base ? { growth: latest.waiting - base.waiting, overMs: latest.at - base.at } : null;
    },
  };
}

/** The queue as the rest of the app sees it, with each job run counted by outcome. */
export function instrumentQueue(queue: JobQueue, metrics: Metrics): JobQueue {
  return {
    enqueue: (type, jobId) => queue.enqueue(type, jobId),
    enqueueMany: (type, jobIds) => queue.enqueueMany(type, jobIds),
    redeliver: (type, jobId) => queue.redeliver(type, jobId),
    depth: () => queue.depth(),
    counts: () => queue.counts(),
    recentFailures: (windowMs) => queue.recentFailures(windowMs),
    close: () => queue.close(),
    startWorker(handler: JobHandler) {
      queue.startWorker(async (type, jobId) => {
        try {
          await handler(type, jobId);
          metrics.jobsCompleted.inc({ type });
        } catch (err) {
          metrics.jobsFailed.inc({ type });
          throw err;
        }
      });
    },
  };
}

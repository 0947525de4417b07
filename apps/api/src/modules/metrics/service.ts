import { freemem, totalmem } from 'node:os';
import { Gauge } from 'prom-client';
import { FIELD_STAFF_THRESHOLDS, type OpsAlert } from '@oslrs/core';
import type { Metrics } from '../../infra/metrics.js';
import type { JobQueue } from '../../infra/queue.js';
import type { StaffService } from '../staff/index.js';

/** The seed's scaling triggers; deploy/prometheus/alerts.yml uses the same numbers. */
export const OPS_THRESHOLDS = {
  /** Share of the machine's memory in use (seed: "RAM consistently > 80 %"). */
  memoryUsedPercent: 80,
  memoryCriticalPercent: 90,
  /** Server-side API p95 (seed: "API p95 > 200 ms"). */
  apiP95Ms: 200,
  /** Fewer requests than this in the window say nothing about a p95. */
  apiP95MinRequests: 50,
  queueBacklog: 1000,
  /** Waiting jobs grown by this much over at least five minutes. */
  queueGrowth: 100,
  queueGrowthWindowMs: 5 * 60_000,
  jobFailureWindowMs: 60 * 60_000,
} as const;

const FIELD_STAFF_TTL_MS = 60_000;
const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

export interface MemoryProbe {
  total(): number;
  free(): number;
  rss(): number;
}

const systemMemory: MemoryProbe = { total: totalmem, free: freemem, rss: () => process.memoryUsage.rss() };

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

/**
 * The operational signals behind /metrics' field-staff gauge and the super admin's alerts. Each
 * API process answers from its own view (its own request latencies; the queue and database are
 * shared), which is representative because PM2 spreads requests evenly over the workers.
 */
export class OpsService {
  private fieldStaffCache: { at: number; value: number } | undefined;
  private fieldStaffLoading: Promise<number> | undefined;

  constructor(
    private readonly metrics: Metrics,
    private readonly queue: JobQueue,
    private readonly staff: Pick<StaffService, 'summary'>,
    private readonly memory: MemoryProbe = systemMemory,
    private readonly now: () => number = Date.now,
  ) {
    const fieldStaff = () => this.fieldStaff();
    // Two services on one runtime (tests) replace the gauge rather than collide with it.
    metrics.registry.removeSingleMetric('oslrs_field_staff');
    new Gauge({
      name: 'oslrs_field_staff',
      help: 'Active or invited supervisors and enumerators (read at most once a minute)',
      registers: [metrics.registry],
      async collect() {
        try {
          this.set(await fieldStaff());
        } catch {
          this.reset();
        }
      },
    });
  }

  /** From the staff summary, read from the database at most once a minute per process. */
  async fieldStaff(): Promise<number> {
    const cached = this.fieldStaffCache;
    if (cached && this.now() - cached.at < FIELD_STAFF_TTL_MS) return cached.value;
    this.fieldStaffLoading ??= this.staff
      .summary()
      .then((s) => {
        this.fieldStaffCache = { at: this.now(), value: s.fieldStaff };
        return s.fieldStaff;
      })
      .finally(() => {
        this.fieldStaffLoading = undefined;
      });
    return this.fieldStaffLoading;
  }

  async alerts(): Promise<OpsAlert[]> {
    const alerts: OpsAlert[] = [];
    const t = OPS_THRESHOLDS;

    const total = this.memory.total();
    const used = total > 0 ? (1 - this.memory.free() / total) * 100 : 0;
    if (used > t.memoryUsedPercent) {
      alerts.push({
        code: 'MEMORY_HIGH',
        severity: used > t.memoryCriticalPercent ? 'critical' : 'warning',
        message:
          `Memory ${used.toFixed(1)} % used (${mb(this.memory.free())} MB of ${mb(total)} MB available; ` +
          `this API process holds ${mb(this.memory.rss())} MB). If it stays above ${t.memoryUsedPercent} %, ` +
          'resize the server to the next tier.',
        params: {
          used: used.toFixed(1),
          free: mb(this.memory.free()),
          total: mb(total),
          rss: mb(this.memory.rss()),
          threshold: t.memoryUsedPercent,
        },
        value: round1(used),
        threshold: t.memoryUsedPercent,
        unit: '%',
      });
    }

    const p95 = this.metrics.http.recentQuantile(0.95, t.apiP95MinRequests);
    if (p95 && p95.seconds * 1000 > t.apiP95Ms) {
      const ms = Math.round(p95.seconds * 1000);
      alerts.push({
        code: 'API_P95_HIGH',
        severity: 'warning',
        message:
          `API p95 is ${ms} ms over the last five minutes (${p95.count} requests seen by this process), ` +
          `above ${t.apiP95Ms} ms. If it persists, move to dedicated-CPU machines or add API nodes.`,
        params: { ms, requests: p95.count, threshold: t.apiP95Ms },
        value: ms,
        threshold: t.apiP95Ms,
        unit: 'ms',
      });
    }

    await this.queueAlerts(alerts);
    await this.fieldStaffAlerts(alerts);
    return alerts.sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  }

  private async queueAlerts(alerts: OpsAlert[]) {
    const t = OPS_THRESHOLDS;
    let counts;
    let failures;
    try {
      counts = await this.metrics.queueCounts();
      failures = await this.queue.recentFailures(t.jobFailureWindowMs);
    } catch (err) {
      alerts.push({
        code: 'QUEUE_UNAVAILABLE',
        severity: 'critical',
        message: `The job queue does not answer (${(err as Error).message}). Submissions are kept and will be processed once it is back; check Redis.`,
        params: { error: (err as Error).message },
        value: 0,
        threshold: 0,
        unit: 'jobs',
      });
      return;
    }
    if (counts.waiting > t.queueBacklog) {
      alerts.push({
        code: 'QUEUE_BACKLOG',
        severity: 'warning',
        message: `${counts.waiting} jobs are waiting (more than ${t.queueBacklog}). Check that the job worker is running, or add workers.`,
        params: { waiting: counts.waiting, threshold: t.queueBacklog },
        value: counts.waiting,
        threshold: t.queueBacklog,
        unit: 'jobs',
      });
    }
    const growth = this.metrics.backlogGrowth(t.queueGrowthWindowMs);
    if (growth && growth.growth >= t.queueGrowth) {
      alerts.push({
        code: 'QUEUE_BACKLOG_GROWING',
        severity: 'warning',
        message: `The waiting jobs grew by ${growth.growth} in ${Math.round(growth.overMs / 60_000)} min (now ${counts.waiting}): work arrives faster than the worker finishes it.`,
        params: { growth: growth.growth, minutes: Math.round(growth.overMs / 60_000), waiting: counts.waiting },
        value: growth.growth,
        threshold: t.queueGrowth,
        unit: 'jobs',
      });
    }
    if (failures > 0) {
      alerts.push({
        code: 'JOB_FAILURES',
        severity: 'warning',
        message: `${failures} background job${failures === 1 ? '' : 's'} failed for good in the last hour (after all retries). See the job worker's log.`,
        params: { count: failures },
        value: failures,
        threshold: 0,
        unit: 'jobs',
      });
    }
  }

  private async fieldStaffAlerts(alerts: OpsAlert[]) {
    // The other alerts still matter when the count cannot be read (the database is struggling).
    const count = await this.fieldStaff().catch(() => undefined);
    if (count === undefined) return;
    const passed = FIELD_STAFF_THRESHOLDS.filter((th) => count > th);
    const highest = passed[passed.length - 1];
    if (highest === undefined) return;
    const top = highest === FIELD_STAFF_THRESHOLDS[FIELD_STAFF_THRESHOLDS.length - 1];
    alerts.push({
      code: `FIELD_STAFF_ABOVE_${highest}` as OpsAlert['code'],
      severity: top ? 'warning' : 'info',
      message:
        `${count} field staff (supervisors and enumerators, active or invited), above ${highest}. ` +
        (top
          ? 'Plan capacity now: more submissions, sync traffic and supervision load than the baseline 132.'
          : 'Capacity planning: watch memory and API latency as the field force grows.'),
      params: { count, threshold: highest },
      value: count,
      threshold: highest,
      unit: 'staff',
    });
  }
}

function round1(n: number) {
  return Math.round(n * 10) / 10;
}

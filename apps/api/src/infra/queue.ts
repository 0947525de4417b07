import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';

export type JobHandler = (type: string, jobId: string) => Promise<void>;

/** Jobs by state, for metrics and the operations alerts. `failed` ran out of attempts. */
export interface QueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  failed: number;
}

/**
 * The queue carries only job ids; the job itself (input, progress, result) is a row in PostgreSQL.
 * Handlers must be idempotent: delivery is at least once.
 */
export interface JobQueue {
  enqueue(type: string, jobId: string): Promise<void>;
  enqueueMany(type: string, jobIds: string[]): Promise<void>;
  /**
   * The relay's enqueue, for work whose database row says it is still not done. Unlike `enqueue`,
   * an existing job with this id does not silence it: a job that failed for good is replaced, and
   * an "active" one (perhaps held by a worker that was killed: BullMQ notices only after its lock
   * expires and a stalled check runs, up to a minute later) gets a second delivery. Handlers are
   * idempotent, so a second delivery is harmless.
   */
  redeliver(type: string, jobId: string): Promise<void>;
  startWorker(handler: JobHandler): void;
  depth(): Promise<number>;
  counts(): Promise<QueueCounts>;
  /** Jobs that ran out of attempts within the last `windowMs`. */
  recentFailures(windowMs: number): Promise<number>;
  close(): Promise<void>;
}

const QUEUE_NAME = 'oslrs-jobs';
const JOB_OPTIONS = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: 1000,
};

export class BullJobQueue implements JobQueue {
  private readonly queue: Queue;
  private worker: Worker | undefined;
  constructor(
    private readonly connection: Redis,
    private readonly prefix: string,
    private readonly onError: (err: Error) => void,
    private readonly concurrency = 8,
  ) {
    this.queue = new Queue(QUEUE_NAME, { connection, prefix });
    this.queue.on('error', onError);
  }
  /**
   * While Redis is away, fail at once instead of piling commands up in the connection's offline
   * queue (unbounded, and each caller would wait on it): the work is in PostgreSQL, and the relay
   * enqueues it again once Redis is back.
   */
  private assertConnected() {
    if (this.connection.status !== 'ready') throw new Error(`Redis is not connected (${this.connection.status})`);
  }
  async enqueue(type: string, jobId: string) {
    this.assertConnected();
    await this.queue.add(
      type,
      { jobId },
      {
        jobId,
        attempts: 5,
        backoff: { type: 'exponential', delay: 1000 },
        removeOnComplete: true,
        removeOnFail: 1000,
      },
    );
  }
  async enqueueMany(type: string, jobIds: string[]) {
    if (!jobIds.length) return;
    this.assertConnected();
    await this.queue.addBulk(
      jobIds.map((jobId) => ({
        name: type,
        data: { jobId },
        opts: {
          jobId,
          attempts: 5,
          backoff: { type: 'exponential', delay: 1000 },
          removeOnComplete: true,
          removeOnFail: 1000,
        },
      })),
    );
  }
  async redeliver(type: string, jobId: string) {
    this.assertConnected();
    const state = await this.queue.getJobState(jobId);
    // Waiting, delayed (retry backoff), prioritized: it will run.
    if (state === 'waiting' || state === 'delayed' || state === 'prioritized' || state === 'waiting-children') return;
    if (state === 'active') {
      await this.queue.add(
        type,
        { jobId },
        { ...JOB_OPTIONS, jobId: `${jobId}-redelivery-${Date.now().toString(36)}` },
      );
      return;
    }
    // Failed after its attempts (kept for inspection) or completed: the same id would be ignored.
    if (state === 'failed' || state === 'completed') await this.queue.remove(jobId);
    await this.enqueue(type, jobId);
  }
  startWorker(handler: JobHandler) {
    this.worker = new Worker(QUEUE_NAME, (job) => handler(job.name, (job.data as { jobId: string }).jobId), {
      // The worker blocks waiting for jobs: a command timeout (right for the enqueue on the request
      // path, so a hung Redis cannot stall a request) would cut those waits short.
      connection: this.connection.duplicate({ commandTimeout: undefined }),
      prefix: this.prefix,
      concurrency: this.concurrency,
    });
    this.worker.on('error', this.onError);
  }
  depth() {
    return this.queue.count();
  }
  async counts() {
    this.assertConnected();
    const c = await this.queue.getJobCounts('waiting', 'prioritized', 'active', 'delayed', 'failed');
    return {
      waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
      active: c.active ?? 0,
      delayed: c.delayed ?? 0,
      failed: c.failed ?? 0,
    };
  }
  async recentFailures(windowMs: number) {
    this.assertConnected();
    // BullMQ scores the failed set by the time each job finished.
    return this.connection.zcount(this.queue.keys.failed!, Date.now() - windowMs, '+inf');
  }
  async close() {
    await this.worker?.close();
    await this.queue.close();
  }
}

/** Embedded mode: jobs run in this process, one after another, off the request path. */
export class InProcessJobQueue implements JobQueue {
  private readonly pending: { type: string; jobId: string }[] = [];
  private handler: JobHandler | undefined;
  private running: Promise<void> | undefined;
  private active = 0;
  private readonly failedAt: number[] = [];
  private closed = false;
  constructor(private readonly onError: (err: Error) => void) {}
  async enqueue(type: string, jobId: string) {
    if (this.pending.some((p) => p.jobId === jobId)) return;
    this.pending.push({ type, jobId });
    this.kick();
  }
  async enqueueMany(type: string, jobIds: string[]) {
    for (const id of jobIds) await this.enqueue(type, id);
  }
  /** In one process a job cannot outlive its worker: a pending one will run. */
  redeliver(type: string, jobId: string) {
    return this.enqueue(type, jobId);
  }
  startWorker(handler: JobHandler) {
    this.handler = handler;
    this.kick();
  }
  private kick() {
    if (this.running || !this.handler || this.closed) return;
    this.running = (async () => {
      await new Promise((r) => setImmediate(r));
      while (!this.closed) {
        const next = this.pending.shift();
        if (!next || !this.handler) break;
        this.active = 1;
        await this.handler(next.type, next.jobId).catch((err: Error) => {
          // No retries here: a failure is final. Keep the last few hundred times for the alerts.
          this.failedAt.push(Date.now());
          if (this.failedAt.length > 500) this.failedAt.shift();
          this.onError(err);
        });
        this.active = 0;
      }
    })().finally(() => {
      this.running = undefined;
      if (this.pending.length && !this.closed) this.kick();
    });
  }
  async depth() {
    return this.pending.length;
  }
  async counts() {
    return { waiting: this.pending.length, active: this.active, delayed: 0, failed: this.failedAt.length };
  }
  async recentFailures(windowMs: number) {
    const since = Date.now() - windowMs;
    return this.failedAt.filter((t) => t >= since).length;
  }
  async close() {
    this.closed = true;
    await this.running;
  }
}

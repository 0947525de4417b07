import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';

export type JobHandler = (type: string, jobId: string) => Promise<void>;

/**
 * The queue carries only job ids; the job itself (input, progress, result) is a row in PostgreSQL.
 * Handlers must be idempotent: delivery is at least once.
 */
export interface JobQueue {
  enqueue(type: string, jobId: string): Promise<void>;
  enqueueMany(type: string, jobIds: string[]): Promise<void>;
  startWorker(handler: JobHandler): void;
  depth(): Promise<number>;
  close(): Promise<void>;
}

const QUEUE_NAME = 'oslrs-jobs';

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
  async enqueue(type: string, jobId: string) {
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
    await this.queue.addBulk(
      jobIds.map((jobId) => ({
        name: type,
        data: { jobId },
        opts: { jobId, attempts: 5, backoff: { type: 'exponential', delay: 1000 }, removeOnComplete: true, removeOnFail: 1000 },
      })),
    );
  }
  startWorker(handler: JobHandler) {
    this.worker = new Worker(QUEUE_NAME, (job) => handler(job.name, (job.data as { jobId: string }).jobId), {
      connection: this.connection.duplicate(),
      prefix: this.prefix,
      concurrency: this.concurrency,
    });
    this.worker.on('error', this.onError);
  }
  depth() {
    return this.queue.count();
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
        await this.handler(next.type, next.jobId).catch(this.onError);
      }
    })().finally(() => {
      this.running = undefined;
      if (this.pending.length && !this.closed) this.kick();
    });
  }
  async depth() {
    return this.pending.length;
  }
  async close() {
    this.closed = true;
    await this.running;
  }
}

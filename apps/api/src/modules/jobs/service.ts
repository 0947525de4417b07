import { and, eq, inArray, lt, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import type { Job, JobRowError } from '@oslrs/core';
import { requireAccess, type Actor } from '../../access/index.js';
import { jobs } from '../../db/schema/jobs.js';
import type { Db, Executor } from '../../infra/db.js';
import type { JobQueue } from '../../infra/queue.js';

export type JobRow = typeof jobs.$inferSelect;
export type JobRunner = (jobId: string) => Promise<void>;

/**
 * A kind of background job, declared by the module that runs it (`defineJob('staff.import')`) and
 * registered by that module with its runner. Its payload is always one id: the row that holds the
 * work (a `jobs` row, a submission), so a redelivery finds the truth in PostgreSQL.
 */
export interface JobType<Name extends string = string> {
  readonly name: Name;
}
export const defineJob = <Name extends string>(name: Name): JobType<Name> => ({ name });

export function toJob(row: JobRow): Job {
  return {
    id: row.id,
    type: row.type,
    state: row.state as Job['state'],
    processed: row.processed,
    total: row.total,
    succeeded: row.succeeded,
    failed: row.failed,
    errors: row.errors,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    finishedAt: row.finishedAt?.toISOString() ?? null,
  };
}

/** Background jobs: a row in PostgreSQL is the truth, the queue only wakes a worker. */
/** How often the worker's housekeeping tickers run (deleting rows past their keeping time). */
export const HOUSEKEEPING_EVERY_MS = 3_600_000;

export class JobsService {
  private readonly runners = new Map<string, JobRunner>();
  private readonly relays: ((olderThanMs: number) => Promise<unknown>)[] = [];
  private relayTimer: NodeJS.Timeout | undefined;
  private readonly tickers: {
    everyMs: number;
    run: () => Promise<unknown>;
    timer?: NodeJS.Timeout;
    /** The tick in flight, if any (stop() waits for it). */
    running?: Promise<unknown> | undefined;
  }[] = [];

  constructor(
    private readonly db: Db,
    private readonly queue: JobQueue,
    private readonly onError: (err: unknown, msg: string) => void,
  ) {}

  register(type: JobType, runner: JobRunner) {
    if (this.runners.has(type.name)) throw new Error(`job ${type.name} registered twice`);
    this.runners.set(type.name, runner);
  }

  /** Periodic work that belongs with the worker (e.g. sending the mail outbox). */
  addTicker(everyMs: number, run: () => Promise<unknown>) {
    this.tickers.push({ everyMs, run });
  }

  /** Other outboxes (e.g. submissions) re-enqueue their stale rows on the same schedule. */
  addRelay(relay: (olderThanMs: number) => Promise<unknown>) {
    this.relays.push(relay);
  }

  /** The queue's jobs by state (waiting, active, delayed, failed) for the admin overview. */
  async queueCounts() {
    return this.queue.counts();
  }

  /** Insert inside the caller's transaction; call `enqueue` after it commits. */
  async create(
    tx: Executor,
    values: { type: JobType; input: unknown; total: number; createdBy: string | null; id?: string },
  ) {
    const [row] = await tx
      .insert(jobs)
      .values({
        id: values.id ?? uuidv7(),
        type: values.type.name,
        input: values.input,
        total: values.total,
        createdBy: values.createdBy,
      })
      .returning();
    return row!;
  }

  /** A lost enqueue is not lost work: the relay finds the row and enqueues it again. */
  async enqueue(row: Pick<JobRow, 'id' | 'type'>) {
    await this.queue
      .enqueue(row.type, row.id)
      .catch((err) => this.onError(err, 'enqueue failed; the relay will retry'));
  }

  /** Jobs whose work is a row of their own module (submissions): many ids, one queue round trip. */
  async enqueueMany(type: JobType, ids: string[]) {
    await this.queue.enqueueMany(type.name, ids);
  }

  async redeliver(type: JobType, id: string) {
    await this.queue.redeliver(type.name, id);
  }

  /** Only its creator or a super admin may see a job; others get the same 404 as a missing one. */
  async get(actor: Actor, id: string): Promise<Job> {
    const [row] = await this.db.select().from(jobs).where(eq(jobs.id, id)).limit(1);
    requireAccess(actor, 'job.read', row && { ownerId: row.createdBy });
    return toJob(row!);
  }

  /** The row a runner works from (input, progress), unlocked. */
  async load(id: string): Promise<JobRow | undefined> {
    const [row] = await this.db.select().from(jobs).where(eq(jobs.id, id)).limit(1);
    return row;
  }

  /**
   * A chunked runner's progress lock: the job's state and position, locked for the caller's
   * transaction (a second delivery skips it instead of waiting), or undefined when it is finished
   * or held elsewhere.
   */
  async lockProgress(tx: Executor, id: string): Promise<{ processed: number } | undefined> {
    const [row] = await tx
      .select({ state: jobs.state, processed: jobs.processed })
      .from(jobs)
      .where(eq(jobs.id, id))
      .for('update', { skipLocked: true });
    if (!row || row.state === 'completed' || row.state === 'failed') return undefined;
    return { processed: row.processed };
  }

  /** A single-step job's row, locked for the caller's transaction; undefined when already finished. */
  async lockForRun(tx: Executor, id: string): Promise<{ input: unknown } | undefined> {
    const [row] = await tx
      .select({ state: jobs.state, input: jobs.input })
      .from(jobs)
      .where(eq(jobs.id, id))
      .for('update');
    if (!row || row.state === 'completed' || row.state === 'failed') return undefined;
    return { input: row.input };
  }

  /** Finish a single-step job in the caller's transaction, dropping its input (it may hold personal data). */
  async completeAndForget(tx: Executor, id: string) {
    await tx
      .update(jobs)
      .set({ state: 'completed', input: {}, processed: 1, succeeded: 1, finishedAt: new Date(), updatedAt: new Date() })
      .where(eq(jobs.id, id));
  }

  /** Advance a chunked job in the caller's transaction: counts, row errors, and `completed` at the end. */
  async recordProgress(
    tx: Executor,
    id: string,
    /** `failed` counts rows that failed (a row may have several errors); errors.length when not given. */
    p: { processed: number; succeeded: number; failed?: number; errors: JobRowError[]; finished: boolean },
  ) {
    await tx
      .update(jobs)
      .set({
        state: p.finished ? 'completed' : 'running',
        processed: p.processed,
        succeeded: sql`${jobs.succeeded} + ${p.succeeded}`,
        failed: sql`${jobs.failed} + ${p.failed ?? p.errors.length}`,
        errors: sql`${jobs.errors} || ${JSON.stringify(p.errors)}::jsonb`,
        updatedAt: new Date(),
        finishedAt: p.finished ? new Date() : null,
      })
      .where(eq(jobs.id, id));
  }

  /** A long single-step job's progress (its own short transaction), e.g. rows written so far. */
  async progress(id: string, p: { processed: number; total: number }) {
    await this.db
      .update(jobs)
      .set({ state: 'running', processed: p.processed, total: p.total, updatedAt: new Date() })
      .where(and(eq(jobs.id, id), inArray(jobs.state, ['queued', 'running'])));
  }

  /** Finish a job whose work lives in its module's own row (an export), in the caller's transaction. */
  async finish(tx: Executor, id: string, p: { processed: number; total: number }) {
    await tx
      .update(jobs)
      .set({
        state: 'completed',
        processed: p.processed,
        total: p.total,
        succeeded: p.processed,
        finishedAt: new Date(),
        updatedAt: new Date(),
      })
      .where(eq(jobs.id, id));
  }

  /** A job that cannot finish: `failed`, with a message for the person who started it. */
  async fail(executor: Executor, id: string, message: string) {
    await executor
      .update(jobs)
      .set({ state: 'failed', error: message, finishedAt: new Date(), updatedAt: new Date() })
      .where(eq(jobs.id, id));
  }

  async run(type: string, jobId: string) {
    const runner = this.runners.get(type);
    if (!runner) throw new Error(`no runner for job type ${type}`);
    await runner(jobId);
  }

  /**
   * Re-deliver jobs that stopped moving (worker killed, Redis lost). `redeliver`, not `enqueue`: the
   * queue ignores an id it still holds (active in a dead worker, failed for good). Runners are
   * idempotent, and a staff import locks its job row per chunk, so a second delivery is harmless.
   */
  async requeueStale(olderThanMs: number): Promise<number> {
    const stale = await this.db
      .select({ id: jobs.id, type: jobs.type })
      .from(jobs)
      .where(
        and(
          inArray(jobs.state, ['queued', 'running']),
          lt(jobs.updatedAt, sql`now() - ${`${olderThanMs} milliseconds`}::interval`),
        ),
      );
    for (const row of stale) {
      await this.queue
        .redeliver(row.type, row.id)
        .catch((err) => this.onError(err, 'redelivery failed; next relay retries'));
    }
    return stale.length;
  }

  startWorker(relayEveryMs = 30_000) {
    this.queue.startWorker((type, jobId) => this.run(type, jobId));
    const relay = async () => {
      for (const run of [(ms: number) => this.requeueStale(ms), ...this.relays]) {
        await run(relayEveryMs).catch((err) => this.onError(err, 'job relay failed'));
      }
    };
    void relay();
    this.relayTimer = setInterval(relay, relayEveryMs);
    this.relayTimer.unref();
    for (const ticker of this.tickers) {
      ticker.timer = setInterval(() => {
        if (ticker.running) return;
        ticker.running = ticker
          .run()
          .catch((err) => this.onError(err, 'periodic job failed'))
          .finally(() => (ticker.running = undefined));
      }, ticker.everyMs);
      ticker.timer.unref();
    }
  }

  /** Stops the relay and the tickers; resolves once a tick already in flight has finished. */
  async stop(): Promise<void> {
    clearInterval(this.relayTimer);
    for (const ticker of this.tickers) clearInterval(ticker.timer);
    await Promise.all(this.tickers.map((ticker) => ticker.running));
  }
}

import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import pg from 'pg';
import { Counter, Gauge, type Registry } from 'prom-client';
import * as schema from '../db/schema/index.js';
import type { Database, Db } from './db.js';

export type ReadTarget = 'replica' | 'primary';
export interface Reader {
  db: Db;
  target: ReadTarget;
}
/** Why a read went to the primary although a replica is configured. */
export type FallbackReason = 'down' | 'lag' | 'conflict';
export type ReplicaState = 'ok' | 'lag' | 'down';

export interface ReplicaStatus {
  configured: boolean;
  state: ReplicaState | 'unknown';
  /** Replay lag at the last check, in seconds (null: not known). */
  lagSeconds: number | null;
}

export interface ReadRouterOptions {
  primary: Database;
  /** DATABASE_REPLICA_URL; without it every read goes to the primary. */
  replicaUrl?: string | undefined;
  /** REPLICA_MAX_LAG_MS: above this replay lag, reads go to the primary. */
  maxLagMs: number;
  /** The replica's pool size (DB_POOL_MAX). */
  poolMax?: number;
  /** Where the read metrics are registered (the process's registry). */
  registry?: Registry;
  /** The replica's health and lag are checked at most this often (in the background). */
  recheckMs?: number;
  /** Connecting to the replica, and the health check itself, give up after this. */
  checkTimeoutMs?: number;
  /** A read on the replica gives up after this (server-side, and client-side against a hung server). */
  queryTimeoutMs?: number;
  /** Called when the replica's state changes (for a log line per change, not per read). */
  onChange?: (state: ReplicaState, detail: { lagSeconds: number | null; error?: string }) => void;
}

/*
 * Replay lag, 0 when everything received has been replayed: an idle primary writes nothing, so the
 * time since the last replayed transaction would otherwise grow without the replica falling behind.
 * Null (not known) right after a standby starts, until it has streamed again.
 */
const LAG_SQL = `select pg_is_in_recovery() as standby,
  (case when pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() then 0
        else extract(epoch from now() - pg_last_xact_replay_timestamp()) end)::float8 as lag`;

interface Verdict {
  state: ReplicaState;
  lagSeconds: number | null;
  /** performance.now() when the check that made it started. */
  at: number;
}

/**
 * Routes reads that may be slightly behind (the marketplace's search) to the read replica while it
 * answers and keeps up, and to the primary otherwise. Writes never come here: use `primary.db`.
 *
 * The replica's health is one cached verdict, re-checked at most every `recheckMs` in the background
 * (single-flight) and bounded by `checkTimeoutMs`: a dead or hung replica costs one short wait, then
 * reads go to the primary until a check succeeds again. Reads never wait on a check, except before the
 * first verdict and after a long quiet spell while the replica was in use (an old "ok" must not serve
 * stale rows).
 */
export class ReadRouter {
  private readonly primaryReader: Reader;
  private readonly replicaReader: Reader | undefined;
  private readonly pool: pg.Pool | undefined;
  private readonly checkPool: pg.Pool | undefined;
  private readonly recheckMs: number;
  private readonly staleMs: number;
  private readonly checkTimeoutMs: number;
  private verdict: Verdict | undefined;
  private checking: Promise<void> | undefined;
  /** When the replica was last marked down by a failed read: older check results don't undo it. */
  private downSince = -Infinity;
  private readonly reads: Record<ReadTarget, { inc(): void }>;
  private readonly fallbacks: Record<FallbackReason, { inc(): void }>;
  private readonly lagGauge: Gauge | undefined;
  private readonly upGauge: Gauge | undefined;

  constructor(private readonly options: ReadRouterOptions) {
    this.primaryReader = Object.freeze({ db: options.primary.db, target: 'primary' as const });
    this.recheckMs = options.recheckMs ?? 1_000;
    this.staleMs = Math.max(this.recheckMs * 5, 5_000);
    this.checkTimeoutMs = options.checkTimeoutMs ?? 1_000;
    const queryTimeoutMs = options.queryTimeoutMs ?? 10_000;
    const registers = options.registry ? [options.registry] : [];

    const reads = new Counter({
      name: 'oslrs_db_reads_total',
      help: 'Reads routed by the read router, by the database each was sent to (a read retried on the primary counts on both)',
      labelNames: ['target'] as const,
      registers,
    });
    this.reads = { replica: reads.labels('replica'), primary: reads.labels('primary') };
    const fallbacks = new Counter({
      name: 'oslrs_db_replica_fallbacks_total',
      help: 'Reads sent to the primary although a replica is configured: down (not answering), lag (too far behind), conflict (cancelled by replay)',
      labelNames: ['reason'] as const,
      registers,
    });
    this.fallbacks = {
      down: fallbacks.labels('down'),
      lag: fallbacks.labels('lag'),
      conflict: fallbacks.labels('conflict'),
    };

    if (!options.replicaUrl) return;
    const base = {
      connectionString: options.replicaUrl,
      connectionTimeoutMillis: this.checkTimeoutMs,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
    };
    this.pool = quiet(
      new pg.Pool({
        ...base,
        max: options.poolMax ?? 10,
        application_name: 'oslrs-reads',
        statement_timeout: queryTimeoutMs,
        // Past the server's own statement_timeout: only a replica that stopped answering gets here.
        query_timeout: queryTimeoutMs + 1_000,
      }),
    );
    // Its own connection, so a busy read pool never makes the replica look down.
    this.checkPool = quiet(
      new pg.Pool({ ...base, max: 1, application_name: 'oslrs-replica-check', statement_timeout: this.checkTimeoutMs }),
    );
    this.replicaReader = Object.freeze({
      db: drizzlePg(this.pool, { schema }) as unknown as Db,
      target: 'replica' as const,
    });
    this.lagGauge = new Gauge({
      name: 'oslrs_db_replica_lag_seconds',
      help: 'Replay lag of the read replica at its last check (0: it has replayed all it received)',
      registers,
    });
    this.upGauge = new Gauge({
      name: 'oslrs_db_replica_up',
      help: '1 when the read replica answered its last check as a hot standby, else 0',
      registers,
    });
    // Warm: the first read then finds a verdict (or joins this check) instead of starting one.
    void this.check();
  }

  get configured(): boolean {
    return this.replicaReader !== undefined;
  }

  /** The database to read from: the replica when it answers and keeps up, else the primary. */
  async reader(): Promise<Reader> {
    const replica = this.replicaReader;
    if (!replica) {
      this.reads.primary.inc();
      return this.primaryReader;
    }
    let verdict = this.verdict;
    const age = verdict ? performance.now() - verdict.at : Infinity;
    if (!verdict || (verdict.state === 'ok' && age >= this.staleMs)) {
      await this.check();
      verdict = this.verdict!;
    } else if (age >= this.recheckMs) {
      void this.check();
    }
    if (verdict.state === 'ok') {
      this.reads.replica.inc();
      return replica;
    }
    this.fallbacks[verdict.state].inc();
    this.reads.primary.inc();
    return this.primaryReader;
  }

  /**
   * Runs `fn` on `reader()`'s database; if the replica fails it for its own reasons (connection lost
   * or refused, hung, or the query cancelled by a replay conflict), runs it again on the primary. A
   * SQL or user error is thrown as is. `fn` may therefore run twice: only reads belong here.
   */
  async withReader<T>(fn: (db: Db, target: ReadTarget) => Promise<T>): Promise<T> {
    const { db, target } = await this.reader();
    if (target === 'primary') return fn(db, target);
    try {
      return await fn(db, target);
    } catch (err) {
      const reason = replicaFailure(err);
      if (!reason) throw err;
      if (reason === 'down') this.markDown(err);
      this.fallbacks[reason].inc();
      this.reads.primary.inc();
      return fn(this.primaryReader.db, 'primary');
    }
  }

  /** Send reads to the primary until a check finds the replica answering again. */
  markDown(err?: unknown): void {
    if (!this.configured) return;
    this.downSince = performance.now();
    this.setVerdict({ state: 'down', lagSeconds: this.verdict?.lagSeconds ?? null, at: this.downSince }, err);
  }

  status(): ReplicaStatus {
    return {
      configured: this.configured,
      state: this.verdict?.state ?? 'unknown',
      lagSeconds: this.verdict?.lagSeconds ?? null,
    };
  }

  /** Checks the replica now (or joins the check under way). Never rejects. */
  check(): Promise<void> {
    if (!this.checkPool) return Promise.resolve();
    return (this.checking ??= this.runCheck().finally(() => {
      this.checking = undefined;
    }));
  }

  private async runCheck(): Promise<void> {
    const at = performance.now();
    let verdict: Verdict;
    let error: unknown;
    try {
      const { rows } = await this.checkPool!.query<{ standby: boolean; lag: number | null }>({
        text: LAG_SQL,
        query_timeout: this.checkTimeoutMs,
      } as pg.QueryConfig);
      const { standby, lag } = rows[0]!;
      // Clocks of two machines: a commit "in the future" is no lag.
      const lagSeconds = lag === null ? null : Math.max(lag, 0);
      if (!standby) {
        verdict = { state: 'down', lagSeconds: null, at };
        error = new Error('DATABASE_REPLICA_URL is not a hot standby (pg_is_in_recovery() is false)');
      } else {
        const keepsUp = lagSeconds !== null && lagSeconds * 1000 <= this.options.maxLagMs;
        verdict = { state: keepsUp ? 'ok' : 'lag', lagSeconds, at };
      }
    } catch (err) {
      verdict = { state: 'down', lagSeconds: this.verdict?.lagSeconds ?? null, at };
      error = err;
    }
    // A read found it down after this check began: that is the newer news.
    if (at < this.downSince) return;
    this.setVerdict(verdict, error);
  }

  private setVerdict(verdict: Verdict, err?: unknown) {
    const changed = verdict.state !== this.verdict?.state;
    this.verdict = verdict;
    if (verdict.lagSeconds !== null) this.lagGauge?.set(verdict.lagSeconds);
    this.upGauge?.set(verdict.state === 'down' ? 0 : 1);
    if (changed) {
      this.options.onChange?.(verdict.state, {
        lagSeconds: verdict.lagSeconds,
        ...(err ? { error: (err as Error).message } : {}),
      });
    }
  }

  async close(): Promise<void> {
    await this.checking;
    await Promise.all([this.pool?.end(), this.checkPool?.end()]);
  }
}

function quiet(pool: pg.Pool): pg.Pool {
  // An idle client's error (replica restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return pool;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
// node-postgres reports these without a code.
const NETWORK_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Query read timeout|not queryable|Connection ended/i;

/**
 * Whether an error is the replica's fault rather than the query's: 'down' for a connection-class error
 * (refused, lost, hung, the server shutting down or starting up), 'conflict' for a query cancelled
 * because replay needed the rows it was reading; undefined for anything the primary would fail too.
 */
export function replicaFailure(err: unknown): 'down' | 'conflict' | undefined {
  // Drizzle wraps the driver's error as the cause.
  for (
    let e = err as { code?: unknown; message?: unknown; cause?: unknown } | undefined, depth = 0;
    e && depth < 5;
    depth++
  ) {
    const code = typeof e.code === 'string' ? e.code : '';
    // 08: connection exception; 57P01-03: admin/crash shutdown, cannot connect now; 53300: too many connections.
    if (NETWORK_CODES.has(code) || code.startsWith('08') || /^57P0[123]$/.test(code) || code === '53300') return 'down';
    // On a hot standby, serialization_failure means "canceling statement due to conflict with recovery".
    if (code === '40001' || code === '40P01') return 'conflict';
    if (!code && typeof e.message === 'string' && NETWORK_MESSAGES.test(e.message)) return 'down';
    e = e.cause as typeof e;
  }
  return undefined;
}

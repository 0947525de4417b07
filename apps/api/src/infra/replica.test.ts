/**
 * The read router against a real streaming replica (test/replica-cluster.ts: a private primary and a
 * hot standby cloned from it): reads go to the replica while it answers and keeps up, to the primary
 * when it is down or behind, and back once it has caught up.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { Registry } from 'prom-client';
import { loadConfig } from '../config.js';
import { createRuntime } from '../runtime.js';
import { LogCapture, TEST_PII_ENV, waitFor } from '../../test/harness.js';
import {
  measureReplicationLag,
  startReplicaPair,
  waitForReplay,
  type ReplicaPair,
} from '../../test/replica-cluster.js';
import { createPostgres, rowsOf, type Database, type Db } from './db.js';
import { ReadRouter, type ReadRouterOptions, type ReadTarget } from './replica.js';

let pair: ReplicaPair;
let primary: Database;
const routers: ReadRouter[] = [];

beforeAll(async () => {
  pair = await startReplicaPair();
  primary = createPostgres(pair.primaryUrl, 4);
  await primary.db.execute(sql`create table listing (id serial primary key, title text not null)`);
});

afterAll(async () => {
  await primary?.close();
  await pair?.stop();
});

afterEach(async () => {
  await Promise.all(routers.splice(0).map((r) => r.close()));
});

function router(options: Partial<ReadRouterOptions> = {}) {
  const registry = new Registry();
  const r = new ReadRouter({ primary, replicaUrl: pair.replicaUrl, maxLagMs: 5_000, registry, ...options });
  routers.push(r);
  const metric = async (name: string, labels: Record<string, string> = {}) => {
    const { values } = await registry.getSingleMetric(name)!.get();
    const found = values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x));
    return found?.value ?? 0;
  };
  return { router: r, metric };
}

async function insert(title: string): Promise<number> {
  const [row] = rowsOf<{ id: number }>(
    await primary.db.execute(sql`insert into listing (title) values (${title}) returning id`),
  );
  return row!.id;
}

const titleOf = async (db: Db, id: number) =>
  rowsOf<{ title: string }>(await db.execute(sql`select title from listing where id = ${id}`))[0]?.title;

/** Runs `fn` through withReader, noting every database it ran on. */
async function tracedRead(r: ReadRouter, id: number) {
  const targets: ReadTarget[] = [];
  const title = await r.withReader((db, target) => {
    targets.push(target);
    return titleOf(db, id);
  });
  return { title, targets };
}

async function onReplica<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: pair.replicaUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe('ReadRouter on a real streaming replica', () => {
  it('reads a row written on the primary from the replica once replayed, and counts reads by target', async () => {
    const { router: r, metric } = router();
    const id = await insert('welder, Ibadan North');
    const replay = await waitForReplay(pair.primaryUrl, pair.replicaUrl);
    const lag = await measureReplicationLag(pair.primaryUrl, pair.replicaUrl);
    console.info(
      `replica lag observed: row replayed ${replay.waitedMs.toFixed(1)} ms into the wait (${replay.bytesBehind} bytes behind at first look); ` +
        `commit to replayed over ${lag.samples} commits: median ${lag.medianMs.toFixed(2)} ms, max ${lag.maxMs.toFixed(2)} ms`,
    );

    const reader = await r.reader();
    expect(reader.target).toBe('replica');
    expect(await titleOf(reader.db, id)).toBe('welder, Ibadan North');
    expect(await tracedRead(r, id)).toEqual({ title: 'welder, Ibadan North', targets: ['replica'] });

    expect(await metric('oslrs_db_reads_total', { target: 'replica' })).toBe(2);
    expect(await metric('oslrs_db_reads_total', { target: 'primary' })).toBe(0);
    expect(await metric('oslrs_db_replica_up')).toBe(1);
    expect(r.status()).toMatchObject({ configured: true, state: 'ok' });
  });

  it('does not take an idle primary for a lagging replica (lag 0 once all received WAL is replayed)', async () => {
    await insert('tailor, Ogbomosho');
    await waitForReplay(pair.primaryUrl, pair.replicaUrl);
    // No lag at all allowed: only "replayed everything received" passes, not "last commit was a while ago".
    const { router: r, metric } = router({ maxLagMs: 0, recheckMs: 20 });
    await waitFor(async () => (await r.reader()).target === 'replica');
    expect(await metric('oslrs_db_replica_lag_seconds')).toBe(0);
  });

  it('a SQL error on the replica is the caller’s, not a reason to retry on the primary', async () => {
    const { router: r, metric } = router();
    const targets: ReadTarget[] = [];
    await expect(
      r.withReader((db, target) => {
        targets.push(target);
        return db.execute(sql`select * from no_such_table`);
      }),
    ).rejects.toThrow();
    expect(targets).toEqual(['replica']);
    expect(await metric('oslrs_db_replica_fallbacks_total', { reason: 'down' })).toBe(0);
    expect((await r.reader()).target).toBe('replica');
  });

  it('answers from the primary while the replica is down, and returns to it once it is back', async () => {
    const id = await insert('carpenter, Saki West');
    await waitForReplay(pair.primaryUrl, pair.replicaUrl);
    // `cached` keeps its "ok" verdict (no re-check for a minute): its first read finds the replica gone.
    const cached = router({ recheckMs: 60_000 });
    // `live` re-checks every 50 ms in the background.
    const live = router({ recheckMs: 50 });
    expect((await cached.router.reader()).target).toBe('replica');
    expect((await live.router.reader()).target).toBe('replica');

    await pair.stopReplica('immediate');

    // The read fails on the replica (connection lost) and is run again on the primary.
    expect(await tracedRead(cached.router, id)).toEqual({
      title: 'carpenter, Saki West',
      targets: ['replica', 'primary'],
    });
    expect(await cached.metric('oslrs_db_replica_fallbacks_total', { reason: 'down' })).toBe(1);
    // Marked down: the next reads go straight to the primary.
    expect(await tracedRead(cached.router, id)).toEqual({ title: 'carpenter, Saki West', targets: ['primary'] });
    expect(await cached.metric('oslrs_db_replica_fallbacks_total', { reason: 'down' })).toBe(2);
    expect(await cached.metric('oslrs_db_replica_up')).toBe(0);

    await waitFor(async () => (await live.router.reader()).target === 'primary');
    expect(await live.metric('oslrs_db_replica_fallbacks_total', { reason: 'down' })).toBeGreaterThan(0);
    expect(await tracedRead(live.router, id)).toEqual({ title: 'carpenter, Saki West', targets: ['primary'] });

    // Writes never depended on the replica.
    const during = await insert('mason, written while the replica was down');
    expect(await titleOf(primary.db, during)).toBe('mason, written while the replica was down');

    await pair.startReplica();
    // Back in use once a background check finds it streaming and caught up (its slot kept the WAL).
    await waitFor(async () => (await live.router.reader()).target === 'replica');
    expect(await tracedRead(live.router, during)).toEqual({
      title: 'mason, written while the replica was down',
      targets: ['replica'],
    });
    expect(await live.metric('oslrs_db_replica_up')).toBe(1);
  });

  it('answers from the primary when the replica hangs (connections open, nothing answers)', async () => {
    const id = await insert('vulcaniser, Iseyin');
    await waitForReplay(pair.primaryUrl, pair.replicaUrl);
    const { router: r, metric } = router({ recheckMs: 50, checkTimeoutMs: 200, queryTimeoutMs: 300 });
    // A first read leaves an idle connection in the replica pool, which the next read reuses.
    expect(await tracedRead(r, id)).toEqual({ title: 'vulcaniser, Iseyin', targets: ['replica'] });

    pair.freezeReplica();
    try {
      // Either the read hangs on the replica until its timeout and is run again on the primary, or the
      // background check has already given up on the replica: the answer comes from the primary.
      const read = await tracedRead(r, id);
      expect(read.title).toBe('vulcaniser, Iseyin');
      expect(read.targets.at(-1)).toBe('primary');
      await waitFor(async () => r.status().state === 'down');
      expect(await metric('oslrs_db_replica_fallbacks_total', { reason: 'down' })).toBeGreaterThan(0);
      expect(await metric('oslrs_db_replica_up')).toBe(0);
    } finally {
      pair.thawReplica();
    }
    await waitFor(async () => (await r.reader()).target === 'replica');
  });

  it('sends reads to the primary while the replica lags beyond the limit, and back when it catches up', async () => {
    const { router: r, metric } = router({ maxLagMs: 50, recheckMs: 20 });
    await waitForReplay(pair.primaryUrl, pair.replicaUrl);
    await waitFor(async () => (await r.reader()).target === 'replica');

    await onReplica(async (c) => {
      await c.query('select pg_wal_replay_pause()');
      await waitFor(async () => {
        const { rows } = await c.query<{ state: string }>('select pg_get_wal_replay_pause_state() as state');
        return rows[0]!.state === 'paused';
      });
    });
    try {
      const id = await insert('hairdresser, written while replay is paused');
      await waitFor(async () => (await r.reader()).target === 'primary');
      expect(await metric('oslrs_db_replica_fallbacks_total', { reason: 'lag' })).toBeGreaterThan(0);
      expect(await metric('oslrs_db_replica_lag_seconds')).toBeGreaterThan(0.05);
      expect(r.status().state).toBe('lag');
      // The replica really is behind: it has not got the row, and the router's reads do.
      expect(await onReplica((c) => c.query('select 1 from listing where id = $1', [id]).then((q) => q.rowCount))).toBe(
        0,
      );
      expect(await tracedRead(r, id)).toEqual({
        title: 'hairdresser, written while replay is paused',
        targets: ['primary'],
      });
    } finally {
      await onReplica((c) => c.query('select pg_wal_replay_resume()'));
    }
    await waitFor(async () => (await r.reader()).target === 'replica');
  });

  it('without a replica reads always go to the primary, with no replica pool or check', async () => {
    const { router: r, metric } = router({ replicaUrl: undefined });
    const id = await insert('electrician, no replica');
    expect(await r.reader()).toEqual({ db: primary.db, target: 'primary' });
    expect(await tracedRead(r, id)).toEqual({ title: 'electrician, no replica', targets: ['primary'] });
    expect(await metric('oslrs_db_reads_total', { target: 'primary' })).toBe(2);
    expect(await metric('oslrs_db_replica_fallbacks_total', { reason: 'down' })).toBe(0);
    expect(r.status()).toEqual({ configured: false, state: 'unknown', lagSeconds: null });
  });

  it('is the runtime’s `reads` when DATABASE_REPLICA_URL is set, with its metrics on /metrics’ registry', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      DATABASE_URL: pair.primaryUrl,
      DATABASE_REPLICA_URL: pair.replicaUrl,
      REPLICA_MAX_LAG_MS: '60000',
      LOG_LEVEL: 'silent',
      ...TEST_PII_ENV,
    });
    expect(config.replicaMaxLagMs).toBe(60_000);
    const runtime = await createRuntime(config, { database: primary, logStream: new LogCapture() });
    try {
      await waitForReplay(pair.primaryUrl, pair.replicaUrl);
      expect((await runtime.reads.reader()).target).toBe('replica');
      const text = await runtime.metrics.registry.metrics();
      expect(text).toContain('oslrs_db_reads_total{target="replica"} 1');
      expect(text).toContain('oslrs_db_replica_lag_seconds');
    } finally {
      await runtime.close();
    }
  });
});

import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../../config.js';
import { createPostgres, type Database } from '../../infra/db.js';
import { createRuntime, type Runtime } from '../../runtime.js';
import { buildApp } from '../../app.js';
import { bootstrap } from '../setup/index.js';
import { LogCapture, TEST_PII_ENV, waitFor } from '../../../test/harness.js';
import { startReplicaPair, waitForReplay, type ReplicaPair } from '../../../test/replica-cluster.js';
import { syncProfile } from './index.js';

/**
 * Marketplace reads on a real streaming replica (issue 12 item 7): a PostgreSQL primary and a hot
 * standby made by pg_basebackup, both started by the harness. A profile written on the primary is
 * found through the replica; with the replica stopped, search still answers (from the primary) and
 * the metrics say so.
 */
let pair: ReplicaPair;
let primary: Database;
let runtime: Runtime;
let app: FastifyInstance;

beforeAll(async () => {
  pair = await startReplicaPair();
  primary = createPostgres(pair.primaryUrl, 4);
  await primary.migrate((db) => bootstrap(db, {}).then(() => {}));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: pair.primaryUrl,
    DATABASE_REPLICA_URL: pair.replicaUrl,
    REPLICA_MAX_LAG_MS: '5000',
    MARKETPLACE_SEARCHES_PER_MINUTE: '1000',
    LOG_LEVEL: 'silent',
    ...TEST_PII_ENV,
  });
  runtime = await createRuntime(config, { database: primary, logStream: new LogCapture() });
  app = await buildApp(runtime);
}, 120_000);

afterAll(async () => {
  await app?.close();
  await runtime?.close();
  await primary?.close();
  await pair?.stop();
});

const metric = async (name: string, labels: Record<string, string>) => {
  const m = runtime.metrics.registry.getSingleMetric(name);
  const { values } = await m!.get();
  return values.find((v) => Object.entries(labels).every(([k, x]) => v.labels[k] === x))?.value ?? 0;
};

const searchFor = (profession: string) =>
  app.inject({ method: 'GET', url: `/api/v1/marketplace/profiles?q=${encodeURIComponent(profession)}` });

async function list(profession: string) {
  await primary.db.transaction((tx) =>
    syncProfile(tx, {
      respondentId: randomUUID(),
      status: 'active',
      ninOnFile: true,
      consentMarketplace: true,
      mainOccupation: profession,
      skills: ['welding'],
      lgaCode: 'ibadan_north',
      yearsExperience: '4_6',
      verified: false,
      bio: null,
    }),
  );
}

describe('marketplace reads on a streaming replica', () => {
  it('a profile written on the primary is searchable through the replica', async () => {
    await list('Blacksmith');
    // Replayed on the standby (how far behind it was when the wait began depends on the machine's load).
    await waitForReplay(pair.primaryUrl, pair.replicaUrl);
    // The router's verdict on the replica is its last check's, re-checked in the background at most
    // once a second: the check made at start-up can predate the standby's first streaming (lag not
    // known yet), and the searches made until the next check go to the primary. The one that went
    // to the replica must find the profile.
    const res = await waitFor(async () => {
      const before = await metric('oslrs_db_reads_total', { target: 'replica' });
      const answer = await searchFor('blacksmith');
      return (await metric('oslrs_db_reads_total', { target: 'replica' })) > before && answer;
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items.map((i: { profession: string }) => i.profession)).toEqual(['Blacksmith']);
  });

  it('with the replica stopped, search still answers from the primary (a fresh profile included) and the fallback is counted', async () => {
    await pair.stopReplica();
    await list('Goldsmith');
    const res = await searchFor('goldsmith');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().items.map((i: { profession: string }) => i.profession)).toEqual(['Goldsmith']);
    expect(await metric('oslrs_db_replica_fallbacks_total', { reason: 'down' })).toBeGreaterThan(0);
    // Writes never depended on it: a reveal or consent change goes to the primary either way.
    await pair.startReplica();
    // Back on the replica once it has caught up and passed a health check.
    await waitForReplay(pair.primaryUrl, pair.replicaUrl);
    await waitFor(async () => {
      const before = await metric('oslrs_db_reads_total', { target: 'replica' });
      const again = await searchFor('goldsmith');
      return again.statusCode === 200 && (await metric('oslrs_db_reads_total', { target: 'replica' })) > before;
    });
  });
});

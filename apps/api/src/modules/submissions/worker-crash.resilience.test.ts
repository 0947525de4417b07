/**
 * The job worker is killed (SIGKILL) in the middle of ingesting 2,000 submissions; a new one must
 * finish the work with nothing lost and nothing done twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { count, eq, isNull, sql } from 'drizzle-orm';
import { auditLog, respondents, submissionOutbox, submissions } from '../../db/schema/index.js';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  TEST_REDIS_URL,
  TEST_PII_ENV,
  createUser,
  login,
  startTestApp,
  waitFor,
  type Session,
  type TestApp,
} from '../../../test/harness.js';
import {
  freshNin,
  masterAnswers,
  publishForm,
  submissionBody,
  submitBatch,
  type Published,
} from '../../../test/testkit.js';

const REPO = resolve(import.meta.dirname, '../../../../..');
const TOTAL = 2000;

let t: TestApp;
let admin: Session;
let master: Published;
const children = new Set<ChildProcess>();

beforeAll(async () => {
  // Only the child worker ingests: this app receives and enqueues.
  t = await startTestApp({ worker: false, env: { DB_POOL_MAX: '10' } });
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  master = await publishForm(t, admin);
});
afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await t?.close();
});

interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function startWorker(): WorkerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'apps/api/src/worker.ts'], {
    cwd: REPO,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATABASE_URL: t.databaseUrl,
      DATABASE_OWNER_URL: t.ownerUrl,
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: t.redisPrefix,
      RELAY_INTERVAL_MS: '1000',
      OUTBOX_STALE_MS: '2000',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
      ...TEST_PII_ENV,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) =>
    child.once('exit', (code, signal) => {
      children.delete(child);
      done({ code, signal });
    }),
  );
  return { child, output: () => out, exited };
}

async function ingestedCount() {
  const [row] = await t.database.db.select({ n: count() }).from(submissions).where(eq(submissions.status, 'ingested'));
  return row!.n;
}

describe('a worker killed mid-way', () => {
  it(
    '2,000 submissions: SIGKILL the worker part-way, a new one finishes; exactly one respondent each',
    { timeout: 90_000 },
    async () => {
      const started = Date.now();
      const enumerators = await Promise.all(
        Array.from({ length: 4 }, async () => {
          const u = await createUser(t, 'enumerator');
          return login(t.app, u.email, u.password);
        }),
      );
      const nins = new Set<string>();
      const batches = Array.from({ length: TOTAL / 50 }, () =>
        Array.from({ length: 50 }, () => {
          const nin = freshNin();
          nins.add(nin);
          return submissionBody(master.versionId, { answers: masterAnswers({ nin }) });
        }),
      );
      expect(nins.size).toBe(TOTAL);

      // Four devices syncing at once, each its own outbox in batches of 50.
      const lanes = enumerators.map(async (session, lane) => {
        for (let b = lane; b < batches.length; b += enumerators.length) {
          const res = await submitBatch(t, session, batches[b]!);
          expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
          const statuses = (res.json().results as { status: string }[]).map((r) => r.status);
          expect(statuses).toEqual(Array(50).fill('received'));
        }
      });
      await Promise.all(lanes);
      const receivedMs = Date.now() - started;
      const [stored] = await t.database.db.select({ n: count() }).from(submissions);
      expect(stored!.n).toBe(TOTAL);
      expect(await ingestedCount()).toBe(0);

      const first = startWorker();
      const before = await waitFor(async () => {
        const n = await ingestedCount();
        return n >= 200 ? n : null;
      }, 30_000).catch((err) => {
        throw new Error(`${(err as Error).message}; worker output:\n${first.output()}`);
      });
      first.child.kill('SIGKILL');
      const exit = await first.exited;
      expect(exit.signal).toBe('SIGKILL');
      const atKill = await ingestedCount();
      expect(before).toBeGreaterThanOrEqual(200);
      // "Some but not all": the kill must land in the middle.
      expect(atKill).toBeLessThan(TOTAL);
      const killedAt = Date.now();

      const second = startWorker();
      await waitFor(async () => (await ingestedCount()) === TOTAL, 50_000).catch(async (err) => {
        const pending = await t.database.db
          .select({ n: count() })
          .from(submissions)
          .where(eq(submissions.status, 'received'));
        throw new Error(
          `${(err as Error).message}: ${pending[0]!.n} still received; worker output:\n${second.output()}`,
        );
      });
      const recoveredMs = Date.now() - killedAt;

      const rows = await t.database.db
        .select({
          id: submissions.id,
          status: submissions.status,
          respondentId: submissions.respondentId,
          ninSealed: respondents.ninSealed,
        })
        .from(submissions)
        .leftJoin(respondents, eq(respondents.id, submissions.respondentId));
      expect(rows).toHaveLength(TOTAL);
      expect(rows.filter((r) => r.status !== 'ingested')).toEqual([]);
      expect(new Set(rows.map((r) => r.respondentId)).size).toBe(TOTAL);
      expect(new Set(rows.map((r) => t.runtime.pii.open(r.ninSealed!, 'nin')))).toEqual(nins);

      const [r] = await t.database.db
        .select({ n: count(), distinctNins: sql<number>`count(distinct ${respondents.ninHash})::int` })
        .from(respondents);
      expect(r).toEqual({ n: TOTAL, distinctNins: TOTAL });
      const [notDone] = await t.database.db
        .select({ n: count() })
        .from(submissionOutbox)
        .where(isNull(submissionOutbox.doneAt));
      expect(notDone!.n).toBe(0);
      const [outbox] = await t.database.db.select({ n: count() }).from(submissionOutbox);
      expect(outbox!.n).toBe(TOTAL);
      // Created exactly once each: one audit row per respondent, none for a rolled-back attempt.
      const [audits] = await t.database.db
        .select({ n: count() })
        .from(auditLog)
        .where(eq(auditLog.action, 'respondent.created'));
      expect(audits!.n).toBe(TOTAL);

      second.child.kill('SIGTERM');
      const stopped = await second.exited;
      expect(stopped.code === 0 || stopped.signal === 'SIGTERM').toBe(true);
      expect(second.output()).not.toMatch(/worker failed/);
      console.info(
        `worker-crash: received ${TOTAL} in ${receivedMs} ms; killed at ${atKill} ingested; recovered in ${recoveredMs} ms; total ${Date.now() - started} ms`,
      );
    },
  );
});

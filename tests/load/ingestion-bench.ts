/**
 * Ingestion throughput end to end on real PostgreSQL + Redis: 10,000 submissions of the master
 * questionnaire sent through POST /api/v1/submissions/batch by 20 enumerators, the API and the job
 * worker as separate processes (the production shape). Reports the intake rate and the time until
 * every submission is ingested (received → ingested), in submissions per second.
 *
 *   npm run bench:ingest           (SUBMISSIONS=10000 SENDERS=8 WORKER_CONCURRENCY=8 to change)
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { MASTER_FORM } from '../../packages/core/src/forms/fixtures/master.js';
import { masterAnswerSets } from '../../packages/core/src/forms/fixtures/master-answers.js';
import { users } from '../../apps/api/src/db/schema/index.js';
import { hashPassword } from '../../apps/api/src/modules/auth/passwords.js';
import { prepareDatabase, startBenchServer } from './server.js';

const TOTAL = Number(process.env.SUBMISSIONS ?? 10_000);
const SENDERS = Number(process.env.SENDERS ?? 8);
const ENUMERATORS = 20;

const prepared = await prepareDatabase();
const password = 'bench-password-123';
const hash = await hashPassword(password);
const enumerators = Array.from({ length: ENUMERATORS }, (_, i) => ({ id: uuidv7(), email: `enum${i}@bench.oslrs` }));
await prepared.database.db.insert(users).values(
  enumerators.map((e, i) => ({
    ...e,
    fullName: `Enumerator ${i}`,
    role: 'enumerator',
    status: 'active',
    lgaCode: 'iseyin',
    passwordHash: hash,
  })),
);
const server = await startBenchServer(prepared, {
  separateWorker: true,
  env: { WORKER_CONCURRENCY: process.env.WORKER_CONCURRENCY ?? '8', DB_POOL_MAX: '10' },
});
try {
  const { url, admin } = server;
  const adminHeaders = { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken, 'content-type': 'application/json' };
  const created = await fetch(`${url}/api/v1/questionnaires`, {
    method: 'POST',
    headers: adminHeaders,
    body: JSON.stringify({ form: MASTER_FORM }),
  });
  const { questionnaire } = (await created.json()) as { questionnaire: { id: string } };
  await fetch(`${url}/api/v1/questionnaires/${questionnaire.id}/publish`, {
    method: 'POST',
    headers: { cookie: admin.cookie, 'x-csrf-token': admin.csrfToken },
  });
  const { versionId } = (await (await fetch(`${url}/api/v1/forms/${questionnaire.id}/schema`)).json()) as {
    versionId: string;
  };

  const sessions = await Promise.all(
    enumerators.map(async (e, i) => {
      // Each enumerator signs in from their own phone (address), as in the field.
      const headers = { 'content-type': 'application/json', 'x-forwarded-for': `10.0.${i}.7` };
      const res = await fetch(`${url}/api/v1/auth/login`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ email: e.email, password }),
      });
      const { csrfToken } = (await res.json()) as { csrfToken: string };
      return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrfToken };
    }),
  );

  const templates = masterAnswerSets();
  const day = Date.now() - 3 * 24 * 3600_000;
  const make = (n: number) => {
    const answers = { ...templates[n % templates.length]!, nin: String(20_000_000_000 + n * 7919).padStart(11, '1') };
    const started = new Date(day + n * 1000);
    return {
      id: randomUUID(),
      questionnaireVersionId: versionId,
      answers,
      startedAt: started.toISOString(),
      completedAt: new Date(started.getTime() + 9 * 60_000).toISOString(),
      gps: { lat: 7.3 + (n % 1000) * 0.001, lng: 3.9 + (n % 997) * 0.001, accuracy: 10 },
      deviceId: `bench-${n % ENUMERATORS}`,
    };
  };
  const batches: { index: number; items: ReturnType<typeof make>[] }[] = [];
  for (let i = 0; i < TOTAL; i += 50)
    batches.push({
      index: batches.length,
      items: Array.from({ length: Math.min(50, TOTAL - i) }, (_, k) => make(i + k)),
    });

  const t0 = performance.now();
  let next = 0;
  let refused = 0;
  await Promise.all(
    Array.from({ length: SENDERS }, async () => {
      while (next < batches.length) {
        const batch = batches[next++]!;
        const s = sessions[batch.index % sessions.length]!;
        const res = await fetch(`${url}/api/v1/submissions/batch`, {
          method: 'POST',
          headers: { cookie: s.cookie, 'x-csrf-token': s.csrfToken, 'content-type': 'application/json' },
          body: JSON.stringify({ submissions: batch.items }),
        });
        const body = (await res.json()) as { results: { status: string }[] };
        refused += body.results.filter((r) => r.status === 'error').length;
      }
    }),
  );
  const intakeSeconds = (performance.now() - t0) / 1000;
  console.log(
    `intake: ${TOTAL} submissions in ${intakeSeconds.toFixed(1)} s = ${(TOTAL / intakeSeconds).toFixed(0)} submissions/s (${refused} refused)`,
  );

  const count = async () =>
    (
      await prepared.database.db.execute(
        sql`select count(*) filter (where status <> 'received')::int as done, count(*) filter (where status = 'ingested')::int as ingested from submissions`,
      )
    ).rows[0] as { done: number; ingested: number };
  let state = await count();
  while (state.done < TOTAL - refused) {
    await new Promise((r) => setTimeout(r, 200));
    state = await count();
  }
  const total = (performance.now() - t0) / 1000;
  console.log(
    `end to end: ${TOTAL} received → ${state.ingested} ingested (${state.done - state.ingested} rejected) in ${total.toFixed(1)} s = ${(TOTAL / total).toFixed(0)} submissions/s`,
  );
  const [respondents] = (await prepared.database.db.execute(sql`select count(*)::int as n from respondents`)).rows as [
    { n: number },
  ];
  console.log(`respondents: ${respondents.n}`);
} finally {
  await server.stop();
}

/**
 * Smoke test (the seed's k6 smoke.js): 2 virtual users for 15 s. First each role's whole mix once
 * (so every endpoint is hit, and one batch of submissions is followed until it is ingested), then the
 * two users run the mix with a short think time (0.5–1.5 s) for the rest of the 15 s. Exits non-zero
 * on any error or on an endpoint of the mix that was never exercised.
 *
 *   npm run load:smoke                      (self-started server on a fresh database, dropped after)
 *   TARGET=http://127.0.0.1:8080 npm run load:smoke
 */
import { MIX, VirtualUser, accountFor, type Action, type Sample, type VuRole } from './scenarios.js';
import { fromEnv } from './target.js';
import { printStep, runSteps } from './vu.js';

const DURATION_S = Number(process.env.DURATION_S ?? 15);
const started = performance.now();
const target = await fromEnv();
const samples: Sample[] = [];
let failed = 0;
try {
  console.log(target.description);
  const tourOrder: Action[] = [
    'page',
    'asset',
    'forms',
    'schema',
    'schema',
    'health',
    'me',
    'checkNin',
    'batch',
    'submit',
    'mySubmissions',
    'submissionStatus',
    'staffList',
    'staffSummary',
    'login',
  ];
  const tour = async (role: VuRole, index: number) => {
    const vu = new VirtualUser(index, role, role === 'public' ? undefined : accountFor(role, 0), target.info, (s) =>
      samples.push(s),
    );
    try {
      if (vu.account && !(await vu.login())) throw new Error(`${role}: login failed`);
      for (const action of tourOrder) if (MIX[role][action]) await vu.run(action);
    } finally {
      await vu.close();
    }
  };
  const t0 = performance.now();
  // Two users: one takes the public and field roles, the other the back office.
  await Promise.all([
    (async () => {
      for (const role of ['public', 'enumerator', 'data_entry_clerk', 'verification_assessor'] as VuRole[])
        await tour(role, 1);
    })(),
    (async () => {
      for (const role of ['super_admin', 'supervisor', 'government_official'] as VuRole[]) await tour(role, 2);
    })(),
  ]);
  console.log(
    `tour of every role's mix: ${samples.length} requests in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  // One batch, followed until the worker has ingested it (the submissions are valid end to end).
  const enumerator = new VirtualUser(3, 'enumerator', accountFor('enumerator', 1), target.info, (s) => samples.push(s));
  await enumerator.login();
  const ids = await enumerator.sendBatch(3);
  const deadline = Date.now() + 15_000;
  let statuses: string[] = [];
  while (Date.now() < deadline) {
    statuses = await Promise.all(ids.map((id) => enumerator.statusOf(id)));
    if (statuses.every((s) => s !== 'received')) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  await enumerator.close();
  console.log(`batch of ${ids.length} submissions → ${statuses.join(', ')}`);
  if (!statuses.every((s) => s === 'ingested')) {
    console.error(`submissions not ingested: ${statuses.join(', ')}`);
    failed++;
  }

  const remaining = Math.max(3, DURATION_S - (performance.now() - t0) / 1000);
  const [report] = await runSteps({
    target: target.info,
    steps: [{ vus: 2, rampS: 0, holdS: remaining }],
    roleMix: { ...Object.fromEntries(Object.keys(MIX).map((r) => [r, 0])), enumerator: 1, super_admin: 1 } as Record<
      VuRole,
      number
    >,
    thinkMinMs: 500,
    thinkMaxMs: 1500,
    liveEveryS: 0,
  });
  printStep(report!);
  failed += report!.overall.errors + report!.rampErrors;
} finally {
  await target.stop();
}

const errors = samples.filter((s) => !s.ok);
const endpoints = new Map<string, { n: number; worst: number }>();
for (const s of samples) {
  const e = endpoints.get(s.endpoint) ?? { n: 0, worst: 0 };
  e.n++;
  e.worst = Math.max(e.worst, s.ms);
  endpoints.set(s.endpoint, e);
}
console.log('\ntour: endpoint, requests, slowest ms');
for (const [name, e] of [...endpoints].sort())
  console.log(`  ${name.padEnd(30)} ${String(e.n).padStart(4)} ${e.worst.toFixed(1).padStart(8)}`);
for (const e of errors) console.error(`  error: ${e.endpoint}: ${e.reason}`);
const expected = [
  'GET / (page)',
  'GET /assets/* (hashed)',
  'GET /forms',
  'GET /forms/:id/schema',
  'GET /health',
  'POST /auth/login',
  'POST /auth/logout',
  'GET /auth/me',
  'POST /forms/check-nin',
  'POST /submissions/batch',
  'POST /submissions',
  'GET /submissions (own)',
  'GET /submissions/:id',
  'GET /staff (filters)',
  'GET /staff/summary',
];
const missing = expected.filter((e) => !endpoints.has(e));
if (missing.length) console.error(`never exercised: ${missing.join(', ')}`);
failed += errors.length + missing.length;
console.log(`\nsmoke: ${failed ? 'FAILED' : 'ok'} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
process.exit(failed ? 1 : 0);

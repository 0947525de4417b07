/**
 * What sealing NINs and phones costs, measured in one run against a baseline that stores them in
 * clear (the reference's way): the same app, database and code path, with a cipher whose seal and
 * blind index are the identity. Rounds alternate baseline / sealed so machine noise hits both.
 *
 * Per round and mode, on a fresh database (real PostgreSQL + Redis, the app in-process):
 *   - intake: SUBMISSIONS master-questionnaire surveys through POST /submissions/batch (50 a batch);
 *   - ingestion: every one ingested (received → ingested, respondent created), 8 at a time;
 *   - NIN look-up: POST /forms/check-nin for LOOKUPS registered NINs, one at a time, p50/p95.
 * Plus the primitives alone (µs per seal, open, blind index).
 *
 *   npm run bench:pii             (SUBMISSIONS=1000 LOOKUPS=1000 ROUNDS=3 to change)
 */
import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import { masterAnswerSets } from '../../packages/core/src/forms/fixtures/master-answers.js';
import { PiiCipher, newKey, parseKey, type IndexPurpose, type PiiPurpose } from '../../apps/api/src/infra/pii.js';
import { startTestApp, call, login, ADMIN_EMAIL, ADMIN_PASSWORD } from '../../apps/api/test/harness.js';
import { publishForm, signIn } from '../../apps/api/test/testkit.js';

const SUBMISSIONS = Number(process.env.SUBMISSIONS ?? 1000);
const LOOKUPS = Math.min(Number(process.env.LOOKUPS ?? 1000), SUBMISSIONS);
const ROUNDS = Number(process.env.ROUNDS ?? 3);

const keys = () => ({ current: parseKey(newKey(), 'k'), old: [], index: parseKey(newKey(), 'i') });

/** The baseline: plaintext at rest (what the reference stores). */
class PlaintextCipher extends PiiCipher {
  override seal(plain: string, _purpose: PiiPurpose): string {
    return plain;
  }
  override open(sealed: string, _purpose: PiiPurpose): string {
    return sealed;
  }
  override isCurrent(): boolean {
    return true;
  }
  override blindIndex(value: string, _purpose: IndexPurpose): string {
    return value;
  }
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
};

function nin(i: number, round: number) {
  return `4${String(round)}${String(i).padStart(9, '0')}`;
}

async function runMode(mode: 'plaintext' | 'sealed', round: number) {
  const pii = mode === 'sealed' ? new PiiCipher(keys()) : new PlaintextCipher(keys());
  const t = await startTestApp({
    pii,
    worker: false,
    env: { RATE_LIMIT_USER_PER_MINUTE: '100000000', DB_POOL_MAX: '10' },
  });
  try {
    const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const form = await publishForm(t, admin);
    const enumerator = await signIn(t, 'enumerator');
    const base = masterAnswerSets()[0]!;
    const now = Date.now();
    const bodies = Array.from({ length: SUBMISSIONS }, (_, i) => ({
      id: randomUUID(),
      questionnaireVersionId: form.versionId,
      answers: { ...base, nin: nin(i, round), phone_number: `0803${String(i).padStart(7, '0')}` },
      startedAt: new Date(now - 900_000 - i * 1000).toISOString(),
      completedAt: new Date(now - i * 1000).toISOString(),
    }));

    const t0 = performance.now();
    for (let i = 0; i < bodies.length; i += 50) {
      const res = await call(t.app, enumerator, {
        method: 'POST',
        url: '/api/v1/submissions/batch',
        payload: { submissions: bodies.slice(i, i + 50) },
      });
      if (res.statusCode !== 200) throw new Error(`batch ${res.statusCode}: ${res.body.slice(0, 300)}`);
    }
    const intakeS = (performance.now() - t0) / 1000;

    const t1 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next < bodies.length) {
          const out = await t.services.ingestion.ingest(bodies[next++]!.id);
          if (out.status !== 'ingested') throw new Error(`not ingested: ${JSON.stringify(out)}`);
        }
      }),
    );
    const ingestS = (performance.now() - t1) / 1000;

    // The route allows one account 20 checks a minute: a fresh staff session every 20.
    const sessions = await Promise.all(
      Array.from({ length: Math.ceil(LOOKUPS / 20) }, () => signIn(t, 'verification_assessor')),
    );
    const lookups: number[] = [];
    for (let i = 0; i < LOOKUPS; i++) {
      const s = performance.now();
      const res = await call(t.app, sessions[Math.floor(i / 20)]!, {
        method: 'POST',
        url: '/api/v1/forms/check-nin',
        payload: { nin: nin(i, round) },
      });
      lookups.push(performance.now() - s);
      if (res.statusCode !== 200 || res.json().available !== false) throw new Error(`check-nin: ${res.body}`);
    }
    return {
      intakePerS: SUBMISSIONS / intakeS,
      ingestPerS: SUBMISSIONS / ingestS,
      lookupP50: pct(lookups, 50),
      lookupP95: pct(lookups, 95),
    };
  } finally {
    await t.close();
  }
}

function primitives() {
  const pii = new PiiCipher(keys());
  const N = 100_000;
  const answers = JSON.stringify({ nin: '48213957062', phone_number: '08031234567' });
  const time = (fn: (i: number) => unknown) => {
    const s = performance.now();
    for (let i = 0; i < N; i++) fn(i);
    return ((performance.now() - s) * 1000) / N;
  };
  const sealed = pii.seal('48213957062', 'nin');
  return {
    sealUs: time(() => pii.seal('48213957062', 'nin')),
    openUs: time(() => pii.open(sealed, 'nin')),
    indexUs: time((i) => pii.blindIndex(String(48213957062 + i), 'nin')),
    sealAnswersUs: time(() => pii.seal(answers, 'answers')),
  };
}

const prim = primitives();
console.log(
  `primitives (µs/op, ${(100_000).toLocaleString('en')} each): seal ${prim.sealUs.toFixed(2)}, open ${prim.openUs.toFixed(2)}, ` +
    `blind index ${prim.indexUs.toFixed(2)}, seal NIN+phone answers ${prim.sealAnswersUs.toFixed(2)}`,
);
const results: Record<string, Awaited<ReturnType<typeof runMode>>[]> = { plaintext: [], sealed: [] };
for (let round = 1; round <= ROUNDS; round++) {
  for (const mode of round % 2 ? (['plaintext', 'sealed'] as const) : (['sealed', 'plaintext'] as const)) {
    const r = await runMode(mode, round);
    results[mode]!.push(r);
    console.log(
      `round ${round} ${mode.padEnd(9)}: intake ${r.intakePerS.toFixed(0)}/s, ingestion ${r.ingestPerS.toFixed(0)}/s, ` +
        `NIN look-up p50 ${r.lookupP50.toFixed(2)} ms p95 ${r.lookupP95.toFixed(2)} ms`,
    );
  }
}
const med = (xs: number[]) => pct(xs, 50);
const range = (xs: number[]) => `${Math.min(...xs).toFixed(1)}–${Math.max(...xs).toFixed(1)}`;
console.log(`\n${SUBMISSIONS} submissions, ${LOOKUPS} look-ups, ${ROUNDS} rounds (median, [min–max]):`);
for (const key of ['intakePerS', 'ingestPerS', 'lookupP50', 'lookupP95'] as const) {
  const p = results.plaintext!.map((r) => r[key]);
  const s = results.sealed!.map((r) => r[key]);
  console.log(
    `  ${key.padEnd(10)} plaintext ${med(p).toFixed(2)} [${range(p)}]  sealed ${med(s).toFixed(2)} [${range(s)}]  ` +
      `sealed/plaintext ${(med(s) / med(p)).toFixed(3)}`,
  );
}
process.exit(0);

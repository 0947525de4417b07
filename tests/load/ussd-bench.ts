/**
 * The USSD callback's latency beside GET /api/v1/health, in the same run, on the built server (its own
 * process, real PostgreSQL + Redis).
 *
 * Each client plays whole sessions as a gateway does: a new sessionId and phone number, then every
 * prefix of a registration's answers up to the review screen (language, menu, names, gender, date of
 * birth, LGA by letters, sector, trade, type of work, experience, NIN, both consents), one request per
 * screen. Every request does the real work: secret check, per-phone limit, the reply cache miss,
 * the session read, the replay of the inputs and the state write to Redis. The final confirm (which
 * submits and waits for ingestion) is not in the loop.
 *
 *   npm run bench:ussd        (CONCURRENCY=8 DURATION_MS=5000 to change)
 */
import { randomBytes } from 'node:crypto';
import { SECTORS, SKILLS } from '@oslrs/core';
import { measure, printTable, summarize, type LatencyReport } from './latency.js';
import { prepareDatabase, startBenchServer } from './server.js';

const concurrency = Number(process.env.CONCURRENCY ?? 8);
const durationMs = Number(process.env.DURATION_MS ?? 5000);
const SECRET = 'bench-ussd-secret-0123456789';

const prepared = await prepareDatabase();
const server = await startBenchServer(prepared, {
  env: {
    USSD_CALLBACK_SECRET: SECRET,
    USSD_PHONE_PER_MINUTE: '1000000',
    USSD_GATEWAY_PER_MINUTE: '100000000',
    RATE_LIMIT_ANON_PER_MINUTE: '100000000',
  },
});

const ANSWERS = [
  '1',
  '1',
  'Adeyemi',
  'Bisi',
  '2',
  '12041991',
  'iseyin',
  String(SECTORS.findIndex((s) => s.code === 'FBP') + 1),
  String(SKILLS.filter((s) => s.sector === 'FBP').findIndex((s) => s.slug === 'tailoring') + 1),
  '1',
  '3',
  '12345678901',
  '1',
  '2',
];

async function ussd(name: string): Promise<LatencyReport> {
  const url = `${server.url}/api/v1/channels/ussd?secret=${SECRET}`;
  const latencies: number[] = [];
  let errors = 0;
  let n = 0;
  const client = async (until: number, record: boolean) => {
    while (performance.now() < until) {
      const sessionId = `bench_${randomBytes(8).toString('hex')}`;
      const phone = `+23480${String(1_000_000 + (n++ % 8_000_000)).padStart(8, '0')}`;
      for (let i = 0; i <= ANSWERS.length && performance.now() < until; i++) {
        const body = new URLSearchParams({
          sessionId,
          serviceCode: '*347*100#',
          phoneNumber: phone,
          networkCode: '62120',
          text: ANSWERS.slice(0, i).join('*'),
        }).toString();
        const t0 = performance.now();
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body,
        }).catch(() => null);
        const text = res ? await res.text() : '';
        const dt = performance.now() - t0;
        if (!record) continue;
        if (!res || res.status !== 200 || !text.startsWith('CON ')) errors++;
        latencies.push(dt);
      }
    }
  };
  const warm = performance.now() + 500;
  await Promise.all(Array.from({ length: concurrency }, () => client(warm, false)));
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, () => client(start + durationMs, true)));
  const elapsed = (performance.now() - start) / 1000;
  return summarize(name, latencies, errors, elapsed);
}

try {
  const health = await measure('GET /api/v1/health', `${server.url}/api/v1/health`, {}, { concurrency, durationMs });
  const callback = await ussd('POST /api/v1/channels/ussd (menu screens)');
  const healthAgain = await measure(
    'GET /api/v1/health (again)',
    `${server.url}/api/v1/health`,
    {},
    { concurrency, durationMs },
  );
  console.log(`concurrency ${concurrency}, ${durationMs} ms each`);
  printTable([health, callback, healthAgain], health);
} finally {
  await server.stop();
}

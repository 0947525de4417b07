/**
 * Do password-reset and registration requests take the same time whether or not the email has an
 * account? In-process (app.inject, real PostgreSQL + Redis, no job worker so only the request path is
 * timed), interleaving existing and unknown emails so drift on a noisy machine hits both alike.
 *
 *   npm run bench:auth-timing          (ROUNDS=400 to change)
 */
import { ADMIN_EMAIL, startTestApp } from '../../apps/api/test/harness.js';

const ROUNDS = Number(process.env.ROUNDS ?? 400);
const t = await startTestApp({ worker: false });

let ip = 0;
async function time(url: string, payload: object): Promise<number> {
  // A fresh address each time: the per-address rate limit must not be what is measured.
  const remoteAddress = `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip++ & 255}`;
  const t0 = performance.now();
  const res = await t.app.inject({ method: 'POST', url, payload, remoteAddress });
  const dt = performance.now() - t0;
  if (res.statusCode !== 202) throw new Error(`${url} → ${res.statusCode} ${res.body}`);
  return dt;
}

function summary(samples: number[]) {
  const s = [...samples].sort((a, b) => a - b);
  const pct = (p: number) => s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { p50: pct(50), p95: pct(95), mean };
}

try {
  const rows: [string, number[], number[]][] = [];
  for (const [name, url, body] of [
    ['POST /auth/password-reset', '/api/v1/auth/password-reset', (email: string) => ({ email })],
    [
      'POST /auth/register',
      '/api/v1/auth/register',
      (email: string) => ({ fullName: 'Timing Bench', email, phone: '08031234567' }),
    ],
  ] as const) {
    const existing: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 20; i++) await time(url, body(ADMIN_EMAIL)); // warm-up
    for (let i = 0; i < ROUNDS; i++) {
      const pair = [
        () => time(url, body(ADMIN_EMAIL)).then((d) => existing.push(d)),
        () => time(url, body(`nobody.${i}@bench.oslrs`)).then((d) => unknown.push(d)),
      ];
      if (i % 2) pair.reverse();
      for (const run of pair) await run();
    }
    rows.push([name, existing, unknown]);
  }
  console.log(`\n${ROUNDS} requests per case, interleaved; request path only (the job runs later)\n`);
  console.log('endpoint                      email      p50 ms   p95 ms   mean ms');
  for (const [name, existing, unknown] of rows) {
    for (const [label, samples] of [
      ['existing', existing],
      ['unknown', unknown],
    ] as const) {
      const { p50, p95, mean } = summary(samples);
      console.log(
        `${name.padEnd(30)}${label.padEnd(9)}${p50.toFixed(2).padStart(8)}${p95.toFixed(2).padStart(9)}${mean.toFixed(2).padStart(10)}`,
      );
    }
  }
} finally {
  await t.close();
}

/**
 * GET /api/v1/health req/s with autocannon beside a bare node:http server answering the same JSON
 * (one process, and a 2-worker node:cluster — the PM2 cluster's shape), so the framework's cost per
 * request is a measured number. The bare servers run as child processes like the API does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import autocannon from 'autocannon';

export interface CannonResult {
  name: string;
  url: string;
  rps: number;
  p50: number;
  p97_5: number;
  p99: number;
  errors: number;
  non2xx: number;
}

export async function startBare(
  port: number,
  workers: number,
): Promise<{ url: string; child: ChildProcess; stop(): void }> {
  const child = spawn(process.execPath, [join(import.meta.dirname, 'bare-health.mjs')], {
    env: { ...process.env, PORT: String(port), WORKERS: String(workers) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  const until = Date.now() + 10_000;
  for (;;) {
    const ok = await fetch(`${url}/api/v1/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (Date.now() > until) {
      child.kill('SIGTERM');
      throw new Error('bare node:http server did not start');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, child, stop: () => void child.kill('SIGTERM') };
}

export async function cannon(name: string, url: string, options: { connections?: number; durationS?: number } = {}) {
  const result = await autocannon({
    url,
    connections: options.connections ?? 100,
    duration: options.durationS ?? 10,
    pipelining: 1,
  });
  return {
    name,
    url,
    rps: result.requests.average,
    p50: result.latency.p50,
    p97_5: result.latency.p97_5,
    p99: result.latency.p99,
    errors: result.errors + result.timeouts,
    non2xx: result.non2xx,
  } satisfies CannonResult;
}

export function printCannon(rows: CannonResult[], log: (l: string) => void = console.log) {
  log(
    `\n${'GET /api/v1/health'.padEnd(52)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(7)} ${'p97.5'.padStart(7)} ${'p99'.padStart(7)} ${'errors'.padStart(7)}`,
  );
  for (const r of rows)
    log(
      `${r.name.padEnd(52)} ${r.rps.toFixed(0).padStart(8)} ${String(r.p50).padStart(7)} ${String(r.p97_5).padStart(7)} ${String(r.p99).padStart(7)} ${String(r.errors + r.non2xx).padStart(7)}`,
    );
}

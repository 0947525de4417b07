/** A small closed-loop load generator: `concurrency` clients each send requests back to back. */
export interface LatencyReport {
  name: string;
  requests: number;
  errors: number;
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

export async function measure(
  name: string,
  url: string,
  init: RequestInit,
  { concurrency = 8, durationMs = 4000, warmupMs = 500 } = {},
): Promise<LatencyReport> {
  const latencies: number[] = [];
  let errors = 0;
  const run = async (until: number, record: boolean) => {
    while (performance.now() < until) {
      const t0 = performance.now();
      const res = await fetch(url, init).catch(() => null);
      if (res) await res.arrayBuffer();
      const dt = performance.now() - t0;
      if (!record) continue;
      if (!res || res.status >= 400) errors++;
      latencies.push(dt);
    }
  };
  const warm = performance.now() + warmupMs;
  await Promise.all(Array.from({ length: concurrency }, () => run(warm, false)));
  const start = performance.now();
  await Promise.all(Array.from({ length: concurrency }, () => run(start + durationMs, true)));
  const elapsed = (performance.now() - start) / 1000;
  return summarize(name, latencies, errors, elapsed);
}

/** A run's report from its latencies (ms), errors and length (s): req/s and p50/p95/p99. */
export function summarize(name: string, latencies: number[], errors: number, elapsedS: number): LatencyReport {
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return {
    name,
    requests: latencies.length,
    errors,
    rps: latencies.length / elapsedS,
    p50: pct(50),
    p95: pct(95),
    p99: pct(99),
  };
}

export function printTable(rows: LatencyReport[], baseline: LatencyReport) {
  const fmt = (n: number) => n.toFixed(2).padStart(8);
  console.log(
    `\n${'scenario'.padEnd(38)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)}  p95 / health p95`,
  );
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(38)} ${r.rps.toFixed(0).padStart(8)} ${fmt(r.p50)} ${fmt(r.p95)} ${fmt(r.p99)} ${String(r.errors).padStart(7)}  ${(r.p95 / baseline.p95).toFixed(1)}×`,
    );
  }
}

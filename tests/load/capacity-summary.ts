/**
 * Several capacity runs in one table: per step (users), the median and the spread (min–max) over the
 * runs of req/s, p95, p99, errors, CPU per process and the load generator's own cost, and each run's
 * highest step at p95 < P95_LIMIT_MS with 0 errors. One run is an anecdote on a shared machine; the
 * issue asks for at least three.
 *
 *   npm run load:capacity:summary -- /tmp/run1.json /tmp/run2.json /tmp/run3.json
 *
 * Each file is a REPORT written by `npm run load:capacity` (REPORT=/tmp/runN.json).
 */
import { readFileSync } from 'node:fs';
import type { StepReport } from './vu.js';

const P95_LIMIT = Number(process.env.P95_LIMIT_MS ?? 250);

interface Run {
  file: string;
  reports: StepReport[];
  intake: { received: number; ingested: number; backlog: number }[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** "median (min–max)", or the one value when there is one run. */
export function spread(values: number[], digits = 0): string {
  if (values.length === 0) return '–';
  const f = (v: number) => v.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  if (values.length === 1) return f(values[0]!);
  return `${f(median(values))} (${f(Math.min(...values))}–${f(Math.max(...values))})`;
}

export function passed(r: StepReport): boolean {
  return r.overall.p95 <= P95_LIMIT && r.overall.errors + r.rampErrors === 0;
}

/** The highest step of a run that passed, counting only steps below the first failure. */
export function highestPassing(reports: StepReport[]): number | undefined {
  let best: number | undefined;
  for (const r of reports) {
    if (!passed(r)) break;
    best = r.vus;
  }
  return best;
}

export function summarize(runs: Run[]): string[] {
  const lines: string[] = [];
  const cpuOf = (r: StepReport, name: string) => r.processes.find((p) => p.name.startsWith(name))?.avgCpu;
  const users = [...new Set(runs.flatMap((run) => run.reports.map((r) => r.vus)))].sort((a, b) => a - b);
  lines.push(
    `| users | runs (passed) | req/s | p95 ms | p99 ms | errors | CPU % API workers | job worker | PostgreSQL | NGINX | load gen | load gen event-loop p99 ms | machine (of 200) | submissions/s ingested |`,
  );
  lines.push('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const vus of users) {
    const at = runs.flatMap((run) => {
      const i = run.reports.findIndex((r) => r.vus === vus);
      return i < 0 ? [] : [{ r: run.reports[i]!, intake: run.intake[i] }];
    });
    const col = (f: (r: StepReport) => number | undefined, digits = 0) =>
      spread(
        at.map((a) => f(a.r)).filter((v): v is number => v !== undefined && Number.isFinite(v)),
        digits,
      );
    lines.push(
      `| ${vus.toLocaleString('en')} | ${at.length} (${at.filter((a) => passed(a.r)).length}) | ${col((r) => r.overall.rps)} | ` +
        `${col((r) => r.overall.p95, 1)} | ${col((r) => r.overall.p99, 1)} | ${col((r) => r.overall.errors + r.rampErrors)} | ` +
        `${col((r) => cpuOf(r, 'API'))} | ${col((r) => cpuOf(r, 'job worker'))} | ${col((r) => cpuOf(r, 'PostgreSQL backends'))} | ` +
        `${col((r) => cpuOf(r, 'NGINX'))} | ${col((r) => r.loadgen.cpu)} | ${col((r) => r.loadgen.eventLoopP99Ms)} | ` +
        `${col((r) => r.machineCpu)} | ${spread(
          at.flatMap((a) => (a.intake ? [a.intake.ingested] : [])),
          1,
        )} |`,
    );
  }
  const best = runs.map((run) => highestPassing(run.reports));
  lines.push('');
  lines.push(
    `highest step at p95 < ${P95_LIMIT} ms with 0 errors, per run: ${best.map((b) => (b === undefined ? 'none' : b.toLocaleString('en'))).join(', ')}` +
      (best.every((b) => b !== undefined) ? `; median ${median(best as number[]).toLocaleString('en')}` : ''),
  );
  return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = process.argv.slice(2);
  if (files.length === 0) {
    console.error('usage: npm run load:capacity:summary -- report1.json report2.json …');
    process.exit(2);
  }
  const runs: Run[] = files.map((file) => {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Omit<Run, 'file'>;
    return { file, reports: data.reports ?? [], intake: data.intake ?? [] };
  });
  console.log(`${runs.length} runs: ${files.join(', ')}`);
  for (const line of summarize(runs)) console.log(line);
}

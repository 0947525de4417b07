// Lighthouse (mobile, its default: a mid-range phone on a slow 4G link) on the home page and the
// registration wizard, with Debian's Chromium; prints the performance and accessibility scores and
// what cost points. Usage: npm run lighthouse [-- <registry URL>] — without a URL it starts the
// built registry on a fresh database (as the browser tests do). Lighthouse is fetched on first use
// (npx, pinned; ~170 MB with its dependencies, so not a devDependency every install carries).
// Prints scores, never fails on them: a score is a measurement, not a test. A page lighthouse could
// not measure is said (with why) and the next one tried; the exit code is non-zero only when no page
// was measured (.ci/run prints that and goes on).
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { startRegistry, type RunningRegistry } from '../tests/e2e/server.js';

const LIGHTHOUSE = 'lighthouse@12.8.2'; // the last release that runs on Node 20
const PAGES = (process.env.PAGES ?? '/,/register').split(',');
// LIGHTHOUSE_SAVE=dir keeps each page's whole report (its long tasks, trace summary) for reading.
const SAVE = process.env.LIGHTHOUSE_SAVE;
const CHROME_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
].join(' ');

interface Audit {
  id: string;
  title: string;
  score: number | null;
  scoreDisplayMode: string;
  displayValue?: string;
}
interface Report {
  categories: Record<string, { score: number; auditRefs: Array<{ id: string; weight: number }> }>;
  audits: Record<string, Audit>;
}

function run(url: string): Report {
  const out = spawnSync(
    'npx',
    [
      '--yes',
      LIGHTHOUSE,
      url,
      '--only-categories=performance,accessibility',
      '--output=json',
      '--output-path=stdout',
      '--quiet',
      `--chrome-flags=${CHROME_FLAGS}`,
    ],
    {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, CHROME_PATH: process.env.CHROME_PATH ?? '/usr/bin/chromium' },
    },
  );
  if (out.error) throw new Error(`lighthouse could not start on ${url}: ${out.error.message}`);
  if (out.status !== 0)
    throw new Error(`lighthouse failed on ${url} (exit ${out.status}):\n${out.stderr.slice(-4000)}`);
  if (SAVE) {
    mkdirSync(SAVE, { recursive: true });
    writeFileSync(join(SAVE, `${new URL(url).pathname.replace(/\W+/g, '_') || 'home'}-${Date.now()}.json`), out.stdout);
  }
  return JSON.parse(out.stdout) as Report;
}

let registry: RunningRegistry | undefined;
const given = process.argv[2];
const base = given ?? (registry = await startRegistry()).url;
let measured = 0;
try {
  for (const path of PAGES) {
    let report: Report;
    try {
      report = run(`${base}${path}`);
    } catch (e) {
      console.log(`Lighthouse mobile ${path}: not measured. ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    measured++;
    const load = loadavg()
      .map((l) => l.toFixed(2))
      .join(' ');
    const score = (c: string) => Math.round((report.categories[c]?.score ?? 0) * 100);
    console.log(
      `Lighthouse mobile ${path}: performance ${score('performance')}, accessibility ${score('accessibility')}` +
        ` (machine load ${load}; a busy machine inflates Total Blocking Time)`,
    );
    for (const metric of [
      'first-contentful-paint',
      'largest-contentful-paint',
      'total-blocking-time',
      'cumulative-layout-shift',
    ]) {
      const a = report.audits[metric];
      if (a) console.log(`  ${a.title}: ${a.displayValue ?? ''}`);
    }
    for (const category of ['performance', 'accessibility']) {
      for (const ref of report.categories[category]?.auditRefs ?? []) {
        const a = report.audits[ref.id];
        if (a && ref.weight > 0 && a.score !== null && a.score < 0.9 && a.scoreDisplayMode !== 'informative')
          console.log(`  ${category} to fix: ${a.title}${a.displayValue ? ` (${a.displayValue})` : ''}`);
      }
    }
  }
} finally {
  await registry?.stop();
}
if (measured === 0) process.exitCode = 1;

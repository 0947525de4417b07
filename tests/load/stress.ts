/**
 * Combined stress (the seed's k6 combined-stress.js, on the seed's user model): VUS virtual users
 * ramped up over RAMP_S, then held for DURATION_S; each sends a request every 5–10 s (THINK_MIN_MS,
 * THINK_MAX_MS), picked from its role's mix (scenarios.ts). Reports req/s, p50/p95/p99 and errors per
 * endpoint and overall, and CPU and memory per process. Exits 1 on any error.
 *
 *   npm run load:stress                               (300 users, self-started single process, small seed)
 *   VUS=3000 RAMP_S=60 DURATION_S=120 SEED=scale npm run load:stress
 *   TARGET=http://127.0.0.1:8080 SEEDED_RESPONDENTS=100000 VUS=3000 npm run load:stress
 *   ROLE_MIX="public=50,enumerator=30,supervisor=8,data_entry_clerk=4,super_admin=4,verification_assessor=2,government_official=2"
 *   REPORT=/tmp/stress.json  (the full report as JSON)
 */
import { writeFileSync } from 'node:fs';
import { ProcessMonitor } from './monitor.js';
import { parseRoleMix } from './scenarios.js';
import { fromEnv } from './target.js';
import { printStep, runSteps } from './vu.js';

const VUS = Number(process.env.VUS ?? 300);
const RAMP_S = Number(process.env.RAMP_S ?? 30);
const DURATION_S = Number(process.env.DURATION_S ?? 60);

const target = await fromEnv({ separateWorker: process.env.SEPARATE_WORKER === '1' });
let errors = 0;
try {
  console.log(target.description);
  console.log(`${VUS} users, ramp ${RAMP_S} s, hold ${DURATION_S} s, assets ${target.info.assets.length}`);
  const monitor = new ProcessMonitor(target.groups);
  monitor.start();
  const reports = await runSteps({
    target: target.info,
    steps: [{ vus: VUS, rampS: RAMP_S, holdS: DURATION_S }],
    roleMix: parseRoleMix(process.env.ROLE_MIX),
    thinkMinMs: Number(process.env.THINK_MIN_MS ?? 5000),
    thinkMaxMs: Number(process.env.THINK_MAX_MS ?? 10_000),
    monitor,
  });
  monitor.stop();
  for (const r of reports) {
    printStep(r);
    errors += r.overall.errors + r.rampErrors;
  }
  if (process.env.REPORT)
    writeFileSync(process.env.REPORT, JSON.stringify({ target: target.description, reports }, null, 2));
} finally {
  await target.stop();
}
process.exit(errors ? 1 : 0);

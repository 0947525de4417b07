// Cold-start time of `npm start` in embedded mode: until the "ready at" line, then until /api/v1/health answers.
//   node tests/load/cold-start.mjs            (first start on an empty DATA_DIR, then a second start on the same data)
//   node tests/load/cold-start.mjs --rebuild  (also remove the build first, as on a fresh clone)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const dataDir = mkdtempSync(join(tmpdir(), 'oslrs-coldstart-'));
if (process.argv.includes('--rebuild')) {
  for (const d of ['apps/api/dist', 'apps/web/dist']) rmSync(join(root, d), { recursive: true, force: true });
}

function start(label) {
  const env = { ...process.env, DATA_DIR: dataDir, PORT: '3987', LOG_LEVEL: 'warn' };
  for (const k of ['DATABASE_URL', 'REDIS_URL', 'OSLRS_ADMIN_EMAIL', 'OSLRS_ADMIN_PASSWORD']) delete env[k];
  const t0 = performance.now();
  const child = spawn('npm', ['start', '--silent'], { cwd: root, env, detached: true });
  return new Promise((ok, fail) => {
    let out = '';
    const onData = async (c) => {
      out += c.toString();
      if (!out.includes('ready at')) return;
      child.stdout.off('data', onData);
      const ready = performance.now() - t0;
      const res = await fetch('http://localhost:3987/api/v1/health');
      const serving = performance.now() - t0;
      console.log(
        `${label.padEnd(34)} ready line ${(ready / 1000).toFixed(2)} s, first /health ${res.status} at ${(serving / 1000).toFixed(2)} s`,
      );
      process.kill(-child.pid, 'SIGTERM');
      child.on('exit', () => ok());
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c) => (out += c.toString()));
    child.on('exit', (code) => code && fail(new Error(out)));
  });
}

try {
  await start(process.argv.includes('--rebuild') ? 'first start (build + empty data)' : 'first start (empty data)');
  await start('second start (same data)');
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}

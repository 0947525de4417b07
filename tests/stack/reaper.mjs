// Watchdog for the stack test: if the test process dies without cleaning up (killed, crashed), stop
// what it started — the PM2 daemon of its private PM2_HOME and its NGINX masters — so nothing is
// left running. Started detached by the test; exits by itself once the test has cleaned up.
//   node reaper.mjs <test pid> <PM2_HOME> <pm2 bin> <state dir>
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const [parentPid, pm2Home, pm2Bin, stateDir] = process.argv.slice(2);
const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const timer = setInterval(() => {
  // The test cleaned up after itself (or its directory is gone): nothing to do.
  if (!existsSync(stateDir) || existsSync(join(stateDir, 'done'))) process.exit(0);
  if (alive(Number(parentPid))) return;
  clearInterval(timer);
  // Only when that PM2 daemon still runs: `pm2 kill` on a dead PM2_HOME would start a new daemon.
  const daemonPid = join(pm2Home, 'pm2.pid');
  if (existsSync(daemonPid) && alive(Number(readFileSync(daemonPid, 'utf8').trim()))) {
    spawnSync(process.execPath, [pm2Bin, 'kill'], { env: { ...process.env, PM2_HOME: pm2Home, HOME: pm2Home } });
  }
  // Every NGINX the test started writes its master's pid under the state directory.
  for (const entry of readdirSync(stateDir, { recursive: true })) {
    if (!String(entry).endsWith('nginx.pid')) continue;
    const pid = Number(readFileSync(join(stateDir, String(entry)), 'utf8').trim());
    if (pid && alive(pid)) process.kill(pid, 'SIGTERM');
  }
  process.exit(0);
}, 1000);

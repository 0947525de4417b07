// Watchdog for the stack test: if the test process dies without cleaning up (killed, crashed), stop
// what it started — the PM2 daemon of its private PM2_HOME and its NGINX masters — so nothing is
// left running. Started detached by the test; exits by itself once the test has cleaned up.
//   node reaper.mjs <test pid> <PM2_HOME> <pm2 bin> <state dir> [more PM2_HOMEs...]
// The two-node test also lists its network namespaces in <state dir>/netns (one name a line): what
// still runs in them is killed and they are deleted (with them, their veth links).
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const [parentPid, firstHome, pm2Bin, stateDir, ...moreHomes] = process.argv.slice(2);
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
  for (const pm2Home of [firstHome, ...moreHomes]) {
    // Only when that PM2 daemon still runs: `pm2 kill` on a dead PM2_HOME would start a new daemon.
    const daemonPid = join(pm2Home, 'pm2.pid');
    if (existsSync(daemonPid) && alive(Number(readFileSync(daemonPid, 'utf8').trim()))) {
      spawnSync(process.execPath, [pm2Bin, 'kill'], { env: { ...process.env, PM2_HOME: pm2Home, HOME: pm2Home } });
    }
  }
  const netnsFile = join(stateDir, 'netns');
  if (existsSync(netnsFile)) {
    for (const name of readFileSync(netnsFile, 'utf8').split('\n').filter(Boolean)) {
      const pids = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout ?? '';
      for (const pid of pids.split(/\s+/).filter(Boolean)) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // gone already
        }
      }
      spawnSync('ip', ['netns', 'del', name]);
    }
  }
  // Every NGINX the test started writes its master's pid under the state directory.
  for (const entry of readdirSync(stateDir, { recursive: true })) {
    if (!String(entry).endsWith('nginx.pid')) continue;
    const pid = Number(readFileSync(join(stateDir, String(entry)), 'utf8').trim());
    if (pid && alive(pid)) process.kill(pid, 'SIGTERM');
  }
  process.exit(0);
}, 1000);

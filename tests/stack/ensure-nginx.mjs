// The stack test runs the real NGINX (and openssl, for a throwaway certificate to check the HTTPS
// site; and iproute2's `ip`, for the two-node test's network namespaces): install Debian's packages
// when they are missing (CI and fresh machines). Needs root, or sudo without a password, and apt.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const candidates = ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx'];
const found = () => candidates.find((p) => existsSync(p));
const hasOpenssl = () => spawnSync('sh', ['-c', 'command -v openssl']).status === 0;
const hasIp = () => spawnSync('sh', ['-c', 'command -v ip']).status === 0;

const missing = [...(found() ? [] : ['nginx']), ...(hasOpenssl() ? [] : ['openssl']), ...(hasIp() ? [] : ['iproute2'])];
if (missing.length) {
  const root = process.getuid?.() === 0;
  const sudo = root ? [] : ['sudo', '-n'];
  const run = (args) => {
    console.log(`stack test: ${[...sudo, ...args].join(' ')}`);
    const [cmd, ...rest] = [...sudo, ...args];
    const r = spawnSync(cmd, rest, {
      stdio: 'inherit',
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
    if (r.status !== 0) {
      console.error(`stack test: could not install ${missing.join(', ')} (needs root or passwordless sudo, and apt)`);
      process.exit(1);
    }
  };
  run(['apt-get', 'update', '-qq']);
  run(['apt-get', 'install', '-y', '-qq', '--no-install-recommends', ...missing]);
  if (!found() || !hasOpenssl() || !hasIp()) {
    console.error(`stack test: ${missing.join(', ')} still missing after apt-get install`);
    process.exit(1);
  }
}

/**
 * The production stack on one machine, as deploy/ ships it: real NGINX (Debian's package) running a
 * rendered copy of deploy/nginx, PM2 (node_modules) running deploy/pm2/ecosystem.config.cjs with two
 * API workers and the job worker, on a fresh PostgreSQL database and the shared Redis under a
 * unique key prefix. Every request goes through NGINX, as in production.
 *
 * Each check uses its own loopback source address (127.0.0.x): the API's anonymous rate limit is
 * per client address, and the checks must not use up each other's allowance.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  TEST_PII_ENV,
  TEST_REDIS_URL,
  createTestDatabase,
  clearRedisPrefix,
} from '../../apps/api/test/harness.js';
import { MASTER_FORM } from '../../apps/api/test/testkit.js';
import {
  InstanceFinder,
  Pm2,
  apiInstances,
  burst,
  countBy,
  ecosystemFile,
  freePort,
  freePortBlock,
  httpRequest,
  mutate,
  nginxTest,
  peerPorts,
  rawHeader,
  renderForTest,
  root,
  sleep,
  startLoad,
  startNginx,
  waitForPort,
  webDist,
  type LoadSummary,
  type NginxProcess,
  type RenderedNginx,
  cleanup,
} from './lib.js';

const IP = {
  setup: '127.0.0.1',
  spread: '127.0.10.2',
  session: '127.0.10.3',
  rateLimit: `127.0.${20 + (process.pid % 200)}.4`,
  gzip: '127.0.10.5',
  statics: '127.0.10.6',
  keepalive: '127.0.10.7',
  load: '127.0.10.8',
  jobs: '127.0.10.9',
  cache: '127.0.10.11',
};

let tmp: string;
let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
let redisPrefix: string;
let apiPort: number;
let shipped: RenderedNginx;
let nginx: NginxProcess | undefined;
const variants: NginxProcess[] = [];
let pm2: Pm2 | undefined;
let finder: InstanceFinder;
let session: { cookie: string; csrf: string };
const seenPids = new Set<number>();
const report: Record<string, unknown> = {};
const timings: Record<string, number> = {};

const port = () => nginx!.port;

async function trackPids() {
  for (const p of await pm2!.jlist()) if (p.pid) seenPids.add(p.pid);
}

async function waitOnline(pm: Pm2, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const list = await pm.jlist();
    const api = list.filter((p) => p.name === 'oslrs-api' && p.pm2_env.status === 'online');
    const worker = list.filter((p) => p.name === 'oslrs-worker' && p.pm2_env.status === 'online');
    if (api.length === 2 && worker.length === 1) return list;
    if (Date.now() > until)
      throw new Error(`PM2 apps not online: ${JSON.stringify(list.map((p) => [p.name, p.pm2_env.status]))}`);
    await sleep(200);
  }
}

/** A rendered variant of the shipped config on its own port (for "the check notices" assertions). */
async function variant(name: string, change: (r: RenderedNginx) => void): Promise<NginxProcess> {
  const r = renderForTest(join(tmp, `nginx-${name}`), { apiPort, listenPort: await freePort() });
  change(r);
  const t = nginxTest(r);
  if (!t.ok) throw new Error(`variant ${name} does not pass nginx -t: ${t.output}`);
  const n = await startNginx(r);
  variants.push(n);
  return n;
}

beforeAll(async () => {
  const t0 = Date.now();
  tmp = mkdtempSync(join(tmpdir(), 'oslrs-stack-'));
  const pm2Home = join(tmp, 'pm2');
  mkdirSync(pm2Home);
  // If this process dies without its afterAll, the reaper stops PM2 and NGINX.
  spawn(
    process.execPath,
    [join(root, 'tests/stack/reaper.mjs'), String(process.pid), pm2Home, join(root, 'node_modules/pm2/bin/pm2'), tmp],
    {
      detached: true,
      stdio: 'ignore',
    },
  ).unref();

  db = await createTestDatabase();
  redisPrefix = `stack:${randomBytes(6).toString('hex')}:`;
  apiPort = await freePort();

  shipped = renderForTest(join(tmp, 'nginx'), { apiPort, listenPort: await freePort() });
  nginx = await startNginx(shipped);

  // The env file PM2's ecosystem reads, as provision.sh writes it (with test values).
  const envFile = join(tmp, 'oslrs.env');
  writeFileSync(
    envFile,
    [
      '# written by tests/stack',
      'HOST=127.0.0.1',
      `PORT=${apiPort}`,
      `PUBLIC_URL=http://localhost:${nginx.port}`,
      `DATABASE_URL=${db.appUrl}`,
      `DATABASE_OWNER_URL=${db.ownerUrl}`,
      `REDIS_URL=${TEST_REDIS_URL}`,
      `REDIS_PREFIX=${redisPrefix}`,
      'DB_POOL_MAX=5',
      `OSLRS_ADMIN_EMAIL=${ADMIN_EMAIL}`,
      `OSLRS_ADMIN_PASSWORD="${ADMIN_PASSWORD}"`,
      // info: each request is logged with its reqId and pid (how the test tells the workers apart).
      'LOG_LEVEL=info',
      `NIN_ENCRYPTION_KEY=${TEST_PII_ENV.NIN_ENCRYPTION_KEY}`,
      `NIN_INDEX_KEY=${TEST_PII_ENV.NIN_INDEX_KEY}`,
      // The load phases send thousands of signed-in requests a minute; the anonymous limit stays 100.
      'RATE_LIMIT_USER_PER_MINUTE=1000000',
      `OSLRS_LOG_DIR=${join(tmp, 'logs')}`,
      // The processes' own /metrics listeners (worker: METRICS_PORT, API instance N: +1+N), away
      // from the defaults (9464…) that another run on this machine may hold.
      `METRICS_PORT=${await freePortBlock(3)}`,
      'OSLRS_API_INSTANCES=2',
      '',
    ].join('\n'),
  );
  pm2 = new Pm2(pm2Home, {
    OSLRS_ENV_FILE: envFile,
    // Node's cluster scheduling in the PM2 daemon (the cluster master), to compare policies.
    ...(process.env.NODE_CLUSTER_SCHED_POLICY
      ? { NODE_CLUSTER_SCHED_POLICY: process.env.NODE_CLUSTER_SCHED_POLICY }
      : {}),
  });
  const t1 = Date.now();
  const started = await pm2.run(['start', ecosystemFile]);
  if (started.code !== 0) throw new Error(`pm2 start failed: ${started.stdout}${started.stderr}`);
  await waitOnline(pm2);
  await trackPids();
  timings.pm2StartMs = Date.now() - t1;
  finder = new InstanceFinder(pm2, join(tmp, 'logs/oslrs-api.out.log'));
  await finder.refresh();

  const ready = await httpRequest(port(), '/api/v1/health/ready', { localAddress: IP.setup });
  if (ready.status !== 200) throw new Error(`not ready through NGINX: ${ready.status} ${ready.body}`);

  const login = await httpRequest(port(), '/api/v1/auth/login', {
    method: 'POST',
    localAddress: IP.session,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: ADMIN_EMAIL, password: ADMIN_PASSWORD }),
  });
  if (login.status !== 200) throw new Error(`login failed: ${login.status} ${login.body}`);
  const cookie = (login.headers['set-cookie'] ?? [])
    .map((c) => c.split(';')[0]!)
    .find((c) => c.startsWith('oslrs_session='));
  session = { cookie: cookie!, csrf: (JSON.parse(login.body.toString()) as { csrfToken: string }).csrfToken };
  report.loginInstance = (await finder.identify([login]))[0];
  timings.setupMs = Date.now() - t0;
}, 180_000);

afterAll(async () => {
  const { step, fail, done } = cleanup();
  for (const v of variants) await step('variant nginx', () => v.stop());
  await step('nginx', () => nginx?.stop());
  if (pm2) {
    await step('pm2 kill', async () => {
      await trackPids().catch(() => {});
      await pm2!.run(['kill'], 30_000);
    });
    // Anything PM2 started that outlived the kill (it should not) is ended by pid.
    await step('leftover pids', async () => {
      await sleep(200);
      for (const pid of seenPids) {
        try {
          process.kill(pid, 'SIGKILL');
          fail(`pid ${pid} outlived pm2 kill`);
        } catch {
          // already gone, as it should be
        }
      }
    });
  }
  await step('drop database', () => db?.drop());
  await step('redis keys', async () => {
    if (redisPrefix) await clearRedisPrefix(redisPrefix);
  });
  if (tmp) {
    writeFileSync(join(tmp, 'done'), ''); // tells the reaper all is clean
    if (process.env.OSLRS_STACK_KEEP) console.log(`stack test: kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
  console.log(`stack test report: ${JSON.stringify({ timings, ...report }, null, 2)}`);
  done();
}, 60_000);

describe('the shipped stack: NGINX + PM2 cluster + PostgreSQL + Redis', () => {
  it('(0) the other shipped files load: redis.conf in redis-server, postgres/oslrs.conf in PostgreSQL, scripts parse', async () => {
    // Redis: a throwaway server on a free port with the shipped file (port/dir/log overridden).
    const redisPort = await freePort();
    const redisDir = join(tmp, 'redis');
    mkdirSync(redisDir);
    const redis = spawn(
      'redis-server',
      [
        join(root, 'deploy/redis/redis.conf'),
        '--port',
        String(redisPort),
        '--dir',
        redisDir,
        '--logfile',
        '',
        '--daemonize',
        'no',
      ],
      { stdio: 'ignore' },
    );
    try {
      await waitForPort(redisPort);
      const cli = new Redis({ port: redisPort, host: '127.0.0.1', maxRetriesPerRequest: 1 });
      cli.on('error', () => {});
      const get = async (k: string) => ((await cli.config('GET', k)) as string[])[1];
      expect(await get('maxmemory-policy')).toBe('noeviction');
      expect(await get('maxmemory')).toBe(String(256 * 1024 * 1024));
      expect(await get('appendonly')).toBe('yes');
      expect(await get('appendfsync')).toBe('everysec');
      expect(await get('protected-mode')).toBe('yes');
      cli.disconnect();
    } finally {
      redis.kill('SIGKILL');
    }

    // PostgreSQL: a scratch cluster (initdb) that includes the shipped file; `postgres -C` fails on
    // an unknown parameter or a bad value. Needs root (to run as the postgres user) or to be postgres.
    const bin = readdirSync('/usr/lib/postgresql')
      .sort()
      .reverse()
      .map((v) => `/usr/lib/postgresql/${v}/bin`)[0];
    const asPostgres = process.getuid?.() === 0 ? ['runuser', '-u', 'postgres', '--'] : [];
    if (bin && (asPostgres.length || process.env.USER === 'postgres')) {
      const pgdata = join(tmp, 'pgdata');
      mkdirSync(pgdata, { mode: 0o700 });
      if (asPostgres.length) spawnSync('chown', ['-R', 'postgres', tmp]);
      spawnSync('chmod', ['755', tmp]);
      const run = (args: string[]) => {
        const [cmd, ...rest] = [...asPostgres, ...args];
        return spawnSync(cmd!, rest, { encoding: 'utf8' });
      };
      const init = run([`${bin}/initdb`, '-D', pgdata, '-A', 'trust', '-U', 'postgres']);
      expect(init.status, init.stderr).toBe(0);
      const shippedConf = join(tmp, 'oslrs-pg.conf');
      writeFileSync(shippedConf, readFileSync(join(root, 'deploy/postgres/oslrs.conf')));
      writeFileSync(
        join(pgdata, 'postgresql.conf'),
        `${readFileSync(join(pgdata, 'postgresql.conf'), 'utf8')}\ninclude '${shippedConf}'\n`,
      );
      if (asPostgres.length) spawnSync('chown', ['postgres', join(pgdata, 'postgresql.conf'), shippedConf]);
      for (const [name, want] of [
        // (`postgres -C` prints base units: shared_buffers in 8 kB pages, times in ms.)
        ['shared_buffers', String((512 * 1024) / 8)],
        ['max_connections', '60'],
        ['random_page_cost', '1.1'],
        ['shared_preload_libraries', 'pg_stat_statements'],
        ['log_min_duration_statement', '500'],
        ['jit', 'off'],
      ]) {
        const c = run([`${bin}/postgres`, '-D', pgdata, '-C', name!]);
        expect(c.status, c.stderr).toBe(0);
        expect(c.stdout.trim(), name).toBe(want);
      }
      report.postgresConfChecked = bin;
    } else {
      report.postgresConfChecked = 'skipped (not root, not postgres)';
    }

    // The shell scripts at least parse (and pass shellcheck where it is installed).
    const scripts = ['deploy/provision.sh', 'deploy/update.sh', 'deploy/os/swap.sh'].map((f) => join(root, f));
    for (const f of scripts) expect(spawnSync('bash', ['-n', f]).status, f).toBe(0);
    const sc = spawnSync('shellcheck', scripts, { encoding: 'utf8' });
    if (!sc.error) expect(sc.status, sc.stdout).toBe(0);
  });

  it('(1) nginx -t passes on the rendered config and fails on a copy with a typo', async () => {
    const t = nginxTest(shipped);
    expect(t.output).toContain('test is successful');
    expect(t.ok).toBe(true);

    // The HTTPS site as certbot leaves it, with a throwaway certificate in place of Let's Encrypt's.
    const tlsDir = join(tmp, 'nginx-tls');
    mkdirSync(tlsDir, { recursive: true });
    const cert = join(tlsDir, 'fullchain.pem');
    const key = join(tlsDir, 'privkey.pem');
    const ssl = spawnSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { encoding: 'utf8' },
    );
    expect(ssl.status, ssl.stderr).toBe(0);
    const tls = renderForTest(tlsDir, {
      apiPort,
      listenPort: await freePort(),
      tlsPort: await freePort(),
      site: 'oslrs-tls.conf',
      tlsCert: cert,
      tlsKey: key,
    });
    const tlsTest = nginxTest(tls);
    expect(tlsTest.ok, tlsTest.output).toBe(true);

    const typo = renderForTest(join(tmp, 'nginx-typo'), { apiPort, listenPort: await freePort() });
    mutate(typo, 'nginx.conf', 'worker_connections 16384;', 'worker_connectons 16384;');
    const bad = nginxTest(typo);
    expect(bad.ok).toBe(false);
    expect(bad.output).toMatch(/unknown directive "worker_connectons"/);
  });

  it('(2) requests are spread over both API workers', async () => {
    // NGINX keeps upstream connections open and reuses the most recently freed one first, and the
    // cluster master deals out connections (not requests) round robin: the spread shows when NGINX
    // needs more connections than it holds idle, so 40 clients at once.
    const responses = await burst(
      80,
      40,
      (_i, agent) => httpRequest(port(), '/api/v1/health/ready', { agent }),
      IP.spread,
    );
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const by = countBy(await finder.identify(responses));
    report.spread = by;
    expect(Object.keys(by).sort()).toEqual(['0', '1']);
  });

  it('(3) a session made through one worker works through the other', async () => {
    const responses = await burst(
      80,
      40,
      (_i, agent) => httpRequest(port(), '/api/v1/auth/me', { agent, headers: { cookie: session.cookie } }),
      IP.session,
    );
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
    for (const r of responses)
      expect((JSON.parse(r.body.toString()) as { user: { email: string } }).user.email).toBe(ADMIN_EMAIL);
    const instances = await finder.identify(responses);
    report.session = { login: report.loginInstance, me: countBy(instances) };
    expect(new Set(instances)).toEqual(new Set(['0', '1']));
    expect(instances.some((i) => i !== report.loginInstance)).toBe(true);
  });

  it('(4) rate-limit counters are shared: 100 anonymous requests pass, then 429, across both workers', async () => {
    const responses = await burst(120, 40, (_i, agent) => httpRequest(port(), '/api/v1/lgas', { agent }), IP.rateLimit);
    const statuses = countBy(responses.map((r) => String(r.status)));
    const instances = await finder.identify(responses);
    const byWorker = (status: number) => countBy(instances.filter((_, i) => responses[i]!.status === status));
    report.rateLimit = { statuses, okByWorker: byWorker(200), limitedByWorker: byWorker(429) };
    // Both workers answered this client, and together they let exactly 100 through. With a counter
    // per worker, each would allow its own 100: 120 x 200 here (or 100 + what the other one saw).
    expect(new Set(instances)).toEqual(new Set(['0', '1']));
    expect(statuses).toEqual({ 200: 100, 429: 20 });
    const limited = responses.find((r) => r.status === 429)!;
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(JSON.parse(limited.body.toString())).toMatchObject({ error: { code: 'RATE_LIMITED' } });
    // The sequential request after the burst is refused too, whichever worker takes it.
    expect((await httpRequest(port(), '/api/v1/lgas', { localAddress: IP.rateLimit })).status).toBe(429);
  });

  /** Is JSON over 256 bytes gzipped by this NGINX? (Also: small JSON is not, static JS is.) */
  async function gzipCheck(p: number) {
    const plain = await httpRequest(p, '/api/v1/lgas', { localAddress: IP.gzip });
    const zipped = await httpRequest(p, '/api/v1/lgas', {
      localAddress: IP.gzip,
      headers: { 'accept-encoding': 'gzip' },
    });
    const small = await httpRequest(p, '/api/v1/health', {
      localAddress: IP.gzip,
      headers: { 'accept-encoding': 'gzip' },
    });
    const encoding = zipped.headers['content-encoding'];
    const decoded = encoding === 'gzip' ? gunzipSync(zipped.body).toString() : zipped.body.toString();
    return {
      ok: encoding === 'gzip' && plain.body.length > 256 && zipped.body.length < plain.body.length,
      encoding,
      sameJson: decoded === plain.body.toString(),
      bytes: { identity: plain.body.length, gzip: zipped.body.length },
      smallEncoding: small.headers['content-encoding'],
      vary: zipped.headers.vary,
    };
  }

  it('(5) JSON over 256 bytes is gzipped, and the check fails when gzip is removed from the config', async () => {
    const got = await gzipCheck(port());
    report.gzip = got.bytes;
    expect(got.ok).toBe(true);
    expect(got.sameJson).toBe(true);
    expect(got.smallEncoding).toBeUndefined(); // {"status":"ok"} is under gzip_min_length
    expect(got.vary).toMatch(/Accept-Encoding/i);

    const asset = readdirSync(join(webDist, 'assets')).find((f) => f.endsWith('.js'))!;
    const js = await httpRequest(port(), `/assets/${asset}`, {
      localAddress: IP.gzip,
      headers: { 'accept-encoding': 'gzip' },
    });
    expect(js.headers['content-encoding']).toBe('gzip');

    const noGzip = await variant('no-gzip', (r) => mutate(r, 'nginx.conf', /^\s*gzip on;$/m, '    gzip off;'));
    const off = await gzipCheck(noGzip.port);
    expect(off.ok).toBe(false);
    expect(off.encoding).toBeUndefined();
  });

  it('(6) hashed assets are immutable for a year; index.html, the prerendered pages, sw.js and the manifest are no-cache', async () => {
    const get = (path: string) => httpRequest(port(), path, { localAddress: IP.statics });
    const asset = readdirSync(join(webDist, 'assets')).find((f) => f.endsWith('.js'))!;
    const a = await get(`/assets/${asset}`);
    expect(a.status).toBe(200);
    expect(rawHeader(a, 'cache-control')).toEqual(['public, max-age=31536000, immutable']);
    expect(a.headers['x-request-id']).toBeUndefined(); // NGINX served it, not the API
    expect(a.body.equals(readFileSync(join(webDist, 'assets', asset)))).toBe(true);

    const indexHtml = readFileSync(join(webDist, 'index.html'));
    for (const path of ['/index.html', '/login', '/staff/some/deep/route']) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type'], path).toMatch(/^text\/html/);
      expect(rawHeader(r, 'cache-control'), path).toEqual(['no-cache']);
      expect(r.body.equals(indexHtml), path).toBe(true);
    }
    // The public site: prerendered pages, straight from NGINX, in each language.
    for (const [path, file] of [
      ['/', 'site/en/home.html'],
      ['/about', 'site/en/about.html'],
      ['/yo/privacy', 'site/yo/privacy.html'],
    ] as const) {
      const r = await get(path);
      expect(r.status, path).toBe(200);
      expect(r.headers['content-type'], path).toMatch(/^text\/html/);
      expect(rawHeader(r, 'cache-control'), path).toEqual(['no-cache']);
      expect(r.headers['x-request-id'], path).toBeUndefined();
      expect(r.body.equals(readFileSync(join(webDist, file))), path).toBe(true);
    }
    // /register: the wizard's first screen prerendered per language, from NGINX, in the language the
    // device chose (the oslrs_lang cookie), else the browser's first language we have, else English.
    for (const [headers, locale] of [
      [{}, 'en'],
      [{ cookie: 'oslrs_session=x; oslrs_lang=yo' }, 'yo'],
      [{ cookie: 'oslrs_lang=en', 'accept-language': 'yo' }, 'en'],
      [{ 'accept-language': 'fr-FR, yo-NG;q=0.9, en;q=0.8' }, 'yo'],
      [{ 'accept-language': 'en-GB, yo;q=0.9' }, 'en'],
      [{ cookie: 'oslrs_lang=de', 'accept-language': 'yo' }, 'yo'],
    ] as const) {
      const r = await httpRequest(port(), '/register', { localAddress: IP.statics, headers });
      const what = JSON.stringify(headers);
      expect(r.status, what).toBe(200);
      expect(r.headers['content-type'], what).toMatch(/^text\/html/);
      expect(rawHeader(r, 'cache-control'), what).toEqual(['no-cache']);
      expect(r.headers['content-language'], what).toBe(locale);
      expect(r.headers['x-request-id'], what).toBeUndefined();
      expect(r.body.equals(readFileSync(join(webDist, `prerendered/${locale}/register.html`))), what).toBe(true);
      // Caches keep one copy per language (and encoding).
      expect(rawHeader(r, 'vary').join(',').toLowerCase().replace(/\s/g, ''), what).toMatch(/cookie,accept-language/);
    }
    const registerGz = await httpRequest(port(), '/register', {
      localAddress: IP.statics,
      headers: { 'accept-encoding': 'gzip', cookie: 'oslrs_lang=yo' },
    });
    expect(registerGz.headers['content-encoding']).toBe('gzip');
    expect(registerGz.body.equals(readFileSync(join(webDist, 'prerendered/yo/register.html.gz')))).toBe(true);
    const sw = await get('/sw.js');
    expect(sw.status).toBe(200);
    expect(sw.headers['content-type']).toMatch(/javascript/);
    expect(rawHeader(sw, 'cache-control')).toEqual(['no-cache']);
    const manifest = await get('/manifest.webmanifest');
    expect(manifest.status).toBe(200);
    expect(manifest.headers['content-type']).toMatch(/^application\/manifest\+json/);
    expect(rawHeader(manifest, 'cache-control')).toEqual(['no-cache']);

    // A missing bundle is a 404 that nobody caches for a year.
    const missing = await get('/assets/missing-0000.js');
    expect(missing.status).toBe(404);
    expect(rawHeader(missing, 'cache-control')).toEqual([]);
    // Unknown API paths are the API's JSON 404, not the single-page app.
    const apiMissing = await get('/api/v1/no-such-route');
    expect(apiMissing.status).toBe(404);
    expect(apiMissing.headers['content-type']).toMatch(/json/);

    // Security headers: the static CSP is the API's, directive for directive; no HSTS over plain HTTP.
    const api = await get('/api/v1/health');
    const directives = (csp: unknown) =>
      String(csp)
        .split(';')
        .map((d) => d.trim().replace(/\s+/g, ' '))
        .filter(Boolean)
        .sort();
    expect(rawHeader(api, 'content-security-policy')).toHaveLength(1);
    expect(directives(a.headers['content-security-policy'])).toEqual(
      directives(api.headers['content-security-policy']),
    );
    expect(a.headers['x-content-type-options']).toBe('nosniff');
    expect(a.headers['strict-transport-security']).toBeUndefined();
    expect(api.headers['strict-transport-security']).toBeUndefined();
  });

  /** Upstream connections NGINX opened for 500 requests from 10 keep-alive clients. */
  async function upstreamConnections(p: number) {
    const before = peerPorts(apiPort);
    const responses = await burst(500, 10, (_i, agent) => httpRequest(p, '/api/v1/health', { agent }), IP.keepalive);
    expect(responses.every((r) => r.status === 200)).toBe(true);
    const after = peerPorts(apiPort);
    return [...after].filter((x) => !before.has(x)).length;
  }

  it('(7) NGINX reuses upstream connections (keepalive), and the check fails without it', async () => {
    const shippedNew = await upstreamConnections(port());
    const noKeepalive = await variant('no-keepalive', (r) =>
      mutate(r, 'snippets/oslrs-upstream.conf', /^\s*keepalive 512;$/m, ''),
    );
    const variantNew = await upstreamConnections(noKeepalive.port);
    report.keepalive = { newUpstreamConnectionsFor500: { shipped: shippedNew, withoutKeepalive: variantNew } };
    expect(shippedNew).toBeLessThanOrEqual(40);
    expect(variantNew).toBeGreaterThanOrEqual(450);
  });

  /** 20 clients: readiness (PostgreSQL + Redis) and the signed-in user, alternately. */
  function steadyLoad(timeoutMs = 10_000) {
    return startLoad({
      port: port(),
      clients: 20,
      localAddress: IP.load,
      timeoutMs,
      next: (client, n) =>
        (client + n) % 2
          ? { path: '/api/v1/auth/me', headers: { cookie: session.cookie } }
          : { path: '/api/v1/health/ready' },
    });
  }

  const brief = (s: LoadSummary) => ({
    requests: s.total,
    byStatus: s.byStatus,
    errors: s.errors,
    seconds: +(s.durationMs / 1000).toFixed(1),
    rps: s.rps,
    p50ms: s.p50,
    p99ms: s.p99,
    maxMs: s.max,
  });

  it('(8) `pm2 reload oslrs-api` under steady load loses no request', async () => {
    const before = await apiInstances(pm2!);
    const load = steadyLoad();
    await sleep(1500);
    const t0 = Date.now();
    const reload = await pm2!.run(['reload', 'oslrs-api']);
    timings.reloadMs = Date.now() - t0;
    expect(reload.code, reload.stderr).toBe(0);
    await sleep(1500);
    const s = await load.stop();
    await trackPids();
    await finder.refresh();
    const after = await apiInstances(pm2!);
    report.reload = brief(s);
    // Both workers were replaced…
    expect([...after.keys()].filter((pid) => before.has(pid))).toEqual([]);
    expect(after.size).toBe(2);
    // …and nobody noticed.
    expect(s.errors).toEqual({});
    expect(s.ok2xx).toBe(s.total);
    expect(s.total).toBeGreaterThan(500);
  });

  it('(9) an API worker killed with SIGKILL is replaced; requests around it succeed or fail cleanly (502/504)', async () => {
    const before = await apiInstances(pm2!);
    const [victim, victimInstance] = [...before.entries()].find(([, inst]) => inst === '0')!;
    const survivor = [...before.keys()].find((pid) => pid !== victim)!;
    // Patient clients (longer than NGINX's proxy_read_timeout, 30 s): see what NGINX answers.
    const load = steadyLoad(45_000);
    await sleep(1500);
    const killedAt = Date.now();
    process.kill(victim, 'SIGKILL');
    let replacedMs = -1;
    while (Date.now() - killedAt < 20_000) {
      const now = await pm2!.jlist();
      const back = now.find(
        (p) =>
          p.name === 'oslrs-api' && String(p.pm2_env.NODE_APP_INSTANCE) === victimInstance && p.pid && p.pid !== victim,
      );
      if (back?.pm2_env.status === 'online') {
        replacedMs = Date.now() - killedAt;
        break;
      }
      await sleep(100);
    }
    await sleep(2000);
    const s = await load.stop();
    await trackPids();
    await finder.refresh();
    const after = await apiInstances(pm2!);
    const around = s.samples.filter((x) => x.at >= killedAt - 200 && x.at <= killedAt + Math.max(replacedMs, 0) + 500);
    // NGINX's access log (flushed every 2 s) lists each attempt's upstream status: "502, 200" is a
    // request that failed on the dead worker's connection and succeeded on a retry.
    await sleep(2500);
    const retried = readFileSync(join(shipped.dir, 'logs/access.log'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith(`${IP.load} `) && /us=\d+, /.test(l));
    report.sigkill = {
      ...brief(s),
      replacedAfterMs: replacedMs,
      aroundTheKill: { requests: around.length, byStatus: countBy(around.map((x) => String(x.error ?? x.status))) },
      retriedByNginx: countBy(retried.map((l) => `${/" (\d+) /.exec(l)![1]} after us=${/us=(.+?) rid=/.exec(l)![1]}`)),
    };
    // Replaced within the 20 s it is waited for (how fast is reported, not asserted: issue 13 item 6).
    expect(replacedMs).toBeGreaterThan(0);
    expect(after.has(survivor)).toBe(true); // the other worker was not touched
    expect(after.size).toBe(2);
    // No reset client connection: every request got an answer from NGINX, and the only failures
    // allowed are its clean 502 (upstream error) and 504 (proxy_read_timeout, 30 s).
    expect(s.errors).toEqual({});
    for (const status of Object.keys(s.byStatus)) expect(['200', '502', '504']).toContain(status);
    // Both workers serve again afterwards.
    const again = await burst(80, 40, (_i, agent) => httpRequest(port(), '/api/v1/health/ready', { agent }), IP.spread);
    expect(new Set(await finder.identify(again))).toEqual(new Set(['0', '1']));
  });

  it('(10) after all that: the job worker (a separate PM2 app) runs queued jobs; upload routes take large bodies, others 1 MB', async () => {
    const list = await pm2!.jlist();
    expect(list.filter((p) => p.name === 'oslrs-api').map((p) => p.pm2_env.exec_mode)).toEqual([
      'cluster_mode',
      'cluster_mode',
    ]);
    for (const p of list.filter((x) => x.name === 'oslrs-api'))
      expect(p.pm2_env.env?.RUN_WORKER ?? p.pm2_env.RUN_WORKER).toBe('false');

    const auth = { cookie: session.cookie, 'x-csrf-token': session.csrf };
    const csv = [
      'full_name,email,phone,role,lga',
      ...[1, 2, 3].map(
        (i) =>
          `Stack Person ${i},stack${i}.${redisPrefix.slice(6, 12)}@test.oslrs,0803000000${i},enumerator,ibadan_north`,
      ),
    ].join('\n');
    const started = await httpRequest(port(), '/api/v1/staff/import', {
      method: 'POST',
      localAddress: IP.jobs,
      headers: { ...auth, 'content-type': 'text/csv' },
      body: csv,
    });
    expect(started.status, started.body.toString()).toBe(202);
    const jobId = (JSON.parse(started.body.toString()) as { job: { id: string } }).job.id;
    let job: { state: string; succeeded: number } | undefined;
    const until = Date.now() + 30_000;
    while (Date.now() < until) {
      const r = await httpRequest(port(), `/api/v1/jobs/${jobId}`, { localAddress: IP.jobs, headers: auth });
      job = (JSON.parse(r.body.toString()) as { job: NonNullable<typeof job> }).job;
      if (job && (job.state === 'completed' || job.state === 'failed')) break;
      await sleep(200);
    }
    expect(job).toMatchObject({ state: 'completed', succeeded: 3 });

    const big = (mb: number) => Buffer.alloc(mb * 1024 * 1024, 'a');
    const post = (path: string, body: Buffer, type: string) =>
      httpRequest(port(), path, {
        method: 'POST',
        localAddress: IP.jobs,
        headers: { ...auth, 'content-type': type },
        body,
      });
    // Over NGINX's limit: 413 from NGINX itself (no x-request-id: the API never saw it).
    const loginTooBig = await post('/api/v1/auth/login', big(2), 'application/json');
    expect(loginTooBig.status).toBe(413);
    expect(loginTooBig.headers['x-request-id']).toBeUndefined();
    const importTooBig = await post('/api/v1/staff/import', big(12), 'text/csv');
    expect(importTooBig.status).toBe(413);
    expect(importTooBig.headers['x-request-id']).toBeUndefined();
    const batchTooBig = await post('/api/v1/submissions/batch', big(7), 'application/json');
    expect(batchTooBig.status).toBe(413);
    expect(batchTooBig.headers['x-request-id']).toBeUndefined();
    // Within the route's limit: NGINX passes it on and the API answers (here: a type it refuses).
    const importOk = await post('/api/v1/staff/import', big(2), 'application/octet-stream');
    expect(importOk.headers['x-request-id']).toBeDefined();
    expect(importOk.status).not.toBe(413);
    const batchOk = await post('/api/v1/submissions/batch', big(2), 'application/octet-stream');
    expect(batchOk.headers['x-request-id']).toBeDefined();
    expect(batchOk.status).not.toBe(413);
  });

  it('(11) questionnaire answers come from NGINX for 5 s: one API request for many, 304s from the cache, a publish shows after', async () => {
    const admin = { cookie: session.cookie, 'x-csrf-token': session.csrf };
    const send = (path: string, method: string, body?: unknown) =>
      httpRequest(port(), path, {
        method,
        localAddress: IP.session,
        ...(body === undefined
          ? { headers: admin }
          : { headers: { ...admin, 'content-type': 'application/json' }, body: JSON.stringify(body) }),
      });
    const created = await send('/api/v1/questionnaires', 'POST', { form: MASTER_FORM });
    expect(created.status, created.body.toString()).toBe(201);
    const id = (JSON.parse(created.body.toString()) as { questionnaire: { id: string } }).questionnaire.id;
    expect((await send(`/api/v1/questionnaires/${id}/publish`, 'POST')).status).toBe(201);

    const path = `/api/v1/forms/${id}/schema`;
    const get = (headers: Record<string, string> = {}) =>
      httpRequest(port(), path, { localAddress: IP.cache, headers });
    const version = (r: { body: Buffer }) => (JSON.parse(r.body.toString()) as { version: number }).version;
    const first = await get();
    const repeats = [await get(), await get(), await get()];
    const revalidated = await get({ 'if-none-match': String(first.headers.etag) });
    expect(first.status).toBe(200);
    expect(first.headers['x-cache']).toBe('MISS');
    for (const r of repeats) {
      expect(r.status).toBe(200);
      expect(r.headers['x-cache']).toBe('HIT');
      expect(r.headers.etag).toBe(first.headers.etag);
      expect(r.body.equals(first.body)).toBe(true);
    }
    expect(revalidated.status).toBe(304);
    expect(revalidated.headers['x-cache']).toBe('HIT');
    expect(revalidated.body.length).toBe(0);
    // Every answer has its own request id (NGINX's, which the API logs when it is asked)…
    const answers = [first, ...repeats, revalidated];
    expect(new Set(answers.map((r) => r.headers['x-request-id'])).size).toBe(answers.length);
    // …and only the first reached the API (its log names the request ids it served).
    await finder.identify([first]);
    const apiLog = readFileSync(join(tmp, 'logs/oslrs-api.out.log'), 'utf8');
    for (const r of answers.slice(1)) expect(apiLog).not.toContain(String(r.headers['x-request-id']));

    // The channels' settings (GET /forms) are kept the same way.
    const forms = [await httpRequest(port(), '/api/v1/forms', { localAddress: IP.cache })];
    forms.push(await httpRequest(port(), '/api/v1/forms', { localAddress: IP.cache }));
    expect(forms.map((r) => r.status)).toEqual([200, 200]);
    expect(forms[1]!.headers['x-cache']).toBe('HIT');
    expect(forms[1]!.body.equals(forms[0]!.body)).toBe(true);

    // A new version: served from the cache until its 5 s are over, then fetched from the API.
    const draft = await send(`/api/v1/questionnaires/${id}/draft`, 'PUT', {
      form: { ...MASTER_FORM, title: `${MASTER_FORM.title} (v2)` },
    });
    expect(draft.status, draft.body.toString()).toBe(200);
    expect((await send(`/api/v1/questionnaires/${id}/publish`, 'POST')).status).toBe(201);
    const until = Date.now() + 20_000;
    let latest = await get();
    while (version(latest) !== 2 && Date.now() < until) {
      expect(version(latest)).toBe(1);
      await sleep(250);
      latest = await get();
    }
    expect(version(latest)).toBe(2);
    expect(latest.headers.etag).not.toBe(first.headers.etag);
  });
});

/**
 * Stack-test helpers: NGINX from the Debian package run as a child with a rendered copy of
 * deploy/nginx, PM2 from node_modules with a private PM2_HOME, an HTTP client that can pick its
 * loopback source address, a load generator and a reader of /proc/net/tcp.
 */
import { execFile, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { connect, createServer } from 'node:net';
import { join, resolve } from 'node:path';
import { renderNginx } from '../../deploy/render.mjs';

export const root = resolve(import.meta.dirname, '../..');
export const webDist = join(root, 'apps/web/dist');
/** Where PM2 runs the app from: this checkout, or (to try an app change on a copy) OSLRS_STACK_APP_ROOT. */
export const appRoot = process.env.OSLRS_STACK_APP_ROOT ? resolve(process.env.OSLRS_STACK_APP_ROOT) : root;
export const ecosystemFile = join(appRoot, 'deploy/pm2/ecosystem.config.cjs');
const PM2_BIN = join(root, 'node_modules/pm2/bin/pm2');

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => ok(port));
    });
    srv.on('error', fail);
  });
}

/** `n` consecutive free ports (the app's metrics listeners use METRICS_PORT + 1 + instance). */
export async function freePortBlock(n: number): Promise<number> {
  const isFree = (port: number) =>
    new Promise<boolean>((ok) => {
      const srv = createServer();
      srv.once('error', () => ok(false));
      srv.listen(port, '127.0.0.1', () => srv.close(() => ok(true)));
    });
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20000 + Math.floor(Math.random() * 20000);
    let all = true;
    for (let i = 0; i < n && all; i++) all = await isFree(base + i);
    if (all) return base;
  }
  throw new Error(`no ${n} consecutive free ports`);
}

/** Resolves once something accepts TCP connections on 127.0.0.1:port. */
export async function waitForPort(port: number, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((ok) => {
      const s = connect({ port, host: '127.0.0.1' });
      s.once('connect', () => (s.destroy(), ok(true)));
      s.once('error', () => ok(false));
    });
    if (open) return;
    if (Date.now() > until) throw new Error(`nothing listens on ${port}`);
    await sleep(50);
  }
}

// ---------------------------------------------------------------------------------------------- HTTP

export interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

export interface HttpOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
  agent?: http.Agent | false;
  /** The loopback address to send from: each test uses its own, so rate-limit buckets stay apart. */
  localAddress?: string;
  timeoutMs?: number;
  tls?: boolean;
  /** The server's address (default 127.0.0.1): the two-node test also talks to each node directly. */
  host?: string;
}

/** One request; the body is returned as sent (no decompression), so Content-Encoding can be checked. */
export function httpRequest(port: number, path: string, opts: HttpOptions = {}): Promise<HttpResult> {
  return new Promise((ok, fail) => {
    const body = typeof opts.body === 'string' ? Buffer.from(opts.body) : opts.body;
    const headers: Record<string, string> = { ...opts.headers };
    if (body) headers['content-length'] = String(body.length);
    const mod = opts.tls ? https : http;
    const req = mod.request(
      {
        host: opts.host ?? '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        headers,
        agent: opts.agent ?? false,
        localAddress: opts.localAddress,
        rejectUnauthorized: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          ok({
            status: res.statusCode ?? 0,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', fail);
      },
    );
    req.setTimeout(opts.timeoutMs ?? 15_000, () =>
      req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
    );
    // Whether the request went out on a kept-alive connection (a reset there may be the server closing it).
    req.on('error', (err) => fail(Object.assign(err, { reusedSocket: req.reusedSocket })));
    req.end(body);
  });
}

/** Every value of a header as sent on the wire (Node joins some duplicates; rawHeaders does not). */
export function rawHeader(res: HttpResult, name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < res.rawHeaders.length; i += 2) {
    if (res.rawHeaders[i]!.toLowerCase() === name.toLowerCase()) out.push(res.rawHeaders[i + 1]!);
  }
  return out;
}

/** Runs `count` requests, at most `concurrency` at a time, each client on its own keep-alive connection. */
export async function burst<T>(
  count: number,
  concurrency: number,
  fn: (i: number, agent: http.Agent) => Promise<T>,
  localAddress?: string,
): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const agents: http.Agent[] = [];
  const client = async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress });
    agents.push(agent);
    for (let i = next++; i < count; i = next++) results[i] = await fn(i, agent);
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, client));
  } finally {
    for (const a of agents) a.destroy();
  }
  return results;
}

// ---------------------------------------------------------------------------------------------- load

export interface LoadRequest {
  path: string;
  headers?: Record<string, string>;
}

export interface LoadSample {
  at: number;
  ms: number;
  status: number;
  error?: string;
  requestId?: string;
  /** Sent a second time on a new connection after its kept-alive one was reset (`retryReusedReset`). */
  retried?: boolean;
}

export interface LoadSummary {
  total: number;
  ok2xx: number;
  byStatus: Record<string, number>;
  errors: Record<string, number>;
  durationMs: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  samples: LoadSample[];
  /** Requests the client sent again after a reset on a reused connection (`retryReusedReset`). */
  clientRetries: number;
}

/** Steady closed-loop load: `clients` keep-alive clients, each sending its next request as soon as the last ends. */
export function startLoad(opts: {
  port: number;
  clients: number;
  next: (client: number, n: number) => LoadRequest;
  localAddress?: string;
  /** The client's patience per request: beyond it the request counts as an error. */
  timeoutMs?: number;
  /**
   * Behave as browsers do when a kept-alive connection is reset before any answer (the server closed
   * it as the request went out, e.g. an NGINX worker retiring on `nginx -s reload`): send the request
   * once more on a new connection. Only for such resets, never after a timeout or an answer.
   */
  retryReusedReset?: boolean;
}): { stop(): Promise<LoadSummary> } {
  let stopped = false;
  const started = Date.now();
  const samples: LoadSample[] = [];
  const loops = Array.from({ length: opts.clients }, async (_, client) => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: opts.localAddress });
    try {
      for (let n = 0; !stopped; n++) {
        const { path, headers } = opts.next(client, n);
        const t0 = performance.now();
        try {
          const send = () => httpRequest(opts.port, path, { agent, headers, timeoutMs: opts.timeoutMs ?? 10_000 });
          let retried = false;
          const res = await send().catch((err: NodeJS.ErrnoException & { reusedSocket?: boolean }) => {
            const reset = err.code === 'ECONNRESET' || err.code === 'EPIPE';
            if (!opts.retryReusedReset || !reset || !err.reusedSocket) throw err;
            retried = true;
            return send();
          });
          const rid = res.headers['x-request-id'];
          samples.push({
            at: Date.now(),
            ms: performance.now() - t0,
            status: res.status,
            requestId: typeof rid === 'string' ? rid : undefined,
            ...(retried ? { retried } : {}),
          });
        } catch (err) {
          const code = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
          samples.push({ at: Date.now(), ms: performance.now() - t0, status: 0, error: code });
          await sleep(10);
        }
      }
    } finally {
      agent.destroy();
    }
  });
  return {
    async stop() {
      stopped = true;
      await Promise.all(loops);
      const durationMs = Date.now() - started;
      const byStatus: Record<string, number> = {};
      const errors: Record<string, number> = {};
      for (const s of samples) {
        if (s.error) errors[s.error] = (errors[s.error] ?? 0) + 1;
        else byStatus[s.status] = (byStatus[s.status] ?? 0) + 1;
      }
      const lat = samples.map((s) => s.ms).sort((a, b) => a - b);
      const pct = (p: number) => Math.round(lat[Math.min(lat.length - 1, Math.floor(lat.length * p))] ?? 0);
      return {
        total: samples.length,
        ok2xx: samples.filter((s) => s.status >= 200 && s.status < 300).length,
        byStatus,
        errors,
        durationMs,
        rps: Math.round((samples.length / durationMs) * 1000),
        p50: pct(0.5),
        p99: pct(0.99),
        max: Math.round(lat[lat.length - 1] ?? 0),
        samples,
        clientRetries: samples.filter((s) => s.retried).length,
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------- NGINX

export function nginxBinary(): string | undefined {
  for (const p of ['/usr/sbin/nginx', '/usr/local/sbin/nginx', '/usr/bin/nginx']) if (existsSync(p)) return p;
  const r = spawnSync('sh', ['-c', 'command -v nginx'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export interface RenderedNginx {
  /** The prefix directory: conf/, logs/, temp/, nginx.pid. */
  dir: string;
  conf: string;
  port: number;
  errorLog: string;
  files: Record<string, string>;
}

export interface RenderOptions {
  apiPort: number;
  listenPort: number;
  site?: 'oslrs.conf' | 'oslrs-tls.conf';
  tlsPort?: number;
  tlsCert?: string;
  tlsKey?: string;
  /** Several API nodes (render.mjs API_NODES): `host:port [flags]`, comma-separated. */
  apiNodes?: string;
}

/** The shipped templates rendered for a loopback test: free ports, every path inside `dir`. */
export function renderForTest(dir: string, o: RenderOptions): RenderedNginx {
  const confDir = join(dir, 'conf');
  for (const d of ['logs', 'temp', 'acme']) mkdirSync(join(dir, d), { recursive: true });
  const site = o.site ?? 'oslrs.conf';
  const files = renderNginx(confDir, {
    API_PORT: String(o.apiPort),
    API_NODES: o.apiNodes ?? '',
    LISTEN_PORT: String(o.listenPort),
    TLS_PORT: String(o.tlsPort ?? 443),
    LISTEN_IPV6: 'false',
    SERVER_NAME: 'localhost',
    WEB_ROOT: webDist,
    ACME_ROOT: join(dir, 'acme'),
    CONF_DIR: join(confDir, 'snippets'),
    PID_FILE: join(dir, 'nginx.pid'),
    LOG_DIR: join(dir, 'logs'),
    TEMP_DIR: join(dir, 'temp'),
    // Root runs the workers as root too (the web root may not be readable by www-data here).
    USER: process.getuid?.() === 0 ? 'root' : '',
    SITE_INCLUDES: join(confDir, 'sites-available', site),
    ...(o.tlsCert ? { TLS_CERT: o.tlsCert, TLS_KEY: o.tlsKey } : {}),
  }) as Record<string, string>;
  return { dir, conf: files['nginx.conf']!, port: o.listenPort, errorLog: join(dir, 'logs/error.log'), files };
}

/** Rewrites one rendered file; throws when the text to replace is not there (a variant must differ). */
export function mutate(r: RenderedNginx, file: string, from: string | RegExp, to: string) {
  const path = r.files[file];
  if (!path) throw new Error(`no rendered file ${file}`);
  const text = readFileSync(path, 'utf8');
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`${file}: ${String(from)} not found`);
  writeFileSync(path, changed);
}

function nginxArgs(r: RenderedNginx) {
  return ['-c', r.conf, '-p', r.dir, '-e', r.errorLog];
}

export function nginxTest(r: RenderedNginx): { ok: boolean; output: string } {
  const res = spawnSync(nginxBinary()!, ['-t', ...nginxArgs(r)], { encoding: 'utf8' });
  return { ok: res.status === 0, output: `${res.stdout}${res.stderr}` };
}

export interface NginxProcess {
  port: number;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** NGINX in the foreground (`daemon off`) as a child of the test; resolves once it answers. */
export async function startNginx(r: RenderedNginx): Promise<NginxProcess> {
  const child = spawn(nginxBinary()!, [...nginxArgs(r), '-g', 'daemon off;'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const until = Date.now() + 10_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start: ${output}`);
    try {
      await httpRequest(r.port, '/nginx-probe', { timeoutMs: 1000 });
      break;
    } catch {
      if (Date.now() > until) throw new Error(`nginx did not answer on ${r.port}: ${output}`);
      await sleep(50);
    }
  }
  return {
    port: r.port,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGQUIT'); // graceful: finish in-flight requests
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
    },
  };
}

// ---------------------------------------------------------------------------------------------- PM2

export interface Pm2Process {
  name: string;
  pm_id: number;
  pid: number;
  pm2_env: {
    status: string;
    restart_time: number;
    NODE_APP_INSTANCE?: number | string;
    exec_mode?: string;
    env?: Record<string, string>;
    RUN_WORKER?: string;
  };
}

/**
 * The PM2 CLI from node_modules, against a private PM2_HOME (never the user's ~/.pm2 daemon); with
 * `netns`, run inside that network namespace (the daemon it starts, and so the apps, live there too).
 */
export class Pm2 {
  constructor(
    readonly home: string,
    readonly env: Record<string, string>,
    readonly netns?: string,
  ) {}

  run(args: string[], timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
    const [cmd, cmdArgs] = this.netns
      ? ['ip', ['netns', 'exec', this.netns, process.execPath, PM2_BIN, ...args]]
      : [process.execPath, [PM2_BIN, ...args]];
    return new Promise((ok) => {
      execFile(
        cmd,
        cmdArgs,
        {
          cwd: root,
          timeout: timeoutMs,
          maxBuffer: 64 * 1024 * 1024,
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.home, PM2_HOME: this.home, ...this.env },
        },
        (err, stdout, stderr) =>
          ok({
            code: err ? ((err as { code?: number }).code ?? 1) : 0,
            stdout: String(stdout),
            stderr: String(stderr),
          }),
      );
    });
  }

  async jlist(): Promise<Pm2Process[]> {
    const { stdout } = await this.run(['jlist']);
    const start = stdout.indexOf('[');
    return start < 0 ? [] : (JSON.parse(stdout.slice(start)) as Pm2Process[]);
  }
}

/** pid -> the API instance (NODE_APP_INSTANCE) it runs as. */
export async function apiInstances(pm2: Pm2): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  for (const p of await pm2.jlist()) {
    if (p.name === 'oslrs-api' && p.pid) out.set(p.pid, String(p.pm2_env.NODE_APP_INSTANCE ?? p.pm_id));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------- which worker

/**
 * Which API worker answered each request. Preferred: an `x-oslrs-instance` response header (an
 * opt-in the app does not have yet). Until then: NGINX sends X-Request-Id $request_id, the API logs
 * it as reqId beside its pid (pino), and PM2 maps the pid to NODE_APP_INSTANCE.
 */
export class InstanceFinder {
  private byPid = new Map<number, string>();
  constructor(
    private readonly pm2: Pm2,
    private readonly apiLog: string,
  ) {}

  /** Remember the current pid -> instance map (call again after a restart). */
  async refresh() {
    for (const [pid, inst] of await apiInstances(this.pm2)) this.byPid.set(pid, inst);
  }

  async identify(responses: HttpResult[], timeoutMs = 10_000): Promise<string[]> {
    const out: (string | undefined)[] = responses.map((r) => {
      const h = r.headers['x-oslrs-instance'];
      return typeof h === 'string' ? h : undefined;
    });
    if (out.every(Boolean)) return out as string[];
    const wanted = new Map<string, number[]>();
    responses.forEach((r, i) => {
      if (out[i]) return;
      const rid = r.headers['x-request-id'];
      if (typeof rid !== 'string') throw new Error(`response ${i} (status ${r.status}) has no x-request-id`);
      wanted.set(rid, [...(wanted.get(rid) ?? []), i]);
    });
    const until = Date.now() + timeoutMs;
    for (;;) {
      const pids = this.pidsOf(new Set(wanted.keys()));
      if (pids.size === wanted.size) {
        if ([...pids.values()].some((pid) => !this.byPid.has(pid))) await this.refresh();
        for (const [rid, idx] of wanted) {
          const inst = this.byPid.get(pids.get(rid)!) ?? `pid:${pids.get(rid)}`;
          for (const i of idx) out[i] = inst;
        }
        return out as string[];
      }
      if (Date.now() > until)
        throw new Error(`only ${pids.size} of ${wanted.size} request ids found in ${this.apiLog}`);
      await sleep(100);
    }
  }

  private pidsOf(ids: Set<string>): Map<string, number> {
    const found = new Map<string, number>();
    if (!existsSync(this.apiLog)) return found;
    for (const line of readFileSync(this.apiLog, 'utf8').split('\n')) {
      if (!line.startsWith('{') || !line.includes('"reqId"')) continue;
      try {
        const rec = JSON.parse(line) as { reqId?: string; pid?: number };
        if (rec.reqId && rec.pid && ids.has(rec.reqId)) found.set(rec.reqId, rec.pid);
      } catch {
        // a line cut mid-write: read again on the next pass
      }
    }
    return found;
  }
}

export function countBy(values: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const v of values) out[v] = (out[v] ?? 0) + 1;
  return out;
}

// ---------------------------------------------------------------------------------------------- TCP

/**
 * The client-side ports of every IPv4 TCP socket connected to `port` on this machine, in any state
 * (established, TIME_WAIT, …) — from /proc/net/tcp, so no tool is needed. A closed connection stays
 * in TIME_WAIT for 60 s, so new ports after a burst = connections opened during it.
 */
export function peerPorts(port: number): Set<number> {
  const out = new Set<number>();
  const lines = readFileSync('/proc/net/tcp', 'utf8').split('\n').slice(1);
  for (const line of lines) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4) continue;
    const local = parseInt(f[1]!.split(':')[1]!, 16);
    const remote = parseInt(f[2]!.split(':')[1]!, 16);
    if (f[3] === '0A') continue; // LISTEN
    if (local === port && remote !== 0) out.add(remote);
    else if (remote === port) out.add(local);
  }
  return out;
}

/**
 * A cleanup that runs every step whatever fails before it, then reports all failures at once:
 * `step(name, fn)` runs one, `fail(message)` records one found by hand, `done()` throws if any.
 */
export function cleanup() {
  const failures: string[] = [];
  return {
    async step(name: string, fn: () => Promise<unknown> | unknown) {
      try {
        await fn();
      } catch (err) {
        failures.push(`${name}: ${(err as Error).message}`);
      }
    },
    fail(message: string) {
      failures.push(message);
    },
    done() {
      if (failures.length) throw new Error(`cleanup: ${failures.join('; ')}`);
    },
  };
}

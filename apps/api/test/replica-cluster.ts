/**
 * A real PostgreSQL streaming-replication pair for tests: a private primary (initdb in a temp dir, on
 * a free port) and a hot standby cloned from it with `pg_basebackup -R -X stream`. The shared cluster
 * on :5432 allows no replication connections and is never touched.
 *
 * PostgreSQL refuses to run as root: as root (CI, this machine) every server command runs as the
 * `postgres` user, which then owns the temp dir.
 */
import { execFile, spawn, spawnSync } from 'node:child_process';
import {
  chownSync,
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { freePort } from './private-redis.js';

const run = promisify(execFile);

/** The newest installed server's binaries (Debian: /usr/lib/postgresql/<major>/bin). */
export function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v) && existsSync(join(root, v, 'bin/initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!majors.length) throw new Error(`no PostgreSQL server binaries under ${root}`);
  return join(root, majors[0]!, 'bin');
}

const asRoot = process.getuid?.() === 0;

function command(bin: string, args: string[]): [string, string[]] {
  const path = join(postgresBinDir(), bin);
  return asRoot ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args];
}

async function pgCommand(bin: string, args: string[]): Promise<void> {
  const [file, argv] = command(bin, args);
  try {
    await run(file, argv, { timeout: 60_000 });
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    throw new Error(`${bin} failed: ${e.stderr?.trim() || e.message}`, { cause: err });
  }
}

/**
 * The servers running, by data directory. Each postmaster is this process's child (not pg_ctl's, whose
 * orphans init would reap late), and is stopped at exit even when a test's cleanup never ran.
 */
interface Server {
  /** The spawned process: the postmaster, or (as root) the runuser that waits on it. */
  pid: number;
  exited: Promise<unknown>;
  frozen?: number[];
}
const servers = new Map<string, Server>();
process.once('exit', () => {
  for (const [dataDir, server] of servers) {
    thaw(server);
    spawnSync(...command('pg_ctl', ['-D', dataDir, '-m', 'immediate', 'stop']));
  }
});

async function startServer(dataDir: string, settings: string[], port: number): Promise<void> {
  const log = openSync(`${dataDir}.log`, 'a');
  const child = spawn(...command('postgres', ['-D', dataDir, ...settings]), { stdio: ['ignore', log, log] });
  closeSync(log);
  let exitCode: number | null = null;
  const exited = new Promise((done) => child.once('exit', (code) => done((exitCode = code ?? -1))));
  servers.set(dataDir, { pid: child.pid!, exited });
  const began = performance.now();
  // Ready once it takes connections (a hot standby: once its copy is consistent).
  for (;;) {
    if (exitCode !== null) {
      servers.delete(dataDir);
      const tail = readFileSync(`${dataDir}.log`, 'utf8').split('\n').slice(-10).join('\n');
      throw new Error(`postgres (${dataDir}) exited with ${exitCode}:\n${tail}`);
    }
    const probe = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
    probe.on('error', () => {});
    const ready = await probe.connect().then(
      () => true,
      () => false,
    );
    await probe.end().catch(() => {});
    if (ready) return;
    if (performance.now() - began > 60_000) {
      await stopServer(dataDir, 'immediate').catch(() => {});
      throw new Error(`postgres (${dataDir}) did not accept connections within 60 s`);
    }
    await new Promise((done) => setTimeout(done, 20));
  }
}

async function stopServer(dataDir: string, mode: 'fast' | 'immediate'): Promise<void> {
  const server = servers.get(dataDir);
  if (!server) return;
  thaw(server);
  await pgCommand('pg_ctl', ['-D', dataDir, '-m', mode, '-w', 'stop']);
  let timer: NodeJS.Timeout | undefined;
  const reaped = await Promise.race([
    server.exited.then(() => true),
    new Promise<boolean>((done) => (timer = setTimeout(() => done(false), 10_000))),
  ]);
  clearTimeout(timer);
  servers.delete(dataDir);
  if (!reaped) throw new Error(`postgres (${dataDir}) stopped but its process ${server.pid} did not exit`);
}

/** The postmaster and its children (backends, walreceiver, startup…). */
function serverPids(dataDir: string): number[] {
  const postmaster = Number(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const children = readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === postmaster;
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
  return [postmaster, ...children];
}

/** SIGSTOP the whole server (postmaster first, so it forks nothing new): connections stay open, nothing answers. */
function freeze(dataDir: string) {
  const server = servers.get(dataDir);
  if (!server || server.frozen) return;
  server.frozen = serverPids(dataDir);
  for (const pid of server.frozen) process.kill(pid, 'SIGSTOP');
}

function thaw(server: Server) {
  if (!server.frozen) return;
  // runuser stops itself when its child stops (job control) and must go on too, or it never reaps it.
  for (const pid of [server.pid, ...server.frozen]) {
    try {
      process.kill(pid, 'SIGCONT');
    } catch {
      // exited meanwhile
    }
  }
  server.frozen = undefined;
}

export interface ReplicaPair {
  primaryUrl: string;
  replicaUrl: string;
  /** Stops the standby (`fast`: clean shutdown; `immediate`: like a crash). */
  stopReplica(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Starts the standby again; resolves once it accepts connections (it then catches up by streaming). */
  startReplica(): Promise<void>;
  /** Freezes the standby (SIGSTOP, like a hung machine): its connections stay open and never answer. */
  freezeReplica(): void;
  thawReplica(): void;
  /** Stops both servers and removes their files. */
  stop(): Promise<void>;
}

export async function startReplicaPair(): Promise<ReplicaPair> {
  const root = mkdtempSync(join(tmpdir(), 'oslrs-replica-'));
  if (asRoot) chownSync(root, uid('postgres'), gid('postgres'));
  const primaryDir = join(root, 'primary');
  const replicaDir = join(root, 'replica');
  const [primaryPort, replicaPort] = [await freePort(), await freePort()];

  // Small and fast: nothing here has to survive a crash.
  const settings = (port: number) =>
    [
      `port=${port}`,
      'listen_addresses=127.0.0.1',
      `unix_socket_directories=${root}`,
      'wal_level=replica',
      'max_wal_senders=4',
      'max_replication_slots=4',
      'hot_standby=on',
      'shared_buffers=16MB',
      'max_connections=40',
      'fsync=off',
      'full_page_writes=off',
    ].flatMap((s) => ['-c', s]);
  const start = (dataDir: string, port: number) => startServer(dataDir, settings(port), port);
  const stop = (dataDir: string, mode: 'fast' | 'immediate') => stopServer(dataDir, mode);

  try {
    await pgCommand('initdb', [
      '-D',
      primaryDir,
      '-U',
      'postgres',
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale=C',
      '--no-sync',
      '--no-instructions',
    ]);
    writeFileSync(
      join(primaryDir, 'pg_hba.conf'),
      ['local all all trust', 'host all all 127.0.0.1/32 trust', 'host replication all 127.0.0.1/32 trust', ''].join(
        '\n',
      ),
    );
    await start(primaryDir, primaryPort);
    // A slot keeps the WAL a stopped standby still needs, so it catches up when started again.
    await pgCommand('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(primaryPort),
      '-U',
      'postgres',
      '-D',
      replicaDir,
      '-R',
      '-X',
      'stream',
      '-C',
      '-S',
      'oslrs_test_standby',
      '--checkpoint=fast',
      '--no-sync',
    ]);
    await start(replicaDir, replicaPort);
  } catch (err) {
    await cleanup().catch(() => {});
    throw err;
  }

  async function cleanup() {
    for (const dataDir of [replicaDir, primaryDir]) {
      if (servers.has(dataDir)) await stop(dataDir, 'immediate').catch(() => {});
    }
    rmSync(root, { recursive: true, force: true });
  }

  return {
    primaryUrl: `postgres://postgres@127.0.0.1:${primaryPort}/postgres`,
    replicaUrl: `postgres://postgres@127.0.0.1:${replicaPort}/postgres`,
    stopReplica: (mode = 'fast') => stop(replicaDir, mode),
    startReplica: () => start(replicaDir, replicaPort),
    freezeReplica: () => freeze(replicaDir),
    thawReplica: () => {
      const server = servers.get(replicaDir);
      if (server) thaw(server);
    },
    stop: cleanup,
  };
}

function uid(user: string): number {
  return Number(spawnSync('id', ['-u', user], { encoding: 'utf8' }).stdout.trim());
}
function gid(user: string): number {
  return Number(spawnSync('id', ['-g', user], { encoding: 'utf8' }).stdout.trim());
}

export interface Replay {
  /** The primary's WAL position when the wait began; the standby has now replayed at least this. */
  lsn: string;
  /** How far behind the standby was at the first look (bytes of WAL). */
  bytesBehind: number;
  /** From the start of the wait until the standby had replayed `lsn`: the replication lag observed. */
  waitedMs: number;
}

/**
 * Waits until the standby has replayed everything the primary has written so far (polling its replay
 * position, no fixed sleep), and reports how long that took.
 */
export async function waitForReplay(primaryUrl: string, replicaUrl: string, timeoutMs = 20_000): Promise<Replay> {
  const primary = new pg.Client({ connectionString: primaryUrl });
  const replica = new pg.Client({ connectionString: replicaUrl });
  try {
    await Promise.all([primary.connect(), replica.connect()]);
    // Committed transactions are written (synchronous_commit is on), so this covers all of them.
    const { rows } = await primary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
    return await replayed(replica, rows[0]!.lsn, timeoutMs, 2);
  } finally {
    await primary.end().catch(() => {});
    await replica.end().catch(() => {});
  }
}

async function replayed(replica: pg.Client, lsn: string, timeoutMs: number, pollMs: number): Promise<Replay> {
  const began = performance.now();
  let bytesBehind: number | undefined;
  for (;;) {
    const { rows } = await replica.query<{ behind: string | null }>(
      'select pg_wal_lsn_diff($1::pg_lsn, pg_last_wal_replay_lsn())::text as behind',
      [lsn],
    );
    const behind = Number(rows[0]!.behind ?? Infinity);
    bytesBehind ??= Math.max(behind, 0);
    if (behind <= 0) return { lsn, bytesBehind, waitedMs: performance.now() - began };
    if (performance.now() - began > timeoutMs) throw new Error(`the standby did not replay ${lsn} in ${timeoutMs} ms`);
    if (pollMs) await new Promise((done) => setTimeout(done, pollMs));
  }
}

/**
 * Commit-to-replayed time over `samples` small commits on the primary (each polled for on the standby
 * without pause): what "the replica is N ms behind" means on this pair, for reports, never asserted.
 */
export async function measureReplicationLag(
  primaryUrl: string,
  replicaUrl: string,
  samples = 20,
): Promise<{ samples: number; medianMs: number; maxMs: number }> {
  const primary = new pg.Client({ connectionString: primaryUrl });
  const replica = new pg.Client({ connectionString: replicaUrl });
  try {
    await Promise.all([primary.connect(), replica.connect()]);
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const began = performance.now();
      // A transaction with an id writes a commit record: WAL to ship, no table needed.
      await primary.query('select pg_current_xact_id()');
      const { rows } = await primary.query<{ lsn: string }>('select pg_current_wal_lsn()::text as lsn');
      await replayed(replica, rows[0]!.lsn, 20_000, 0);
      times.push(performance.now() - began);
    }
    times.sort((a, b) => a - b);
    return { samples, medianMs: times[Math.floor(samples / 2)]!, maxMs: times[samples - 1]! };
  } finally {
    await primary.end().catch(() => {});
    await replica.end().catch(() => {});
  }
}

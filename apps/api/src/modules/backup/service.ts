import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { s3Client, type S3Target } from '../../infra/s3.js';

/**
 * Backups of the PostgreSQL database: `pg_dump -Fc` (compressed) into a temporary file beside the
 * backups, checked with `pg_restore --list`, and only then renamed into place, so a failed or
 * partial dump (full disk, lost connection) never replaces or removes a good backup.
 */

export const BACKUP_NAME = /^oslrs-\d{8}-\d{6}\.dump$/;
const PARTIAL = /^\.oslrs-\d{8}-\d{6}\.dump\.partial-\d+$/;
/** A temporary file this old belongs to a run that died (killed, machine restarted). */
const STALE_PARTIAL_MS = 6 * 3600_000;

export class BackupError extends Error {}

export type { S3Target };

export interface BackupOptions {
  databaseUrl: string;
  dir: string;
  keep: number;
  s3?: S3Target;
  /** Where to write the node_exporter textfile after a good backup. */
  metricsFile?: string;
  now?: Date;
  log?: (line: string) => void;
}

export interface BackupResult {
  file: string;
  bytes: number;
  tables: number;
  pruned: string[];
  uploaded: string | undefined;
}

/** `oslrs-YYYYMMDD-HHMMSS.dump`, in UTC: names sort in time order. */
export function backupName(at: Date): string {
  const iso = at.toISOString(); // 2026-02-11T02:00:00.000Z
  return `oslrs-${iso.slice(0, 10).replaceAll('-', '')}-${iso.slice(11, 19).replaceAll(':', '')}.dump`;
}

/**
 * libpq connection settings without the password on the command line (where `ps` shows it to
 * every user of the machine): the password travels in PGPASSWORD instead.
 */
export function connection(databaseUrl: string): {
  dbname: string;
  env: NodeJS.ProcessEnv;
  database: string;
  where: string;
} {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    return { dbname: databaseUrl, env: {}, database: '(from connection string)', where: '' };
  }
  const env: NodeJS.ProcessEnv = {};
  if (url.password) env.PGPASSWORD = decodeURIComponent(url.password);
  url.password = '';
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || decodeURIComponent(url.username);
  const where = `${url.hostname || 'localhost'}:${url.port || '5432'}${url.username ? ` as ${decodeURIComponent(url.username)}` : ''}`;
  return { dbname: url.toString(), env, database, where };
}

interface Ran {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Run a PostgreSQL client program; its output is kept (stderr's tail only). */
function run(command: string, args: string[], env: NodeJS.ProcessEnv, keepStdout = false): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      if (keepStdout) stdout += d.toString('utf8');
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr = (stderr + d.toString('utf8')).slice(-8000);
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'ENOENT'
          ? new BackupError(
              `${command} is not installed: install the PostgreSQL client (apt install postgresql-client), ` +
                'the same major version as the server or newer',
            )
          : err,
      );
    });
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr: stderr.trim() }));
  });
}

function failure(what: string, ran: Ran) {
  const how = ran.signal ? `was killed by ${ran.signal}` : `exited with code ${ran.code}`;
  return `${what} ${how}${ran.stderr ? `: ${ran.stderr}` : ''}`;
}

/** `pg_restore --list`: the archive is complete and readable. Returns how many tables have data in it. */
export async function verifyDump(file: string): Promise<number> {
  const ran = await run('pg_restore', ['--list', file], {}, true);
  if (ran.code !== 0) throw new BackupError(failure(`pg_restore --list ${file}`, ran));
  return ran.stdout.split('\n').filter((l) => / TABLE DATA /.test(l)).length;
}

const formatBytes = (n: number) =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${Math.round(n / 1024)} kB` : `${n} bytes`;

export async function runBackup(options: BackupOptions): Promise<BackupResult> {
  const log = options.log ?? (() => {});
  const started = Date.now();
  const { dir, keep } = options;
  try {
    await mkdir(dir, { recursive: true });
  } catch (err) {
    throw new BackupError(`cannot create the backup directory ${dir}: ${(err as Error).message}`);
  }
  await removeStalePartials(dir);

  const name = backupName(options.now ?? new Date());
  const file = join(dir, name);
  if (await exists(file)) throw new BackupError(`${file} already exists; is another backup running?`);
  const partial = join(dir, `.${name}.partial-${process.pid}`);
  const conn = connection(options.databaseUrl);

  log(`Dumping database ${conn.database}${conn.where ? ` on ${conn.where}` : ''} to ${file}`);
  let done = false;
  try {
    const dumped = await run(
      'pg_dump',
      ['--format=custom', '--no-password', `--file=${partial}`, `--dbname=${conn.dbname}`],
      conn.env,
    );
    if (dumped.code !== 0) throw new BackupError(failure('pg_dump', dumped));
    // On disk before it counts: a full disk can surface only here (delayed allocation).
    const fh = await open(partial, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    const tables = await verifyDump(partial).catch((err: Error) => {
      throw new BackupError(`pg_dump finished, but what it wrote is not a complete backup (${err.message})`);
    });
    const { size } = await stat(partial);
    await rename(partial, file);
    done = true;
    await syncDir(dir);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    log(`Backup complete: ${file} (${formatBytes(size)}, ${tables} tables with data, ${seconds} s)`);

    const pruned = await prune(dir, keep);
    if (pruned.length) log(`Removed ${pruned.length} old backup(s), keeping the newest ${keep}: ${pruned.join(', ')}`);

    let uploaded: string | undefined;
    if (options.s3) {
      uploaded = await upload(file, name, options.s3);
      log(`Uploaded to ${uploaded}`);
    }
    if (options.metricsFile) await writeTextfile(options.metricsFile, size, tables, Boolean(uploaded));
    return { file, bytes: size, tables, pruned, uploaded };
  } catch (err) {
    if (done) throw err instanceof BackupError ? err : new BackupError((err as Error).message);
    // Whatever broke, say how much room the backup disk has: a full disk is the usual cause, and
    // pg_dump does not always notice it (it can exit 0 having written an empty file).
    const e = err as NodeJS.ErrnoException;
    const message = e.code === 'ENOSPC' ? `no space left on the device holding ${dir}` : e.message;
    throw new BackupError(`${message}\n${await freeSpace(dir)}`);
  } finally {
    if (!done) await rm(partial, { force: true });
  }
}

/**
 * For node_exporter's textfile collector: when the last complete backup (local, and uploaded when
 * S3 is configured) finished. Written beside and renamed, as the collector may read at any time.
 */
async function writeTextfile(path: string, bytes: number, tables: number, uploaded: boolean) {
  const lines = [
    '# HELP oslrs_backup_last_success_timestamp_seconds When the last complete backup finished.',
    '# TYPE oslrs_backup_last_success_timestamp_seconds gauge',
    `oslrs_backup_last_success_timestamp_seconds ${Math.floor(Date.now() / 1000)}`,
    '# HELP oslrs_backup_size_bytes Size of the last complete backup.',
    '# TYPE oslrs_backup_size_bytes gauge',
    `oslrs_backup_size_bytes ${bytes}`,
    '# HELP oslrs_backup_tables Tables with data in the last complete backup.',
    '# TYPE oslrs_backup_tables gauge',
    `oslrs_backup_tables ${tables}`,
    '# HELP oslrs_backup_uploaded 1 when the last backup was also copied to S3-compatible storage.',
    '# TYPE oslrs_backup_uploaded gauge',
    `oslrs_backup_uploaded ${uploaded ? 1 : 0}`,
  ];
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, `${lines.join('\n')}\n`);
  await rename(tmp, path);
}

async function freeSpace(dir: string) {
  try {
    const fs = await statfs(dir);
    return `The disk holding ${dir} has ${formatBytes(fs.bavail * fs.bsize)} free.`;
  } catch {
    return '';
  }
}

async function exists(path: string) {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function syncDir(dir: string) {
  // Makes the rename durable; not every filesystem allows it, and the rename already happened.
  try {
    const fh = await open(dir, 'r');
    await fh.sync().finally(() => fh.close());
  } catch {
    /* best effort */
  }
}

async function removeStalePartials(dir: string) {
  const now = Date.now();
  for (const entry of await readdir(dir)) {
    if (!PARTIAL.test(entry)) continue;
    const path = join(dir, entry);
    const info = await stat(path).catch(() => undefined);
    if (info && now - info.mtimeMs > STALE_PARTIAL_MS) await rm(path, { force: true });
  }
}

/** Keep the newest `keep` backups (by name, which is by time); returns the names removed. */
export async function prune(dir: string, keep: number): Promise<string[]> {
  const backups = (await readdir(dir)).filter((f) => BACKUP_NAME.test(f)).sort();
  const old = backups.slice(0, Math.max(0, backups.length - keep));
  for (const f of old) await rm(join(dir, f), { force: true });
  return old;
}

/** Stream the file to S3-compatible storage (AWS, DigitalOcean Spaces, MinIO) in parts. */
async function upload(file: string, name: string, target: S3Target): Promise<string> {
  const { Upload } = await import('@aws-sdk/lib-storage');
  const client = await s3Client(target);
  const key = `${target.prefix}${name}`;
  try {
    await new Upload({
      client,
      params: {
        Bucket: target.bucket,
        Key: key,
        Body: createReadStream(file),
        ContentType: 'application/octet-stream',
      },
      queueSize: 2,
      partSize: 16 * 1024 * 1024,
    }).done();
  } catch (err) {
    throw new BackupError(
      `upload to s3://${target.bucket}/${key} failed (${(err as Error).message}); the local backup ${file} is kept`,
    );
  } finally {
    client.destroy();
  }
  return `s3://${target.bucket}/${key}`;
}

export interface RestoreOptions {
  databaseUrl: string;
  file: string;
  log?: (line: string) => void;
}

export const RESTORE_FLAGS = ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--single-transaction'];

/** What a restore will do, in words, before it does it. */
export async function describeRestore(options: RestoreOptions): Promise<string> {
  const info = await stat(options.file).catch(() => undefined);
  if (!info?.isFile()) throw new BackupError(`no such backup file: ${options.file}`);
  const tables = await verifyDump(options.file).catch((err: Error) => {
    throw new BackupError(`${options.file} is not a readable backup: ${err.message}`);
  });
  const conn = connection(options.databaseUrl);
  return [
    `Restore ${options.file} (${formatBytes(info.size)}, ${tables} tables with data, written ${info.mtime.toISOString()})`,
    `into database "${conn.database}"${conn.where ? ` on ${conn.where}` : ''}`,
    `with pg_restore ${RESTORE_FLAGS.join(' ')}:`,
    '  every table, index, trigger and function in the backup is dropped and recreated from it, and the rows',
    '  written since the backup are lost. It runs in one transaction: if anything fails, nothing changes.',
    '  Stop the API and the job worker first (their connections would hold locks the restore waits for).',
  ].join('\n');
}

export async function runRestore(options: RestoreOptions): Promise<void> {
  const log = options.log ?? (() => {});
  const conn = connection(options.databaseUrl);
  const started = Date.now();
  const ran = await run(
    'pg_restore',
    [...RESTORE_FLAGS, '--no-password', `--dbname=${conn.dbname}`, options.file],
    conn.env,
  );
  if (ran.code !== 0) throw new BackupError(`${failure('pg_restore', ran)}\nNothing was changed.`);
  log(`Restore complete in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

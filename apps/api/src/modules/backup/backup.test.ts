/**
 * `npm run backup` and `npm run restore` as an operator runs them (child processes, real pg_dump and
 * pg_restore, real PostgreSQL): a round trip that loses nothing, and a backup that fails on a full
 * disk without touching the last good one.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { createPostgres } from '../../infra/db.js';
import { bootstrap } from '../setup/index.js';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  TEST_DATABASE_URL,
  TEST_OWNER_ROLE,
  createTestDatabase,
} from '../../../test/harness.js';
import { BACKUP_NAME, backupName } from './service.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');

interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** `npm run <script> -- args` with a clean environment: only what an operator would set. */
function npmRun(script: string, args: string[], env: Record<string, string>): Promise<Ran> {
  return new Promise((res, reject) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/root', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => res({ code, stdout, stderr }));
  });
}

const dumps = (dir: string) => readdirSync(dir).filter((f) => BACKUP_NAME.test(f));
const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Row count of every table (the app's and drizzle's migration journal), and the respondents' checksum. */
async function snapshot(url: string) {
  return withClient(url, async (c) => {
    const tables = await c.query<{ s: string; t: string }>(
      `select table_schema s, table_name t from information_schema.tables
        where table_type = 'BASE TABLE' and table_schema not in ('pg_catalog', 'information_schema')
        order by 1, 2`,
    );
    const counts: Record<string, number> = {};
    for (const { s, t } of tables.rows) {
      const r = await c.query<{ n: string }>(`select count(*) n from "${s}"."${t}"`);
      counts[`${s}.${t}`] = Number(r.rows[0]!.n);
    }
    const md5 = await c.query<{ md5: string }>(
      `select md5(string_agg(t::text, ',' order by id)) md5 from respondents t`,
    );
    return { counts, respondentsMd5: md5.rows[0]!.md5 };
  });
}

/** A registry with some of everything: staff, a published form, submissions, respondents, audit rows. */
async function fill(url: string) {
  const database = createPostgres(url, 2);
  await database.migrate((db) => bootstrap(db, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).then(() => {}));
  await database.close();
  await withClient(url, async (c) => {
    const staff: string[] = [];
    for (let i = 0; i < 4; i++) {
      const id = uuidv7();
      staff.push(id);
      await c.query(
        `insert into users (id, email, full_name, role, status, lga_code) values ($1, $2, $3, $4, 'active', 'ibadan_north')`,
        [
          id,
          `staff.${i}.${randomBytes(3).toString('hex')}@test.oslrs`,
          `Staff ’${i}’ Ọlá`,
          i ? 'enumerator' : 'supervisor',
        ],
      );
    }
    const questionnaire = uuidv7();
    const version = uuidv7();
    const form = { title: 'Survey', questions: [] };
    await c.query(
      `insert into questionnaires (id, form_id, title, status, draft, latest_version) values ($1, 'survey', 'Survey', 'published', $2, 1)`,
      [questionnaire, form],
    );
    await c.query(
      `insert into questionnaire_versions (id, questionnaire_id, version, form, hash) values ($1, $2, 1, $3, 'h1')`,
      [version, questionnaire, form],
    );
    for (let i = 0; i < 12; i++) {
      const submission = uuidv7();
      const respondent = uuidv7();
      await c.query(
        `insert into submissions (id, questionnaire_version_id, channel, submitted_by, answers, started_at, completed_at,
           gps_lat, gps_lng, body_hash, status)
         values ($1, $2, 'enumerator', $3, $4, now() - interval '10 minutes', now(), 7.3775, 3.947, $5, 'ingested')`,
        [submission, version, staff[1 + (i % 3)], { surname: `Adé${i}`, skills: ['tailoring', 'welding'] }, `hash${i}`],
      );
      await c.query(
        `insert into respondents (id, nin, status, surname, firstname, dob, phone, lga_code, skills, source, first_submission_id)
         values ($1, $2, 'active', $3, 'Bọ́lá', '1990-01-0${1 + (i % 9)}', $4, 'ibadan_north', $5, 'enumerator', $6)`,
        [
          respondent,
          `${10_000_000_000 + i}`,
          `Adé${i} "quoted", with comma`,
          `0803123${String(i).padStart(4, '0')}`,
          ['tailoring', i % 2 ? 'welding' : null].filter(Boolean),
          submission,
        ],
      );
    }
    for (let i = 0; i < 3; i++) {
      await c.query(
        `insert into audit_log (id, action, target_type, target_id, after) values ($1, $2, 'staff', $3, $4)`,
        [uuidv7(), 'staff.invited', staff[i], { n: i }],
      );
    }
  });
}

async function recreate(name: string) {
  await withClient(TEST_DATABASE_URL, async (c) => {
    await c.query(`drop database if exists ${name} with (force)`);
    await c.query(`create database ${name} owner ${TEST_OWNER_ROLE}`);
  });
}

describe('npm run backup / npm run restore', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'oslrs-backups-'));
    await fill(db.url);
  });
  afterAll(async () => {
    await db?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a restore without an explicit file', async () => {
    const ran = await npmRun('restore', [], { DATABASE_URL: db.url });
    expect(ran.code).not.toBe(0);
    expect(ran.stderr).toMatch(/name exactly one backup file/);
    expect(ran.stderr).toMatch(/Usage: npm run restore -- <backup file>/);
  });

  it('round-trips every row, the respondents byte for byte, and the append-only audit log', async () => {
    const before = await snapshot(db.url);
    expect(before.counts['public.respondents']).toBe(12);
    expect(before.counts['public.audit_log']).toBeGreaterThanOrEqual(3);
    expect(before.counts['drizzle.__drizzle_migrations']).toBeGreaterThan(0);
    // Three older backups: with BACKUP_KEEP=2 the new one and the newest old one remain.
    for (const day of ['20250101', '20250102', '20250103']) writeFileSync(join(dir, `oslrs-${day}-020000.dump`), 'old');

    const textfile = join(dir, 'oslrs_backup.prom.d');
    // As deployed: the app role in DATABASE_URL, the owner (who can dump everything) beside it.
    const roles = { DATABASE_URL: db.appUrl, DATABASE_OWNER_URL: db.ownerUrl };
    const backup = await npmRun('backup', [], {
      ...roles,
      BACKUP_DIR: dir,
      BACKUP_KEEP: '2',
      BACKUP_METRICS_FILE: textfile,
    });
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/Backup complete: .*oslrs-\d{8}-\d{6}\.dump/);
    const files = dumps(dir).sort();
    expect(files).toHaveLength(2);
    expect(files[0]).toBe('oslrs-20250103-020000.dump');
    const file = join(dir, files[1]!);
    expect(readdirSync(dir).filter((f) => f.startsWith('.'))).toEqual([]);
    // node_exporter's textfile: when the last good backup finished.
    const prom = readFileSync(textfile, 'utf8');
    const at = Number(/^oslrs_backup_last_success_timestamp_seconds (\d+)$/m.exec(prom)?.[1]);
    expect(Math.abs(at - Date.now() / 1000)).toBeLessThan(120);
    expect(prom).toMatch(/^oslrs_backup_size_bytes [1-9]\d*$/m);
    expect(prom).toMatch(/^oslrs_backup_uploaded 0$/m);
    rmSync(textfile);
    // Custom format ("PGDMP" header), compressed.
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('PGDMP');

    const name = new URL(db.url).pathname.slice(1);
    await recreate(name);
    expect((await snapshot(db.url).catch((e: Error) => e)) instanceof Error).toBe(true);

    const restore = await npmRun('restore', [file, '--yes'], roles);
    expect(restore.stderr).toBe('');
    expect(restore.code).toBe(0);
    expect(restore.stdout).toContain(`Restore ${file}`);
    expect(restore.stdout).toContain(`into database "${name}"`);
    expect(restore.stdout).toContain('pg_restore --clean --if-exists --no-owner');
    expect(restore.stdout).toMatch(/Restore complete/);
    expect(restore.stdout).toContain('Privileges granted to the app role oslrs_test_app');

    const after = await snapshot(db.url);
    expect(after).toEqual(before);

    await withClient(db.url, async (c) => {
      await expect(c.query(`update audit_log set action = 'rewritten'`)).rejects.toThrow(/append-only/);
      await expect(c.query(`truncate audit_log`)).rejects.toThrow(/append-only/);
    });
    // The restore brought no privileges (--no-privileges); the app role has its own again.
    await withClient(db.appUrl, async (c) => {
      expect((await c.query('select count(*)::int n from respondents')).rows[0].n).toBe(12);
      await c.query(`update users set updated_at = now() where false`);
      await expect(c.query(`update audit_log set action = 'rewritten'`)).rejects.toThrow(/permission denied/);
      await expect(c.query(`alter table audit_log disable trigger all`)).rejects.toThrow(/must be owner/);
    });

    // A second restore over the live data (not an empty database) is just as faithful.
    const again = await npmRun('restore', [file, '--yes'], roles);
    expect(again.code).toBe(0);
    expect(await snapshot(db.url)).toEqual(before);
  });
});

/** A tiny tmpfs as the backup disk, or null where this machine cannot mount one. */
function mountTmpfs(dir: string, size: string): boolean {
  if (process.getuid?.() !== 0) return false;
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).status === 0;
}

/** Fill a filesystem until it refuses, then free `leave` bytes. */
async function fillDisk(dir: string, leave: number) {
  const filler = join(dir, 'filler');
  const fh = await open(filler, 'w');
  const chunk = Buffer.alloc(4096);
  let written = 0;
  try {
    for (;;) {
      await fh.write(chunk);
      written += chunk.length;
    }
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
  }
  await fh.truncate(Math.max(0, written - leave));
  await fh.close();
}

describe('a backup that cannot be written', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let base: string;
  beforeAll(async () => {
    db = await createTestDatabase();
    await fill(db.url);
    base = mkdtempSync(join(tmpdir(), 'oslrs-fulldisk-'));
  });
  afterAll(async () => {
    spawnSync('umount', [join(base, 'disk')]);
    rmSync(base, { recursive: true, force: true });
    await db?.drop();
  });

  it('exits non-zero with a clear message and leaves the last good backup alone', async () => {
    const disk = join(base, 'disk');
    mkdirSync(disk);
    const mounted = mountTmpfs(disk, '2m');
    // The previous good backup.
    const first = await npmRun('backup', [], { DATABASE_URL: db.url, BACKUP_DIR: disk });
    expect(first.code).toBe(0);
    const [good] = dumps(disk);
    expect(good).toBeDefined();
    const goodHash = sha256(join(disk, good!));

    // Make sure the next backup gets a different name (names have one-second resolution).
    await new Promise((r) => setTimeout(r, 1100));
    let failed: Ran;
    if (mounted) {
      // A disk with 8 kB free: pg_dump starts writing and runs out of space part-way.
      await fillDisk(disk, 8192);
      failed = await npmRun('backup', [], { DATABASE_URL: db.url, BACKUP_DIR: disk });
      expect(failed.stderr).toMatch(/No space left on device|no space left|input file is too short/i);
      expect(failed.stderr).toMatch(new RegExp(`The disk holding ${disk} has \\d+ (bytes|kB) free\\.`));
    } else {
      // No tmpfs here: a file-size limit makes pg_dump's write fail the same way, part-way.
      failed = await new Promise<Ran>((res) => {
        const child = spawn('sh', ['-c', 'ulimit -f 16 && exec npm run --silent backup'], {
          cwd: ROOT,
          env: { PATH: process.env.PATH!, HOME: process.env.HOME ?? '/root', DATABASE_URL: db.url, BACKUP_DIR: disk },
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('close', (code) => res({ code, stdout, stderr }));
      });
    }
    expect(failed.code).not.toBe(0);
    expect(failed.stderr).toMatch(/^Backup failed: (pg_dump|pg_restore --list) /m);
    expect(failed.stderr).toContain('The existing backups were left as they were.');

    // The good backup is there, unchanged and readable; nothing partial was left behind.
    expect(dumps(disk)).toEqual([good]);
    expect(sha256(join(disk, good!))).toBe(goodHash);
    expect(spawnSync('pg_restore', ['--list', join(disk, good!)]).status).toBe(0);
    expect(readdirSync(disk).filter((f) => f !== good && f !== 'filler')).toEqual([]);
  });

  it('names backups by UTC time so that they sort in order', () => {
    expect(backupName(new Date('2026-02-11T02:03:04.567Z'))).toBe('oslrs-20260211-020304.dump');
  });
});

describe('upload to S3-compatible storage', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let dir: string;
  let server: Server;
  const received: { method: string; url: string; body: Buffer }[] = [];
  beforeAll(async () => {
    db = await createTestDatabase();
    await fill(db.url);
    dir = mkdtempSync(join(tmpdir(), 'oslrs-s3-'));
    // Just enough of S3 for one PutObject: store what arrives.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ method: req.method!, url: req.url!, body: Buffer.concat(chunks) });
        res.writeHead(200, { etag: '"abc"' });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(async () => {
    server?.close();
    rmSync(dir, { recursive: true, force: true });
    await db?.drop();
  });

  it('streams the verified dump to the bucket under the prefix', async () => {
    const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const ran = await npmRun('backup', [], {
      DATABASE_URL: db.url,
      BACKUP_DIR: dir,
      BACKUP_S3_BUCKET: 'oslrs-backups',
      BACKUP_S3_ENDPOINT: endpoint,
      BACKUP_S3_FORCE_PATH_STYLE: 'true',
      BACKUP_S3_PREFIX: 'nightly/',
      AWS_ACCESS_KEY_ID: 'test-key',
      AWS_SECRET_ACCESS_KEY: 'test-secret',
    });
    // (The AWS SDK may warn on stderr that its later versions need Node 22.)
    expect(ran.stderr).not.toMatch(/failed/i);
    expect(ran.code).toBe(0);
    const [name] = dumps(dir);
    expect(ran.stdout).toContain(`Uploaded to s3://oslrs-backups/nightly/${name}`);
    const put = received.find((r) => r.method === 'PUT');
    expect(put?.url).toMatch(new RegExp(`^/oslrs-backups/nightly/${name!.replace(/\./g, '\\.')}`));
    // The body as sent (possibly aws-chunked with a checksum trailer) carries the dump's bytes.
    expect(put!.body.includes(readFileSync(join(dir, name!)))).toBe(true);
  });
});

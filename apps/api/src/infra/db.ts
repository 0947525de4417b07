import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getTableColumns, sql, type AnyColumn, type SQL, type Table } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as schema from '../db/schema/index.js';

export type Schema = typeof schema;
/** Both drivers (pg pool, PGlite) expose the same query builder; services only see this type. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either the database or an open transaction. */
export type Executor = Db | Tx;

export interface Database {
  db: Db;
  kind: 'postgres' | 'pglite';
  /** Apply migrations and run `bootstrap` under one lock, so parallel starts don't race. */
  /** `folder`: another build's migrations (benchmarks comparing builds); this build's by default. */
  migrate(bootstrap?: (db: Db) => Promise<void>, folder?: string): Promise<void>;
  ping(): Promise<void>;
  pool(): { total: number; idle: number; waiting: number };
  close(): Promise<void>;
}

const MIGRATION_LOCK = 7_130_001;

export function migrationsFolder(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  // src/infra → src/db/migrations; the bundled dist/main.js → dist/migrations
  const candidates = [join(here, '../db/migrations'), join(here, 'migrations')];
  const found = candidates.find((p) => existsSync(join(p, 'meta/_journal.json')));
  if (!found) throw new Error(`migrations not found (looked in ${candidates.join(', ')})`);
  return found;
}

export interface PostgresOptions {
  /**
   * The schema owner's connection (DATABASE_OWNER_URL): `migrate` runs with it, then grants the
   * app's role (`url`) its privileges. Without it, `url`'s role migrates and owns everything.
   */
  ownerUrl?: string;
}

export function createPostgres(url: string, poolMax: number, options: PostgresOptions = {}): Database {
  const pool = new pg.Pool({
    connectionString: url,
    max: poolMax,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: 5_000,
    application_name: 'oslrs',
  });
  // An idle client's error (server restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  // A connection lost mid-query errors on the client too; without a listener that would crash the process.
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    async migrate(bootstrap, folder = migrationsFolder()) {
      const ownerUrl = options.ownerUrl && options.ownerUrl !== url ? options.ownerUrl : undefined;
      const appRole = ownerUrl ? await currentRole(pool) : undefined;
      const owner = ownerUrl ? await connectOwner(ownerUrl) : undefined;
      const client = owner ?? (await pool.connect());
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
        const lockedDb = drizzlePg(client, { schema });
        await migratePg(lockedDb, { migrationsFolder: folder }).catch((err: unknown) => {
          throw explainMigrationError(err);
        });
        if (owner && appRole) await grantAppRole(owner, appRole);
        if (bootstrap) await bootstrap(lockedDb as unknown as Db);
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
        if (owner) await owner.end().catch(() => {});
        else (client as pg.PoolClient).release();
      }
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
}

async function currentRole(queryable: pg.Pool | pg.Client): Promise<string> {
  const { rows } = await queryable.query<{ name: string }>('select current_user as name');
  return rows[0]!.name;
}

async function connectOwner(ownerUrl: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: ownerUrl, application_name: 'oslrs-migrate' });
  client.on('error', () => {});
  await client.connect();
  return client;
}

function explainMigrationError(err: unknown): unknown {
  const e = err as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = e.code ?? e.cause?.code;
  if (code !== '42501') return err;
  return new Error(
    `migrations need the role that owns the schema (${e.cause?.message ?? e.message}): ` +
      'set DATABASE_OWNER_URL to that role and DATABASE_URL to the app role',
    { cause: err },
  );
}

const quoteIdent = (name: string) => `"${name.replaceAll('"', '""')}"`;

/**
 * The app role's privileges, granted by the schema owner after every migration (idempotent): plain
 * DML on every table, but only INSERT and SELECT on audit_log, and no ownership of anything — so it
 * can neither rewrite the audit log nor switch off the triggers that guard it (ALTER TABLE needs
 * ownership). Re-applied on every start rather than in a migration file: the role's name comes from
 * the configuration, and a restore (`pg_restore --no-privileges`) drops grants the app then needs.
 * Default privileges cover tables a later migration creates before this runs again.
 */
export async function grantAppRole(owner: pg.Client, appRole: string): Promise<void> {
  const ownerRole = await currentRole(owner);
  if (ownerRole === appRole) return;
  const { rows } = await owner.query<{ superuser: boolean; member: boolean; owns: string | null }>(
    `select r.rolsuper as superuser,
            pg_has_role($1, $2, 'MEMBER') as member,
            (select string_agg(c.relname, ', ') from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where c.relowner = r.oid and n.nspname in ('public', 'drizzle')) as owns
       from pg_roles r where r.rolname = $1`,
    [appRole, ownerRole],
  );
  const app = rows[0];
  if (!app) throw new Error(`the app role ${appRole} does not exist`);
  const problem = app.superuser
    ? 'is a superuser'
    : app.member
      ? `is a member of the owner role ${ownerRole}`
      : app.owns
        ? `owns ${app.owns} (as a superuser: REASSIGN OWNED BY ${appRole} TO ${ownerRole})`
        : undefined;
  if (problem) {
    throw new Error(`DATABASE_URL's role ${appRole} ${problem}: it could rewrite the audit log. Use a role without.`);
  }
  const role = quoteIdent(appRole);
  await owner.query(`begin`);
  try {
    for (const statement of [
      `grant usage on schema public to ${role}`,
      `grant select, insert, update, delete on all tables in schema public to ${role}`,
      `revoke truncate, references, trigger on all tables in schema public from ${role}`,
      `grant usage, select, update on all sequences in schema public to ${role}`,
      `revoke all on table audit_log from ${role}`,
      `grant select, insert on table audit_log to ${role}`,
      `revoke all on table contact_reveals from ${role}`,
      `grant select, insert on table contact_reveals to ${role}`,
      `alter default privileges in schema public grant select, insert, update, delete on tables to ${role}`,
      `alter default privileges in schema public grant usage, select, update on sequences to ${role}`,
    ]) {
      await owner.query(statement);
    }
    await owner.query('commit');
  } catch (err) {
    await owner.query('rollback').catch(() => {});
    throw err;
  }
}

/** `grantAppRole` on its own connection (after a restore, which does not bring privileges back). */
export async function grantAppRoleAt(ownerUrl: string, appUrl: string): Promise<string | undefined> {
  if (ownerUrl === appUrl) return undefined;
  const app = new pg.Client({ connectionString: appUrl });
  await app.connect();
  const appRole = await currentRole(app).finally(() => app.end());
  const owner = await connectOwner(ownerUrl);
  try {
    if ((await currentRole(owner)) === appRole) return undefined;
    await grantAppRole(owner, appRole);
    return appRole;
  } finally {
    await owner.end();
  }
}

/** The embedded default: PostgreSQL compiled to WASM, data under DATA_DIR. One process only. */
export async function createPglite(dataDir: string | null): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  const { pg_trgm } = await import('@electric-sql/pglite/contrib/pg_trgm');
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const client = await PGlite.create({ ...(dataDir ? { dataDir } : {}), extensions: { pg_trgm } });
  const db = drizzle(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    async migrate(bootstrap, folder = migrationsFolder()) {
      await migrate(drizzle(client, { schema }), { migrationsFolder: folder });
      if (bootstrap) await bootstrap(db);
    },
    async ping() {
      await client.query('select 1');
    },
    pool: () => ({ total: 1, idle: 1, waiting: 0 }),
    close: () => client.close(),
  };
}

/**
 * Newest first, in the order the indexes hold (`desc nulls last`, as drizzle's `.desc()` builds them):
 * PostgreSQL's own default for `desc` is nulls first, which does not match, so it would read every
 * matching row and sort them instead of stopping at the limit (a collector's history read 1,651 rows
 * a submission at registry scale; with the index's order, 50). Use it, not drizzle's `desc()`, wherever
 * an index built with `.desc()` should serve the order.
 */
export function newestFirst(column: AnyColumn): SQL {
  return sql`${column} desc nulls last`;
}

/**
 * Runs a bounded delete (at most `batch` rows a statement) until one deletes fewer: short statements
 * beside live traffic rather than one long one. Returns how many rows went in all.
 */
export async function deleteInBatches(batch: number, deleteSome: (batch: number) => Promise<number>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await deleteSome(batch);
    total += n;
    if (n < batch) return total;
  }
}

/** The rows of a raw `execute(sql…)` (node-postgres and PGlite both answer `{ rows }`). */
export function rowsOf<T>(result: unknown): T[] {
  return (result as { rows: T[] }).rows;
}

/**
 * A table's rows as `returning *` gives them through `execute` (column names, values as the driver
 * reads them), mapped the way Drizzle's own `returning()` maps them: for statements written by hand
 * that still return whole rows (the set-wise inserts of an ingestion batch).
 */
export function tableRows<T extends Table>(table: T, result: unknown): T['$inferSelect'][] {
  const columns = Object.entries(getTableColumns(table));
  return rowsOf<Record<string, unknown>>(result).map((raw) => {
    const row: Record<string, unknown> = {};
    for (const [key, column] of columns) {
      const value = raw[column.name];
      row[key] = value === null || value === undefined ? null : column.mapFromDriverValue(value);
    }
    return row as T['$inferSelect'];
  });
}

/**
 * Walks a table in id order, a batch at a time (`read` returns the rows after an id, at most its
 * batch size), handing each batch to `handle`; returns the sum of what `handle` returns.
 */
export async function inIdBatches<R extends { id: string }>(
  read: (afterId: string) => Promise<R[]>,
  handle: (rows: R[]) => Promise<number>,
): Promise<number> {
  let after = '00000000-0000-0000-0000-000000000000';
  let total = 0;
  for (;;) {
    const rows = await read(after);
    if (!rows.length) return total;
    after = rows[rows.length - 1]!.id;
    total += await handle(rows);
  }
}

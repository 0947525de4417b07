import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
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
  migrate(bootstrap?: (db: Db) => Promise<void>): Promise<void>;
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

export function createPostgres(url: string, poolMax: number): Database {
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
    async migrate(bootstrap) {
      const client = await pool.connect();
      try {
        await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
        const lockedDb = drizzlePg(client, { schema });
        await migratePg(lockedDb, { migrationsFolder: migrationsFolder() });
        if (bootstrap) await bootstrap(lockedDb as unknown as Db);
      } finally {
        await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => {});
        client.release();
      }
    },
    async ping() {
      await db.execute(sql`select 1`);
    },
    pool: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    close: () => pool.end(),
  };
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
    async migrate(bootstrap) {
      await migrate(drizzle(client, { schema }), { migrationsFolder: migrationsFolder() });
      if (bootstrap) await bootstrap(db);
    },
    async ping() {
      await client.query('select 1');
    },
    pool: () => ({ total: 1, idle: 1, waiting: 0 }),
    close: () => client.close(),
  };
}

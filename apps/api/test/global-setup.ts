/**
 * Vitest global setup: one migrated, bootstrapped template database per migration set, which every
 * test file clones (`CREATE DATABASE … TEMPLATE …`) instead of migrating and bootstrapping its own.
 * The template's name carries a hash of the migrations, so a new migration makes a new template.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { migrationsFolder } from '../src/infra/db.js';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  TEST_APP_ROLE,
  TEST_DATABASE_URL,
  TEST_OWNER_ROLE,
  asRole,
  ensureTestRoles,
  withDatabase,
} from './harness.js';

const TEMPLATE_LOCK = 7_130_777;

export function templateName(): string {
  const dir = migrationsFolder();
  const hash = createHash('sha256');
  for (const f of readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort())
    hash.update(f).update(readFileSync(join(dir, f)));
  hash.update(ADMIN_EMAIL).update(ADMIN_PASSWORD).update(TEST_OWNER_ROLE).update(TEST_APP_ROLE);
  return `oslrs_tpl_${hash.digest('hex').slice(0, 12)}`;
}

export default async function setup() {
  const name = templateName();
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  try {
    // Several suites (or machines' CI runs) may start at once: one builds the template, the others wait.
    await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const { rowCount } = await admin.query('select 1 from pg_database where datname = $1', [name]);
    if (!rowCount) {
      await admin.query(`drop database if exists ${name}_building with (force)`);
      await ensureTestRoles(admin);
      await admin.query(`create database ${name}_building owner ${TEST_OWNER_ROLE}`);
      const { createPostgres } = await import('../src/infra/db.js');
      const { bootstrap } = await import('../src/modules/setup/index.js');
      const url = withDatabase(TEST_DATABASE_URL, `${name}_building`);
      // Built as the test files use it: migrated by the owner role, with the app role's grants.
      const database = createPostgres(asRole(url, TEST_APP_ROLE), 2, { ownerUrl: asRole(url, TEST_OWNER_ROLE) });
      await database.migrate((db) => bootstrap(db, { email: ADMIN_EMAIL, password: ADMIN_PASSWORD }).then(() => {}));
      await database.close();
      await admin.query(`alter database ${name}_building rename to ${name}`);
    }
  } finally {
    await admin.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => {});
    await admin.end();
  }
  process.env.OSLRS_TEST_TEMPLATE = name;
}

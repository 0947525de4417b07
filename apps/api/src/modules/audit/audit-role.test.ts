/**
 * The audit log is append-only against the app itself: the app's database role (DATABASE_URL) owns
 * nothing and holds only INSERT and SELECT on audit_log, so it cannot switch the append-only triggers
 * off, nor rewrite, delete or truncate history. The schema owner (DATABASE_OWNER_URL) runs migrations.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import pg from 'pg';
import { uuidv7 } from 'uuidv7';
import { auditLog } from '../../db/schema/index.js';
import { createPostgres } from '../../infra/db.js';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  TEST_APP_ROLE,
  TEST_DATABASE_URL,
  TEST_OWNER_ROLE,
  call,
  createTestDatabase,
  login,
  startTestApp,
  type TestApp,
} from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** The statement fails with PostgreSQL's own permission error (42501), not the trigger's. */
async function refused(c: pg.Client, statement: string, message: RegExp) {
  const err = (await c.query(statement).then(
    () => undefined,
    (e: unknown) => e,
  )) as (Error & { code?: string }) | undefined;
  expect(err, statement).toBeDefined();
  expect(err!.code, statement).toBe('42501');
  expect(err!.message, statement).toMatch(message);
  expect(err!.message, statement).not.toMatch(/append-only/);
}

describe('the app role', () => {
  it('is what the app connects as; the schema belongs to the owner role', async () => {
    const result = (await t.database.db.execute(sql`select current_user as "user"`)) as { rows: { user: string }[] };
    expect(result.rows[0]!.user).toBe(TEST_APP_ROLE);
    await withClient(t.ownerUrl, async (c) => {
      const owners = await c.query<{ relname: string; owner: string }>(
        `select c.relname, pg_get_userbyid(c.relowner) as owner from pg_class c
           join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind in ('r', 'p')`,
      );
      expect(owners.rows.length).toBeGreaterThan(5);
      for (const r of owners.rows) expect(r, r.relname).toMatchObject({ owner: TEST_OWNER_ROLE });
    });
  });

  it('cannot disable the triggers, rewrite, delete or truncate the audit log; can insert and read it', async () => {
    await withClient(t.databaseUrl, async (c) => {
      const count = async () => (await c.query<{ n: number }>('select count(*)::int as n from audit_log')).rows[0]!.n;
      const before = await count();
      expect(before).toBeGreaterThan(0);

      // The attack from the report: switch the guard off, then rewrite.
      await refused(c, 'alter table audit_log disable trigger all', /must be owner of table audit_log/);
      await refused(
        c,
        'alter table audit_log disable trigger audit_log_no_update_delete',
        /must be owner of table audit_log/,
      );
      await refused(c, "update audit_log set action = 'rewritten'", /permission denied for table audit_log/);
      await refused(c, 'delete from audit_log', /permission denied for table audit_log/);
      await refused(c, 'truncate audit_log', /permission denied for table audit_log/);
      // Nor by the side doors: a replacement table, the trigger function, the owner's identity.
      await refused(c, 'drop table audit_log', /must be owner of table audit_log/);
      await refused(c, 'alter table audit_log rename to audit_log_old', /must be owner of table audit_log/);
      await refused(
        c,
        `create or replace function audit_log_refuse_change() returns trigger language plpgsql as $$ begin return new; end $$`,
        /permission denied for schema public|must be owner of function audit_log_refuse_change/,
      );
      await refused(c, `set role ${TEST_OWNER_ROLE}`, /permission denied to set role/);
      await refused(c, 'select * from audit_log for update', /permission denied for table audit_log/);

      const id = uuidv7();
      await c.query(`insert into audit_log (id, action, target_type) values ($1, 'test.app_role_insert', 'test')`, [
        id,
      ]);
      expect((await c.query('select action from audit_log where id = $1', [id])).rows).toEqual([
        { action: 'test.app_role_insert' },
      ]);
      expect(await count()).toBe(before + 1);
      expect((await c.query("select 1 from audit_log where action = 'rewritten'")).rowCount).toBe(0);
    });
  });

  it('owns no other table either: no triggers switched off, no DDL anywhere', async () => {
    await withClient(t.databaseUrl, async (c) => {
      await refused(c, 'alter table submissions disable trigger all', /must be owner of table submissions/);
      await refused(c, 'alter table users add column x int', /must be owner of table users/);
      await refused(c, 'create table public.scratch (id int)', /permission denied for schema public/);
      await refused(c, 'truncate users', /permission denied for table users/);
      await refused(c, 'delete from drizzle.__drizzle_migrations', /permission denied for schema drizzle/);
    });
  });

  it('the owner is still held by the append-only trigger (defence in depth)', async () => {
    await withClient(t.ownerUrl, async (c) => {
      await expect(c.query("update audit_log set action = 'rewritten'")).rejects.toThrow(/append-only/);
      await expect(c.query('delete from audit_log')).rejects.toThrow(/append-only/);
      await expect(c.query('truncate audit_log')).rejects.toThrow(/append-only/);
    });
  });
});

describe('the app, end to end, as the app role', () => {
  it('signs in, makes an audited change, and reads it back', async () => {
    const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const res = await call(t.app, admin, {
      method: 'POST',
      url: '/api/v1/staff',
      payload: {
        fullName: 'Role Check',
        email: 'role.check@test.oslrs',
        phone: '08031230000',
        role: 'enumerator',
        lga: 'iseyin',
      },
    });
    expect(res.statusCode).toBe(201);
    const { staff, activationUrl } = res.json();
    const rows = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'staff.invited'), eq(auditLog.targetId, staff.id)));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.actorId).toBe(admin.user.id);

    // Activation (users, sessions, audit) and a sign-in as the new person.
    const token = new URL(activationUrl).searchParams.get('token')!;
    const activated = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/activate',
      payload: { token, password: 'a role-checked password' },
    });
    expect(activated.statusCode).toBe(200);
    const s = await login(t.app, 'role.check@test.oslrs', 'a role-checked password');
    expect(s.user.role).toBe('enumerator');
    expect((await call(t.app, s, { method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);
  });
});

describe('a misconfigured app role', () => {
  const MEMBER_ROLE = 'oslrs_test_app_member';
  it('is refused at start when it could act as the owner', async () => {
    const db = await createTestDatabase();
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    try {
      await admin.query(
        `do $$ begin
           create role ${MEMBER_ROLE} login password 'oslrs-test-role' in role ${TEST_OWNER_ROLE};
         exception when duplicate_object or unique_violation then null;
         end $$`,
      );
      const url = new URL(db.appUrl);
      url.username = MEMBER_ROLE;
      const database = createPostgres(url.toString(), 1, { ownerUrl: db.ownerUrl });
      try {
        await expect(database.migrate()).rejects.toThrow(/member of the owner role .*could rewrite the audit log/);
      } finally {
        await database.close();
      }
    } finally {
      await admin.end();
      await db.drop();
    }
  });
});

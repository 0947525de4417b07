import { beforeAll, describe, expect, it } from 'vitest';
import { and, asc, count, eq } from 'drizzle-orm';
import pg from 'pg';
import { STAFF_ROLES } from '@oslrs/core';
import { auditLog, mailOutbox, sessions, users } from '../../db/schema/index.js';
import { hashToken } from '../auth/tokens.js';
import { createUser, login, waitFor, type Session } from '../../../test/harness.js';
import { useTestApp } from '../../../test/use-test-app.js';

const app = useTestApp();

let n = 0;
const uniqueEmail = (what: string) => `${what}.${++n}.${Date.now().toString(36)}@staff.test`;

const invite = async (payload: unknown, session: Session | null = app.admin, headers: Record<string, string> = {}) =>
  app.call(session, { method: 'POST', url: '/api/v1/staff', payload: payload as object, headers });

const patch = async (id: string, payload: unknown, session: Session | null = app.admin) =>
  app.call(session, { method: 'PATCH', url: `/api/v1/staff/${id}`, payload: payload as object });

const tokenOf = (activationUrl: string) => new URL(activationUrl).searchParams.get('token')!;

/** Row counts of every table a staff write touches. */
async function counts() {
  const db = app.t.database.db;
  const [[u], [a], [m], [s]] = await Promise.all([
    db.select({ n: count() }).from(users),
    db.select({ n: count() }).from(auditLog),
    db.select({ n: count() }).from(mailOutbox),
    db.select({ n: count() }).from(sessions),
  ]);
  return { users: u!.n, audit: a!.n, mail: m!.n, sessions: s!.n };
}

async function auditFor(targetId: string, action?: string) {
  return app.t.database.db
    .select()
    .from(auditLog)
    .where(action ? and(eq(auditLog.targetId, targetId), eq(auditLog.action, action)) : eq(auditLog.targetId, targetId))
    .orderBy(asc(auditLog.at), asc(auditLog.id));
}

async function userRow(id: string) {
  const [row] = await app.t.database.db.select().from(users).where(eq(users.id, id));
  return row!;
}

describe('invite', () => {
  it('creates the invited user, its audit row (no phone) and its email, and returns the activation link', async () => {
    const email = uniqueEmail('bola');
    const res = await invite(
      {
        fullName: '  Bola Adeyemi ',
        email: email.toUpperCase(),
        phone: '0803 123 4567',
        role: 'enumerator',
        lga: 'oyo_east',
      },
      app.admin,
      { 'x-request-id': 'req-invite-00001' },
    );
    expect(res.statusCode).toBe(201);
    const { staff, activationUrl } = res.json();
    expect(staff).toMatchObject({
      fullName: 'Bola Adeyemi',
      email,
      phone: '+2348031234567',
      role: 'enumerator',
      lga: 'oyo_east',
      lgaName: 'Oyo East',
      status: 'invited',
      activatedAt: null,
      lastLoginAt: null,
    });
    expect(activationUrl).toMatch(/^http:\/\/registry\.test\/activate\?token=[\w-]{40,}$/);

    const row = await userRow(staff.id);
    expect(row).toMatchObject({
      email,
      role: 'enumerator',
      status: 'invited',
      lgaCode: 'oyo_east',
      createdBy: app.admin.user.id,
      passwordHash: null,
    });
    // Only the hash of the activation token is stored.
    expect(row.activationTokenHash).toBe(hashToken(tokenOf(activationUrl)));
    expect(row.activationExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 6 * 86_400_000);

    const audits = await auditFor(staff.id);
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      action: 'staff.invited',
      actorId: app.admin.user.id,
      actorRole: 'super_admin',
      targetType: 'user',
      ip: '127.0.0.1',
      requestId: 'req-invite-00001',
      before: null,
    });
    expect(res.headers['x-request-id']).toBe('req-invite-00001');
    expect(audits[0]!.after).toEqual({
      email,
      fullName: 'Bola Adeyemi',
      role: 'enumerator',
      lga: 'oyo_east',
      status: 'invited',
    });
    const auditText = JSON.stringify(audits[0]);
    expect(auditText).not.toContain('8031234567');
    expect(auditText).not.toContain('phone');

    const mail = await app.t.database.db.select().from(mailOutbox).where(eq(mailOutbox.to, email));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.body).toContain(activationUrl);
    expect(mail[0]!.body).toContain('Enumerator');
  });

  it('accepts an LGA by its name and a back-office role without an LGA', async () => {
    const byName = await invite({
      fullName: 'Kemi Lawal',
      email: uniqueEmail('kemi'),
      phone: '+234 803 000 1111',
      role: 'supervisor',
      lga: 'Ibadan North',
    });
    expect(byName.statusCode).toBe(201);
    expect(byName.json().staff).toMatchObject({ lga: 'ibadan_north', role: 'supervisor', phone: '+2348030001111' });
    const clerk = await invite({
      fullName: 'Tunde Bello',
      email: uniqueEmail('tunde'),
      phone: '2348030002222',
      role: 'data_entry_clerk',
    });
    expect(clerk.statusCode).toBe(201);
    expect(clerk.json().staff).toMatchObject({ lga: null, lgaName: null, role: 'data_entry_clerk' });
  });

  it('refuses a duplicate email in any letter case with 409 and writes nothing', async () => {
    const email = uniqueEmail('dup');
    expect(
      (await invite({ fullName: 'First Dup', email, phone: '08031230001', role: 'data_entry_clerk' })).statusCode,
    ).toBe(201);
    const before = await counts();
    const res = await invite({
      fullName: 'Second Dup',
      email: email.replace(/^d/, 'D').toUpperCase(),
      phone: '08031230002',
      role: 'government_official',
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'EMAIL_EXISTS', details: { field: 'email' } });
    expect(await counts()).toEqual(before);
    const rows = await app.t.database.db.select().from(users).where(eq(users.email, email));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.fullName).toBe('First Dup');
    expect(await auditFor(rows[0]!.id, 'staff.invited')).toHaveLength(1);
  });

  it('lets exactly one of two simultaneous invitations for the same email through', async () => {
    const email = uniqueEmail('race');
    const before = await counts();
    const results = await Promise.all([
      invite({ fullName: 'Race One', email, phone: '08031230003', role: 'data_entry_clerk' }),
      invite({ fullName: 'Race Two', email: email.toUpperCase(), phone: '08031230004', role: 'data_entry_clerk' }),
    ]);
    expect(results.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    expect(results.find((r) => r.statusCode === 409)!.json().error.code).toBe('EMAIL_EXISTS');
    expect(await counts()).toEqual({
      ...before,
      users: before.users + 1,
      audit: before.audit + 1,
      mail: before.mail + 1,
    });
  });

  it('refuses rule-breaking and malformed invitations with the right status and code, writing nothing', async () => {
    const base = { fullName: 'Refused Person', phone: '08031234567' };
    const cases: { body: Record<string, unknown>; status: number; code: string; field?: string }[] = [
      { body: { role: 'enumerator' }, status: 422, code: 'LGA_REQUIRED', field: 'lga' },
      { body: { role: 'supervisor', lga: null }, status: 422, code: 'LGA_REQUIRED', field: 'lga' },
      { body: { role: 'supervisor', lga: '   ' }, status: 400, code: 'VALIDATION_FAILED' },
      { body: { role: 'enumerator', lga: 'atlantis' }, status: 422, code: 'LGA_UNKNOWN', field: 'lga' },
      {
        body: { role: 'data_entry_clerk', lga: 'ibadan_north; drop table users' },
        status: 422,
        code: 'LGA_UNKNOWN',
        field: 'lga',
      },
      { body: { role: 'data_entry_clerk', phone: '12345678' }, status: 422, code: 'PHONE_INVALID', field: 'phone' },
      {
        body: { role: 'data_entry_clerk', phone: '+1 555 123 4567' },
        status: 422,
        code: 'PHONE_INVALID',
        field: 'phone',
      },
      {
        body: { role: 'data_entry_clerk', phone: '0003 123 4567' },
        status: 422,
        code: 'PHONE_INVALID',
        field: 'phone',
      },
      { body: { role: 'public_user' }, status: 400, code: 'VALIDATION_FAILED' },
      { body: { role: 'searcher' }, status: 400, code: 'VALIDATION_FAILED' },
      { body: { role: ['enumerator', 'supervisor'], lga: 'iseyin' }, status: 400, code: 'VALIDATION_FAILED' },
      { body: { role: ['data_entry_clerk'] }, status: 400, code: 'VALIDATION_FAILED' },
      { body: { role: 'enumerator,supervisor', lga: 'iseyin' }, status: 400, code: 'VALIDATION_FAILED' },
      { body: { role: 'Enumerator', lga: 'iseyin' }, status: 400, code: 'VALIDATION_FAILED' },
      { body: { role: 'data_entry_clerk', email: 'not-an-email' }, status: 400, code: 'VALIDATION_FAILED' },
      { body: { role: 'data_entry_clerk', fullName: 'X' }, status: 400, code: 'VALIDATION_FAILED' },
      { body: { role: 'data_entry_clerk', phone: undefined }, status: 400, code: 'VALIDATION_FAILED' },
    ];
    const before = await counts();
    for (const c of cases) {
      const res = await invite({ ...base, email: uniqueEmail('refused'), ...c.body });
      expect({ body: c.body, status: res.statusCode, code: res.json().error?.code }).toEqual({
        body: c.body,
        status: c.status,
        code: c.code,
      });
      if (c.field) expect(res.json().error.details).toEqual({ field: c.field });
    }
    expect(await counts()).toEqual(before);
    const refused = await app.t.database.db
      .select({ n: count() })
      .from(users)
      .where(eq(users.fullName, 'Refused Person'));
    expect(refused[0]!.n).toBe(0);
  });

  it('is for super admins only', async () => {
    const s = await app.as('supervisor');
    const before = await counts();
    const body = {
      fullName: 'Not Allowed',
      email: uniqueEmail('na'),
      phone: '08031234567',
      role: 'enumerator',
      lga: 'iseyin',
    };
    const res = await invite(body, s);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
    expect((await invite(body, null)).statusCode).toBe(401);
    expect(await counts()).toEqual(before);
  });
});

describe('list', () => {
  const tag = `lst${Date.now().toString(36)}`;
  const made: Record<string, string> = {};

  beforeAll(async () => {
    const inv = async (key: string, body: Record<string, unknown>) => {
      const res = await invite({ phone: '08031234567', email: `${key}.${tag}@list.test`, ...body });
      expect(res.statusCode).toBe(201);
      made[key] = res.json().staff.id;
    };
    await inv('enum_oyo', { fullName: `Amaka ${tag} Eze`, role: 'enumerator', lga: 'oyo_east' });
    await inv('sup_oyo', { fullName: `Chidi ${tag} Obi`, role: 'supervisor', lga: 'oyo_east' });
    await inv('enum_iseyin', { fullName: `Dayo ${tag} Ajayi`, role: 'enumerator', lga: 'iseyin' });
    await inv('clerk', { fullName: `Efe ${tag} Musa`, role: 'data_entry_clerk' });
    made.suspended = (
      await createUser(app.t, 'government_official', { fullName: `Funmi ${tag} Sule`, status: 'suspended' })
    ).id;
    made.percent = (await createUser(app.t, 'verification_assessor', { fullName: `Gbenga 100% ${tag}` })).id;
    made.underscore = (
      await createUser(app.t, 'data_entry_clerk', { fullName: `Hauwa_${tag}`, email: `hauwa.${tag}@list.test` })
    ).id;
    made.backslash = (await createUser(app.t, 'data_entry_clerk', { fullName: `Ife \\ ${tag}` })).id;
    made.quote = (await createUser(app.t, 'data_entry_clerk', { fullName: `Jide O'Neil ${tag}` })).id;
    made.publicUser = (
      await createUser(app.t, 'public_user', { fullName: `Public ${tag} Person`, email: `public.${tag}@list.test` })
    ).id;
    made.searcher = (
      await createUser(app.t, 'searcher', { fullName: `Searcher ${tag} Person`, email: `searcher.${tag}@list.test` })
    ).id;
  });

  const list = (query: Record<string, string | string[]>, session: Session | null = app.admin) => {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) for (const one of [v].flat()) qs.append(k, one);
    return app.call(session, { method: 'GET', url: `/api/v1/staff?${qs}` });
  };

  /** What the list should answer, worked out in JS from every row in the table. */
  async function expected(f: { status?: string; role?: string; lga?: string; q?: string } = {}) {
    const all = await app.t.database.db.select().from(users);
    const q = f.q?.trim().toLowerCase();
    return all
      .filter((u) => (STAFF_ROLES as readonly string[]).includes(u.role))
      .filter((u) => !f.status || u.status === f.status)
      .filter((u) => !f.role || u.role === f.role)
      .filter((u) => !f.lga || u.lgaCode === f.lga)
      .filter((u) => !q || u.fullName.toLowerCase().includes(q) || u.email.toLowerCase().includes(q))
      .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1))
      .map((u) => u.id);
  }

  it('lists staff newest first with page/pageSize and a total', async () => {
    const all = await expected();
    expect(all.length).toBeGreaterThan(12);
    // The newest invitation heads the list.
    const first = await list({});
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ page: 1, pageSize: 25, total: all.length, totalExact: true });
    expect(first.json().items.map((s: { id: string }) => s.id)).toEqual(all.slice(0, 25));
    const pages: string[] = [];
    for (let page = 1; page <= Math.ceil(all.length / 5); page++) {
      const res = await list({ page: String(page), pageSize: '5' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ page, pageSize: 5, total: all.length });
      pages.push(...res.json().items.map((s: { id: string }) => s.id));
    }
    expect(pages).toEqual(all);
    const beyond = await list({ page: '999', pageSize: '5' });
    expect(beyond.json()).toMatchObject({ items: [], total: all.length });
    // Within one tag, invitation order is visible: the last invited comes first.
    const mine = await list({ q: tag, role: 'enumerator' });
    expect(mine.json().items.map((s: { id: string }) => s.id)).toEqual([made.enum_iseyin, made.enum_oyo]);
    const item = first.json().items.find((s: { id: string }) => s.id === made.clerk);
    expect(item).toMatchObject({
      email: `clerk.${tag}@list.test`,
      role: 'data_entry_clerk',
      status: 'invited',
      lga: null,
    });
  });

  it('refuses a page size above 100 and other bad paging', async () => {
    const bad: Record<string, string>[] = [
      { pageSize: '101' },
      { pageSize: '0' },
      { page: '0' },
      { page: '-1' },
      { page: '1.5' },
      { pageSize: 'ten' },
    ];
    for (const q of bad) {
      const res = await list(q);
      expect({ q, status: res.statusCode }).toEqual({ q, status: 400 });
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    expect((await list({ pageSize: '100' })).statusCode).toBe(200);
  });

  it('filters by status, role, LGA and name or email, alone and together, with exact totals', async () => {
    const filters: Record<string, string>[] = [
      { status: 'suspended' },
      { status: 'invited' },
      { status: 'active' },
      { role: 'supervisor' },
      { role: 'enumerator' },
      { lga: 'oyo_east' },
      { lga: 'iseyin', role: 'enumerator' },
      { lga: 'oyo_east', role: 'supervisor', status: 'invited' },
      { q: tag.toUpperCase() },
      { q: `  amaka ${tag}  ` },
      { q: `list.test` },
      { q: `CLERK.${tag}@LIST` },
      { q: tag, status: 'invited', lga: 'oyo_east' },
    ];
    for (const f of filters) {
      const want = await expected(f);
      const res = await list({ ...f, pageSize: '100' });
      expect(res.statusCode).toBe(200);
      expect({ f, ids: res.json().items.map((s: { id: string }) => s.id), total: res.json().total }).toEqual({
        f,
        ids: want,
        total: want.length,
      });
    }
    // Spot checks that the expectations above are not vacuous.
    expect((await expected({ q: tag })).length).toBe(9);
    expect(await expected({ lga: 'oyo_east', q: tag })).toEqual([made.sup_oyo, made.enum_oyo]);
    expect(await expected({ status: 'suspended', q: tag })).toEqual([made.suspended]);
    expect((await list({ q: `CLERK.${tag}@LIST` })).json().items.map((s: { id: string }) => s.id)).toEqual([
      made.clerk,
    ]);
  });

  it('never lists public users or marketplace searchers', async () => {
    const res = await list({ q: tag, pageSize: '100' });
    const ids = res.json().items.map((s: { id: string }) => s.id);
    expect(ids).toHaveLength(9);
    expect(ids).not.toContain(made.publicUser);
    expect(ids).not.toContain(made.searcher);
    expect((await list({ q: `public.${tag}` })).json()).toMatchObject({ items: [], total: 0 });
    expect((await list({ q: `Searcher ${tag}` })).json()).toMatchObject({ items: [], total: 0 });
    const everyone = await list({ pageSize: '100' });
    const roles = new Set(everyone.json().items.map((s: { role: string }) => s.role));
    expect(roles.has('public_user') || roles.has('searcher')).toBe(false);
    for (const role of ['public_user', 'searcher']) {
      const r = await list({ role });
      expect(r.statusCode).toBe(400);
      expect(r.json().error.code).toBe('VALIDATION_FAILED');
    }
  });

  it('refuses an unknown LGA code with 400', async () => {
    for (const lga of ['not_an_lga', 'Ibadan North', 'IBADAN_NORTH']) {
      const res = await list({ lga });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: { issues: [{ path: 'lga' }] } });
    }
  });

  it('treats SQL-looking and wildcard input in every filter as data: a 400 or a correct answer, never a 500, and no row changes', async () => {
    const snapshot = async () =>
      await app.t.database.db
        .select({ id: users.id, role: users.role, status: users.status })
        .from(users)
        .orderBy(asc(users.id));
    const before = await snapshot();
    const q = (v: string) => ({ q: v });
    const probes: Record<string, string | string[]>[] = [
      q("'; drop table users; --"),
      q("' or '1'='1"),
      q("%' or 1=1 --"),
      q('%'),
      q('_'),
      q('\\'),
      q("O'Neil"),
      q('100%'),
      q(`hauwa_${tag}`),
      q('x'.repeat(101)),
      { q: ['a', 'b'] },
      { lga: "x' or '1'='1" },
      { lga: "oyo_east' --" },
      { lga: 'oyo_east;drop table users' },
      { lga: '%' },
      { role: "enumerator' or '1'='1" },
      { role: 'enumerator;--' },
      { role: '%' },
      { role: ['enumerator', 'supervisor'] },
      { status: "active' --" },
      { status: "invited' or 'a'='a" },
      { status: '_' },
      { page: '1;select' },
      { page: '1 or 1=1' },
      { page: '1e3' }, // a number after all: page 1000, empty
      { page: "1'" },
      { pageSize: '10;drop table users' },
      { pageSize: '1e3' },
      { pageSize: '' },
      { pageSize: '0x10' }, // Number('0x10') is 16: a harmless page size
      { pageSize: '-5' },
    ];
    const answered: Record<string, number> = {};
    for (const probe of probes) {
      const res = await list(probe);
      const label = JSON.stringify(probe);
      expect(res.statusCode, label).not.toBe(500);
      if (res.statusCode === 400) {
        expect(res.json().error.code, label).toBe('VALIDATION_FAILED');
        continue;
      }
      expect(res.statusCode, label).toBe(200);
      const body = res.json();
      const pageSize = body.pageSize as number;
      const page = body.page as number;
      const want = await expected(typeof probe.q === 'string' ? { q: probe.q } : {});
      expect({ label, ids: body.items.map((s: { id: string }) => s.id), total: body.total }).toEqual({
        label,
        ids: want.slice((page - 1) * pageSize, page * pageSize),
        total: want.length,
      });
      answered[label] = body.total;
    }
    // The wildcards matched only literal characters, not everything.
    const total = (await expected()).length;
    expect(answered[JSON.stringify(q('%'))]).toBe(1); // "Gbenga 100% …"
    expect(answered[JSON.stringify(q('100%'))]).toBe(1);
    expect(answered[JSON.stringify(q("O'Neil"))]).toBe(1);
    expect(answered[JSON.stringify(q('\\'))]).toBe(1);
    expect(answered[JSON.stringify(q(`hauwa_${tag}`))]).toBe(1);
    expect(answered[JSON.stringify(q('_'))]).toBeGreaterThan(0);
    expect(answered[JSON.stringify(q('_'))]).toBeLessThan(total);
    expect(answered[JSON.stringify(q("'; drop table users; --"))]).toBe(0);
    expect(answered[JSON.stringify(q("' or '1'='1"))]).toBe(0);
    // Every injected role, status, LGA and non-numeric page was refused.
    const accepted = Object.keys(answered).filter((label) => !label.startsWith('{"q":'));
    expect(accepted.sort()).toEqual([JSON.stringify({ page: '1e3' }), JSON.stringify({ pageSize: '0x10' })].sort());

    expect(await snapshot()).toEqual(before);
  });

  it('is for super admins only', async () => {
    const s = await app.as('government_official');
    expect((await list({}, s)).statusCode).toBe(403);
    expect((await list({}, null)).statusCode).toBe(401);
  });
});

describe('view one', () => {
  it('returns one staff member, 404 JSON for an unknown id or a non-staff account, 400 for a malformed id', async () => {
    const u = await createUser(app.t, 'enumerator', { phone: '+2348035550000' });
    const ok = await app.call(app.admin, { method: 'GET', url: `/api/v1/staff/${u.id}` });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().staff).toMatchObject({
      id: u.id,
      email: u.email,
      role: 'enumerator',
      lga: 'ibadan_north',
      lgaName: 'Ibadan North',
      status: 'active',
      phone: '+2348035550000',
    });

    const missing = await app.call(app.admin, {
      method: 'GET',
      url: '/api/v1/staff/0190a5d2-8f43-7b6c-9d1e-2f3a4b5c6d7e',
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toMatch(/application\/json/);
    expect(missing.json().error.code).toBe('NOT_FOUND');

    const pub = await createUser(app.t, 'public_user');
    const notStaff = await app.call(app.admin, { method: 'GET', url: `/api/v1/staff/${pub.id}` });
    expect(notStaff.statusCode).toBe(404);
    expect(notStaff.json().error.code).toBe('NOT_FOUND');

    for (const id of ['not-a-uuid', "1' or '1'='1", '123']) {
      const bad = await app.call(app.admin, { method: 'GET', url: `/api/v1/staff/${encodeURIComponent(id)}` });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('VALIDATION_FAILED');
    }
  });
});

describe('update', () => {
  it('changes the LGA and records before and after in the audit log', async () => {
    const u = await createUser(app.t, 'enumerator');
    const res = await patch(u.id, { lga: 'Saki West' });
    expect(res.statusCode).toBe(200);
    expect(res.json().staff).toMatchObject({
      id: u.id,
      lga: 'saki_west',
      lgaName: 'Saki West',
      role: 'enumerator',
      status: 'active',
    });
    expect((await userRow(u.id)).lgaCode).toBe('saki_west');
    const [audit, ...more] = await auditFor(u.id, 'staff.updated');
    expect(more).toHaveLength(0);
    expect(audit).toMatchObject({
      actorId: app.admin.user.id,
      actorRole: 'super_admin',
      targetType: 'user',
      ip: '127.0.0.1',
      requestId: res.headers['x-request-id'],
      before: { role: 'enumerator', lga: 'ibadan_north', status: 'active' },
      after: { role: 'enumerator', lga: 'saki_west', status: 'active' },
    });

    // A change to nothing writes nothing.
    const same = await patch(u.id, { lga: 'saki_west' });
    expect(same.statusCode).toBe(200);
    expect(await auditFor(u.id, 'staff.updated')).toHaveLength(1);
  });

  it('changes an enumerator into a data entry clerk', async () => {
    const u = await createUser(app.t, 'enumerator');
    const res = await patch(u.id, { role: 'data_entry_clerk', lga: null });
    expect(res.statusCode).toBe(200);
    expect(res.json().staff).toMatchObject({ role: 'data_entry_clerk', lga: null });
    expect(await userRow(u.id)).toMatchObject({ role: 'data_entry_clerk', lgaCode: null });
    const [audit] = await auditFor(u.id, 'staff.updated');
    expect(audit).toMatchObject({
      before: { role: 'enumerator', lga: 'ibadan_north', status: 'active' },
      after: { role: 'data_entry_clerk', lga: null, status: 'active' },
    });
  });

  it('needs an LGA to make a clerk a field worker, and refuses bad updates without writing', async () => {
    const u = await createUser(app.t, 'data_entry_clerk');
    const before = await counts();
    const cases: { body: unknown; status: number; code: string }[] = [
      { body: { role: 'enumerator' }, status: 422, code: 'LGA_REQUIRED' },
      { body: { role: 'supervisor', lga: null }, status: 422, code: 'LGA_REQUIRED' },
      { body: { role: 'enumerator', lga: 'atlantis' }, status: 422, code: 'LGA_UNKNOWN' },
      { body: { role: 'public_user' }, status: 400, code: 'VALIDATION_FAILED' },
      { body: { role: ['enumerator'], lga: 'iseyin' }, status: 400, code: 'VALIDATION_FAILED' },
      { body: { status: 'invited' }, status: 400, code: 'VALIDATION_FAILED' },
      { body: {}, status: 400, code: 'VALIDATION_FAILED' },
    ];
    for (const c of cases) {
      const res = await patch(u.id, c.body);
      expect({ body: c.body, status: res.statusCode, code: res.json().error?.code }).toEqual({
        body: c.body,
        status: c.status,
        code: c.code,
      });
    }
    expect(await counts()).toEqual(before);
    expect(await userRow(u.id)).toMatchObject({ role: 'data_entry_clerk', lgaCode: null, status: 'active' });

    const ok = await patch(u.id, { role: 'enumerator', lga: 'iseyin' });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().staff).toMatchObject({ role: 'enumerator', lga: 'iseyin' });

    // A field worker cannot lose their LGA.
    const drop = await patch(u.id, { lga: null });
    expect(drop.statusCode).toBe(422);
    expect(drop.json().error.code).toBe('LGA_REQUIRED');
  });

  it('answers 404 for an unknown or non-staff id and 400 for a malformed one', async () => {
    const missing = await patch('0190a5d2-8f43-7b6c-9d1e-2f3a4b5c6d7e', { status: 'suspended' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    const pub = await createUser(app.t, 'searcher');
    expect((await patch(pub.id, { status: 'suspended' })).statusCode).toBe(404);
    expect((await userRow(pub.id)).status).toBe('active');
    const bad = await patch('nope', { status: 'suspended' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('does not let the admin change their own role or status', async () => {
    const before = await counts();
    const role = await patch(app.admin.user.id, { role: 'supervisor', lga: 'iseyin' });
    expect(role.statusCode).toBe(403);
    expect(role.json().error.code).toBe('SELF_ROLE_CHANGE');
    const status = await patch(app.admin.user.id, { status: 'suspended' });
    expect(status.statusCode).toBe(403);
    expect(status.json().error.code).toBe('SELF_STATUS_CHANGE');
    expect(await counts()).toEqual(before);
    expect(await userRow(app.admin.user.id)).toMatchObject({ role: 'super_admin', status: 'active' });
    expect((await app.call(app.admin, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);
  });

  it('refuses PATCH from anyone but a super admin', async () => {
    const target = await createUser(app.t, 'enumerator');
    const sup = await createUser(app.t, 'supervisor');
    const s = await login(app.t.app, sup.email, sup.password);
    const before = await counts();
    const res = await patch(target.id, { status: 'suspended' }, s);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
    // Nor on themselves.
    expect((await patch(sup.id, { role: 'super_admin' }, s)).statusCode).toBe(403);
    expect((await patch(target.id, { status: 'suspended' }, null)).statusCode).toBe(401);
    expect(await counts()).toEqual(before);
    expect((await userRow(target.id)).status).toBe('active');
    expect((await userRow(sup.id)).role).toBe('supervisor');
  });

  it('refuses to mark a never-activated invitee active', async () => {
    const inv = await invite({
      fullName: 'Never Active',
      email: uniqueEmail('never'),
      phone: '08031234567',
      role: 'data_entry_clerk',
    });
    const id = inv.json().staff.id as string;
    const res = await patch(id, { status: 'active' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('NOT_ACTIVATED');
    expect((await userRow(id)).status).toBe('invited');
    // Suspended and then "reactivated" without ever setting a password: still refused.
    expect((await patch(id, { status: 'suspended' })).statusCode).toBe(200);
    const again = await patch(id, { status: 'active' });
    expect(again.statusCode).toBe(422);
    expect(again.json().error.code).toBe('NOT_ACTIVATED');
    expect((await userRow(id)).status).toBe('suspended');
  });

  describe('sessions', () => {
    const sessionKey = (s: Session) => `${app.t.redisPrefix}sess:${hashToken(s.cookie.replace(/^oslrs_session=/, ''))}`;
    const me = (s: Session) => app.call(s, { method: 'GET', url: '/api/v1/auth/me' });
    const sessionRows = async (userId: string) =>
      (await app.t.database.db.select({ n: count() }).from(sessions).where(eq(sessions.userId, userId)))[0]!.n;

    it('an LGA-only change keeps the person signed in; a role change ends their sessions at once, cache included', async () => {
      const u = await createUser(app.t, 'enumerator');
      const s = await login(app.t.app, u.email, u.password);
      expect((await me(s)).statusCode).toBe(200);
      // The session is now cached in Redis.
      expect(await app.t.runtime.redis!.exists(sessionKey(s))).toBe(1);

      expect((await patch(u.id, { lga: 'ogo_oluwa' })).statusCode).toBe(200);
      const still = await me(s);
      expect(still.statusCode).toBe(200);
      // Still signed in, and already seen in the new LGA (not the one cached at sign-in).
      expect(still.json().user).toMatchObject({ id: u.id, role: 'enumerator', lga: 'ogo_oluwa' });
      expect(await sessionRows(u.id)).toBe(1);

      expect((await patch(u.id, { role: 'supervisor' })).statusCode).toBe(200);
      expect(await app.t.runtime.redis!.exists(sessionKey(s))).toBe(0);
      const after = await me(s);
      expect(after.statusCode).toBe(401);
      expect(after.json().error.code).toBe('UNAUTHENTICATED');
      expect(await sessionRows(u.id)).toBe(0);
      // They sign in again with the new role.
      const again = await login(app.t.app, u.email, u.password);
      expect(again.user.role).toBe('supervisor');
    });

    it('a suspension ends every session of that person and no other', async () => {
      const u = await createUser(app.t, 'verification_assessor');
      const other = await createUser(app.t, 'verification_assessor');
      const phone = await login(app.t.app, u.email, u.password);
      const laptop = await login(app.t.app, u.email, u.password);
      const bystander = await login(app.t.app, other.email, other.password);
      for (const s of [phone, laptop, bystander]) expect((await me(s)).statusCode).toBe(200);

      const res = await patch(u.id, { status: 'suspended' });
      expect(res.statusCode).toBe(200);
      expect(res.json().staff.status).toBe('suspended');
      expect((await me(phone)).statusCode).toBe(401);
      expect((await me(laptop)).statusCode).toBe(401);
      expect((await me(bystander)).statusCode).toBe(200);
      const [audit] = await auditFor(u.id, 'staff.updated');
      expect(audit).toMatchObject({ before: { status: 'active' }, after: { status: 'suspended' } });

      const relogin = await app.t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: u.email, password: u.password },
      });
      expect(relogin.statusCode).toBe(403);
      expect(relogin.json().error.code).toBe('ACCOUNT_SUSPENDED');

      // Reinstated, they may sign in again.
      expect((await patch(u.id, { status: 'active' })).statusCode).toBe(200);
      expect((await login(app.t.app, u.email, u.password)).user.id).toBe(u.id);
    });
  });

  describe('super admins', () => {
    it('demotes a super admin while another active one remains', async () => {
      const other = await createUser(app.t, 'super_admin');
      const s = await login(app.t.app, other.email, other.password);
      expect((await app.call(s, { method: 'GET', url: '/api/v1/staff' })).statusCode).toBe(200);
      const res = await patch(other.id, { role: 'government_official' });
      expect(res.statusCode).toBe(200);
      expect(res.json().staff.role).toBe('government_official');
      // Their admin session ended with the change.
      expect((await app.call(s, { method: 'GET', url: '/api/v1/staff' })).statusCode).toBe(401);

      const third = await createUser(app.t, 'super_admin');
      expect((await patch(third.id, { status: 'deactivated' })).statusCode).toBe(200);
      expect((await userRow(third.id)).status).toBe('deactivated');
    });
  });
});

describe('reissue invitation', () => {
  it('issues a new link, the old one stops working, the new one activates; an active account gets 409', async () => {
    const email = uniqueEmail('reissue');
    const inv = await invite({
      fullName: 'Reissue Me',
      email,
      phone: '08031234567',
      role: 'enumerator',
      lga: 'afijio',
    });
    const id = inv.json().staff.id as string;
    const oldToken = tokenOf(inv.json().activationUrl);

    const res = await app.call(app.admin, { method: 'POST', url: `/api/v1/staff/${id}/invitation` });
    expect(res.statusCode).toBe(200);
    const newUrl = res.json().activationUrl as string;
    const newToken = tokenOf(newUrl);
    expect(newToken).not.toBe(oldToken);
    expect((await userRow(id)).activationTokenHash).toBe(hashToken(newToken));
    const mails = await app.t.database.db
      .select()
      .from(mailOutbox)
      .where(eq(mailOutbox.to, email))
      .orderBy(asc(mailOutbox.createdAt));
    expect(mails).toHaveLength(2);
    expect(mails.some((m) => m.body?.includes(newUrl))).toBe(true);
    expect(await auditFor(id, 'staff.invitation_reissued')).toMatchObject([
      { actorId: app.admin.user.id, requestId: res.headers['x-request-id'] },
    ]);

    const old = await app.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/activate',
      payload: { token: oldToken, password: 'a brand new password' },
    });
    expect(old.statusCode).toBe(400);
    expect(old.json().error.code).toBe('TOKEN_INVALID');
    const ok = await app.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/activate',
      payload: { token: newToken, password: 'a brand new password' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user).toMatchObject({ id, status: 'active' });

    const before = await counts();
    const again = await app.call(app.admin, { method: 'POST', url: `/api/v1/staff/${id}/invitation` });
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('ALREADY_ACTIVATED');
    expect(await counts()).toEqual(before);
    expect((await userRow(id)).activationTokenHash).toBeNull();

    const active = await createUser(app.t, 'data_entry_clerk');
    expect(
      (await app.call(app.admin, { method: 'POST', url: `/api/v1/staff/${active.id}/invitation` })).statusCode,
    ).toBe(409);
    expect(
      (
        await app.call(app.admin, {
          method: 'POST',
          url: '/api/v1/staff/0190a5d2-8f43-7b6c-9d1e-2f3a4b5c6d7e/invitation',
        })
      ).statusCode,
    ).toBe(404);
  });
});

// Last: whichever admin loses this race loses their session, so nothing may follow it.
describe('the last active super admin', () => {
  it('never lets the last active super admin go, even when two admins demote each other at the same moment', async () => {
    const other = await createUser(app.t, 'super_admin');
    const s = await login(app.t.app, other.email, other.password);
    const activeSuperAdmins = async () =>
      (
        await app.t.database.db
          .select({ id: users.id })
          .from(users)
          .where(and(eq(users.role, 'super_admin'), eq(users.status, 'active')))
      )
        .map((r) => r.id)
        .sort();
    expect(await activeSuperAdmins()).toEqual([app.admin.user.id, other.id].sort());

    // Hold both rows so that both requests are past authentication and inside their transactions
    // before either can decide; then let them go together.
    const gate = new pg.Client({ connectionString: app.t.databaseUrl });
    await gate.connect();
    const waiting = async () =>
      Number(
        (
          await gate.query(
            "select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()",
          )
        ).rows[0].n,
      );
    let results;
    try {
      await gate.query('begin');
      await gate.query('select id from users where id = any($1) for update', [[app.admin.user.id, other.id]]);
      const first = patch(other.id, { role: 'government_official' }, app.admin);
      await waitFor(async () => (await waiting()) >= 1);
      const second = patch(app.admin.user.id, { status: 'suspended' }, s);
      await waitFor(async () => (await waiting()) >= 2);
      await gate.query('rollback');
      results = await Promise.all([first, second]);
    } finally {
      await gate.end();
    }
    const statuses = results.map((r) => r.statusCode);
    expect(statuses.sort()).toEqual([200, 409]);
    const refused = results.find((r) => r.statusCode === 409)!;
    expect(refused.json().error.code).toBe('LAST_SUPER_ADMIN');
    const left = await activeSuperAdmins();
    expect(left).toHaveLength(1);
    expect([app.admin.user.id, other.id]).toContain(left[0]);
    // The refused change left no trace.
    const loser = left[0] === app.admin.user.id ? other.id : app.admin.user.id;
    const winnerId = left[0]!;
    expect(await userRow(winnerId)).toMatchObject({ role: 'super_admin', status: 'active' });
    expect(await auditFor(winnerId, 'staff.updated')).toHaveLength(0);
    expect(await auditFor(loser, 'staff.updated')).toHaveLength(1);

    // The one left cannot be demoted or suspended by anyone; their own attempt is refused too.
    const last = left[0] === app.admin.user.id ? app.admin : s;
    if (last === s) expect((await app.call(app.admin, { method: 'GET', url: '/api/v1/staff' })).statusCode).toBe(401);
    expect((await patch(winnerId, { role: 'supervisor', lga: 'iseyin' }, last)).json().error.code).toBe(
      'SELF_ROLE_CHANGE',
    );
    expect(await activeSuperAdmins()).toEqual([winnerId]);
  });
});

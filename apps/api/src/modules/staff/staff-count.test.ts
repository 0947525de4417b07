/**
 * The staff list's total without an exact count on every page (infra/list-count.ts), on real
 * PostgreSQL and Redis. Sets above LIST_EXACT_COUNT_UP_TO (20 here, 1,000 in production) are
 * "large": estimated, cached per filter set, exact on demand, and retired by every staff write.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { STAFF_ROLES } from '@oslrs/core';
import { ListCounts } from '../../infra/list-count.js';
import { useTestApp } from '../../../test/use-test-app.js';

const EXACT_UP_TO = 20;
const app = useTestApp({ env: { LIST_EXACT_COUNT_UP_TO: String(EXACT_UP_TO) } });

const list = async (query: Record<string, string>) => {
  const res = await app.call(app.admin, { method: 'GET', url: `/api/v1/staff?${new URLSearchParams(query)}` });
  expect(res.statusCode).toBe(200);
  return res.json() as { items: { id: string }[]; total: number; totalExact: boolean };
};

/** The true number of staff matching, counted here. */
async function actual(where: { status?: string; role?: string; lga?: string } = {}) {
  const result = await app.t.database.db.execute(sql`
    select count(*)::int as n from users
    where role in (${sql.join(
      STAFF_ROLES.map((r) => sql`${r}`),
      sql`, `,
    )})
      and (${where.status ?? null}::text is null or status = ${where.status ?? null})
      and (${where.role ?? null}::text is null or role = ${where.role ?? null})
      and (${where.lga ?? null}::text is null or lga_code = ${where.lga ?? null})`);
  return (result as unknown as { rows: { n: number }[] }).rows[0]!.n;
}

/** Staff added behind the service's back (no invalidation), then statistics refreshed as the owner. */
async function insertDirectly(n: number, values: { status: string; role: string; lga: string | null }) {
  await app.t.database.db.execute(sql`
    insert into users (id, email, full_name, role, status, lga_code)
    select gen_random_uuid(), 'direct.' || gen_random_uuid() || '@count.test', 'Direct ' || g,
           ${values.role}, ${values.status}, ${values.lga}
    from generate_series(1, ${n}) g`);
  const owner = new pg.Client({ connectionString: app.t.ownerUrl });
  await owner.connect();
  await owner.query('analyze users');
  await owner.end();
}

const invite = async (body: Record<string, unknown>) => {
  const res = await app.call(app.admin, {
    method: 'POST',
    url: '/api/v1/staff',
    payload: { phone: '08031234567', email: `inv.${Date.now().toString(36)}.${Math.random()}@count.test`, ...body },
  });
  expect(res.statusCode).toBe(201);
  return res.json().staff.id as string;
};

beforeAll(async () => {
  // 60 active enumerators in Oyo East, 30 invited supervisors in Iseyin, 5 suspended clerks.
  await insertDirectly(60, { status: 'active', role: 'enumerator', lga: 'oyo_east' });
  await insertDirectly(30, { status: 'invited', role: 'supervisor', lga: 'iseyin' });
  await insertDirectly(5, { status: 'suspended', role: 'data_entry_clerk', lga: null });
});

describe('staff list totals', () => {
  it('counts a small filtered set exactly, and shows a row added behind its back at once', async () => {
    const clerks = await list({ status: 'suspended' });
    expect(clerks).toMatchObject({ total: 5, totalExact: true });
    await insertDirectly(2, { status: 'suspended', role: 'data_entry_clerk', lga: null });
    // Small sets are never cached: no invalidation needed to be right.
    const again = await list({ status: 'suspended' });
    expect(again).toMatchObject({ total: 7, totalExact: true });
    expect(again.items).toHaveLength(7);
  });

  it('estimates a large unfiltered set (flagged), and gives the exact number on demand', async () => {
    const n = await actual();
    expect(n).toBeGreaterThan(EXACT_UP_TO);
    const estimated = await list({});
    expect(estimated.totalExact).toBe(false);
    expect(estimated.total).toBeGreaterThan(EXACT_UP_TO);
    // The planner's figure after ANALYZE: an estimate, not the count.
    expect(estimated.total).toBeLessThanOrEqual(n * 2);
    expect(estimated.items).toHaveLength(25);

    const exact = await list({ count: 'exact' });
    expect(exact).toMatchObject({ total: n, totalExact: true });
    // The exact figure is then reused by the following pages (until a write or the TTL).
    expect(await list({ page: '2' })).toMatchObject({ total: n, totalExact: true });
  });

  it('estimates (or counts) a large search through EXPLAIN with the search text bound as a parameter', async () => {
    const searched = await list({ q: 'direct 1' });
    expect(searched.total).toBeGreaterThan(EXACT_UP_TO);
    const [row] = (
      (await app.t.database.db.execute(
        sql`select count(*)::int as n from users where lower(full_name) like '%direct 1%'`,
      )) as unknown as { rows: { n: number }[] }
    ).rows;
    if (searched.totalExact) expect(searched.total).toBe(row!.n);
    expect(await list({ q: 'direct 1', count: 'exact' })).toMatchObject({ total: row!.n, totalExact: true });
  });

  it('refuses an unknown count mode with 400', async () => {
    const res = await app.call(app.admin, { method: 'GET', url: '/api/v1/staff?count=approximately' });
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('caches each filter set separately (in any parameter order), for large sets only', async () => {
    const active = { status: 'active' };
    const sups = { role: 'supervisor', lga: 'iseyin' };
    const nActive = await actual(active);
    const nSups = await actual(sups);
    expect(await list({ ...active, count: 'exact' })).toMatchObject({ total: nActive, totalExact: true });
    expect(await list({ ...sups, count: 'exact' })).toMatchObject({ total: nSups, totalExact: true });

    // Added without going through the service: the cached totals don't see them (until the TTL)…
    await insertDirectly(3, { status: 'active', role: 'enumerator', lga: 'oyo_east' });
    await insertDirectly(4, { status: 'invited', role: 'supervisor', lga: 'iseyin' });
    expect(await list(active)).toMatchObject({ total: nActive, totalExact: true });
    expect(await list({ lga: 'iseyin', role: 'supervisor' })).toMatchObject({ total: nSups, totalExact: true });
    // …an exact count on demand refreshes that filter set's entry, and only that one.
    expect(await list({ ...active, count: 'exact' })).toMatchObject({ total: nActive + 3, totalExact: true });
    expect(await list(active)).toMatchObject({ total: nActive + 3, totalExact: true });
    expect(await list(sups)).toMatchObject({ total: nSups, totalExact: true });
    // A set never cached is counted afresh.
    const enumerators = await list({ role: 'enumerator', count: 'exact' });
    expect(enumerators).toMatchObject({ total: await actual({ role: 'enumerator' }), totalExact: true });
  });

  it('retires every cached total after a staff write: invite, status change, import', async () => {
    const active = { status: 'active' };
    const invited = { status: 'invited' };
    await list({ ...active, count: 'exact' });
    await list({ ...invited, count: 'exact' });
    await list({ count: 'exact' });
    const before = { active: await actual(active), invited: await actual(invited), all: await actual() };

    // A new invitation: the list shows them and every total counts them.
    const id = await invite({ fullName: 'Kemi Count', role: 'enumerator', lga: 'oyo_east' });
    const all = await list({});
    expect(all.items[0]!.id).toBe(id);
    // The unfiltered set is large: after the write it is estimated again (or exact), never the old figure.
    expect(all.totalExact ? all.total : await actual()).toBe(before.all + 1);
    expect(await list({ count: 'exact' })).toMatchObject({ total: before.all + 1, totalExact: true });
    const inv = await list(invited);
    if (inv.totalExact) expect(inv.total).toBe(before.invited + 1);
    expect(await list({ ...invited, count: 'exact' })).toMatchObject({ total: before.invited + 1 });
    // Refresh the "active" entry to a value that the write below makes wrong.
    expect(await list({ ...active, count: 'exact' })).toMatchObject({ total: before.active });

    // A status change (active → suspended) moves someone between filter sets.
    const someone = (await list({ ...active, role: 'enumerator', lga: 'oyo_east' })).items[0]!.id;
    const res = await app.call(app.admin, {
      method: 'PATCH',
      url: `/api/v1/staff/${someone}`,
      payload: { status: 'suspended' },
    });
    expect(res.statusCode).toBe(200);
    const afterPatch = await list(active);
    // Whatever it is now (estimate or exact), it is not the stale cached exact figure.
    expect(afterPatch.totalExact && afterPatch.total === before.active).toBe(false);
    expect(await list({ ...active, count: 'exact' })).toMatchObject({ total: before.active - 1, totalExact: true });
    expect(await list(active)).toMatchObject({ total: before.active - 1, totalExact: true });

    // A CSV import (a background job): its committed rows retire the totals too.
    const rows = Array.from(
      { length: 3 },
      (_, i) => `Imported ${i} Person,imported.${i}.${Date.now()}@count.test,08031234567,enumerator,oyo_east`,
    );
    const csv = ['full_name,email,phone,role,lga', ...rows].join('\n');
    const started = await app.call(app.admin, {
      method: 'POST',
      url: '/api/v1/staff/import',
      headers: { 'content-type': 'text/csv' },
      payload: csv,
    });
    expect(started.statusCode).toBe(202);
    const job = started.json().job.id as string;
    for (;;) {
      const j = await app.call(app.admin, { method: 'GET', url: `/api/v1/jobs/${job}` });
      if (j.json().job.state === 'completed') break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const afterImport = await list(invited);
    expect(afterImport.totalExact && afterImport.total === before.invited + 1).toBe(false);
    expect(await list({ ...invited, count: 'exact' })).toMatchObject({ total: before.invited + 4, totalExact: true });
  });
});

describe('staff list totals after an activation', () => {
  it('retires the cached totals when an invited person activates (invited → active)', async () => {
    const res = await app.call(app.admin, {
      method: 'POST',
      url: '/api/v1/staff',
      payload: {
        fullName: 'Lola Activate',
        email: `lola.${Date.now()}@count.test`,
        phone: '08031234567',
        role: 'data_entry_clerk',
      },
    });
    expect(res.statusCode).toBe(201);
    const token = new URL(res.json().activationUrl as string).searchParams.get('token')!;
    const active = { status: 'active' };
    const before = await actual(active);
    expect(await list({ ...active, count: 'exact' })).toMatchObject({ total: before, totalExact: true });

    const ok = await app.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/activate',
      payload: { token, password: 'a brand new password' },
    });
    expect(ok.statusCode).toBe(200);
    const after = await list(active);
    // Estimated again or counted afresh — never the cached figure from before the activation.
    expect(after.totalExact && after.total === before).toBe(false);
    expect(await list({ ...active, count: 'exact' })).toMatchObject({ total: before + 1, totalExact: true });
  });
});

describe('ListCounts (the shared cache)', () => {
  it('never serves a total counted from a snapshot taken before an invalidation', async () => {
    const counts = new ListCounts(app.t.runtime.kv, { exactUpTo: 0, ttlMs: 60_000 });
    const list = `race-${Date.now()}`;
    let value = 100;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let started!: () => void;
    const counting = new Promise<void>((r) => (started = r));
    const slow = {
      // The count reads its snapshot (value 100), then a write commits and invalidates before it is stored.
      exact: async () => {
        const seen = value;
        started();
        await gate;
        return seen;
      },
      estimate: async () => 0,
    };
    const pending = counts.total(list, { a: 1 }, 'exact', slow);
    await counting;
    value = 101;
    await counts.invalidate(list);
    release();
    expect(await pending).toEqual({ value: 100, exact: true });
    // The stale 100 was stored under the old generation: the next read counts again.
    const fresh = { exact: async (cap?: number) => Math.min(cap ?? value, value), estimate: async () => 0 };
    expect(await counts.total(list, { a: 1 }, 'auto', fresh)).toEqual({ value: 101, exact: true });
  });

  it('counts without the cache when the store fails', async () => {
    const broken = {
      get: async () => {
        throw new Error('store down');
      },
      set: async () => {
        throw new Error('store down');
      },
    } as unknown as ConstructorParameters<typeof ListCounts>[0];
    const errors: unknown[] = [];
    const counts = new ListCounts(broken, { exactUpTo: 10, ttlMs: 60_000 }, (e) => errors.push(e));
    const counting = { exact: async (cap?: number) => Math.min(cap ?? 50, 50), estimate: async () => 48 };
    expect(await counts.total('x', {}, 'auto', counting)).toEqual({ value: 48, exact: false });
    expect(await counts.total('x', {}, 'exact', counting)).toEqual({ value: 50, exact: true });
    await counts.invalidate('x');
    expect(errors.length).toBeGreaterThan(0);
  });
});

import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../../db/schema/index.js';
import { systemActor, type Actor } from '../../access/index.js';
import { useTestApp } from '../../../test/use-test-app.js';
import type { Session } from '../../../test/harness.js';
import { recordAudit } from './service.js';

/**
 * Issue 10 item 9: the super admin's audit viewer. Filters on actor, action, target and time; keyset
 * paging newest first that never skips or repeats a row, even among rows written in one statement
 * (they share one timestamp to the microsecond).
 */
const app = useTestApp();

interface Entry {
  id: string;
  at: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
}

/** A made-up actor with its own id, so its rows are exactly the ones written here. */
const ghost = (): Actor => ({
  ...systemActor('audit-viewer-test'),
  kind: 'user',
  id: randomUUID(),
  role: 'supervisor',
  ip: '10.1.2.3',
});

let actorA: Actor;
let target: string;

beforeAll(async () => {
  actorA = ghost();
  target = randomUUID();
  // Twelve rows in one statement (one shared timestamp), then three more in later statements.
  await recordAudit(
    app.t.database.db,
    actorA,
    Array.from({ length: 12 }, (_, i) => ({
      action: i % 3 === 0 ? 'test.special' : 'test.ordinary',
      targetType: 'test_thing',
      targetId: i % 4 === 0 ? target : randomUUID(),
    })),
  );
  // Later statements have a later (or, at equal microseconds, a larger uuidv7 id): newest first either way.
  for (let i = 0; i < 3; i++)
    await recordAudit(app.t.database.db, actorA, { action: 'test.later', targetType: 'test_thing', targetId: target });
});

async function page(s: Session, query: string) {
  const res = await app.call(s, { method: 'GET', url: `/api/v1/audit?${query}` });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as { items: Entry[]; nextCursor: string | null };
}

async function all(s: Session, query: string, limit: number) {
  const items: Entry[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const p = await page(s, `${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
    expect(p.items.length).toBeLessThanOrEqual(limit);
    items.push(...p.items);
    cursor = p.nextCursor;
    pages++;
  } while (cursor && pages < 100);
  return items;
}

describe('the audit viewer', () => {
  it("filters by actor: exactly that actor's rows, newest first", async () => {
    const items = await all(app.admin, `actor=${actorA.id}`, 100);
    expect(items).toHaveLength(15);
    expect(items.every((e) => e.actorId === actorA.id)).toBe(true);
    expect(items.slice(0, 3).map((e) => e.action)).toEqual(['test.later', 'test.later', 'test.later']);
    const times = items.map((e) => Date.parse(e.at));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('pages of 2 over rows sharing one timestamp: every row exactly once, in the order of one big page', async () => {
    const whole = (await page(app.admin, `actor=${actorA.id}&limit=100`)).items.map((e) => e.id);
    const paged = (await all(app.admin, `actor=${actorA.id}`, 2)).map((e) => e.id);
    expect(paged).toEqual(whole);
    expect(new Set(paged).size).toBe(15);
  });

  it('filters by action, by target type + id, and by time range; filters combine', async () => {
    const special = await all(app.admin, `actor=${actorA.id}&action=test.special`, 100);
    expect(special).toHaveLength(4);
    expect(special.every((e) => e.action === 'test.special')).toBe(true);

    const onTarget = await all(app.admin, `targetType=test_thing&targetId=${target}`, 2);
    expect(onTarget).toHaveLength(6);
    expect(onTarget.every((e) => e.targetId === target)).toBe(true);

    const byType = await all(app.admin, `targetType=test_thing&action=test.later`, 100);
    expect(byType.length).toBeGreaterThanOrEqual(3);
    expect(byType.every((e) => e.targetType === 'test_thing' && e.action === 'test.later')).toBe(true);

    const [first] = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorId, actorA.id!), eq(auditLog.action, 'test.later')))
      .orderBy(auditLog.at)
      .limit(1);
    const from = first!.at.toISOString();
    const later = await all(app.admin, `actor=${actorA.id}&from=${from}`, 100);
    expect(later.map((e) => e.action)).toEqual(['test.later', 'test.later', 'test.later']);
    const earlier = await all(app.admin, `actor=${actorA.id}&to=${from}`, 100);
    expect(earlier).toHaveLength(12);
    expect(await all(app.admin, `actor=${randomUUID()}`, 10)).toEqual([]);
  });

  it('reading the log is itself recorded, with the filters used', async () => {
    const admin = app.admin;
    await page(admin, `action=test.special&limit=5`);
    const rows = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorId, admin.user.id), eq(auditLog.action, 'audit.viewed')));
    expect(rows.some((r) => (r.after as { filters: { action?: string } }).filters.action === 'test.special')).toBe(
      true,
    );
  });

  it('is for super admins only (403 for every other staff role)', async () => {
    for (const role of [
      'verification_assessor',
      'government_official',
      'supervisor',
      'enumerator',
      'data_entry_clerk',
    ] as const) {
      const res = await app.call(await app.as(role), { method: 'GET', url: '/api/v1/audit' });
      expect(res.statusCode, role).toBe(403);
    }
    expect((await app.call(null, { method: 'GET', url: '/api/v1/audit' })).statusCode).toBe(401);
  });

  it('unknown filters, bad values and forged cursors are 400', async () => {
    const forged = Buffer.from(JSON.stringify(["1'; drop table audit_log; --", randomUUID()])).toString('base64url');
    for (const q of [
      'user=x',
      'actor=not-a-uuid',
      'limit=0',
      'limit=101',
      'from=yesterday',
      'from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      `targetId=${randomUUID()}`,
      'cursor=%24%24%24%24',
      `cursor=${forged}`,
    ]) {
      const res = await app.call(app.admin, { method: 'GET', url: `/api/v1/audit?${q}` });
      expect(res.statusCode, q).toBe(400);
    }
  });
});

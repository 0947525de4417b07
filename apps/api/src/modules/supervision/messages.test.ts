import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, messageRecipients, messages } from '../../db/schema/index.js';
import { useTestApp } from '../../../test/use-test-app.js';
import type { Session } from '../../../test/harness.js';
import { uuidv7 } from 'uuidv7';
import { SupervisionRepository } from './repository.js';

/**
 * SPEC: supervisors message an enumerator or the whole team; enumerators see their messages (and
 * write to their supervisor). A message to someone outside your team → 403.
 */
const app = useTestApp();

const send = (s: Session, payload: unknown) =>
  app.call(s, { method: 'POST', url: '/api/v1/messages', payload: payload as object });
const list = (s: Session, qs = '') => app.call(s, { method: 'GET', url: `/api/v1/messages${qs}` });
const read = (s: Session, id: string) => app.call(s, { method: 'POST', url: `/api/v1/messages/${id}/read` });
const unread = (s: Session, headers: Record<string, string> = {}) =>
  app.call(s, { method: 'GET', url: '/api/v1/messages/unread', headers });

let sup: Session;
let sup2: Session;
let e1: Session;
let e2: Session;
let farEnumerator: Session;
let farSupervisor: Session;

beforeAll(async () => {
  sup = await app.as('supervisor', { lgaCode: 'iseyin', fullName: 'Sade Supervisor' });
  sup2 = await app.as('supervisor', { lgaCode: 'iseyin', fullName: 'Second Supervisor' });
  e1 = await app.as('enumerator', { lgaCode: 'iseyin', fullName: 'Emeka One' });
  e2 = await app.as('enumerator', { lgaCode: 'iseyin', fullName: 'Efe Two' });
  farEnumerator = await app.as('enumerator', { lgaCode: 'kajola' });
  farSupervisor = await app.as('supervisor', { lgaCode: 'kajola' });
});

describe('who may write to whom', () => {
  it('a supervisor writes to an enumerator of their LGA; the enumerator sees it unread', async () => {
    const res = await send(sup, { to: e1.user.id, body: 'Please start in Ward 3 today.' });
    expect(res.statusCode, res.body).toBe(201);
    const message = res.json().message;
    expect(message).toMatchObject({
      direction: 'out',
      from: { id: sup.user.id, fullName: 'Sade Supervisor' },
      to: { kind: 'user', id: e1.user.id, fullName: 'Emeka One' },
      body: 'Please start in Ward 3 today.',
      readAt: null,
    });
    const inbox = await list(e1);
    expect(inbox.statusCode).toBe(200);
    expect(inbox.json().unread).toBe(1);
    expect(inbox.json().items[0]).toMatchObject({ id: message.id, direction: 'in', readAt: null });
    // The other enumerator got nothing.
    expect((await list(e2)).json().items).toHaveLength(0);
  });

  it('an enumerator writes to a supervisor of their LGA, or to all of them with "team"', async () => {
    const one = await send(e2, { to: sup.user.id, body: 'Network is down in Ado-Awaye.' });
    expect(one.statusCode, one.body).toBe(201);
    const both = await send(e2, { to: 'team', body: 'Finished Ward 2.' });
    expect(both.statusCode, both.body).toBe(201);
    expect(both.json().message.to).toEqual({ kind: 'team', recipients: 2 });
    const supItems = (await list(sup)).json().items.map((m: { body: string }) => m.body);
    expect(supItems).toEqual(expect.arrayContaining(['Network is down in Ado-Awaye.', 'Finished Ward 2.']));
    const sup2Items = (await list(sup2)).json().items.map((m: { body: string }) => m.body);
    expect(sup2Items).toContain('Finished Ward 2.');
    expect(sup2Items).not.toContain('Network is down in Ado-Awaye.');
  });

  it('anyone outside the team is refused with 403, the same for a missing id', async () => {
    const cases: [Session, string][] = [
      [sup, farEnumerator.user.id], // another LGA's enumerator
      [sup, sup2.user.id], // a fellow supervisor
      [sup, app.admin.user.id], // a super admin
      [sup, randomUUID()], // no such person
      [e1, e2.user.id], // a fellow enumerator
      [e1, farSupervisor.user.id], // another LGA's supervisor
      [e1, e1.user.id], // oneself
    ];
    const bodies = new Set<string>();
    for (const [from, to] of cases) {
      const res = await send(from, { to, body: 'Hello' });
      expect(res.statusCode, `${from.user.role} → ${to}`).toBe(403);
      expect(res.json().error.code).toBe('NOT_YOUR_TEAM');
      bodies.add(res.body);
    }
    expect(bodies.size).toBe(1);
  });

  it('roles outside the field teams may not send or read messages (403)', async () => {
    for (const role of ['super_admin', 'verification_assessor', 'government_official', 'data_entry_clerk'] as const) {
      const s = role === 'super_admin' ? app.admin : await app.as(role);
      expect((await send(s, { to: 'team', body: 'Hi' })).statusCode, role).toBe(403);
      expect((await list(s)).statusCode, role).toBe(403);
    }
  });
});

describe('the body', () => {
  it('is required, trimmed, at most 2,000 characters, plain text', async () => {
    for (const body of ['', '   \n ', 'x'.repeat(2001), 'nul \u0000 here', 42, null]) {
      const res = await send(sup, { to: e1.user.id, body });
      expect(res.statusCode, JSON.stringify(body).slice(0, 40)).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
    }
    const longest = await send(sup, { to: e1.user.id, body: 'y'.repeat(2000) });
    expect(longest.statusCode).toBe(201);
    const lines = await send(sup, { to: e1.user.id, body: '  Line one\nLine two  ' });
    expect(lines.json().message.body).toBe('Line one\nLine two');
  });

  it('refuses unknown fields and a malformed recipient (400)', async () => {
    expect((await send(sup, { to: e1.user.id, body: 'x', urgent: true })).statusCode).toBe(400);
    expect((await send(sup, { to: 'everyone', body: 'x' })).statusCode).toBe(400);
    expect((await send(sup, { body: 'x' })).statusCode).toBe(400);
  });
});

describe('team broadcast', () => {
  it("fans out to every enumerator of the supervisor's LGA, one row each, in one transaction", async () => {
    const res = await send(sup, { to: 'team', body: 'Meeting at 4 pm at the LGA office.' });
    expect(res.statusCode, res.body).toBe(201);
    const id = res.json().message.id as string;
    expect(res.json().message.to).toEqual({ kind: 'team', recipients: 2 });
    const rows = await app.t.database.db.select().from(messageRecipients).where(eq(messageRecipients.messageId, id));
    expect(rows.map((r) => r.recipientId).sort()).toEqual([e1.user.id, e2.user.id].sort());
    const [stored] = await app.t.database.db.select().from(messages).where(eq(messages.id, id));
    expect(stored).toMatchObject({ kind: 'team', recipients: 2, lgaCode: 'iseyin', toUserId: null });
    // The far enumerator received nothing; the sender sees it once, as sent.
    expect((await list(farEnumerator)).json().items).toHaveLength(0);
    const sent = (await list(sup)).json().items.filter((m: { id: string }) => m.id === id);
    expect(sent).toHaveLength(1);
    expect(sent[0].direction).toBe('out');
    // Audited without its body.
    const [audit] = await app.t.database.db.select().from(auditLog).where(eq(auditLog.targetId, id));
    expect(audit).toMatchObject({ action: 'message.sent', actorId: sup.user.id });
    expect(JSON.stringify(audit!.after)).not.toContain('Meeting');
  });

  it('a fan-out that fails part-way leaves nothing behind (message and recipients are one transaction)', async () => {
    const repo = new SupervisionRepository();
    const id = uuidv7();
    const failing = app.t.database.db.transaction((tx) =>
      repo.insertMessage(
        tx,
        { id, senderId: sup.user.id, kind: 'team', lgaCode: 'iseyin', body: 'Half', recipients: 2 },
        // The second recipient does not exist: its row breaks the foreign key after the message row went in.
        [e1.user.id, randomUUID()],
      ),
    );
    await expect(failing).rejects.toThrow();
    expect(await app.t.database.db.select().from(messages).where(eq(messages.id, id))).toHaveLength(0);
    expect(
      await app.t.database.db.select().from(messageRecipients).where(eq(messageRecipients.messageId, id)),
    ).toHaveLength(0);
  });

  it('a team with no one in it: 422 NO_RECIPIENTS, and nothing is written', async () => {
    const lonely = await app.as('supervisor', { lgaCode: 'orelope' });
    const before = (await app.t.database.db.select().from(messages)).length;
    const res = await send(lonely, { to: 'team', body: 'Anyone?' });
    expect(res.statusCode).toBe(422);
    expect(res.json().error.code).toBe('NO_RECIPIENTS');
    expect((await app.t.database.db.select().from(messages)).length).toBe(before);
  });
});

describe('reading', () => {
  it('the recipient marks a message read: the unread count drops; marking again changes nothing', async () => {
    const reader = await app.as('enumerator', { lgaCode: 'iseyin' });
    const a = (await send(sup, { to: reader.user.id, body: 'First' })).json().message.id;
    await send(sup, { to: reader.user.id, body: 'Second' });
    expect((await unread(reader)).json().unread).toBe(2);
    const first = await read(reader, a);
    expect(first.statusCode, first.body).toBe(200);
    expect((await unread(reader)).json().unread).toBe(1);
    const again = await read(reader, a);
    expect(again.json().readAt).toBe(first.json().readAt);
    expect((await list(reader)).json().items.find((m: { id: string }) => m.id === a).readAt).toBe(first.json().readAt);
  });

  it('anyone but the recipient (the sender included) gets 404, like a missing message', async () => {
    const msg = (await send(sup, { to: e2.user.id, body: 'Only for Efe' })).json().message.id;
    const missing = await read(e2, randomUUID());
    expect(missing.statusCode).toBe(404);
    for (const s of [e1, sup, sup2]) {
      const res = await read(s, msg);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual(missing.json());
    }
    // Still unread for Efe.
    const mine = (await list(e2)).json().items.find((m: { id: string }) => m.id === msg);
    expect(mine.readAt).toBeNull();
  });

  it('the unread endpoint carries an ETag: unchanged → 304; a new message → 200 with the new count', async () => {
    const poller = await app.as('enumerator', { lgaCode: 'iseyin' });
    const first = await unread(poller);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ unread: 0, latest: null });
    const etag = first.headers.etag as string;
    expect(etag).toBeTruthy();
    const same = await unread(poller, { 'if-none-match': etag });
    expect(same.statusCode).toBe(304);
    expect(same.body).toBe('');
    const sent = (await send(sup, { to: poller.user.id, body: 'Ping' })).json().message.id;
    const changed = await unread(poller, { 'if-none-match': etag });
    expect(changed.statusCode).toBe(200);
    expect(changed.json()).toEqual({ unread: 1, latest: sent });
    expect(changed.headers.etag).not.toBe(etag);
  });
});

describe('paging', () => {
  it('pages newest first with a cursor, without gaps or repeats, and says when it ends', async () => {
    const pager = await app.as('enumerator', { lgaCode: 'iseyin' });
    const sentIds: string[] = [];
    for (let i = 0; i < 13; i++) {
      sentIds.push((await send(sup, { to: pager.user.id, body: `Note ${i}` })).json().message.id);
      if (i % 4 === 0) sentIds.push((await send(pager, { to: sup.user.id, body: `Reply ${i}` })).json().message.id);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const qs: string = `?limit=5${cursor ? `&cursor=${cursor}` : ''}`;
      const res = await list(pager, qs);
      expect(res.statusCode, res.body).toBe(200);
      expect(res.json().unread).toBe(13);
      seen.push(...res.json().items.map((m: { id: string }) => m.id));
      cursor = res.json().nextCursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual([...sentIds].reverse());
    expect(pages).toBe(4); // 17 items: 5 + 5 + 5 + 2
  });

  it('refuses a malformed cursor, a limit out of range and unknown parameters (400)', async () => {
    for (const qs of ['?cursor=abc', '?limit=0', '?limit=101', '?unreadOnly=true']) {
      const res = await list(e1, qs);
      expect(res.statusCode, qs).toBe(400);
    }
  });
});

describe('contacts and progress', () => {
  it('a supervisor can pick their enumerators; an enumerator their supervisors', async () => {
    const c1 = await app.call(sup, { method: 'GET', url: '/api/v1/messages/contacts' });
    const names = c1.json().items.map((p: { fullName: string }) => p.fullName);
    expect(names).toEqual(expect.arrayContaining(['Emeka One', 'Efe Two']));
    expect(names).not.toContain('Sade Supervisor');
    const c2 = await app.call(e1, { method: 'GET', url: '/api/v1/messages/contacts' });
    expect(
      c2
        .json()
        .items.map((p: { fullName: string }) => p.fullName)
        .sort(),
    ).toEqual(['Sade Supervisor', 'Second Supervisor']);
  });

  it("an enumerator's progress counts their unread messages", async () => {
    const fresh = await app.as('enumerator', { lgaCode: 'iseyin' });
    await send(sup, { to: fresh.user.id, body: 'Welcome' });
    const res = await app.call(fresh, { method: 'GET', url: '/api/v1/me/progress' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ unread: 1, today: 0, week: 0, target: null });
    expect((await app.call(sup, { method: 'GET', url: '/api/v1/me/progress' })).statusCode).toBe(403);
  });
});

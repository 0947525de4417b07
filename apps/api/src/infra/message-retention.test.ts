/**
 * Mail and SMS rows name their recipient: once a message is done with (sent, or expired and its
 * body erased) and older than MESSAGE_KEEP_DAYS, it is deleted; a message still waiting to go stays.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { inArray } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { mailOutbox, smsOutbox } from '../db/schema/index.js';
import { startTestApp, type TestApp } from '../../test/harness.js';
import { purgeOldMail } from './mail.js';
import { OutboxSms, purgeOldSms } from './sms.js';

const DAY = 86_400_000;
let t: TestApp;
beforeAll(async () => {
  // No worker: nothing sends or erases behind the test's back.
  t = await startTestApp({ worker: false });
});
afterAll(async () => {
  await t?.close();
});

/** Four messages: sent long ago, expired long ago, waiting since long ago, sent yesterday. */
const cases = (daysAgo: (n: number) => Date) => [
  { name: 'sent long ago', createdAt: daysAgo(40), sentAt: daysAgo(40), body: null },
  { name: 'expired long ago', createdAt: daysAgo(40), sentAt: null, body: null },
  { name: 'waiting', createdAt: daysAgo(40), sentAt: null, body: 'still to send' },
  { name: 'sent yesterday', createdAt: daysAgo(1.5), sentAt: daysAgo(1.5), body: null },
];
const daysAgo = (n: number) => new Date(Date.now() - n * DAY);

it('deletes mail done with and older than the keeping time; keeps waiting and recent mail', async () => {
  const db = t.database.db;
  const rows = cases(daysAgo).map((c) => ({
    id: uuidv7(),
    to: `${c.name.replace(/ /g, '.')}@test.oslrs`,
    subject: c.name,
    body: c.body,
    createdAt: c.createdAt,
    sentAt: c.sentAt,
  }));
  await db.insert(mailOutbox).values(rows);
  expect(await purgeOldMail(db, 30 * DAY)).toBe(2);
  const left = await db
    .select({ subject: mailOutbox.subject })
    .from(mailOutbox)
    .where(
      inArray(
        mailOutbox.id,
        rows.map((r) => r.id),
      ),
    );
  expect(left.map((r) => r.subject).sort()).toEqual(['sent yesterday', 'waiting']);
  expect(await purgeOldMail(db, 30 * DAY)).toBe(0);
});

it('deletes SMS the same way, and never today’s sent ones (the daily ceiling counts them)', async () => {
  const db = t.database.db;
  const outbox = new OutboxSms(t.runtime.pii);
  for (const c of cases(daysAgo)) await outbox.send({ to: '+2348031234567', text: c.name }, db);
  const sent = await db.select({ id: smsOutbox.id, body: smsOutbox.body }).from(smsOutbox);
  // Dated and settled as each case says (the body names the case until then).
  for (const c of cases(daysAgo)) {
    const row = sent.find((r) => r.body === c.name)!;
    await db
      .update(smsOutbox)
      .set({ createdAt: c.createdAt, sentAt: c.sentAt, body: c.body ?? null })
      .where(inArray(smsOutbox.id, [row.id]));
  }
  expect(await purgeOldSms(db, 30 * DAY)).toBe(2);
  // A keeping time under a day still keeps a day: yesterday's message (36 h old) goes, none of today's.
  await outbox.send({ to: '+2348031234567', text: 'today' }, db);
  await db
    .update(smsOutbox)
    .set({ sentAt: new Date() })
    .where(inArray(smsOutbox.body, ['today']));
  expect(await purgeOldSms(db, 1000)).toBe(1);
  const left = await db.select({ body: smsOutbox.body, sentAt: smsOutbox.sentAt }).from(smsOutbox);
  expect(left.map((r) => r.body).sort()).toEqual(['still to send', 'today']);
});

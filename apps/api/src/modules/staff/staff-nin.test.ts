import { expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { auditLog, respondents, users } from '../../db/schema/index.js';
import { useTestApp } from '../../../test/use-test-app.js';

const app = useTestApp();

const invite = (email: string, nin?: string) =>
  app.call(app.admin, {
    method: 'POST',
    url: '/api/v1/staff',
    payload: { fullName: 'Nin Holder', email, phone: '08031234567', role: 'data_entry_clerk', ...(nin ? { nin } : {}) },
  });

it("keeps a staff member's NIN on file (never echoed, never audited) so it cannot become a respondent's", async () => {
  const res = await invite('nin.one@test.oslrs', '482 1395-7062');
  expect(res.statusCode).toBe(201);
  expect(res.json().staff.ninOnFile).toBe(true);
  expect(res.body).not.toContain('48213957062');
  const [row] = await app.t.database.db.select().from(users).where(eq(users.email, 'nin.one@test.oslrs'));
  // Stored sealed, found by its blind index: the digits themselves are not in the row.
  expect(JSON.stringify(row)).not.toContain('48213957062');
  expect(row!.ninHash).toBe(app.t.runtime.pii.blindIndex('48213957062', 'nin'));
  expect(app.t.runtime.pii.open(row!.ninSealed!, 'nin')).toBe('48213957062');

  const again = await invite('nin.two@test.oslrs', '48213957062');
  expect(again.statusCode).toBe(409);
  expect(again.json().error.code).toBe('NIN_DUPLICATE_STAFF');
  expect((await invite('nin.three@test.oslrs', '1111111111')).json().error.code).toBe('NIN_INVALID');

  // A NIN already registered as a respondent is refused for staff too.
  await app.t.database.db.insert(respondents).values({
    id: uuidv7(),
    ninHash: app.t.runtime.pii.blindIndex('30000000001', 'nin'),
    ninSealed: app.t.runtime.pii.seal('30000000001', 'nin'),
    status: 'active',
    source: 'public',
  });
  const taken = await invite('nin.four@test.oslrs', '30000000001');
  expect(taken.statusCode).toBe(409);
  expect(taken.json().error.code).toBe('NIN_DUPLICATE');

  // Set later through the update route; clearing works too.
  const plain = await invite('nin.five@test.oslrs');
  const id = plain.json().staff.id;
  expect(plain.json().staff.ninOnFile).toBe(false);
  const set = await app.call(app.admin, {
    method: 'PATCH',
    url: `/api/v1/staff/${id}`,
    payload: { nin: '59000000123' },
  });
  expect(set.statusCode).toBe(200);
  expect(set.json().staff.ninOnFile).toBe(true);
  const clash = await app.call(app.admin, {
    method: 'PATCH',
    url: `/api/v1/staff/${id}`,
    payload: { nin: '48213957062' },
  });
  expect(clash.json().error.code).toBe('NIN_DUPLICATE_STAFF');
  const cleared = await app.call(app.admin, { method: 'PATCH', url: `/api/v1/staff/${id}`, payload: { nin: null } });
  expect(cleared.json().staff.ninOnFile).toBe(false);

  const audits = await app.t.database.db.select().from(auditLog);
  const text = JSON.stringify(audits);
  for (const nin of ['48213957062', '59000000123']) expect(text).not.toContain(nin);
});

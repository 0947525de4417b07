/**
 * Housekeeping of sign-in data: sessions past their expiry, browsers not seen within the trust
 * period and spent login counters are deleted (they name a person's browser and address, and no
 * sign-in can use them); live sessions, recently used browsers and running counters stay.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import { loginThrottle, sessions, trustedDevices } from '../../db/schema/index.js';
import { call, createUser, login, startTestApp, type TestApp } from '../../../test/harness.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ worker: false });
});
afterAll(async () => {
  await t?.close();
});

it('deletes expired sessions, browsers unseen for the trust period and spent counters; keeps the live ones', async () => {
  const db = t.database.db;
  const [a, b] = [await createUser(t, 'enumerator'), await createUser(t, 'supervisor')];
  const expired = await login(t.app, a.email, a.password);
  const live = await login(t.app, b.email, b.password);
  // A's session ended yesterday; A's browser was last seen 200 days ago (trust lasts 180); B's are current.
  await db
    .update(sessions)
    .set({ expiresAt: sql`now() - interval '1 day'` })
    .where(eq(sessions.userId, a.id));
  await db
    .update(trustedDevices)
    .set({ lastUsedAt: sql`now() - interval '200 days'` })
    .where(eq(trustedDevices.userId, a.id));
  // A wrong password from one address: a counter whose window passed two days ago, and a running one.
  const wrong = (ip: string) =>
    t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: b.email, password: 'not the password' },
      remoteAddress: ip,
    });
  expect((await wrong('10.9.0.1')).statusCode).toBe(401);
  expect((await wrong('10.9.0.2')).statusCode).toBe(401);
  const counters = async () => (await db.select({ key: loginThrottle.key }).from(loginThrottle)).map((r) => r.key);
  const before = await counters();
  expect(before.length).toBeGreaterThanOrEqual(2);
  // The first address's counter (keys are digests: lockout.ts), its window moved two days back.
  const old = createHash('sha256').update(`address|${b.email}|10.9.0.1`).digest('base64url');
  expect(before).toContain(old);
  await db
    .update(loginThrottle)
    .set({ windowStartedAt: sql`now() - interval '2 days'` })
    .where(eq(loginThrottle.key, old));

  const swept = await t.services.auth.sweepExpired(1);
  expect(swept).toEqual({ sessions: 1, devices: 1 });
  const left = await db
    .select({ userId: sessions.userId })
    .from(sessions)
    .where(inArray(sessions.userId, [a.id, b.id]));
  expect(left.map((r) => r.userId)).toEqual([b.id]);
  const devices = await db.select({ userId: trustedDevices.userId }).from(trustedDevices);
  expect(devices.map((d) => d.userId)).toEqual([b.id]);
  const after = await counters();
  expect(after).not.toContain(old);
  expect(after.length).toBe(before.length - 1);

  // The live session still signs in; the expired one was already refused, and still is.
  expect((await call(t.app, live, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);
  expect((await call(t.app, expired, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
  // Nothing left to do.
  expect(await t.services.auth.sweepExpired()).toEqual({ sessions: 0, devices: 0 });
});

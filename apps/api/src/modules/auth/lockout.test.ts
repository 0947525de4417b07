/**
 * The account-wide lockout: guesses spread over many addresses still lock the account, but not for
 * the browsers the owner has signed in from before; unknown emails lock the same way; the counters
 * live in PostgreSQL, so every API process shares them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog, trustedDevices } from '../../db/schema/index.js';
import { createUser, startTestApp, type TestApp } from '../../../test/harness.js';
import { ACCOUNT_LOCKOUT_ATTEMPTS } from './lockout.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

let ipSeq = 0;
/** A fresh address each time: no single address reaches its own limit of 5. */
const freshIp = () => `10.3.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;
const attempt = (app: TestApp, email: string, password: string, ip = freshIp(), device?: string) =>
  app.app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { email, password },
    remoteAddress: ip,
    ...(device ? { cookies: { oslrs_device: device } } : {}),
  });

describe('account-wide lockout', () => {
  it(`locks an account after ${ACCOUNT_LOCKOUT_ATTEMPTS} failures spread over many addresses, except on its known browsers`, async () => {
    const u = await createUser(t, 'enumerator');
    // The owner signed in once from their phone: the answer sets a device cookie.
    const first = await attempt(t, u.email, u.password, '10.3.200.1');
    expect(first.statusCode).toBe(200);
    const device = first.cookies.find((c) => c.name === 'oslrs_device')!;
    expect(device.httpOnly).toBe(true);
    expect(device.path).toBe('/api/v1/auth');
    const [trusted] = await t.database.db.select().from(trustedDevices).where(eq(trustedDevices.userId, u.id));
    expect(trusted!.tokenHash).not.toBe(device.value);

    for (let i = 0; i < ACCOUNT_LOCKOUT_ATTEMPTS; i++) {
      expect((await attempt(t, u.email, `guess-number-${i}`)).statusCode).toBe(401);
    }
    // From a new address, even the right password is refused for an hour.
    const locked = await attempt(t, u.email, u.password);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('ACCOUNT_LOCKED');
    const retry = Number(locked.headers['retry-after']);
    expect(retry).toBeGreaterThan(3500);
    expect(retry).toBeLessThanOrEqual(3600);
    // Guessing on does not get through either.
    expect((await attempt(t, u.email, 'guess-number-x')).statusCode).toBe(429);

    // The owner's phone still signs in, from any address.
    expect((await attempt(t, u.email, u.password, freshIp(), device.value)).statusCode).toBe(200);
    // A device cookie of another account does not help.
    const other = await createUser(t, 'enumerator');
    const otherDevice = (await attempt(t, other.email, other.password)).cookies.find((c) => c.name === 'oslrs_device')!;
    expect((await attempt(t, u.email, u.password, freshIp(), otherDevice.value)).statusCode).toBe(429);

    const audited = await t.database.db.select().from(auditLog).where(eq(auditLog.targetId, u.id));
    expect(audited.filter((a) => a.action === 'auth.locked').map((a) => a.after)).toEqual([{ scope: ['account'] }]);
  });

  it('locks an unknown email exactly like a real one (the lockout reveals no accounts)', async () => {
    const ghost = `ghost.${Date.now()}@nowhere.test`;
    const answers: number[] = [];
    for (let i = 0; i <= ACCOUNT_LOCKOUT_ATTEMPTS; i++)
      answers.push((await attempt(t, ghost, `guess-${i}`)).statusCode);
    expect(answers).toEqual([...Array(ACCOUNT_LOCKOUT_ATTEMPTS).fill(401), 429]);
  });

  it('counts in PostgreSQL: failures on two API processes add up', async () => {
    const second = await startTestApp({ sharedWith: t, redis: false });
    try {
      const u = await createUser(t, 'data_entry_clerk');
      const ip = '10.3.250.1';
      for (let i = 0; i < 3; i++) expect((await attempt(t, u.email, 'wrong-password-a', ip)).statusCode).toBe(401);
      for (let i = 0; i < 2; i++) expect((await attempt(second, u.email, 'wrong-password-b', ip)).statusCode).toBe(401);
      expect((await attempt(t, u.email, u.password, ip)).json().error.code).toBe('ACCOUNT_LOCKED');
      expect((await attempt(second, u.email, u.password, ip)).json().error.code).toBe('ACCOUNT_LOCKED');
    } finally {
      await second.close();
    }
  });
});

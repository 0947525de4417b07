import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { auditLog, mailOutbox, sessions, users } from '../../db/schema/index.js';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  call,
  createUser,
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

describe('login', () => {
  it('signs in with an httpOnly cookie, returns the user and a CSRF token, and /me recognises it', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: ADMIN_EMAIL.toUpperCase(), password: ADMIN_PASSWORD },
    });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'oslrs_session')!;
    expect(cookie.httpOnly).toBe(true);
    expect(cookie.sameSite).toBe('Lax');
    const body = res.json();
    expect(body.user).toMatchObject({ email: ADMIN_EMAIL, role: 'super_admin', status: 'active' });
    expect(body.csrfToken).toMatch(/^[\w-]{20,}$/);

    // Only the hash of the token is stored.
    const stored = await t.database.db.select().from(sessions);
    expect(stored.some((s) => s.tokenHash === cookie.value)).toBe(false);

    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { cookie: `oslrs_session=${cookie.value}` },
    });
    expect(me.statusCode).toBe(200);
    expect(me.json().user.email).toBe(ADMIN_EMAIL);
    expect(me.json().csrfToken).toBe(body.csrfToken);
  });

  it('refuses a wrong password with 401 and the same message as an unknown email', async () => {
    const wrong = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: ADMIN_EMAIL, password: 'nope-nope-nope' },
    });
    const unknown = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'ghost@test.oslrs', password: 'nope-nope-nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().error).toEqual(unknown.json().error);
    expect(wrong.json().error.code).toBe('INVALID_CREDENTIALS');
  });

  it('locks an account+IP for 15 minutes after 5 failures, even for the right password', async () => {
    const u = await createUser(t, 'data_entry_clerk');
    const attempt = (password: string, ip = '10.0.0.7') =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: u.email, password },
        remoteAddress: ip,
      });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong-password-x')).statusCode).toBe(401);
    const locked = await attempt(u.password);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.code).toBe('ACCOUNT_LOCKED');
    const retry = Number(locked.headers['retry-after']);
    expect(retry).toBeGreaterThan(800);
    expect(retry).toBeLessThanOrEqual(900);
    // Another IP is not locked out by this one.
    expect((await attempt(u.password, '10.0.0.8')).statusCode).toBe(200);
    const audited = await t.database.db.select().from(auditLog).where(eq(auditLog.targetId, u.id));
    expect(audited.map((a) => a.action)).toContain('auth.locked');
  });

  it('rejects a 1 MB password with 413 and a 300-character one with 400, without hashing', async () => {
    const huge = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: ADMIN_EMAIL, password: 'x'.repeat(1024 * 1024) },
    });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const long = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: ADMIN_EMAIL, password: 'x'.repeat(300) },
    });
    expect(long.statusCode).toBe(400);
    expect(long.json().error.code).toBe('VALIDATION_FAILED');
  });

  it('refuses suspended accounts', async () => {
    const u = await createUser(t, 'government_official', { status: 'suspended' });
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: u.email, password: u.password },
    });
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('ACCOUNT_SUSPENDED');
  });
});

describe('CSRF and logout', () => {
  it('requires X-CSRF-Token on cookie-authenticated writes, and logout revokes the session', async () => {
    const s = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const noToken = await t.app.inject({ method: 'POST', url: '/api/v1/auth/logout', headers: { cookie: s.cookie } });
    expect(noToken.statusCode).toBe(403);
    expect(noToken.json().error.code).toBe('CSRF_TOKEN_INVALID');
    const wrongToken = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/logout',
      headers: { cookie: s.cookie, 'x-csrf-token': s.csrfToken.replace(/^./, (c) => (c === 'a' ? 'b' : 'a')) },
    });
    expect(wrongToken.statusCode).toBe(403);

    const out = await call(t.app, s, { method: 'POST', url: '/api/v1/auth/logout' });
    expect(out.statusCode).toBe(204);
    const me = await call(t.app, s, { method: 'GET', url: '/api/v1/auth/me' });
    expect(me.statusCode).toBe(401);
  });
});

describe('invitation → activation', () => {
  it('activates with the one-time token, then signs in; the token cannot be reused', async () => {
    const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const invite = await call(t.app, admin, {
      method: 'POST',
      url: '/api/v1/staff',
      payload: {
        fullName: 'Ada Okafor',
        email: 'Ada.Okafor@Example.ng',
        phone: '0803 123 4567',
        role: 'enumerator',
        lga: 'iseyin',
      },
    });
    expect(invite.statusCode).toBe(201);
    const { staff, activationUrl } = invite.json();
    expect(staff).toMatchObject({
      status: 'invited',
      email: 'ada.okafor@example.ng',
      phone: '+2348031234567',
      lga: 'iseyin',
    });
    const token = new URL(activationUrl).searchParams.get('token')!;

    // The same link went out by email (the outbox adapter).
    const mail = await t.database.db.select().from(mailOutbox).where(eq(mailOutbox.to, 'ada.okafor@example.ng'));
    expect(mail).toHaveLength(1);
    expect(mail[0]!.body).toContain(activationUrl);

    // An invited person cannot sign in yet.
    const early = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'ada.okafor@example.ng', password: 'anything-at-all' },
    });
    expect(early.statusCode).toBe(401);

    const weak = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/activate',
      payload: { token, password: 'short' },
    });
    expect(weak.statusCode).toBe(400);
    // Long enough, but on every list of common passwords: refused with advice, the link still valid.
    const common = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/activate',
      payload: { token, password: 'password123456' },
    });
    expect(common.statusCode).toBe(400);
    expect(common.json().error).toMatchObject({ code: 'PASSWORD_TOO_WEAK', details: { field: 'password' } });

    const ok = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/activate',
      payload: { token, password: 'a brand new password' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user.status).toBe('active');

    const again = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/activate',
      payload: { token, password: 'another new password' },
    });
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('TOKEN_INVALID');

    const s = await login(t.app, 'ada.okafor@example.ng', 'a brand new password');
    expect(s.user.role).toBe('enumerator');
    const [row] = await t.database.db.select().from(users).where(eq(users.id, staff.id));
    expect(row!.passwordHash).toMatch(/^\$argon2id\$/);
  });

  it('refuses an expired activation link with 410', async () => {
    const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const invite = await call(t.app, admin, {
      method: 'POST',
      url: '/api/v1/staff',
      payload: { fullName: 'Late Comer', email: 'late@example.ng', phone: '08031112222', role: 'data_entry_clerk' },
    });
    const token = new URL(invite.json().activationUrl).searchParams.get('token')!;
    await t.database.db
      .update(users)
      .set({ activationExpiresAt: sql`now() - interval '1 minute'` })
      .where(eq(users.id, invite.json().staff.id));
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/activate',
      payload: { token, password: 'a brand new password' },
    });
    expect(res.statusCode).toBe(410);
    expect(res.json().error.code).toBe('TOKEN_EXPIRED');
  });
});

describe('password change', () => {
  it('needs the current password and signs out the other sessions, not this one', async () => {
    const u = await createUser(t, 'verification_assessor');
    const phone = await login(t.app, u.email, u.password);
    const laptop = await login(t.app, u.email, u.password);
    const wrong = await call(t.app, laptop, {
      method: 'POST',
      url: '/api/v1/auth/password',
      payload: { currentPassword: 'not-my-password', newPassword: 'my next password!' },
    });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.code).toBe('PASSWORD_INCORRECT');
    const common = await call(t.app, laptop, {
      method: 'POST',
      url: '/api/v1/auth/password',
      payload: { currentPassword: u.password, newPassword: 'qwertyuiop123' },
    });
    expect(common.statusCode).toBe(400);
    expect(common.json().error.code).toBe('PASSWORD_TOO_WEAK');
    expect((await call(t.app, phone, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);
    const ok = await call(t.app, laptop, {
      method: 'POST',
      url: '/api/v1/auth/password',
      payload: { currentPassword: u.password, newPassword: 'my next password!' },
    });
    expect(ok.statusCode).toBe(204);
    expect((await call(t.app, laptop, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);
    expect((await call(t.app, phone, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
    await login(t.app, u.email, 'my next password!');
  });
});

import { describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { users } from '../../db/schema/index.js';
import { ADMIN_PASSWORD, login } from '../../../test/harness.js';
import { useTestApp } from '../../../test/use-test-app.js';

const app = useTestApp();

describe('GET /auth/session: the signed-out state is not an error', () => {
  it('answers an anonymous visitor 200 { user: null } (no 401 for the browser console), uncached', async () => {
    const res = await app.call(null, { method: 'GET', url: '/api/v1/auth/session' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ user: null });
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('answers a stale or forged cookie with { user: null } too', async () => {
    const res = await app.t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/session',
      headers: { cookie: 'oslrs_session=not-a-session' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ user: null });
  });

  it('answers a signed-in person with the session (user with locale, CSRF token), as /auth/me does', async () => {
    const s = await app.as('enumerator');
    const session = await app.call(s, { method: 'GET', url: '/api/v1/auth/session' });
    const me = await app.call(s, { method: 'GET', url: '/api/v1/auth/me' });
    expect(session.statusCode).toBe(200);
    expect(session.json()).toEqual(me.json());
    expect(session.json().user).toMatchObject({ id: s.user.id, role: 'enumerator', locale: null });
    expect(session.json().csrfToken).toBe(s.csrfToken);
  });

  it('keeps /auth/me a 401 for an anonymous call (the guard other clients rely on)', async () => {
    const res = await app.call(null, { method: 'GET', url: '/api/v1/auth/me' });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.code).toBe('UNAUTHENTICATED');
  });
});

describe('PUT /auth/me/locale: the language remembered on the account', () => {
  it('stores the choice for the signed-in person only; /auth/me, other sessions and the next sign-in see it', async () => {
    const other = await app.as('public_user');
    const s = await app.as('data_entry_clerk');
    // Warm the session caches first: the change must reach them.
    expect((await app.call(s, { method: 'GET', url: '/api/v1/auth/me' })).json().user.locale).toBeNull();

    const res = await app.call(s, { method: 'PUT', url: '/api/v1/auth/me/locale', payload: { locale: 'yo' } });
    expect(res.statusCode).toBe(200);
    expect(res.json().user).toMatchObject({ id: s.user.id, locale: 'yo' });

    expect((await app.call(s, { method: 'GET', url: '/api/v1/auth/me' })).json().user.locale).toBe('yo');
    expect((await app.call(s, { method: 'GET', url: '/api/v1/auth/session' })).json().user.locale).toBe('yo');
    const [row] = await app.t.database.db.select().from(users).where(eq(users.id, s.user.id));
    expect(row!.locale).toBe('yo');
    // Someone else's account is untouched.
    expect((await app.call(other, { method: 'GET', url: '/api/v1/auth/me' })).json().user.locale).toBeNull();

    // Back to English.
    await app.call(s, { method: 'PUT', url: '/api/v1/auth/me/locale', payload: { locale: 'en' } });
    const again = await app.call(s, { method: 'GET', url: '/api/v1/auth/me' });
    expect(again.json().user.locale).toBe('en');
  });

  it('returns the account language in the login response', async () => {
    const admin = app.admin;
    await app.call(admin, { method: 'PUT', url: '/api/v1/auth/me/locale', payload: { locale: 'yo' } });
    const [row] = await app.t.database.db.select().from(users).where(eq(users.id, admin.user.id));
    const res = await app.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: row!.email, password: ADMIN_PASSWORD },
    });
    expect(res.json().user.locale).toBe('yo');
    const second = await login(app.t.app, row!.email, ADMIN_PASSWORD);
    expect((await app.call(second, { method: 'GET', url: '/api/v1/auth/session' })).json().user.locale).toBe('yo');
    await app.call(admin, { method: 'PUT', url: '/api/v1/auth/me/locale', payload: { locale: 'en' } });
  });

  it('refuses an unknown or missing language with 400 and a clear message, changing nothing', async () => {
    const s = await app.as('enumerator');
    await app.call(s, { method: 'PUT', url: '/api/v1/auth/me/locale', payload: { locale: 'yo' } });
    for (const payload of [{ locale: 'fr' }, { locale: 'YO' }, { locale: '' }, {}, { locale: 1 }]) {
      const res = await app.call(s, { method: 'PUT', url: '/api/v1/auth/me/locale', payload });
      expect(res.statusCode, JSON.stringify(payload)).toBe(400);
      expect(res.json().error.code).toBe('VALIDATION_FAILED');
      expect(res.json().error.message).toEqual(expect.any(String));
    }
    expect((await app.call(s, { method: 'GET', url: '/api/v1/auth/me' })).json().user.locale).toBe('yo');
  });

  it('needs a session (401) and the CSRF token (403)', async () => {
    const anon = await app.call(null, { method: 'PUT', url: '/api/v1/auth/me/locale', payload: { locale: 'yo' } });
    expect(anon.statusCode).toBe(401);
    const s = await app.as('supervisor');
    const noCsrf = await app.t.app.inject({
      method: 'PUT',
      url: '/api/v1/auth/me/locale',
      headers: { cookie: s.cookie },
      payload: { locale: 'yo' },
    });
    expect(noCsrf.statusCode).toBe(403);
    expect(noCsrf.json().error.code).toBe('CSRF_TOKEN_INVALID');
  });

  it('is open to every role for themself', async () => {
    for (const role of ['enumerator', 'data_entry_clerk', 'public_user', 'searcher', 'super_admin'] as const) {
      const s = await app.as(role);
      const res = await app.call(s, { method: 'PUT', url: '/api/v1/auth/me/locale', payload: { locale: 'yo' } });
      expect(res.statusCode, role).toBe(200);
      expect(res.json().user.locale).toBe('yo');
    }
  });
});

/**
 * Walks every /api/v1 route × every role: anonymous callers get 401 on protected routes, roles a
 * route does not allow get 403, allowed roles get through (never 401/403, never a 500). Partner routes
 * refuse every session alike (401): they take a partner key, never a cookie.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '@oslrs/core';
import type { Session } from './harness.js';
import { useTestApp } from './use-test-app.js';
import type { AccessRule } from '../src/plugins/access.js';

/** The codes of an access decision, as opposed to a route's own answers (e.g. a wrong password's 401). */
const DENIED = new Set(['UNAUTHENTICATED', 'FORBIDDEN', 'CSRF_TOKEN_INVALID']);
const codeOf = (res: { body: string }) => {
  try {
    return (JSON.parse(res.body) as { error?: { code?: string } }).error?.code ?? '';
  } catch {
    return '';
  }
};

const app = useTestApp();
const sessions = new Map<Role, Session>();
const SOME_UUID = '0190a8c4-5c7e-7000-8000-000000000000';

/** A request that an allowed caller can make successfully, or at least get past authorisation with. */
function requestFor(rule: AccessRule) {
  const url = rule.url.replace(':id', SOME_UUID);
  const payloads: Record<string, unknown> = {
    'POST /api/v1/auth/login': { email: `nobody.${Math.random()}@test.oslrs`, password: 'whatever-password' },
    'POST /api/v1/auth/activate': { token: 'x'.repeat(43), password: 'a-long-password' },
    'POST /api/v1/auth/password': { currentPassword: 'wrong-password', newPassword: 'a-long-new-password' },
    'POST /api/v1/staff': {
      fullName: 'Rbac Person',
      email: `rbac.${Math.random()}@test.oslrs`,
      phone: '08031234567',
      role: 'data_entry_clerk',
    },
    'PATCH /api/v1/staff/:id': { status: 'suspended' },
  };
  const key = `${rule.method} ${rule.url}`;
  if (key === 'POST /api/v1/staff/import') {
    return {
      method: rule.method,
      url,
      payload: 'full_name,email,phone,role,lga\n',
      headers: { 'content-type': 'text/csv' },
    };
  }
  return { method: rule.method, url, payload: rule.method === 'GET' ? undefined : (payloads[key] ?? {}) };
}

beforeAll(async () => {
  for (const role of ROLES) sessions.set(role, await app.as(role));
});

describe('RBAC over every route', () => {
  it('knows the routes and each declares its access', () => {
    const urls = app.t.app.accessRules.map((r) => `${r.method} ${r.url}`);
    expect(urls).toEqual(
      expect.arrayContaining(['GET /api/v1/staff', 'POST /api/v1/staff/import', 'GET /api/v1/auth/me']),
    );
    expect(app.t.app.accessRules.length).toBeGreaterThanOrEqual(12);
  });

  it('answers 401 / 403 / allowed for every route × role', async () => {
    const failures: string[] = [];
    let checked = 0;
    for (const rule of app.t.app.accessRules) {
      const req = requestFor(rule);
      if (rule.access === 'partner') {
        // Partner routes take a partner key only: no session of any role gets in, nor does an anonymous call.
        for (const session of [null, ...ROLES.map((r) => sessions.get(r)!)]) {
          const res = session ? await app.call(session, req as never) : await app.t.app.inject(req as never);
          if (res.statusCode !== 401 || codeOf(res) !== 'PARTNER_KEY_INVALID')
            failures.push(`${session ? 'session' : 'anon'} ${rule.method} ${rule.url} → ${res.statusCode}, want 401`);
        }
        checked += ROLES.length;
        continue;
      }
      // Anonymous
      const anon = await app.t.app.inject(req as never);
      if (rule.access === 'public') {
        if (DENIED.has(codeOf(anon)) || anon.statusCode >= 500) {
          failures.push(`anon ${rule.method} ${rule.url} → ${anon.statusCode}`);
        }
      } else if (anon.statusCode !== 401 || codeOf(anon) !== 'UNAUTHENTICATED') {
        failures.push(`anon ${rule.method} ${rule.url} → ${anon.statusCode}, want 401`);
      }
      for (const role of ROLES) {
        const allowed = rule.access === 'public' || rule.access === 'authenticated' || rule.access.includes(role);
        const res = await app.call(sessions.get(role)!, requestFor(rule) as never);
        checked++;
        if (res.statusCode >= 500) failures.push(`${role} ${rule.method} ${rule.url} → ${res.statusCode}`);
        if (allowed && DENIED.has(codeOf(res))) {
          failures.push(`${role} ${rule.method} ${rule.url} → ${res.statusCode} ${res.body}, want allowed`);
        }
        if (!allowed && res.statusCode !== 403)
          failures.push(`${role} ${rule.method} ${rule.url} → ${res.statusCode}, want 403`);
        if (!allowed) expect(res.json().error.code).toBe('FORBIDDEN');
        // Logging out or changing a password would end the session the next checks rely on.
        if (allowed && rule.url === '/api/v1/auth/logout') {
          sessions.set(role, await app.as(role));
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(app.t.app.accessRules.length * ROLES.length);
  });

  it('gives allowed roles a successful answer on the read routes', async () => {
    const admin = sessions.get('super_admin')!;
    for (const url of ['/api/v1/staff', '/api/v1/auth/me', '/api/v1/lgas', '/api/v1/health']) {
      expect((await app.call(admin, { method: 'GET', url })).statusCode).toBe(200);
    }
  });
});

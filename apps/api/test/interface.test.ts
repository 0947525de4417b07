/** The interface rules every endpoint follows (SPEC: "Interface rules"), and statelessness across processes. */
import { describe, expect, it } from 'vitest';
import pg from 'pg';
import { ADMIN_EMAIL, ADMIN_PASSWORD, call, login, startTestApp } from './harness.js';
import { useTestApp } from './use-test-app.js';

// Logs at info: the log test reads what the app writes.
const app = useTestApp({ logLevel: 'info' });

describe('error bodies', () => {
  it('400 INVALID_JSON for malformed JSON', async () => {
    const res = await app.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      headers: { 'content-type': 'application/json' },
      payload: '{"email": "a@b.c", "password": ',
    });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toEqual({ error: { code: 'INVALID_JSON', message: expect.any(String) } });
  });

  it('404 JSON for unknown API routes', async () => {
    const res = await app.t.app.inject({ method: 'GET', url: '/api/v1/does-not-exist?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.json().error.code).toBe('NOT_FOUND');
  });

  it('413 over the 1 MB body limit', async () => {
    const res = await app.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: 'a@b.c', password: 'p', filler: 'x'.repeat(1_100_000) },
    });
    expect(res.statusCode).toBe(413);
    expect(res.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('415 for a content type the route does not take', async () => {
    for (const type of ['text/plain', 'application/xml', 'application/x-www-form-urlencoded']) {
      const res = await app.t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        headers: { 'content-type': type },
        payload: 'email=a',
      });
      expect(res.statusCode, type).toBe(415);
      expect(res.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    }
  });

  it('400 VALIDATION_FAILED names each bad field', async () => {
    const res = await app.t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: 42 } });
    expect(res.statusCode).toBe(400);
    const paths = res.json().error.details.issues.map((i: { path: string }) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['email', 'password']));
  });

  it('never leaks a stack trace', async () => {
    const res = await app.t.app.inject({ method: 'GET', url: '/api/v1/staff/not-a-uuid' });
    expect(res.body).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('health', () => {
  it('/health answers ok without I/O; /health/ready checks PostgreSQL and Redis', async () => {
    const h = await app.t.app.inject({ method: 'GET', url: '/api/v1/health' });
    expect(h.json()).toEqual({ status: 'ok' });
    // The exact body and type a JSON reply has (it is written once, not serialised per request).
    expect(h.body).toBe('{"status":"ok"}');
    expect(h.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(h.headers['content-length']).toBe('15');
    const head = await app.t.app.inject({ method: 'HEAD', url: '/api/v1/health' });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    const r = await app.t.app.inject({ method: 'GET', url: '/api/v1/health/ready' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ status: 'ok', database: { status: 'ok' }, redis: { status: 'ok' } });
  });

  it('/health/ready reports 503 when Redis is unreachable', async () => {
    const broken = await startTestApp({ sharedWith: app.t, worker: false, env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const r = await broken.app.inject({ method: 'GET', url: '/api/v1/health/ready' });
      expect(r.statusCode).toBe(503);
      expect(r.json()).toMatchObject({ status: 'down', database: { status: 'ok' }, redis: { status: 'down' } });
      // Liveness stays up: it does no I/O.
      expect((await broken.app.inject({ method: 'GET', url: '/api/v1/health' })).statusCode).toBe(200);
    } finally {
      await broken.close();
    }
  });
});

describe('OpenAPI', () => {
  it('serves a document generated from the route schemas at /api/docs', async () => {
    const ui = await app.t.app.inject({ method: 'GET', url: '/api/docs' });
    expect([200, 302]).toContain(ui.statusCode);
    const doc = await app.t.app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(doc.statusCode).toBe(200);
    const spec = doc.json();
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(
      expect.arrayContaining(['/api/v1/staff', '/api/v1/staff/{id}', '/api/v1/auth/login', '/api/v1/jobs/{id}']),
    );
    const invite = spec.paths['/api/v1/staff'].post.requestBody.content['application/json'].schema;
    expect(invite.required).toEqual(expect.arrayContaining(['fullName', 'email', 'phone', 'role']));
  });
});

describe('logs', () => {
  it('carry a request id and never a NIN, phone, password, token or cookie', async () => {
    const nin = '48213957062';
    const phone = '08039876543';
    const password = 'Secret-Pa55word-in-body';
    const admin = app.admin;
    await app.t.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email: ADMIN_EMAIL, password } });
    await app.call(admin, {
      method: 'POST',
      url: '/api/v1/staff',
      payload: { fullName: 'Log Probe', email: 'log.probe@test.oslrs', phone, role: 'data_entry_clerk', nin },
    });
    await app.call(admin, { method: 'GET', url: `/api/v1/staff?q=${phone}` });
    await app.call(admin, { method: 'GET', url: `/api/v1/staff?q=${nin}&status=${nin}` });
    const res = await app.call(admin, {
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { 'x-request-id': 'probe-request-0001' },
    });
    expect(res.headers['x-request-id']).toBe('probe-request-0001');

    const text = app.t.logs.text;
    expect(text.length).toBeGreaterThan(0);
    expect(app.t.logs.lines.some((l) => l.includes('probe-request-0001'))).toBe(true);
    for (const secret of [nin, phone, '+2348039876543', password, admin.csrfToken, admin.cookie.split('=')[1]!]) {
      expect(text).not.toContain(secret);
    }
    // Every request line has its id.
    const requestLines = app.t.logs.lines.map((l) => JSON.parse(l)).filter((l) => l.req);
    expect(requestLines.length).toBeGreaterThan(3);
    for (const l of requestLines) expect(l.reqId).toBeTruthy();
  });
});

describe('audit log', () => {
  it('is append-only at the database level', async () => {
    // Even the schema owner (migrations) is held by the trigger; the app's own role is refused
    // before it gets there, having no UPDATE, DELETE or TRUNCATE at all (audit-role.test.ts).
    const client = new pg.Client({ connectionString: app.t.ownerUrl });
    await client.connect();
    try {
      const count = async () =>
        (await client.query<{ n: number }>('select count(*)::int as n from audit_log')).rows[0]!.n;
      const before = await count();
      expect(before).toBeGreaterThan(0);
      await expect(client.query("update audit_log set action = 'rewritten'")).rejects.toThrow(/append-only/);
      await expect(client.query('delete from audit_log')).rejects.toThrow(/append-only/);
      await expect(client.query('truncate audit_log')).rejects.toThrow(/append-only/);
      expect(await count()).toBe(before);
      expect((await client.query("select 1 from audit_log where action = 'rewritten'")).rowCount).toBe(0);
    } finally {
      await client.end();
    }
  });
});

describe('two API processes behave as one', () => {
  it('shares sessions and rate-limit counters through PostgreSQL and Redis', async () => {
    const other = await startTestApp({ sharedWith: app.t, worker: false });
    try {
      const s = await login(app.t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
      const me = await call(other.app, s, { method: 'GET', url: '/api/v1/auth/me' });
      expect(me.statusCode).toBe(200);
      // Logout through one ends the session in the other at once (shared cache, not a stale copy).
      expect((await call(other.app, s, { method: 'POST', url: '/api/v1/auth/logout' })).statusCode).toBe(204);
      expect((await app.call(s, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);

      // Anonymous limit is 100/min per IP, counted across both processes.
      const ip = '198.51.100.23';
      const statuses: number[] = [];
      for (let i = 0; i < 110; i++) {
        const target = i % 2 ? other.app : app.t.app;
        statuses.push((await target.inject({ method: 'GET', url: '/api/v1/lgas', remoteAddress: ip })).statusCode);
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(100);
      expect(statuses.filter((s) => s === 429)).toHaveLength(10);
      const limited = await app.t.app.inject({ method: 'GET', url: '/api/v1/lgas', remoteAddress: ip });
      expect(limited.json().error.code).toBe('RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await other.close();
    }
  });
});

describe('security headers', () => {
  it('sends a strict CSP and no x-powered-by', async () => {
    const res = await app.t.app.inject({ method: 'GET', url: '/api/v1/health' });
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-content-type-options']).toBe('nosniff');
  });
});

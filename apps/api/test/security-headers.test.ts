import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useTestApp } from './use-test-app.js';

/**
 * The security headers are computed once at start-up (issue 13: @fastify/helmet rebuilt them on every
 * request). They must stay exactly what they were: the same set on every kind of answer — an API
 * read, the web app's HTML, an error, a write refused — and the API docs keep their own CSP.
 */
const app = useTestApp();

const EXPECTED = {
  'content-security-policy':
    "default-src 'self';script-src 'self';style-src 'self';img-src 'self' data: blob:;font-src 'self';connect-src 'self';manifest-src 'self';worker-src 'self';object-src 'none';base-uri 'self';form-action 'self';frame-ancestors 'none'",
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'origin-agent-cluster': '?1',
  'referrer-policy': 'no-referrer',
  'strict-transport-security': 'max-age=31536000; includeSubDomains',
  'x-content-type-options': 'nosniff',
  'x-dns-prefetch-control': 'off',
  'x-download-options': 'noopen',
  'x-frame-options': 'DENY',
  'x-permitted-cross-domain-policies': 'none',
  'x-xss-protection': '0',
};
const SECURITY = new Set([...Object.keys(EXPECTED), 'cross-origin-embedder-policy', 'x-powered-by']);
const securityOf = (headers: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(headers).filter(([k]) => SECURITY.has(k)));

describe('security headers', () => {
  it('every kind of answer carries exactly the same set', async () => {
    const answers = [
      await app.call(null, { method: 'GET', url: '/api/v1/health' }),
      await app.call(null, { method: 'GET', url: '/api/v1/nope' }),
      await app.call(null, { method: 'POST', url: '/api/v1/auth/login', payload: { email: 'x' } }),
      await app.call(app.admin, { method: 'GET', url: '/api/v1/auth/me' }),
      await app.call(null, { method: 'GET', url: '/api/v1/marketplace/options' }),
    ];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 404, 400, 200, 200]);
    for (const a of answers) expect(securityOf(a.headers)).toEqual(EXPECTED);
  });

  it('the API docs keep their own CSP (set later in the request)', async () => {
    const res = await app.call(null, { method: 'GET', url: '/api/docs/static/index.html' });
    expect(res.headers['content-security-policy']).toMatch(/validator\.swagger\.io/);
    expect(res.headers['x-frame-options']).toBe('DENY');
  });

  // Served over HTTP the headers are written by the server's responses (plugins/security-headers.ts),
  // not by a hook (app.inject's responses are not the server's): the same set, each header once.
  it('over HTTP: the same set on every kind of answer, each once, and the docs keep their own CSP', async () => {
    const server = app.t.app.server;
    if (!server.listening) await app.t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = server.address() as AddressInfo;
    const get = (method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
      new Promise<{ status: number; raw: string[] }>((resolve, reject) => {
        const req = httpRequest({ host: '127.0.0.1', port, method, path, headers }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode!, raw: res.rawHeaders }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const answers = [
      await get('GET', '/api/v1/health'),
      await get('GET', '/api/v1/nope'),
      await get('POST', '/api/v1/auth/login', { 'content-type': 'application/json' }, '{"email":"x"}'),
      await get('GET', '/api/v1/auth/me', { cookie: app.admin.cookie }),
      await get('GET', '/api/v1/marketplace/options'),
    ];
    expect(answers.map((a) => a.status)).toEqual([200, 404, 400, 200, 200]);
    for (const a of answers) {
      const names = a.raw.filter((_, i) => i % 2 === 0).map((n) => n.toLowerCase());
      const security = names.filter((n) => SECURITY.has(n));
      // Each once, first after the status line, in the order helmet gives them.
      expect(security).toEqual(Object.keys(EXPECTED));
      expect(names.slice(0, security.length)).toEqual(Object.keys(EXPECTED));
      const values = Object.fromEntries(
        a.raw.flatMap((v, i) =>
          i % 2 === 0 && SECURITY.has(v.toLowerCase()) ? [[v.toLowerCase(), a.raw[i + 1]]] : [],
        ),
      );
      expect(values).toEqual(EXPECTED);
      // The request id is written by the same block (plugins/security-headers.ts): once, right after it.
      expect(names.filter((n) => n === 'x-request-id')).toHaveLength(1);
      expect(names[security.length]).toBe('x-request-id');
    }
    const idOf = (a: { raw: string[] }) => a.raw[a.raw.findIndex((v) => v.toLowerCase() === 'x-request-id') + 1];
    // The proxy's id is reused when well formed, replaced by this process's own when not.
    expect(idOf(await get('GET', '/api/v1/health', { 'x-request-id': 'nginx-0123456789abcdef' }))).toBe(
      'nginx-0123456789abcdef',
    );
    const replaced = idOf(await get('GET', '/api/v1/health', { 'x-request-id': 'not an id; "x"' }));
    expect(replaced).toMatch(/^[\w-]{8,64}$/);
    expect(replaced).not.toBe(idOf(answers[0]!));
    const docs = await get('GET', '/api/docs/static/index.html');
    const csp = docs.raw.filter((v, i) => i % 2 === 1 && docs.raw[i - 1]!.toLowerCase() === 'content-security-policy');
    expect(csp).toHaveLength(1);
    expect(csp[0]).toMatch(/validator\.swagger\.io/);
    const frame = docs.raw.filter((v, i) => i % 2 === 1 && docs.raw[i - 1]!.toLowerCase() === 'x-frame-options');
    expect(frame).toEqual(['DENY']);
  });
});

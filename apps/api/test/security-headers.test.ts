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
});

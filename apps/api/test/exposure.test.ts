import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { useTestApp } from './use-test-app.js';

/** What production shows strangers: no API document, a readiness answer of up or down only. */
describe('with API_DOCS and HEALTH_DETAILS off (the production defaults)', () => {
  const app = useTestApp({ env: { API_DOCS: 'false', HEALTH_DETAILS: 'false', REQUEST_TIMEOUT_MS: '400' } });

  it('/api/docs is not served', async () => {
    for (const url of ['/api/docs', '/api/docs/json', '/api/docs/static/index.html']) {
      expect((await app.t.app.inject({ method: 'GET', url })).statusCode, url).toBe(404);
    }
  });

  it('/health/ready says ok or down, and nothing about which dependency or why', async () => {
    const res = await app.t.app.inject({ method: 'GET', url: '/api/v1/health/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('a sender that never finishes its body gets a 408 from the app itself', async () => {
    const address = await app.t.app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = new URL(address);
    const reply = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => {
        // Headers promise 100 bytes; none ever come.
        socket.write(
          'POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n',
        );
      });
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString()));
      socket.on('close', () => resolve(data));
      socket.on('error', reject);
    });
    expect(reply).toMatch(/^HTTP\/1\.1 408/);
  });
});

describe('with the development defaults', () => {
  const app = useTestApp();
  it('/health/ready names each dependency', async () => {
    const res = await app.t.app.inject({ method: 'GET', url: '/api/v1/health/ready' });
    expect(res.json()).toEqual({ status: 'ok', database: { status: 'ok' }, redis: { status: 'ok' } });
    expect((await app.t.app.inject({ method: 'GET', url: '/api/docs/json' })).statusCode).toBe(200);
  });
});

import Fastify from 'fastify';
import cookie from '@fastify/cookie';
import { describe, expect, it } from 'vitest';
import { readCookies, registerCookies } from './cookies.js';

/** Same cookies read and the same Set-Cookie bytes as @fastify/cookie's hooks gave (issue 13). */
describe('cookies without hooks', () => {
  const expires = new Date('2026-12-08T00:00:00Z');
  async function make(ours: boolean) {
    const app = Fastify();
    if (ours) {
      registerCookies(app);
      app.addHook('onRequest', (request, _reply, done) => {
        readCookies(request);
        done();
      });
    } else await app.register(cookie);
    app.get('/login', (request, reply) => {
      void reply.setCookie('oslrs_session', 'tok', { httpOnly: true, sameSite: 'lax', path: '/', expires });
      void reply.setCookie('oslrs_device', 'dev', {
        httpOnly: true,
        secure: true,
        sameSite: 'strict',
        path: '/api/v1/auth',
        maxAge: 2592000,
      });
      return { cookies: request.cookies };
    });
    app.get('/logout', (_request, reply) => {
      void reply.clearCookie('oslrs_session', { path: '/' });
      return reply.status(204).send();
    });
    app.get('/plain', (request, reply) => {
      void reply.setCookie('a', 'b');
      return { cookies: request.cookies };
    });
    return app;
  }

  it('answers exactly what the plugin answered', async () => {
    const [plugin, ours] = await Promise.all([make(false), make(true)]);
    for (const [url, headers] of [
      ['/login', { cookie: 'oslrs_device=abc; x=1' }],
      ['/logout', {}],
      ['/plain', {}],
    ] as const) {
      const a = await plugin.inject({ url, headers });
      const b = await ours.inject({ url, headers });
      expect(b.statusCode).toBe(a.statusCode);
      expect(b.headers['set-cookie']).toEqual(a.headers['set-cookie']);
      expect(b.body).toBe(a.body);
    }
    expect((await ours.inject({ url: '/login', headers: { cookie: 'oslrs_device=abc; x=1' } })).json()).toEqual({
      cookies: { oslrs_device: 'abc', x: '1' },
    });
  });
});

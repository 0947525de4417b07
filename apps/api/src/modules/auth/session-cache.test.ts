import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { sessions } from '../../db/schema/index.js';
import { RedisBroadcast } from '../../infra/broadcast.js';
import { createRedis } from '../../infra/redis.js';
import {
  TEST_REDIS_URL,
  call,
  createUser,
  login,
  startTestApp,
  type Session,
  type TestApp,
} from '../../../test/harness.js';
import { hashToken } from './tokens.js';
import { LocalSessionCache } from './session-cache.js';

/**
 * Signed-in requests answered from each process's own copy of the session, and revocation reaching
 * every process at once over Redis pub/sub. Two API processes on one database and Redis prefix; the
 * copies live a minute here, so a refusal within the test's wait can only be the message, not expiry.
 */
const env = { SESSION_LOCAL_CACHE_MS: '60000' };
let a: TestApp;
let b: TestApp;
beforeAll(async () => {
  a = await startTestApp({ env });
  b = await startTestApp({ env, sharedWith: a, worker: false });
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

const me = (t: TestApp, s: Session) => call(t.app, s, { method: 'GET', url: '/api/v1/auth/me' });
const tokenOf = (s: Session) => s.cookie.split('=')[1]!;

/** Refused on B within a short wait (the message's delivery), far inside the copies' minute. */
async function refusedOn(t: TestApp, s: Session) {
  await expect.poll(async () => (await me(t, s)).statusCode, { timeout: 5_000, interval: 20 }).toBe(401);
}

describe('in-process session copies', () => {
  it('a signed-in request is answered from memory: no Redis or PostgreSQL look-up', async () => {
    const u = await createUser(a, 'supervisor');
    const s = await login(a.app, u.email, u.password);
    expect((await me(b, s)).statusCode).toBe(200);
    // Behind B's back (no message): the row and the shared cache entry go. B still knows the session;
    // A, which never looked it up, does not.
    const hash = hashToken(tokenOf(s));
    await a.database.db.delete(sessions).where(eq(sessions.tokenHash, hash));
    const redis = new Redis(TEST_REDIS_URL);
    await redis.del(`${a.redisPrefix}sess:${hash}`);
    redis.disconnect();
    expect((await me(b, s)).statusCode).toBe(200);
    expect((await me(a, s)).statusCode).toBe(401);
  });

  it('sign-out on one process is refused on the other at once', async () => {
    const u = await createUser(a, 'enumerator');
    const s = await login(a.app, u.email, u.password);
    expect((await me(b, s)).statusCode).toBe(200);
    expect((await me(a, s)).statusCode).toBe(200);
    const out = await call(a.app, s, { method: 'POST', url: '/api/v1/auth/logout' });
    expect(out.statusCode).toBe(204);
    expect((await me(a, s)).statusCode).toBe(401);
    await refusedOn(b, s);
  });

  it('a suspension or a role change by an admin on one process ends the sessions on the other', async () => {
    const admin = await login(a.app, 'admin@test.oslrs', 'correct horse battery staple');
    const suspended = await createUser(a, 'data_entry_clerk');
    const moved = await createUser(a, 'data_entry_clerk');
    const s1 = await login(a.app, suspended.email, suspended.password);
    const s2 = await login(a.app, moved.email, moved.password);
    for (const s of [s1, s2]) expect((await me(b, s)).statusCode).toBe(200);
    const patch = (id: string, body: object) =>
      call(a.app, admin, { method: 'PATCH', url: `/api/v1/staff/${id}`, payload: body });
    expect((await patch(suspended.id, { status: 'suspended' })).statusCode).toBe(200);
    expect((await patch(moved.id, { role: 'verification_assessor' })).statusCode).toBe(200);
    await refusedOn(b, s1);
    await refusedOn(b, s2);
  });
});

describe('while the subscription is down', () => {
  it('nothing is answered from memory, and the copies start empty when it is back', async () => {
    const prefix = `t:bc:${Date.now()}:`;
    const publisher = createRedis(TEST_REDIS_URL);
    const subscriber = createRedis(TEST_REDIS_URL, { autoResubscribe: false, maxRetriesPerRequest: null });
    const broadcast = new RedisBroadcast(subscriber, publisher, prefix);
    const cache = new LocalSessionCache(broadcast, 60_000);
    const user = { id: 'u1', email: 'x@test.oslrs', fullName: 'X', role: 'enumerator' } as never;
    try {
      await expect.poll(() => broadcast.live).toBe(true);
      cache.set('h1', user, Date.now() + 3_600_000, cache.generation);
      expect(cache.get('h1')).toEqual(user);
      // A look-up that began before a forget does not store what it read.
      const before = cache.generation;
      await cache.forget(['other']);
      cache.set('h2', user, Date.now() + 3_600_000, before);
      expect(cache.get('h2')).toBeNull();

      subscriber.disconnect(true);
      await expect.poll(() => broadcast.live).toBe(false);
      expect(cache.get('h1')).toBeNull();
      cache.set('h3', user, Date.now() + 3_600_000, cache.generation);
      expect(cache.size).toBe(0);
      await expect.poll(() => broadcast.live, { timeout: 10_000 }).toBe(true);
      expect(cache.get('h1')).toBeNull();
      expect(cache.size).toBe(0);
    } finally {
      broadcast.close();
      publisher.disconnect();
    }
  });
});

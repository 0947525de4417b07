/**
 * Redis faults fail safe. With a private redis-server that the test stops, freezes (SIGSTOP), puts to
 * sleep (DEBUG SLEEP) and restarts:
 *  - requests never hang on a Redis that does not answer (command timeout, then a circuit breaker);
 *  - the sign-in lockout keeps counting (it lives in PostgreSQL);
 *  - rate limits stay on (an in-process limiter takes over) instead of switching off;
 *  - once Redis answers again, the app goes back to it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, login, call, startTestApp, waitFor, type Session, type TestApp } from '../../../test/harness.js';
import { PrivateRedis } from '../../../test/private-redis.js';

const ANON_LIMIT = 30;
let redis: PrivateRedis;
let t: TestApp;
let session: Session;

beforeAll(async () => {
  redis = await PrivateRedis.create();
  await redis.start();
  t = await startTestApp({
    env: {
      REDIS_URL: redis.url,
      RATE_LIMIT_ANON_PER_MINUTE: String(ANON_LIMIT),
      REDIS_COMMAND_TIMEOUT_MS: '300',
      REDIS_RETRY_AFTER_MS: '1000',
    },
  });
  const u = await createUser(t, 'enumerator');
  session = await login(t.app, u.email, u.password);
});
afterAll(async () => {
  await t?.close();
  await redis?.kill();
});

let ipSeq = 0;
const freshIp = () => `10.7.${Math.floor(++ipSeq / 250)}.${ipSeq % 250}`;

async function signInAttempts(email: string, passwords: string[], ip: string) {
  const answers: string[] = [];
  for (const password of passwords) {
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email, password },
      remoteAddress: ip,
    });
    answers.push(res.statusCode === 200 ? '200' : `${res.statusCode} ${res.json().error.code}`);
  }
  return answers;
}

/** Anonymous reads from one address until refused; how many got through. */
async function anonymousUntilLimited(ip: string, max = ANON_LIMIT + 5) {
  for (let i = 0; i < max; i++) {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/lgas', remoteAddress: ip });
    if (res.statusCode === 429) {
      expect(res.json().error.code).toBe('RATE_LIMITED');
      return i;
    }
    expect(res.statusCode).toBe(200);
  }
  return max;
}

/** Wait until the app uses Redis again (the breaker closed after a successful probe). */
async function redisInUseAgain() {
  await waitFor(async () => {
    await t.app.inject({ method: 'GET', url: '/api/v1/lgas', remoteAddress: freshIp() });
    return !t.runtime.redisCircuit!.isOpen;
  }, 15_000);
}

describe('Redis stopped', () => {
  it(
    '30 wrong passwords still lock the account; rate limits still apply; signed-in reads work',
    { timeout: 60_000 },
    async () => {
      const u = await createUser(t, 'data_entry_clerk');
      await redis.kill();
      try {
        const ip = freshIp();
        const answers = await signInAttempts(u.email, Array(30).fill('wrong-password-1'), ip);
        expect(answers.slice(0, 5)).toEqual(Array(5).fill('401 INVALID_CREDENTIALS'));
        expect(answers.slice(5, 20)).toEqual(Array(15).fill('429 ACCOUNT_LOCKED'));
        // The login route's own limit (20 a minute per address) is still enforced, in this process.
        expect(answers.slice(20)).toEqual(Array(10).fill('429 RATE_LIMITED'));
        expect(await signInAttempts(u.email, [u.password], ip)).toEqual(['429 RATE_LIMITED']);
        // From another address: its own 5 failures, then locked, even for the right password.
        expect(await signInAttempts(u.email, Array(6).fill('wrong-password-2').concat(u.password), freshIp())).toEqual([
          ...Array(5).fill('401 INVALID_CREDENTIALS'),
          '429 ACCOUNT_LOCKED',
          '429 ACCOUNT_LOCKED',
        ]);

        // The general limit for anonymous callers still holds.
        expect(await anonymousUntilLimited(freshIp())).toBe(ANON_LIMIT);

        // Sessions are in PostgreSQL: signed-in people keep working.
        const me = await call(t.app, session, { method: 'GET', url: '/api/v1/auth/me' });
        expect(me.statusCode).toBe(200);
      } finally {
        await redis.start();
      }
      await redisInUseAgain();
    },
  );
});

describe('Redis frozen (SIGSTOP): connected, never answering', () => {
  it('requests answer while Redis is still frozen; lockout and limits keep working', { timeout: 60_000 }, async () => {
    const u = await createUser(t, 'data_entry_clerk');
    expect(t.runtime.redisCircuit!.isOpen).toBe(false);
    redis.pause();
    try {
      // Without a command timeout this request would wait forever on the session-cache read.
      const me = await call(t.app, session, { method: 'GET', url: '/api/v1/auth/me' });
      expect(me.statusCode).toBe(200);
      expect(redis.paused).toBe(true);
      // The breaker is open: the following requests skip Redis instead of each waiting for it.
      expect(t.runtime.redisCircuit!.isOpen).toBe(true);
      const reads = await Promise.all(
        Array.from({ length: 10 }, () => call(t.app, session, { method: 'GET', url: '/api/v1/auth/me' })),
      );
      expect(reads.map((r) => r.statusCode)).toEqual(Array(10).fill(200));

      const answers = await signInAttempts(u.email, Array(6).fill('wrong-password-3').concat(u.password), freshIp());
      expect(answers).toEqual([
        ...Array(5).fill('401 INVALID_CREDENTIALS'),
        '429 ACCOUNT_LOCKED',
        '429 ACCOUNT_LOCKED',
      ]);
      expect(await anonymousUntilLimited(freshIp())).toBe(ANON_LIMIT);
      expect(redis.paused).toBe(true);
    } finally {
      redis.resume();
    }
    await redisInUseAgain();
    // Back on Redis: the shared counters are used again (a rate-limit key appears there).
    const probe = redis.client();
    await probe.connect();
    try {
      const ip = freshIp();
      await t.app.inject({ method: 'GET', url: '/api/v1/lgas', remoteAddress: ip });
      const keys = await probe.keys(`${t.redisPrefix}rl:*ip:${ip}`);
      expect(keys).toHaveLength(1);
    } finally {
      probe.disconnect();
    }
  });
});

describe('Redis busy (DEBUG SLEEP)', () => {
  it('sign-in and signed-in requests answer while Redis sleeps', { timeout: 60_000 }, async () => {
    const u = await createUser(t, 'verification_assessor');
    const { done } = await redis.sleep(5);
    let awake = false;
    void done.then(() => (awake = true));
    const me = await call(t.app, session, { method: 'GET', url: '/api/v1/auth/me' });
    expect(me.statusCode).toBe(200);
    const s = await login(t.app, u.email, u.password);
    expect((await call(t.app, s, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);
    // All of that happened while the server was still asleep.
    expect(awake).toBe(false);
    await done;
    await redisInUseAgain();
  });
});

/**
 * One line of setup for an integration test file:
 *
 *   const app = useTestApp();
 *   it('…', async () => { const res = await app.call(await app.as('supervisor'), { method: 'GET', url }) });
 *
 * It starts the real app on a fresh database (cloned from the migrated template) and its own Redis
 * prefix before the file's tests, closes both after them, and hands out signed-in people of any role.
 */
import { afterAll, beforeAll } from 'vitest';
import type { InjectOptions } from 'fastify';
import type { Role } from '@oslrs/core';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  call,
  createUser,
  login,
  startTestApp,
  type Session,
  type TestApp,
  type TestAppOptions,
} from './harness.js';
import { registerPublicUser, signIn } from './testkit.js';

export interface TestContext {
  /** The running app, its services, database and captured logs. */
  readonly t: TestApp;
  /** The bootstrap super admin, signed in through the HTTP login route. */
  readonly admin: Session;
  /** A new active account of `role`, signed in (e.g. `as('supervisor', { lgaCode: 'oyo_east' })`). */
  as(role: Role, extra?: Parameters<typeof createUser>[2]): Promise<Session>;
  /** A resident registered through the public registration route. */
  publicUser(): Promise<Session>;
  /** A request as `session` (cookie + CSRF token on writes), or anonymous with `null`. */
  call(session: Session | null, opts: InjectOptions): ReturnType<typeof call>;
}

export function useTestApp(options: TestAppOptions = {}): TestContext {
  let t: TestApp | undefined;
  let admin: Session | undefined;
  beforeAll(async () => {
    t = await startTestApp(options);
    admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  });
  afterAll(async () => {
    await t?.close();
  });
  const ready = () => {
    if (!t) throw new Error('useTestApp: the app starts in beforeAll; use it inside tests or hooks');
    return t;
  };
  return {
    get t() {
      return ready();
    },
    get admin() {
      ready();
      return admin!;
    },
    as: (role, extra = {}) => signIn(ready(), role, extra),
    publicUser: () => registerPublicUser(ready()),
    call: (session, opts) => call(ready().app, session, opts),
  };
}

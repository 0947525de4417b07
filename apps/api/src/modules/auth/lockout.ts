import { createHash } from 'node:crypto';
import { and, eq, gt, inArray, lt, or, isNull, sql } from 'drizzle-orm';
import { loginThrottle, trustedDevices } from '../../db/schema/auth.js';
import type { Db, Executor } from '../../infra/db.js';
import { hashToken } from './tokens.js';

/**
 * Sign-in lockout, counted in PostgreSQL (it keeps counting when Redis is away, and every API process
 * shares it). Two scopes:
 *
 *  - account + address: 5 failures within 15 minutes lock that email from that IP for 15 minutes;
 *  - account, any address: 20 failures within an hour, however spread over addresses, lock the
 *    account for an hour, except for browsers it has signed in from before (a device cookie).
 *
 * The trade-off of the second scope: a lock that anyone can trigger is a denial-of-service lever. So
 * it bounds what an attacker gains (at most 20 guesses an hour per account, whatever the number of
 * addresses: about 500 a day, against new passwords that must score "safely unguessable", ~10^8
 * guesses) while the owner's usual browsers are never locked by strangers' guesses, and on a new
 * device a password reset (which lifts every lock) gets them in at once. Unknown emails count and
 * lock exactly like real ones, so the lockout reveals nothing about which accounts exist.
 */
export const LOCKOUT_ATTEMPTS = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60_000;
export const ACCOUNT_LOCKOUT_ATTEMPTS = 20;
export const ACCOUNT_LOCKOUT_WINDOW_MS = 60 * 60_000;
export const ACCOUNT_LOCK_MS = 60 * 60_000;
/** A browser that has not signed in for this long is no longer trusted. */
export const DEVICE_TRUST_MS = 180 * 24 * 3600_000;

interface Scope {
  key: string;
  attempts: number;
  windowMs: number;
  lockMs: number;
}

export interface ThrottleKeys {
  subject: string;
  address: Scope;
  account: Scope;
}

export type LockScope = 'address' | 'account';

const digest = (value: string) => createHash('sha256').update(value).digest('base64url');
const ms = (n: number) => sql`(${n}::double precision * interval '1 millisecond')`;

export class LoginThrottle {
  constructor(private readonly db: Db) {}

  /** Keys are hashes: the table never holds an email or an address. */
  keys(email: string, ip: string | null): ThrottleKeys {
    return {
      subject: digest(`subject|${email}`),
      address: {
        key: digest(`address|${email}|${ip ?? ''}`),
        attempts: LOCKOUT_ATTEMPTS,
        windowMs: LOCKOUT_WINDOW_MS,
        lockMs: LOCKOUT_WINDOW_MS,
      },
      account: {
        key: digest(`account|${email}`),
        attempts: ACCOUNT_LOCKOUT_ATTEMPTS,
        windowMs: ACCOUNT_LOCKOUT_WINDOW_MS,
        lockMs: ACCOUNT_LOCK_MS,
      },
    };
  }

  /** Milliseconds each scope stays locked (0: not locked). */
  async locks(keys: ThrottleKeys): Promise<Record<LockScope, number>> {
    const rows = await this.db
      .select({
        key: loginThrottle.key,
        remaining: sql<number>`ceil(extract(epoch from (${loginThrottle.lockedUntil} - now())) * 1000)::int`,
      })
      .from(loginThrottle)
      .where(
        and(
          inArray(loginThrottle.key, [keys.address.key, keys.account.key]),
          gt(loginThrottle.lockedUntil, sql`now()`),
        ),
      );
    const left = (key: string) => Math.max(0, rows.find((r) => r.key === key)?.remaining ?? 0);
    return { address: left(keys.address.key), account: left(keys.account.key) };
  }

  /** Count a failure in both scopes; returns the scopes this failure locked. */
  async fail(keys: ThrottleKeys): Promise<LockScope[]> {
    const locked: LockScope[] = [];
    for (const scope of ['address', 'account'] as const) {
      if (await this.count(keys.subject, keys[scope])) locked.push(scope);
    }
    // Now and then, drop counters whose window and lock have both passed.
    if (Math.random() < 0.02) await this.sweep();
    return locked;
  }

  private async count(subject: string, scope: Scope): Promise<boolean> {
    const expired = sql`login_throttle.window_started_at <= now() - ${ms(scope.windowMs)}`;
    const [row] = await this.db
      .insert(loginThrottle)
      .values({ key: scope.key, subject, failures: 1, windowStartedAt: sql`now()` })
      .onConflictDoUpdate({
        target: loginThrottle.key,
        set: {
          failures: sql`case when ${expired} then 1 else login_throttle.failures + 1 end`,
          windowStartedAt: sql`case when ${expired} then now() else login_throttle.window_started_at end`,
        },
      })
      .returning({ failures: loginThrottle.failures });
    if (row!.failures < scope.attempts) return false;
    // The lock starts a fresh window: after it, another full allowance, no more.
    await this.db
      .update(loginThrottle)
      .set({ lockedUntil: sql`now() + ${ms(scope.lockMs)}`, failures: 0, windowStartedAt: sql`now()` })
      .where(eq(loginThrottle.key, scope.key));
    return true;
  }

  /** A successful sign-in clears the failures from its address (the account-wide count stays). */
  async succeeded(keys: ThrottleKeys) {
    await this.db.delete(loginThrottle).where(eq(loginThrottle.key, keys.address.key));
  }

  /** Lift every lock and counter on an email (after a password reset proved control of the mailbox). */
  async clear(executor: Executor, email: string) {
    await executor.delete(loginThrottle).where(eq(loginThrottle.subject, digest(`subject|${email}`)));
  }

  async sweep() {
    await this.db
      .delete(loginThrottle)
      .where(
        and(
          lt(loginThrottle.windowStartedAt, sql`now() - interval '1 day'`),
          or(isNull(loginThrottle.lockedUntil), lt(loginThrottle.lockedUntil, sql`now()`)),
        ),
      );
  }

  /** Has this browser signed in to this account before (recently enough)? */
  async trusted(userId: string, deviceToken: string | undefined): Promise<boolean> {
    if (!deviceToken || deviceToken.length > 100) return false;
    const [row] = await this.db
      .select({ userId: trustedDevices.userId })
      .from(trustedDevices)
      .where(
        and(
          eq(trustedDevices.tokenHash, hashToken(deviceToken)),
          eq(trustedDevices.userId, userId),
          gt(trustedDevices.lastUsedAt, sql`now() - ${ms(DEVICE_TRUST_MS)}`),
        ),
      )
      .limit(1);
    return !!row;
  }

  /** Remember this browser for this account (inside the sign-in's transaction). */
  async trust(executor: Executor, userId: string, deviceToken: string) {
    await executor
      .insert(trustedDevices)
      .values({ tokenHash: hashToken(deviceToken), userId })
      .onConflictDoUpdate({
        target: [trustedDevices.tokenHash, trustedDevices.userId],
        set: { lastUsedAt: sql`now()` },
      });
  }

  /** Forget browsers not seen within the trust period (they would no longer count as known); returns how many. */
  async forgetUnused(): Promise<number> {
    const gone = await this.db
      .delete(trustedDevices)
      .where(lt(trustedDevices.lastUsedAt, sql`now() - ${ms(DEVICE_TRUST_MS)}`))
      .returning({ userId: trustedDevices.userId });
    return gone.length;
  }

  /** Forget every browser of an account (after a password reset: one of them may be the attacker's). */
  async forgetDevices(executor: Executor, userId: string) {
    await executor.delete(trustedDevices).where(eq(trustedDevices.userId, userId));
  }
}

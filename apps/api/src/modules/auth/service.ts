import { createHash } from 'node:crypto';
import { and, eq, gt, ne, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { normalizePhone, type SessionUser, type StaffStatus, type Role } from '@oslrs/core';
import { sessions } from '../../db/schema/sessions.js';
import { users } from '../../db/schema/users.js';
import type { Db, Executor } from '../../infra/db.js';
import type { KeyValueStore } from '../../infra/kv.js';
import {
  DomainError,
  Forbidden,
  Gone,
  Invalid,
  TooManyRequests,
  Unauthorized,
  isUniqueViolation,
} from '../../errors.js';
import type { Actor } from '../../access/index.js';
import { recordAudit } from '../audit/index.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.js';
import { csrfTokenFor, hashToken, newToken } from './tokens.js';

export const LOCKOUT_ATTEMPTS = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60_000;
const SESSION_CACHE_MS = 60_000;

interface CachedSession {
  user: SessionUser;
  expiresAt: number;
}

export interface LoginResult {
  token: string;
  csrfToken: string;
  user: SessionUser;
  expiresAt: Date;
}

export function toSessionUser(row: typeof users.$inferSelect): SessionUser {
  return {
    id: row.id,
    email: row.email,
    fullName: row.fullName,
    role: row.role as Role,
    status: row.status as StaffStatus,
    lga: row.lgaCode,
  };
}

export class AuthService {
  constructor(
    private readonly db: Db,
    private readonly kv: KeyValueStore,
    private readonly sessionTtlMs: number,
  ) {}

  async login(email: string, password: string, ctx: Actor, userAgent: string | null): Promise<LoginResult> {
    // Counters key on a hash: the store never holds the email itself.
    const who = createHash('sha256')
      .update(`${email}|${ctx.ip ?? ''}`)
      .digest('base64url');
    const lockKey = `lock:${who}`;
    // Without the counter store (Redis down) sign-in stays possible; the route's rate limit still applies.
    const lockedFor = await this.kv.ttl(lockKey).catch(() => 0);
    if (lockedFor > 0) {
      throw TooManyRequests(
        'ACCOUNT_LOCKED',
        'Too many failed sign-in attempts. Try again later.',
        Math.ceil(lockedFor / 1000),
      );
    }

    const [user] = await this.db
      .select()
      .from(users)
      .where(eq(sql`lower(${users.email})`, email))
      .limit(1);
    const ok = user?.passwordHash
      ? await verifyPassword(user.passwordHash, password)
      : (await burnPasswordCheck(password), false);
    if (!user || !ok) {
      const { count } = await this.kv.incr(`fail:${who}`, LOCKOUT_WINDOW_MS).catch(() => ({ count: 0 }));
      if (count >= LOCKOUT_ATTEMPTS) {
        await this.kv.set(lockKey, '1', LOCKOUT_WINDOW_MS).catch(() => {});
        await this.kv.del([`fail:${who}`]).catch(() => {});
      }
      await recordAudit(this.db, ctx, {
        action: count >= LOCKOUT_ATTEMPTS ? 'auth.locked' : 'auth.login_failed',
        targetType: 'user',
        targetId: user?.id ?? null,
      });
      throw Unauthorized('INVALID_CREDENTIALS', 'Email or password is incorrect');
    }
    if (user.status !== 'active') {
      throw Forbidden(
        user.status === 'suspended' ? 'ACCOUNT_SUSPENDED' : 'ACCOUNT_DEACTIVATED',
        `This account is ${user.status}. Contact the registry's administrator.`,
      );
    }
    await this.kv.del([`fail:${who}`]).catch(() => {});

    const token = newToken();
    const expiresAt = new Date(Date.now() + this.sessionTtlMs);
    await this.db.transaction(async (tx) => {
      await tx.insert(sessions).values({
        id: uuidv7(),
        tokenHash: hashToken(token),
        userId: user.id,
        expiresAt,
        ip: ctx.ip,
        userAgent: userAgent?.slice(0, 300) ?? null,
      });
      await tx.update(users).set({ lastLoginAt: new Date() }).where(eq(users.id, user.id));
      await recordAudit(
        tx,
        { ...ctx, id: user.id, role: user.role as Role },
        {
          action: 'auth.login',
          targetType: 'user',
          targetId: user.id,
        },
      );
    });
    return { token, csrfToken: csrfTokenFor(token), user: toSessionUser(user), expiresAt };
  }

  /** Residents create their own account (role public_user) and are signed in at once. */
  async register(
    body: { fullName: string; email: string; phone: string; password: string },
    ctx: Actor,
    userAgent: string | null,
  ): Promise<LoginResult> {
    const phone = normalizePhone(body.phone);
    if (!phone)
      throw new DomainError('PHONE_INVALID', 'Enter a Nigerian phone number, e.g. 0803 123 4567', {
        field: 'phone',
      });
    const passwordHash = await hashPassword(body.password);
    const id = uuidv7();
    try {
      await this.db.transaction(async (tx) => {
        await tx.insert(users).values({
          id,
          email: body.email,
          fullName: body.fullName,
          phone,
          role: 'public_user',
          status: 'active',
          passwordHash,
          activatedAt: new Date(),
        });
        await recordAudit(
          tx,
          { ...ctx, id, role: 'public_user' },
          { action: 'auth.registered', targetType: 'user', targetId: id },
        );
      });
    } catch (err) {
      if (isUniqueViolation(err, 'users_email_lower_uq')) {
        throw new DomainError('EMAIL_EXISTS', 'An account with this email already exists; sign in instead', {
          field: 'email',
        });
      }
      throw err;
    }
    return this.login(body.email, body.password, ctx, userAgent);
  }

  /** The hot path of every signed-in request: cache first, then one indexed join. */
  async resolveSession(token: string): Promise<SessionUser | null> {
    if (token.length > 100) return null;
    const hash = hashToken(token);
    const cacheKey = `sess:${hash}`;
    const cached = await this.kv.get(cacheKey).catch(() => null);
    if (cached) {
      const entry = JSON.parse(cached) as CachedSession;
      if (entry.expiresAt > Date.now()) return entry.user;
    }
    const [row] = await this.db
      .select({ user: users, expiresAt: sessions.expiresAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, hash), gt(sessions.expiresAt, new Date())))
      .limit(1);
    if (!row || row.user.status !== 'active') return null;
    const user = toSessionUser(row.user);
    const expiresAt = row.expiresAt.getTime();
    await this.kv
      .set(
        cacheKey,
        JSON.stringify({ user, expiresAt } satisfies CachedSession),
        Math.min(SESSION_CACHE_MS, expiresAt - Date.now()),
      )
      .catch(() => {});
    return user;
  }

  async logout(token: string, ctx: Actor) {
    const hash = hashToken(token);
    await this.db.transaction(async (tx) => {
      await tx.delete(sessions).where(eq(sessions.tokenHash, hash));
      await recordAudit(tx, ctx, { action: 'auth.logout', targetType: 'user', targetId: ctx.id });
    });
    await this.kv.del([`sess:${hash}`]).catch(() => {});
  }

  /**
   * End a person's sessions inside the caller's transaction; returns the cache keys to drop
   * once it has committed (dropping them earlier could let a request re-cache the old session).
   */
  async endSessions(tx: Executor, userId: string, keepToken?: string): Promise<string[]> {
    const keep = keepToken ? hashToken(keepToken) : undefined;
    const ended = await tx
      .delete(sessions)
      .where(keep ? and(eq(sessions.userId, userId), ne(sessions.tokenHash, keep)) : eq(sessions.userId, userId))
      .returning({ hash: sessions.tokenHash });
    return ended.map((s) => `sess:${s.hash}`);
  }

  /** Cache keys of a person's live sessions, to drop after a change that alters what the cache holds. */
  async sessionCacheKeys(tx: Executor, userId: string): Promise<string[]> {
    const live = await tx.select({ hash: sessions.tokenHash }).from(sessions).where(eq(sessions.userId, userId));
    return live.map((s) => `sess:${s.hash}`);
  }

  async forgetSessions(cacheKeys: string[]) {
    // The cache entries expire within a minute anyway; a Redis outage must not fail the change itself.
    await this.kv.del(cacheKeys).catch(() => {});
  }

  async activate(token: string, password: string, ctx: Actor): Promise<SessionUser> {
    const hash = hashToken(token);
    const [user] = await this.db.select().from(users).where(eq(users.activationTokenHash, hash)).limit(1);
    if (!user || user.status !== 'invited') {
      throw Invalid('TOKEN_INVALID', 'This activation link is not valid. Ask the administrator for a new one.');
    }
    if (!user.activationExpiresAt || user.activationExpiresAt.getTime() < Date.now()) {
      throw Gone('TOKEN_EXPIRED', 'This activation link has expired. Ask the administrator for a new one.');
    }
    const passwordHash = await hashPassword(password);
    const updated = await this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(users)
        .set({
          passwordHash,
          status: 'active',
          activatedAt: new Date(),
          activationTokenHash: null,
          activationExpiresAt: null,
          updatedAt: new Date(),
        })
        // Guarded on the token and status: two concurrent activations can't both win.
        .where(and(eq(users.id, user.id), eq(users.activationTokenHash, hash), eq(users.status, 'invited')))
        .returning();
      if (!row) throw Invalid('TOKEN_INVALID', 'This activation link has already been used.');
      await recordAudit(
        tx,
        { ...ctx, id: row.id, role: row.role as Role },
        {
          action: 'auth.activate',
          targetType: 'user',
          targetId: row.id,
          before: { status: 'invited' },
          after: { status: 'active' },
        },
      );
      return row;
    });
    return toSessionUser(updated);
  }

  async changePassword(user: SessionUser, currentToken: string, current: string, next: string, ctx: Actor) {
    const [row] = await this.db.select().from(users).where(eq(users.id, user.id)).limit(1);
    if (!row?.passwordHash || !(await verifyPassword(row.passwordHash, current))) {
      throw new DomainError('PASSWORD_INCORRECT', 'The current password is incorrect');
    }
    if (current === next) throw Invalid('PASSWORD_UNCHANGED', 'Choose a password different from the current one');
    const passwordHash = await hashPassword(next);
    const dropped = await this.db.transaction(async (tx) => {
      await tx.update(users).set({ passwordHash, updatedAt: new Date() }).where(eq(users.id, user.id));
      await recordAudit(tx, ctx, { action: 'auth.password_changed', targetType: 'user', targetId: user.id });
      // Other devices are signed out; this one stays.
      return this.endSessions(tx, user.id, currentToken);
    });
    await this.forgetSessions(dropped);
  }
}

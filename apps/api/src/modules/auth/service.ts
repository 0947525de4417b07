import { and, count, eq, gt, inArray, isNull, lt, ne, or, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { isLocale, normalizePhone, type Locale, type SessionUser, type StaffStatus, type Role } from '@oslrs/core';
import { passwordResetTokens } from '../../db/schema/auth.js';
import { sessions } from '../../db/schema/sessions.js';
import { users } from '../../db/schema/users.js';
import { deleteInBatches, type Db, type Executor } from '../../infra/db.js';
import type { LocalSessionCache } from './session-cache.js';
import type { KeyValueStore } from '../../infra/kv.js';
import type { ListCounts } from '../../infra/list-count.js';
import type { Mailer } from '../../infra/mail.js';
import { DomainError, Forbidden, Gone, Invalid, TooManyRequests, Unauthorized } from '../../errors.js';
import { systemActor, type Actor } from '../../access/index.js';
import { countRecentAudits, recordAudit } from '../audit/index.js';
import { HOUSEKEEPING_EVERY_MS, defineJob, type JobType, type JobsService } from '../jobs/index.js';
import { LoginThrottle, type LockScope } from './lockout.js';
import { burnPasswordCheck, hashPassword, verifyPassword } from './passwords.js';
import { assertStrongPassword } from './strength.js';
import { STAFF_LIST } from './users.repository.js';
import { csrfTokenFor, hashToken, newToken } from './tokens.js';
import type { PiiCipher } from '../../infra/pii.js';
import { readerLocale, textsFor } from '../../i18n/texts.js';

export { LOCKOUT_ATTEMPTS, LOCKOUT_WINDOW_MS } from './lockout.js';
const SESSION_CACHE_MS = 60_000;
/** Job types: the account-dependent half of registration and password reset runs off the request path. */
export const REGISTER_JOB = defineJob('auth.register');
export const PASSWORD_RESET_JOB = defineJob('auth.password_reset');
/** At most this many reset emails per account per hour, however many addresses ask. */
const RESET_MAILS_PER_HOUR = 3;
/** Likewise for registration mails to an email that already has an account (or a pending one). */
const REGISTER_MAILS_PER_HOUR = 3;

export const REGISTER_ACCEPTED =
  'Check your email: we have sent a message to this address about your registration. Follow it to continue.';
export const RESET_ACCEPTED =
  'If an account uses this email address, we have sent it a link to set a new password. The link works once.';
interface CachedSession {
  user: SessionUser;
  expiresAt: number;
}

export interface LoginResult {
  token: string;
  csrfToken: string;
  user: SessionUser;
  expiresAt: Date;
  /** The browser's device token (kept in a long-lived cookie): it is trusted for this account now. */
  deviceToken: string;
}

export interface AuthOptions {
  sessionTtlMs: number;
  registrationTtlMs: number;
  passwordResetTtlMs: number;
  /** Links in emails start here. */
  publicUrl: string;
}

export function toSessionUser(row: typeof users.$inferSelect): SessionUser {
  return {
    id: row.id,
    email: row.email,
    fullName: row.fullName,
    role: row.role as Role,
    status: row.status as StaffStatus,
    lga: row.lgaCode,
    locale: isLocale(row.locale) ? row.locale : null,

    ...(row.mustChangePassword ? { mustChangePassword: true } : {}),
  };
}

const lockedError = (ms: number, scope: LockScope) =>
  TooManyRequests(
    'ACCOUNT_LOCKED',
    scope === 'account'
      ? 'Too many failed sign-in attempts on this account. Try again later, or reset your password.'
      : 'Too many failed sign-in attempts. Try again later.',
    Math.ceil(ms / 1000),
  );

export class AuthService {
  readonly throttle: LoginThrottle;

  constructor(
    private readonly db: Db,
    private readonly kv: KeyValueStore,
    private readonly options: AuthOptions,
    private readonly mailer: Mailer,
    private readonly jobs: JobsService,
    private readonly pii: PiiCipher,
    private readonly local: LocalSessionCache,
    /** The staff list's cached totals: an activation moves someone from invited to active. */
    private readonly listCounts?: ListCounts,
  ) {
    this.throttle = new LoginThrottle(db);
  }

  /** `deviceToken`: the browser's device cookie, if any (see LoginThrottle: trusted browsers). */
  async login(
    email: string,
    password: string,
    ctx: Actor,
    userAgent: string | null,
    deviceToken?: string,
  ): Promise<LoginResult> {
    const keys = this.throttle.keys(email, ctx.ip);
    const [user] = await this.db
      .select()
      .from(users)
      .where(eq(sql`lower(${users.email})`, email))
      .limit(1);
    // PostgreSQL holds the counters: with Redis away the lockout still counts (and with PostgreSQL
    // away there is no sign-in at all), so it can only fail closed.
    const locks = await this.throttle.locks(keys);
    if (locks.address > 0) throw lockedError(locks.address, 'address');
    if (locks.account > 0 && !(user && (await this.throttle.trusted(user.id, deviceToken)))) {
      throw lockedError(locks.account, 'account');
    }

    const ok = user?.passwordHash
      ? await verifyPassword(user.passwordHash, password)
      : (await burnPasswordCheck(password), false);
    if (!user || !ok) {
      const locked = await this.throttle.fail(keys);
      await recordAudit(this.db, ctx, {
        action: locked.length ? 'auth.locked' : 'auth.login_failed',
        targetType: 'user',
        targetId: user?.id ?? null,
        ...(locked.length ? { after: { scope: locked } } : {}),
      });
      throw Unauthorized('INVALID_CREDENTIALS', 'Email or password is incorrect');
    }
    if (user.status !== 'active') {
      throw Forbidden(
        user.status === 'suspended' ? 'ACCOUNT_SUSPENDED' : 'ACCOUNT_DEACTIVATED',
        `This account is ${user.status}. Contact the registry's administrator.`,
      );
    }
    await this.throttle.succeeded(keys);
    return this.startSession(user, ctx, userAgent, deviceToken, 'auth.login');
  }

  /** A new session for `user` (and this browser trusted for the account), in one transaction. */
  private async startSession(
    user: typeof users.$inferSelect,
    ctx: Actor,
    userAgent: string | null,
    deviceToken: string | undefined,
    action: string,
  ): Promise<LoginResult> {
    const token = newToken();
    const device = deviceToken && /^[\w-]{20,100}$/.test(deviceToken) ? deviceToken : newToken();
    const expiresAt = new Date(Date.now() + this.options.sessionTtlMs);
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
      await this.throttle.trust(tx, user.id, device);
      await recordAudit(
        tx,
        { ...ctx, id: user.id, role: user.role as Role },
        { action, targetType: 'user', targetId: user.id },
      );
    });
    return { token, csrfToken: csrfTokenFor(token), user: toSessionUser(user), expiresAt, deviceToken: device };
  }

  /**
   * A resident asks for an account. The answer is the same whether or not the email is taken, and
   * so is the work done before answering (one job row, one enqueue): the account-dependent part runs
   * in the job. A new email gets a link to confirm it and choose a password; an email that already
   * has an account gets a note saying so (sign in, or reset the password), so its owner is told and
   * nobody else learns anything.
   */
  async register(body: { fullName: string; email: string; phone: string }, ctx: Actor): Promise<void> {
    const phone = normalizePhone(body.phone);
    if (!phone)
      throw new DomainError('PHONE_INVALID', 'Enter a Nigerian phone number, e.g. 0803 123 4567', {
        field: 'phone',
      });
    // Sealed even in the job's input: the job row reaches the write-ahead log before the job runs.
    await this.enqueueJob(
      REGISTER_JOB,
      // The request's language for the mails when the account has none; the device's choice, if it
      // made one, for the new account.
      {
        fullName: body.fullName,
        email: body.email,
        phone: this.pii.seal(phone, 'phone'),
        locale: ctx.locale ?? null,
        keepLocale: ctx.chosenLocale ?? null,
      },
      ctx,
    );
  }

  private async enqueueJob(type: JobType, input: Record<string, unknown>, ctx: Actor) {
    const row = await this.jobs.create(this.db, {
      type,
      input: { ...input, ip: ctx.ip, requestId: ctx.requestId },
      total: 1,
      createdBy: null,
    });
    await this.jobs.enqueue(row);
  }

  /**
   * Run one registration or reset job exactly once: the job row is locked, the work, its email and
   * the job's completion commit together, and the personal data in the job's input is dropped then.
   */
  /** The auth module's background jobs: registration and password-reset mail. */
  registerJobs(jobs: JobsService) {
    jobs.register(REGISTER_JOB, (id) => this.runRegistration(id));
    jobs.register(PASSWORD_RESET_JOB, (id) => this.runPasswordReset(id));
    jobs.addTicker(HOUSEKEEPING_EVERY_MS, () => this.sweepExpired());
  }

  /**
   * Deletes what no sign-in can use any more, and which still names a person's browser and address:
   * sessions past their expiry (in batches), browsers not seen within the trust period, and login
   * counters whose window and lock have both passed. Once an hour in the job worker.
   */
  async sweepExpired(batch = 10_000): Promise<{ sessions: number; devices: number }> {
    const ended = await deleteInBatches(batch, async (max) => {
      const due = this.db
        .select({ id: sessions.id })
        .from(sessions)
        .where(lt(sessions.expiresAt, sql`now()`))
        .limit(max);
      return (await this.db.delete(sessions).where(inArray(sessions.id, due)).returning({ id: sessions.id })).length;
    });
    const devices = await this.throttle.forgetUnused();
    await this.throttle.sweep();
    return { sessions: ended, devices };
  }

  private async runOnce(jobId: string, work: (tx: Executor, input: Record<string, string | null>) => Promise<void>) {
    await this.db.transaction(async (tx) => {
      const job = await this.jobs.lockForRun(tx, jobId);
      if (!job) return;
      await work(tx, job.input as Record<string, string | null>);
      await this.jobs.completeAndForget(tx, jobId);
    });
  }

  async runRegistration(jobId: string): Promise<void> {
    await this.runOnce(jobId, async (tx, input) => {
      const email = input.email!;
      const ctx = jobContext(jobId, input);
      const [existing] = await tx
        .select()
        .from(users)
        .where(eq(sql`lower(${users.email})`, email))
        .limit(1)
        .for('update');
      const { publicUrl, registrationTtlMs } = this.options;
      // The account's language if it has one, else the language the request was made in.
      const asked = isLocale(input.locale) ? input.locale : null;
      // What the new account keeps: the device's choice only (jobs queued before it existed: none).
      const keep = isLocale(input.keepLocale) ? input.keepLocale : null;
      const { t } = textsFor(readerLocale(existing?.locale, asked));
      // However many addresses ask, an account's mailbox gets at most a few of these an hour.
      if (
        existing &&
        (await this.recentAudits(tx, existing.id, ['auth.register_existing', 'auth.register_resent'])) >=
          REGISTER_MAILS_PER_HOUR
      ) {
        return;
      }
      if (existing && !(existing.role === 'public_user' && existing.status === 'invited')) {
        await this.mailer.send(
          {
            to: existing.email,
            subject: t('mail.existing.subject'),
            text:
              `${t('mail.existing.intro')}\n\n` +
              `${t('mail.existing.signIn', { url: `${publicUrl}/login` })}\n` +
              `${t('mail.existing.forgot', { url: `${publicUrl}/forgot-password` })}\n\n` +
              `${t('mail.existing.notYou')}\n`,
          },
          tx,
        );
        await recordAudit(tx, ctx, { action: 'auth.register_existing', targetType: 'user', targetId: existing.id });
        return;
      }
      // A new account, or one whose email was never confirmed: (re)issue the link. Only the latest works.
      const token = newToken();
      const expiresAt = new Date(Date.now() + registrationTtlMs);
      let id = existing?.id;
      if (existing) {
        await tx
          .update(users)
          .set({
            fullName: input.fullName!,
            phoneSealed: input.phone ?? null,
            activationTokenHash: hashToken(token),
            activationExpiresAt: expiresAt,
            // Not confirmed yet: the account takes the language it is being asked for in, unless it has one.
            ...(existing.locale || !keep ? {} : { locale: keep }),
            updatedAt: new Date(),
          })
          .where(eq(users.id, existing.id));
      } else {
        id = uuidv7();
        await tx.insert(users).values({
          id,
          email,
          fullName: input.fullName!,
          phoneSealed: input.phone ?? null,
          role: 'public_user',
          status: 'invited',
          activationTokenHash: hashToken(token),
          activationExpiresAt: expiresAt,
          // The language the resident chose on the device they signed up on, so that later mails (and
          // the app) follow it; none when they made no choice (then the device's language rules).
          locale: keep,
        });
      }
      const hours = Math.round(registrationTtlMs / 3600_000);
      await this.mailer.send(
        {
          to: email,
          subject: t('mail.register.subject'),
          text:
            `${t('mail.greeting', { name: input.fullName })}\n\n${t('mail.register.intro', { hours })}\n\n` +
            `${publicUrl}/register/confirm?token=${encodeURIComponent(token)}\n\n` +
            `${t('mail.register.notYou')}\n`,
        },
        tx,
      );
      await recordAudit(tx, ctx, {
        action: existing ? 'auth.register_resent' : 'auth.register_requested',
        targetType: 'user',
        targetId: id!,
      });
    });
  }

  /** How many of these audit entries an account got in the last hour. */
  private async recentAudits(tx: Executor, userId: string, actions: string[]): Promise<number> {
    return countRecentAudits(tx, { type: 'user', id: userId }, actions, 3_600_000);
  }

  /** The emailed link: the email is confirmed, the password set, the account active and signed in. */
  async confirmRegistration(
    token: string,
    password: string,
    ctx: Actor,
    userAgent: string | null,
    deviceToken?: string,
  ): Promise<LoginResult> {
    const hash = hashToken(token);
    const [user] = await this.db
      .select()
      .from(users)
      .where(and(eq(users.activationTokenHash, hash), eq(users.role, 'public_user')))
      .limit(1);
    if (!user || user.status !== 'invited') {
      throw Invalid('TOKEN_INVALID', 'This link is not valid or was already used. Register again to get a new one.');
    }
    if (!user.activationExpiresAt || user.activationExpiresAt.getTime() < Date.now()) {
      throw Gone('TOKEN_EXPIRED', 'This link has expired. Register again to get a new one.');
    }
    await assertStrongPassword(password, [user.email, user.fullName]);
    const passwordHash = await hashPassword(password);
    const activated = await this.db.transaction(async (tx) => {
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
        .where(and(eq(users.id, user.id), eq(users.activationTokenHash, hash), eq(users.status, 'invited')))
        .returning();
      if (!row) throw Invalid('TOKEN_INVALID', 'This link has already been used.');
      await recordAudit(
        tx,
        { ...ctx, id: row.id, role: 'public_user' },
        { action: 'auth.registered', targetType: 'user', targetId: row.id },
      );
      return row;
    });
    return this.startSession(activated, ctx, userAgent, deviceToken, 'auth.login');
  }

  /**
   * Anyone may ask for a reset link for any email: the same answer, after the same work (one job),
   * whether or not an account exists. The job mails a one-time link to an active account.
   */
  async requestPasswordReset(email: string, ctx: Actor): Promise<void> {
    await this.enqueueJob(PASSWORD_RESET_JOB, { email, locale: ctx.locale ?? null }, ctx);
  }

  async runPasswordReset(jobId: string): Promise<void> {
    await this.runOnce(jobId, async (tx, input) => {
      const [user] = await tx
        .select()
        .from(users)
        .where(eq(sql`lower(${users.email})`, input.email!))
        .limit(1)
        // Concurrent requests for one account take turns, so the hourly cap below holds.
        .for('update');
      if (!user || user.status !== 'active') return;
      await tx
        .delete(passwordResetTokens)
        .where(
          and(
            eq(passwordResetTokens.userId, user.id),
            or(lt(passwordResetTokens.expiresAt, sql`now()`), sql`${passwordResetTokens.usedAt} is not null`),
          ),
        );
      // Many requests for one account (from many addresses) must not flood its mailbox.
      const [recent] = await tx
        .select({ n: count() })
        .from(passwordResetTokens)
        .where(
          and(
            eq(passwordResetTokens.userId, user.id),
            gt(passwordResetTokens.createdAt, sql`now() - interval '1 hour'`),
          ),
        );
      if (recent!.n >= RESET_MAILS_PER_HOUR) return;
      const token = newToken();
      const { publicUrl, passwordResetTtlMs } = this.options;
      await tx.insert(passwordResetTokens).values({
        id: uuidv7(),
        userId: user.id,
        tokenHash: hashToken(token),
        expiresAt: sql`now() + ${passwordResetTtlMs}::double precision * interval '1 millisecond'`,
      });
      const minutes = Math.round(passwordResetTtlMs / 60_000);
      // The account's language; one without any gets the language the reset was asked in (not stored:
      // anyone may ask for a reset of any account).
      const { t } = textsFor(readerLocale(user.locale, isLocale(input.locale) ? input.locale : null));
      await this.mailer.send(
        {
          to: user.email,
          subject: t('mail.reset.subject'),
          text:
            `${t('mail.greeting', { name: user.fullName })}\n\n${t('mail.reset.intro', { minutes })}\n\n` +
            `${publicUrl}/reset-password?token=${encodeURIComponent(token)}\n\n` +
            `${t('mail.reset.after')}\n`,
        },
        tx,
      );
      await recordAudit(tx, jobContext(jobId, input), {
        action: 'auth.password_reset_requested',
        targetType: 'user',
        targetId: user.id,
      });
    });
  }

  /** Set a new password from a reset link: the link is spent, and every session of the person ends. */
  async confirmPasswordReset(token: string, password: string, ctx: Actor): Promise<void> {
    const hash = hashToken(token);
    const [found] = await this.db
      .select({
        reset: passwordResetTokens,
        user: users,
        expired: sql<boolean>`${passwordResetTokens.expiresAt} <= now()`,
      })
      .from(passwordResetTokens)
      .innerJoin(users, eq(users.id, passwordResetTokens.userId))
      .where(and(eq(passwordResetTokens.tokenHash, hash), isNull(passwordResetTokens.usedAt)))
      .limit(1);
    if (!found || found.user.status !== 'active') {
      throw Invalid('TOKEN_INVALID', 'This reset link is not valid or was already used. Ask for a new one.');
    }
    if (found.expired) {
      throw Gone('TOKEN_EXPIRED', 'This reset link has expired. Ask for a new one.');
    }
    const { user } = found;
    await assertStrongPassword(password, [user.email, user.fullName]);
    const passwordHash = await hashPassword(password);
    const dropped = await this.db.transaction(async (tx) => {
      const [spent] = await tx
        .update(passwordResetTokens)
        .set({ usedAt: new Date() })
        .where(and(eq(passwordResetTokens.id, found.reset.id), isNull(passwordResetTokens.usedAt)))
        .returning({ id: passwordResetTokens.id });
      if (!spent) throw Invalid('TOKEN_INVALID', 'This reset link has already been used. Ask for a new one.');
      await tx
        .update(users)
        .set({ passwordHash, mustChangePassword: false, updatedAt: new Date() })
        .where(eq(users.id, user.id));
      // Other outstanding links die with this one; so do every lock and every trusted browser.
      await tx
        .delete(passwordResetTokens)
        .where(and(eq(passwordResetTokens.userId, user.id), ne(passwordResetTokens.id, found.reset.id)));
      await this.throttle.clear(tx, user.email.toLowerCase());
      await this.throttle.forgetDevices(tx, user.id);
      const { t } = textsFor(readerLocale(user.locale, ctx.locale));
      await this.mailer.send(
        {
          to: user.email,
          subject: t('mail.passwordChanged.subject'),
          text:
            `${t('mail.greeting', { name: user.fullName })}\n\n` +
            `${t('mail.passwordChanged.body', { url: `${this.options.publicUrl}/forgot-password` })}\n`,
        },
        tx,
      );
      await recordAudit(
        tx,
        { ...ctx, id: user.id, role: user.role as Role },
        { action: 'auth.password_reset', targetType: 'user', targetId: user.id },
      );
      return this.endSessions(tx, user.id);
    });
    await this.forgetSessions(dropped);
  }

  /**
   * The hot path of every signed-in request: this process's copy first (no round trip; see
   * LocalSessionCache), then the shared Redis cache, then one indexed join.
   */
  /**
   * What this process already knows of a session, without waiting: its person when held in the local
   * cache, null for a token that cannot be one, undefined when only `resolveSession` can tell.
   */
  knownSession(token: string): SessionUser | null | undefined {
    if (token.length > 100) return null;
    return this.local.get(hashToken(token)) ?? undefined;
  }

  async resolveSession(token: string): Promise<SessionUser | null> {
    if (token.length > 100) return null;
    const hash = hashToken(token);
    const mine = this.local.get(hash);
    if (mine) return mine;
    const generation = this.local.generation;
    const cacheKey = `sess:${hash}`;
    const cached = await this.kv.get(cacheKey).catch(() => null);
    if (cached) {
      const entry = JSON.parse(cached) as CachedSession;
      if (entry.expiresAt > Date.now()) {
        this.local.set(hash, entry.user, entry.expiresAt, generation);
        return entry.user;
      }
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
    this.local.set(hash, user, expiresAt, generation);
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
    await this.forgetSessions([`sess:${hash}`]);
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
    // The shared cache first, then every process's own copy: a process that hears the message finds
    // nothing in Redis to copy back. The shared entries expire within a minute anyway, the local ones
    // within seconds; a Redis outage must not fail the change itself.
    await this.kv.del(cacheKeys).catch(() => {});
    await this.local.forget(cacheKeys.map((k) => k.slice('sess:'.length))).catch(() => {});
  }

  /** Activates an invited account and signs its owner in (a new session, as at sign-in). */
  async activate(
    token: string,
    password: string,
    ctx: Actor,
    userAgent: string | null = null,
    deviceToken?: string,
  ): Promise<LoginResult> {
    const hash = hashToken(token);
    const [user] = await this.db.select().from(users).where(eq(users.activationTokenHash, hash)).limit(1);
    if (!user || user.status !== 'invited') {
      throw Invalid('TOKEN_INVALID', 'This activation link is not valid. Ask the administrator for a new one.');
    }
    if (!user.activationExpiresAt || user.activationExpiresAt.getTime() < Date.now()) {
      throw Gone('TOKEN_EXPIRED', 'This activation link has expired. Ask the administrator for a new one.');
    }
    await assertStrongPassword(password, [user.email, user.fullName]);
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
    await this.listCounts?.invalidate(STAFF_LIST);
    return this.startSession(updated, ctx, userAgent, deviceToken, 'auth.login');
  }

  /** The account's UI language: kept on the account, and every live session sees it at once. */
  async setLocale(user: SessionUser, locale: Locale): Promise<SessionUser> {
    const { updated, keys } = await this.db.transaction(async (tx) => {
      const [row] = await tx
        .update(users)
        .set({ locale, updatedAt: new Date() })
        .where(eq(users.id, user.id))
        .returning();
      return { updated: row, keys: await this.sessionCacheKeys(tx, user.id) };
    });
    if (!updated) throw Unauthorized('UNAUTHENTICATED', 'Sign in to continue');
    await this.forgetSessions(keys);
    return toSessionUser(updated);
  }

  async changePassword(user: SessionUser, currentToken: string, current: string, next: string, ctx: Actor) {
    const [row] = await this.db.select().from(users).where(eq(users.id, user.id)).limit(1);
    if (!row?.passwordHash || !(await verifyPassword(row.passwordHash, current))) {
      throw new DomainError('PASSWORD_INCORRECT', 'The current password is incorrect');
    }
    if (current === next) throw Invalid('PASSWORD_UNCHANGED', 'Choose a password different from the current one');
    await assertStrongPassword(next, [row.email, row.fullName]);
    const passwordHash = await hashPassword(next);
    const dropped = await this.db.transaction(async (tx) => {
      await tx
        .update(users)
        .set({ passwordHash, mustChangePassword: false, updatedAt: new Date() })
        .where(eq(users.id, user.id));
      await recordAudit(tx, ctx, { action: 'auth.password_changed', targetType: 'user', targetId: user.id });
      // Other devices are signed out; this one stays (its cached user no longer has to change the password).
      const ended = await this.endSessions(tx, user.id, currentToken);
      return [...ended, `sess:${hashToken(currentToken)}`];
    });
    await this.forgetSessions(dropped);
  }
}

function jobContext(jobId: string, input: Record<string, string | null>): Actor {
  return { ...systemActor(input.requestId ?? `job:${jobId}`), ip: input.ip ?? null };
}

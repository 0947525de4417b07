/**
 * Password reset for every kind of account: the same 202 for any email, a one-time short-lived link
 * (stored hashed) by email to an active account, and confirming it ends every session of that person.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { auditLog, jobs, passwordResetTokens, sessions } from '../../db/schema/index.js';
import { call, createUser, login, startTestApp, type TestApp } from '../../../test/harness.js';
import { PASSWORD_RESET_JOB, RESET_ACCEPTED } from './service.js';
import { authJobsSettled, linkToken, mailTo, nthMail } from '../../../test/residents.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

let ipSeq = 0;
const ask = (app: TestApp, email: string) =>
  app.app.inject({
    method: 'POST',
    url: '/api/v1/auth/password-reset',
    payload: { email },
    remoteAddress: `10.2.0.${++ipSeq}`,
  });
const confirm = (token: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/password-reset/confirm', payload: { token, password } });
const resetToken = async (email: string, nth = 1) => linkToken((await nthMail(t, email, nth)).body, '/reset-password');

const NEW_PASSWORD = 'yellow mango rain forty two';

describe('password reset', () => {
  it('answers any email with the same 202; only an existing account gets a link', async () => {
    const u = await createUser(t, 'searcher');
    const known = await ask(t, u.email.toUpperCase());
    const unknown = await ask(t, `ghost.${Date.now()}@nowhere.test`);
    expect(known.statusCode).toBe(202);
    expect(unknown.statusCode).toBe(202);
    expect(known.body).toBe(unknown.body);
    expect(known.json()).toEqual({ message: RESET_ACCEPTED });

    await authJobsSettled(t);
    const mails = await mailTo(t, u.email);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toBe('Reset your OSLRS password');
    const token = linkToken(mails[0]!.body, '/reset-password');
    // Only the hash is stored, with a short life.
    const [row] = await t.database.db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, u.id));
    expect(row!.tokenHash).not.toBe(token);
    expect(row!.tokenHash).toHaveLength(43);
    expect(row!.expiresAt.getTime() - row!.createdAt.getTime()).toBe(60 * 60_000);
    const jobsLeft = await t.database.db.select().from(jobs).where(eq(jobs.type, PASSWORD_RESET_JOB.name));
    expect(jobsLeft.every((j) => j.state === 'completed' && JSON.stringify(j.input) === '{}')).toBe(true);
  });

  it('does no account-dependent work before answering: both requests only queue a job', async () => {
    const api = await startTestApp({ sharedWith: t, redis: false, worker: false });
    try {
      const u = await createUser(t, 'enumerator');
      const known = await ask(api, u.email);
      const unknown = await ask(api, `nobody.${Date.now()}@nowhere.test`);
      expect(known.body).toBe(unknown.body);
      // Answered with no token made and no email written; each request left one queued job.
      expect(
        await t.database.db.select().from(passwordResetTokens).where(eq(passwordResetTokens.userId, u.id)),
      ).toEqual([]);
      expect(await mailTo(t, u.email)).toEqual([]);
      const queued = await t.database.db
        .select()
        .from(jobs)
        .where(and(eq(jobs.type, PASSWORD_RESET_JOB.name), eq(jobs.state, 'queued')));
      expect(queued).toHaveLength(2);
      for (const job of queued) await api.services.jobs.run(PASSWORD_RESET_JOB.name, job.id);
      expect(await mailTo(t, u.email)).toHaveLength(1);
    } finally {
      await api.close();
    }
  });

  it('sets a new password once, ends every session, and the old password stops working', async () => {
    const u = await createUser(t, 'supervisor');
    const phone = await login(t.app, u.email, u.password);
    const laptop = await login(t.app, u.email, u.password);
    await ask(t, u.email);
    const token = await resetToken(u.email);

    const weak = await confirm(token, 'sunshine1234');
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error).toMatchObject({
      code: 'PASSWORD_TOO_WEAK',
      details: { field: 'password', score: expect.any(Number), suggestions: expect.any(Array) },
    });
    // A refused password does not spend the link.
    const ok = await confirm(token, NEW_PASSWORD);
    expect(ok.statusCode, ok.body).toBe(204);

    for (const s of [phone, laptop]) {
      expect((await call(t.app, s, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(401);
    }
    expect(await t.database.db.select().from(sessions).where(eq(sessions.userId, u.id))).toEqual([]);
    const old = await t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { email: u.email, password: u.password },
    });
    expect(old.statusCode).toBe(401);
    await login(t.app, u.email, NEW_PASSWORD);

    const again = await confirm(token, 'a different long passphrase');
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('TOKEN_INVALID');
    // The person is told the password changed.
    const notice = await nthMail(t, u.email, 2);
    expect(notice.subject).toBe('Your OSLRS password was changed');
    const audited = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'auth.password_reset'), eq(auditLog.targetId, u.id)));
    expect(audited).toHaveLength(1);
  });

  it('refuses an expired link with 410 and an unknown one with 400', async () => {
    const u = await createUser(t, 'public_user');
    await ask(t, u.email);
    const token = await resetToken(u.email);
    await t.database.db
      .update(passwordResetTokens)
      .set({ expiresAt: sql`now() - interval '1 second'` })
      .where(eq(passwordResetTokens.userId, u.id));
    const expired = await confirm(token, NEW_PASSWORD);
    expect(expired.statusCode).toBe(410);
    expect(expired.json().error.code).toBe('TOKEN_EXPIRED');
    const unknown = await confirm('x'.repeat(43), NEW_PASSWORD);
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().error.code).toBe('TOKEN_INVALID');
  });

  it('sends nothing to a suspended account, and at most 3 links an hour to any account', async () => {
    const suspended = await createUser(t, 'data_entry_clerk', { status: 'suspended' });
    await ask(t, suspended.email);
    const busy = await createUser(t, 'searcher');
    for (let i = 0; i < 5; i++) expect((await ask(t, busy.email)).statusCode).toBe(202);
    await authJobsSettled(t);
    expect(await mailTo(t, suspended.email)).toEqual([]);
    expect(await mailTo(t, busy.email)).toHaveLength(3);
  });

  it('a used link ends the other outstanding links, and lifts the sign-in lockout', async () => {
    const u = await createUser(t, 'verification_assessor');
    const from = (ip: string, password: string) =>
      t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email: u.email, password },
        remoteAddress: ip,
      });
    for (let i = 0; i < 5; i++) await from('10.2.9.9', 'not-the-password');
    expect((await from('10.2.9.9', u.password)).json().error.code).toBe('ACCOUNT_LOCKED');

    await ask(t, u.email);
    const first = await resetToken(u.email, 1);
    await ask(t, u.email);
    const second = await resetToken(u.email, 2);
    expect((await confirm(second, NEW_PASSWORD)).statusCode).toBe(204);
    expect((await confirm(first, 'another long passphrase ok')).json().error.code).toBe('TOKEN_INVALID');
    expect((await from('10.2.9.9', NEW_PASSWORD)).statusCode).toBe(200);
  });
});

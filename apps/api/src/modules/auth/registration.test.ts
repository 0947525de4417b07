/**
 * Public self-registration: a new email and a taken one get the same answer after the same work on the
 * request path; the account-dependent part (create, or tell the existing owner) happens in a job and
 * reaches only the mailbox. The password is chosen from the emailed link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { auditLog, jobs, mailOutbox, users } from '../../db/schema/index.js';
import {
  ADMIN_EMAIL,
  ADMIN_PASSWORD,
  call,
  createUser,
  login,
  startTestApp,
  type TestApp,
} from '../../../test/harness.js';
import { PASSWORD_RESET_JOB, REGISTER_JOB } from './service.js';
import { opened } from '../../../test/testkit.js';
import { authJobsSettled, linkToken, mailTo, nthMail, RESIDENT_PASSWORD } from '../../../test/residents.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

let n = 0;
const person = (email = `new.resident.${++n}.${Date.now().toString(36)}@public.test`) => ({
  fullName: 'Bisi Adeyemi',
  email,
  phone: '0803 123 4567',
});
const register = (app: TestApp, body: object, ip = `10.1.0.${++n % 250}`) =>
  app.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: body, remoteAddress: ip });
const confirm = (token: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/v1/auth/register/confirm', payload: { token, password } });

describe('registration', () => {
  it('answers 202, mails a link; the link sets the password, activates the account and signs in, once', async () => {
    const p = person();
    const res = await register(t, p);
    expect(res.statusCode, res.body).toBe(202);
    expect(res.cookies).toEqual([]);
    const mail = await nthMail(t, p.email);
    expect(mail.subject).toMatch(/confirm your email/i);
    const token = linkToken(mail.body, '/register/confirm');
    expect(mail.body).toContain(`http://registry.test/register/confirm?token=`);

    // Pending: the account cannot sign in yet, whatever password is tried.
    const [pending] = await t.database.db.select().from(users).where(eq(users.email, p.email));
    expect(opened(t, pending!)).toMatchObject({
      role: 'public_user',
      status: 'invited',
      passwordHash: null,
      phone: '+2348031234567',
    });
    expect(pending!.activationTokenHash).not.toBe(token);

    const weak = await confirm(token, 'password123456');
    expect(weak.statusCode).toBe(400);
    expect(weak.json().error).toMatchObject({ code: 'PASSWORD_TOO_WEAK', details: { field: 'password' } });
    // Built from the person's own name: also refused.
    const personal = await confirm(token, 'bisiadeyemi1');
    expect(personal.statusCode).toBe(400);
    expect(personal.json().error.code).toBe('PASSWORD_TOO_WEAK');

    const ok = await confirm(token, RESIDENT_PASSWORD);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json().user).toMatchObject({ email: p.email, role: 'public_user', status: 'active' });
    const cookie = ok.cookies.find((c) => c.name === 'oslrs_session')!;
    expect(cookie.httpOnly).toBe(true);
    const me = await t.app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { cookie: `oslrs_session=${cookie.value}` },
    });
    expect(me.json().user.email).toBe(p.email);

    const again = await confirm(token, 'another fine passphrase here');
    expect(again.statusCode).toBe(400);
    expect(again.json().error.code).toBe('TOKEN_INVALID');
    await login(t.app, p.email, RESIDENT_PASSWORD);
  });

  it('answers a taken email exactly as a new one, changes nothing, and tells the owner instead', async () => {
    const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const [before] = await t.database.db.select().from(users).where(eq(users.email, ADMIN_EMAIL));
    const fresh = await register(t, person());
    const taken = await register(t, { ...person(ADMIN_EMAIL.toUpperCase()), fullName: 'Mallory' });
    expect(taken.statusCode).toBe(fresh.statusCode);
    expect(taken.body).toBe(fresh.body);
    expect(taken.headers['content-type']).toBe(fresh.headers['content-type']);
    expect(taken.cookies).toEqual(fresh.cookies);

    await authJobsSettled(t);
    const [after] = await t.database.db.select().from(users).where(eq(users.email, ADMIN_EMAIL));
    expect(after).toEqual(before);
    const mails = await mailTo(t, ADMIN_EMAIL);
    expect(mails).toHaveLength(1);
    expect(mails[0]!.subject).toMatch(/already have an OSLRS account/);
    expect(mails[0]!.body).toContain('http://registry.test/forgot-password');
    expect(mails[0]!.body).not.toMatch(/token=/);
    // The owner's session is untouched.
    expect((await call(t.app, admin, { method: 'GET', url: '/api/v1/auth/me' })).statusCode).toBe(200);
    const audited = await t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'auth.register_existing'), eq(auditLog.targetId, before!.id)));
    expect(audited).toHaveLength(1);
  });

  it('mails the owner of a taken email at most 3 times an hour, however many ask', async () => {
    const owner = await createUser(t, 'searcher');
    for (let i = 0; i < 5; i++) expect((await register(t, person(owner.email))).statusCode).toBe(202);
    await authJobsSettled(t);
    expect(await mailTo(t, owner.email)).toHaveLength(3);
  });

  it('does no account-dependent work before answering: both requests only queue a job', async () => {
    // A second API process without a job worker: nothing runs after the answer until we run it.
    const api = await startTestApp({ sharedWith: t, redis: false, worker: false });
    try {
      const p = person();
      const [newRes, takenRes] = [await register(api, p), await register(api, person(ADMIN_EMAIL))];
      expect(newRes.statusCode).toBe(202);
      expect(takenRes.body).toBe(newRes.body);
      // The answers came back with no account created and no email written: that is the job's work.
      expect(await t.database.db.select().from(users).where(eq(users.email, p.email))).toEqual([]);
      expect(await mailTo(t, p.email)).toEqual([]);
      const queued = await t.database.db
        .select()
        .from(jobs)
        .where(and(eq(jobs.type, REGISTER_JOB.name), eq(jobs.state, 'queued')));
      expect(queued.map((j) => (j.input as { email: string }).email).sort()).toEqual([ADMIN_EMAIL, p.email].sort());

      for (const job of queued) await api.services.jobs.run(REGISTER_JOB.name, job.id);
      expect(await mailTo(t, p.email)).toHaveLength(1);
      // Done once, even if delivered twice; the personal data leaves the job row.
      for (const job of queued) await api.services.jobs.run(REGISTER_JOB.name, job.id);
      expect(await mailTo(t, p.email)).toHaveLength(1);
      const done = await t.database.db.select().from(jobs).where(eq(jobs.id, queued[0]!.id));
      expect(done[0]).toMatchObject({ state: 'completed', input: {} });
    } finally {
      await api.close();
    }
  });

  it('registering again before confirming sends a new link; only the newest works', async () => {
    const p = person();
    await register(t, p);
    const first = linkToken((await nthMail(t, p.email, 1)).body, '/register/confirm');
    await register(t, { ...p, fullName: 'Bisi A. Adeyemi' });
    const second = linkToken((await nthMail(t, p.email, 2)).body, '/register/confirm');
    expect(second).not.toBe(first);
    expect((await confirm(first, RESIDENT_PASSWORD)).json().error.code).toBe('TOKEN_INVALID');
    const ok = await confirm(second, RESIDENT_PASSWORD);
    expect(ok.statusCode).toBe(200);
    expect(ok.json().user.fullName).toBe('Bisi A. Adeyemi');
  });

  it('refuses an expired link with 410', async () => {
    const p = person();
    await register(t, p);
    const token = linkToken((await nthMail(t, p.email)).body, '/register/confirm');
    await t.database.db
      .update(users)
      .set({ activationExpiresAt: sql`now() - interval '1 minute'` })
      .where(eq(users.email, p.email));
    const res = await confirm(token, RESIDENT_PASSWORD);
    expect(res.statusCode).toBe(410);
    expect(res.json().error.code).toBe('TOKEN_EXPIRED');
  });

  it('checks the phone number the same way for every email (422), before any job', async () => {
    const bad = await register(t, { ...person(), phone: '12345678' });
    const badTaken = await register(t, { ...person(ADMIN_EMAIL), phone: '12345678' });
    expect(bad.statusCode).toBe(422);
    expect(badTaken.body).toBe(bad.body);
    expect(bad.json().error.code).toBe('PHONE_INVALID');
  });

  it('a staff activation token is not a registration token', async () => {
    const admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
    const invite = await call(t.app, admin, {
      method: 'POST',
      url: '/api/v1/staff',
      payload: {
        fullName: 'Staff Person',
        email: `staff.${n}@example.ng`,
        phone: '08031112222',
        role: 'enumerator',
        lga: 'iseyin',
      },
    });
    const token = new URL(invite.json().activationUrl).searchParams.get('token')!;
    const res = await confirm(token, RESIDENT_PASSWORD);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('TOKEN_INVALID');
    // Unrelated to reset jobs: none were queued by registration.
    const resets = await t.database.db.select().from(jobs).where(eq(jobs.type, PASSWORD_RESET_JOB.name));
    expect(resets).toEqual([]);
    expect(
      await t.database.db.select().from(mailOutbox).where(eq(mailOutbox.subject, 'Reset your OSLRS password')),
    ).toEqual([]);
  });
});

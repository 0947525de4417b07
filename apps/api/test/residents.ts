/**
 * Test-only helpers for the account flows that go through email (only *.test.ts files import this):
 * read the mail outbox as a person reads their mailbox, and register a resident end to end.
 */
import { and, desc, eq, inArray } from 'drizzle-orm';
import { jobs, mailOutbox } from '../src/db/schema/index.js';
import { waitFor, type Session, type TestApp } from './harness.js';

export type Mail = typeof mailOutbox.$inferSelect;

/** Every email sent to `to`, oldest first. */
export async function mailTo(t: TestApp, to: string): Promise<Mail[]> {
  const rows = await t.database.db.select().from(mailOutbox).where(eq(mailOutbox.to, to)).orderBy(mailOutbox.createdAt);
  return rows;
}

/** Wait until `to` has received `n` emails; returns the newest. */
export async function nthMail(t: TestApp, to: string, n = 1): Promise<Mail> {
  const rows = await waitFor(async () => {
    const got = await mailTo(t, to);
    return got.length >= n ? got : null;
  });
  return rows[n - 1]!;
}

/** The token of the first link to `path` in an email body. */
export function linkToken(body: string | null, path: string): string {
  // A body is erased once its mail is sent or its link expired: a test reads it before that.
  if (body === null) throw new Error(`the mail's body (with its ${path} link) was already erased`);
  const m = new RegExp(`https?://\\S+${path.replace(/[/?]/g, '\\$&')}\\?token=([\\w%-]+)`).exec(body);
  if (!m) throw new Error(`no ${path} link in: ${body}`);
  return decodeURIComponent(m[1]!);
}

/** Wait until every registration and reset job has run (queued and running ones are done). */
export async function authJobsSettled(t: TestApp) {
  await waitFor(async () => {
    const pending = await t.database.db
      .select({ id: jobs.id })
      .from(jobs)
      .where(
        and(inArray(jobs.type, ['auth.register', 'auth.password_reset']), inArray(jobs.state, ['queued', 'running'])),
      )
      .orderBy(desc(jobs.createdAt))
      .limit(1);
    return pending.length === 0;
  });
}

export const RESIDENT_PASSWORD = 'kola nut under the mango tree';

/**
 * A resident registers as a browser does: asks for an account, opens the emailed link, chooses a
 * password, and is signed in by the confirmation.
 */
export async function registerResident(
  t: TestApp,
  person: { fullName: string; email: string; phone: string },
  password = RESIDENT_PASSWORD,
): Promise<Session> {
  const before = (await mailTo(t, person.email.toLowerCase())).length;
  const asked = await t.app.inject({ method: 'POST', url: '/api/v1/auth/register', payload: person });
  if (asked.statusCode !== 202) throw new Error(`register failed ${asked.statusCode}: ${asked.body}`);
  const mail = await nthMail(t, person.email.toLowerCase(), before + 1);
  const token = linkToken(mail.body, '/register/confirm');
  const res = await t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/register/confirm',
    payload: { token, password },
  });
  if (res.statusCode !== 200) throw new Error(`register confirm failed ${res.statusCode}: ${res.body}`);
  const cookie = res.cookies.find((c) => c.name === 'oslrs_session')!;
  const body = res.json() as { user: Session['user']; csrfToken: string };
  return { cookie: `oslrs_session=${cookie.value}`, csrfToken: body.csrfToken, user: body.user };
}

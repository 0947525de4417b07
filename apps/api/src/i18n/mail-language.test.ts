/**
 * Every account email in the reader's language (issue 16): the account's stored language when it has
 * one, else the language of the request (the `oslrs_lang` cookie, else Accept-Language), which a new
 * account keeps. The words are the catalogue's (compared with textsFor, not copies), and the links work
 * whatever the language.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { respondents, users } from '../db/schema/index.js';
import { hashToken } from '../modules/auth/index.js';
import { createUser, type Session } from '../../test/harness.js';
import { authJobsSettled, linkToken, mailTo, nthMail, registerResident } from '../../test/residents.js';
import { masterAnswers, publishForm, settled, submissionBody, submit, type Published } from '../../test/testkit.js';
import { useTestApp } from '../../test/use-test-app.js';
import { textsFor } from './texts.js';

const app = useTestApp();
const en = textsFor('en').t;
const yo = textsFor('yo').t;

let n = 0;
const ip = () => `10.16.${Math.floor(++n / 250)}.${n % 250}`;
const uniqueEmail = (what: string) => `${what}.${++n}.${randomUUID().slice(0, 6)}@lang.test`;
const localeOf = async (email: string) =>
  (await app.t.database.db.select().from(users).where(eq(users.email, email)))[0]?.locale ?? null;

describe('the language is chosen per request and kept on the new account', () => {
  it('a sign-up with oslrs_lang=yo gets the Yorùbá mail, its link works, and the account keeps yo', async () => {
    const email = uniqueEmail('yo.signup');
    const res = await app.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { fullName: 'Bísí Adéyẹmí', email, phone: '0803 123 4567' },
      headers: { cookie: 'oslrs_lang=yo', 'accept-language': 'en-GB,en;q=0.9' },
      remoteAddress: ip(),
    });
    expect(res.statusCode, res.body).toBe(202);
    const mail = await nthMail(app.t, email);
    expect(mail.subject).toBe(yo('mail.register.subject'));
    expect(mail.subject).not.toBe(en('mail.register.subject'));
    expect(mail.body).toContain(yo('mail.greeting', { name: 'Bísí Adéyẹmí' }));
    expect(mail.body).toContain(yo('mail.register.intro', { hours: 24 }));
    expect(mail.body).toContain(yo('mail.register.notYou'));
    expect(mail.body).not.toContain('Hello');
    expect(await localeOf(email)).toBe('yo');

    const token = linkToken(mail.body, '/register/confirm');
    const confirmed = await app.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register/confirm',
      payload: { token, password: 'kola nut under the mango tree' },
    });
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    // The account's language is the one the app shows after sign-in too.
    expect(confirmed.json().user.locale).toBe('yo');
  });

  it('Accept-Language alone writes the mail in Yorùbá but stores no language (not a choice); no language at all is English', async () => {
    const byBrowser = uniqueEmail('yo.browser');
    const english = uniqueEmail('en.default');
    for (const [email, headers] of [
      [byBrowser, { 'accept-language': 'yo-NG,en;q=0.5' }],
      [english, {}],
    ] as const) {
      const res = await app.t.app.inject({
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { fullName: 'Ada Okafor', email, phone: '0803 123 4567' },
        headers,
        remoteAddress: ip(),
      });
      expect(res.statusCode, res.body).toBe(202);
    }
    expect((await nthMail(app.t, byBrowser)).subject).toBe(yo('mail.register.subject'));
    // The device may choose another language later: only a choice (the oslrs_lang cookie) is kept.
    expect(await localeOf(byBrowser)).toBeNull();
    const mail = await nthMail(app.t, english);
    expect(mail.subject).toBe(en('mail.register.subject'));
    expect(mail.subject).toBe('Confirm your email to finish your OSLRS registration');
    expect(mail.body).toContain('Hello Ada Okafor,');
    expect(mail.body).toContain('(it works once, within 24 hours)');
    expect(mail.body).toContain('http://registry.test/register/confirm?token=');
    expect(await localeOf(english)).toBeNull();
  });

  it('an existing account is written to in its own language, whatever language the request is in', async () => {
    const owner = await createUser(app.t, 'public_user', { locale: 'yo' });
    const res = await app.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: { fullName: 'Someone Else', email: owner.email, phone: '0803 123 4567' },
      headers: { cookie: 'oslrs_lang=en' },
      remoteAddress: ip(),
    });
    expect(res.statusCode).toBe(202);
    const mail = await nthMail(app.t, owner.email);
    expect(mail.subject).toBe(yo('mail.existing.subject'));
    expect(mail.body).toContain(yo('mail.existing.signIn', { url: 'http://registry.test/login' }));
    expect(mail.body).toContain(yo('mail.existing.forgot', { url: 'http://registry.test/forgot-password' }));
    expect(mail.body).not.toMatch(/token=/);
  });
});

describe('password reset', () => {
  const ask = (email: string, headers: Record<string, string> = {}) =>
    app.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset',
      payload: { email },
      headers,
      remoteAddress: ip(),
    });

  it('a Yorùbá account gets the reset link and the change notice in Yorùbá; the link works', async () => {
    const u = await createUser(app.t, 'public_user', { locale: 'yo' });
    expect((await ask(u.email, { 'accept-language': 'en' })).statusCode).toBe(202);
    await authJobsSettled(app.t);
    const mail = await nthMail(app.t, u.email);
    expect(mail.subject).toBe(yo('mail.reset.subject'));
    expect(mail.body).toContain(yo('mail.reset.intro', { minutes: 60 }));
    expect(mail.body).toContain(yo('mail.reset.after'));
    const token = linkToken(mail.body, '/reset-password');

    const done = await app.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/password-reset/confirm',
      payload: { token, password: 'a brand new long passphrase' },
    });
    expect(done.statusCode, done.body).toBe(204);
    const notice = await nthMail(app.t, u.email, 2);
    expect(notice.subject).toBe(yo('mail.passwordChanged.subject'));
    expect(notice.body).toContain(yo('mail.passwordChanged.body', { url: 'http://registry.test/forgot-password' }));
  });

  it('an account with no language gets the asking request’s, which is not stored; English by default', async () => {
    const asked = await createUser(app.t, 'public_user');
    const plain = await createUser(app.t, 'public_user');
    await ask(asked.email, { cookie: 'oslrs_lang=yo' });
    await ask(plain.email);
    await authJobsSettled(app.t);
    expect((await nthMail(app.t, asked.email)).subject).toBe(yo('mail.reset.subject'));
    // Anyone may ask for a reset of any account: the asker's language does not become the account's.
    expect(await localeOf(asked.email)).toBeNull();
    const english = await nthMail(app.t, plain.email);
    expect(english.subject).toBe('Reset your OSLRS password');
    expect(english.body).toContain('(it works once, within 60 minutes)');
  });
});

describe('staff invitation', () => {
  const invite = (email: string, headers: Record<string, string>) =>
    app.t.app.inject({
      method: 'POST',
      url: '/api/v1/staff',
      payload: {
        fullName: 'Bọ́lá Adéyẹmí',
        email,
        phone: `0803${String(1_000_000 + n).slice(-7)}`,
        role: 'enumerator',
        lga: 'oyo_east',
      },
      headers: {
        ...headers,
        cookie: `${app.admin.cookie}; ${headers.cookie ?? ''}`,
        'x-csrf-token': app.admin.csrfToken,
      },
    });

  it('in the inviting admin’s language (role name too), and the activation link works', async () => {
    const email = uniqueEmail('yo.staff');
    const res = await invite(email, { 'accept-language': 'yo' });
    expect(res.statusCode, res.body).toBe(201);
    const mail = (await mailTo(app.t, email))[0]!;
    expect(mail.subject).toBe(yo('mail.staffInvite.subject'));
    expect(mail.body).toContain(yo('mail.staffInvite.invited', { role: yo('common.role.enumerator') }));
    expect(mail.body).toContain(yo('mail.staffInvite.setPassword', { days: 7 }));
    expect(mail.body).toContain(res.json().activationUrl);
    // The invitee keeps choosing their own language: the admin's is not stored on their account.
    expect(await localeOf(email)).toBeNull();

    const activated = await app.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/activate',
      payload: { token: linkToken(mail.body, '/activate'), password: 'a long staff passphrase here' },
    });
    expect(activated.statusCode, activated.body).toBe(200);
  });

  it('English by default; a reissue follows the invitee’s own language over the admin’s', async () => {
    const email = uniqueEmail('en.staff');
    const res = await invite(email, {});
    expect(res.statusCode, res.body).toBe(201);
    const first = (await mailTo(app.t, email))[0]!;
    expect(first.subject).toBe('Your OSLRS staff account');
    expect(first.body).toContain('as Enumerator.');
    expect(first.body).toContain('expires in 7 days');

    const id = res.json().staff.id as string;
    await app.t.database.db.update(users).set({ locale: 'yo' }).where(eq(users.id, id));
    const again = await app.t.app.inject({
      method: 'POST',
      url: `/api/v1/staff/${id}/invitation`,
      headers: { cookie: `${app.admin.cookie}; oslrs_lang=en`, 'x-csrf-token': app.admin.csrfToken },
    });
    expect(again.statusCode, again.body).toBe(200);
    const second = (await mailTo(app.t, email))[1]!;
    expect(second.subject).toBe(yo('mail.staffInvite.subject'));
    expect(second.body).toContain(again.json().activationUrl);
  });
});

describe('marketplace searcher', () => {
  const register = (email: string, headers: Record<string, string>) =>
    app.t.app.inject({
      method: 'POST',
      url: '/api/v1/searchers/register',
      payload: { fullName: 'Adaeze Okafor', email, password: 'searching for good hands', acceptTerms: true },
      headers,
      remoteAddress: ip(),
    });

  it('a sign-up in Yorùbá gets the Yorùbá confirmation, keeps yo, and the link confirms the email', async () => {
    const email = uniqueEmail('yo.searcher');
    const res = await register(email, { cookie: 'oslrs_lang=yo' });
    expect(res.statusCode, res.body).toBe(201);
    const mail = await nthMail(app.t, email);
    expect(mail.subject).toBe(yo('mail.searcher.subject'));
    expect(mail.body).toContain(yo('mail.searcher.welcome'));
    expect(mail.body).toContain(yo('mail.searcher.confirm', { hours: 48 }));
    expect(await localeOf(email)).toBe('yo');
    const verified = await app.t.app.inject({
      method: 'POST',
      url: '/api/v1/searchers/verify',
      payload: { token: linkToken(mail.body, '/marketplace/verify') },
    });
    expect(verified.statusCode, verified.body).toBeLessThan(300);
  });

  it('English by default, with the same facts as before', async () => {
    const email = uniqueEmail('en.searcher');
    expect((await register(email, {})).statusCode).toBe(201);
    const mail = await nthMail(app.t, email);
    expect(mail.subject).toBe('Confirm your OSLRS marketplace account');
    expect(mail.body).toContain('(the link works once, for 48 hours)');
    expect(await localeOf(email)).toBeNull();
  });
});

describe('NIN completion (a registration without a NIN)', () => {
  let master: Published;
  beforeAll(async () => {
    master = await publishForm(app.t, app.admin);
  });

  async function deferred(resident: Session, email: string) {
    const body = submissionBody(master.versionId, {
      answers: masterAnswers({ nin: undefined, email }),
      ninDeferred: true,
    });
    const res = await submit(app.t, resident, body);
    expect(res.statusCode, res.body).toBe(202);
    const [row] = await settled(app.t, [body.id]);
    expect(row!.status, JSON.stringify(row!.error)).toBe('ingested');
    const [r] = await app.t.database.db.select().from(respondents).where(eq(respondents.id, row!.respondentId!));
    return { mail: await nthMail(app.t, email), respondent: r! };
  }

  it('follows the resident’s account language; the link’s token is the record’s', async () => {
    const resident = await registerResident(app.t, {
      fullName: 'Fọláké Àjàyí',
      email: uniqueEmail('yo.resident'),
      phone: '08030000000',
    });
    const switched = await app.t.app.inject({
      method: 'PUT',
      url: '/api/v1/auth/me/locale',
      payload: { locale: 'yo' },
      headers: { cookie: resident.cookie, 'x-csrf-token': resident.csrfToken },
    });
    expect(switched.statusCode).toBe(200);
    const email = uniqueEmail('yo.deferred');
    const { mail, respondent } = await deferred(resident, email);
    expect(mail.subject).toBe(yo('mail.ninDeferred.subject'));
    expect(mail.body).toContain(yo('mail.ninDeferred.reference', { reference: respondent.reference }));
    expect(mail.body).toContain(yo('mail.ninDeferred.complete', { days: 30 }));
    expect(hashToken(linkToken(mail.body, '/register/complete-nin'))).toBe(respondent.ninCaptureTokenHash);
  });

  it('English for an account with no language', async () => {
    const resident = await registerResident(app.t, {
      fullName: 'Ada Okafor',
      email: uniqueEmail('en.resident'),
      phone: '08030000000',
    });
    const email = uniqueEmail('en.deferred');
    const { mail, respondent } = await deferred(resident, email);
    expect(mail.subject).toBe('Complete your OSLRS registration');
    expect(mail.body).toContain(`Your registration reference is ${respondent.reference}`);
    expect(mail.body).toContain('(the link works once, for 30 days)');
  });
});

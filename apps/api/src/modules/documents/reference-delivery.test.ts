/**
 * Issue 16, items 4 and 5: the registration reference reaches people. A clerk prints the slip of a
 * paper form they typed once it is registered; a resident who registered on the web gets one
 * confirmation email with their reference, in their account's language.
 *
 * The job worker is off in this file: a submission stays `received` until the test ingests it, and
 * the confirmation job runs only when the test runs it (twice at once, where that is the point).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, like, or } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { auditLog, mailOutbox, respondents, users } from '../../db/schema/index.js';
import type { Mailer } from '../../infra/mail.js';
import type { Session } from '../../../test/harness.js';
import { useTestApp } from '../../../test/use-test-app.js';
import { masterAnswers, publishForm, submissionBody, submit, type Published } from '../../../test/testkit.js';
import { readPdf } from '../../../test/pdf.js';
import { UserRepository } from '../auth/index.js';
import { RespondentRepository } from '../respondents/index.js';
import { RegistrationConfirmations, CONFIRMATION_WINDOW_MS } from './confirmations.js';

const app = useTestApp({ worker: false });
const PUBLIC = 'http://registry.test';
let form: Published;

beforeAll(async () => {
  form = await publishForm(app.t, app.admin);
});

/** `who` submits a form; it is stored, not ingested (no worker). */
async function typed(who: Session, answers = masterAnswers()) {
  const body = submissionBody(form.versionId, { answers });
  const res = await submit(app.t, who, body);
  expect(res.statusCode, res.body).toBe(202);
  return { id: body.id, answers };
}

/** What the ingest job does with one submission (a redelivery runs the same). */
const ingest = (id: string) => app.t.services.ingestion.ingest(id);

async function respondentOf(submissionId: string) {
  const [r] = await app.t.database.db.select().from(respondents).where(eq(respondents.firstSubmissionId, submissionId));
  return r!;
}

/** Every mail that names this reference, in its subject or body. */
const mailsNaming = (reference: string) =>
  app.t.database.db
    .select()
    .from(mailOutbox)
    .where(or(like(mailOutbox.subject, `%${reference}%`), like(mailOutbox.body, `%${reference}%`)));

const slipUrl = (id: string, lang = '') => `/api/v1/submissions/${id}/slip.pdf${lang ? `?lang=${lang}` : ''}`;
const get = (who: Session | null, url: string) => app.call(who, { method: 'GET', url });

describe('a clerk prints the slip of a paper form they typed', () => {
  it('not registered yet: 409 SUBMISSION_NOT_REGISTERED; once registered the PDF with its reference; audited', async () => {
    const clerk = await app.as('data_entry_clerk');
    const { id } = await typed(clerk, masterAnswers({ surname: 'Balógun', firstname: 'Ṣadé' }));

    const early = await get(clerk, slipUrl(id));
    expect(early.statusCode).toBe(409);
    expect(early.json().error).toMatchObject({ code: 'SUBMISSION_NOT_REGISTERED', details: { status: 'received' } });

    expect(await ingest(id)).toEqual({ status: 'ingested' });
    const r = await respondentOf(id);
    const res = await get(clerk, slipUrl(id));
    expect(res.statusCode, res.body.slice(0, 300)).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toBe(`inline; filename="registration-${r.reference}.pdf"`);
    const pdf = readPdf(res.rawPayload);
    expect(pdf.text).toContain(r.reference);
    expect(pdf.text).toContain('Ṣadé Balógun');
    expect(pdf.notdef).toBe(0);
    expect(pdf.qrs).toEqual([[`${PUBLIC}/verify/r/${r.reference}`]]);
    // The clerk's language, as every slip.
    const yo = readPdf((await get(clerk, slipUrl(id, 'yo'))).rawPayload);
    expect(yo.text).toContain('Ìwé-ẹ̀rí ìforúkọsílẹ̀');

    // Audited as the staff slip is: the respondent, with the submission it came from.
    const audits = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'respondent.slip_printed'), eq(auditLog.targetId, r.id)));
    expect(audits).toHaveLength(2);
    expect(audits[0]).toMatchObject({
      actorId: clerk.user.id,
      targetType: 'respondent',
      after: { reference: r.reference, submissionId: id },
    });
  });

  it("only the clerk who typed it: another clerk's form and an unknown id answer 404 alike; 401 and 403 for others", async () => {
    const clerk = await app.as('data_entry_clerk');
    const { id } = await typed(clerk);
    await ingest(id);
    expect((await get(clerk, slipUrl(id))).statusCode).toBe(200);

    const other = await app.as('data_entry_clerk');
    const theirs = await get(other, slipUrl(id));
    const unknown = await get(clerk, slipUrl(uuidv7()));
    expect(theirs.statusCode).toBe(404);
    expect(unknown.statusCode).toBe(404);
    expect(theirs.json()).toEqual(unknown.json());

    expect((await get(null, slipUrl(id))).statusCode).toBe(401);
    for (const role of ['enumerator', 'public_user', 'supervisor', 'super_admin'] as const) {
      const res = await get(await app.as(role), slipUrl(id));
      expect(res.statusCode, role).toBe(403);
    }
    // An enumerator's own survey neither: the route is the clerk's.
    const enumerator = await app.as('enumerator');
    const own = await typed(enumerator);
    await ingest(own.id);
    expect((await get(enumerator, slipUrl(own.id))).statusCode).toBe(403);

    // The overseers' route stays theirs: a clerk cannot print any respondent's slip through it.
    const r = await respondentOf(id);
    expect((await get(clerk, `/api/v1/respondents/${r.id}/slip.pdf`)).statusCode).toBe(403);
    expect((await get(app.admin, `/api/v1/respondents/${r.id}/slip.pdf`)).statusCode).toBe(200);
  });

  it('a rejected form has no slip: 409 SUBMISSION_REJECTED with its reason (a NIN already registered)', async () => {
    const clerk = await app.as('data_entry_clerk');
    const first = await typed(clerk);
    await ingest(first.id);
    const again = await typed(clerk, masterAnswers({ nin: first.answers.nin as string, surname: 'Okafor' }));
    expect(await ingest(again.id)).toEqual({ status: 'rejected', code: 'NIN_DUPLICATE' });
    const res = await get(clerk, slipUrl(again.id));
    expect(res.statusCode).toBe(409);
    expect(res.json().error).toMatchObject({ code: 'SUBMISSION_REJECTED', details: { reason: 'NIN_DUPLICATE' } });
    // And nothing was printed or audited for the first registration through the rejected form.
    const r = await respondentOf(first.id);
    const audits = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'respondent.slip_printed'), eq(auditLog.targetId, r.id)));
    expect(audits).toEqual([]);
  });
});

describe('the registration confirmation email', () => {
  const confirmations = () => app.t.services.confirmations;

  /** A resident registers on the web (the public form); the record exists once ingested. */
  async function webRegistration(extra: Parameters<typeof app.as>[1] = {}) {
    const resident = await app.as('public_user', extra);
    const { id, answers } = await typed(resident);
    expect(await ingest(id)).toEqual({ status: 'ingested' });
    return { resident, id, answers, respondent: await respondentOf(id) };
  }

  it('one mail with the reference once a web registration exists: to the account, in English by default', async () => {
    const { resident, answers, respondent } = await webRegistration();
    expect(respondent.confirmationMail).toBeNull();
    expect(await mailsNaming(respondent.reference)).toEqual([]);

    const run = await confirmations().drain();
    expect(run.sent).toBeGreaterThanOrEqual(1);
    const mails = await mailsNaming(respondent.reference);
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail.to).toBe(resident.user.email);
    expect(mail.subject).toBe(`Your registration reference: ${respondent.reference}`);
    expect(mail.expiresAt).toBeNull();
    for (const part of [
      'Hello Folake,',
      `Your registration reference is ${respondent.reference}.`,
      'quote it whenever you contact the registry',
      `${PUBLIC}/my-registration/sign-in`,
      `${PUBLIC}/verify/r/${respondent.reference}`,
      `help desk and quote your reference: ${PUBLIC}/contact`,
    ])
      expect(mail.body).toContain(part);
    // Nothing a stranger could use: no NIN, no phone.
    expect(mail.body).not.toContain(answers.nin as string);
    expect(mail.body).not.toContain(answers.phone_number as string);
    // The public check link answers for this reference.
    const check = await app.t.app.inject({
      method: 'GET',
      url: `/api/v1/verify/registration/${respondent.reference}`,
      remoteAddress: '10.17.0.1',
    });
    expect(check.json()).toMatchObject({ valid: true, reference: respondent.reference });

    const [after] = await app.t.database.db.select().from(respondents).where(eq(respondents.id, respondent.id));
    expect(after!.confirmationMail).toBe('sent');
    // A later run writes nothing more for it.
    await confirmations().drain();
    expect(await mailsNaming(respondent.reference)).toHaveLength(1);
  });

  it('exactly one mail when the job runs twice at once, and when ingestion is delivered again', async () => {
    const { id, respondent } = await webRegistration();
    // Ingestion retried (the queue redelivers, the relay re-enqueues): nothing new happens.
    expect(await ingest(id)).toEqual({ status: 'skipped' });
    const runs = await Promise.all([confirmations().drain(), confirmations().drain(), confirmations().drain()]);
    expect(runs.reduce((n, r) => n + r.sent, 0)).toBe(1);
    expect(await ingest(id)).toEqual({ status: 'skipped' });
    await confirmations().drain();
    expect(await mailsNaming(respondent.reference)).toHaveLength(1);
  });

  it('a second run while the first holds a registration (marked, its mail not yet written) leaves it alone', async () => {
    const { respondent } = await webRegistration();
    // The first run (another worker process) stops inside its transaction, at its first mail.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let reached!: () => void;
    const inside = new Promise<void>((r) => (reached = r));
    const paused: Mailer = {
      async send(message, executor) {
        reached();
        await gate;
        await app.t.runtime.mailer.send(message, executor);
      },
    };
    const first = new RegistrationConfirmations(
      app.t.database.db,
      new RespondentRepository(),
      new UserRepository(),
      paused,
      PUBLIC,
    );
    const firstRun = first.drain();
    await inside;
    // The second run neither waits for it nor writes a mail of its own for that registration.
    expect(await confirmations().drain()).toEqual({ sent: 0, skipped: 0 });
    release();
    expect(await firstRun).toEqual({ sent: 1, skipped: 0 });
    const mails = await mailsNaming(respondent.reference);
    expect(mails).toHaveLength(1);
    await confirmations().drain();
    expect(await mailsNaming(respondent.reference)).toHaveLength(1);
  });

  it("in the account's language: Yoruba, chosen on the account before or after registering", async () => {
    const chosen = await webRegistration({ locale: 'yo' });
    const later = await webRegistration();
    const put = await app.call(later.resident, {
      method: 'PUT',
      url: '/api/v1/auth/me/locale',
      payload: { locale: 'yo' },
    });
    expect(put.statusCode, put.body).toBe(200);
    await confirmations().drain();
    for (const { respondent } of [chosen, later]) {
      const [mail] = await mailsNaming(respondent.reference);
      expect(mail!.subject).toBe(`Nọ́mbà ìtọ́kasí ìforúkọsílẹ̀ rẹ: ${respondent.reference}`);
      expect(mail!.body).toContain('Ẹ n lẹ́ o, Folake,');
      expect(mail!.body).toContain(`Nọ́mbà ìtọ́kasí ìforúkọsílẹ̀ rẹ ni ${respondent.reference}.`);
      expect(mail!.body).toContain(`${PUBLIC}/yo/contact`);
      expect(mail!.body).toContain(`${PUBLIC}/verify/r/${respondent.reference}`);
    }
  });

  it("none for a clerk's or an enumerator's registration (no resident account), even with an email among the answers", async () => {
    const made = [];
    for (const role of ['data_entry_clerk', 'enumerator'] as const) {
      const who = await app.as(role);
      const { id, answers } = await typed(who);
      expect(answers.email).toMatch(/@/);
      await ingest(id);
      made.push(await respondentOf(id));
    }
    await confirmations().drain();
    for (const r of made) {
      expect(await mailsNaming(r.reference), r.source).toEqual([]);
      const [after] = await app.t.database.db.select().from(respondents).where(eq(respondents.id, r.id));
      expect(after!.confirmationMail, r.source).toBeNull();
    }
  });

  it('none once the account is no longer active, or when the registration is older than the window', async () => {
    const closed = await webRegistration();
    await app.t.database.db.update(users).set({ status: 'deactivated' }).where(eq(users.id, closed.resident.user.id));
    await confirmations().drain();
    expect(await mailsNaming(closed.respondent.reference)).toEqual([]);
    const [settled] = await app.t.database.db
      .select()
      .from(respondents)
      .where(eq(respondents.id, closed.respondent.id));
    expect(settled!.confirmationMail).toBe('none');

    // The worker was down longer than the window: an old registration is settled without a mail.
    const old = await webRegistration();
    const late = new RegistrationConfirmations(
      app.t.database.db,
      new RespondentRepository(),
      new UserRepository(),
      app.t.runtime.mailer,
      PUBLIC,
      () => Date.now() + CONFIRMATION_WINDOW_MS + 60_000,
    );
    expect(await late.drain()).toMatchObject({ sent: 0 });
    expect(await mailsNaming(old.respondent.reference)).toEqual([]);
    const [expired] = await app.t.database.db.select().from(respondents).where(eq(respondents.id, old.respondent.id));
    expect(expired!.confirmationMail).toBe('none');
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, isNull } from 'drizzle-orm';
import type { FormSchema } from '@oslrs/core';
import { auditLog, mailOutbox, respondents, submissionOutbox, submissions } from '../../db/schema/index.js';
import { createUser } from '../../../test/harness.js';
import {
  counts,
  freshNin,
  masterAnswerSets,
  masterAnswers,
  opened,
  publishForm,
  settled,
  submissionBody,
  submissionRow,
  submit,
  type Published,
} from '../../../test/testkit.js';
import { useTestApp } from '../../../test/use-test-app.js';

// A bigger pool than the default 5, so the parallel tests really run side by side in PostgreSQL.
const app = useTestApp({ env: { DB_POOL_MAX: '20', WORKER_CONCURRENCY: '16' } });
let master: Published;
beforeAll(async () => {
  master = await publishForm(app.t, app.admin);
});

async function respondentById(id: string) {
  const [r] = await app.t.database.db.select().from(respondents).where(eq(respondents.id, id));
  return opened(app.t, r!);
}

/** The standard error body, typed loosely enough for assertions. */
interface ApiError {
  code: string;
  message: string;
  details: { errors: { field: string; code: string; message?: string }[]; [key: string]: unknown };
}
const errorOf = (res: { json(): unknown }) => (res.json() as { error: ApiError }).error;

describe('one respondent per NIN', () => {
  it('50 parallel submissions of one NIN from 5 enumerators: one respondent, 49 rejected NIN_DUPLICATE naming when and how', async () => {
    const enumerators = await Promise.all(Array.from({ length: 5 }, () => app.as('enumerator')));
    const nin = freshNin();
    const bodies = Array.from({ length: 50 }, (_, i) => ({
      session: enumerators[i % 5]!,
      body: submissionBody(master.versionId, { answers: masterAnswers({ nin, firstname: `Try ${i}` }) }),
    }));
    const before = await counts(app.t);
    const replies = await Promise.all(bodies.map(({ session, body }) => submit(app.t, session, body)));
    expect(replies.map((r) => r.statusCode)).toEqual(Array(50).fill(202));
    const ids = bodies.map((b) => b.body.id);
    // Redelivery racing the worker (at-least-once queue, relay) must change nothing.
    await Promise.all(ids.map((id) => app.t.services.ingestion.ingest(id)));

    const rows = await settled(app.t, ids);
    const holders = await app.t.database.db
      .select()
      .from(respondents)
      .where(eq(respondents.ninHash, app.t.runtime.pii.blindIndex(nin, 'nin')));
    expect(holders).toHaveLength(1);
    const holder = holders[0]!;
    expect(holder).toMatchObject({ status: 'active', source: 'enumerator' });

    const ingested = rows.filter((r) => r.status === 'ingested');
    const rejected = rows.filter((r) => r.status === 'rejected');
    expect(ingested).toHaveLength(1);
    expect(rejected).toHaveLength(49);
    expect(ingested[0]!.respondentId).toBe(holder.id);
    expect(holder.firstSubmissionId).toBe(ingested[0]!.id);
    for (const r of rejected) {
      expect(r.respondentId).toBeNull();
      expect(r.error).toEqual({
        code: 'NIN_DUPLICATE',
        message: `Already registered on ${holder.createdAt.toISOString().slice(0, 10)} through the enumerator channel`,
        details: { firstRegisteredAt: holder.createdAt.toISOString(), source: 'enumerator' },
      });
      expect(r.ingestedAt).toBeInstanceOf(Date);
    }
    // Every rejected submission is kept, with its raw answers, and scored like any other.
    expect(rows.every((r) => r.fraudBand !== null && r.fraudScore !== null)).toBe(true);
    const after = await counts(app.t);
    expect(after.submissions - before.submissions).toBe(50);
    expect(after.respondents - before.respondents).toBe(1);
    const pending = await app.t.database.db
      .select()
      .from(submissionOutbox)
      .where(and(inArray(submissionOutbox.submissionId, ids), isNull(submissionOutbox.doneAt)));
    expect(pending).toEqual([]);
    const created = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'respondent.created'), eq(auditLog.targetId, holder.id)));
    expect(created).toHaveLength(1);

    // The submitter reads the reason through the API.
    const one = rejected[0]!;
    const owner = bodies.find((b) => b.body.id === one.id)!.session;
    const view = await app.call(owner, { method: 'GET', url: `/api/v1/submissions/${one.id}` });
    expect(view.json()).toMatchObject({
      status: 'rejected',
      error: { code: 'NIN_DUPLICATE', details: { source: 'enumerator' } },
    });
  });

  it('a duplicate names the channel that registered the person first', async () => {
    const clerk = await app.as('data_entry_clerk');
    const enumerator = await app.as('enumerator');
    const resident = await app.as('public_user');
    const nin = freshNin();
    const first = submissionBody(master.versionId, { answers: masterAnswers({ nin }) });
    expect((await submit(app.t, clerk, first)).statusCode).toBe(202);
    const [firstRow] = await settled(app.t, [first.id]);
    const holder = await respondentById(firstRow!.respondentId!);
    for (const session of [enumerator, resident]) {
      const again = submissionBody(master.versionId, { answers: masterAnswers({ nin }) });
      expect((await submit(app.t, session, again)).statusCode).toBe(202);
      const [row] = await settled(app.t, [again.id]);
      expect(row).toMatchObject({
        status: 'rejected',
        error: {
          code: 'NIN_DUPLICATE',
          details: { firstRegisteredAt: holder.createdAt.toISOString(), source: 'clerk' },
        },
      });
    }
  });

  it("a staff member's NIN is rejected NIN_DUPLICATE_STAFF and no respondent is created", async () => {
    const nin = freshNin();
    await createUser(app.t, 'supervisor', { nin });
    const enumerator = await app.as('enumerator');
    const body = submissionBody(master.versionId, { answers: masterAnswers({ nin }) });
    const before = await counts(app.t);
    expect((await submit(app.t, enumerator, body)).statusCode).toBe(202);
    const [row] = await settled(app.t, [body.id]);
    expect(row).toMatchObject({ status: 'rejected', respondentId: null, error: { code: 'NIN_DUPLICATE_STAFF' } });
    expect(JSON.stringify(row!.error)).not.toContain(nin);
    const after = await counts(app.t);
    expect(after.respondents).toBe(before.respondents);
    expect(after.submissions).toBe(before.submissions + 1);
  });

  it('ingesting a submission again changes nothing', async () => {
    const enumerator = await app.as('enumerator');
    const body = submissionBody(master.versionId);
    expect((await submit(app.t, enumerator, body)).statusCode).toBe(202);
    const [row] = await settled(app.t, [body.id]);
    const before = await counts(app.t);
    const again = await app.t.services.ingestion.ingest(body.id);
    expect(again).toEqual({ status: 'skipped' });
    expect(await counts(app.t)).toEqual(before);
    expect(await submissionRow(app.t, body.id)).toEqual(row);
    expect(await app.t.services.ingestion.ingest('00000000-0000-4000-8000-000000000000')).toEqual({
      status: 'skipped',
    });
  });
});

describe('respondent fields come from the answers', () => {
  it('maps names, gender, dob, phone (+234), email, LGA, occupation, skills and consents; audits respondent.created', async () => {
    const clerk = await app.as('data_entry_clerk');
    const answers = masterAnswers({ email: ' Folake.Adeyemi@Example.COM ', phone_number: '08031234567' });
    const body = submissionBody(master.versionId, { answers, deviceId: 'clerk-desk-3' });
    expect((await submit(app.t, clerk, body)).statusCode).toBe(202);
    const [row] = await settled(app.t, [body.id]);
    expect(row!.status).toBe('ingested');
    const r = await respondentById(row!.respondentId!);
    expect(r).toMatchObject({
      nin: answers.nin,
      ninVerified: false,
      status: 'active',
      surname: 'Adeyemi',
      firstname: 'Folake',
      gender: 'female',
      dob: '1990-03-14',
      phone: '+2348031234567',
      email: 'folake.adeyemi@example.com',
      lgaCode: 'ibadan_north',
      mainOccupation: 'Tailor',
      employmentType: 'self_employed',
      yearsExperience: '7_10',
      skills: ['tailoring', 'fashion_design', 'bag_making'],
      consentMarketplace: true,
      consentEnriched: true,
      source: 'clerk',
      firstSubmissionId: body.id,
      createdBy: clerk.user.id,
      ninCaptureTokenHash: null,
    });

    const audits = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'respondent.created'), eq(auditLog.targetId, r.id)));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actorId: clerk.user.id,
      actorRole: 'data_entry_clerk',
      targetType: 'respondent',
      requestId: `submission:${body.id}`,
      after: { source: 'clerk', status: 'active', submissionId: body.id },
    });
    const text = JSON.stringify(audits[0]);
    expect(text).not.toContain(answers.nin as string);
    expect(text).not.toContain('8031234567');
  });

  it('a job seeker without consent to the enriched profile: consents are booleans, absent occupation is null', async () => {
    const enumerator = await app.as('enumerator');
    const seeker = { ...masterAnswerSets()[1]!, nin: freshNin() };
    const body = submissionBody(master.versionId, { answers: seeker });
    expect((await submit(app.t, enumerator, body)).statusCode, 'seeker').toBe(202);
    const [row] = await settled(app.t, [body.id]);
    expect(row!.status, JSON.stringify(row!.error)).toBe('ingested');
    const r = await respondentById(row!.respondentId!);
    expect(r).toMatchObject({
      surname: 'Okafor',
      firstname: 'Chinedu',
      gender: 'male',
      dob: '2001-11-02',
      consentMarketplace: true,
      consentEnriched: false,
      mainOccupation: null,
      employmentType: null,
      source: 'enumerator',
    });
  });

  it("a questionnaire's fieldMap maps its own names; NIN spaces are normalised; an unknown LGA is rejected and kept", async () => {
    const mini: FormSchema = {
      formId: 'mini_mapped',
      title: 'Mini mapped form',
      sections: [
        {
          name: 'main',
          label: 'Main',
          questions: [
            { name: 'last_name', type: 'text', label: 'Surname', required: true },
            { name: 'first_name', type: 'text', label: 'First name', required: true },
            { name: 'id_number', type: 'nin', label: 'NIN', required: true },
            { name: 'mobile', type: 'phone', label: 'Phone' },
            { name: 'area', type: 'select_one', label: 'LGA', choiceList: 'areas', required: true },
            { name: 'trades', type: 'select_multiple', label: 'Trades', choiceList: 'trades' },
            { name: 'share', type: 'select_one', label: 'Show me in the marketplace', choiceList: 'yes_no' },
          ],
        },
      ],
      choiceLists: {
        areas: [
          { name: 'ogbomosho_north', label: 'Ogbomosho North' },
          { name: 'atlantis', label: 'Atlantis' },
        ],
        trades: [
          { name: 'welding', label: 'Welding' },
          { name: 'plumbing', label: 'Plumbing' },
        ],
        yes_no: [
          { name: 'yes', label: 'Yes' },
          { name: 'no', label: 'No' },
        ],
      },
      fieldMap: {
        surname: 'last_name',
        firstname: 'first_name',
        nin: 'id_number',
        phone_number: 'mobile',
        lga_id: 'area',
        skills_possessed: 'trades',
        consent_marketplace: 'share',
      },
    };
    const form = await publishForm(app.t, app.admin, mini);
    const enumerator = await app.as('enumerator');
    const digits = freshNin();
    const spaced = `${digits.slice(0, 4)} ${digits.slice(4, 8)} ${digits.slice(8)}`;
    const answers = {
      last_name: 'Bello',
      first_name: 'Sade',
      id_number: spaced,
      mobile: '+234 805 123 4567',
      area: 'ogbomosho_north',
      trades: ['welding'],
      share: 'no',
    };
    const body = submissionBody(form.versionId, { answers });
    expect((await submit(app.t, enumerator, body)).statusCode).toBe(202);
    const [row] = await settled(app.t, [body.id]);
    expect(row!.status, JSON.stringify(row!.error)).toBe('ingested');
    const r = await respondentById(row!.respondentId!);
    expect(r).toMatchObject({
      nin: digits,
      surname: 'Bello',
      firstname: 'Sade',
      phone: '+2348051234567',
      lgaCode: 'ogbomosho_north',
      skills: ['welding'],
      consentMarketplace: false,
      consentEnriched: false,
      gender: null,
      email: null,
    });
    // The same NIN written with dashes is the same person.
    const dashed = submissionBody(form.versionId, {
      answers: { ...answers, id_number: `${digits.slice(0, 5)}-${digits.slice(5)}` },
    });
    expect((await submit(app.t, enumerator, dashed)).statusCode).toBe(202);
    const [dupRow] = await settled(app.t, [dashed.id]);
    expect(dupRow).toMatchObject({ status: 'rejected', error: { code: 'NIN_DUPLICATE' } });

    const before = await counts(app.t);
    const nowhere = submissionBody(form.versionId, {
      answers: { ...answers, id_number: freshNin(), area: 'atlantis' },
    });
    expect((await submit(app.t, enumerator, nowhere)).statusCode).toBe(202);
    const [lost] = await settled(app.t, [nowhere.id]);
    expect(lost).toMatchObject({ status: 'rejected', error: { code: 'LGA_UNKNOWN' } });
    expect(lost!.fraudBand).not.toBeNull();
    const after = await counts(app.t);
    expect(after.respondents).toBe(before.respondents);
    expect(after.submissions).toBe(before.submissions + 1);
  });
});

describe('deferred NIN', () => {
  async function deferredRegistration(email: string) {
    const resident = await app.publicUser();
    const body = submissionBody(master.versionId, {
      answers: masterAnswers({ nin: undefined, email }),
      ninDeferred: true,
    });
    const res = await submit(app.t, resident, body);
    expect(res.statusCode, res.body).toBe(202);
    const [row] = await settled(app.t, [body.id]);
    expect(row!.status, JSON.stringify(row!.error)).toBe('ingested');
    const r = await respondentById(row!.respondentId!);
    const mail = await app.t.database.db.select().from(mailOutbox).where(eq(mailOutbox.to, email));
    expect(mail).toHaveLength(1);
    // The mail (and the token in its body) lasts as long as the link: 30 days.
    expect(mail[0]!.expiresAt!.getTime() - mail[0]!.createdAt.getTime()).toBeGreaterThan(30 * 86_400_000 - 60_000);
    const link = /(http:\/\/registry\.test\/register\/complete-nin\?token=\S+)/.exec(mail[0]!.body!)![1]!;
    const token = new URL(link).searchParams.get('token')!;
    return { resident, body, row: row!, respondent: r, mail: mail[0]!, token };
  }

  const complete = (token: string, nin: string) =>
    app.t.app.inject({ method: 'POST', url: '/api/v1/respondents/complete-nin', payload: { token, nin } });

  it('a public user without a NIN is pending_nin_capture, gets a one-time link, and completes with a NIN', async () => {
    const { respondent, mail, token } = await deferredRegistration('deferred.one@public.test');
    expect(respondent).toMatchObject({ status: 'pending_nin_capture', nin: null, source: 'public' });
    expect(respondent.ninCaptureTokenHash).not.toBeNull();
    expect(respondent.ninCaptureTokenHash).not.toBe(token);
    expect(respondent.ninCaptureExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    expect(mail.subject).toBe('Complete your OSLRS registration');
    expect(token.length).toBeGreaterThanOrEqual(16);

    const bad = await complete(token, '1234567890');
    expect(bad.statusCode).toBe(422);
    expect(errorOf(bad).code).toBe('NIN_INVALID');

    const nin = freshNin();
    const done = await complete(token, nin);
    expect(done.statusCode, done.body).toBe(200);
    expect(done.json()).toEqual({ respondent: { id: respondent.id, status: 'active' } });
    const after = await respondentById(respondent.id);
    expect(after).toMatchObject({ status: 'active', nin, ninCaptureTokenHash: null, ninCaptureExpiresAt: null });
    const audit = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'respondent.nin_completed'), eq(auditLog.targetId, respondent.id)));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0])).not.toContain(nin);

    const reused = await complete(token, freshNin());
    expect(reused.statusCode).toBe(400);
    expect(errorOf(reused).code).toBe('TOKEN_INVALID');
    expect(app.t.runtime.pii.open((await respondentById(respondent.id)).ninSealed!, 'nin')).toBe(nin);

    const forged = await complete('x'.repeat(43), freshNin());
    expect(forged.statusCode).toBe(400);
    expect(errorOf(forged).code).toBe('TOKEN_INVALID');
  });

  it('completing with a NIN already taken is 409 NIN_UNAVAILABLE whoever holds it, and leaves the link usable', async () => {
    const a = await deferredRegistration('deferred.two@public.test');
    const b = await deferredRegistration('deferred.three@public.test');
    const nin = freshNin();
    expect((await complete(a.token, nin)).statusCode).toBe(200);
    const holder = await respondentById(a.respondent.id);

    // The link holder is a resident: no date, no channel, the same answer for a staff member's NIN.
    const taken = await complete(b.token, nin);
    expect(taken.statusCode).toBe(409);
    expect(errorOf(taken)).toEqual({
      code: 'NIN_UNAVAILABLE',
      message: 'This NIN cannot be registered here. Please contact the registry help desk.',
    });
    expect(taken.body).not.toContain(holder.createdAt.toISOString().slice(0, 10));
    const staffNin = freshNin();
    await createUser(app.t, 'verification_assessor', { nin: staffNin });
    const staffTaken = await complete(b.token, staffNin);
    expect(staffTaken.statusCode).toBe(409);
    expect(staffTaken.json()).toEqual(taken.json());
    expect(await respondentById(b.respondent.id)).toMatchObject({ status: 'pending_nin_capture', nin: null });

    // Until completed, the pending record does not block anyone: a NIN-less record never collides.
    expect((await complete(b.token, freshNin())).statusCode).toBe(200);
  });

  it('an enumerator may defer too (no email: no link); deferral needs the flag', async () => {
    const enumerator = await app.as('enumerator');
    const mailBefore = (await app.t.database.db.select().from(mailOutbox)).length;
    const body = submissionBody(master.versionId, {
      answers: masterAnswers({ nin: undefined, email: undefined }),
      ninDeferred: true,
    });
    expect((await submit(app.t, enumerator, body)).statusCode).toBe(202);
    const [row] = await settled(app.t, [body.id]);
    expect(row!.status).toBe('ingested');
    const r = await respondentById(row!.respondentId!);
    expect(r).toMatchObject({ status: 'pending_nin_capture', nin: null, source: 'enumerator', email: null });
    expect((await app.t.database.db.select().from(mailOutbox)).length).toBe(mailBefore);
    const rows = await app.t.database.db.select().from(submissions).where(eq(submissions.id, body.id));
    expect(rows[0]!.ninDeferred).toBe(true);
  });
});

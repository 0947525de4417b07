import { beforeAll, describe, expect, it } from 'vitest';
import { count, eq } from 'drizzle-orm';
import { respondents, submissions } from '../../db/schema/index.js';
import { useTestApp } from '../../../test/use-test-app.js';
import { createUser, type Session } from '../../../test/harness.js';
import {
  MASTER_FORM,
  freshNin,
  masterAnswers,
  publishForm,
  settled,
  submissionBody,
  submit,
  submitBatch,
  type Published,
} from '../../../test/testkit.js';

/**
 * The probe that found the NIN oracle: a resident's account sent batches of 50 surveys with any
 * NINs against any published version, read back who registered each taken NIN and when, and owned
 * every free one. Each step of that attack, as the probe ran it, must now fail.
 */
const app = useTestApp();
let publicForm: Published;
let staffForm: Published;
let enumerator: Session;
const NEUTRAL = {
  code: 'NIN_UNAVAILABLE',
  message: 'This NIN cannot be registered here. Please contact the registry help desk.',
};

const checkNin = (s: Session, nin: string, ip = '127.0.0.1') =>
  app.t.app.inject({
    method: 'POST',
    url: '/api/v1/forms/check-nin',
    payload: { nin },
    remoteAddress: ip,
    headers: { cookie: s.cookie, 'x-csrf-token': s.csrfToken },
  });

async function counted() {
  const [r] = await app.t.database.db.select({ n: count() }).from(respondents);
  const [s] = await app.t.database.db.select({ n: count() }).from(submissions);
  return { respondents: r!.n, submissions: s!.n };
}

/** A NIN registered by an enumerator, and a NIN on a staff member's file. */
let registeredNin: string;
let registeredAt: string;
let staffNin: string;

beforeAll(async () => {
  publicForm = await publishForm(app.t, app.admin); // the first published form is the public one
  staffForm = await publishForm(app.t, app.admin, { ...MASTER_FORM, formId: 'oslrs_master_staff' });
  enumerator = await app.as('enumerator');
  const body = submissionBody(staffForm.versionId);
  registeredNin = body.answers.nin as string;
  expect((await submit(app.t, enumerator, body)).statusCode).toBe(202);
  const [row] = await settled(app.t, [body.id]);
  const [r] = await app.t.database.db.select().from(respondents).where(eq(respondents.id, row!.respondentId!));
  registeredAt = r!.createdAt.toISOString().slice(0, 10);
  staffNin = freshNin();
  await createUser(app.t, 'verification_assessor', { nin: staffNin });
});

describe('a resident registers one person, themself, through the public questionnaire', () => {
  it('a batch of 50 surveys with 50 NINs is refused whole: nothing stored, no NIN claimed', async () => {
    const resident = await app.as('public_user');
    const before = await counted();
    const batch = Array.from({ length: 50 }, () => submissionBody(publicForm.versionId));
    const res = await submitBatch(app.t, resident, batch);
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('FORBIDDEN');
    expect(await counted()).toEqual(before);
  });

  it("a resident may not answer another questionnaire (the enumerators' version)", async () => {
    const resident = await app.as('public_user');
    const res = await submit(app.t, resident, submissionBody(staffForm.versionId));
    expect(res.statusCode).toBe(403);
    expect(res.json().error.code).toBe('PUBLIC_FORM_ONLY');
  });

  it('one live registration per resident: a second person with another NIN is 409, even sent at once', async () => {
    const resident = await app.as('public_user');
    const firstBody = submissionBody(publicForm.versionId);
    const first = await submit(app.t, resident, firstBody);
    expect(first.statusCode, first.body).toBe(202);
    await settled(app.t, [firstBody.id]);
    const before = await counted();
    const racing = await Promise.all(
      Array.from({ length: 5 }, () => submit(app.t, resident, submissionBody(publicForm.versionId))),
    );
    expect(racing.map((r) => r.statusCode)).toEqual([409, 409, 409, 409, 409]);
    expect(racing[0]!.json().error.code).toBe('ALREADY_REGISTERED');
    expect(await counted()).toEqual(before);

    // A second resident racing with themself: exactly one of their simultaneous registrations is stored.
    const other = await app.as('public_user');
    const both = await Promise.all(
      Array.from({ length: 4 }, () => submit(app.t, other, submissionBody(publicForm.versionId))),
    );
    expect(both.map((r) => r.statusCode).sort()).toEqual([202, 409, 409, 409]);
  });

  it('a few attempts a day: each rejected registration costs one, the sixth is 429', async () => {
    const resident = await app.as('public_user');
    for (let i = 0; i < 5; i++) {
      const body = submissionBody(publicForm.versionId, { answers: masterAnswers({ nin: registeredNin }) });
      expect((await submit(app.t, resident, body)).statusCode).toBe(202);
      await settled(app.t, [body.id]);
    }
    const sixth = await submit(app.t, resident, submissionBody(publicForm.versionId));
    expect(sixth.statusCode).toBe(429);
    expect(sixth.headers['retry-after']).toBeDefined();
  });
});

describe('what a resident learns about a taken NIN: only that it cannot be registered here', () => {
  it('a rejected registration says neither when, nor how, nor whether a respondent or staff member holds it', async () => {
    const views = [];
    for (const nin of [registeredNin, staffNin]) {
      const resident = await app.as('public_user');
      const body = submissionBody(publicForm.versionId, { answers: masterAnswers({ nin }) });
      expect((await submit(app.t, resident, body)).statusCode).toBe(202);
      const [row] = await settled(app.t, [body.id]);
      expect(row!.status).toBe('rejected');
      const view = await app.call(resident, { method: 'GET', url: `/api/v1/submissions/${body.id}` });
      expect(view.json().error).toEqual(NEUTRAL);
      expect(JSON.stringify(view.json().error)).not.toContain(registeredAt);
      expect(view.body).not.toMatch(/enumerator|staff|firstRegisteredAt|source/);
      expect(view.json().fraud).toBeUndefined();
      const mine = await app.call(resident, { method: 'GET', url: '/api/v1/submissions' });
      expect(mine.json().items[0].error).toEqual(NEUTRAL);
      views.push(view.json().error);
    }
    expect(views[0]).toEqual(views[1]);
  });

  it('staff keep the details SPEC gives them: the date and channel of the first registration', async () => {
    const body = submissionBody(staffForm.versionId, { answers: masterAnswers({ nin: registeredNin }) });
    expect((await submit(app.t, enumerator, body)).statusCode).toBe(202);
    await settled(app.t, [body.id]);
    const view = await app.call(enumerator, { method: 'GET', url: `/api/v1/submissions/${body.id}` });
    expect(view.json().error).toMatchObject({
      code: 'NIN_DUPLICATE',
      details: { source: 'enumerator', firstRegisteredAt: expect.stringContaining(registeredAt) },
    });
    const check = await checkNin(enumerator, staffNin);
    expect(check.json()).toEqual({ valid: true, available: false, source: 'staff' });
  });

  it("the pre-check answers a resident the same for a respondent's NIN, a staff member's NIN: taken, nothing more", async () => {
    const resident = await app.as('public_user');
    const a = await checkNin(resident, registeredNin);
    const b = await checkNin(resident, staffNin);
    expect(a.statusCode).toBe(200);
    expect(a.json()).toEqual({ valid: true, available: false });
    expect(b.json()).toEqual(a.json());
  });
});

describe('the pre-check is limited per account, per address and per NIN', () => {
  it('one NIN asked about more than 10 times an hour is refused, whoever asks', async () => {
    const nin = freshNin();
    const answers = [];
    for (let i = 0; i < 11; i++)
      answers.push((await checkNin(await app.as('public_user'), nin, `10.9.0.${i}`)).statusCode);
    expect(answers.slice(0, 10).every((s) => s === 200)).toBe(true);
    expect(answers[10]).toBe(429);
  });

  it('one address is refused after 30 checks an hour, across accounts', async () => {
    const statuses: number[] = [];
    for (let account = 0; account < 4; account++) {
      const resident = await app.as('public_user');
      for (let i = 0; i < 8; i++) statuses.push((await checkNin(resident, freshNin(), '10.8.0.1')).statusCode);
    }
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(30)).toEqual([429, 429]);
  });

  it('one account is refused after 20 checks, from any address', async () => {
    const resident = await app.as('public_user');
    const statuses: number[] = [];
    for (let i = 0; i < 21; i++) statuses.push((await checkNin(resident, freshNin(), `10.7.${i}.1`)).statusCode);
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses[20]).toBe(429);
  });
});

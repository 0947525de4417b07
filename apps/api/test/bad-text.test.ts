import pg from 'pg';
/**
 * Security item 2 — bad text never reaches PostgreSQL, and a database error never puts values in the
 * logs — plus a regression test for each fault the fuzzer (fuzz.test.ts) found.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from './use-test-app.js';
import { masterAnswers, publishForm, submissionBody, type Published } from './testkit.js';
import type { Session } from './harness.js';

const app = useTestApp({ logLevel: 'info' });

let published: Published;
let enumerator: Session;
beforeAll(async () => {
  published = await publishForm(app.t, app.admin);
  const usage = await app.call(app.admin, {
    method: 'PUT',
    url: '/api/v1/settings/questionnaires',
    payload: { staffQuestionnaireId: published.questionnaireId, publicQuestionnaireId: null },
  });
  expect(usage.statusCode, usage.body).toBe(200);
  enumerator = await app.as('enumerator');
});

/** The 400 names the field, in details.issues and in the message. */
function expectRefused(res: { statusCode: number; json(): unknown }, path: string, reason: RegExp) {
  expect(res.statusCode).toBe(400);
  const error = (
    res.json() as { error: { code: string; message: string; details: { issues: { path: string; message: string }[] } } }
  ).error;
  expect(error.code).toBe('VALIDATION_FAILED');
  const issue = error.details.issues.find((i) => i.path === path);
  expect(issue?.message, JSON.stringify(error)).toMatch(reason);
  expect(error.message).toContain(path);
}

describe('NUL and lone surrogates are refused with a 400 naming the field (they were 500s)', () => {
  it('sign-in email', async () => {
    for (const email of ['ad\u0000min@test.oslrs', 'ad\ud800min@test.oslrs']) {
      const res = await app.call(null, {
        method: 'POST',
        url: '/api/v1/auth/login',
        payload: { email, password: 'x'.repeat(12) },
      });
      expectRefused(res, 'email', /NUL|surrogate/);
    }
  });

  it('registration', async () => {
    const body = {
      fullName: 'Ada Obi',
      email: 'ada.reg@example.com',
      phone: '08031234567',
    };
    expectRefused(
      await app.call(null, {
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { ...body, fullName: 'Ada\u0000Obi' },
      }),
      'fullName',
      /NUL character/,
    );
    expectRefused(
      await app.call(null, {
        method: 'POST',
        url: '/api/v1/auth/register',
        payload: { ...body, phone: '0803123\udfff4567' },
      }),
      'phone',
      /unpaired surrogate/,
    );
  });

  it('staff invitation and update', async () => {
    const body = {
      fullName: 'Ada Obi',
      email: 'ada.staff@example.com',
      phone: '08031234567',
      role: 'enumerator',
      lga: 'ibadan_north',
    };
    expectRefused(
      await app.call(app.admin, {
        method: 'POST',
        url: '/api/v1/staff',
        payload: { ...body, fullName: 'Ada \u0000Obi' },
      }),
      'fullName',
      /NUL/,
    );
    expectRefused(
      await app.call(app.admin, {
        method: 'POST',
        url: '/api/v1/staff',
        payload: { ...body, nin: '1234567890\ud800' },
      }),
      'nin',
      /surrogate/,
    );
    const someone = await app.as('supervisor');
    expectRefused(
      await app.call(app.admin, {
        method: 'PATCH',
        url: `/api/v1/staff/${someone.user.id}`,
        payload: { lga: 'oyo\u0000' },
      }),
      'lga',
      /NUL/,
    );
    expectRefused(
      await app.call(app.admin, { method: 'GET', url: `/api/v1/staff?q=${encodeURIComponent('ada\u0000')}` }),
      'q',
      /NUL/,
    );
  });

  it('submission answers, answer names and the device id', async () => {
    const submit = (body: unknown) =>
      app.call(enumerator, { method: 'POST', url: '/api/v1/submissions', payload: body as object });
    expectRefused(
      await submit(submissionBody(published.versionId, { answers: masterAnswers({ surname: 'Obi\u0000' }) })),
      'answers.surname',
      /NUL/,
    );
    expectRefused(
      await submit(
        submissionBody(published.versionId, { answers: masterAnswers({ skills_possessed: ['tailoring', 'x\ud800'] }) }),
      ),
      'answers.skills_possessed.1',
      /surrogate/,
    );
    const withBadName = submissionBody(published.versionId, { answers: { ...masterAnswers(), 'bad\u0000name': 'x' } });
    const res = await submit(withBadName);
    expect(res.statusCode).toBe(400);
    expect(res.json().error.details.issues[0].message).toMatch(/^Answer name: Contains a NUL/);
    expectRefused(await submit(submissionBody(published.versionId, { deviceId: 'device\u0000' })), 'deviceId', /NUL/);
    // In a batch each item is refused on its own, naming the answer.
    const batch = await app.call(enumerator, {
      method: 'POST',
      url: '/api/v1/submissions/batch',
      payload: {
        submissions: [submissionBody(published.versionId, { answers: masterAnswers({ surname: '\udc00' }) })],
      },
    });
    expect(batch.statusCode).toBe(200);
    expect(batch.json().results[0].error.details.issues[0]).toMatchObject({ path: 'answers.surname' });
    expect(batch.json().results[0].error.details.issues[0].message).toMatch(/surrogate/);
  });

  it('a questionnaire label', async () => {
    const { MASTER_FORM } = await import('./testkit.js');
    const form = structuredClone(MASTER_FORM);
    form.sections[0]!.questions[0]!.label = 'Label \u0000';
    expectRefused(
      await app.call(app.admin, { method: 'POST', url: '/api/v1/questionnaires', payload: { form } }),
      'form.sections.0.questions.0.label',
      /NUL/,
    );
  });
});

/** A part header the fuzzer sent; `filename*` is RFC 5987 percent-encoding, which the parser decodes. */
function multipart(disposition: string, content: string, boundary = 'b0undary', declared: string | null = boundary) {
  return {
    payload: Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; ${disposition}\r\nContent-Type: text/csv\r\n\r\n${content}\r\n--${boundary}--\r\n`,
    ),
    headers: {
      'content-type': declared === null ? 'multipart/form-data' : `multipart/form-data; boundary=${declared}`,
    },
  };
}
const CSV = 'full_name,email,phone,role,lga\nAda Obi,ada.csv@example.com,08031234567,enumerator,ibadan_north\n';

describe('faults the fuzzer found', () => {
  it("a staff CSV whose file name decodes to NUL (filename*=UTF-8''%00) is a 400, not a 500", async () => {
    const res = await app.call(app.admin, {
      method: 'POST',
      url: '/api/v1/staff/import',
      ...multipart(`name="file"; filename*=UTF-8''staff%00.csv`, CSV),
    });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.details.issues[0]).toMatchObject({ path: 'file.filename' });
  });

  it('a multipart body without a boundary, or cut short, is a 400 on both upload routes', async () => {
    for (const url of ['/api/v1/staff/import', '/api/v1/questionnaires/import']) {
      for (const body of [
        multipart('name="file"; filename="a.csv"', CSV, 'b0undary', null),
        multipart('name="file"; filename="a.csv"', CSV, 'b0undary', 'another'),
        {
          ...multipart('name="file"; filename="a.csv"', CSV),
          payload: Buffer.from('--b0undary\r\nContent-Disposition: form-da'),
        },
      ]) {
        const res = await app.call(app.admin, { method: 'POST', url, ...body });
        expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
        expect(res.json().error.code).toBe('BAD_REQUEST');
      }
    }
  });

  it('a broken %-encoding or an over-long id in the path gets the JSON error body', async () => {
    for (const url of ['/api/v1/staff/%FF', '/api/v1/forms/%zz/schema', `/api/v1/jobs/${'a'.repeat(250)}`]) {
      const res = await app.call(app.admin, { method: 'GET', url });
      expect(res.statusCode, url).toBe(400);
      expect(res.json(), url).toMatchObject({ error: { code: 'BAD_REQUEST' } });
    }
  });
});

async function asOwner(statements: string) {
  const client = new pg.Client({ connectionString: app.t.ownerUrl });
  await client.connect();
  try {
    await client.query(statements);
  } finally {
    await client.end();
  }
}

describe('logs', () => {
  const PHONE_NATIONAL = '8039991234';
  const NIN = '91357924680';

  beforeAll(async () => {
    // Any insert into users now fails inside PostgreSQL, with every value of the row in the error's
    // message and detail (as a unique violation's "Key (nin)=(…)" would be).
    // As the schema owner: the app's own role may not create triggers (audit-role.test.ts).
    await asOwner(`
        create function oslrs_test_refuse_user() returns trigger language plpgsql as $$
        begin
          raise exception 'refused row %', to_jsonb(new)::text
            using errcode = '23514', constraint = 'users_test_refused_ck', detail = to_jsonb(new)::text;
        end $$;
        create trigger oslrs_test_refuse_user before insert on users
          for each row execute function oslrs_test_refuse_user();
      `);
  });
  afterAll(async () => {
    await asOwner('drop trigger oslrs_test_refuse_user on users; drop function oslrs_test_refuse_user();');
  });

  it('a database error is logged by SQLSTATE code and constraint only: no NIN, phone, hash or SQL', async () => {
    const before = app.t.logs.lines.length;
    const registered = await app.call(null, {
      method: 'POST',
      url: '/api/v1/auth/register',
      payload: {
        fullName: 'Log Probe',
        email: 'log.probe@example.com',
        phone: `0${PHONE_NATIONAL}`,
      },
    });
    const invited = await app.call(app.admin, {
      method: 'POST',
      url: '/api/v1/staff',
      payload: {
        fullName: 'Log Probe Staff',
        email: 'log.probe.staff@example.com',
        phone: `0${PHONE_NATIONAL}`,
        role: 'enumerator',
        lga: 'ibadan_north',
        nin: NIN,
      },
    });
    // Registration answers at once (202) and creates the account in a job; the invitation inserts in the request.
    expect(registered.statusCode).toBe(202);
    expect(invited.statusCode).toBe(500);
    expect(invited.json()).toEqual({ error: { code: 'INTERNAL', message: expect.any(String) } });

    const lines = app.t.logs.lines.slice(before);
    const errors = lines.filter((l) => l.includes('"level":50') && l.includes('unhandled error'));
    expect(errors).toHaveLength(1);
    for (const line of errors) {
      const { err } = JSON.parse(line) as { err: Record<string, unknown> };
      expect(err).toMatchObject({ code: '23514', constraint: 'users_test_refused_ck' });
      expect(Object.keys(err).sort()).toEqual(['code', 'constraint', 'message', 'stack', 'type']);
    }
    const text = lines.join('\n');
    expect(text).not.toContain(PHONE_NATIONAL);
    expect(text).not.toContain(NIN);
    expect(text).not.toContain('$argon2');
    expect(text).not.toMatch(/insert into|Failed query|params|password_hash|refused row/i);
  });

  it('a NIN or phone number put in the path or as a query parameter name is not logged', async () => {
    const before = app.t.logs.lines.length;
    await app.call(app.admin, { method: 'GET', url: `/api/v1/respondents/${NIN}` });
    await app.call(app.admin, { method: 'GET', url: `/api/v1/staff?0${PHONE_NATIONAL}&q=ada` });
    const text = app.t.logs.lines.slice(before).join('\n');
    expect(text).not.toContain(NIN);
    expect(text).not.toContain(PHONE_NATIONAL);
    expect(text).toContain('/api/v1/respondents/[masked]');
    expect(text).toContain('"queryKeys":["[other]","q"]');
  });
});

/**
 * Issue 9 item 6 over HTTP: a questionnaire whose constraint is a catastrophic regex cannot freeze the
 * API. The app listens on a real socket; a pathological answer is submitted while /api/v1/health is
 * asked, and both must come back. Under the backtracking engine this answer blocked the event loop for
 * a minute or more (each extra character doubles it), so these tests fail by their 5 s timeout; they
 * make no duration assertion of their own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FormSchema } from '@oslrs/core';
import { ADMIN_EMAIL, ADMIN_PASSWORD, call, login, type Session, type TestApp } from '../../../test/harness.js';
import { startTestApp } from '../../../test/harness.js';
import {
  MASTER_FORM,
  masterAnswers,
  publishForm,
  signIn,
  submissionBody,
  type Published,
} from '../../../test/testkit.js';

const NAME_REGEX = String.raw`^([a-zA-Z]+\s?)*$`;
const MESSAGE = 'Letters and single spaces only';
/** 30 letters and a "!": about 2^30 steps for a backtracking matcher (10 s or more), microseconds for RE2. */
const LETTERS = 'Oluwaseunfunmilayoadebayoakino';
const PATHOLOGICAL = `${LETTERS}!`;
const TIMEOUT = 5000;

/** The master questionnaire with the issue's "common name regex" as the surname's constraint. */
function guardedForm(): FormSchema {
  const form = structuredClone(MASTER_FORM);
  const surname = form.sections.flatMap((s) => s.questions).find((q) => q.name === 'surname')!;
  surname.constraint = `regex(., '${NAME_REGEX}')`;
  surname.constraintMessage = MESSAGE;
  return form;
}

let t: TestApp;
let admin: Session;
let enumerator: Session;
let published: Published;
let base: string;

beforeAll(async () => {
  t = await startTestApp();
  admin = await login(t.app, ADMIN_EMAIL, ADMIN_PASSWORD);
  published = await publishForm(t, admin, guardedForm());
  enumerator = await signIn(t, 'enumerator');
  base = await t.app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await t?.close();
});

/** A request over the socket, as the enumerator (cookie and CSRF token on writes). */
async function http(method: 'GET' | 'POST', path: string, body?: unknown) {
  const headers: Record<string, string> = {};
  if (method === 'POST') {
    headers.cookie = enumerator.cookie;
    headers['x-csrf-token'] = enumerator.csrfToken;
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${base}${path}`, { method, headers, body: body ? JSON.stringify(body) : undefined });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> & { error?: ApiError } };
}
interface ApiError {
  code: string;
  details?: { errors?: { field: string; code: string; message: string }[] };
}

describe('a catastrophic regex constraint', () => {
  it(
    'a pathological answer is refused by its constraint while /health keeps answering',
    async () => {
      const body = submissionBody(published.versionId, { answers: masterAnswers({ surname: PATHOLOGICAL }) });
      const submission = http('POST', '/api/v1/submissions', body);
      // health is asked while the submission is under way, and again a little later
      const health = Promise.all([
        http('GET', '/api/v1/health'),
        new Promise((r) => setTimeout(r, 20)).then(() => http('GET', '/api/v1/health')),
      ]);
      const [refused, [h1, h2]] = await Promise.all([submission, health]);

      expect(h1).toEqual({ status: 200, body: { status: 'ok' } });
      expect(h2).toEqual({ status: 200, body: { status: 'ok' } });
      expect(refused.status, JSON.stringify(refused.body)).toBe(422);
      expect(refused.body.error!.code).toBe('ANSWERS_INVALID');
      expect(refused.body.error!.details!.errors).toEqual([{ field: 'surname', code: 'CONSTRAINT', message: MESSAGE }]);
    },
    TIMEOUT,
  );

  it(
    'a batch of 5 pathological answers is answered item by item, and a good name is received',
    async () => {
      const bad = Array.from({ length: 5 }, (_, i) =>
        submissionBody(published.versionId, {
          answers: masterAnswers({ surname: `${LETTERS.slice(1)}${'vwxyz'[i]}!` }),
        }),
      );
      const good = submissionBody(published.versionId, { answers: masterAnswers({ surname: 'Adebayo Akinola' }) });
      const [batch, health] = await Promise.all([
        http('POST', '/api/v1/submissions/batch', { submissions: [...bad, good] }),
        http('GET', '/api/v1/health'),
      ]);
      expect(health.status).toBe(200);
      expect(batch.status, JSON.stringify(batch.body)).toBe(200);
      const results = batch.body.results as { index: number; status: string; error?: ApiError }[];
      expect(results.filter((r) => r.status === 'error').map((r) => r.error!.code)).toEqual(
        Array.from({ length: 5 }, () => 'ANSWERS_INVALID'),
      );
      expect(results.find((r) => r.index === 5)!.status).toBe('received');
    },
    TIMEOUT,
  );
});

describe('patterns without a linear-time match', () => {
  it('are refused when the questionnaire is saved and published, naming the expression', async () => {
    const form = structuredClone(MASTER_FORM);
    form.formId = 'backreference_check';
    const s = form.sections.findIndex((x) => x.questions.some((q) => q.name === 'surname'));
    const j = form.sections[s]!.questions.findIndex((q) => q.name === 'surname');
    form.sections[s]!.questions[j]!.constraint = String.raw`regex(., '^(\w)\1')`;
    const created = await call(t.app, admin, { method: 'POST', url: '/api/v1/questionnaires', payload: { form } });
    expect(created.statusCode, created.body).toBe(201);
    const issues = created.json().issues as { field: string; code: string; message: string }[];
    expect(issues).toEqual([
      {
        field: `sections.${s}.questions.${j}.constraint`,
        code: 'EXPRESSION_INVALID',
        message: expect.stringMatching(/Regular expression not supported: backreference \\1/),
      },
    ]);
    const id = created.json().questionnaire.id as string;
    const refused = await call(t.app, admin, { method: 'POST', url: `/api/v1/questionnaires/${id}/publish` });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().error.code).toBe('FORM_INVALID');
  });
});

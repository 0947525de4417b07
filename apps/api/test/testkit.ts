/**
 * Test-only helpers shared by the submission, ingestion, resilience and fraud tests (not part of the app:
 * only *.test.ts files import this).
 */
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { count, eq, inArray } from 'drizzle-orm';
import type { AnswerValue, Answers, FormSchema } from '@oslrs/core';
import { MASTER_FORM } from '../../../packages/core/src/forms/fixtures/master.js';
import { masterAnswerSets } from '../../../packages/core/src/forms/fixtures/master-answers.js';
import { respondents, submissionOutbox, submissions } from '../src/db/schema/index.js';
import { systemActor } from '../src/access/index.js';
import { SubmissionRepository } from '../src/modules/submissions/repository.js';
import { call, createUser, type Session, type TestApp } from './harness.js';
import { registerResident } from './residents.js';

export { MASTER_FORM, masterAnswerSets };

/**
 * A signed-in person of `role`, through the real session service but not the HTTP login route: these
 * files need dozens of people, and the login route is (rightly) limited to 20 a minute per address.
 */
export async function signIn(
  t: TestApp,
  role: Parameters<typeof createUser>[1],
  extra: Parameters<typeof createUser>[2] = {},
): Promise<Session> {
  const u = await createUser(t, role, extra);
  const r = await t.services.auth.login(
    u.email,
    u.password,
    { ...systemActor('test'), kind: 'user' as const, ip: '127.0.0.1' },
    null,
  );
  return {
    cookie: `oslrs_session=${r.token}`,
    csrfToken: r.csrfToken,
    user: { id: r.user.id, role: r.user.role, email: r.user.email },
  };
}

export interface Published {
  questionnaireId: string;
  versionId: string;
}

/** Create + publish a questionnaire through the API; the version id comes from the served schema. */
export async function publishForm(t: TestApp, admin: Session, form: FormSchema = MASTER_FORM): Promise<Published> {
  const created = await call(t.app, admin, { method: 'POST', url: '/api/v1/questionnaires', payload: { form } });
  expect(created.statusCode, created.body).toBe(201);
  const questionnaireId = created.json().questionnaire.id as string;
  const published = await call(t.app, admin, {
    method: 'POST',
    url: `/api/v1/questionnaires/${questionnaireId}/publish`,
  });
  expect(published.statusCode, published.body).toBe(201);
  const schema = await call(t.app, null, { method: 'GET', url: `/api/v1/forms/${questionnaireId}/schema` });
  expect(schema.statusCode, schema.body).toBe(200);
  const versionId = schema.json().versionId as string;
  expect(versionId).toMatch(/^[0-9a-f-]{36}$/);
  // Residents may only answer the public questionnaire: the first form a test publishes is it.
  const usage = await call(t.app, admin, { method: 'GET', url: '/api/v1/settings/questionnaires' });
  if (!usage.json().settings.publicQuestionnaireId) {
    const set = await call(t.app, admin, {
      method: 'PUT',
      url: '/api/v1/settings/questionnaires',
      payload: { ...usage.json().settings, publicQuestionnaireId: questionnaireId },
    });
    expect(set.statusCode, set.body).toBe(200);
  }
  return { questionnaireId, versionId };
}

let ninSeq = 0;
/** A fresh well-formed NIN, unique within the test file (11 digits, never one digit repeated). */
export function freshNin(): string {
  ninSeq++;
  return `7${String(ninSeq).padStart(10, '0')}`;
}

/** The employed adult of the master fixture, with a fresh NIN unless given. */
export function masterAnswers(overrides: Record<string, AnswerValue | undefined> = {}): Answers {
  const a: Answers = { ...masterAnswerSets()[0]!, nin: freshNin() };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete a[k];
    else a[k] = v;
  }
  return a;
}

const DAY = 86_400_000;
let clock = 0;
/** A daytime (11:00–16:00 WAT) completion time yesterday, distinct per call: off-hours never fires by accident. */
export function daytime(): Date {
  const y = new Date(Date.now() - DAY);
  return new Date(Date.UTC(y.getUTCFullYear(), y.getUTCMonth(), y.getUTCDate(), 10, 0, 0) + ++clock * 1000);
}

export interface BodyOptions {
  id?: string;
  answers?: Answers;
  completedAt?: Date;
  durationS?: number;
  gps?: { lat: number; lng: number; accuracy: number };
  deviceId?: string;
  ninDeferred?: boolean;
}

/** A submission body for `versionId`: 12 minutes long, completed in the daytime yesterday, no GPS. */
export function submissionBody(versionId: string, o: BodyOptions = {}) {
  const completedAt = o.completedAt ?? daytime();
  const startedAt = new Date(completedAt.getTime() - (o.durationS ?? 12 * 60) * 1000);
  return {
    id: o.id ?? randomUUID(),
    questionnaireVersionId: versionId,
    answers: o.answers ?? masterAnswers(),
    startedAt: startedAt.toISOString(),
    completedAt: completedAt.toISOString(),
    ...(o.gps ? { gps: o.gps } : {}),
    ...(o.deviceId ? { deviceId: o.deviceId } : {}),
    ...(o.ninDeferred !== undefined ? { ninDeferred: o.ninDeferred } : {}),
  };
}

/**
 * A stored row with its sealed NIN and phone opened (as `nin` and `phone`), for assertions: the
 * columns themselves hold only ciphertext and a blind index.
 */
export function opened<R extends { ninSealed?: string | null; phoneSealed?: string | null }>(t: TestApp, row: R) {
  return {
    ...row,
    nin: t.runtime.pii.openOrNull(row.ninSealed, 'nin'),
    phone: t.runtime.pii.openOrNull(row.phoneSealed, 'phone'),
  };
}

export function submit(t: TestApp, session: Session | null, body: unknown) {
  return call(t.app, session, { method: 'POST', url: '/api/v1/submissions', payload: body as object });
}

export function submitBatch(t: TestApp, session: Session | null, items: unknown[]) {
  return call(t.app, session, { method: 'POST', url: '/api/v1/submissions/batch', payload: { submissions: items } });
}

/** A submission as stored, its answers whole again (the NIN and phone answers are sealed apart). */
export async function submissionRow(t: TestApp, id: string) {
  const [row] = await t.database.db.select().from(submissions).where(eq(submissions.id, id));
  return row && new SubmissionRepository(t.runtime.pii).open(row);
}

/** Wait until every given submission has left `received`; returns their rows. */
export async function settled(t: TestApp, ids: string[], timeoutMs = 20_000) {
  return waitRows(t, ids, timeoutMs);
}

async function waitRows(t: TestApp, ids: string[], timeoutMs: number) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const rows = await t.database.db.select().from(submissions).where(inArray(submissions.id, ids));
    if (rows.length === ids.length && rows.every((r) => r.status !== 'received')) {
      const repo = new SubmissionRepository(t.runtime.pii);
      return rows.map((r) => repo.open(r));
    }
    if (Date.now() > until) {
      const pending = rows.filter((r) => r.status === 'received').length;
      throw new Error(
        `waitFor timed out: ${pending} of ${ids.length} submissions still received (${rows.length} stored)`,
      );
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Row counts of everything intake and ingestion write. */
export async function counts(t: TestApp) {
  const db = t.database.db;
  const [[s], [r], [o]] = await Promise.all([
    db.select({ n: count() }).from(submissions),
    db.select({ n: count() }).from(respondents),
    db.select({ n: count() }).from(submissionOutbox),
  ]);
  return { submissions: s!.n, respondents: r!.n, outbox: o!.n };
}

let residents = 0;
/** A resident creates their own account through the API (public_user, email confirmed) and is signed in. */
export async function registerPublicUser(t: TestApp): Promise<Session> {
  const n = ++residents;
  const email = `resident.${n}.${Date.now().toString(36)}@public.test`;
  return registerResident(t, { fullName: `Resident ${n}`, email, phone: '08030000000' });
}

/**
 * Property-based fuzzing of the whole HTTP API, driven by its own OpenAPI document.
 *
 * Every documented route × method is called with values generated from its request schemas, then
 * mutated into hostile ones (wrong types, huge and deep values, `__proto__`, NUL, lone surrogates,
 * RTL marks, SQL and XSS payloads, huge arrays, broken JSON, multipart and CSV bodies, odd headers),
 * as each role (with, without and with a wrong CSRF token), anonymously, and with a forged cookie.
 *
 * Properties: no response is ≥ 500; every request is answered (no hang); an error is the JSON
 * error body; and afterwards the captured logs hold none of the NINs and phone numbers sent, no
 * argon2 hash and no SQL with bound values.
 *
 *   FUZZ_RUNS=150            random requests after the sweep (CI default; `npm run test:fuzz` runs 20 000)
 *   FUZZ_SEED=123            replay a run (the seed is printed at the start and on failure)
 *   FUZZ_TIME_LIMIT_MS=40000 stop the random phase after this long (0 = no limit)
 *   FUZZ_DUMP_DIR=/tmp       write each request answered ≥ 500 there (headers and raw body)
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '@oslrs/core';
import { useTestApp } from './use-test-app.js';
import type { Session } from './harness.js';
import { MASTER_FORM, masterAnswerSets, publishForm, settled, submissionBody } from './testkit.js';
import {
  CONTENT_TYPES,
  arbFromSchema,
  callerArb,
  csvArb,
  describeCaller,
  encodeAny,
  headersArb,
  hostileJsonArb,
  hostileSegmentArb,
  localPhoneArb,
  multipartArb,
  mutate,
  mutationArb,
  ninArb,
  operationsOf,
  phoneArb,
  poisonArb,
  queryArb,
  rawJsonTextArb,
  sensitiveValuesIn,
  stringCount,
  withoutUuids,
  type Caller,
  type Json,
  type Operation,
  type RawBody,
  type SchemaContext,
} from './fuzz-kit.js';

function intEnv(name: string, fallback: number): number {
  const v = process.env[name];
  return v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Math.trunc(Number(v)) : fallback;
}
const RUNS = intEnv('FUZZ_RUNS', 150);
const SEED = intEnv('FUZZ_SEED', (Date.now() ^ (process.pid << 8)) | 0);
const TIME_LIMIT_MS = intEnv('FUZZ_TIME_LIMIT_MS', RUNS > 1000 ? 0 : 40_000);
/** A request not answered in this long counts as a hang (a liveness bound, not a speed target). */
const HANG_MS = 20_000;
const RANDOM_PHASE_TIMEOUT = (TIME_LIMIT_MS || RUNS * 500) + 120_000;

const app = useTestApp({ logLevel: 'info' });

type Body = { kind: 'none' } | { kind: 'json'; value: Json } | { kind: 'raw'; raw: RawBody };

interface FuzzRequest {
  op: Operation;
  method: string;
  url: string;
  body: Body;
  headers: Record<string, string>;
  caller: Caller;
  ip: string;
}

const ctx: SchemaContext & { knownIds: string[] } = { knownIds: [] };
/** Existing records by the path that reads them, so that path parameters often name a real one. */
const ids = {
  staff: [] as string[],
  jobs: [] as string[],
  questionnaires: [] as string[],
  submissions: [] as string[],
  respondents: [] as string[],
};
function idsFor(path: string): string[] {
  if (path.startsWith('/api/v1/staff/')) return ids.staff;
  if (path.startsWith('/api/v1/jobs/')) return ids.jobs;
  if (path.startsWith('/api/v1/questionnaires/') || path.startsWith('/api/v1/forms/')) return ids.questionnaires;
  if (path.startsWith('/api/v1/submissions/')) return ids.submissions;
  if (path.startsWith('/api/v1/respondents/')) return ids.respondents;
  return [];
}
const fixtures = { questionnaireId: '', versionId: '', activationTokens: [] as string[] };
let ops: Operation[] = [];
let xlsxFiles: Buffer[] = [];
const sessions = new Map<Role, Session>();
/** Every NIN and phone number sent, in each form the API may keep it. */
const planted = new Set<string>();
const statuses = new Map<number, number>();
/** Operations that answered 2xx at least once (how deep the fuzzer got). */
const reached = new Set<string>();
let sent = 0;

const FIXTURE_XLSX = new URL('./fixtures/xlsform/oslsr-public-core-v1.xlsx', import.meta.url);

/**
 * XLSForms with hostile text in their cells (title, labels, names, choices). The XML of a sheet cannot
 * hold a NUL or a lone surrogate, but its `_xHHHH_` escapes decode to them, and so do they arrive.
 */
async function hostileXlsForms(): Promise<Buffer[]> {
  const values = [
    'Title_x0000_NUL',
    'Lone _xD800_ surrogate',
    '\u202eevil',
    'ctl_x0001_x',
    "'; DROP TABLE x; --",
    '<b>x</b>',
  ];
  const cells = [
    ['settings', 2, 1],
    ['survey', 2, 3],
    ['survey', 3, 2],
    ['choices', 2, 2],
  ] as const;
  const out: Buffer[] = [readFileSync(FIXTURE_XLSX)];
  for (const [i, value] of values.entries()) {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(readFileSync(FIXTURE_XLSX) as unknown as ArrayBuffer);
    const [sheet, row, column] = cells[i % cells.length]!;
    wb.getWorksheet(sheet)!.getCell(row, column).value = value;
    out.push(Buffer.from(await wb.xlsx.writeBuffer()));
  }
  return out;
}

const xlsxArb = fc
  .tuple(
    // The untouched fixture (index 0) as often as all the hostile variants together.
    fc.oneof(fc.constant(0), fc.nat()),
    fc.oneof(
      fc.constant([] as [number, number][]),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
    ),
    fc.boolean(),
  )
  .map(([pick, flips, truncate]) => {
    const file = Buffer.from(xlsxFiles[pick % xlsxFiles.length]!);
    for (const [at, byte] of flips) file[at % file.length] = byte;
    return truncate && flips.length > 2 ? file.subarray(0, file.length >> 1) : file;
  });

// ---------------------------------------------------------------------------------------------
// Realistic bodies for the routes that do the most with what they receive.

const realisticSubmissionArb: fc.Arbitrary<Json> = fc
  .record({
    set: fc.nat(2),
    nin: ninArb,
    phone: localPhoneArb,
    minutesAgo: fc.integer({ min: 60, max: 60 * 24 * 20 }),
    durationS: fc.integer({ min: 1, max: 3600 }),
    deferred: fc.boolean(),
    deviceId: fc.option(fc.string({ minLength: 1, maxLength: 40 }), { nil: undefined }),
    gps: fc.option(
      fc.record({
        lat: fc.double({ min: 7, max: 9, noNaN: true }),
        lng: fc.double({ min: 2.5, max: 4.5, noNaN: true }),
        accuracy: fc.double({ min: 0, max: 100, noNaN: true }),
      }),
      { nil: undefined },
    ),
    version: fc.oneof({ weight: 6, arbitrary: fc.constant('') }, { weight: 1, arbitrary: fc.uuid() }),
    id: fc.uuid(),
  })
  .map((r) => {
    const answers = { ...masterAnswerSets()[r.set]!, nin: r.nin, phone_number: r.phone };
    if (r.deferred) delete (answers as Record<string, unknown>).nin;
    return submissionBody(r.version || fixtures.versionId, {
      id: r.id,
      answers,
      completedAt: new Date(Date.now() - r.minutesAgo * 60_000),
      durationS: r.durationS,
      ...(r.gps ? { gps: r.gps } : {}),
      ...(r.deviceId ? { deviceId: r.deviceId } : {}),
      ...(r.deferred ? { ninDeferred: true } : {}),
    }) as unknown as Json;
  });

function realisticBody(op: Operation): fc.Arbitrary<Json> | undefined {
  const key = `${op.method} ${op.path}`;
  switch (key) {
    case 'POST /api/v1/submissions':
      return realisticSubmissionArb;
    case 'POST /api/v1/submissions/batch':
      return fc
        .array(fc.oneof({ weight: 4, arbitrary: realisticSubmissionArb }, { weight: 1, arbitrary: hostileJsonArb }), {
          minLength: 1,
          maxLength: 6,
        })
        .map((items) => ({ submissions: items }));
    case 'POST /api/v1/questionnaires':
    case 'PUT /api/v1/questionnaires/{id}/draft':
      return fc
        .string({ minLength: 1, maxLength: 12, unit: fc.constantFrom(...'abcdefghij_') })
        .map((suffix) => ({ form: { ...MASTER_FORM, formId: `fz_${suffix}` } }) as unknown as Json);
    case 'POST /api/v1/staff':
      return fc
        .record({
          fullName: fc.constantFrom('Ada Obi', 'Tunde Bakare', 'Ngozi Eze'),
          email: fc.uuid().map((u) => `staff.${u.slice(0, 12)}@example.com`),
          phone: phoneArb,
          role: fc.constantFrom('enumerator', 'supervisor', 'data_entry_clerk', 'verification_assessor'),
          lga: fc.constantFrom('ibadan_north', 'oyo_east', 'nowhere'),
          nin: ninArb,
        })
        .map((b) => b as unknown as Json);
    case 'POST /api/v1/auth/register':
      return fc
        .record({
          fullName: fc.constantFrom('Resident Fuzz', 'Bola Ade'),
          email: fc.uuid().map((u) => `resident.${u.slice(0, 12)}@example.com`),
          phone: phoneArb,
          password: fc.constantFrom('a-long-public-password', 'short'),
        })
        .map((b) => b as unknown as Json);
    case 'POST /api/v1/auth/login':
      return fc
        .record({
          email: fc.oneof(
            fc.constantFrom(...[...sessions.values()].map((s) => s.user.email), 'nobody@example.com'),
            fc.emailAddress(),
          ),
          password: fc.constantFrom('a-long-test-password', 'wrong-password-123'),
        })
        .map((b) => b as unknown as Json);
    case 'POST /api/v1/auth/activate':
      return fc
        .record({
          token: fc.oneof(fc.constantFrom(...fixtures.activationTokens), fc.string({ minLength: 16, maxLength: 64 })),
          password: fc.constantFrom('a-new-long-password', 'short'),
        })
        .map((b) => b as Json);
    case 'POST /api/v1/auth/password':
      return fc
        .record({
          currentPassword: fc.constantFrom('a-long-test-password', 'not-the-password'),
          newPassword: fc.constantFrom('a-long-test-password', 'another-long-password', 'short'),
        })
        .map((b) => b as Json);
    case 'PUT /api/v1/settings/questionnaires':
      return fc
        .record({
          staffQuestionnaireId: fc.constantFrom(fixtures.questionnaireId, null),
          publicQuestionnaireId: fc.constantFrom(fixtures.questionnaireId, null),
        })
        .map((b) => b as Json);
    case 'POST /api/v1/forms/check-nin':
      return ninArb.map((nin) => ({ nin }));
    case 'POST /api/v1/respondents/complete-nin':
      return fc.record({ token: fc.string({ minLength: 16, maxLength: 64 }), nin: ninArb }).map((b) => b as Json);
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Requests.

/** A valid body for `op` (realistic where the route does much with it, else from its schema). */
function validBodyArb(op: Operation): fc.Arbitrary<Json> | undefined {
  if (!op.body) return undefined;
  const realistic = realisticBody(op);
  const fromSchema = arbFromSchema(op.body, ctx);
  return realistic ? fc.oneof({ weight: 3, arbitrary: realistic }, { weight: 1, arbitrary: fromSchema }) : fromSchema;
}

/** A valid body with `char` put into one of its strings. */
function poisonedBodyArb(valid: fc.Arbitrary<Json>, char: fc.Arbitrary<string> = poisonArb): fc.Arbitrary<Body> {
  return fc.tuple(valid, fc.nat(), fc.nat(), char).map(([v, at, position, c]): Body => ({
    kind: 'json',
    value: mutate(v, [{ kind: 'poison', at, position, char: c }]),
  }));
}

function bodyArb(op: Operation): fc.Arbitrary<Body> {
  const files = fc.oneof(csvArb, xlsxArb);
  const multipart = multipartArb(files).map((raw): Body => ({ kind: 'raw', raw }));
  const rawJson = fc
    .tuple(rawJsonTextArb, fc.constantFrom('application/json', 'application/json; charset=utf-8'))
    .map(([payload, contentType]): Body => ({ kind: 'raw', raw: { payload, contentType } }));
  const none = fc.constant<Body>({ kind: 'none' });
  const valid = validBodyArb(op);
  if (valid) {
    return fc.oneof(
      { weight: 4, arbitrary: valid.map((value): Body => ({ kind: 'json', value })) },
      // A valid body with one bad character in one string: the class of bug that reached PostgreSQL.
      { weight: 4, arbitrary: poisonedBodyArb(valid) },
      {
        weight: 4,
        arbitrary: fc
          .tuple(valid, fc.array(mutationArb, { minLength: 1, maxLength: 3 }))
          .map(([v, m]): Body => ({ kind: 'json', value: mutate(v, m) })),
      },
      { weight: 1, arbitrary: rawJson },
      {
        weight: 1,
        arbitrary: fc
          .tuple(valid, fc.constantFrom(...CONTENT_TYPES))
          .map(([v, contentType]): Body => ({ kind: 'raw', raw: { payload: JSON.stringify(v), contentType } })),
      },
      { weight: 1, arbitrary: multipart },
      { weight: 1, arbitrary: none },
    );
  }
  if (op.path.endsWith('/import')) {
    return fc.oneof(
      { weight: 6, arbitrary: multipart },
      {
        weight: 2,
        arbitrary: fc
          .tuple(csvArb, fc.constantFrom('text/csv', 'application/csv', 'text/csv; charset=latin1'))
          .map(([payload, contentType]): Body => ({ kind: 'raw', raw: { payload, contentType } })),
      },
      { weight: 1, arbitrary: hostileJsonArb.map((value): Body => ({ kind: 'json', value })) },
      { weight: 1, arbitrary: rawJson },
      { weight: 1, arbitrary: none },
    );
  }
  return fc.oneof(
    { weight: 8, arbitrary: none },
    { weight: 1, arbitrary: hostileJsonArb.map((value): Body => ({ kind: 'json', value })) },
    { weight: 1, arbitrary: rawJson },
    { weight: 1, arbitrary: multipart },
  );
}

/** What the sweep puts into each string of a valid body in turn. */
const SWEEP_POISON = ['\u0000', '\ud800', '\u0001', '\udc00', '\u001b'];

/** Roles a route admits (from its declared access): most requests come from one of them, to get past the door. */
const admitted = new Map<string, readonly Role[]>();

function callerFor(op: Operation): fc.Arbitrary<Caller> {
  const roles = admitted.get(`${op.method} ${op.path}`) ?? ROLES;
  return fc.oneof(
    { weight: 3, arbitrary: callerArb },
    {
      weight: 5,
      arbitrary: fc.constantFrom(...roles).map((role): Caller => ({ kind: 'role', role, csrf: 'sent' })),
    },
  );
}

function requestArb(
  opArb: fc.Arbitrary<Operation>,
  fixedCaller?: fc.Arbitrary<Caller>,
  fixedBody?: (op: Operation) => fc.Arbitrary<Body>,
) {
  return opArb.chain((op) => {
    const caller = fixedCaller ?? callerFor(op);
    const own = idsFor(op.path);
    const segments = op.pathParams.map((p) =>
      fc.oneof(
        { weight: own.length ? 4 : 0, arbitrary: fc.constantFrom(...(own.length ? own : [''])) },
        { weight: 3, arbitrary: arbFromSchema(p.schema, ctx, p.name).map((v) => encodeAny(String(v))) },
        { weight: 2, arbitrary: hostileSegmentArb },
      ),
    );
    return fc
      .record({
        method: fc.oneof(
          { weight: 14, arbitrary: fc.constant(op.method) },
          { weight: 1, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS') },
        ),
        segments: fc.tuple(...segments),
        query: queryArb(op, ctx),
        body: fixedBody ? fixedBody(op) : bodyArb(op),
        headers: headersArb,
        caller,
        ip: fc.ipV4(),
      })
      .map((r): FuzzRequest => {
        let path = op.path;
        op.pathParams.forEach((p, i) => (path = path.replace(`{${p.name}}`, r.segments[i]!)));
        const req: FuzzRequest = {
          op,
          method: r.method,
          url: path + r.query,
          body: r.body,
          headers: r.headers,
          caller: r.caller,
          ip: r.ip,
        };
        Object.defineProperty(req, fc.toStringMethod, { value: () => summarize(req), enumerable: false });
        return req;
      });
  });
}

function summarize(req: FuzzRequest): string {
  const body =
    req.body.kind === 'none'
      ? ''
      : req.body.kind === 'json'
        ? ` json ${JSON.stringify(req.body.value)?.slice(0, 400)}`
        : ` ${req.body.raw.contentType ?? '(no content-type)'} ${String(req.body.raw.payload.length)} bytes: ${JSON.stringify(req.body.raw.payload.toString().slice(0, 200))}`;
  return `${req.method} ${req.url.slice(0, 300)} as ${describeCaller(req.caller)} headers ${JSON.stringify(req.headers).slice(0, 200)}${body}`;
}

async function sessionFor(role: Role): Promise<Session> {
  let s = sessions.get(role);
  if (!s) {
    s = await app.as(role);
    sessions.set(role, s);
    ctx.knownIds.push(s.user.id);
    ids.staff.push(s.user.id);
  }
  return s;
}

interface Outcome {
  status: number;
  body: string;
}

/** Send one request; throws when the API answered ≥ 500, not at all, or with a malformed error. */
async function send(req: FuzzRequest): Promise<Outcome> {
  const headers: Record<string, string> = { ...req.headers };
  let session: Session | null = null;
  if (req.caller.kind === 'garbage-session') headers.cookie = `oslrs_session=${'A'.repeat(43)}`;
  if (req.caller.kind === 'role') {
    const s = await sessionFor(req.caller.role);
    if (req.caller.csrf === 'sent') session = s;
    else {
      headers.cookie = s.cookie;
      if (req.caller.csrf === 'wrong') headers['x-csrf-token'] = 'not-the-token';
      else delete headers['x-csrf-token'];
    }
  }
  let payload: string | Buffer | undefined;
  if (req.body.kind === 'json') {
    payload = JSON.stringify(req.body.value) ?? 'null';
    headers['content-type'] = 'application/json';
  } else if (req.body.kind === 'raw') {
    payload = req.body.raw.payload;
    if (req.body.raw.contentType !== undefined) headers['content-type'] = req.body.raw.contentType;
  }
  sensitiveValuesIn(req.url, planted);
  if (typeof payload === 'string') sensitiveValuesIn(payload, planted);
  else if (payload && payload.length < 2_000_000) sensitiveValuesIn(payload.toString('utf8'), planted);

  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HANG_MS / 1000} s: ${summarize(req)}`)), HANG_MS);
  });
  const res = await Promise.race([
    app.call(session, {
      method: req.method as 'GET',
      url: req.url,
      headers,
      ...(payload !== undefined ? { payload } : {}),
      remoteAddress: req.ip,
    }),
    hang,
  ]).finally(() => clearTimeout(timer));
  sent++;
  statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
  if (res.statusCode < 300 && req.method === req.op.method) reached.add(`${req.op.method} ${req.op.path}`);

  // A session that a request ended (logout, password change, suspension) is replaced.
  if (req.caller.kind === 'role' && res.statusCode === 401) sessions.delete(req.caller.role);

  if (process.env.FUZZ_VERBOSE === '2')
    console.log(`${res.statusCode} ${summarize(req).slice(0, 300)} → ${res.body.slice(0, 200)}`);
  if (res.statusCode >= 500) {
    if (process.env.FUZZ_DUMP_DIR) {
      const file = join(process.env.FUZZ_DUMP_DIR, `fuzz-${res.statusCode}-${Date.now()}`);
      writeFileSync(`${file}.json`, JSON.stringify({ method: req.method, url: req.url, headers, caller: req.caller }));
      if (payload !== undefined) writeFileSync(`${file}.body`, payload);
    }
    throw new Error(`${res.statusCode} for ${summarize(req)}\n→ ${res.body.slice(0, 500)}`);
  }
  if (res.statusCode >= 400 && req.method !== 'HEAD') {
    let code: unknown;
    try {
      code = (JSON.parse(res.body) as { error?: { code?: unknown; message?: unknown } }).error?.code;
    } catch {
      code = undefined;
    }
    if (typeof code !== 'string') {
      throw new Error(
        `${res.statusCode} without the JSON error body for ${summarize(req)}\n→ ${res.body.slice(0, 300)}`,
      );
    }
  }
  return { status: res.statusCode, body: res.body };
}

beforeAll(async () => {
  const doc = app.t.app.swagger() as Parameters<typeof operationsOf>[0];
  ops = operationsOf(doc);
  for (const rule of app.t.app.accessRules) {
    const key = `${rule.method} ${rule.url.replace(/:(\w+)/g, '{$1}')}`;
    admitted.set(key, typeof rule.access === 'string' ? ROLES : rule.access);
  }
  xlsxFiles = await hostileXlsForms();

  const published = await publishForm(app.t, app.admin);
  fixtures.questionnaireId = published.questionnaireId;
  fixtures.versionId = published.versionId;
  const usage = await app.call(app.admin, {
    method: 'PUT',
    url: '/api/v1/settings/questionnaires',
    payload: { staffQuestionnaireId: published.questionnaireId, publicQuestionnaireId: published.questionnaireId },
  });
  expect(usage.statusCode, usage.body).toBe(200);
  for (const role of ROLES) await sessionFor(role);

  const [nin] = fc.sample(ninArb, { seed: SEED, numRuns: 1 });
  const invited = await app.call(app.admin, {
    method: 'POST',
    url: '/api/v1/staff',
    payload: {
      fullName: 'Fixture Staff',
      email: 'fixture.staff@example.com',
      phone: '08039990001',
      role: 'enumerator',
      lga: 'ibadan_north',
      nin,
    },
  });
  expect(invited.statusCode, invited.body).toBe(201);
  fixtures.activationTokens.push(new URL(invited.json().activationUrl as string).searchParams.get('token')!);
  sensitiveValuesIn(`${nin} 08039990001`, planted);

  const [sampled] = fc.sample(realisticSubmissionArb, { seed: SEED, numRuns: 1 });
  // The fixture must be accepted whatever the seed: the arbitrary sometimes names an unknown version.
  const submission = { ...(sampled as Record<string, unknown>), questionnaireVersionId: fixtures.versionId };
  sensitiveValuesIn(JSON.stringify(submission), planted);
  const submitted = await app.call(sessions.get('enumerator')!, {
    method: 'POST',
    url: '/api/v1/submissions',
    payload: submission as object,
  });
  expect(submitted.statusCode, submitted.body).toBe(202);
  const submissionId = submitted.json().id as string;
  const [row] = await settled(app.t, [submissionId]);

  const csv = 'full_name,email,phone,role,lga\nCsv Person,csv.person@example.com,08039990002,enumerator,ibadan_north\n';
  const imported = await app.call(app.admin, {
    method: 'POST',
    url: '/api/v1/staff/import',
    payload: csv,
    headers: { 'content-type': 'text/csv' },
  });
  expect(imported.statusCode, imported.body).toBe(202);
  sensitiveValuesIn(csv, planted);

  ids.staff.push(invited.json().staff.id as string);
  ids.jobs.push(imported.json().job.id as string);
  ids.questionnaires.push(published.questionnaireId);
  ids.submissions.push(submissionId);
  if (row?.respondentId) ids.respondents.push(row.respondentId);
  ctx.knownIds.push(
    published.questionnaireId,
    published.versionId,
    invited.json().staff.id as string,
    submissionId,
    imported.json().job.id as string,
    app.admin.user.id,
    ...(row?.respondentId ? [row.respondentId] : []),
  );
  console.log(
    `fuzz: ${ops.length} operations, seed ${SEED} (replay: FUZZ_SEED=${SEED}), FUZZ_RUNS=${RUNS}` +
      (TIME_LIMIT_MS ? `, time limit ${TIME_LIMIT_MS / 1000} s` : ''),
  );
});

describe('fuzzing the API from its OpenAPI document', () => {
  it('reads every route × method from the document', () => {
    const routes = new Set(app.t.app.accessRules.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`));
    const documented = new Set(ops.map((o) => `${o.method} ${o.path}`));
    // Every access-controlled route is documented (and so fuzzed), except multipart-only details.
    for (const r of routes) expect(documented, r).toContain(r);
    expect(ops.length).toBeGreaterThanOrEqual(routes.size);
  });

  it(
    'sweep: every route × method × caller; and as an admitted role, each body valid and with each string poisoned',
    async () => {
      const failures: string[] = [];
      const roles = ROLES.map((role): Caller => ({ kind: 'role', role, csrf: 'sent' }));
      const odd: Caller[] = [
        { kind: 'garbage-session' },
        { kind: 'role', role: 'super_admin', csrf: 'missing' },
        { kind: 'role', role: 'enumerator', csrf: 'wrong' },
      ];
      let n = 0;
      for (const [i, op] of ops.entries()) {
        // Every role, anonymous, and one of the odd callers (a forged cookie, no or a wrong CSRF token).
        for (const caller of [...roles, { kind: 'anonymous' } as Caller, odd[i % odd.length]!]) {
          const [req] = fc.sample(requestArb(fc.constant(op), fc.constant(caller)), { seed: SEED + n++, numRuns: 1 });
          try {
            await send(req!);
          } catch (err) {
            failures.push((err as Error).message);
          }
        }
        const valid = validBodyArb(op);
        if (!valid) continue;
        const admittedCaller = fc
          .constantFrom(...(admitted.get(`${op.method} ${op.path}`) ?? ROLES))
          .map((role): Caller => ({ kind: 'role', role, csrf: 'sent' }));
        // One valid body, then the same body with each of its strings (up to 10) poisoned in turn.
        const [base] = fc.sample(valid, { seed: SEED + n++, numRuns: 1 });
        const strings = stringCount(base!);
        const take = Math.min(strings, 10);
        const bodies: Body[] = [{ kind: 'json', value: base! }];
        for (let k = 0; k < take; k++) {
          const char = SWEEP_POISON[k % SWEEP_POISON.length]!;
          const at = Math.floor((k * strings) / take);
          bodies.push({ kind: 'json', value: mutate(base!, [{ kind: 'poison', at, position: k * 7, char }]) });
        }
        for (const body of bodies) {
          const arb = requestArb(fc.constant(op), admittedCaller, () => fc.constant(body)).map((r) => ({
            ...r,
            method: op.method,
          }));
          const [req] = fc.sample(arb, { seed: SEED + n++, numRuns: 1 });
          try {
            await send(req!);
          } catch (err) {
            failures.push((err as Error).message);
          }
        }
      }
      if (failures.length) {
        throw new Error(
          `${failures.length} failures (seed ${SEED}):\n${failures.map((f) => f.slice(0, 600)).join('\n\n')}`,
        );
      }
    },
    RANDOM_PHASE_TIMEOUT,
  );

  it(
    `random: ${RUNS} requests to random routes, as random callers (seeded)`,
    async () => {
      const started = Date.now();
      const details = await fc.check(
        // Shrinking re-sends requests: a bounded number of steps is enough to see the cause.
        fc.asyncProperty(fc.limitShrink(requestArb(fc.constantFrom(...ops)), 40), async (req) => {
          await send(req);
        }),
        {
          seed: SEED,
          numRuns: RUNS,
          ...(TIME_LIMIT_MS ? { interruptAfterTimeLimit: TIME_LIMIT_MS } : {}),
          ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
        },
      );
      const counts = [...statuses.entries()].sort(([a], [b]) => a - b).map(([s, c]) => `${s}×${c}`);
      console.log(
        `fuzz: ${details.numRuns} random runs${details.interrupted ? ' (time limit reached)' : ''}, ${sent} requests in all, ` +
          `${Math.round((Date.now() - started) / 1000)} s; statuses ${counts.join(' ')}; ` +
          `2xx on ${reached.size}/${ops.length} operations; seed ${SEED}`,
      );
      if (process.env.FUZZ_VERBOSE) {
        const missed = ops.map((o) => `${o.method} ${o.path}`).filter((k) => !reached.has(k));
        console.log(`fuzz: never 2xx: ${missed.join(', ')}`);
      }
      if (details.failed) {
        throw new Error(
          `fuzz failure (replay: FUZZ_SEED=${SEED} FUZZ_PATH=${details.counterexamplePath}):\n` +
            `${String((details.errorInstance as Error | undefined)?.message ?? details.errorInstance)}`,
        );
      }
    },
    RANDOM_PHASE_TIMEOUT,
  );

  it('the logs hold no NIN, phone number, password hash or SQL with values', async () => {
    // Let the background jobs the fuzzer started (ingestion, imports) finish and log what they log.
    await new Promise((r) => setTimeout(r, 1500));
    const text = app.t.logs.text;
    expect(planted.size).toBeGreaterThan(10);
    const leaked = new Set<string>();
    for (const m of withoutUuids(text).matchAll(/\d{10,13}/g)) if (planted.has(m[0])) leaked.add(m[0]);
    const where = app.t.logs.lines.filter((l) => [...leaked].some((v) => l.includes(v))).slice(0, 5);
    expect([...leaked], `NINs or phone numbers in the logs, e.g.\n${where.join('\n').slice(0, 3000)}`).toEqual([]);
    expect(text).not.toContain('$argon2');
    // An error is logged by type, message, code and call sites: never the SQL, its bound values or `detail`.
    const unsafe = app.t.logs.lines.filter((line) => {
      const err = (JSON.parse(line) as { err?: Record<string, unknown> }).err;
      if (!err) return false;
      const json = JSON.stringify(err);
      return ['query', 'params', 'parameters', 'detail'].some((k) => k in err) || /Failed query|\bparams: /.test(json);
    });
    expect(
      unsafe.map((l) => l.slice(0, 400)),
      'errors logged with their SQL or values',
    ).toEqual([]);
    const errors = app.t.logs.lines.filter((l) => /"level":(50|60)/.test(l));
    expect(
      errors.map((l) => l.slice(0, 400)),
      'error-level log lines',
    ).toEqual([]);
  });
});

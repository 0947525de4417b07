import { describe, expect, it } from 'vitest';
import { and, count, eq, like, sql } from 'drizzle-orm';
import pg from 'pg';
import { LGAS } from '@oslrs/core';
import { auditLog, jobs, mailOutbox, users } from '../../db/schema/index.js';
import { createUser, waitFor, type Session } from '../../../test/harness.js';
import { useTestApp, type TestContext } from '../../../test/use-test-app.js';
import { opened } from '../../../test/testkit.js';

const app = useTestApp();

const HEADER = 'full_name,email,phone,role,lga';

/** One valid row; `domain` keeps each test's people apart. */
function row(
  i: number,
  domain: string,
  over: Partial<Record<'name' | 'email' | 'phone' | 'role' | 'lga', string>> = {},
) {
  const lga = LGAS[i % LGAS.length]!.code;
  return [
    over.name ?? `Person ${i} Okafor`,
    over.email ?? `p${i}@${domain}`,
    over.phone ?? `080${String(i).padStart(8, '0')}`,
    over.role ?? (i % 2 ? 'enumerator' : 'supervisor'),
    over.lga ?? lga,
  ].join(',');
}

const csv = (lines: string[], header = HEADER) => [header, ...lines].join('\n') + '\n';

/** A multipart/form-data body, serialised by the platform's own FormData. */
async function multipart(
  content: Buffer | string,
  field = 'file',
  filename = 'staff.csv',
  extra: Record<string, string> = {},
) {
  const form = new FormData();
  for (const [k, v] of Object.entries(extra)) form.append(k, v);
  if (field) form.append(field, new Blob([content], { type: 'text/csv' }), filename);
  const res = new Response(form);
  return {
    payload: Buffer.from(await res.arrayBuffer()),
    headers: { 'content-type': res.headers.get('content-type')! },
  };
}

async function upload(content: Buffer | string, session: Session | null = app.admin, on: TestContext = app) {
  const body = await multipart(content);
  return on.call(session, { method: 'POST', url: '/api/v1/staff/import', ...body });
}

const uploadRaw = async (content: Buffer | string, contentType = 'text/csv', session: Session | null = app.admin) =>
  app.call(session, {
    method: 'POST',
    url: '/api/v1/staff/import',
    payload: content,
    headers: { 'content-type': contentType },
  });

/** Wait on the job's row (cheap, and no request budget spent), then read it through the API. */
async function finished(jobId: string, timeoutMs = 20_000, session = app.admin) {
  await waitFor(async () => {
    const [j] = await app.t.database.db.select({ state: jobs.state }).from(jobs).where(eq(jobs.id, jobId));
    return j && (j.state === 'completed' || j.state === 'failed');
  }, timeoutMs);
  const res = await app.call(session, { method: 'GET', url: `/api/v1/jobs/${jobId}` });
  expect(res.statusCode).toBe(200);
  return res.json().job;
}

async function counts(db = app.t.database.db) {
  const [[u], [a], [m], [j]] = await Promise.all([
    db.select({ n: count() }).from(users),
    db.select({ n: count() }).from(auditLog),
    db.select({ n: count() }).from(mailOutbox),
    db.select({ n: count() }).from(jobs),
  ]);
  return { users: u!.n, audit: a!.n, mail: m!.n, jobs: j!.n };
}

/** Users, `staff.invited` audit rows and mails belonging to one import's email domain / job. */
async function created(domain: string, jobId: string, db = app.t.database.db) {
  const [[u], [a], [m]] = await Promise.all([
    db
      .select({ n: count() })
      .from(users)
      .where(like(users.email, `%@${domain}`)),
    db
      .select({ n: count() })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'staff.invited'), sql`${auditLog.after}->>'importJob' = ${jobId}`)),
    db
      .select({ n: count() })
      .from(mailOutbox)
      .where(like(mailOutbox.to, `%@${domain}`)),
  ]);
  return { users: u!.n, audits: a!.n, mails: m!.n };
}

describe('bulk import', () => {
  it('imports 50 rows with 2 bad ones: a job, exact counts, line-numbered errors and an errors.csv', async () => {
    const domain = 'fifty.import.test';
    const lines = Array.from({ length: 50 }, (_, i) => row(i, domain));
    lines[10] = row(10, domain, { lga: 'Atlantis' }); // file line 12
    lines[39] = row(39, domain, { email: `P3@${domain.toUpperCase()}` }); // file line 41, same as line 5
    const res = await upload(csv(lines));
    expect(res.statusCode).toBe(202);
    const { job } = res.json();
    expect(job).toMatchObject({ type: 'staff.import', total: 50, errors: [] });
    expect(['queued', 'running', 'completed']).toContain(job.state);

    const done = await finished(job.id);
    expect(done).toMatchObject({ state: 'completed', processed: 50, total: 50, succeeded: 48, failed: 2, error: null });
    expect(done.finishedAt).not.toBeNull();
    expect(done.errors).toEqual([
      { row: 12, field: 'lga', code: 'LGA_UNKNOWN', message: expect.stringContaining('Atlantis') },
      { row: 41, field: 'email', code: 'EMAIL_DUPLICATE_IN_FILE', message: expect.stringContaining('line 5') },
    ]);

    expect(await created(domain, job.id)).toEqual({ users: 48, audits: 48, mails: 48 });
    const [first] = await app.t.database.db
      .select()
      .from(users)
      .where(eq(users.email, `p3@${domain}`));
    expect(opened(app.t, first!)).toMatchObject({
      fullName: 'Person 3 Okafor',
      role: 'enumerator',
      status: 'invited',
      createdBy: app.admin.user.id,
      phone: '+2348000000003',
    });
    expect(first!.activationTokenHash).toMatch(/^[\w-]{43}$/);
    const audits = await app.t.database.db.select().from(auditLog).where(eq(auditLog.targetId, first!.id));
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      action: 'staff.invited',
      actorId: app.admin.user.id,
      actorRole: 'super_admin',
      ip: '127.0.0.1',
      requestId: `job:${job.id}`,
    });
    expect(JSON.stringify(audits[0]!.after)).not.toContain('8000000003');
    const jobAudits = await app.t.database.db.select().from(auditLog).where(eq(auditLog.targetId, job.id));
    expect(jobAudits.map((a) => a.action).sort()).toEqual(['staff.import_finished', 'staff.import_started']);
    expect(jobAudits.find((a) => a.action === 'staff.import_started')!.after).toEqual({
      rows: 50,
      fileName: 'staff.csv',
    });
    // The invitation email carries a working activation link.
    const [mail] = await app.t.database.db
      .select()
      .from(mailOutbox)
      .where(eq(mailOutbox.to, `p3@${domain}`));
    const token = new URL(mail!.body!.match(/http:\/\/registry\.test\/activate\?token=\S+/)![0]).searchParams.get(
      'token',
    )!;
    const activated = await app.t.app.inject({
      method: 'POST',
      url: '/api/v1/auth/activate',
      payload: { token, password: 'imported and activated' },
    });
    expect(activated.statusCode).toBe(200);

    const report = await app.call(app.admin, { method: 'GET', url: `/api/v1/jobs/${job.id}/errors.csv` });
    expect(report.statusCode).toBe(200);
    expect(report.headers['content-type']).toMatch(/^text\/csv/);
    expect(report.headers['content-disposition']).toContain(`import-errors-${job.id}.csv`);
    const reportLines = report.body.trimEnd().split('\r\n');
    expect(reportLines).toHaveLength(3);
    expect(reportLines[0]).toBe('row,field,code,message');
    expect(reportLines[1]).toMatch(/^"12","lga","LGA_UNKNOWN","/);
    expect(reportLines[2]).toMatch(/^"41","email","EMAIL_DUPLICATE_IN_FILE","/);
  });

  it('reports each row rule with its own code and accepts LGA names, role labels, a BOM, CRLF and UTF-8 names', async () => {
    const domain = 'codes.import.test';
    const existing = await createUser(app.t, 'data_entry_clerk');
    const lines = [
      /* 2 */ row(1, domain, { email: existing.email.toUpperCase(), role: 'data_entry_clerk', lga: '' }),
      /* 3 */ row(2, domain, { role: 'manager' }),
      /* 4 */ row(3, domain, { role: 'enumerator;data_entry_clerk' }),
      /* 5 */ row(4, domain, { role: 'supervisor', lga: '' }),
      /* 6 */ row(5, domain, { phone: '12345' }),
      /* 7 */ row(6, domain, { email: 'not-an-email' }),
      /* 8 */ row(7, domain, { role: 'Enumerator', lga: 'Ibadan North' }),
      /* 9 */ row(8, domain, { role: 'Data entry clerk', lga: '' }),
      /* 10 */ '',
      /* 11 */ row(9, domain, { name: 'Adébáyọ̀ Ògúnlọ́lá', role: 'verification assessor', lga: 'saki west' }),
      /* 12 */ row(10, domain, { role: 'public_user' }),
      /* 13 */ row(11, domain, { role: 'Supervisor and Enumerator' }),
      /* 14 */ row(12, domain, { name: 'X' }),
      /* 15 */ row(13, domain, { role: 'enumerator', lga: "ibadan_north' or '1'='1" }),
    ];
    const text = '\ufeff' + [HEADER, ...lines].join('\r\n') + '\r\n';
    const res = await uploadRaw(Buffer.from(text, 'utf8'));
    expect(res.statusCode).toBe(202);
    const done = await finished(res.json().job.id);
    expect(done).toMatchObject({ state: 'completed', total: 13, processed: 13, succeeded: 3, failed: 10 });
    expect(done.errors.map((e: { row: number; field?: string; code: string }) => [e.row, e.field, e.code])).toEqual([
      [2, 'email', 'EMAIL_EXISTS'],
      [3, 'role', 'ROLE_UNKNOWN'],
      [4, 'role', 'ROLE_CONFLICT'],
      [5, 'lga', 'LGA_REQUIRED'],
      [6, 'phone', 'PHONE_INVALID'],
      [7, 'email', 'EMAIL_INVALID'],
      [12, 'role', 'ROLE_UNKNOWN'],
      [13, 'role', 'ROLE_CONFLICT'],
      [14, 'full_name', 'NAME_INVALID'],
      [15, 'lga', 'LGA_UNKNOWN'],
    ]);
    const made = await app.t.database.db
      .select()
      .from(users)
      .where(like(users.email, `%@${domain}`));
    const byEmail = Object.fromEntries(made.map((u) => [u.email, u]));
    expect(made).toHaveLength(3);
    expect(byEmail[`p7@${domain}`]).toMatchObject({ role: 'enumerator', lgaCode: 'ibadan_north' });
    expect(byEmail[`p8@${domain}`]).toMatchObject({ role: 'data_entry_clerk', lgaCode: null });
    expect(byEmail[`p9@${domain}`]).toMatchObject({
      role: 'verification_assessor',
      lgaCode: 'saki_west',
      fullName: 'Adébáyọ̀ Ògúnlọ́lá',
    });
    // The existing account was left alone.
    const [still] = await app.t.database.db.select().from(users).where(eq(users.id, existing.id));
    expect(still).toMatchObject({ role: 'data_entry_clerk', status: 'active', email: existing.email });
  });

  it('refuses broken files as a whole with no job, no user and no audit row', async () => {
    const domain = 'broken.import.test';
    const before = await counts();
    const good = Array.from({ length: 3 }, (_, i) => row(i, domain));
    const tooMany = csv(Array.from({ length: 10_001 }, (_, i) => row(i, domain)));

    const missing = await upload(
      csv(
        good.map((l) => l.split(',').slice(0, 4).join(',')),
        'full_name,email,phone,role',
      ),
    );
    expect(missing.statusCode).toBe(422);
    expect(missing.json().error).toMatchObject({ code: 'CSV_MISSING_HEADER', details: { missing: ['lga'] } });

    const noHeader = await upload(good.join('\n'));
    expect(noHeader.statusCode).toBe(422);
    expect(noHeader.json().error.code).toBe('CSV_MISSING_HEADER');
    expect(noHeader.json().error.details.missing).toEqual(['full_name', 'email', 'phone', 'role', 'lga']);

    const latin1 = await upload(Buffer.from(csv([row(1, domain, { name: 'Adébáyọ̀ Okafor' })]), 'latin1'));
    expect(latin1.statusCode).toBe(422);
    expect(latin1.json().error.code).toBe('CSV_NOT_UTF8');

    for (const empty of [`${HEADER}\n`, `${HEADER}\n\n\n`, '', '\n']) {
      const res = await upload(empty);
      expect({ empty, status: res.statusCode, code: res.json().error.code }).toEqual({
        empty,
        status: 422,
        code: 'CSV_EMPTY',
      });
    }

    const many = await upload(tooMany);
    expect(many.statusCode).toBe(422);
    expect(many.json().error).toMatchObject({ code: 'CSV_TOO_MANY_ROWS', details: { rows: 10_001, max: 10_000 } });
    const manyRaw = await uploadRaw(tooMany);
    expect(manyRaw.statusCode).toBe(422);
    expect(manyRaw.json().error.code).toBe('CSV_TOO_MANY_ROWS');

    const unclosed = await upload(`${HEADER}\n"Open quote,a@b.ng,08031234567,enumerator,iseyin\n`);
    expect(unclosed.statusCode).toBe(422);
    expect(unclosed.json().error.code).toBe('CSV_MALFORMED');

    const binary = await upload(Buffer.concat([Buffer.from(`${HEADER}\n`), Buffer.from([0, 1, 2, 0])]));
    expect(binary.statusCode).toBe(422);
    expect(binary.json().error.code).toBe('CSV_NOT_TEXT');

    // 20 MB: over the 10 MB upload limit, as a file and as a raw body.
    const huge = Buffer.alloc(20 * 1024 * 1024, 'a');
    const hugeFile = await upload(huge);
    expect(hugeFile.statusCode).toBe(413);
    expect(hugeFile.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const hugeRaw = await uploadRaw(huge);
    expect(hugeRaw.statusCode).toBe(413);
    expect(hugeRaw.json().error.code).toBe('PAYLOAD_TOO_LARGE');

    const json = await app.call(app.admin, { method: 'POST', url: '/api/v1/staff/import', payload: { rows: good } });
    expect(json.statusCode).toBe(415);
    expect(json.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
    const plain = await uploadRaw(csv(good), 'text/plain');
    expect(plain.statusCode).toBe(415);
    expect(plain.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');

    // Multipart is read only where files are taken (plugins/uploads.ts): another route refuses it
    // with the same clean 415 as any type it does not read.
    const elsewhere = await multipart(csv(good));
    const invite = await app.call(app.admin, { method: 'POST', url: '/api/v1/staff', ...elsewhere });
    expect(invite.statusCode).toBe(415);
    expect(invite.json().error.code).toBe('UNSUPPORTED_MEDIA_TYPE');

    const noFile = await multipart('', '', 'x.csv', { note: 'no file here' });
    const noFileRes = await app.call(app.admin, { method: 'POST', url: '/api/v1/staff/import', ...noFile });
    expect(noFileRes.statusCode).toBe(400);
    expect(noFileRes.json().error.code).toBe('FILE_REQUIRED');
    const wrongField = await multipart(csv(good), 'upload');
    const wrongFieldRes = await app.call(app.admin, { method: 'POST', url: '/api/v1/staff/import', ...wrongField });
    expect(wrongFieldRes.statusCode).toBe(400);
    expect(wrongFieldRes.json().error.code).toBe('FILE_REQUIRED');

    expect(await counts()).toEqual(before);
    const [n] = await app.t.database.db
      .select({ n: count() })
      .from(users)
      .where(like(users.email, `%@${domain}`));
    expect(n!.n).toBe(0);
  });

  it('imports 10,000 rows in one job', async () => {
    const domain = 'tenk.import.test';
    const res = await upload(csv(Array.from({ length: 10_000 }, (_, i) => row(i, domain))));
    expect(res.statusCode).toBe(202);
    const done = await finished(res.json().job.id, 120_000);
    expect(done).toMatchObject({
      state: 'completed',
      total: 10_000,
      processed: 10_000,
      succeeded: 10_000,
      failed: 0,
      errors: [],
    });
    expect(await created(domain, done.id)).toEqual({ users: 10_000, audits: 10_000, mails: 10_000 });
  }, 150_000);

  it('shows a job only to its creator or a super admin', async () => {
    const res = await upload(csv([row(1, 'seen.import.test')]));
    const jobId = res.json().job.id as string;
    await finished(jobId);

    const sa = await app.as('super_admin');
    expect((await app.call(sa, { method: 'GET', url: `/api/v1/jobs/${jobId}` })).json().job.id).toBe(jobId);

    const s = await app.as('supervisor');
    for (const url of [`/api/v1/jobs/${jobId}`, `/api/v1/jobs/${jobId}/errors.csv`]) {
      const hidden = await app.call(s, { method: 'GET', url });
      expect(hidden.statusCode).toBe(404);
      expect(hidden.json().error.code).toBe('NOT_FOUND');
      const anon = await app.call(null, { method: 'GET', url });
      expect(anon.statusCode).toBe(401);
      expect(anon.json().error.code).toBe('UNAUTHENTICATED');
    }
    // Hidden looks exactly like missing.
    const missing = await app.call(s, { method: 'GET', url: '/api/v1/jobs/0190a5d2-8f43-7b6c-9d1e-2f3a4b5c6d7e' });
    expect(missing.statusCode).toBe(404);
    expect((await app.call(s, { method: 'GET', url: `/api/v1/jobs/${jobId}` })).json()).toEqual(missing.json());
    expect((await app.call(app.admin, { method: 'GET', url: '/api/v1/jobs/not-a-uuid' })).statusCode).toBe(400);

    // Nor may anyone but a super admin import.
    const before = await counts();
    const refused = await upload(csv([row(2, 'seen.import.test')]), s);
    expect(refused.statusCode).toBe(403);
    expect((await upload(csv([row(3, 'seen.import.test')]), null)).statusCode).toBe(401);
    expect(await counts()).toEqual(before);
  });
});

describe('a job without a worker', () => {
  // A process whose worker is off: its jobs wait in the queue until a test runs them by hand.
  const solo = useTestApp({ worker: false });

  async function queuedJob(domain: string, lines: string[]) {
    const res = await upload(csv(lines), solo.admin, solo);
    expect(res.statusCode).toBe(202);
    const jobId = res.json().job.id as string;
    const [queued] = await solo.t.database.db.select().from(jobs).where(eq(jobs.id, jobId));
    expect(queued).toMatchObject({ state: 'queued', processed: 0, total: lines.length });
    expect(await created(domain, jobId, solo.t.database.db)).toEqual({ users: 0, audits: 0, mails: 0 });
    return jobId;
  }

  const jobRow = async (jobId: string) => (await solo.t.database.db.select().from(jobs).where(eq(jobs.id, jobId)))[0]!;
  const finishedAudits = async (jobId: string) =>
    (
      await solo.t.database.db
        .select({ n: count() })
        .from(auditLog)
        .where(and(eq(auditLog.targetId, jobId), eq(auditLog.action, 'staff.import_finished')))
    )[0]!.n;

  it('creates every row exactly once when the job runs twice at the same moment and again afterwards', async () => {
    const domain = 'twice.import.test';
    const lines = Array.from({ length: 620 }, (_, i) => row(i, domain));
    lines[5] = row(5, domain, { lga: 'nowhere' }); // line 7
    lines[300] = row(300, domain, { email: `p1@${domain}` }); // line 302
    lines[600] = row(600, domain, { phone: '0800' }); // line 602
    const jobId = await queuedJob(domain, lines);

    await Promise.all([solo.t.services.staff.runImport(jobId), solo.t.services.staff.runImport(jobId)]);
    await solo.t.services.staff.runImport(jobId);

    const job = await jobRow(jobId);
    expect(job).toMatchObject({ state: 'completed', processed: 620, total: 620, succeeded: 617, failed: 3 });
    expect(job.errors.map((e) => [e.row, e.code])).toEqual([
      [7, 'LGA_UNKNOWN'],
      [302, 'EMAIL_DUPLICATE_IN_FILE'],
      [602, 'PHONE_INVALID'],
    ]);
    expect(await created(domain, jobId, solo.t.database.db)).toEqual({ users: 617, audits: 617, mails: 617 });
    expect(await finishedAudits(jobId)).toBe(1);
  });

  it('resumes where a killed worker stopped, and a late delivery from the queue changes nothing', async () => {
    const domain = 'resume.import.test';
    const jobId = await queuedJob(
      domain,
      Array.from({ length: 600 }, (_, i) => row(i, domain)),
    );

    // Another transaction holds p300's email (second chunk) uncommitted, so the worker stalls there...
    const blocker = new pg.Client({ connectionString: solo.t.databaseUrl });
    await blocker.connect();
    try {
      await blocker.query('begin');
      await blocker.query(
        `insert into users (id, email, full_name, role, status) values (gen_random_uuid(), $1, 'Blocker', 'data_entry_clerk', 'invited')`,
        [`p300@${domain}`],
      );
      const run = solo.t.services.staff.runImport(jobId);
      const outcome = run.then(
        () => 'finished',
        () => 'died',
      );
      const stalled = await waitFor(async () => {
        const { rows } = await blocker.query(
          "select pid from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock' and pid <> pg_backend_pid()",
        );
        return rows[0]?.pid as number | undefined;
      });
      // ...with the first chunk committed. Now the worker fails mid-chunk: its transaction is rolled back,
      // as when the process dies. (Cancelled rather than terminated: a dropped connection under a
      // checked-out pool client is an uncaught 'error' event in node-postgres.)
      expect(await jobRow(jobId)).toMatchObject({ state: 'running', processed: 250, succeeded: 250 });
      await blocker.query('select pg_cancel_backend($1)', [stalled]);
      expect(await outcome).toBe('died');
      await blocker.query('rollback');
    } finally {
      await blocker.end();
    }
    expect(await jobRow(jobId)).toMatchObject({ state: 'running', processed: 250 });
    expect(await created(domain, jobId, solo.t.database.db)).toEqual({ users: 250, audits: 250, mails: 250 });

    await solo.t.services.staff.runImport(jobId);
    expect(await jobRow(jobId)).toMatchObject({
      state: 'completed',
      processed: 600,
      succeeded: 600,
      failed: 0,
      errors: [],
    });
    expect(await created(domain, jobId, solo.t.database.db)).toEqual({ users: 600, audits: 600, mails: 600 });
    expect(await finishedAudits(jobId)).toBe(1);

    // Both uploads are still in the queue: a worker that starts now delivers them again — harmlessly.
    const snapshot = await counts(solo.t.database.db);
    const [twice] = await solo.t.database.db
      .select({ id: jobs.id })
      .from(jobs)
      .where(sql`${jobs.id} <> ${jobId}`);
    const bullKeys = [jobId, twice!.id].map((id) => `${solo.t.redisPrefix}bull:oslrs-jobs:${id}`);
    expect(await solo.t.runtime.redis!.exists(...bullKeys)).toBe(2);
    solo.t.services.jobs.startWorker(60_000);
    // A delivery that completes is removed from the queue.
    await waitFor(async () => (await solo.t.runtime.redis!.exists(...bullKeys)) === 0);
    expect(await counts(solo.t.database.db)).toEqual(snapshot);
  });
});

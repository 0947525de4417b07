/**
 * After a staff CSV import: every problem of a row reported (not only the first), and the two bulk
 * follow-ups for the people it created who have not activated yet — a CSV of new activation links to
 * hand over, and resending the invitations by mail — with RBAC, audit rows and clear 4xx answers.
 */
import { describe, expect, it } from 'vitest';
import { and, eq, inArray, like, sql } from 'drizzle-orm';
import { uuidv7 } from 'uuidv7';
import { auditLog, jobs, mailOutbox, users } from '../../db/schema/index.js';
import { waitFor } from '../../../test/harness.js';
import { useTestApp } from '../../../test/use-test-app.js';

const app = useTestApp();
const HEADER = 'full_name,email,phone,role,lga';

async function importCsv(lines: string[]) {
  const res = await app.call(app.admin, {
    method: 'POST',
    url: '/api/v1/staff/import',
    payload: [HEADER, ...lines].join('\n') + '\n',
    headers: { 'content-type': 'text/csv' },
  });
  expect(res.statusCode).toBe(202);
  const id: string = res.json().job.id;
  await waitFor(async () => {
    const [j] = await app.t.database.db.select({ state: jobs.state }).from(jobs).where(eq(jobs.id, id));
    return j?.state === 'completed';
  });
  return (await app.call(app.admin, { method: 'GET', url: `/api/v1/jobs/${id}` })).json().job;
}

const tokenIn = (text: string) =>
  new URL(text.match(/http:\/\/registry\.test\/activate\?token=\S+/)![0]).searchParams.get('token')!;

async function mailsTo(email: string) {
  return app.t.database.db.select().from(mailOutbox).where(eq(mailOutbox.to, email)).orderBy(mailOutbox.createdAt);
}

const activate = (token: string) =>
  app.t.app.inject({
    method: 'POST',
    url: '/api/v1/auth/activate',
    payload: { token, password: 'a long enough password' },
  });

/** Three people imported; the first then activates with the emailed link. */
async function importThree(domain: string) {
  const job = await importCsv([
    `Ada Activated,ada@${domain},08031230001,enumerator,ibadan_north`,
    `Bola Waiting,bola@${domain},08031230002,Data entry clerk,`,
    `Chidi Waiting,chidi@${domain},08031230003,supervisor,Oyo East`,
  ]);
  expect(job).toMatchObject({ succeeded: 3, failed: 0 });
  const [mail] = await mailsTo(`ada@${domain}`);
  expect((await activate(tokenIn(mail!.body!))).statusCode).toBe(200);
  return job.id as string;
}

describe('staff import: every problem of a row', () => {
  it('lists all the problems of each row, counts failed rows (not problems) and imports the clean rows', async () => {
    const domain = 'many.followup.test';
    const job = await importCsv([
      /* 2 */ `X,not-an-email,12345,manager,Atlantis`,
      /* 3 */ `Good Person,good@${domain},08031234567,enumerator,ibadan_north`,
      /* 4 */ `Tunde Bad,tunde@${domain},0803,enumerator,`,
      /* 5 */ `Kemi Good,kemi@${domain},08031234568,data_entry_clerk,`,
    ]);
    expect(job).toMatchObject({ total: 4, processed: 4, succeeded: 2, failed: 2 });
    expect(job.errors.map((e: { row: number; field: string; code: string }) => [e.row, e.field, e.code])).toEqual([
      [2, 'full_name', 'NAME_INVALID'],
      [2, 'email', 'EMAIL_INVALID'],
      [2, 'phone', 'PHONE_INVALID'],
      [2, 'role', 'ROLE_UNKNOWN'],
      [2, 'lga', 'LGA_UNKNOWN'],
      [4, 'phone', 'PHONE_INVALID'],
      [4, 'lga', 'LGA_REQUIRED'],
    ]);
    const report = await app.call(app.admin, { method: 'GET', url: `/api/v1/jobs/${job.id}/errors.csv` });
    expect(report.body.trimEnd().split('\r\n')).toHaveLength(1 + 7);
    const made = await app.t.database.db
      .select()
      .from(users)
      .where(like(users.email, `%@${domain}`));
    expect(made.map((u) => u.email).sort()).toEqual([`good@${domain}`, `kemi@${domain}`]);
    expect(made.every((u) => u.importJobId === job.id)).toBe(true);
  });
});

describe('activation links CSV of an import', () => {
  it('issues new links for the people not yet activated, as CSV; old links stop working; audited; no mail', async () => {
    const domain = 'links.followup.test';
    const jobId = await importThree(domain);
    const [oldBola] = await mailsTo(`bola@${domain}`);
    const mailCount = (
      await app.t.database.db
        .select()
        .from(mailOutbox)
        .where(like(mailOutbox.to, `%@${domain}`))
    ).length;

    const res = await app.call(app.admin, { method: 'POST', url: `/api/v1/staff/import/${jobId}/activation-links` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    expect(res.headers['content-disposition']).toContain(`activation-links-${jobId}.csv`);
    expect(res.headers['cache-control']).toBe('no-store');
    const lines = res.body.trimEnd().split('\r\n');
    expect(lines[0]).toBe('full_name,email,role,lga,activation_url,expires_at');
    expect(lines).toHaveLength(3); // Ada activated: only Bola and Chidi
    expect(lines[1]).toMatch(
      new RegExp(`^"Bola Waiting","bola@${domain}","Data entry clerk","","http://registry\\.test/activate\\?token=`),
    );
    expect(lines[2]).toMatch(/^"Chidi Waiting","chidi@[^"]+","Supervisor","Oyo East","http:/);
    const cells = (line: string) => line.slice(1, -1).split('","');
    expect(Number.isNaN(Date.parse(cells(lines[1]!)[5]!))).toBe(false);

    // The old emailed link is dead; the CSV's link works.
    expect((await activate(tokenIn(oldBola!.body!))).json().error.code).toBe('TOKEN_INVALID');
    expect((await activate(new URL(cells(lines[1]!)[4]!).searchParams.get('token')!)).statusCode).toBe(200);
    // No mail was sent for the CSV.
    expect(
      (
        await app.t.database.db
          .select()
          .from(mailOutbox)
          .where(like(mailOutbox.to, `%@${domain}`))
      ).length,
    ).toBe(mailCount);
    const audits = await app.t.database.db
      .select()
      .from(auditLog)
      .where(inArray(auditLog.action, ['staff.invitation_reissued', 'staff.import_activation_links_exported']));
    const ours = audits.filter((a) => a.targetId === jobId || (a.after as { importJob?: string })?.importJob === jobId);
    expect(ours.map((a) => a.action).sort()).toEqual([
      'staff.import_activation_links_exported',
      'staff.invitation_reissued',
      'staff.invitation_reissued',
    ]);
    expect(ours.every((a) => a.actorId === app.admin.user.id)).toBe(true);
    expect(ours.find((a) => a.targetType === 'job')!.after).toEqual({ people: 2 });
    // The links never reach the audit log.
    expect(JSON.stringify(ours)).not.toContain('token=');

    // Again, now only Chidi is left.
    const again = await app.call(app.admin, { method: 'POST', url: `/api/v1/staff/import/${jobId}/activation-links` });
    expect(again.body.trimEnd().split('\r\n')).toHaveLength(2);
  });
});

describe('resend invitations of an import', () => {
  it('mails a new link to each person not yet activated, says no mail server is set up, and audits it', async () => {
    const domain = 'resend.followup.test';
    const jobId = await importThree(domain);
    const [oldChidi] = await mailsTo(`chidi@${domain}`);

    const res = await app.call(app.admin, { method: 'POST', url: `/api/v1/staff/import/${jobId}/invitations` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ resent: 2, mail: { transport: 'none' } });
    expect(await mailsTo(`ada@${domain}`)).toHaveLength(1);
    const chidi = await mailsTo(`chidi@${domain}`);
    expect(chidi).toHaveLength(2);
    expect((await activate(tokenIn(oldChidi!.body!))).json().error.code).toBe('TOKEN_INVALID');
    expect((await activate(tokenIn(chidi[1]!.body!))).statusCode).toBe(200);
    const [summary] = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, jobId), eq(auditLog.action, 'staff.import_invitations_resent')));
    expect(summary).toMatchObject({ actorId: app.admin.user.id, after: { people: 2 } });
    const perPerson = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'staff.invitation_reissued'), sql`${auditLog.after}->>'importJob' = ${jobId}`));
    expect(perPerson.map((a) => (a.after as { channel: string }).channel)).toEqual(['email', 'email']);
  });

  it('says whether a mail server is configured in the invite and re-invite answers', async () => {
    const invited = await app.call(app.admin, {
      method: 'POST',
      url: '/api/v1/staff',
      payload: {
        fullName: 'Mail Less',
        email: 'mail.less@followup.test',
        phone: '08031239999',
        role: 'data_entry_clerk',
      },
    });
    expect(invited.statusCode).toBe(201);
    expect(invited.json().mail).toEqual({ transport: 'none' });
    const again = await app.call(app.admin, {
      method: 'POST',
      url: `/api/v1/staff/${invited.json().staff.id}/invitation`,
    });
    expect(again.json()).toMatchObject({
      mail: { transport: 'none' },
      activationUrl: expect.stringContaining('token='),
    });
  });
});

describe('the follow-ups refuse what they cannot do', () => {
  it('answers 401, 403, 400, 404 and 409 in JSON, and changes nothing', async () => {
    const domain = 'refuse.followup.test';
    const jobId = await importThree(domain);
    const before = await app.t.database.db
      .select()
      .from(users)
      .where(like(users.email, `%@${domain}`));
    for (const path of ['invitations', 'activation-links']) {
      const url = `/api/v1/staff/import/${jobId}/${path}`;
      const anon = await app.call(null, { method: 'POST', url });
      expect([anon.statusCode, anon.json().error.code]).toEqual([401, 'UNAUTHENTICATED']);
      for (const role of ['supervisor', 'enumerator', 'data_entry_clerk'] as const) {
        const res = await app.call(await app.as(role, role === 'data_entry_clerk' ? {} : { lgaCode: 'ibadan_north' }), {
          method: 'POST',
          url,
        });
        expect([res.statusCode, res.json().error.code]).toEqual([403, 'FORBIDDEN']);
      }
      const bad = await app.call(app.admin, { method: 'POST', url: `/api/v1/staff/import/not-a-uuid/${path}` });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().error.code).toBe('VALIDATION_FAILED');
      const unknown = await app.call(app.admin, { method: 'POST', url: `/api/v1/staff/import/${uuidv7()}/${path}` });
      expect([unknown.statusCode, unknown.json().error.code]).toEqual([404, 'NOT_FOUND']);
    }
    // A job that is not a staff import, and a staff import still running.
    const other = uuidv7();
    const running = uuidv7();
    await app.t.database.db.insert(jobs).values([
      { id: other, type: 'export.respondents', state: 'completed', input: {}, total: 0, createdBy: app.admin.user.id },
      // Never enqueued, and too recent for the stale-job sweep to pick up: it stays running.
      {
        id: running,
        type: 'staff.import',
        state: 'running',
        input: { rows: [] },
        total: 5,
        createdBy: app.admin.user.id,
        updatedAt: new Date(Date.now() + 86_400_000),
      },
    ]);
    for (const path of ['invitations', 'activation-links']) {
      const notImport = await app.call(app.admin, { method: 'POST', url: `/api/v1/staff/import/${other}/${path}` });
      expect([notImport.statusCode, notImport.json().error.code]).toEqual([404, 'NOT_FOUND']);
      const busy = await app.call(app.admin, { method: 'POST', url: `/api/v1/staff/import/${running}/${path}` });
      expect([busy.statusCode, busy.json().error.code]).toEqual([409, 'IMPORT_NOT_FINISHED']);
    }
    const after = await app.t.database.db
      .select()
      .from(users)
      .where(like(users.email, `%@${domain}`));
    expect(after.map((u) => u.activationTokenHash)).toEqual(before.map((u) => u.activationTokenHash));
  });
});

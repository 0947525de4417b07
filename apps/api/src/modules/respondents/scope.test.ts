import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { auditLog } from '../../db/schema/index.js';
import { useTestApp } from '../../../test/use-test-app.js';
import { masterAnswers, publishForm, settled, submissionBody, submit, type Published } from '../../../test/testkit.js';
import type { Session } from '../../../test/harness.js';

/**
 * SPEC: supervisors see only their LGA. One rule for records outside a caller's scope: they answer
 * exactly like records that do not exist (404), for submissions and respondents alike.
 */
const app = useTestApp();
let master: Published;
let enumerator: Session;
let inNorth: { submissionId: string; respondentId: string };
let inOyoEast: { submissionId: string; respondentId: string };

async function registered(lga: string, by: Session) {
  const body = submissionBody(master.versionId, { answers: masterAnswers({ lga_id: lga }) });
  expect((await submit(app.t, by, body)).statusCode).toBe(202);
  const [row] = await settled(app.t, [body.id]);
  expect(row!.status).toBe('ingested');
  return { submissionId: body.id, respondentId: row!.respondentId! };
}

beforeAll(async () => {
  master = await publishForm(app.t, app.admin);
  enumerator = await app.as('enumerator', { lgaCode: 'ibadan_north' });
  inNorth = await registered('ibadan_north', enumerator);
  inOyoEast = await registered('oyo_east', await app.as('enumerator', { lgaCode: 'oyo_east' }));
});

const get = (s: Session, url: string) => app.call(s, { method: 'GET', url });

describe('supervisor scope', () => {
  it("a supervisor reads their own LGA's submission and respondent", async () => {
    const sup = await app.as('supervisor', { lgaCode: 'ibadan_north' });
    const sub = await get(sup, `/api/v1/submissions/${inNorth.submissionId}`);
    expect(sub.statusCode, sub.body).toBe(200);
    expect(sub.json()).toMatchObject({ id: inNorth.submissionId, status: 'ingested' });
    const res = await get(sup, `/api/v1/respondents/${inNorth.respondentId}`);
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().respondent).toMatchObject({ id: inNorth.respondentId, lga: 'ibadan_north' });
    expect(res.json().respondent.submissions.map((s: { id: string }) => s.id)).toContain(inNorth.submissionId);
  });

  it("another LGA's submission and respondent answer exactly like missing ones (404)", async () => {
    const sup = await app.as('supervisor', { lgaCode: 'ibadan_north' });
    for (const [url, missing] of [
      [`/api/v1/submissions/${inOyoEast.submissionId}`, `/api/v1/submissions/${randomUUID()}`],
      [`/api/v1/respondents/${inOyoEast.respondentId}`, `/api/v1/respondents/${randomUUID()}`],
    ] as const) {
      const hidden = await get(sup, url);
      const absent = await get(sup, missing);
      expect(hidden.statusCode, url).toBe(404);
      expect(absent.statusCode).toBe(404);
      expect(hidden.json()).toEqual(absent.json());
    }
  });

  it('moving a supervisor to another LGA moves what they see at once', async () => {
    const sup = await app.as('supervisor', { lgaCode: 'ibadan_north' });
    expect((await get(sup, `/api/v1/submissions/${inOyoEast.submissionId}`)).statusCode).toBe(404);
    const moved = await app.call(app.admin, {
      method: 'PATCH',
      url: `/api/v1/staff/${sup.user.id}`,
      payload: { lga: 'oyo_east' },
    });
    expect(moved.statusCode, moved.body).toBe(200);
    expect((await get(sup, `/api/v1/submissions/${inOyoEast.submissionId}`)).statusCode).toBe(200);
    expect((await get(sup, `/api/v1/submissions/${inNorth.submissionId}`)).statusCode).toBe(404);
  });
});

describe('statewide readers and the rest', () => {
  it('super admins, assessors and officials read any respondent; the NIN is masked for officials only', async () => {
    const full = await get(app.admin, `/api/v1/respondents/${inOyoEast.respondentId}`);
    expect(full.statusCode).toBe(200);
    expect(full.json().respondent.nin).toMatch(/^\d{11}$/);
    const assessor = await get(await app.as('verification_assessor'), `/api/v1/respondents/${inOyoEast.respondentId}`);
    expect(assessor.json().respondent.nin).toBe(full.json().respondent.nin);
    const official = await get(await app.as('government_official'), `/api/v1/respondents/${inOyoEast.respondentId}`);
    expect(official.statusCode).toBe(200);
    expect(official.json().respondent.nin).toBe(`********${full.json().respondent.nin.slice(-3)}`);
  });

  it('field and public roles may not open respondent records (403), and every view is audited', async () => {
    for (const s of [enumerator, await app.as('data_entry_clerk'), await app.publicUser()]) {
      expect((await get(s, `/api/v1/respondents/${inNorth.respondentId}`)).statusCode).toBe(403);
    }
    const viewer = await app.as('verification_assessor');
    await get(viewer, `/api/v1/respondents/${inNorth.respondentId}`);
    const rows = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.actorId, viewer.user.id), eq(auditLog.targetType, 'respondent')));
    expect(rows).toEqual([
      expect.objectContaining({
        action: 'respondent.viewed',
        targetType: 'respondent',
        targetId: inNorth.respondentId,
        actorRole: 'verification_assessor',
        ip: expect.any(String),
      }),
    ]);
  });
});

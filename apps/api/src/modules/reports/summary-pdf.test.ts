import { beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { respondents } from '../../db/schema/index.js';
import { useTestApp } from '../../../test/use-test-app.js';
import { RespondentRepository } from '../respondents/index.js';
import { rebuildRollups } from './index.js';

/** Issue 11 item 5: GET /reports/summary.pdf — the summary as a PDF, same filters and scope. */
const app = useTestApp();

/** Checks the file's structure: header, every xref offset lands on its object, startxref on the xref. */
function checkPdf(buf: Buffer) {
  const s = buf.toString('latin1');
  expect(s.startsWith('%PDF-1.')).toBe(true);
  expect(s.trimEnd().endsWith('%%EOF')).toBe(true);
  const startxref = Number(/startxref\n(\d+)\n%%EOF\n?$/.exec(s)![1]);
  expect(s.slice(startxref, startxref + 4)).toBe('xref');
  const [, first, count] = /^xref\n(\d+) (\d+)\n/.exec(s.slice(startxref))!;
  expect(Number(first)).toBe(0);
  const entries = s
    .slice(startxref)
    .split('\n')
    .slice(2, 2 + Number(count));
  entries.slice(1).forEach((e, i) => {
    const offset = Number(e.slice(0, 10));
    expect(s.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
  });
  // Every content stream's /Length is its byte length.
  for (const m of s.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) {
    const start = m.index + m[0].length;
    expect(s.slice(start + Number(m[1]), start + Number(m[1]) + '\nendstream'.length)).toBe('\nendstream');
  }
  return s;
}

beforeAll(async () => {
  const db = app.t.database.db;
  for (let i = 0; i < 40; i++)
    await db.insert(respondents).values({
      id: uuidv7(),
      status: i % 5 === 0 ? 'verified' : 'active',
      source: i % 2 ? 'public' : 'enumerator',
      gender: i % 2 ? 'male' : 'female',
      dob: '1988-01-01',
      lgaCode: i % 3 ? 'ibadan_north' : 'oyo_east',
      employmentType: 'self_employed',
      skills: ['tailoring', 'welding'],
      createdAt: new Date(Date.UTC(2026, 2, 1 + (i % 20), 12)),
    });
  await rebuildRollups(db, (ex, onPage) => new RespondentRepository().forEachReportSubject(ex, onPage));
});

describe('GET /reports/summary.pdf', () => {
  it('is a well-formed PDF with the total, the filters and the charts', async () => {
    const res = await app.call(app.admin, {
      method: 'GET',
      url: '/api/v1/reports/summary.pdf?from=2026-03-01&to=2026-03-31&lga=ibadan_north',
    });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toMatch(/filename="oslrs-summary-20260331\.pdf"/);
    const summary = (
      await app.call(app.admin, {
        method: 'GET',
        url: '/api/v1/reports/summary?from=2026-03-01&to=2026-03-31&lga=ibadan_north',
      })
    ).json();
    const s = checkPdf(res.rawPayload);
    expect(s).toContain(`(${summary.total} registrations) Tj`);
    expect(s).toContain('Registered 2026-03-01 to 2026-03-31 - LGA: Ibadan North');
    expect(s).toContain('(By LGA) Tj');
    expect(s).toContain('(Registrations over time) Tj');
    // Bars are drawn (filled rectangles), one per LGA/sector/... row at least.
    expect((s.match(/ re f/g) ?? []).length).toBeGreaterThan(10);
  });

  it('without filters: every section, on as many pages as they need, each page in the page tree', async () => {
    const res = await app.call(app.admin, { method: 'GET', url: '/api/v1/reports/summary.pdf' });
    const s = checkPdf(res.rawPayload);
    const pages = (s.match(/\/Type \/Page /g) ?? []).length;
    expect(Number(/\/Count (\d+)/.exec(s)![1])).toBe(pages);
    for (const title of ['By sector', 'Top 20 skills', 'By employment type', 'By gender', 'By channel', 'By status'])
      expect(s).toContain(title);
  });

  it('same filters and scope as the summary: 400, 403, 404', async () => {
    expect(
      (await app.call(app.admin, { method: 'GET', url: '/api/v1/reports/summary.pdf?lga=atlantis' })).statusCode,
    ).toBe(400);
    expect(
      (await app.call(app.admin, { method: 'GET', url: '/api/v1/reports/summary.pdf?from=2026-03-10&to=2026-03-01' }))
        .statusCode,
    ).toBe(400);
    const enumerator = await app.as('enumerator', { lgaCode: 'oyo_east' });
    expect((await app.call(enumerator, { method: 'GET', url: '/api/v1/reports/summary.pdf' })).statusCode).toBe(403);
    const sup = await app.as('supervisor', { lgaCode: 'oyo_east' });
    expect((await app.call(sup, { method: 'GET', url: '/api/v1/reports/summary.pdf?lga=iseyin' })).statusCode).toBe(
      404,
    );
    const own = await app.call(sup, { method: 'GET', url: '/api/v1/reports/summary.pdf' });
    expect(own.statusCode).toBe(200);
    expect(checkPdf(own.rawPayload)).toContain('LGA: Oyo East');
  });
});

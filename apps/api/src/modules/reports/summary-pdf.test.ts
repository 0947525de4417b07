import { beforeAll, describe, expect, it } from 'vitest';
import { uuidv7 } from 'uuidv7';
import { respondents } from '../../db/schema/index.js';
import { useTestApp } from '../../../test/use-test-app.js';
import { RespondentRepository } from '../respondents/index.js';
import { rebuildRollups } from './index.js';
import { readPdf } from '../../../test/pdf.js';
import { documentTexts } from '../documents/index.js';
import { summaryPdf } from './pdf.js';
import type { ReportSummary } from '@oslrs/core';

/** Issue 11 item 5: GET /reports/summary.pdf — the summary as a PDF, same filters and scope. */
const app = useTestApp();

/** A PDF of ours read back: its pages' text (through the fonts' ToUnicode maps) and glyphs the font lacks. */
function pdfOf(res: { statusCode: number; headers: Record<string, unknown>; rawPayload: Buffer; body: string }) {
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toBe('application/pdf');
  const s = res.rawPayload.toString('latin1');
  expect(s.startsWith('%PDF-1.')).toBe(true);
  expect(s.trimEnd().endsWith('%%EOF')).toBe(true);
  const pdf = readPdf(res.rawPayload);
  expect(pdf.notdef).toBe(0);
  return pdf;
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
  it('is a PDF with the total, the filters and the charts, in English by default', async () => {
    const res = await app.call(app.admin, {
      method: 'GET',
      url: '/api/v1/reports/summary.pdf?from=2026-03-01&to=2026-03-31&lga=ibadan_north',
    });
    expect(res.headers['content-disposition']).toMatch(/filename="oslrs-summary-20260331\.pdf"/);
    const summary = (
      await app.call(app.admin, {
        method: 'GET',
        url: '/api/v1/reports/summary?from=2026-03-01&to=2026-03-31&lga=ibadan_north',
      })
    ).json();
    const pdf = pdfOf(res);
    expect(pdf.text).toContain(`${summary.total} registrations`);
    expect(pdf.text).toContain('From 1 March 2026 to 31 March 2026 · LGA: Ibadan North · Channel: All · Status: All');
    expect(pdf.text).toContain('By LGA');
    expect(pdf.text).toContain('Registrations over time');
    // The rows by key, in the catalogue's words: a sector, a skill, a gender.
    expect(pdf.text).toContain('Fashion, Beauty & Personal Care');
    expect(pdf.text).toContain('Welding & Fabrication');
    expect(pdf.text).toContain('Female');
  });

  it('in Yorùbá (?lang=yo, or the Accept-Language): the titles and the rows in Yorùbá, every letter in the font', async () => {
    for (const how of [{ url: '?lang=yo' }, { url: '', headers: { 'accept-language': 'yo-NG,yo;q=0.9,en;q=0.5' } }]) {
      const pdf = pdfOf(
        await app.call(app.admin, {
          method: 'GET',
          url: `/api/v1/reports/summary.pdf${how.url}`,
          ...(how.headers ? { headers: how.headers } : {}),
        }),
      );
      expect(pdf.text).toContain('Àkópọ̀ ìforúkọsílẹ̀');
      expect(pdf.text).toContain('Ní ẹ̀ka iṣẹ́ kọ̀ọ̀kan');
      expect(pdf.text).toContain('Aṣọ, ẹwà àti ìtọ́jú ara');
      expect(pdf.text).toContain('Aṣọ rírán (tẹ́lọ̀)');
      expect(pdf.text).toContain('Abo');
      expect(pdf.text).toMatch(/Ìforúkọsílẹ̀ 40\b/);
      expect(pdf.text).not.toMatch(/Fashion|Tailoring|registrations/);
    }
    const bad = await app.call(app.admin, { method: 'GET', url: '/api/v1/reports/summary.pdf?lang=fr' });
    expect(bad.statusCode).toBe(400);
  });

  it('without filters: every section', async () => {
    const pdf = pdfOf(await app.call(app.admin, { method: 'GET', url: '/api/v1/reports/summary.pdf' }));
    for (const title of ['By sector', 'Top skills', 'By employment type', 'By gender', 'By channel', 'By status'])
      expect(pdf.text).toContain(title);
    expect(pdf.text).toContain('From the start to');
  });

  it('long breakdowns run on to as many pages as they need, none cut off', async () => {
    const rows = (n: number, prefix: string) =>
      Array.from({ length: n }, (_, i) => ({ key: `${prefix}${i}`, label: `${prefix} ${i}`, count: n - i }));
    const summary: ReportSummary = {
      filters: { from: null, to: '2026-03-31', lga: null, channel: null, status: null },
      total: 999,
      interval: 'month',
      overTime: [{ date: '2026-03-01', count: 999 }],
      byLga: rows(34, 'lga'),
      bySector: rows(21, 'sector'),
      bySkill: rows(20, 'skill'),
      byEmploymentType: [],
      byGender: [],
      byAgeBand: [],
      byChannel: [],
      byStatus: rows(5, 'status'),
    };
    const pdf = readPdf(await summaryPdf(summary, new Date(), documentTexts('en')));
    expect(pdf.pages).toBeGreaterThanOrEqual(3);
    expect(pdf.notdef).toBe(0);
    // The last row of the last section is on the last page; an empty section says so.
    expect(pdf.pageTexts.at(-1)).toContain('status 4');
    expect(pdf.text).toContain('No registrations');
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
    const own = pdfOf(await app.call(sup, { method: 'GET', url: '/api/v1/reports/summary.pdf' }));
    expect(own.text).toContain('LGA: Oyo East');
  });
});

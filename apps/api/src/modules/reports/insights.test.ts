import { beforeAll, describe, expect, it } from 'vitest';
import type { PublishedCell, ReportSubject } from '@oslrs/core';
import { useTestApp } from '../../../test/use-test-app.js';
import { ReportService, recordRespondent } from './index.js';

/**
 * Public insights (issue 11 item 6): no sign-in, small cells never published as numbers, and no
 * subtraction of published cells from a published total isolates a suppressed cell.
 */
const app = useTestApp();

const person = (lgaCode: string, i: number, extra: Partial<ReportSubject> = {}): ReportSubject => ({
  createdAt: new Date(),
  lgaCode,
  source: 'enumerator',
  status: 'active',
  gender: i % 3 === 0 ? 'male' : 'female',
  dob: `${1970 + (i % 30)}-06-15`,
  employmentType: 'self_employed',
  skills: [i % 2 ? 'tailoring' : 'welding'],
  ...extra,
});

async function add(subjects: ReportSubject[]) {
  await app.t.database.db.transaction(async (tx) => {
    for (const s of subjects) await recordRespondent(tx, null, s);
  });
}

beforeAll(async () => {
  await add([
    ...Array.from({ length: 12 }, (_, i) => person('ibadan_north', i)),
    ...Array.from({ length: 15 }, (_, i) => person('oyo_east', i)),
    ...Array.from({ length: 3 }, (_, i) => person('saki_west', i, { gender: 'other' })),
    // Rejected registrations are not published at all.
    ...Array.from({ length: 20 }, (_, i) => person('iseyin', i, { status: 'rejected' })),
  ]);
});

const TRUE_COUNTS = { total: 30, saki_west: 3, ibadan_north: 12, oyo_east: 15 };
const tables = (body: Record<string, unknown>) =>
  ['byLga', 'bySector', 'byGender', 'byAgeBand', 'overTime'].map((k) => [k, body[k] as PublishedCell[]] as const);

describe('public insights', () => {
  it('answers without sign-in, cacheable: Cache-Control, a strong ETag, 304 on If-None-Match', async () => {
    const res = await app.call(null, { method: 'GET', url: '/api/v1/insights' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.headers['cache-control']).toMatch(/^public, max-age=\d+$/);
    const etag = res.headers.etag as string;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await app.call(null, { method: 'GET', url: '/api/v1/insights', headers: { 'if-none-match': etag } });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const other = await app.call(null, { method: 'GET', url: '/api/v1/insights', headers: { 'if-none-match': '"x"' } });
    expect(other.statusCode).toBe(200);
  });

  it('publishes no number under 10 anywhere; small cells read "fewer than 10"', async () => {
    const body = (await app.call(null, { method: 'GET', url: '/api/v1/insights' })).json();
    expect(body.total).toMatchObject({ count: TRUE_COUNTS.total, display: '30', suppressed: false });
    const lga = Object.fromEntries((body.byLga as PublishedCell[]).map((c) => [c.key, c]));
    expect(Object.keys(lga)).toHaveLength(33);
    expect(lga.saki_west).toMatchObject({ count: null, suppressed: true, display: 'fewer than 10' });
    expect(lga.oyo_east).toMatchObject({ count: 15, display: '15' });
    expect(lga.iseyin).toMatchObject({ count: null, suppressed: true }); // its 20 are all rejected
    for (const [name, cells] of tables(body))
      for (const c of cells) {
        if (c.suppressed) expect(c.count, `${name} ${c.key}`).toBeNull();
        else expect(c.count!, `${name} ${c.key}`).toBeGreaterThanOrEqual(10);
        if (c.suppressed) expect(c.display).toBe('fewer than 10');
      }
    // Nowhere in the document does a small count appear as a number.
    expect(JSON.stringify(body)).not.toMatch(/"count":[0-9][,}]/);
  });

  it('differencing attack: the total minus the published cells of any table never isolates a suppressed cell', async () => {
    const body = (await app.call(null, { method: 'GET', url: '/api/v1/insights' })).json();
    const total = body.total.count as number;
    // Tables that partition the total (each registration in exactly one cell).
    for (const [name, cells] of tables(body).filter(([n]) => n !== 'bySector')) {
      const published = cells.reduce((a, c) => a + (c.count ?? 0), 0);
      const residue = total - published;
      const hidden = cells.filter((c) => c.suppressed);
      if (!hidden.length) {
        expect(residue, name).toBe(0);
        continue;
      }
      expect(hidden.length, name).toBeGreaterThanOrEqual(2);
      expect(residue, name).toBeGreaterThanOrEqual(10);
    }
    // The attack on the LGA table concretely: it yields 15 (Saki West's 3 + Ibadan North's 12), never the 3.
    const lga = body.byLga as PublishedCell[];
    const residue = total - lga.reduce((a, c) => a + (c.count ?? 0), 0);
    expect(residue).not.toBe(TRUE_COUNTS.saki_west);
    expect(lga.find((c) => c.key === 'ibadan_north')!.suppressed).toBe(true);
    // Gender: "other" (3) is small, so the next smallest is hidden with it.
    const gender = body.byGender as PublishedCell[];
    expect(gender.filter((c) => c.suppressed).length).toBeGreaterThanOrEqual(2);
  });

  it('is recomputed at most every five minutes (per process)', async () => {
    let now = Date.now();
    const service = new ReportService(app.t.database.db, () => now);
    const first = await service.insights();
    await add(Array.from({ length: 10 }, (_, i) => person('ogo_oluwa', i)));
    const cached = await service.insights();
    expect(cached.etag).toBe(first.etag);
    expect(cached.body.total.count).toBe(first.body.total.count);
    now += 5 * 60_000;
    const fresh = await service.insights();
    expect(fresh.body.total.count).toBe(first.body.total.count! + 10);
    expect(fresh.etag).not.toBe(first.etag);
  });
});

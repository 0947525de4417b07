import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { uuidv7 } from 'uuidv7';
import { lagosDay } from '@oslrs/core';
import { auditLog, exportsTable, respondents } from '../../db/schema/index.js';
import { useTestApp } from '../../../test/use-test-app.js';
import type { Session } from '../../../test/harness.js';
import { RespondentRepository } from '../respondents/index.js';
import { rebuildRollups } from '../reports/index.js';
import { EXPORT_COLUMNS, MASKED } from './index.js';
import { exportFingerprint, respondentFilter } from './service.js';
import { csvSink } from './writer.js';

/** Issue 11 item 4: streamed exports of respondent data. */
const EXPORT_DIR = mkdtempSync(join(tmpdir(), 'oslrs-exports-'));
const app = useTestApp({ env: { EXPORT_DIR } });
afterAll(() => rmSync(EXPORT_DIR, { recursive: true, force: true }));

let seq = Date.now() % 1_000_000;
const nin = () => `7${String(++seq).padStart(10, '0')}`;
const phone = () => `+23480${String(++seq).padStart(8, '0')}`;

interface Person {
  surname?: string;
  firstname?: string;
  lga?: string;
  source?: string;
  status?: string;
  createdAt?: Date;
  nin?: string | null;
  phone?: string | null;
}
const people: (Person & { id: string })[] = [];

async function insert(p: Person) {
  const { pii } = app.t.runtime;
  const id = uuidv7();
  const n = p.nin === undefined ? nin() : p.nin;
  const ph = p.phone === undefined ? phone() : p.phone;
  await app.t.database.db.insert(respondents).values({
    id,
    status: p.status ?? 'active',
    source: p.source ?? 'enumerator',
    surname: p.surname ?? 'Adeyemi',
    firstname: p.firstname ?? 'Bola',
    gender: 'female',
    dob: '1990-04-01',
    lgaCode: p.lga ?? 'ibadan_north',
    mainOccupation: 'Tailor',
    employmentType: 'self_employed',
    skills: ['tailoring'],
    ninHash: pii.blindIndexOrNull(n, 'nin'),
    ninSealed: pii.sealOrNull(n, 'nin'),
    phoneHash: pii.blindIndexOrNull(ph, 'phone'),
    phoneSealed: pii.sealOrNull(ph, 'phone'),
    createdAt: p.createdAt ?? new Date('2026-03-10T12:00:00Z'),
  });
  people.push({ ...p, nin: n, phone: ph, id });
  return id;
}

type Filters = Record<string, string>;
const post = (s: Session, body: object | undefined) =>
  app.call(s, { method: 'POST', url: '/api/v1/exports', payload: body });

async function finished(s: Session, jobId: string) {
  for (let i = 0; i < 200; i++) {
    const res = await app.call(s, { method: 'GET', url: `/api/v1/jobs/${jobId}` });
    expect(res.statusCode, res.body).toBe(200);
    const job = res.json().job;
    if (job.state === 'completed' || job.state === 'failed') return job;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('export job did not finish');
}

/** Our CSV, read back by a real CSV parser (byte-order mark stripped). */
const parseCsv = (text: string): string[][] => parse(text, { bom: true }) as string[][];

async function exportCsv(s: Session, filters: Filters = {}) {
  const res = await post(s, { format: 'csv', filters });
  expect(res.statusCode, res.body).toBe(202);
  const { jobId, exportId } = res.json();
  const job = await finished(s, jobId);
  expect(job.state).toBe('completed');
  const dl = await app.call(s, { method: 'GET', url: `/api/v1/exports/${exportId}/download` });
  expect(dl.statusCode, dl.body).toBe(200);
  expect(dl.headers['content-disposition']).toMatch(
    /^attachment; filename="oslrs-respondents-\d{8}-[0-9a-f]{8}\.csv"$/,
  );
  const rows = parseCsv(dl.body);
  expect(rows[0]).toEqual([...EXPORT_COLUMNS]);
  return { exportId, jobId, job, header: rows[0]!, rows: rows.slice(1), raw: dl.rawPayload };
}
const col = (name: (typeof EXPORT_COLUMNS)[number]) => EXPORT_COLUMNS.indexOf(name);

let official: Session;
beforeAll(async () => {
  official = await app.as('government_official');
  await insert({ surname: '=HYPERLINK("http://x.test","click")', firstname: '+cmd' });
  await insert({ surname: '-2+3', firstname: '@SUM(A1)', lga: 'oyo_east', source: 'public' });
  await insert({ lga: 'oyo_east', status: 'verified', source: 'clerk', nin: null });
  await insert({ lga: 'saki_west', createdAt: new Date('2026-03-11T23:30:00Z') }); // 12 March in Lagos
  await insert({ lga: 'saki_west', status: 'merged' }); // a merged record counts nowhere
  await insert({ surname: 'Comma, "Quoted"', lga: 'iseyin', phone: null });
  // Same registration instant: the keyset must still visit both.
  const tie = new Date('2026-03-10T12:00:00Z');
  await insert({ lga: 'iseyin', createdAt: tie });
  await rebuildRollups(app.t.database.db, (ex, onPage) => new RespondentRepository().forEachReportSubject(ex, onPage));
});

describe('POST /exports and the download', () => {
  it('streams a CSV whose row count equals the report summary total for the same filters', async () => {
    const cases: Filters[] = [{}, { lga: 'oyo_east' }, { from: '2026-03-11', to: '2026-03-12' }, { channel: 'public' }];
    for (const filters of cases) {
      const { rows } = await exportCsv(official, filters);
      const summary = await app.call(official, { method: 'GET', url: '/api/v1/reports/summary', query: filters });
      expect(summary.statusCode).toBe(200);
      expect(rows.length, JSON.stringify(filters)).toBe(summary.json().total);
    }
    const { rows } = await exportCsv(official, { from: '2026-03-11', to: '2026-03-12' });
    expect(rows.map((r) => r[col('lga_code')])).toEqual(['saki_west']);
  });

  it('masks NIN and phone for officials (never opened), shows them in full to assessors and super admins', async () => {
    const byId = new Map(people.map((p) => [p.id, p]));
    const masked = await exportCsv(official);
    expect(masked.rows.length).toBeGreaterThan(0);
    for (const r of masked.rows) {
      const p = byId.get(r[col('respondent_id')]!)!;
      expect(r[col('nin')]).toBe(p.nin ? MASKED : '');
      expect(r[col('phone')]).toBe(p.phone ? MASKED : '');
    }
    expect(masked.raw.toString()).not.toContain(people[0]!.nin!);
    for (const s of [app.admin, await app.as('verification_assessor')]) {
      const full = await exportCsv(s);
      for (const r of full.rows) {
        const p = byId.get(r[col('respondent_id')]!)!;
        expect(r[col('nin')]).toBe(p.nin ?? '');
        // Phones start with + and are defused like any other cell.
        expect(r[col('phone')]).toBe(p.phone ? `'${p.phone}` : '');
      }
    }
  });

  it('defuses spreadsheet formulas and quotes commas and quotes', async () => {
    const { rows } = await exportCsv(official);
    const cells = rows.flat();
    expect(cells).toContain(`'=HYPERLINK("http://x.test","click")`);
    expect(cells).toContain(`'+cmd`);
    expect(cells).toContain(`'-2+3`);
    expect(cells).toContain(`'@SUM(A1)`);
    expect(cells).toContain('Comma, "Quoted"');
    expect(cells.some((c) => /^[=+\-@]/.test(c))).toBe(false);
  });

  it('never exports merged records', async () => {
    const { rows } = await exportCsv(app.admin);
    const merged = people.filter((p) => p.status === 'merged').map((p) => p.id);
    expect(rows.some((r) => merged.includes(r[col('respondent_id')]!))).toBe(false);
    expect(rows.length).toBe(people.length - merged.length);
  });

  it('audits every export: who, filters and row count', async () => {
    const { exportId, rows } = await exportCsv(official, { lga: 'oyo_east' });
    const entries = await app.t.database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetType, 'export'), eq(auditLog.targetId, exportId)));
    const byAction = Object.fromEntries(entries.map((e) => [e.action, e]));
    expect(Object.keys(byAction).sort()).toEqual(['export.completed', 'export.downloaded', 'export.requested']);
    const done = byAction['export.completed']!;
    expect(done.actorId).toBe(official.user.id);
    expect(done.after).toMatchObject({
      format: 'csv',
      rowCount: rows.length,
      identifiers: 'masked',
      filters: { lga: 'oyo_east', channel: null, status: null, from: null },
    });
  });

  it('an export with no matching rows is a file with the header only', async () => {
    const { rows, job } = await exportCsv(official, { from: '2020-01-01', to: '2020-01-31' });
    expect(rows).toEqual([]);
    expect(job.total).toBe(0);
  });

  it('writes XLSX with the same rows, formulas defused', async () => {
    const res = await post(official, { format: 'xlsx', filters: { lga: 'ibadan_north' } });
    expect(res.statusCode).toBe(202);
    await finished(official, res.json().jobId);
    const dl = await app.call(official, { method: 'GET', url: `/api/v1/exports/${res.json().exportId}/download` });
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toContain('spreadsheetml');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(dl.rawPayload as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0]!;
    const values = sheet.getSheetValues().filter(Boolean) as unknown[][];
    expect(values[0]!.slice(1)).toEqual([...EXPORT_COLUMNS]);
    const ibadan = people.filter((p) => (p.lga ?? 'ibadan_north') === 'ibadan_north' && p.status !== 'merged');
    expect(values.length - 1).toBe(ibadan.length);
    expect(values.flat()).toContain(`'=HYPERLINK("http://x.test","click")`);
    for (const row of values) for (const v of row) expect(typeof v === 'object' && v !== null).toBe(false);
  });

  it('a second identical request while the first runs reuses it; both downloads work', async () => {
    const body = { format: 'csv', filters: { status: 'active' } };
    const [a, b] = await Promise.all([post(official, body), post(official, body)]);
    expect([a.statusCode, b.statusCode]).toEqual([202, 202]);
    const [ja, jb] = [a.json(), b.json()];
    // Either the second reused the running first (same ids), or the first had finished already.
    if (ja.exportId === jb.exportId) expect([ja.reused, jb.reused].sort()).toEqual([false, true]);
    for (const x of [ja, jb]) {
      expect((await finished(official, x.jobId)).state).toBe('completed');
      const dl = await app.call(official, { method: 'GET', url: `/api/v1/exports/${x.exportId}/download` });
      expect(dl.statusCode).toBe(200);
    }
    const running = await app.t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(exportsTable)
      .where(sql`status in ('queued', 'running')`);
    expect(running[0]!.n).toBe(0);
  });

  it('the same export asked for while one is queued gets that one back', async () => {
    const filters = { from: null, to: lagosDay(new Date()), lga: null, channel: 'clerk', status: null };
    const id = uuidv7();
    const jobId = uuidv7();
    const db = app.t.database.db;
    await db.insert(exportsTable).values({
      id,
      jobId,
      requestedBy: official.user.id,
      requesterRole: 'government_official',
      format: 'csv',
      filters,
      fingerprint: exportFingerprint(official.user.id, 'csv', filters, false),
      unmasked: false,
      expiresAt: new Date(Date.now() + 3600_000),
    });
    const again = await post(official, { format: 'csv', filters: { channel: 'clerk' } });
    expect(again.statusCode).toBe(202);
    expect(again.json()).toEqual({ exportId: id, jobId, reused: true });
    // An xlsx of the same filters, or another person, is a different export.
    const other = await post(official, { format: 'xlsx', filters: { channel: 'clerk' } });
    expect(other.json().exportId).not.toBe(id);
    await finished(official, other.json().jobId);
    await db.update(exportsTable).set({ status: 'failed' }).where(eq(exportsTable.id, id));
  });
});

describe('who may export and download', () => {
  it('supervisors export their own LGA only; another LGA is 404', async () => {
    const sup = await app.as('supervisor', { lgaCode: 'oyo_east' });
    const { rows } = await exportCsv(sup);
    expect(rows.length).toBe(people.filter((p) => p.lga === 'oyo_east' && p.status !== 'merged').length);
    expect(new Set(rows.map((r) => r[col('lga_code')]))).toEqual(new Set(['oyo_east']));
    expect(rows.every((r) => r[col('nin')] === MASKED || r[col('nin')] === '')).toBe(true);
    const other = await post(sup, { format: 'csv', filters: { lga: 'iseyin' } });
    expect(other.statusCode).toBe(404);
  });

  it('roles that never read collected data get 403', async () => {
    for (const role of ['enumerator', 'data_entry_clerk', 'public_user'] as const) {
      const s = await app.as(role, role === 'enumerator' ? { lgaCode: 'oyo_east' } : {});
      const res = await post(s, { format: 'csv', filters: {} });
      expect(res.statusCode, role).toBe(403);
    }
  });

  it('a download by someone else is 403, even by a super admin', async () => {
    const { exportId } = await exportCsv(official, { lga: 'iseyin' });
    const other = await app.as('government_official');
    for (const s of [other, app.admin]) {
      const res = await app.call(s, { method: 'GET', url: `/api/v1/exports/${exportId}/download` });
      expect(res.statusCode).toBe(403);
      expect(res.json().error.code).toBe('FORBIDDEN');
    }
    const missing = await app.call(official, { method: 'GET', url: `/api/v1/exports/${uuidv7()}/download` });
    expect(missing.statusCode).toBe(404);
  });

  it('after expiry the download is 410 and the sweeper deletes the file', async () => {
    const { exportId } = await exportCsv(official, { lga: 'saki_west' });
    const db = app.t.database.db;
    const [row] = await db.select().from(exportsTable).where(eq(exportsTable.id, exportId));
    const file = join(EXPORT_DIR, row!.fileName!);
    expect(existsSync(file)).toBe(true);
    // Readable by the service account only: it may hold NINs and phone numbers in full.
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await db
      .update(exportsTable)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(exportsTable.id, exportId));
    const gone = await app.call(official, { method: 'GET', url: `/api/v1/exports/${exportId}/download` });
    expect(gone.statusCode).toBe(410);
    expect(gone.json().error.code).toBe('EXPORT_EXPIRED');
    expect(await app.t.services.exports.sweep()).toBeGreaterThanOrEqual(1);
    expect(existsSync(file)).toBe(false);
    const [after] = await db.select().from(exportsTable).where(eq(exportsTable.id, exportId));
    expect(after).toMatchObject({ status: 'expired', fileName: null });
    const again = await app.call(official, { method: 'GET', url: `/api/v1/exports/${exportId}/download` });
    expect(again.statusCode).toBe(410);
    const info = await app.call(official, { method: 'GET', url: `/api/v1/exports/${exportId}` });
    expect(info.json().export.state).toBe('expired');
  });
});

describe('bad requests', () => {
  it.each([
    ['unknown LGA', { format: 'csv', filters: { lga: 'atlantis' } }],
    ['from after to', { format: 'csv', filters: { from: '2026-03-10', to: '2026-03-01' } }],
    ['a hundred years', { format: 'csv', filters: { from: '1926-01-01', to: '2026-01-01' } }],
    ['a hundred years, open end', { format: 'csv', filters: { from: '1926-01-01' } }],
    ['not a date', { format: 'csv', filters: { from: '2026-02-30' } }],
    ['unknown filter', { format: 'csv', filters: { lga: 'iseyin', town: 'x' } }],
    ['unknown channel', { format: 'csv', filters: { channel: 'fax' } }],
    ['unknown status', { format: 'csv', filters: { status: 'deleted' } }],
    ['unknown format', { format: 'pdf', filters: {} }],
    ['unknown field', { format: 'csv', filters: {}, extra: 1 }],
    ['no body', undefined],
  ])('%s → 400', async (_name, body) => {
    const res = await post(official, body);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json().error.code).toMatch(/VALIDATION_FAILED|BAD_REQUEST|INVALID_JSON/);
  });

  it('a download before the export has finished is 409, an unknown id 404, a bad id 400', async () => {
    const res = await app.call(official, { method: 'GET', url: '/api/v1/exports/not-a-uuid/download' });
    expect(res.statusCode).toBe(400);
    const db = app.t.database.db;
    const id = uuidv7();
    await db.insert(exportsTable).values({
      id,
      jobId: uuidv7(),
      requestedBy: official.user.id,
      requesterRole: 'government_official',
      format: 'csv',
      filters: { from: null, to: '2026-03-10', lga: null, channel: null, status: null },
      fingerprint: `test-${id}`,
      unmasked: false,
      status: 'failed',
      expiresAt: new Date(Date.now() + 3600_000),
    });
    const failed = await app.call(official, { method: 'GET', url: `/api/v1/exports/${id}/download` });
    expect(failed.statusCode).toBe(409);
    expect(failed.json().error.code).toBe('EXPORT_NOT_READY');
  });
});

describe('streaming', () => {
  it('the CSV writer hands each page to the file before the next one is read', async () => {
    const path = join(EXPORT_DIR, 'stream-test.csv');
    const sink = csvSink(path);
    await sink.rows([['a', 'b']]);
    const afterHeader = statSync(path).size;
    expect(afterHeader).toBeGreaterThan(0);
    await sink.rows(Array.from({ length: 1000 }, (_, i) => [String(i), 'x'.repeat(50)]));
    const afterPage = statSync(path).size;
    expect(afterPage).toBeGreaterThan(afterHeader + 1000 * 50);
    expect(await sink.close()).toBe(afterPage);
    expect(readFileSync(path, 'utf8').split('\r\n').length).toBe(1002);
  });

  it('the cursor pages visit every matching respondent once, including ones registered at the same instant', async () => {
    const repo = new RespondentRepository();
    const filter = respondentFilter({ from: null, to: '2026-12-31', lga: null, channel: null, status: null });
    const seen: string[] = [];
    let pages = 0;
    await app.t.database.db.transaction(async (tx) => {
      for await (const page of repo.exportPages(tx, filter, 'presence', 2)) {
        pages++;
        seen.push(...page.map((r) => r.id));
        expect(page.length).toBeLessThanOrEqual(2);
      }
    });
    const want = people.filter((p) => p.status !== 'merged').map((p) => p.id);
    expect(pages).toBeGreaterThan(2);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.sort()).toEqual(want.sort());
    expect(await repo.exportCount(app.t.database.db, filter)).toBe(want.length);
  });
});

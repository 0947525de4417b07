import { describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { strToU8, zipSync } from 'fflate';
import { uuidv7 } from 'uuidv7';
import { useTestApp } from '../../../test/use-test-app.js';
import { waitFor, type Session } from '../../../test/harness.js';
import { freshNin } from '../../../test/testkit.js';
import { auditLog, importBatches, importRows, respondents } from '../../db/schema/index.js';

const app = useTestApp();

const HEADER = 'surname,firstname,gender,dob,phone_number,nin,lga_id';
let phoneSeq = 1_000_000;
const freshPhone = () => `0803${String(++phoneSeq).padStart(7, '0')}`;
const good = (surname = `Okoro${++phoneSeq}`) =>
  `${surname},Ada,female,1990-02-03,${freshPhone()},${freshNin()},ibadan_north`;

async function multipart(content: Buffer | string, fields: Record<string, string> = {}, filename = 'list.csv') {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append('file', new Blob([content]), filename);
  const res = new Response(form);
  return {
    payload: Buffer.from(await res.arrayBuffer()),
    headers: { 'content-type': res.headers.get('content-type')! },
  };
}

async function upload(content: Buffer | string, fields: Record<string, string> = {}, session: Session = app.admin) {
  const body = await multipart(content, { source: 'Skills agency', ...fields });
  return app.call(session, { method: 'POST', url: '/api/v1/imports', ...body });
}

async function dryRun(lines: string[], fields: Record<string, string> = {}, header = HEADER) {
  const res = await upload([header, ...lines].join('\n') + '\n', fields);
  expect(res.statusCode, res.body).toBe(201);
  return res.json().batch as {
    id: string;
    total: number;
    toCreate: number;
    skipped: number;
    reasons: Record<string, number>;
  };
}

async function confirmed(id: string) {
  const res = await app.call(app.admin, { method: 'POST', url: `/api/v1/imports/${id}/confirm` });
  expect(res.statusCode, res.body).toBe(202);
  await waitFor(async () => {
    const job = await app.call(app.admin, { method: 'GET', url: `/api/v1/jobs/${res.json().job.id}` });
    return job.json().job.state === 'completed';
  });
  return (await app.call(app.admin, { method: 'GET', url: `/api/v1/imports/${id}` })).json().batch;
}

const batchCount = async () => (await app.t.database.db.select().from(importBatches)).length;

describe('dry run', () => {
  it('judges every row: created or skipped with the reason, and writes nothing to the registry', async () => {
    const { pii } = app.t.runtime;
    const registered = freshNin();
    const registeredPhone = '08039990001';
    await app.t.database.db.insert(respondents).values([
      {
        id: uuidv7(),
        status: 'active',
        source: 'enumerator',
        ninHash: pii.blindIndex(registered, 'nin'),
        ninSealed: pii.seal(registered, 'nin'),
        surname: 'Held',
        firstname: 'Already',
        lgaCode: 'ibadan_north',
      },
      {
        id: uuidv7(),
        status: 'pending_nin_capture',
        source: 'enumerator',
        phoneHash: pii.blindIndex('+2348039990001', 'phone'),
        phoneSealed: pii.seal('+2348039990001', 'phone'),
        surname: 'Phone',
        firstname: 'Holder',
        dob: '1970-01-01',
        lgaCode: 'oyo_east',
      },
    ]);
    const dupNin = freshNin();
    const before = (await app.t.database.db.select().from(respondents)).length;
    const batch = await dryRun([
      good(),
      good(),
      `Bad,Nin,female,1990-02-03,${freshPhone()},12345,ibadan_north`,
      `Bad,Phone,female,1990-02-03,12345,${freshNin()},ibadan_north`,
      `Bad,Lga,female,1990-02-03,${freshPhone()},${freshNin()},atlantis`,
      `Bad,Date,female,1990-02-30,${freshPhone()},${freshNin()},ibadan_north`,
      `Reg,Nin,male,1980-01-01,${freshPhone()},${registered},ibadan_north`,
      `First,Copy,male,1980-01-01,${freshPhone()},${dupNin},oyo_east`,
      `Second,Copy,male,1980-01-01,${freshPhone()},${dupNin},oyo_east`,
      `Same,Phone,male,1981-01-01,${registeredPhone},,oyo_east`,
      `Phone,Holder,male,1970-01-01,,,oyo_east`,
      `No,Nin,female,1995-05-05,${freshPhone()},,Ibadan North`,
    ]);
    expect(batch).toMatchObject({ total: 12, toCreate: 4, skipped: 8 });
    expect(batch.reasons).toEqual({
      nin_invalid: 1,
      phone_invalid: 1,
      lga_invalid: 1,
      date_invalid: 1,
      nin_duplicate_registry: 1,
      nin_duplicate_file: 1,
      likely_duplicate_phone: 1,
      likely_duplicate_name: 1,
    });
    expect((await app.t.database.db.select().from(respondents)).length).toBe(before);
    const rows = await app.call(app.admin, { method: 'GET', url: `/api/v1/imports/${batch.id}/rows?outcome=skip` });
    expect(rows.json().items.map((r: { line: number; reasons: string[] }) => [r.line, r.reasons])).toEqual([
      [4, ['nin_invalid']],
      [5, ['phone_invalid']],
      [6, ['lga_invalid']],
      [7, ['date_invalid']],
      [8, ['nin_duplicate_registry']],
      [10, ['nin_duplicate_file']],
      [11, ['likely_duplicate_phone']],
      [12, ['likely_duplicate_name']],
    ]);
    const csv = await app.call(app.admin, { method: 'GET', url: `/api/v1/imports/${batch.id}/report.csv` });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.body.split('\n')[0]).toBe('line,outcome,reasons,explanation,respondent_id');
    expect(csv.body).toContain('4,skip,nin_invalid,The NIN is not 11 digits,');
    expect(csv.body).not.toContain(dupNin);
    // Audited.
    const audit = await app.t.database.db.select().from(auditLog).where(eq(auditLog.targetId, batch.id));
    expect(audit.map((a) => a.action)).toEqual(['import.dry_run']);
  });

  it('takes a mapping onto respondent fields, saves it for the source, and refuses a bad one', async () => {
    const header = 'Last Name,First Name,Mobile,District';
    const line = () => `Bello${++phoneSeq},Musa,${freshPhone()},oyo_east`;
    const mapping = { 'Last Name': 'surname', 'First Name': 'firstname', Mobile: 'phone_number', District: 'lga_id' };
    const batch = await dryRun([line(), line()], { source: 'Mapped agency', mapping: JSON.stringify(mapping) }, header);
    expect(batch).toMatchObject({ total: 2, toCreate: 2 });
    // The saved mapping is used when none is sent.
    expect((await dryRun([line()], { source: 'Mapped agency' }, header)).toCreate).toBe(1);
    const sources = await app.call(app.admin, { method: 'GET', url: '/api/v1/imports/sources' });
    expect(sources.json().items).toContainEqual({ source: 'Mapped agency', mapping });

    const count = await batchCount();
    const twoToOne = await upload(`${header}\n${line()}\n`, {
      source: 'Other agency',
      mapping: JSON.stringify({ 'Last Name': 'surname', 'First Name': 'surname', District: 'lga_id' }),
    });
    expect(twoToOne.statusCode).toBe(422);
    expect(twoToOne.json().error).toMatchObject({ code: 'IMPORT_MAPPING_INVALID' });
    expect(twoToOne.json().error.message).toMatch(/Two columns are mapped to surname/);
    const unknownColumn = await upload(`${header}\n${line()}\n`, {
      source: 'Other agency',
      mapping: JSON.stringify({ Nope: 'surname', 'First Name': 'firstname', District: 'lga_id' }),
    });
    expect(unknownColumn.json().error.code).toBe('IMPORT_MAPPING_INVALID');
    const unknownField = await upload(`${header}\n${line()}\n`, {
      source: 'Other agency',
      mapping: JSON.stringify({ 'Last Name': 'nickname' }),
    });
    expect(unknownField.statusCode).toBe(400);
    const noMapping = await upload(`${header}\n${line()}\n`, { source: 'Unmapped agency' });
    expect(noMapping.statusCode).toBe(422);
    expect(noMapping.json().error.details.missing).toEqual(['surname', 'firstname', 'lga_id']);
    expect(await batchCount()).toBe(count);
  });
});

describe('bad files', () => {
  it('refuses non-UTF-8, oversize, too many rows, formulas and zip bombs, writing nothing', async () => {
    const count = await batchCount();
    const latin1 = Buffer.from(`${HEADER}\nOl\xe1,Ada,female,1990-02-03,,,ibadan_north\n`, 'latin1');
    const notUtf8 = await upload(latin1);
    expect([notUtf8.statusCode, notUtf8.json().error.code]).toEqual([422, 'CSV_NOT_UTF8']);

    const big = await upload(Buffer.alloc(20 * 1024 * 1024, 0x61));
    expect(big.statusCode).toBe(413);

    const rows = Array.from({ length: 100_001 }, (_, i) => `S${i},F,,,,,oyo_east`);
    const tooMany = await upload(`${HEADER}\n${rows.join('\n')}\n`);
    expect([tooMany.statusCode, tooMany.json().error.code]).toEqual([422, 'CSV_TOO_MANY_ROWS']);

    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('list');
    ws.addRow(['surname', 'firstname', 'lga_id']);
    ws.addRow(['Ade', 'Bola', 'oyo_east']);
    ws.getCell('A3').value = { formula: 'A2&"x"' } as ExcelJS.CellFormulaValue;
    const formulas = await upload(Buffer.from(await wb.xlsx.writeBuffer()), {}, app.admin);
    expect([formulas.statusCode, formulas.json().error.code]).toEqual([422, 'XLSX_FORMULAS']);

    const bomb = Buffer.from(
      zipSync(
        {
          '[Content_Types].xml': strToU8('<Types/>'),
          'xl/workbook.xml': strToU8('<workbook/>'),
          'xl/worksheets/sheet1.xml': new Uint8Array(40 * 1024 * 1024).fill(0x30),
        },
        { level: 9 },
      ),
    );
    const bombed = await upload(bomb);
    expect([bombed.statusCode, bombed.json().error.code]).toEqual([422, 'IMPORT_FILE_INVALID']);
    expect(bombed.json().error.details.problem).toBe('ZIP_BOMB');

    const official = await app.as('government_official');
    expect((await upload(`${HEADER}\n${good()}\n`, {}, official)).statusCode).toBe(403);
    expect(await batchCount()).toBe(count);
  });

  it('reads an XLSX list of values', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('list');
    ws.addRow(['surname', 'firstname', 'dob', 'phone_number', 'nin', 'lga_id']);
    // Numbers as a spreadsheet keeps them: the phone's leading zero is lost, the NIN is a number.
    ws.addRow(['Xlsx', 'Person', new Date(Date.UTC(1991, 5, 7)), 8035551234, Number(freshNin()), 'Oyo East']);
    const res = await upload(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().batch).toMatchObject({ total: 1, toCreate: 1 });
  });
});

describe('confirm and rollback', () => {
  it('creates the rows as a job (imported_unverified without a NIN), once; rolls back once, keeping touched records', async () => {
    const withNin = freshNin();
    const batch = await dryRun([
      `Conf,One,female,1990-02-03,${freshPhone()},${withNin},ibadan_north`,
      `Conf,Two,male,1991-02-03,${freshPhone()},,oyo_east`,
      `Conf,Three,male,1992-02-03,${freshPhone()},${freshNin()},oyo_east`,
      `Conf,Bad,male,1992-02-03,${freshPhone()},1,oyo_east`,
    ]);
    const done = await confirmed(batch.id);
    expect(done).toMatchObject({ state: 'confirmed', created: 3, skipped: 1 });
    const rows = await app.t.database.db.select().from(importRows).where(eq(importRows.batchId, batch.id));
    expect(rows.every((r) => r.payload === null)).toBe(true);
    const ids = rows.flatMap((r) => (r.respondentId ? [r.respondentId] : []));
    const created = await app.t.database.db.select().from(respondents).where(inArray(respondents.id, ids));
    expect(created.map((r) => [r.firstname, r.status, r.source]).sort()).toEqual([
      ['One', 'active', 'import'],
      ['Three', 'active', 'import'],
      ['Two', 'imported_unverified', 'import'],
    ]);

    const again = await app.call(app.admin, { method: 'POST', url: `/api/v1/imports/${batch.id}/confirm` });
    expect(again.statusCode).toBe(409);
    expect(again.json().error).toMatchObject({ code: 'IMPORT_STATE', details: { state: 'confirmed' } });

    // Someone edits one record after the import: the rollback keeps it and says why.
    const touched = created.find((r) => r.firstname === 'Three')!;
    await app.t.database.db
      .update(respondents)
      .set({ mainOccupation: 'Welder', updatedAt: new Date(Date.now() + 1000) })
      .where(eq(respondents.id, touched.id));
    const rolled = await app.call(app.admin, { method: 'POST', url: `/api/v1/imports/${batch.id}/rollback` });
    expect(rolled.statusCode, rolled.body).toBe(200);
    expect(rolled.json().batch).toMatchObject({
      state: 'rolled_back',
      rollback: { removed: 2, kept: [{ respondentId: touched.id, reason: 'edited since the import' }] },
    });
    const left = await app.t.database.db.select().from(respondents).where(inArray(respondents.id, ids));
    expect(left.map((r) => r.id)).toEqual([touched.id]);

    const twice = await app.call(app.admin, { method: 'POST', url: `/api/v1/imports/${batch.id}/rollback` });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().error.details).toEqual({ state: 'rolled_back' });
    const confirmAfter = await app.call(app.admin, { method: 'POST', url: `/api/v1/imports/${batch.id}/confirm` });
    expect(confirmAfter.statusCode).toBe(409);
    // The NIN of a rolled-back record is free again.
    expect((await dryRun([`Conf,One,female,1990-02-03,,${withNin},ibadan_north`])).toCreate).toBe(1);

    const audit = await app.t.database.db.select().from(auditLog).where(eq(auditLog.targetId, batch.id));
    expect(audit.map((a) => a.action).sort()).toEqual([
      'import.applied',
      'import.confirmed',
      'import.dry_run',
      'import.rolled_back',
    ]);
  });

  it('a rollback of a batch never confirmed is a 409', async () => {
    const batch = await dryRun([good()]);
    const res = await app.call(app.admin, { method: 'POST', url: `/api/v1/imports/${batch.id}/rollback` });
    expect(res.statusCode).toBe(409);
    expect(res.json().error.details).toEqual({ state: 'dry_run' });
  });

  it('skips at confirm a row whose NIN was registered after the dry run', async () => {
    const nin = freshNin();
    const batch = await dryRun([`Late,Comer,female,1990-02-03,,${nin},ibadan_north`, good()]);
    const { pii } = app.t.runtime;
    await app.t.database.db.insert(respondents).values({
      id: uuidv7(),
      status: 'active',
      source: 'enumerator',
      ninHash: pii.blindIndex(nin, 'nin'),
      ninSealed: pii.seal(nin, 'nin'),
      lgaCode: 'oyo_east',
    });
    const done = await confirmed(batch.id);
    expect(done).toMatchObject({ created: 1, skipped: 1 });
  });
});

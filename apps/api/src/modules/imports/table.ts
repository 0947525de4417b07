import ExcelJS from 'exceljs';
import { IMPORT_MAX_ROWS } from '@oslrs/core';
import { Unprocessable } from '../../errors.js';
import { readCsvRecords } from '../../infra/csv-records.js';
import { PackageProblem, countValueRows, inspectXlsxPackage, worksheetParts } from '../questionnaires/index.js';

/** A secondary list as read: its header (as written) and its rows with their line numbers. */
export interface Table {
  header: string[];
  rows: { line: number; cells: string[] }[];
}

const CELL_MAX = 500;

function tooMany(rows: number): never {
  throw Unprocessable(
    'CSV_TOO_MANY_ROWS',
    `The file has ${rows.toLocaleString('en')} rows or more; import at most ${IMPORT_MAX_ROWS.toLocaleString('en')} at a time`,
    { max: IMPORT_MAX_ROWS },
  );
}

function table(records: { cells: string[]; line: number }[]): Table {
  const [head, ...body] = records.filter((r) => r.cells.some((c) => c !== ''));
  if (!head) throw Unprocessable('CSV_EMPTY', 'The file is empty');
  if (!body.length) throw Unprocessable('CSV_EMPTY', 'The file has a header but no rows');
  if (body.length > IMPORT_MAX_ROWS) tooMany(body.length);
  return {
    header: head.cells.map((h) => h.trim()),
    rows: body.map((r) => ({ line: r.line, cells: r.cells.map((c) => c.slice(0, CELL_MAX)) })),
  };
}

/** A CSV in UTF-8 (a byte-order mark allowed); anything else is refused whole, before any row is judged. */
export function readCsv(buffer: Buffer): Table {
  return table(readCsvRecords(buffer, IMPORT_MAX_ROWS + 2));
}

/**
 * The first worksheet of an .xlsx, after the zip checks the XLSForm importer uses (size, entry count,
 * compression ratio, inflation capped step by step): a zip bomb is refused before exceljs sees it.
 * Formulas are refused (their cached values may be stale or absent; a list should be values).
 */
export async function readXlsx(buffer: Buffer): Promise<Table> {
  let pkg;
  try {
    pkg = inspectXlsxPackage(buffer);
  } catch (e) {
    if (e instanceof PackageProblem) throw Unprocessable('IMPORT_FILE_INVALID', e.message, { problem: e.code });
    throw e;
  }
  const first = [...worksheetParts(pkg).values()][0];
  const xml = first ? pkg.xml.get(first)?.toString('utf8') : undefined;
  if (!xml) throw Unprocessable('IMPORT_FILE_INVALID', 'The workbook has no worksheet');
  if (/<(?:[\w.-]+:)?f\b/.test(xml)) throw Unprocessable('XLSX_FORMULAS');
  const count = countValueRows(xml, IMPORT_MAX_ROWS + 1);
  if (count > IMPORT_MAX_ROWS + 1) tooMany(count - 1);
  const wb = new ExcelJS.Workbook();
  try {
    await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
  } catch {
    throw Unprocessable('IMPORT_FILE_INVALID', 'The file could not be read as an Excel workbook (.xlsx)');
  }
  const ws = wb.worksheets[0];
  if (!ws) throw Unprocessable('IMPORT_FILE_INVALID', 'The workbook has no worksheet');
  const records: { cells: string[]; line: number }[] = [];
  ws.eachRow({ includeEmpty: false }, (row, line) => {
    const cells: string[] = [];
    for (let c = 1; c <= row.cellCount; c++) cells.push(cellText(row.getCell(c).value).trim());
    records.push({ cells, line });
  });
  return table(records);
}

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return v.toISOString().slice(0, 10);
  if (typeof v === 'object') {
    if ('richText' in v) return v.richText.map((r) => r.text).join('');
    if ('text' in v) return String(v.text);
    if ('result' in v) return cellText(v.result as ExcelJS.CellValue);
    return '';
  }
  return String(v);
}

/** An .xlsx by its zip signature, else a CSV. */
export function readTable(buffer: Buffer): Promise<Table> {
  return buffer.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]))
    ? readXlsx(buffer)
    : Promise.resolve(readCsv(buffer));
}

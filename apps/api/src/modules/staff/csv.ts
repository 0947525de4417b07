import { STAFF_CSV_COLUMNS, STAFF_CSV_MAX_ROWS } from '@oslrs/core';
import { Unprocessable } from '../../errors.js';
import { readCsvRecords } from '../../infra/csv-records.js';

export type StaffCsvColumn = (typeof STAFF_CSV_COLUMNS)[number];
export type StaffCsvRow = Record<StaffCsvColumn, string> & { line: number };

/**
 * Whole-file checks happen at upload, before any job exists: encoding, header, size, shape.
 * Per-row problems are left to the job, which reports each with its line number.
 */
export function parseStaffCsv(buffer: Buffer): StaffCsvRow[] {
  const records = readCsvRecords(buffer);
  const [head, ...body] = records;
  if (!head) throw Unprocessable('CSV_EMPTY', 'The file is empty');

  const header = head.cells.map((h) => h.trim().toLowerCase().replace(/\s+/g, '_'));
  const missing = STAFF_CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) {
    const looksLikeData = head.cells.some((c) => c.includes('@'));
    throw Unprocessable(
      'CSV_MISSING_HEADER',
      looksLikeData
        ? `The first line must be the header: ${STAFF_CSV_COLUMNS.join(',')}`
        : `The header is missing: ${missing.join(', ')}`,
      { missing, expected: STAFF_CSV_COLUMNS },
    );
  }
  if (body.length === 0) throw Unprocessable('CSV_EMPTY', 'The file has a header but no rows');
  if (body.length > STAFF_CSV_MAX_ROWS) {
    throw Unprocessable(
      'CSV_TOO_MANY_ROWS',
      `The file has ${body.length} rows; import at most ${STAFF_CSV_MAX_ROWS} at a time`,
      { rows: body.length, max: STAFF_CSV_MAX_ROWS },
    );
  }
  const index = Object.fromEntries(STAFF_CSV_COLUMNS.map((c) => [c, header.indexOf(c)])) as Record<
    StaffCsvColumn,
    number
  >;
  return body.map(({ cells, line }) => {
    const row = { line } as StaffCsvRow;
    for (const c of STAFF_CSV_COLUMNS) row[c] = (cells[index[c]] ?? '').slice(0, 500);
    return row;
  });
}

/** One CSV cell: quoted, and a spreadsheet formula in a value that came from a file defused. */
export function csvCell(value: string | number | null | undefined): string {
  const s = String(value ?? '');
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return `"${safe.replaceAll('"', '""')}"`;
}

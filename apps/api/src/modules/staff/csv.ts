import { parse } from 'csv-parse/sync';
import { STAFF_CSV_COLUMNS, STAFF_CSV_MAX_ROWS } from '@oslrs/core';
import { Unprocessable } from '../../errors.js';

export type StaffCsvColumn = (typeof STAFF_CSV_COLUMNS)[number];
export type StaffCsvRow = Record<StaffCsvColumn, string> & { line: number };

/**
 * Whole-file checks happen at upload, before any job exists: encoding, header, size, shape.
 * Per-row problems are left to the job, which reports each with its line number.
 */
export function parseStaffCsv(buffer: Buffer): StaffCsvRow[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    throw Unprocessable('CSV_NOT_UTF8', 'The file is not UTF-8 text. Save it as "CSV UTF-8" and try again.');
  }
  if (text.includes('\u0000')) throw Unprocessable('CSV_NOT_TEXT', 'The file is not a CSV text file');

  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
      max_record_size: 64 * 1024,
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw Unprocessable('CSV_MALFORMED', `The file is not valid CSV${line ? ` (near line ${line})` : ''}`, {
      line,
    });
  }
  const [head, ...body] = records;
  if (!head) throw Unprocessable('CSV_EMPTY', 'The file is empty');

  const header = head.record.map((h) => h.trim().toLowerCase().replace(/\s+/g, '_'));
  const missing = STAFF_CSV_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) {
    const looksLikeData = head.record.some((c) => c.includes('@'));
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
  return body.map(({ record, info }) => {
    const row = { line: info.lines } as StaffCsvRow;
    for (const c of STAFF_CSV_COLUMNS) row[c] = (record[index[c]] ?? '').slice(0, 500);
    return row;
  });
}

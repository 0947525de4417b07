import { parse } from 'csv-parse/sync';
import { Unprocessable } from '../errors.js';

/** A CSV record (trimmed cells) and the file line it ends on. */
export interface CsvRecord {
  cells: string[];
  line: number;
}

/**
 * The records of an uploaded CSV, or a whole-file refusal before any row is judged: not UTF-8 (a
 * byte-order mark allowed), not text, not CSV. `maxRecords` stops reading past that many.
 */
export function readCsvRecords(buffer: Buffer, maxRecords?: number): CsvRecord[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buffer);
  } catch {
    throw Unprocessable('CSV_NOT_UTF8', 'The file is not UTF-8 text. Save it as "CSV UTF-8" and try again.');
  }
  if (text.includes('\u0000')) throw Unprocessable('CSV_NOT_TEXT', 'The file is not a CSV text file');
  try {
    const records = parse(text, {
      bom: true,
      skip_empty_lines: true,
      relax_column_count: true,
      trim: true,
      info: true,
      max_record_size: 64 * 1024,
      ...(maxRecords ? { to: maxRecords } : {}),
    }) as unknown as { record: string[]; info: { lines: number } }[];
    return records.map((r) => ({ cells: r.record, line: r.info.lines }));
  } catch (err) {
    const line = (err as { lines?: number }).lines;
    throw Unprocessable('CSV_MALFORMED', `The file is not valid CSV${line ? ` (near line ${line})` : ''}`, { line });
  }
}

/**
 * Export files written as they are read: a CSV through a file write stream (each page handed to the
 * file before the next is read), an XLSX through exceljs's streaming WorkbookWriter (rows committed as
 * they come). Nothing holds the whole file in memory.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import ExcelJS from 'exceljs';

export interface ExportSink {
  /** Appends rows (the header is the first call). Resolves once the rows are handed to the file. */
  rows(rows: string[][]): Promise<void>;
  /** Finishes the file; resolves with its size in bytes. */
  close(): Promise<number>;
  /** Stops and removes the partial file. */
  abort(): Promise<void>;
}

/** Spreadsheet formula defusing: a cell starting with = + - @ (or tab / CR) is prefixed with `'`. */
export function defuse(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const csvCell = (v: string) => {
  const s = defuse(v);
  return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
};

function writeChunk(ws: WriteStream, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => ws.write(chunk, (err) => (err ? reject(err) : resolve())));
}

/** CSV (RFC 4180, CRLF, UTF-8 with a byte-order mark so spreadsheet programs read the names right). */
export function csvSink(path: string): ExportSink {
  const ws = createWriteStream(path, { flags: 'w', highWaterMark: 1 << 20 });
  let started = false;
  const failed = new Promise<never>((_, reject) => ws.once('error', reject));
  failed.catch(() => undefined);
  return {
    async rows(rows) {
      let chunk = started ? '' : '\uFEFF';
      started = true;
      for (const row of rows) chunk += row.map(csvCell).join(',') + '\r\n';
      await Promise.race([writeChunk(ws, chunk), failed]);
    },
    async close() {
      await Promise.race([new Promise<void>((resolve) => ws.end(resolve)), failed]);
      return (await stat(path)).size;
    },
    async abort() {
      ws.destroy();
      await unlink(path).catch(() => undefined);
    },
  };
}

/** XLSX, one worksheet, inline strings (no shared-strings table held in memory), no styles. */
export function xlsxSink(path: string): ExportSink {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    filename: path,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('Respondents');
  return {
    async rows(rows) {
      for (const row of rows) sheet.addRow(row.map(defuse)).commit();
      // Let the zip stream drain the committed rows before the next page is read.
      await new Promise((resolve) => setImmediate(resolve));
    },
    async close() {
      sheet.commit();
      await workbook.commit();
      return (await stat(path)).size;
    },
    async abort() {
      await workbook.commit().catch(() => undefined);
      await unlink(path).catch(() => undefined);
    },
  };
}

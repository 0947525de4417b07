/**
 * Export files written as they are read: a CSV through a file write stream (each page handed to the
 * file before the next is read), an XLSX deflated page by page into its zip (fflate, already a
 * dependency). Nothing holds the whole file in memory.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { Zip, ZipDeflate, strToU8 } from 'fflate';

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
  const ws = createWriteStream(path, { flags: 'w', mode: 0o600, highWaterMark: 1 << 20 });
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

/** The most rows one XLSX worksheet holds (header included). */
export const XLSX_MAX_ROWS = 1_048_576;

export class ExportTooLarge extends Error {}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const XLSX_PARTS: [string, string][] = [
  [
    '[Content_Types].xml',
    `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`,
  ],
  [
    '_rels/.rels',
    `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
  ],
  [
    'xl/workbook.xml',
    `${XML_HEAD}<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Respondents" sheetId="1" r:id="rId1"/></sheets></workbook>`,
  ],
  [
    'xl/_rels/workbook.xml.rels',
    `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`,
  ],
];

/** Characters XML 1.0 cannot carry are dropped; the rest escaped. */
// eslint-disable-next-line no-control-regex -- these are exactly the characters XML cannot hold
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;
const xmlText = (s: string) =>
  s
    .replace(NOT_XML, '')
    .replace(/[&<>"]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&quot;'));

const columnName = (i: number): string =>
  i < 26 ? String.fromCharCode(65 + i) : columnName(Math.floor(i / 26) - 1) + String.fromCharCode(65 + (i % 26));

/**
 * XLSX, one worksheet of inline strings, written as it goes: the sheet's XML is deflated page by
 * page (fflate, synchronous) straight into the file stream, waiting for the stream to drain, so
 * memory holds one page whatever the row count. (exceljs's WorkbookWriter buffers the paused sheet
 * stream: its RSS grew with the rows in the benchmark.)
 */
export function xlsxSink(path: string): ExportSink {
  const ws = createWriteStream(path, { flags: 'w', mode: 0o600, highWaterMark: 1 << 20 });
  const failed = new Promise<never>((_, reject) => ws.once('error', reject));
  failed.catch(() => undefined);
  let zipError: Error | undefined;
  const zip = new Zip((err, data, final) => {
    if (err) zipError = err;
    else {
      ws.write(data);
      if (final) ws.end();
    }
  });
  for (const [name, xml] of XLSX_PARTS) {
    const part = new ZipDeflate(name, { level: 6 });
    zip.add(part);
    part.push(strToU8(xml), true);
  }
  const sheet = new ZipDeflate('xl/worksheets/sheet1.xml', { level: 6 });
  zip.add(sheet);
  sheet.push(
    strToU8(`${XML_HEAD}<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`),
  );
  let rowNumber = 0;
  const drained = async () => {
    if (zipError) throw zipError;
    if (ws.writableNeedDrain) await Promise.race([once(ws, 'drain'), failed]);
  };
  return {
    async rows(rows) {
      if (rowNumber + rows.length > XLSX_MAX_ROWS)
        throw new ExportTooLarge(
          `An XLSX sheet holds at most ${XLSX_MAX_ROWS.toLocaleString('en')} rows; use CSV for this export`,
        );
      let xml = '';
      for (const row of rows) {
        rowNumber++;
        xml += `<row r="${rowNumber}">`;
        for (let i = 0; i < row.length; i++) {
          const v = row[i]!;
          if (v !== '')
            xml += `<c r="${columnName(i)}${rowNumber}" t="inlineStr"><is><t xml:space="preserve">${xmlText(defuse(v))}</t></is></c>`;
        }
        xml += '</row>';
      }
      sheet.push(strToU8(xml));
      await drained();
    },
    async close() {
      sheet.push(strToU8('</sheetData></worksheet>'), true);
      zip.end();
      if (zipError) throw zipError;
      if (!ws.writableFinished) await Promise.race([once(ws, 'finish'), failed]);
      return (await stat(path)).size;
    },
    async abort() {
      ws.destroy();
      await unlink(path).catch(() => undefined);
    },
  };
}

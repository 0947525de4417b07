import ExcelJS from 'exceljs';
import * as SheetJS from '@e965/xlsx';
import { parse as parseCsv } from 'csv-parse/sync';
import { checkDeclaredSizes, inflateEntry, readCentralDirectory, XLSX_LIMITS, PackageProblem } from './xlsform-zip.js';

/**
 * Spreadsheets as plain grids of cell values, whatever they came in: an .xlsx (read by exceljs after
 * the package checks in ./xlsform-zip), an old BIFF .xls (read by @e965/xlsx, the SheetJS 0.20.3
 * release republished on the npm registry — the `xlsx` package there is the unmaintained 0.18.5 with
 * known prototype-pollution and ReDoS advisories), a CSV attachment (csv-parse), or a .zip bundle of
 * a workbook and its CSV attachments (what the export writes when a form has attached lists).
 */

/** A cell as read: its text, or a formula (with the value the spreadsheet cached for it), or an error. */
export type CellRead =
  { kind: 'text'; text: string } | { kind: 'formula'; cached: string } | { kind: 'error'; error: string };

export interface Grid {
  name: string;
  /** Row number (1 = first) → column number (1 = A) → cell; only cells with something in them. */
  rows: Map<number, Map<number, CellRead>>;
}

export interface Workbook {
  sheets: Grid[];
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

function dateText(d: Date): string {
  if (Number.isNaN(d.getTime())) return '';
  const day = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const h = d.getUTCHours();
  const m = d.getUTCMinutes();
  const s = d.getUTCSeconds();
  return h || m || s ? `${day}T${pad(h)}:${pad(m)}:${pad(s)}` : day;
}

function plainText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return dateText(v);
  return '';
}

/** An exceljs cell value (rich text, hyperlink, formula with its cached result, …) as read. */
function excelValue(v: unknown): CellRead {
  if (v !== null && typeof v === 'object' && !(v instanceof Date)) {
    const o = v as Record<string, unknown>;
    if ('formula' in o || 'sharedFormula' in o) {
      const cached = excelValue(o.result);
      return { kind: 'formula', cached: cached.kind === 'text' ? cached.text : '' };
    }
    if ('error' in o) return { kind: 'error', error: String(o.error) };
    if (Array.isArray(o.richText))
      return {
        kind: 'text',
        text: (o.richText as { text?: unknown }[]).map((r) => (typeof r.text === 'string' ? r.text : '')).join(''),
      };
    if ('hyperlink' in o) {
      const t = excelValue(o.text);
      return t.kind === 'text' && t.text === '' ? { kind: 'text', text: String(o.hyperlink ?? '') } : t;
    }
    if ('text' in o) return excelValue(o.text);
    return { kind: 'text', text: '' };
  }
  return { kind: 'text', text: plainText(v) };
}

/** The grids of an .xlsx already checked by inspectXlsxPackage. */
export async function readXlsx(file: Buffer): Promise<Workbook> {
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(file as unknown as ExcelJS.Buffer);
  return {
    sheets: wb.worksheets.map((ws) => {
      const rows = new Map<number, Map<number, CellRead>>();
      ws.eachRow({ includeEmpty: false }, (row, r) => {
        const cells = new Map<number, CellRead>();
        row.eachCell({ includeEmpty: false }, (cell, c) => {
          // A merged range repeats its first cell's value in every cell; only the first counts.
          if (cell.type === ExcelJS.ValueType.Merge) return;
          cells.set(c, excelValue(cell.value));
        });
        if (cells.size) rows.set(r, cells);
      });
      return { name: ws.name, rows };
    }),
  };
}

/** Magic number of an OLE2 compound file: an old .xls (or an encrypted .xlsx). */
export function isCompoundFile(buf: Buffer): boolean {
  return buf.length >= 8 && buf.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0]));
}

/**
 * The grids of an old BIFF .xls. No zip is involved (so no zip bomb); the size is capped by the upload
 * limit and the rows read per sheet by `sheetRows`, so an enormous declared range costs nothing.
 */
export function readXls(file: Buffer): Workbook {
  if (file.length > XLSX_LIMITS.maxFileBytes)
    throw new PackageProblem('FILE_TOO_LARGE', `The file is more than ${XLSX_LIMITS.maxFileBytes / 1024 / 1024} MB.`);
  let wb: SheetJS.WorkBook;
  try {
    wb = SheetJS.read(file, {
      type: 'buffer',
      cellFormula: true,
      cellDates: true,
      cellHTML: false,
      cellStyles: false,
      sheetRows: XLSX_LIMITS.maxChoicesRows + 2,
      dense: false,
    });
  } catch (e) {
    const msg = e instanceof Error ? e.message : '';
    throw new PackageProblem(
      'NOT_XLSX',
      /password-protected|EncryptionInfo/i.test(msg)
        ? 'The workbook is password-protected. Save it without a password.'
        : 'The file could not be read as an Excel workbook (.xls or .xlsx).',
    );
  }
  return {
    sheets: wb.SheetNames.map((name) => {
      const ws = wb.Sheets[name]!;
      const rows = new Map<number, Map<number, CellRead>>();
      for (const [addr, cell] of Object.entries(ws)) {
        if (addr.startsWith('!')) continue;
        const c = cell as SheetJS.CellObject;
        const { r, c: col } = SheetJS.utils.decode_cell(addr);
        let read: CellRead;
        if (c.t === 'e') read = { kind: 'error', error: c.w ?? '#ERROR' };
        else if (c.f) read = { kind: 'formula', cached: plainText(c.v) };
        else read = { kind: 'text', text: plainText(c.v) };
        if (read.kind === 'text' && read.text === '') continue;
        let cells = rows.get(r + 1);
        if (!cells) rows.set(r + 1, (cells = new Map()));
        cells.set(col + 1, read);
      }
      return { name, rows };
    }),
  };
}

// ---- CSV attachments ----

export const ATTACHMENT_LIMITS = {
  /** One CSV attachment. */
  maxCsvBytes: 2 * 1024 * 1024,
  maxCsvRows: 20000,
  maxCsvColumns: 50,
  maxFiles: 20,
} as const;

export interface CsvTable {
  header: string[];
  rows: string[][];
}

/** A CSV attachment as a header and rows of text (BOM stripped, every value trimmed). */
export function readCsv(name: string, content: Buffer): CsvTable {
  if (content.length > ATTACHMENT_LIMITS.maxCsvBytes)
    throw new PackageProblem(
      'FILE_TOO_LARGE',
      `The attachment "${name}" is ${(content.length / 1024 / 1024).toFixed(1)} MB; at most ${ATTACHMENT_LIMITS.maxCsvBytes / 1024 / 1024} MB is accepted.`,
    );
  let records: string[][];
  try {
    records = parseCsv(content, {
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      trim: true,
      to: ATTACHMENT_LIMITS.maxCsvRows + 2,
    }) as string[][];
  } catch (e) {
    throw new PackageProblem(
      'NOT_XLSX',
      `The attachment "${name}" is not a readable CSV file${e instanceof Error ? ` (${e.message.split('\n')[0]})` : ''}.`,
    );
  }
  const [header = [], ...rows] = records;
  if (rows.length > ATTACHMENT_LIMITS.maxCsvRows)
    throw new PackageProblem(
      'FILE_TOO_LARGE',
      `The attachment "${name}" has more than ${ATTACHMENT_LIMITS.maxCsvRows.toLocaleString('en')} rows.`,
    );
  if (header.length > ATTACHMENT_LIMITS.maxCsvColumns)
    throw new PackageProblem(
      'FILE_TOO_LARGE',
      `The attachment "${name}" has ${header.length} columns; at most ${ATTACHMENT_LIMITS.maxCsvColumns} are accepted.`,
    );
  return { header, rows };
}

/** RFC 4180 CSV text of a header and rows (quoted where needed, CRLF line ends). */
export function writeCsv(header: string[], rows: string[][]): Buffer {
  const q = (v: string) => (/[",\r\n]/.test(v) || /^\s|\s$/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return Buffer.from([header, ...rows].map((r) => r.map(q).join(',')).join('\r\n') + '\r\n', 'utf8');
}

// ---- .zip bundles: a workbook and its CSV attachments ----

export interface Bundle {
  workbook: { name: string; content: Buffer };
  attachments: Map<string, Buffer>;
}

/**
 * A zip that is not itself a workbook but holds one (`.xlsx`/`.xls`) and CSV attachments beside it,
 * at any folder depth (only the file names count). Undefined when the zip is not such a bundle.
 */
export function readBundle(buf: Buffer): Bundle | undefined {
  const entries = readCentralDirectory(buf);
  if (entries.some((e) => e.name === '[Content_Types].xml')) return undefined;
  const files = entries.filter((e) => !e.name.endsWith('/') && !/(^|\/)(__MACOSX|\.)/.test(e.name));
  const books = files.filter((e) => /\.xlsx?$/i.test(e.name));
  if (books.length === 0) return undefined;
  if (books.length > 1)
    throw new PackageProblem(
      'NOT_XLSX',
      `The zip holds ${books.length} workbooks (${books.map((b) => b.name).join(', ')}); send one workbook with its CSV files.`,
    );
  checkDeclaredSizes(entries);
  const csvs = files.filter((e) => /\.csv$/i.test(e.name));
  if (csvs.length > ATTACHMENT_LIMITS.maxFiles)
    throw new PackageProblem('FILE_TOO_LARGE', `The zip holds more than ${ATTACHMENT_LIMITS.maxFiles} CSV files.`);
  const base = (n: string) => n.slice(n.lastIndexOf('/') + 1);
  const attachments = new Map<string, Buffer>();
  for (const e of csvs) {
    if (e.size > ATTACHMENT_LIMITS.maxCsvBytes)
      throw new PackageProblem(
        'FILE_TOO_LARGE',
        `The attachment "${base(e.name)}" is more than ${ATTACHMENT_LIMITS.maxCsvBytes / 1024 / 1024} MB.`,
      );
    attachments.set(base(e.name), inflateEntry(buf, e));
  }
  const book = books[0]!;
  return { workbook: { name: base(book.name), content: inflateEntry(buf, book) }, attachments };
}

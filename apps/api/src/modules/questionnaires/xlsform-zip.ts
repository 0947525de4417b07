import { Inflate } from 'fflate';

/**
 * Safe inspection of an .xlsx package (a zip) before any spreadsheet library sees it.
 *
 * We walk the zip central directory ourselves, refuse anything too big or too compressed, then
 * inflate every entry in small steps with a hard cap, so an entry whose header lies about its size
 * is caught after at most a few MB of output, never after gigabytes. Only when all of this passes is
 * the buffer handed to exceljs (which inflates entries in one go and trusts the headers).
 */

export const XLSX_LIMITS = {
  /** Upload limit (SPEC: uploads 10 MB). */
  maxFileBytes: 10 * 1024 * 1024,
  maxEntries: 1000,
  maxTotalUncompressed: 50 * 1024 * 1024,
  maxEntryUncompressed: 30 * 1024 * 1024,
  /** A compression ratio above this, on an entry of at least `ratioMinBytes`, is a zip bomb. */
  maxRatio: 100,
  ratioMinBytes: 1024 * 1024,
  /** Rows with a value, header row excluded. */
  maxSurveyRows: 2000,
  maxChoicesRows: 20000,
} as const;

export type PackageProblemCode = 'NOT_XLSX' | 'ZIP_BOMB' | 'FILE_TOO_LARGE';

export class PackageProblem extends Error {
  constructor(
    readonly code: PackageProblemCode,
    message: string,
  ) {
    super(message);
    this.name = 'PackageProblem';
  }
}

export interface ZipEntry {
  name: string;
  flags: number;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

export interface XlsxPackage {
  entries: ZipEntry[];
  /** Decompressed XML parts (`*.xml`, `*.rels`) by entry name. */
  xml: Map<string, Buffer>;
}

const MB = 1024 * 1024;
const mb = (n: number) => `${(n / MB).toFixed(1)} MB`;

/** What a buffer that is not a zip most likely is, for a helpful message. */
function describeNonZip(buf: Buffer): string {
  if (buf.length === 0) return 'The file is empty.';
  if (buf.subarray(0, 4).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0])))
    return 'This is an old-style .xls file or a password-protected workbook. Save it as an Excel Workbook (.xlsx) without a password.';
  if (buf.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return 'This is a PNG image, not an Excel workbook (.xlsx).';
  if (buf.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff])))
    return 'This is a JPEG image, not an Excel workbook (.xlsx).';
  if (buf.subarray(0, 5).toString('latin1') === '%PDF-') return 'This is a PDF, not an Excel workbook (.xlsx).';
  const head = buf.subarray(0, 512);
  // Mostly printable bytes: a CSV or other text file renamed .xlsx.
  let printable = 0;
  for (const b of head) if (b === 9 || b === 10 || b === 13 || (b >= 32 && b !== 127)) printable++;
  if (printable / head.length > 0.95)
    return 'This is a text file (for example a CSV), not an Excel workbook (.xlsx). Open it in a spreadsheet program and save it as .xlsx.';
  return 'The file is not an Excel workbook (.xlsx).';
}

function findEndOfCentralDirectory(buf: Buffer): number {
  const min = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) return i;
  }
  return -1;
}

function readUInt64(buf: Buffer, offset: number): number {
  const v = buf.readBigUInt64LE(offset);
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new PackageProblem('NOT_XLSX', 'The zip structure is damaged.');
  return Number(v);
}

/** The zip central directory, read without inflating anything. */
export function readCentralDirectory(buf: Buffer): ZipEntry[] {
  const damaged = () =>
    new PackageProblem('NOT_XLSX', 'The file looks like a zip archive but its structure is damaged.');
  const eocd = findEndOfCentralDirectory(buf);
  if (eocd < 0) throw damaged();
  let count = buf.readUInt16LE(eocd + 10);
  let cdSize = buf.readUInt32LE(eocd + 12);
  let cdOffset = buf.readUInt32LE(eocd + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // Zip64: the locator sits just before the end-of-central-directory record.
    const loc = eocd - 20;
    if (loc < 0 || buf.readUInt32LE(loc) !== 0x07064b50) throw damaged();
    const rec = readUInt64(buf, loc + 8);
    if (rec + 56 > buf.length || buf.readUInt32LE(rec) !== 0x06064b50) throw damaged();
    count = readUInt64(buf, rec + 32);
    cdSize = readUInt64(buf, rec + 40);
    cdOffset = readUInt64(buf, rec + 48);
  }
  if (count > XLSX_LIMITS.maxEntries)
    throw new PackageProblem(
      'FILE_TOO_LARGE',
      `The workbook has ${count} parts; at most ${XLSX_LIMITS.maxEntries} are accepted.`,
    );
  if (cdOffset + cdSize > buf.length) throw damaged();

  const entries: ZipEntry[] = [];
  let p = cdOffset;
  const end = cdOffset + cdSize;
  while (p < end) {
    if (p + 46 > buf.length || buf.readUInt32LE(p) !== 0x02014b50) throw damaged();
    if (entries.length >= XLSX_LIMITS.maxEntries)
      throw new PackageProblem(
        'FILE_TOO_LARGE',
        `The workbook has more than ${XLSX_LIMITS.maxEntries} parts; at most ${XLSX_LIMITS.maxEntries} are accepted.`,
      );
    const flags = buf.readUInt16LE(p + 8);
    const method = buf.readUInt16LE(p + 10);
    let compressedSize = buf.readUInt32LE(p + 20);
    let size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    let localOffset = buf.readUInt32LE(p + 42);
    const nameEnd = p + 46 + nameLen;
    if (nameEnd + extraLen + commentLen > buf.length) throw damaged();
    const name = buf.toString('utf8', p + 46, nameEnd);
    if (size === 0xffffffff || compressedSize === 0xffffffff || localOffset === 0xffffffff) {
      // Zip64 extended information extra field (id 0x0001): only the saturated fields, in this order.
      let q = nameEnd;
      const extraEnd = nameEnd + extraLen;
      let found = false;
      while (q + 4 <= extraEnd) {
        const id = buf.readUInt16LE(q);
        const len = buf.readUInt16LE(q + 2);
        if (id === 0x0001) {
          let r = q + 4;
          const take = () => {
            if (r + 8 > q + 4 + len) throw damaged();
            const v = readUInt64(buf, r);
            r += 8;
            return v;
          };
          if (size === 0xffffffff) size = take();
          if (compressedSize === 0xffffffff) compressedSize = take();
          if (localOffset === 0xffffffff) localOffset = take();
          found = true;
          break;
        }
        q += 4 + len;
      }
      if (!found) throw damaged();
    }
    entries.push({ name, flags, method, compressedSize, size, localOffset });
    p = nameEnd + extraLen + commentLen;
  }
  return entries;
}

/** Refuses a package by its declared sizes (cheap: nothing is inflated). */
export function checkDeclaredSizes(entries: ZipEntry[]): void {
  let total = 0;
  for (const e of entries) {
    if (e.size >= XLSX_LIMITS.ratioMinBytes && e.size > XLSX_LIMITS.maxRatio * Math.max(e.compressedSize, 1))
      throw new PackageProblem(
        'ZIP_BOMB',
        `The workbook part "${e.name}" expands from ${mb(e.compressedSize)} to ${mb(e.size)} ` +
          `(more than ${XLSX_LIMITS.maxRatio}:1); the file is refused as a possible zip bomb.`,
      );
    if (e.size > XLSX_LIMITS.maxEntryUncompressed)
      throw new PackageProblem(
        'FILE_TOO_LARGE',
        `The workbook part "${e.name}" is ${mb(e.size)} uncompressed; at most ${mb(XLSX_LIMITS.maxEntryUncompressed)} is accepted.`,
      );
    total += e.size;
  }
  if (total > XLSX_LIMITS.maxTotalUncompressed)
    throw new PackageProblem(
      'FILE_TOO_LARGE',
      `The workbook is ${mb(total)} uncompressed; at most ${mb(XLSX_LIMITS.maxTotalUncompressed)} is accepted.`,
    );
}

const INFLATE_STEP = 4096; // at most ~4 MB of output per step, whatever the data claims

/** Inflates one entry; throws as soon as the output exceeds what the directory declared. */
export function inflateEntry(buf: Buffer, e: ZipEntry): Buffer {
  const damaged = () => new PackageProblem('NOT_XLSX', `The workbook part "${e.name}" is damaged.`);
  const lh = e.localOffset;
  if (lh + 30 > buf.length || buf.readUInt32LE(lh) !== 0x04034b50) throw damaged();
  const start = lh + 30 + buf.readUInt16LE(lh + 26) + buf.readUInt16LE(lh + 28);
  const data = buf.subarray(start, start + e.compressedSize);
  if (start + e.compressedSize > buf.length) throw damaged();
  if (e.flags & 1) throw new PackageProblem('NOT_XLSX', 'The workbook is encrypted. Save it without a password.');
  if (e.method === 0) {
    if (e.compressedSize !== e.size) throw damaged();
    return Buffer.from(data);
  }
  if (e.method !== 8)
    throw new PackageProblem('NOT_XLSX', `The workbook part "${e.name}" uses an unsupported compression.`);
  const chunks: Uint8Array[] = [];
  let produced = 0;
  let over = false;
  const inflater = new Inflate((chunk) => {
    produced += chunk.length;
    if (produced > e.size) over = true;
    else chunks.push(chunk);
  });
  try {
    for (let i = 0; i < data.length && !over; i += INFLATE_STEP) {
      const last = i + INFLATE_STEP >= data.length;
      inflater.push(data.subarray(i, i + INFLATE_STEP), last);
    }
  } catch {
    if (!over) throw damaged();
  }
  if (over)
    throw new PackageProblem(
      'ZIP_BOMB',
      `The workbook part "${e.name}" expands to more than the ${mb(e.size)} its header declares; the file is refused as a possible zip bomb.`,
    );
  if (produced !== e.size) throw damaged();
  return Buffer.concat(chunks);
}

/**
 * Checks that `buf` is a sane .xlsx package: a zip within the limits, with the parts of a workbook,
 * every entry inflating to exactly its declared size, and no DTDs in its XML. Returns its XML parts.
 */
export function inspectXlsxPackage(buf: Buffer): XlsxPackage {
  if (buf.length > XLSX_LIMITS.maxFileBytes)
    throw new PackageProblem(
      'FILE_TOO_LARGE',
      `The file is ${mb(buf.length)}; at most ${mb(XLSX_LIMITS.maxFileBytes)} is accepted.`,
    );
  if (buf.length < 4 || buf.readUInt32LE(0) !== 0x04034b50) throw new PackageProblem('NOT_XLSX', describeNonZip(buf));
  const entries = readCentralDirectory(buf);
  checkDeclaredSizes(entries);
  const names = new Set<string>();
  for (const e of entries) {
    if (names.has(e.name))
      throw new PackageProblem('NOT_XLSX', `The zip archive holds "${e.name}" twice; it is not a valid workbook.`);
    names.add(e.name);
  }
  if (!names.has('[Content_Types].xml') || ![...names].some((n) => /(^|\/)workbook\d*\.xml$/i.test(n))) {
    const hint = names.has('mimetype')
      ? ' It looks like an OpenDocument file (.ods); save it as an Excel Workbook (.xlsx).'
      : names.has('word/document.xml')
        ? ' It is a Word document.'
        : '';
    throw new PackageProblem('NOT_XLSX', `The file is a zip archive but not an Excel workbook (.xlsx).${hint}`);
  }
  const xml = new Map<string, Buffer>();
  let total = 0;
  for (const e of entries) {
    if (e.name.endsWith('/')) continue;
    const out = inflateEntry(buf, e);
    total += out.length;
    if (total > XLSX_LIMITS.maxTotalUncompressed)
      throw new PackageProblem(
        'FILE_TOO_LARGE',
        `The workbook is more than ${mb(XLSX_LIMITS.maxTotalUncompressed)} uncompressed.`,
      );
    if (/\.(xml|rels)$/i.test(e.name)) {
      if (out.indexOf('<!DOCTYPE') >= 0 || out.indexOf('<!ENTITY') >= 0)
        throw new PackageProblem(
          'NOT_XLSX',
          `The workbook part "${e.name}" declares a DTD, which Excel never writes; the file is refused.`,
        );
      xml.set(e.name, out);
    }
  }
  return { entries, xml };
}

// ---- Cheap row counts, straight from the sheet XML ----

function decodeXmlText(s: string): string {
  return s.replace(
    /&(?:#x([0-9a-f]+)|#(\d+)|(amp|lt|gt|quot|apos));/gi,
    (_m, hex: string, dec: string, named: string) => {
      if (hex) return String.fromCodePoint(parseInt(hex, 16));
      if (dec) return String.fromCodePoint(parseInt(dec, 10));
      return ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[named.toLowerCase()]!;
    },
  );
}

function attributes(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g))
    out.set(m[1]!, decodeXmlText(m[2] ?? m[3] ?? ''));
  return out;
}

function resolvePart(baseDir: string, target: string): string {
  const parts = (target.startsWith('/') ? target.slice(1) : baseDir + target).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '..') out.pop();
    else if (p !== '.' && p !== '') out.push(p);
  }
  return out.join('/');
}

function relationships(
  pkg: XlsxPackage,
  relsPath: string,
  baseDir: string,
): Map<string, { type: string; target: string }> {
  const rels = new Map<string, { type: string; target: string }>();
  const xml = pkg.xml.get(relsPath)?.toString('utf8');
  if (!xml) return rels;
  for (const m of xml.matchAll(/<(?:[\w.-]+:)?Relationship\b([^>]*)>/g)) {
    const a = attributes(m[1]!);
    const id = a.get('Id');
    const target = a.get('Target');
    if (id && target) rels.set(id, { type: a.get('Type') ?? '', target: resolvePart(baseDir, target) });
  }
  return rels;
}

/** Sheet name → worksheet part, from the workbook's own XML. Empty when the structure is unusual. */
export function worksheetParts(pkg: XlsxPackage): Map<string, string> {
  const sheets = new Map<string, string>();
  const root = relationships(pkg, '_rels/.rels', '');
  let workbookPath = 'xl/workbook.xml';
  for (const r of root.values()) if (r.type.endsWith('/officeDocument')) workbookPath = r.target;
  const xml = pkg.xml.get(workbookPath)?.toString('utf8');
  if (!xml) return sheets;
  const dir = workbookPath.includes('/') ? workbookPath.slice(0, workbookPath.lastIndexOf('/') + 1) : '';
  const base = workbookPath.slice(dir.length);
  const rels = relationships(pkg, `${dir}_rels/${base}.rels`, dir);
  for (const m of xml.matchAll(/<(?:[\w.-]+:)?sheet\b([^>]*)>/g)) {
    const a = attributes(m[1]!);
    const name = a.get('name');
    let rid: string | undefined;
    for (const [k, v] of a) if (/^[\w.-]+:id$/.test(k)) rid = v;
    const target = rid ? rels.get(rid)?.target : undefined;
    if (name !== undefined && target) sheets.set(name, target);
  }
  return sheets;
}

/**
 * Counts the rows that hold at least one value (`<v>`, inline `<is>` or a formula `<f>`), stopping
 * once `stopAfter` is exceeded. Linear in the XML size; no XML parser involved.
 */
export function countValueRows(xml: string, stopAfter: number): number {
  const open = /<((?:[\w.-]+:)?)row\b[^>]*?(\/?)>/g;
  let count = 0;
  let m: RegExpExecArray | null;
  while ((m = open.exec(xml))) {
    if (m[2] === '/') continue;
    const close = xml.indexOf(`</${m[1]}row>`, open.lastIndex);
    const end = close < 0 ? xml.length : close;
    const body = xml.slice(open.lastIndex, end);
    if (/<(?:[\w.-]+:)?(?:v|is|f)\b/.test(body)) {
      count++;
      if (count > stopAfter) return count;
    }
    open.lastIndex = end;
  }
  return count;
}

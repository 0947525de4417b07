/**
 * Test-only: read back what a PDF of ours says. The text through each font's ToUnicode map (what a
 * PDF reader would copy out), whether any glyph fell back to .notdef (a letter the font lacks), and
 * the QR codes drawn as filled squares, decoded with jsQR from a raster of those squares.
 *
 * It reads what pdfkit writes (plain object dictionaries, Flate streams), not every PDF.
 */
import { inflateSync } from 'node:zlib';
import jsQR from 'jsqr';

interface PdfObject {
  dict: string;
  stream?: Buffer;
}

function objects(pdf: Buffer): Map<number, PdfObject> {
  const text = pdf.toString('latin1');
  const out = new Map<number, PdfObject>();
  const re = /(\d+) 0 obj\s*/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) {
    const start = m.index + m[0].length;
    const end = text.indexOf('endobj', start);
    const body = text.slice(start, end);
    const s = body.indexOf('stream');
    if (s < 0) {
      out.set(Number(m[1]), { dict: body });
      continue;
    }
    const dict = body.slice(0, s);
    const length = Number(/\/Length (\d+)/.exec(dict)?.[1]);
    let dataStart = start + s + 'stream'.length;
    if (text[dataStart] === '\r') dataStart++;
    if (text[dataStart] === '\n') dataStart++;
    let data = pdf.subarray(dataStart, dataStart + length);
    if (/\/Filter\s*\/FlateDecode/.test(dict)) data = inflateSync(data);
    out.set(Number(m[1]), { dict, stream: data });
  }
  return out;
}

/** A ToUnicode CMap: glyph code (hex) → text. */
function parseCMap(cmap: string): Map<string, string> {
  const map = new Map<string, string>();
  const utf16 = (hex: string) => Buffer.from(hex.replace(/\s/g, ''), 'hex').swap16().toString('utf16le');
  for (const block of cmap.matchAll(/beginbfchar([\s\S]*?)endbfchar/g))
    for (const [, src, dst] of block[1]!.matchAll(/<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>/g))
      map.set(src!.toLowerCase(), utf16(dst!));
  for (const block of cmap.matchAll(/beginbfrange([\s\S]*?)endbfrange/g)) {
    for (const [, lo, hi, rest] of block[1]!.matchAll(
      /<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(\[[^\]]*\]|<[0-9a-fA-F]+>)/g,
    )) {
      const from = parseInt(lo!, 16);
      const to = parseInt(hi!, 16);
      const width = lo!.length;
      const key = (n: number) => n.toString(16).padStart(width, '0');
      if (rest!.startsWith('[')) {
        // A ligature maps to several code units (`<0066 0066>`); a mark the font split off a letter to
        // nothing (`<>`: the letter's glyph carries the whole character).
        const dsts = [...rest!.matchAll(/<([0-9a-fA-F\s]*)>/g)].map((d) => d[1]!);
        for (let n = from; n <= to; n++) if (dsts[n - from] !== undefined) map.set(key(n), utf16(dsts[n - from]!));
      } else {
        const base = Buffer.from(rest!.slice(1, -1), 'hex');
        for (let n = from; n <= to; n++) {
          const b = Buffer.from(base);
          b.writeUInt16BE(b.readUInt16BE(b.length - 2) + (n - from), b.length - 2);
          map.set(key(n), b.swap16().toString('utf16le'));
        }
      }
    }
  }
  return map;
}

export interface ReadPdf {
  pages: number;
  /** Each page's text, one line per text object. */
  pageTexts: string[];
  /** Every page's text joined. */
  text: string;
  /** Glyphs drawn with .notdef (glyph 0): letters the embedded font lacks. */
  notdef: number;
  /** The QR codes drawn on each page, decoded. */
  qrs: string[][];
}

export function readPdf(pdf: Buffer): ReadPdf {
  const objs = objects(pdf);
  // Font resource names (/F1 …) → their ToUnicode maps.
  const cmaps = new Map<string, Map<string, string>>();
  for (const o of objs.values())
    for (const [, name, ref] of o.dict.matchAll(/\/(F\d+)\s+(\d+) 0 R/g)) {
      const font = objs.get(Number(ref));
      const tu = font && /\/ToUnicode (\d+) 0 R/.exec(font.dict)?.[1];
      const stream = tu ? objs.get(Number(tu))?.stream : undefined;
      if (stream) cmaps.set(name!, parseCMap(stream.toString('latin1')));
    }
  const pageObjs = [...objs.values()].filter((o) => /\/Type\s*\/Page\b/.test(o.dict));
  const pageTexts: string[] = [];
  const qrs: string[][] = [];
  let notdef = 0;
  for (const page of pageObjs) {
    const ref = /\/Contents (\d+) 0 R/.exec(page.dict)?.[1];
    const content = ref ? (objs.get(Number(ref))?.stream?.toString('latin1') ?? '') : '';
    const lines: string[] = [];
    let font: Map<string, string> | undefined;
    let line = '';
    const decode = (hex: string) => {
      let s = '';
      for (let i = 0; i < hex.length; i += 4) {
        const code = hex.slice(i, i + 4).toLowerCase();
        if (code === '0000') notdef++;
        s += font?.get(code) ?? '\uFFFD';
      }
      return s;
    };
    for (const [, tf, tj, tjs, op] of content.matchAll(
      /\/(F\d+)\s+[\d.]+\s+Tf|\[((?:<[0-9a-fA-F]*>|[-\d.\s])*)\]\s*TJ|<([0-9a-fA-F]*)>\s*Tj|\b(BT|ET)\b/g,
    )) {
      if (tf) font = cmaps.get(tf);
      else if (tj !== undefined) for (const [, h] of tj.matchAll(/<([0-9a-fA-F]*)>/g)) line += decode(h!);
      else if (tjs !== undefined) line += decode(tjs);
      else if (op === 'ET' && line) {
        lines.push(line);
        line = '';
      }
    }
    // Marks the font placed as separate glyphs (o + ̣ + ́) read back as the letters people type.
    pageTexts.push(lines.join('\n').normalize('NFC'));
    qrs.push(qrCodesOf(content));
  }
  return { pages: pageObjs.length, pageTexts, text: pageTexts.join('\n'), notdef, qrs };
}

/**
 * The QR codes of a content stream: runs of square `re` operators filled at once (`f`), grouped by
 * their size, laid on a grid with a quiet zone and decoded.
 */
function qrCodesOf(content: string): string[] {
  const found: string[] = [];
  // pdfkit writes one operator a line: collect each path's squares, keep the filled ones.
  const paths: [number, number, number, number][][] = [];
  let path: [number, number, number, number][] = [];
  for (const line of content.split('\n')) {
    const re = /^(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re$/.exec(line.trim());
    if (re) path.push(re.slice(1, 5).map(Number) as [number, number, number, number]);
    else if (/^(f|f\*|S|s|B|B\*|b|n)$/.test(line.trim())) {
      if (line.trim().startsWith('f')) paths.push(path);
      path = [];
    }
  }
  for (const run of paths) {
    const squares = run.filter(([, , w, h]) => Math.abs(w - h) < 1e-3);
    if (squares.length < 50) continue;
    const cell = squares[0]![2];
    const minX = Math.min(...squares.map((s) => s[0]));
    const minY = Math.min(...squares.map((s) => s[1]));
    const cells = squares.map(([x, y]) => [Math.round((x - minX) / cell), Math.round((y - minY) / cell)] as const);
    const n = Math.max(...cells.flatMap(([c, r]) => [c, r])) + 1;
    const px = 6;
    const quiet = 4;
    const size = (n + 2 * quiet) * px;
    const data = new Uint8ClampedArray(size * size * 4).fill(255);
    for (const [c, r] of cells)
      for (let dy = 0; dy < px; dy++)
        for (let dx = 0; dx < px; dx++) {
          const i = (((r + quiet) * px + dy) * size + (c + quiet) * px + dx) * 4;
          data[i] = data[i + 1] = data[i + 2] = 0;
        }
    const code = jsQR(data, size, size);
    if (code) found.push(code.data);
  }
  return found;
}

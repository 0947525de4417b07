/**
 * The printable summary (issue 11 item 5): a small PDF written by hand — standard Helvetica (no font
 * embedded), vector bar charts, uncompressed content — so the API needs no PDF library and no
 * browser on the server. A4 portrait; as many pages as the sections need.
 */
import { lgaName, type ReportCount, type ReportSummary } from '@oslrs/core';

const W = 595;
const H = 842;
const M = 40;
const GREEN: [number, number, number] = [0.08, 0.4, 0.2];

/** WinAnsi text: common typography mapped to ASCII, anything else outside Latin-1 as '?'. */
function pdfText(s: string): string {
  return s
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[\u2018\u2019]/g, "'")
    .replace(/[\u201C\u201D]/g, '"')
    .replace(/\u2026/g, '...')
    .replace(/[^\u0020-\u007E\u00A0-\u00FF]/g, '?')
    .replace(/[\\()]/g, (c) => `\\${c}`);
}

/** Rough Helvetica width (average glyph ≈ 0.52 em) to keep labels inside their column. */
const fit = (s: string, size: number, width: number) => {
  const max = Math.max(1, Math.floor(width / (size * 0.52)));
  return s.length <= max ? s : `${s.slice(0, max - 1)}.`;
};

class PdfPages {
  readonly pages: string[][] = [[]];
  y = H - M;

  private get ops() {
    return this.pages[this.pages.length - 1]!;
  }

  /** Room for `h` points below the cursor, else a new page. */
  need(h: number) {
    if (this.y - h < M) {
      this.pages.push([]);
      this.y = H - M;
    }
  }

  text(x: number, y: number, s: string, size = 10, bold = false, rgb: [number, number, number] = [0.1, 0.1, 0.1]) {
    this.ops.push(
      `${rgb.join(' ')} rg BT /${bold ? 'F2' : 'F1'} ${size} Tf ${x.toFixed(1)} ${y.toFixed(1)} Td (${pdfText(s)}) Tj ET`,
    );
  }

  rect(x: number, y: number, w: number, h: number, rgb: [number, number, number]) {
    this.ops.push(`${rgb.join(' ')} rg ${x.toFixed(1)} ${y.toFixed(1)} ${w.toFixed(1)} ${h.toFixed(1)} re f`);
  }

  /** The finished file: catalog, page tree, two standard fonts, then each page and its content. */
  toBuffer(): Buffer {
    const objects: string[] = [];
    const pageIds = this.pages.map((_, i) => 5 + i * 2);
    objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
    objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pageIds.length} >>`;
    objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>';
    objects[4] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>';
    this.pages.forEach((ops, i) => {
      const content = ops.join('\n');
      objects[pageIds[i]!] =
        `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 ${W} ${H}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents ${pageIds[i]! + 1} 0 R >>`;
      objects[pageIds[i]! + 1] = `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`;
    });
    let out = '%PDF-1.4\n%\u00E2\u00E3\u00CF\u00D3\n';
    const offsets: number[] = [];
    for (let id = 1; id < objects.length; id++) {
      offsets[id] = Buffer.byteLength(out, 'latin1');
      out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
    }
    const xref = Buffer.byteLength(out, 'latin1');
    out += `xref\n0 ${objects.length}\n0000000000 65535 f \n`;
    for (let id = 1; id < objects.length; id++) out += `${String(offsets[id]).padStart(10, '0')} 00000 n \n`;
    out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
    return Buffer.from(out, 'latin1');
  }
}

const fmt = (n: number) => n.toLocaleString('en-GB');

/** A horizontal bar chart: label, bar scaled to the largest count, the count. */
function bars(doc: PdfPages, title: string, list: ReportCount[]) {
  doc.need(40);
  doc.text(M, doc.y - 14, title, 13, true);
  doc.y -= 24;
  if (!list.length) {
    doc.text(M, doc.y - 10, 'No registrations.', 10);
    doc.y -= 22;
    return;
  }
  const max = Math.max(...list.map((c) => c.count), 1);
  const labelW = 170;
  const barW = W - 2 * M - labelW - 60;
  for (const c of list) {
    doc.need(14);
    doc.text(M, doc.y - 10, fit(c.label, 9, labelW - 6), 9);
    doc.rect(M + labelW, doc.y - 11, Math.max(1, (barW * c.count) / max), 10, GREEN);
    doc.text(M + labelW + barW + 6, doc.y - 10, fmt(c.count), 9);
    doc.y -= 14;
  }
  doc.y -= 10;
}

/** Registrations over time as columns, first and last bucket labelled. */
function columns(doc: PdfPages, title: string, series: { date: string; count: number }[], interval: string) {
  const h = 110;
  doc.need(h + 50);
  doc.text(M, doc.y - 14, title, 13, true);
  doc.y -= 24;
  if (!series.length) {
    doc.text(M, doc.y - 10, 'No registrations.', 10);
    doc.y -= 22;
    return;
  }
  const max = Math.max(...series.map((s) => s.count), 1);
  const width = W - 2 * M;
  const step = width / series.length;
  const base = doc.y - h;
  series.forEach((s, i) => {
    const bh = (h * s.count) / max;
    doc.rect(M + i * step, base, Math.max(0.6, step * 0.8), Math.max(0.5, bh), GREEN);
  });
  doc.rect(M, base - 1, width, 0.6, [0.4, 0.4, 0.4]);
  doc.text(M, base - 12, series[0]!.date, 8);
  doc.text(W - M - 50, base - 12, series[series.length - 1]!.date, 8);
  doc.text(M + width / 2 - 60, base - 12, `per ${interval}; highest ${fmt(max)}`, 8);
  doc.y = base - 30;
}

export function summaryPdf(summary: ReportSummary, generatedAt: Date): Buffer {
  const doc = new PdfPages();
  const f = summary.filters;
  doc.text(M, doc.y - 18, 'Oyo State Labour & Skills Registry', 18, true, GREEN);
  doc.text(M, doc.y - 38, 'Registration summary', 14, true);
  const filters = [
    `Registered ${f.from ?? 'from the first registration'} to ${f.to}`,
    `LGA: ${f.lga ? (lgaName(f.lga) ?? f.lga) : 'all'}`,
    `Channel: ${f.channel ?? 'all'}`,
    `Status: ${f.status ?? 'all'}`,
  ].join(' - ');
  doc.text(M, doc.y - 56, fit(filters, 9, W - 2 * M), 9);
  doc.text(M, doc.y - 70, `Made ${generatedAt.toISOString().replace('T', ' ').slice(0, 16)} UTC`, 9);
  doc.text(M, doc.y - 104, `${fmt(summary.total)} registrations`, 22, true);
  doc.y -= 130;
  columns(doc, 'Registrations over time', summary.overTime, summary.interval);
  bars(doc, 'By LGA', summary.byLga);
  bars(doc, 'By sector (a person counts in each sector of their skills)', summary.bySector);
  bars(doc, 'Top 20 skills', summary.bySkill);
  bars(doc, 'By employment type', summary.byEmploymentType);
  bars(doc, 'By gender', summary.byGender);
  bars(doc, 'By age band (at registration)', summary.byAgeBand);
  bars(doc, 'By channel', summary.byChannel);
  bars(doc, 'By status', summary.byStatus);
  return doc.toBuffer();
}

/**
 * The printable summary (issue 11 item 5), in the reader's language: headline numbers, the filters,
 * when it was made, and every breakdown as a vector bar chart; A4 portrait, as many pages as the
 * sections need. Drawn with pdfkit and the registry's embedded Noto Sans (the documents module's), so
 * Yorùbá letters (ẹ, ọ, ṣ, tone marks) print; the words are the dashboard's catalogue entries, and
 * each row is named by its key (breakdownTextId), as on the dashboard.
 */
import { breakdownTextId, lgaName, type ReportBreakdown, type ReportCount, type ReportSummary } from '@oslrs/core';
import { KEEP_LETTERS, finishPdf, newPdfDocument, type DocumentTexts } from '../documents/index.js';

const W = 595.28;
const H = 841.89;
const M = 40;
const GREEN = '#146633';
const INK = '#1a1a1a';
const GREY = '#555555';

type Doc = PDFKit.PDFDocument;

/** `s` cut with an ellipsis to fit `width` points at the current font and size. */
function fit(doc: Doc, s: string, width: number): string {
  // Measured as drawn (KEEP_LETTERS): measuring with the font's defaults would map its glyphs otherwise.
  const measure = (x: string) => doc.widthOfString(x, { features: KEEP_LETTERS });
  if (measure(s) <= width) return s;
  let cut = s;
  while (cut.length > 1 && measure(`${cut}…`) > width) cut = cut.slice(0, -1);
  return `${cut.trimEnd()}…`;
}

class Pages {
  y = M;
  constructor(readonly doc: Doc) {}

  /** Room for `h` points below the cursor, else a new page. */
  need(h: number) {
    if (this.y + h > H - M) {
      this.doc.addPage();
      this.y = M;
    }
  }

  text(s: string, x: number, y: number, size: number, opts: { bold?: boolean; color?: string; width?: number } = {}) {
    const doc = this.doc;
    doc
      .font(opts.bold ? 'bold' : 'body')
      .fontSize(size)
      .fillColor(opts.color ?? INK);
    const width = opts.width ?? W - M - x;
    doc.text(fit(doc, s.normalize('NFC'), width), x, y, { lineBreak: false, features: KEEP_LETTERS });
  }
}

export function summaryPdf(summary: ReportSummary, generatedAt: Date, texts: DocumentTexts): Promise<Buffer> {
  const { t, date } = texts;
  const number = new Intl.NumberFormat('en-GB');
  const fmt = (n: number) => number.format(n);
  const doc = newPdfDocument([W, H], t('staff.reports.pdf.heading'));
  doc.addPage({ size: [W, H], margin: 0 });
  const p = new Pages(doc);
  const f = summary.filters;

  // A row's words in the reader's language (LGA names stay), else the API's English label.
  const labelOf = (breakdown: ReportBreakdown, c: ReportCount) => {
    const id = breakdownTextId(breakdown, c.key);
    const text = id ? t(id) : c.label;
    return text && text !== id ? text : c.label;
  };
  const all = t('common.all');
  const filters = t('staff.reports.pdf.filters', {
    period: f.from
      ? t('staff.reports.period', { from: date(f.from), to: date(f.to) })
      : t('staff.reports.periodFromStart', { to: date(f.to) }),
    lga: f.lga ? (lgaName(f.lga) ?? f.lga) : all,
    channel: f.channel ? labelOf('channel', { key: f.channel, label: f.channel, count: 0 }) : all,
    status: f.status ? labelOf('status', { key: f.status, label: f.status, count: 0 }) : all,
  });
  const wat = new Date(generatedAt.getTime() + 3_600_000).toISOString().slice(11, 16);

  p.text(t('documents.slip.title'), M, p.y, 18, { bold: true, color: GREEN });
  p.text(t('staff.reports.pdf.heading'), M, p.y + 26, 14, { bold: true });
  p.text(filters, M, p.y + 48, 9, { color: GREY });
  p.text(t('staff.reports.pdf.made', { date: date(generatedAt), time: wat }), M, p.y + 62, 9, { color: GREY });
  p.text(t('staff.reports.pdf.total', { count: summary.total }), M, p.y + 84, 22, { bold: true });
  p.y += 124;

  const none = () => {
    p.text(t('common.chart.noRegistrations'), M, p.y, 10, { color: GREY });
    p.y += 22;
  };

  // Registrations over time: columns, the first and last bucket named.
  {
    const h = 110;
    p.need(h + 50);
    p.text(t('staff.reports.pdf.overTime'), M, p.y, 13, { bold: true });
    p.y += 22;
    const series = summary.overTime;
    if (!series.length) none();
    else {
      const max = Math.max(...series.map((s) => s.count), 1);
      const width = W - 2 * M;
      const step = width / series.length;
      const base = p.y + h;
      series.forEach((s, i) => {
        const bh = Math.max(0.5, (h * s.count) / max);
        doc
          .rect(M + i * step, base - bh, Math.max(0.6, step * 0.8), bh)
          .fillColor(GREEN)
          .fill();
      });
      doc
        .rect(M, base + 0.5, width, 0.6)
        .fillColor('#666666')
        .fill();
      const axis = summary.interval === 'day' ? 'staff.reports.pdf.axisDay' : 'staff.reports.pdf.axisMonth';
      p.text(date(series[0]!.date), M, base + 4, 8, { color: GREY, width: 120 });
      p.text(t(axis, { max: fmt(max) }), M + width / 2 - 80, base + 4, 8, { color: GREY, width: 160 });
      const last = date(series[series.length - 1]!.date);
      doc.font('body').fontSize(8);
      p.text(last, W - M - doc.widthOfString(last, { features: KEEP_LETTERS }), base + 4, 8, {
        color: GREY,
        width: 120,
      });
      p.y = base + 26;
    }
  }

  // Each breakdown: label, a bar scaled to the largest count, the count.
  const bars = (title: string, breakdown: ReportBreakdown, list: ReportCount[], note?: string) => {
    p.need(48);
    p.text(title, M, p.y, 13, { bold: true });
    p.y += 18;
    if (note) {
      p.text(note, M, p.y, 8, { color: GREY });
      p.y += 12;
    }
    p.y += 4;
    if (!list.length) return none();
    const max = Math.max(...list.map((c) => c.count), 1);
    const labelW = 190;
    const barW = W - 2 * M - labelW - 60;
    for (const c of list) {
      p.need(14);
      p.text(labelOf(breakdown, c), M, p.y, 9, { width: labelW - 6 });
      doc
        .rect(M + labelW, p.y + 1, Math.max(1, (barW * c.count) / max), 9)
        .fillColor(GREEN)
        .fill();
      p.text(fmt(c.count), M + labelW + barW + 6, p.y, 9, { width: 54 });
      p.y += 14;
    }
    p.y += 12;
  };
  bars(t('staff.reports.byLga'), 'lga', summary.byLga);
  bars(t('staff.reports.bySector'), 'sector', summary.bySector, t('staff.reports.sectorNote'));
  bars(t('staff.reports.topSkills'), 'skill', summary.bySkill);
  bars(t('staff.reports.byEmployment'), 'employment_type', summary.byEmploymentType);
  bars(t('staff.reports.byGender'), 'gender', summary.byGender);
  bars(t('staff.reports.byAge'), 'age_band', summary.byAgeBand);
  bars(t('staff.reports.byChannel'), 'channel', summary.byChannel);
  bars(t('staff.reports.byStatus'), 'status', summary.byStatus);
  return finishPdf(doc);
}

/**
 * The registry's printed documents, drawn with pdfkit: a resident's registration slip (A4) and staff
 * ID cards (ID-1 size, 85.6 × 54 mm: one per page, or ten to an A4 sheet for bulk printing).
 *
 * Text uses Noto Sans, shipped in apps/api/assets/fonts (embedded as a subset), so Yoruba letters
 * (ẹ, ọ, ṣ and tone marks, placed over capitals too: the font positions its marks) print on any
 * server whatever fonts it has. QR codes are drawn as vector
 * squares (crisp at any printer resolution), each pointing at a public verification page.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';

const here = dirname(fileURLToPath(import.meta.url));
/** Where the fonts are: beside the bundle (apps/api/dist → apps/api/assets) or the source tree. */
const FONT_DIR = [join(here, '../assets/fonts'), join(here, '../../../assets/fonts')].find((d) =>
  existsSync(join(d, 'NotoSans-Regular.ttf')),
);

let fonts: { regular: Buffer; bold: Buffer } | undefined;
function loadFonts() {
  if (!FONT_DIR) throw new Error('PDF fonts not found (apps/api/assets/fonts/NotoSans-Regular.ttf)');
  fonts ??= {
    regular: readFileSync(join(FONT_DIR, 'NotoSans-Regular.ttf')),
    bold: readFileSync(join(FONT_DIR, 'NotoSans-Bold.ttf')),
  };
  return fonts;
}

const MM = 72 / 25.4;
/** ID-1 (bank card) size in points. */
export const CARD_SIZE: [number, number] = [85.6 * MM, 53.98 * MM];
const CARDS_ACROSS = 2;
const CARDS_DOWN = 5;
/** Cards on one A4 sheet when printing in bulk. */
export const CARDS_PER_SHEET = CARDS_ACROSS * CARDS_DOWN;
const A4: [number, number] = [595.28, 841.89];
const GREEN = '#0f5132';
const GREY = '#555555';

/** Labels in the reader's language (the caller formats them). */
export interface SlipText {
  title: string;
  subtitle: string;
  name: string;
  reference: string;
  lga: string;
  date: string;
  status: string;
  scan: string;
  keep: string;
}

export interface Slip {
  name: string;
  reference: string;
  lga: string;
  date: string;
  status: string;
  verifyUrl: string;
}

export interface CardText {
  title: string;
  subtitle: string;
  role: string;
  lga: string;
  cardNumber: string;
  expires: string;
  photo: string;
  scan: string;
}

export interface Card {
  name: string;
  role: string;
  lga: string;
  cardNumber: string;
  expires: string;
  verifyUrl: string;
  /** A photo (JPEG or PNG), when one was uploaded; otherwise a box to paste one in. */
  photo?: Buffer | null;
}

/** A pdfkit document with the registry's fonts registered (`body`, `bold`), no page yet. */
export function newDocument(size: [number, number], title: string) {
  const { regular, bold } = loadFonts();
  const doc = new PDFDocument({
    size,
    margin: 0,
    autoFirstPage: false,
    info: { Title: title, Author: 'Oyo State Labour & Skills Registry', Creator: 'OSLRS' },
  });
  doc.registerFont('body', regular);
  doc.registerFont('bold', bold);
  return doc;
}

/** Ends the document and resolves with its bytes. */
export function finish(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}

/**
 * Shaping without the font's glyph (de)composition (`ccmp`): a letter such as ọ stays one glyph with
 * its tone mark positioned over it (`mark`, still on), so the PDF's text layer maps each glyph to one
 * letter and copying or searching the text gives back what was printed (with ccmp, Noto draws ọ́ as
 * o + ̣ + ́ and every later plain o would read back as ọ).
 */
export const KEEP_LETTERS = { ccmp: false } as unknown as PDFKit.Mixins.OpenTypeFeatures[];

/** Names typed with combining marks or precomposed letters print alike. */
const nfc = (s: string) => s.normalize('NFC');

/** A QR code as filled squares (one path), `size` points wide, with the standard quiet zone outside it. */
function drawQr(doc: PDFKit.PDFDocument, text: string, x: number, y: number, size: number) {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const cell = size / n;
  for (let row = 0; row < n; row++)
    for (let col = 0; col < n; col++)
      if (qr.modules.get(row, col)) doc.rect(x + col * cell, y + row * cell, cell, cell);
  doc.fillColor('#000000').fill();
}

/** A registration slip: one A4 page. */
export function renderSlip(slip: Slip, text: SlipText): Promise<Buffer> {
  const doc = newDocument(A4, text.title);
  doc.addPage();
  const left = 56;
  const width = A4[0] - 2 * left;
  doc.rect(0, 0, A4[0], 8).fillColor(GREEN).fill();
  doc.font('bold').fontSize(18).fillColor(GREEN).text(text.title, left, 48, { features: KEEP_LETTERS, width });
  doc
    .font('body')
    .fontSize(12)
    .fillColor(GREY)
    .text(text.subtitle, left, doc.y + 4, { features: KEEP_LETTERS, width });

  const qrSize = 150;
  const qrX = A4[0] - left - qrSize;
  const top = 130;
  const fieldWidth = qrX - left - 24;
  let y = top;
  const field = (label: string, value: string, big = false) => {
    doc.font('body').fontSize(10).fillColor(GREY).text(label, left, y, { features: KEEP_LETTERS, width: fieldWidth });
    doc
      .font('bold')
      .fontSize(big ? 22 : 14)
      .fillColor('#000000')
      .text(nfc(value), left, doc.y + 2, { features: KEEP_LETTERS, width: fieldWidth });
    y = doc.y + 14;
  };
  field(text.reference, slip.reference, true);
  field(text.name, slip.name);
  field(text.lga, slip.lga);
  field(text.date, slip.date);
  field(text.status, slip.status);

  drawQr(doc, slip.verifyUrl, qrX, top, qrSize);
  doc
    .font('body')
    .fontSize(9)
    .fillColor(GREY)
    .text(text.scan, qrX, top + qrSize + 8, { features: KEEP_LETTERS, width: qrSize, align: 'center' });
  doc.text(slip.verifyUrl, qrX - 20, doc.y + 4, { features: KEEP_LETTERS, width: qrSize + 40, align: 'center' });

  const noteY = Math.max(y, doc.y) + 24;
  doc
    .moveTo(left, noteY)
    .lineTo(A4[0] - left, noteY)
    .lineWidth(0.5)
    .strokeColor('#bbbbbb')
    .stroke();
  doc
    .font('body')
    .fontSize(10)
    .fillColor('#000000')
    .text(text.keep, left, noteY + 12, { features: KEEP_LETTERS, width });
  return finish(doc);
}

/** One card drawn with its top-left corner at (x, y). */
function drawCard(doc: PDFKit.PDFDocument, card: Card, text: CardText, x: number, y: number) {
  const [w, h] = CARD_SIZE;
  const pad = 6;
  doc.save();
  doc
    .roundedRect(x + 0.5, y + 0.5, w - 1, h - 1, 6)
    .lineWidth(0.75)
    .strokeColor('#888888')
    .stroke();
  doc
    .rect(x + 1, y + 1, w - 2, 26)
    .fillColor(GREEN)
    .fill();
  doc
    .font('bold')
    .fontSize(7.2)
    .fillColor('#ffffff')
    .text(text.title, x + pad, y + 5, { features: KEEP_LETTERS, width: w - 2 * pad, lineBreak: false });
  doc
    .font('body')
    .fontSize(6.5)
    .text(text.subtitle, x + pad, y + 15, { features: KEEP_LETTERS, width: w - 2 * pad, lineBreak: false });

  const photoW = 52;
  const photoH = 64;
  const photoY = y + 32;
  if (card.photo) {
    doc.image(card.photo, x + pad, photoY, { fit: [photoW, photoH], align: 'center', valign: 'center' });
  } else {
    doc
      .rect(x + pad, photoY, photoW, photoH)
      .lineWidth(0.5)
      .dash(2, { space: 2 })
      .strokeColor('#999999')
      .stroke()
      .undash();
    doc
      .font('body')
      .fontSize(6)
      .fillColor('#999999')
      .text(text.photo, x + pad, photoY + photoH / 2 - 4, {
        features: KEEP_LETTERS,
        width: photoW,
        align: 'center',
        lineBreak: false,
      });
  }

  const qrSize = 50;
  const qrX = x + w - pad - qrSize;
  const textX = x + pad + photoW + 6;
  const textW = qrX - textX - 4;
  doc
    .font('bold')
    .fontSize(8.5)
    .fillColor('#000000')
    .text(nfc(card.name), textX, photoY, { features: KEEP_LETTERS, width: textW, height: 25, ellipsis: true });
  let ty = Math.max(doc.y, photoY + 11) + 2;
  const line = (label: string, value: string, bold = false) => {
    doc
      .font('body')
      .fontSize(5.5)
      .fillColor(GREY)
      .text(label, textX, ty, { features: KEEP_LETTERS, width: textW, lineBreak: false });
    doc
      .font(bold ? 'bold' : 'body')
      .fontSize(7)
      .fillColor('#000000')
      .text(nfc(value), textX, ty + 6.5, { features: KEEP_LETTERS, width: textW, lineBreak: false, ellipsis: true });
    ty += 16;
  };
  line(text.role, card.role);
  line(text.lga, card.lga);
  line(text.cardNumber, card.cardNumber, true);
  line(text.expires, card.expires);

  drawQr(doc, card.verifyUrl, qrX, photoY, qrSize);
  doc
    .font('body')
    .fontSize(5)
    .fillColor(GREY)
    .text(text.scan, qrX - 6, photoY + qrSize + 3, { features: KEEP_LETTERS, width: qrSize + 12, align: 'center' });
  doc.restore();
}

/** One card on a page of its own, at actual size. */
export function renderCard(card: Card, text: CardText): Promise<Buffer> {
  const doc = newDocument(CARD_SIZE, text.title);
  doc.addPage();
  drawCard(doc, card, text, 0, 0);
  return finish(doc);
}

/** Many cards, ten to an A4 sheet (two across, five down), each at actual size. */
export function renderCardSheet(cards: Card[], text: CardText): Promise<Buffer> {
  const doc = newDocument(A4, text.title);
  const [w, h] = CARD_SIZE;
  const marginX = (A4[0] - CARDS_ACROSS * w) / 2;
  const marginY = (A4[1] - CARDS_DOWN * h) / 2;
  if (!cards.length) doc.addPage();
  cards.forEach((card, i) => {
    const slot = i % CARDS_PER_SHEET;
    if (slot === 0) doc.addPage();
    const col = slot % CARDS_ACROSS;
    const row = Math.floor(slot / CARDS_ACROSS);
    drawCard(doc, card, text, marginX + col * w, marginY + row * h);
  });
  return finish(doc);
}

/**
 * Letters as PDF, with pdfkit: one letter on its own (what GOV.UK Notify takes, one PDF per letter). A
 * clinic's day as one batch behind a cover sheet is letter-batch-pdf.ts, drawn with these pieces.
 *
 * pdfkit rather than pdfmake or pdf-lib: the address must sit at exact millimetre positions from
 * Notify's letter specification, which pdfkit's absolute placement gives directly (pdfmake's flowing
 * layout fights it), and it lays out and wraps text with embedded, subsetted TrueType fonts, which
 * pdf-lib leaves to the caller. The font is Open Sans (SIL OFL), whose glyphs cover Welsh (ŵ, ŷ),
 * Polish and Romanian (ș, ț); PDF's built-in Helvetica has none of those.
 *
 * Where things go is functions/core/letters/layout.ts; what they say is functions/core/letters.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import PDFDocument from 'pdfkit';
import QRCode from 'qrcode';
import { type Box, LETTER_LAYOUT, mm, NOTIFY_LETTER_SPEC } from '#core/letters/layout.ts';
import type { ComposedLetter, LetterSection } from '#core/letters/letter.ts';

export type Doc = PDFKit.PDFDocument;

const require = createRequire(import.meta.url);
/**
 * A font file, from the npm package that ships it; in a Lambda bundle, which has no node_modules, from
 * the `fonts/` folder the stack's bundling copies beside the bundle (lib/trust-stack.ts, letter-batch).
 */
function fontFile(packagePath: string): string {
  try {
    return require.resolve(`@expo-google-fonts/open-sans/${packagePath}`);
  } catch {
    return join(dirname(fileURLToPath(import.meta.url)), 'fonts', basename(packagePath));
  }
}
export const LETTER_FONT_FILES = {
  regular: fontFile('400Regular/OpenSans_400Regular.ttf'),
  bold: fontFile('700Bold/OpenSans_700Bold.ttf'),
} as const;

let fontBytes: { regular: Buffer; bold: Buffer } | undefined;
/** Read once per process: every document embeds its own subset of the same two fonts. */
function fonts(): { regular: Buffer; bold: Buffer } {
  fontBytes ??= {
    regular: readFileSync(LETTER_FONT_FILES.regular),
    bold: readFileSync(LETTER_FONT_FILES.bold),
  };
  return fontBytes;
}

const REGULAR = 'letter-regular';
const BOLD = 'letter-bold';
const BLACK = '#000000';
const { fontSize } = LETTER_LAYOUT;
const PAGE = NOTIFY_LETTER_SPEC.page;

/**
 * A new A4 document with the letter fonts; no personal data in its metadata. `createdOn` (yyyy-mm-dd,
 * the batch's local day) is its creation date, at 00:00 UTC, so the same letters make the same bytes
 * whenever they are made again (a retried batch matches the one stored); without it, now.
 */
export function newDocument(title: string, language: string, createdOn?: string): Doc {
  const { regular, bold } = fonts();
  const doc = new PDFDocument({
    size: 'A4',
    // Pages are numbered "1 of N" once a letter's length is known, so pages stay open until the end.
    bufferPages: true,
    autoFirstPage: false,
    // Our own font from the start: loading PDF's standard Helvetica would be wasted work.
    font: LETTER_FONT_FILES.regular,
    pdfVersion: '1.7',
    lang: language,
    displayTitle: true,
    info: {
      Title: title,
      Creator: 'Attend',
      Producer: 'Attend (pdfkit)',
      ...(createdOn && { CreationDate: new Date(`${createdOn}T00:00:00Z`) }),
    },
  });
  doc.registerFont(REGULAR, regular);
  doc.registerFont(BOLD, bold);
  return doc;
}

export function toBytes(doc: Doc): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on('error', reject);
    doc.end();
  });
}

export function addPage(doc: Doc): void {
  // The margins only steer pdfkit's own wrapping; every block is placed explicitly.
  const body = LETTER_LAYOUT.body;
  doc.addPage({
    size: 'A4',
    margins: {
      top: mm(body.topOnLaterPages),
      bottom: mm(body.bottom),
      left: mm(body.left),
      right: mm(body.right),
    },
  });
}

/** Line pitch and the height of one line's box (ascender to descender) at a size, for the current font. */
function lineMetrics(doc: Doc, size: number): { pitch: number; box: number } {
  doc.fontSize(size);
  return { pitch: size * 1.2, box: doc.currentLineHeight(false) };
}

/**
 * Lines placed one under another inside a box, at the largest size from `max` down to `min` (in half
 * points) at which every line fits the box's width and all of them its height. Throws when none does:
 * an address cut short would not arrive.
 */
function fitLines(
  doc: Doc,
  lines: readonly { text: string; bold?: boolean; gapBefore?: number }[],
  box: Box,
  sizes: { max: number; min: number },
  what: string,
): { size: number; height: number } {
  for (let size = sizes.max; size >= sizes.min; size -= 0.5) {
    const { pitch, box: lineBox } = lineMetrics(doc, size);
    const widest = Math.max(
      ...lines.map((line) =>
        doc
          .font(line.bold ? BOLD : REGULAR)
          .fontSize(size)
          .widthOfString(line.text),
      ),
    );
    const gaps = lines.reduce((sum, line) => sum + (line.gapBefore ?? 0), 0);
    const height = (lines.length - 1) * pitch + lineBox + gaps;
    if (widest <= mm(box.width) && height <= mm(box.height)) return { size, height };
  }
  throw new Error(`The ${what} does not fit its ${box.width} × ${box.height} mm area even at ${sizes.min}pt`);
}

function drawLinesInBox(
  doc: Doc,
  lines: readonly { text: string; bold?: boolean; gapBefore?: number }[],
  box: Box,
  sizes: { max: number; min: number },
  what: string,
): void {
  const { size } = fitLines(doc, lines, box, sizes, what);
  const { pitch } = lineMetrics(doc, size);
  let y = mm(box.top);
  lines.forEach((line, i) => {
    if (i > 0) y += pitch;
    y += line.gapBefore ?? 0;
    doc
      .font(line.bold ? BOLD : REGULAR)
      .fontSize(size)
      .text(line.text, mm(box.left), y, { lineBreak: false });
  });
}

/** The top of page 1: the trust's name, the family's address in the window, the service's own details. */
function drawFirstPageHead(doc: Doc, letter: ComposedLetter): void {
  const { trustName, address, contact } = LETTER_LAYOUT;
  doc
    .font(BOLD)
    .fontSize(12)
    .text(letter.trustName, mm(trustName.left), mm(trustName.top), {
      width: mm(trustName.width),
      lineGap: 1,
    });

  // Nothing but the address goes in the address block (Notify's rule, and the envelope window's).
  drawLinesInBox(
    doc,
    letter.addressBlock.map((text) => ({ text })),
    address,
    { max: fontSize.address, min: fontSize.addressMin },
    'address',
  );

  const contactLines = [
    { text: letter.returnAddressLabel, bold: true },
    ...letter.returnAddress.map((text) => ({ text })),
    ...letter.contactItems.flatMap((item) => [
      { text: item.label, bold: true, gapBefore: 6 },
      ...item.values.map((text) => ({ text })),
    ]),
  ];
  drawLinesInBox(
    doc,
    contactLines,
    contact,
    { max: fontSize.contact, min: 8 },
    'return address and contact details',
  );
}

/**
 * A text flow down the body, starting a new page when the next block would not fit. `measure` runs the
 * same steps without drawing, so a block's height is known before deciding where it goes.
 */
export class BodyFlow {
  y: number;
  private drawing = true;
  private readonly qrPages = new Set<number>();

  constructor(
    private readonly doc: Doc,
    private readonly pageIndex: () => number,
  ) {
    this.y = mm(LETTER_LAYOUT.body.topOnFirstPage);
  }

  get left(): number {
    return mm(LETTER_LAYOUT.body.left);
  }

  get width(): number {
    return mm(PAGE.width - LETTER_LAYOUT.body.left - LETTER_LAYOUT.body.right);
  }

  get maxY(): number {
    return mm(PAGE.height - LETTER_LAYOUT.body.bottom);
  }

  /** The height the steps in `draw` take, drawing nothing (a QR code counted as if it were drawn). */
  measure(draw: () => void): number {
    const y = this.y;
    this.drawing = false;
    this.y = 0;
    try {
      draw();
      return this.y;
    } finally {
      this.drawing = true;
      this.y = y;
    }
  }

  /** Starts a new page. */
  newPage(): void {
    if (!this.drawing) return;
    addPage(this.doc);
    this.y = mm(LETTER_LAYOUT.body.topOnLaterPages);
  }

  /** Moves to a new page unless `height` points still fit on this one. */
  ensure(height: number): void {
    if (this.y + height > this.maxY) this.newPage();
  }

  private text(text: string, x: number, y: number, options: PDFKit.Mixins.TextOptions): void {
    if (this.drawing) this.doc.text(text, x, y, options);
  }

  paragraph(text: string, options: { bold?: boolean; size?: number; after?: number } = {}): void {
    const { doc } = this;
    doc.font(options.bold ? BOLD : REGULAR).fontSize(options.size ?? fontSize.body);
    const height = doc.heightOfString(text, { width: this.width, lineGap: 2 });
    this.ensure(height);
    this.text(text, this.left, this.y, { width: this.width, lineGap: 2 });
    this.y += height + (options.after ?? 8);
  }

  /** Label and value side by side, e.g. "When   Thursday 3 December 2026 at 2:30pm". */
  details(rows: LetterSection['details']): void {
    const { doc } = this;
    const labelWidth = mm(28) - 6;
    const valueLeft = this.left + mm(28);
    const valueWidth = this.width - mm(28);
    doc.fontSize(fontSize.body);
    const heights = rows.map((row) =>
      Math.max(
        doc.font(BOLD).heightOfString(row.label, { width: labelWidth, lineGap: 2 }),
        doc.font(REGULAR).heightOfString(row.value, { width: valueWidth, lineGap: 2 }),
      ),
    );
    // The rows belong together: a "When" on one page and its "Where" on the next reads badly.
    this.ensure(heights.reduce((sum, h) => sum + h + 4, 0));
    rows.forEach((row, i) => {
      this.doc.font(BOLD);
      this.text(row.label, this.left, this.y, { width: labelWidth, lineGap: 2 });
      this.doc.font(REGULAR);
      this.text(row.value, valueLeft, this.y, { width: valueWidth, lineGap: 2 });
      this.y += heights[i]! + 4;
    });
    this.y += 6;
  }

  /**
   * How to use the QR code beside the code itself, then the link in words for anyone who cannot scan it
   * (Notify's guidance asks for both). One QR code per page at most, as that guidance also asks: a
   * second language on the same page points at the code already there.
   */
  withQrCode(explanation: string, linkLabel: string, link: string): void {
    const { doc } = this;
    const size = mm(LETTER_LAYOUT.qr.size);
    const besideQr = this.width - size - mm(6);
    const labelHeight = doc
      .font(REGULAR)
      .fontSize(fontSize.small)
      .heightOfString(linkLabel, { width: this.width, lineGap: 1 });
    const linkHeight = doc.font(BOLD).heightOfString(link, { width: this.width, lineGap: 1 });
    const explanationHeight = (width: number) =>
      doc.font(REGULAR).fontSize(fontSize.body).heightOfString(explanation, { width, lineGap: 2 });
    const qrHere = () => !this.drawing || !this.qrPages.has(this.pageIndex());
    const blockHeight = (withQr: boolean) =>
      (withQr ? Math.max(explanationHeight(besideQr), size) : explanationHeight(this.width)) +
      6 +
      labelHeight +
      2 +
      linkHeight;
    this.ensure(blockHeight(qrHere()));

    const top = this.y;
    const drawQr = qrHere();
    const width = drawQr ? besideQr : this.width;
    doc.font(REGULAR).fontSize(fontSize.body);
    this.text(explanation, this.left, top, { width, lineGap: 2 });
    this.y = top + explanationHeight(width);
    if (drawQr) {
      if (this.drawing) {
        drawQrCode(doc, link, this.left + this.width - size, top, size);
        this.qrPages.add(this.pageIndex());
      }
      this.y = Math.max(this.y, top + size);
    }
    this.y += 6;
    doc.font(REGULAR).fontSize(fontSize.small);
    this.text(linkLabel, this.left, this.y, { width: this.width, lineGap: 1 });
    this.y += labelHeight + 2;
    doc.font(BOLD);
    this.text(link, this.left, this.y, { width: this.width, lineGap: 1 });
    this.y += linkHeight + 10;
  }

  /** A thin line between two languages of one letter. */
  rule(): void {
    this.y += 6;
    if (this.drawing) {
      this.doc
        .moveTo(this.left, this.y)
        .lineTo(this.left + this.width, this.y)
        .lineWidth(0.5)
        .strokeColor(BLACK)
        .stroke();
    }
    this.y += 16;
  }
}

/**
 * A QR code drawn as vector squares, so it prints sharp at any resolution. Medium error correction
 * survives a fold or a smudge; the quiet zone (four modules) is part of `size`.
 */
export function drawQrCode(doc: Doc, text: string, x: number, y: number, size: number): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  const quiet = 4;
  const cell = size / (count + 2 * quiet);
  doc.save().fillColor(BLACK);
  for (let row = 0; row < count; row++) {
    for (let col = 0; col < count; col++) {
      if (qr.modules.get(row, col)) {
        doc.rect(x + (col + quiet) * cell, y + (row + quiet) * cell, cell, cell);
      }
    }
  }
  doc.fill().restore();
}

/** Draws one letter from a new page on; returns how many pages it took. */
export function drawLetter(doc: Doc, letter: ComposedLetter): number {
  const first = doc.bufferedPageRange().count;
  addPage(doc);
  drawFirstPageHead(doc, letter);
  const flow = new BodyFlow(doc, () => doc.bufferedPageRange().count - 1);
  const drawSection = (section: LetterSection) => {
    flow.paragraph(section.heading, { bold: true, size: fontSize.heading, after: 10 });
    flow.paragraph(section.intro, { after: 10 });
    flow.details(section.details);
    flow.paragraph(section.changeHeading, { bold: true, size: fontSize.subheading, after: 6 });
    flow.paragraph(section.changeByPhone);
    if (letter.link !== undefined && section.changeOnline !== undefined && section.linkLabel !== undefined) {
      flow.withQrCode(section.changeOnline, section.linkLabel, letter.link);
    }
    flow.paragraph(section.signOff.join('\n'), { after: 4 });
  };
  letter.sections.forEach((section, i) => {
    if (i > 0) {
      // Each further language whole on one page: after a rule where it fits, else on a page of its own.
      const height = flow.measure(() => {
        flow.rule();
        drawSection(section);
      });
      if (flow.y + height <= flow.maxY) flow.rule();
      else flow.newPage();
    }
    drawSection(section);
  });
  const pages = doc.bufferedPageRange().count - first;
  if (pages > NOTIFY_LETTER_SPEC.maxPages) {
    throw new Error(
      `Letter ${letter.letterId} runs to ${pages} pages; at most ${NOTIFY_LETTER_SPEC.maxPages} can be posted`,
    );
  }
  return pages;
}

/** "Page 1 of 2" at the foot of each of a letter's pages, in every language of the letter. */
export function numberPages(doc: Doc, letter: ComposedLetter, firstPage: number, pages: number): void {
  for (let page = 1; page <= pages; page++) {
    doc.switchToPage(firstPage + page - 1);
    // Below the bottom margin pdfkit would start a new page instead of writing the footer.
    const margins = doc.page.margins;
    doc.page.margins = { ...margins, bottom: 0 };
    doc
      .font(REGULAR)
      .fontSize(fontSize.small)
      .text(letter.pageOf(page, pages), mm(LETTER_LAYOUT.body.left), mm(LETTER_LAYOUT.footer.top), {
        width: mm(PAGE.width - LETTER_LAYOUT.body.left - LETTER_LAYOUT.body.right),
        align: 'center',
        lineBreak: false,
      });
    doc.page.margins = margins;
  }
}

export interface RenderedLetter {
  readonly letterId: string;
  readonly pdf: Uint8Array;
  readonly pages: number;
}

/**
 * One letter as its own PDF, as GOV.UK Notify's precompiled letter API takes it; `createdOn` as for
 * newDocument (its batch's day).
 */
export async function renderLetterPdf(letter: ComposedLetter, createdOn?: string): Promise<RenderedLetter> {
  const doc = newDocument('Appointment letter', letter.languages[0] ?? 'en', createdOn);
  const pages = drawLetter(doc, letter);
  numberPages(doc, letter, 0, pages);
  return { letterId: letter.letterId, pdf: await toBytes(doc), pages };
}

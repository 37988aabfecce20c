/**
 * Rendered letters read back as a person and a printer would: the text through pdftotext, each word's
 * position through pdftotext -bbox (so the address is checked where it is actually printed), and the
 * first page as a PNG through pdftoppm, whose QR code must scan as the parent link (jsQR).
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsQRModule from 'jsqr';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { bottom, LETTER_LAYOUT, mm, right } from '#core/letters/layout.ts';
import { type ComposedLetter, composeLetter, letterContextFrom } from '#core/letters/letter.ts';
import { LocalFileLetterSink } from '#messaging/local-file-letter-sink.ts';
import { makeLetterBatch, type RenderedBatch, renderLetterBatchPdf } from '#services/letter-batch-pdf.ts';
import { renderLetterPdf } from '#services/letter-pdf.ts';
import { A_PARENT_LINK, aLetter, lettersTrust } from '#tests/support/letters.ts';
import { type PdfWord, pdfFonts, pdfInfo, pdfPagePng, pdfText, pdfWords } from '#tests/support/poppler.ts';

// jsqr is CommonJS whose export is the function, with itself as `.default` for TypeScript's sake.
const jsQR = jsQRModule.default;

const context = letterContextFrom(lettersTrust());
const bilingual = letterContextFrom(lettersTrust({ bilingualWelsh: true }));

const inMm = (w: PdfWord) => ({
  left: w.xMin / mm(1),
  top: w.yMin / mm(1),
  right: w.xMax / mm(1),
  bottom: w.yMax / mm(1),
});

/** Scans the QR code on one page as a phone would, from a 150 dpi image of the whole page. */
function scanQr(pdf: Uint8Array, page: number): string | undefined {
  const png = PNG.sync.read(pdfPagePng(pdf, page, 150));
  return jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data;
}

/** pdftotext reports positions to a millionth of a point; a box drawn exactly on an edge may round past it. */
const EPS = 0.001;

const normalise = (text: string) => text.replace(/\s+/g, ' ').trim();

describe('a clinic’s batch', () => {
  let letters: ComposedLetter[];
  let batch: RenderedBatch;

  beforeAll(async () => {
    // Prepare: a booking letter with a link, a Polish reminder without one, and a second English letter.
    letters = [
      composeLetter(context, aLetter({ letterId: 'ltr-1' })),
      composeLetter(
        context,
        aLetter({
          letterId: 'ltr-2',
          kind: 'reminder',
          language: 'pl',
          parentLink: undefined,
          recipient: {
            name: 'Zofia Nowak',
            parentOf: false,
            address: { lines: ['7 Oakwood Road'], town: 'Ashford', postcode: 'TN23 1AB' },
          },
          appointment: {
            typeId: 'antenatal',
            startsAt: '2026-12-08T09:30:00.000Z',
            ref: '5120',
            venue: 'Oakwood Health Centre',
            venueAddress: '',
          },
        }),
      ),
      composeLetter(context, aLetter({ letterId: 'ltr-3', recipient: { name: 'Leo Taylor' } })),
    ];

    // Act
    batch = await renderLetterBatchPdf(
      {
        batchId: 'b-20261120-riverside',
        trustName: 'Example Community Health NHS Foundation Trust',
        clinicName: 'Riverside Children’s Centre',
        day: '2026-11-20',
      },
      letters,
    );
  });

  it('starts with a cover sheet that says where, when and how many, and names no family', () => {
    const cover = normalise(pdfText(batch.pdf, { first: 1 }));
    expect(cover).toContain('Letters to post');
    expect(cover).toContain('Clinic Riverside Children’s Centre');
    expect(cover).toContain('For Friday 20 November 2026');
    expect(cover).toContain('Letters 3 (booking: 2, reminder: 1)');
    expect(cover).toContain('Batch b-20261120-riverside');
    expect(cover).not.toMatch(/Amelia|Zofia|Leo|CT17|Harbour/);
    expect(normalise(pdfText(batch.pdf, { first: 2 }))).toBe('');
  });

  it('starts every letter on an odd page, a new sheet when printed double-sided', () => {
    expect(batch.letters).toEqual([
      { letterId: 'ltr-1', firstPage: 3, pages: 1 },
      { letterId: 'ltr-2', firstPage: 5, pages: 1 },
      { letterId: 'ltr-3', firstPage: 7, pages: 1 },
    ]);
    expect(batch.pages).toBe(8);
    expect(pdfInfo(batch.pdf).Pages).toBe('8');
    for (const blank of [4, 6, 8]) expect(normalise(pdfText(batch.pdf, { first: blank }))).toBe('');
  });

  it('prints the appointment in plain words, how to cancel or change, and the page number', () => {
    const text = normalise(pdfText(batch.pdf, { first: 3 }));
    for (const expected of [
      'Parent or carer of Amelia Smith',
      'Flat 2',
      '14 Harbour Road',
      'CT17 9BX',
      'Appointment for Amelia Smith',
      'What 6-8 week baby review',
      'When Thursday 3 December 2026 at 2:30pm',
      'Where Riverside Children’s Centre, 1 Quay Street, Maidstone',
      'Call us on 0300 123 4024.',
      'scan the QR code',
      A_PARENT_LINK,
      'Reference 4821',
      'Page 1 of 1',
    ]) {
      expect(text).toContain(expected);
    }
  });

  it('writes the Polish family’s reminder in Polish, with no online part when there is no link', () => {
    const text = normalise(pdfText(batch.pdf, { first: 5 }));
    expect(text).toContain('Przypomnienie o wizycie: Zofia Nowak');
    expect(text).toContain('Kiedy Wtorek 8 grudnia 2026, godz. 09:30');
    expect(text).toContain('Numer referencyjny 5120');
    expect(text).toContain('Strona 1 z 1');
    expect(text).not.toContain('QR');
    expect(text).not.toContain('https://');
  });

  it('has each letter’s own QR code, which scans as the parent link', () => {
    expect(scanQr(batch.pdf, 3)).toBe(A_PARENT_LINK);
    expect(scanQr(batch.pdf, 5)).toBeUndefined();
  });

  it('names no family in the document’s metadata', () => {
    expect(pdfInfo(batch.pdf).Title).toBe('Letters for Riverside Children’s Centre, 2026-11-20');
  });
});

describe('the address in the envelope window', () => {
  it.each([
    { name: 'a short address', address: { lines: ['2 Mill Lane'], town: 'Dover', postcode: 'CT16 1AA' } },
    {
      name: 'the longest address the schema allows',
      address: {
        lines: [
          'Flat 12, Harbourside Court, Wellington Docks Road',
          'Off the Western Esplanade and Marine Parade End',
          'Aycliffe and Western Heights Residential Area',
        ],
        town: 'Dover and Folkestone District',
        postcode: 'CT17 9BX',
      },
    },
  ])('sits wholly inside Notify’s address block, with nothing else there: $name', async ({ address }) => {
    // Prepare
    const letter = composeLetter(
      context,
      aLetter({ recipient: { name: 'Mohammed Abdullah-Richardson', address } }),
    );

    // Act
    const { pdf } = await renderLetterPdf(letter);

    // Assess: every word left of the contact block between the logo block and the body is the address…
    const block = LETTER_LAYOUT.address;
    const windowArea = pdfWords(pdf, 1).filter((w) => {
      const box = inMm(w);
      return (
        box.left < LETTER_LAYOUT.contact.left &&
        box.bottom > 30 &&
        box.top < LETTER_LAYOUT.body.topOnFirstPage
      );
    });
    expect(normalise(windowArea.map((w) => w.text).join(' '))).toBe(normalise(letter.addressBlock.join(' ')));
    // …and every one of them lies inside the block.
    for (const word of windowArea) {
      const box = inMm(word);
      expect(box.left, word.text).toBeGreaterThanOrEqual(block.left - EPS);
      expect(box.top, word.text).toBeGreaterThanOrEqual(block.top - EPS);
      expect(box.right, word.text).toBeLessThanOrEqual(right(block) + EPS);
      expect(box.bottom, word.text).toBeLessThanOrEqual(bottom(block) + EPS);
    }
  });

  it('puts the trust’s return address, labelled as such, phone, date and reference inside the contact block', async () => {
    // Act
    const { pdf } = await renderLetterPdf(composeLetter(bilingual, aLetter()));

    // Assess
    const block = LETTER_LAYOUT.contact;
    const contact = pdfWords(pdf, 1).filter((w) => inMm(w).left >= block.left - 1 && inMm(w).top < 100);
    expect(normalise(contact.map((w) => w.text).join(' '))).toBe(
      "Cyfeiriad dychwelyd / Return address Health Visiting Service Riverside Children's Centre 1 Quay Street Maidstone ME14 1XX Ffôn / Phone 0300 123 4024 Dyddiad / Date 20 Tachwedd 2026 20 November 2026 Cyfeirnod / Reference 4821",
    );
    for (const word of contact) {
      const box = inMm(word);
      expect(box.top, word.text).toBeGreaterThanOrEqual(block.top - EPS);
      expect(box.bottom, word.text).toBeLessThanOrEqual(bottom(block) + EPS);
      expect(box.right, word.text).toBeLessThanOrEqual(right(block) + EPS);
    }
  });

  it('prints the appointment’s own clinic under Where, apart from the return address at another clinic', async () => {
    // Act
    const letter = composeLetter(
      context,
      aLetter({ appointment: { venue: 'Oakwood Health Centre', venueAddress: '12 Oakwood Road, Ashford' } }),
    );
    const { pdf } = await renderLetterPdf(letter);

    // Assess: the contact block opens with its label; the body names Oakwood, never Riverside
    const words = pdfWords(pdf, 1);
    const contact = words.filter((w) => inMm(w).left >= LETTER_LAYOUT.contact.left - 1 && inMm(w).top < 100);
    expect(normalise(contact.map((w) => w.text).join(' '))).toMatch(
      /^Return address Health Visiting Service Riverside Children's Centre 1 Quay Street Maidstone ME14 1XX Phone/,
    );
    const body = normalise(
      words
        .filter((w) => inMm(w).top >= LETTER_LAYOUT.body.topOnFirstPage)
        .map((w) => w.text)
        .join(' '),
    );
    expect(body).toContain('Where Oakwood Health Centre, 12 Oakwood Road, Ashford');
    expect(body).not.toMatch(/Riverside|Quay Street/);
  });

  it('refuses to print an address it cannot fit, rather than cut it short', async () => {
    // Prepare: a name no schema limit stops, longer than the window is wide even at 8pt.
    const letter = composeLetter(context, aLetter({ recipient: { name: 'A'.repeat(100) } }));

    // Act and Assess
    await expect(renderLetterPdf(letter)).rejects.toThrow(/The address does not fit/);
  });
});

describe('one letter on its own (for GOV.UK Notify)', () => {
  it('is A4 portrait with its fonts embedded, one page, no blank back page', async () => {
    // Act
    const rendered = await renderLetterPdf(composeLetter(context, aLetter()));

    // Assess
    expect(rendered.pages).toBe(1);
    const info = pdfInfo(rendered.pdf);
    expect(info.Pages).toBe('1');
    expect(info['Page size']).toBe('595.28 x 841.89 pts (A4)');
    expect(info.Title).toBe('Appointment letter');
    expect(pdfFonts(rendered.pdf)).toEqual([
      { name: expect.stringMatching(/OpenSans-Bold$/), embedded: true },
      { name: expect.stringMatching(/OpenSans-Regular$/), embedded: true },
    ]);
  });

  it('keeps every word inside Notify’s printable area: 15 mm at the sides, 5 mm top and bottom', async () => {
    // Act
    const { pdf, pages } = await renderLetterPdf(composeLetter(bilingual, aLetter()));

    // Assess
    for (let page = 1; page <= pages; page++) {
      for (const word of pdfWords(pdf, page)) {
        const box = inMm(word);
        expect(box.left, word.text).toBeGreaterThanOrEqual(15);
        expect(box.right, word.text).toBeLessThanOrEqual(195);
        expect(box.top, word.text).toBeGreaterThanOrEqual(5);
        expect(box.bottom, word.text).toBeLessThanOrEqual(292);
      }
    }
  });

  it('puts Welsh first and English after when the trust asks, each whole, numbered in both', async () => {
    // Act
    const { pdf, pages } = await renderLetterPdf(composeLetter(bilingual, aLetter()));

    // Assess
    expect(pages).toBe(2);
    const first = normalise(pdfText(pdf, { first: 1 }));
    const second = normalise(pdfText(pdf, { first: 2 }));
    expect(first).toContain('Rhiant neu ofalwr Amelia Smith');
    expect(first).toContain('Apwyntiad i Amelia Smith');
    expect(first).toContain('Pryd Dydd Iau 3 Rhagfyr 2026 am 14:30');
    expect(first).toContain('Tudalen 1 o 2 / Page 1 of 2');
    expect(second).toContain('Appointment for Amelia Smith');
    expect(second).toContain('Where Riverside Children’s Centre, 1 Quay Street, Maidstone');
    expect(second).toContain('Tudalen 2 o 2 / Page 2 of 2');
    // One QR code per page (Notify's guidance), each scanning as the link.
    expect(scanQr(pdf, 1)).toBe(A_PARENT_LINK);
    expect(scanQr(pdf, 2)).toBe(A_PARENT_LINK);
  });

  it('prints Welsh, Polish and Romanian letters with their own characters', async () => {
    // Act
    const texts = await Promise.all(
      ['cy', 'pl', 'ro'].map(async (language) => {
        const { pdf } = await renderLetterPdf(composeLetter(context, aLetter({ language })));
        return normalise(pdfText(pdf));
      }),
    );

    // Assess
    expect(texts[0]).toContain('Ffôn');
    expect(texts[0]).toContain('sganio’r cod');
    expect(texts[1]).toContain('Jeśli chcesz odwołać lub zmienić wizytę');
    expect(texts[2]).toContain('Referință');
    expect(texts[2]).toContain('Dacă trebuie să anulați sau să schimbați programarea');
  });
});

describe('makeLetterBatch, stored through a LetterSink', () => {
  const input = {
    batchId: 'b-20261120-riverside',
    clinicId: 'riverside',
    clinicName: 'Riverside Children’s Centre',
    day: '2026-11-20',
    letters: [aLetter({ letterId: 'ltr-1' }), aLetter({ letterId: 'ltr-2', kind: 'reminder' })],
  };

  it('gives a print sink the batch alone, and it lands under .attend/letters/<trust>/<day>/', async () => {
    // Prepare
    const root = mkdtempSync(join(tmpdir(), 'attend-letters-'));
    const sink = new LocalFileLetterSink({ root, trustId: 'example' });

    // Act
    const batch = await makeLetterBatch(context, input, { letterPdfs: sink.needsLetterPdfs });
    const stored = await sink.storeBatch(batch);

    // Assess
    expect(batch.letters).toEqual([{ letterId: 'ltr-1' }, { letterId: 'ltr-2' }]);
    expect(batch.placements.map((p) => p.firstPage)).toEqual([3, 5]);
    expect(stored.location).toBe(join(root, 'letters/example/2026-11-20/riverside-b-20261120-riverside.pdf'));
    const printed = normalise(pdfText(new Uint8Array(readFileSync(stored.location))));
    expect(printed).toContain('Letters 2 (booking: 1, reminder: 1)');
    expect(printed).toContain('Reminder: appointment for Amelia Smith');
  });

  it('makes the same bytes when made again later (a retried batch matches the one already stored)', async () => {
    // Prepare: the first run at 02:00, the retry an hour later (pdfkit dates a document "now" by default)
    const root = mkdtempSync(join(tmpdir(), 'attend-letters-'));
    const sink = new LocalFileLetterSink({ root, trustId: 'example' });
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(new Date('2026-11-20T02:00:00Z'));
      const first = await makeLetterBatch(context, input, { letterPdfs: true });
      await sink.storeBatch(first);
      vi.setSystemTime(new Date('2026-11-20T03:00:00Z'));

      // Act
      const again = await makeLetterBatch(context, input, { letterPdfs: true });

      // Assess: identical, so the sink takes the retry rather than calling it a different batch
      expect(Buffer.compare(Buffer.from(again.pdf), Buffer.from(first.pdf))).toBe(0);
      expect(Buffer.compare(Buffer.from(again.letters[0]!.pdf!), Buffer.from(first.letters[0]!.pdf!))).toBe(
        0,
      );
      await expect(sink.storeBatch(again)).resolves.toMatchObject({ location: expect.any(String) });
      expect(pdfInfo(again.pdf).CreationDate).toBeDefined();
    } finally {
      vi.useRealTimers();
    }
  });

  it('gives a sink that posts letter by letter each letter’s own one-page PDF', async () => {
    // Act
    const batch = await makeLetterBatch(context, input, { letterPdfs: true });

    // Assess
    expect(batch.letters.map((l) => l.letterId)).toEqual(['ltr-1', 'ltr-2']);
    for (const letter of batch.letters) {
      expect(pdfInfo(letter.pdf!).Pages).toBe('1');
      expect(normalise(pdfText(letter.pdf!))).not.toContain('Letters to post');
    }
  });
});

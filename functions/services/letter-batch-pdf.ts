/**
 * A clinic's letters for one day as one PDF to print double-sided, behind a cover sheet that says where,
 * when and how many, never who; and the batch a LetterSink stores. Each letter is drawn by letter-pdf.ts.
 */
import { DateTime } from 'luxon';
import { LETTER_LAYOUT, mm } from '#core/letters/layout.ts';
import {
  type ComposedLetter,
  composeLetter,
  type LetterContext,
  type LetterDataInput,
} from '#core/letters/letter.ts';
import type { LetterBatch, LetterInBatch } from '#messaging/letter-sink.ts';
import {
  addPage,
  BodyFlow,
  type Doc,
  drawLetter,
  newDocument,
  numberPages,
  renderLetterPdf,
  toBytes,
} from './letter-pdf.ts';

const { fontSize } = LETTER_LAYOUT;

/** What the cover sheet of a batch says: where and when, and how many, never who. */
export interface BatchCover {
  readonly batchId: string;
  readonly trustName: string;
  readonly clinicName: string;
  /** The clinic's local day the batch is for, yyyy-mm-dd. */
  readonly day: string;
}

export interface BatchPlacement {
  readonly letterId: string;
  /** 1-based page of the batch PDF the letter starts on; always odd, so it starts a new sheet. */
  readonly firstPage: number;
  readonly pages: number;
}

export interface RenderedBatch {
  readonly pdf: Uint8Array;
  readonly pages: number;
  readonly letters: readonly BatchPlacement[];
}

/** "Thursday 3 December 2026" for the cover sheet (staff read it, in English). */
function coverDay(day: string): string {
  return DateTime.fromISO(day, { zone: 'UTC' }).setLocale('en-GB').toFormat('cccc d MMMM yyyy');
}

function drawCover(doc: Doc, cover: BatchCover, letters: readonly ComposedLetter[]): void {
  addPage(doc);
  const flow = new BodyFlow(doc, () => 0);
  flow.y = mm(30);
  const count = (kind: ComposedLetter['kind']) => letters.filter((l) => l.kind === kind).length;
  flow.paragraph(cover.trustName, { bold: true, size: 12, after: 24 });
  flow.paragraph('Letters to post', { bold: true, size: 24, after: 16 });
  flow.details([
    { label: 'Clinic', value: cover.clinicName },
    { label: 'For', value: coverDay(cover.day) },
    {
      label: 'Letters',
      value: `${letters.length} (booking: ${count('booking')}, reminder: ${count('reminder')})`,
    },
    { label: 'Batch', value: cover.batchId },
  ]);
  flow.paragraph('How to print and post', { bold: true, size: fontSize.subheading, after: 6 });
  flow.paragraph(
    [
      '1. Print double-sided (flip on the long edge). Each letter starts on a new sheet; a blank back page keeps it so.',
      '2. Keep each letter’s sheets together: its pages are numbered "Page 1 of 2".',
      '3. Fold so the address shows in the envelope window: in three for a DL envelope, in half for C5.',
      '4. Shred spoilt or spare pages: they hold families’ names and addresses.',
    ].join('\n'),
  );
}

/**
 * A clinic's letters for one day as one PDF to print double-sided: a cover sheet, then each letter
 * starting on an odd page (a blank page follows a letter with an odd number of pages), so no family's
 * letter is printed on the back of another's.
 */
export async function renderLetterBatchPdf(
  cover: BatchCover,
  letters: readonly ComposedLetter[],
): Promise<RenderedBatch> {
  const doc = newDocument(`Letters for ${cover.clinicName}, ${cover.day}`, 'en-GB', cover.day);
  drawCover(doc, cover, letters);
  addPage(doc); // the cover's back
  const placements: BatchPlacement[] = [];
  for (const letter of letters) {
    const firstIndex = doc.bufferedPageRange().count;
    const pages = drawLetter(doc, letter);
    numberPages(doc, letter, firstIndex, pages);
    if (pages % 2 === 1) addPage(doc);
    placements.push({ letterId: letter.letterId, firstPage: firstIndex + 1, pages });
  }
  const pages = doc.bufferedPageRange().count;
  return { pdf: await toBytes(doc), pages, letters: placements };
}

export interface MakeLetterBatchInput {
  readonly batchId: string;
  readonly clinicId: string;
  /** The clinic's name for the cover sheet. */
  readonly clinicName: string;
  /** The clinic's local day the batch is for, yyyy-mm-dd. */
  readonly day: string;
  readonly letters: readonly LetterDataInput[];
}

/**
 * Composes and renders a clinic's letters for a day into what a LetterSink stores: the batch PDF and,
 * when the sink posts letters one by one (`sink.needsLetterPdfs`, GOV.UK Notify), each letter's own PDF.
 * `placements` says where each letter is in the batch.
 */
export async function makeLetterBatch(
  context: LetterContext,
  input: MakeLetterBatchInput,
  options: { readonly letterPdfs: boolean },
): Promise<LetterBatch & { readonly placements: readonly BatchPlacement[] }> {
  const composed = input.letters.map((letter) => composeLetter(context, letter));
  const batch = await renderLetterBatchPdf(
    { batchId: input.batchId, trustName: context.trustName, clinicName: input.clinicName, day: input.day },
    composed,
  );
  const letters: LetterInBatch[] = [];
  for (const letter of composed) {
    letters.push(
      options.letterPdfs
        ? { letterId: letter.letterId, pdf: (await renderLetterPdf(letter, input.day)).pdf }
        : { letterId: letter.letterId },
    );
  }
  return {
    batchId: input.batchId,
    clinicId: input.clinicId,
    day: input.day,
    pdf: batch.pdf,
    letters,
    placements: batch.letters,
  };
}

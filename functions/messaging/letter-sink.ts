/**
 * The port a day's letters go out through. Adapters: local files (`npm start`), S3 (staff download and
 * print the batch) and GOV.UK Notify (Notify prints and posts each letter). The caller renders the batch
 * (services/letter-pdf.ts) and records what the sink says happened to each letter.
 */
import { AttendError } from '#core/errors.ts';

export interface LetterInBatch {
  /** The letter's id: its file and Notify reference, never personal data. */
  readonly letterId: string;
  /** This letter alone as a PDF; needed only by a sink whose `needsLetterPdfs` is true. */
  readonly pdf?: Uint8Array;
}

export interface LetterBatch {
  /** Unique per batch; lower-case letters, digits and dashes (it goes into a file name). */
  readonly batchId: string;
  readonly clinicId: string;
  /** The clinic's local day the batch is for, yyyy-mm-dd. */
  readonly day: string;
  /** The whole batch to print: cover sheet, then every letter on a new sheet. */
  readonly pdf: Uint8Array;
  readonly letters: readonly LetterInBatch[];
}

/** What became of one letter. */
export type LetterOutcome =
  /** In the stored batch, for staff to print and post. */
  | { readonly letterId: string; readonly status: 'stored' }
  /** Accepted by a provider that posts it (GOV.UK Notify); `providerId` is its notification id. */
  | { readonly letterId: string; readonly status: 'sent'; readonly providerId: string }
  /** Not accepted; `retryable` when trying again later may work (throttling, an outage). */
  | {
      readonly letterId: string;
      readonly status: 'failed';
      readonly reason: string;
      readonly retryable: boolean;
      /** The answer was lost after the letter went (a reset, a timeout): the provider may have it. */
      readonly lost?: boolean;
    };

/** What a provider that posts letters knows of one, looked up by its reference (the letter id). */
export type LetterLookup =
  /** It has the letter: its notification id and its own status (e.g. `accepted`, `received`). */
  | { readonly found: true; readonly providerId: string; readonly status?: string }
  /** It has no letter with that reference. */
  | { readonly found: false }
  /** It could not be asked (down, throttled, an error): nothing is known; ask again later. */
  | { readonly found: 'unknown'; readonly reason: string };

export interface StoredBatch {
  /** Where the batch is: a file path locally, s3://bucket/key in AWS, notify:<batchId> when Notify posts. */
  readonly location: string;
  /** One entry per letter, in the batch's order. */
  readonly letters: readonly LetterOutcome[];
}

export interface LetterSink {
  /** True when each letter must carry its own PDF (the provider posts letters one by one). */
  readonly needsLetterPdfs: boolean;
  /**
   * Stores (or sends) a batch. Storing the same batch again is safe. Throws LetterSinkError when the
   * batch as a whole could not be stored; a sink that sends letter by letter reports each in `letters`.
   */
  storeBatch(batch: LetterBatch): Promise<StoredBatch>;
  /**
   * Sends one letter on its own, for a caller that records each letter's send (a claim before, the
   * provider's id after) so a rerun never sends it twice. Only sinks that post letter by letter (Notify).
   */
  sendLetter?(letter: LetterInBatch): Promise<LetterOutcome>;
  /**
   * Looks a letter up at the provider by its reference (the letter id), to settle a send whose outcome
   * was never recorded. Only sinks that post letter by letter (Notify).
   */
  findLetter?(letterId: string): Promise<LetterLookup>;
}

/** A batch could not be stored or sent; `cause` has the detail, the message never has personal data. */
export class LetterSinkError extends AttendError {
  readonly code = 'LETTER_SINK_FAILED';
}

const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const PDF_MAGIC = '%PDF-';

/**
 * Refuses a batch whose ids could escape a folder or name a file misleadingly, or whose bytes are not a
 * PDF. Every adapter checks before it writes anything.
 */
export function checkBatch(batch: LetterBatch): void {
  if (!SLUG.test(batch.batchId)) {
    throw new LetterSinkError('batchId must be lower-case letters, digits and dashes (at most 64)');
  }
  if (!SLUG.test(batch.clinicId)) {
    throw new LetterSinkError('clinicId must be lower-case letters, digits and dashes (at most 64)');
  }
  if (!DAY.test(batch.day) || Number.isNaN(Date.parse(`${batch.day}T00:00:00Z`))) {
    throw new LetterSinkError('day must be a date, yyyy-mm-dd');
  }
  if (Buffer.from(batch.pdf.subarray(0, PDF_MAGIC.length)).toString('latin1') !== PDF_MAGIC) {
    throw new LetterSinkError('the batch is not a PDF');
  }
  const ids = new Set<string>();
  for (const letter of batch.letters) {
    if (ids.has(letter.letterId))
      throw new LetterSinkError(`letter ${letter.letterId} is in the batch twice`);
    ids.add(letter.letterId);
  }
}

/** The batch's file name: the clinic and the batch id, never a family's name. */
export function batchFileName(batch: Pick<LetterBatch, 'clinicId' | 'batchId'>): string {
  return `${batch.clinicId}-${batch.batchId}.pdf`;
}

/** Every letter of a batch a print sink stored. */
export function allStored(batch: LetterBatch): LetterOutcome[] {
  return batch.letters.map((letter) => ({ letterId: letter.letterId, status: 'stored' }));
}

/**
 * Letter batches (issue 14): `GET /letters?date=` lists a day's batches, one per clinic, with counts;
 * `GET /letters/{batchId}.pdf` is a batch's PDF to print. Printing and posting is the scheduler's job
 * (they book and move the appointments the letters are about), so schedulers, managers and admins may
 * use both; a health visitor may not (the batches hold every letter-only family's name and address,
 * which a health visitor's own caseload does not need).
 */
import * as z from 'zod';
import { calendarDate } from '#core/dates.ts';
import { NotFoundError } from '#core/errors.ts';
import { localDay } from '#core/local-time.ts';
import type { Role } from '#core/roles.ts';
import { letterBatchesFor, letterBatchPdf } from '#services/letters.ts';
import { defineRoute } from './route.ts';

/** Who may list, download and print letter batches. */
export const LETTER_PRINTERS: readonly Role[] = ['scheduler', 'manager', 'admin'];

const batchSchema = z.object({
  batchId: z.string(),
  clinicId: z.string(),
  day: calendarDate,
  status: z.enum(['MAKING', 'READY']),
  letters: z.number().int(),
  booking: z.number().int(),
  reminder: z.number().int(),
  pages: z.number().int(),
  /** Whether there is a PDF to download (an empty batch, or one posted through Notify, has none). */
  hasPdf: z.boolean(),
  /** `notify` when GOV.UK Notify posted its letters (nothing to print); `print` otherwise. */
  via: z.enum(['print', 'notify']),
  /** With Notify: letters it accepted, and letters it refused or that are not known to have reached it. */
  sent: z.number().int().optional(),
  failed: z.number().int().optional(),
  readyAt: z.string().optional(),
  /**
   * True when the batch was finished on a later day than its own (the daily run finishes any earlier
   * batch still being made); `readyAt` says when.
   */
  finishedLate: z.boolean(),
});

export const letterBatchParams = z.object({
  batchId: z
    .string()
    .max(80)
    .regex(/^\d{4}-\d{2}-\d{2}-[a-z0-9][a-z0-9-]*$/, 'expected a batch id, e.g. 2026-12-01-riverside'),
});

export const letterRoutes = [
  defineRoute({
    id: 'listLetterBatches',
    method: 'GET',
    path: '/letters',
    tag: 'letters',
    summary: 'A day’s letter batches, one per clinic, with how many letters of each kind',
    description:
      'Batches are made once a day at `letters.batchAt` (Europe/London) for the families no text can reach. ' +
      'A batch with no letters has no PDF.',
    roles: LETTER_PRINTERS,
    query: z.object({ date: calendarDate }),
    response: {
      status: 200,
      name: 'LetterBatches',
      schema: z.object({ date: calendarDate, items: z.array(batchSchema) }),
      description: 'The day’s batches, in clinic order',
    },
    errors: [400],
    handler: async ({ deps, query }) => ({
      date: query.date,
      items: (await letterBatchesFor(deps, query.date)).map((b) => ({
        batchId: b.batchId,
        clinicId: b.clinicId,
        day: b.day,
        status: b.status,
        letters: b.letters,
        booking: b.booking,
        reminder: b.reminder,
        pages: b.pages,
        hasPdf: b.location !== undefined && b.via === 'print',
        via: b.via,
        ...(b.sent !== undefined && { sent: b.sent }),
        ...(b.failed !== undefined && { failed: b.failed }),
        ...(b.readyAt !== undefined && { readyAt: b.readyAt }),
        finishedLate: b.readyAt !== undefined && localDay(new Date(b.readyAt), deps.config.timeZone) > b.day,
      })),
    }),
  }),
  defineRoute({
    id: 'getLetterBatchPdf',
    method: 'GET',
    path: '/letters/{batchId}.pdf',
    tag: 'letters',
    summary: 'A letter batch as one PDF to print double-sided',
    description: 'A cover sheet, then each letter on a new sheet, its address placed for a window envelope.',
    roles: LETTER_PRINTERS,
    params: letterBatchParams,
    response: {
      status: 200,
      name: 'LetterBatchPdf',
      schema: z.object({ fileName: z.string(), base64: z.string() }),
      file: { contentType: 'application/pdf' },
      description: 'The batch PDF (application/pdf, as an attachment)',
    },
    errors: [400, 404],
    handler: async ({ deps, params }) => {
      const found = deps.letters && (await letterBatchPdf(deps, deps.letters, params.batchId));
      if (!found) throw new NotFoundError(`No letter batch PDF ${params.batchId}`);
      return { fileName: found.fileName, base64: Buffer.from(found.pdf).toString('base64') };
    },
  }),
] as const;

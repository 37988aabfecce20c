/**
 * Letter records and letter batches (services/letters.ts). A letter is recorded once per (booking, kind)
 * by a conditional write, like a text's tier claim: a second batch, or a rerun, finds it there. A batch
 * item per (day, clinic) says whether the day's batch for the clinic is made, where its PDF is and how
 * many letters it holds; all of a day's batches share one partition, so GET /letters?date= is one Query.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { calendarDate } from '#core/dates.ts';
import { LETTER_KINDS } from '#core/letters/text-types.ts';
import { batchGetMany } from './batch.ts';
import { isConditionFailure } from './client.ts';
import type { StoreContext } from './context.ts';
import { letterKeys, withoutStorageAttributes } from './keys.ts';

export const letterRecordSchema = z.object({
  letterId: z.string().min(1),
  bookingId: z.string().min(1),
  clientId: z.string().min(1),
  clinicId: z.string().min(1),
  kind: z.enum(LETTER_KINDS),
  /** The batch it is in, and that batch's day. */
  batchId: z.string().min(1),
  day: calendarDate,
  /** The language it is written in (the family's), for the record; never the family's words. */
  language: z.string(),
  /** Why no text could go (core/contact-channels.ts `NoSmsReason`). */
  noSms: z.string(),
  at: z.string(),
  /**
   * Its send through GOV.UK Notify, when the trust posts through Notify: SENDING once claimed (before the
   * request), then SENT with Notify's notification id, or FAILED with Notify's reason. See claimNotifySend.
   */
  notify: z
    .object({
      state: z.enum(['SENDING', 'SENT', 'FAILED']),
      at: z.string(),
      notificationId: z.string().optional(),
      reason: z.string().optional(),
      retryable: z.boolean().optional(),
      /** FAILED because Notify's answer was lost (a reset or a timeout): Notify may have it; see reconcile. */
      lost: z.boolean().optional(),
      /** Notify's own status for it (e.g. `accepted`, `received`), when it was found by its reference. */
      status: z.string().optional(),
      /** SENT found in Notify by its reference, rather than from Notify's answer to the request. */
      reconciled: z.boolean().optional(),
    })
    .optional(),
});
export type LetterRecord = z.infer<typeof letterRecordSchema>;

export const letterBatchSchema = z.object({
  batchId: z.string().min(1),
  clinicId: z.string().min(1),
  day: calendarDate,
  /** MAKING while its letters are being recorded and rendered; READY once stored (or empty). */
  status: z.enum(['MAKING', 'READY']),
  letters: z.number().int().min(0).default(0),
  booking: z.number().int().min(0).default(0),
  reminder: z.number().int().min(0).default(0),
  pages: z.number().int().min(0).default(0),
  /** Where the sink put the PDF (a file path locally, s3://… in AWS); absent for an empty batch. */
  location: z.string().optional(),
  /** How its letters go: printed by staff, or posted by GOV.UK Notify letter by letter. */
  via: z.enum(['print', 'notify']).default('print'),
  /** With Notify: letters Notify accepted, and letters it refused or could not take (see each letter). */
  sent: z.number().int().min(0).optional(),
  failed: z.number().int().min(0).optional(),
  startedAt: z.string(),
  readyAt: z.string().optional(),
});
export type LetterBatchRecord = z.infer<typeof letterBatchSchema>;

const toBatch = (item: Record<string, unknown>) => letterBatchSchema.parse(withoutStorageAttributes(item));
const toLetter = (item: Record<string, unknown>) => letterRecordSchema.parse(withoutStorageAttributes(item));

/** Pattern: the letters already recorded for these bookings (both kinds), in no order. */
export async function lettersOfBookings(
  ctx: StoreContext,
  bookingIds: readonly string[],
): Promise<LetterRecord[]> {
  const keys = bookingIds.flatMap((id) => LETTER_KINDS.map((kind) => letterKeys.letter(id, kind)));
  const items = await batchGetMany(ctx, keys);
  return items.map(toLetter);
}

/**
 * Records one letter in a batch, once per (booking, kind): true when it is recorded in this batch now
 * or was already (a rerun of the same batch), false when another batch has it.
 */
export async function recordLetter(ctx: StoreContext, letter: LetterRecord): Promise<boolean> {
  const key = letterKeys.letter(letter.bookingId, letter.kind);
  try {
    await ctx.db.send(
      new PutCommand({
        TableName: ctx.table,
        Item: { ...key, entity: 'Letter', ...letter },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
  // Already recorded: ours when it is in this batch. Never rewritten, so a rerun keeps what the first
  // run wrote on it since (its Notify send state above all).
  const { Item } = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: key, ConsistentRead: true }),
  );
  return Item?.batchId === letter.batchId;
}

/** Pattern: one clinic's batch for a day. */
export async function getLetterBatch(
  ctx: StoreContext,
  day: string,
  clinicId: string,
): Promise<LetterBatchRecord | undefined> {
  const { Item } = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: letterKeys.batch(day, clinicId), ConsistentRead: true }),
  );
  return Item ? toBatch(Item) : undefined;
}

/** Pattern: every clinic's batch for a day (one partition). */
export async function letterBatchesOfDay(ctx: StoreContext, day: string): Promise<LetterBatchRecord[]> {
  const out: LetterBatchRecord[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ctx.db.send(
      new QueryCommand({
        TableName: ctx.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': letterKeys.dayPartition(day) },
        ExclusiveStartKey: start,
      }),
    );
    out.push(...(page.Items ?? []).map(toBatch));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/**
 * Starts a batch (MAKING), unless it is READY already: answers the batch as it now is. A batch that was
 * MAKING (a run stopped part-way) is taken up again as it was.
 */
export async function startLetterBatch(
  ctx: StoreContext,
  batch: Pick<LetterBatchRecord, 'batchId' | 'clinicId' | 'day' | 'startedAt'>,
): Promise<LetterBatchRecord> {
  try {
    await ctx.db.send(
      new PutCommand({
        TableName: ctx.table,
        Item: {
          ...letterKeys.batch(batch.day, batch.clinicId),
          entity: 'LetterBatch',
          ...batch,
          status: 'MAKING',
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
  const now = await getLetterBatch(ctx, batch.day, batch.clinicId);
  if (!now) throw new Error(`letter batch ${batch.batchId} vanished after it was started`);
  return now;
}

/** Marks a batch READY with what it holds; only from MAKING, so a READY batch is never rewritten. */
export async function finishLetterBatch(
  ctx: StoreContext,
  batch: Pick<LetterBatchRecord, 'day' | 'clinicId' | 'letters' | 'booking' | 'reminder' | 'pages'> & {
    location?: string;
    readyAt: string;
    /** Set for a batch posted through Notify, with how many letters it took and refused. */
    notify?: { sent: number; failed: number };
  },
): Promise<boolean> {
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: letterKeys.batch(batch.day, batch.clinicId),
        UpdateExpression:
          'SET #status = :ready, letters = :letters, booking = :booking, reminder = :reminder, pages = :pages, readyAt = :at' +
          (batch.location !== undefined ? ', #location = :location' : '') +
          (batch.notify ? ', via = :notify, sent = :sent, failed = :failed' : ''),
        ConditionExpression: '#status = :making',
        ExpressionAttributeNames: {
          '#status': 'status',
          ...(batch.location !== undefined && { '#location': 'location' }),
        },
        ExpressionAttributeValues: {
          ':ready': 'READY',
          ':making': 'MAKING',
          ':letters': batch.letters,
          ':booking': batch.booking,
          ':reminder': batch.reminder,
          ':pages': batch.pages,
          ':at': batch.readyAt,
          ...(batch.location !== undefined && { ':location': batch.location }),
          ...(batch.notify && {
            ':notify': 'notify',
            ':sent': batch.notify.sent,
            ':failed': batch.notify.failed,
          }),
        },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

export type NotifySendOutcome =
  | { readonly state: 'SENT'; readonly notificationId: string }
  | {
      readonly state: 'FAILED';
      readonly reason: string;
      readonly retryable: boolean;
      /** Notify's answer was lost: it may have the letter (never retryable). */
      readonly lost?: boolean;
    };

/**
 * Claims one recorded letter for sending through Notify, before the request goes: true when this run
 * may send it now, false when it is SENDING (a run stopped mid-send: it may have reached Notify),
 * SENT, or FAILED for good. Only a letter never tried, or one whose last try failed in a way worth
 * retrying (throttled, Notify down), can be claimed. Notify has no idempotency key, so this claim is
 * what keeps a letter from being posted twice: at most once, never twice.
 */
export async function claimNotifySend(
  ctx: StoreContext,
  letter: Pick<LetterRecord, 'bookingId' | 'kind' | 'batchId'>,
  at: string,
): Promise<boolean> {
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: letterKeys.letter(letter.bookingId, letter.kind),
        UpdateExpression: 'SET #notify = :sending',
        ConditionExpression:
          'batchId = :batch AND (attribute_not_exists(#notify) OR (#notify.#state = :failed AND #notify.retryable = :yes))',
        ExpressionAttributeNames: { '#notify': 'notify', '#state': 'state' },
        ExpressionAttributeValues: {
          ':sending': { state: 'SENDING', at },
          ':batch': letter.batchId,
          ':failed': 'FAILED',
          ':yes': true,
        },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/**
 * Records what Notify answered for a letter this run claimed (SENDING → SENT or FAILED), only while the
 * claim is still this run's (`claimedAt`): a run slower than the reconcile window never overwrites what a
 * later run found or sent (the conditional write fails and the run fails).
 */
export async function recordNotifySend(
  ctx: StoreContext,
  letter: Pick<LetterRecord, 'bookingId' | 'kind'>,
  outcome: NotifySendOutcome,
  at: string,
  claimedAt: string,
): Promise<void> {
  await ctx.db.send(
    new UpdateCommand({
      TableName: ctx.table,
      Key: letterKeys.letter(letter.bookingId, letter.kind),
      UpdateExpression: 'SET #notify = :outcome',
      ConditionExpression: '#notify.#state = :sending AND #notify.#at = :claimedAt',
      ExpressionAttributeNames: { '#notify': 'notify', '#state': 'state', '#at': 'at' },
      ExpressionAttributeValues: {
        ':outcome': { ...outcome, at },
        ':sending': 'SENDING',
        ':claimedAt': claimedAt,
      },
    }),
  );
}

/** A letter's Notify send state as a run read it: the state and its time, which a conditional write checks. */
export type NotifySeen = Pick<NonNullable<LetterRecord['notify']>, 'state' | 'at'>;

/**
 * Records that a letter left unresolved (SENDING, or FAILED with its answer lost) was found in Notify by
 * its reference: SENT with Notify's id and status. Only if the record is still as the run read it, so a
 * run that resolved it meanwhile is never overwritten; false when it was not.
 */
export async function recordNotifyFound(
  ctx: StoreContext,
  letter: Pick<LetterRecord, 'bookingId' | 'kind' | 'batchId'>,
  seen: NotifySeen,
  found: { notificationId: string; status?: string | undefined },
  at: string,
): Promise<boolean> {
  return updateIfUnchanged(ctx, letter, seen, {
    state: 'SENT',
    notificationId: found.notificationId,
    ...(found.status !== undefined && { status: found.status }),
    reconciled: true,
    at,
  });
}

/**
 * Claims again a letter left unresolved that Notify does not have (the request never reached it), so
 * this run may send it: SENDING again with a new time. The same rule as claimNotifySend: only if the
 * record is still as the run read it, so of two runs at once only one gets the claim and sends.
 */
export async function reclaimNotifySend(
  ctx: StoreContext,
  letter: Pick<LetterRecord, 'bookingId' | 'kind' | 'batchId'>,
  seen: NotifySeen,
  at: string,
): Promise<boolean> {
  return updateIfUnchanged(ctx, letter, seen, { state: 'SENDING', at });
}

async function updateIfUnchanged(
  ctx: StoreContext,
  letter: Pick<LetterRecord, 'bookingId' | 'kind' | 'batchId'>,
  seen: NotifySeen,
  next: NonNullable<LetterRecord['notify']>,
): Promise<boolean> {
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: letterKeys.letter(letter.bookingId, letter.kind),
        UpdateExpression: 'SET #notify = :next',
        ConditionExpression: 'batchId = :batch AND #notify.#state = :state AND #notify.#at = :at',
        ExpressionAttributeNames: { '#notify': 'notify', '#state': 'state', '#at': 'at' },
        ExpressionAttributeValues: {
          ':next': next,
          ':batch': letter.batchId,
          ':state': seen.state,
          ':at': seen.at,
        },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** Pattern: the batches of these days still MAKING (a run stopped or failed), in the days' order: a Query per day. */
export async function unfinishedLetterBatches(
  ctx: StoreContext,
  days: readonly string[],
): Promise<LetterBatchRecord[]> {
  const out: LetterBatchRecord[] = [];
  for (const day of days) {
    out.push(...(await letterBatchesOfDay(ctx, day)).filter((b) => b.status === 'MAKING'));
  }
  return out;
}

/**
 * Writes on a cancelled or missed booking after the fact: the reason for missing it (from staff tagging
 * an inbox item, or the family answering the after-DNA question) and the after-DNA question's own
 * once-only claim. Each is one conditional update, so a redelivery or a race changes nothing twice.
 */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CancelReason } from '#core/cancel-reason.ts';
import type { Booking } from '#core/model.ts';
import { toBooking } from './bookings.ts';
import { isConditionFailure } from './client.ts';
import type { StoreContext } from './context.ts';
import { dueReminders, keys } from './keys.ts';

/** The statuses a reason for missing belongs to. */
const MISSED = { ':cancelled': 'CANCELLED', ':dna': 'DNA', ':wnb': 'WNB' } as const;

/**
 * Records why a cancelled or missed booking was missed. `onlyIfUnknown` keeps a reason already recorded
 * (the family's answer does not overwrite staff's); staff tagging replaces it. Returns whether it landed.
 */
export async function setMissReason(
  ctx: StoreContext,
  input: { bookingId: string; reason: CancelReason; by: string; now: string; onlyIfUnknown: boolean },
): Promise<boolean> {
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.booking(input.bookingId),
        UpdateExpression: 'SET cancelCategory = :reason, reasonBy = :by, updatedAt = :now',
        ConditionExpression: [
          'attribute_exists(pk) AND #status IN (:cancelled, :dna, :wnb)',
          input.onlyIfUnknown ? ' AND attribute_not_exists(cancelCategory)' : '',
        ].join(''),
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':reason': input.reason, ':by': input.by, ':now': input.now, ...MISSED },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/**
 * Claims the after-DNA question for a missed booking: lands once per booking, ever, and only while its
 * status is still the outcome that asked for it. A second delivery of the same outcome finds it claimed.
 */
export async function claimDnaFollowUp(
  ctx: StoreContext,
  input: { bookingId: string; status: Booking['status']; now: string },
): Promise<boolean> {
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.booking(input.bookingId),
        UpdateExpression: 'SET dnaFollowUp = :claim',
        ConditionExpression:
          'attribute_exists(pk) AND #status = :status AND attribute_not_exists(dnaFollowUp)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':claim': { state: 'SENDING', at: input.now },
          ':status': input.status,
        },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** What became of a claimed question: sent (with its message), or not and why. */
export async function settleDnaFollowUp(
  ctx: StoreContext,
  input: { bookingId: string; now: string } & (
    | { state: 'SENT'; messageId: string }
    | { state: 'NOT_SENT'; reason: string }
  ),
): Promise<void> {
  const value =
    input.state === 'SENT'
      ? { state: 'SENT', at: input.now, messageId: input.messageId }
      : { state: 'NOT_SENT', at: input.now, reason: input.reason };
  await ctx.db.send(
    new UpdateCommand({
      TableName: ctx.table,
      Key: keys.booking(input.bookingId),
      UpdateExpression: 'SET dnaFollowUp = :value',
      ConditionExpression: 'dnaFollowUp.#state = :sending',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: { ':value': value, ':sending': 'SENDING' },
    }),
  );
}

/**
 * Holds a claimed question through quiet hours: SENDING → HELD with its due time, and the booking back
 * in the dueReminders index at that time, so the reminder sweep sends it when quiet hours end (the same
 * index and sweep that hold a confirmation or reminder). Conditional on this sender's claim.
 */
export async function holdDnaFollowUp(
  ctx: StoreContext,
  input: { bookingId: string; now: string; dueAt: string; from: 'SENDING' | 'HELD' },
): Promise<boolean> {
  const entry = dueReminders.entry(input.bookingId, input.dueAt);
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.booking(input.bookingId),
        UpdateExpression: 'SET dnaFollowUp = :held, dueShard = :shard, nextDueAt = :due',
        ConditionExpression: 'dnaFollowUp.#state = :from',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':held': { state: 'HELD', at: input.now, dueAt: input.dueAt },
          ':shard': entry.dueShard,
          ':due': entry.nextDueAt,
          ':from': input.from,
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
 * Claims a held question that has fallen due: HELD → SENDING, and out of the dueReminders index, in one
 * conditional write, so of two sweeps (or a redelivered one) exactly one sends it. Returns the booking as
 * claimed, or undefined when it is not held, not due yet, or another sweep got there first.
 */
export async function claimHeldDnaFollowUp(
  ctx: StoreContext,
  input: { bookingId: string; now: string },
): Promise<Booking | undefined> {
  try {
    const out = await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.booking(input.bookingId),
        UpdateExpression: 'SET dnaFollowUp = :claim REMOVE dueShard, nextDueAt',
        ConditionExpression:
          'dnaFollowUp.#state = :held AND dnaFollowUp.dueAt <= :now AND #status IN (:dna, :wnb)',
        ExpressionAttributeNames: { '#state': 'state', '#status': 'status' },
        ExpressionAttributeValues: {
          ':claim': { state: 'SENDING', at: input.now },
          ':held': 'HELD',
          ':now': input.now,
          ':dna': 'DNA',
          ':wnb': 'WNB',
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes ? toBooking(out.Attributes) : undefined;
  } catch (err) {
    if (isConditionFailure(err)) return undefined;
    throw err;
  }
}

/**
 * The reminder tiers of bookings: the dueReminders index the sweep reads, and the conditional writes
 * that claim a tier, record it sent, hand it back or skip it, so two sweeps never send one tier twice.
 */
import { QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Booking, Message } from '#core/model.ts';
import { nextDueAt } from '#core/reminder-decision.ts';
import { toBooking } from './bookings.ts';
import { isConditionFailure } from './client.ts';
import type { StoreContext } from './context.ts';
import { dueReminders, keys } from './keys.ts';
import { messageItems } from './messages.ts';

/**
 * Pattern: bookings with a reminder due at or before `now`, one shard at a time. Reads only what is
 * due, so a sweep's cost follows the number of reminders due, not the size of the table.
 */
export async function dueRemindersPage(
  ctx: StoreContext,
  shard: string,
  now: string,
  cursor?: Record<string, unknown>,
): Promise<{ items: Booking[]; next?: Record<string, unknown>; read: number }> {
  const out = await ctx.db.send(
    new QueryCommand({
      TableName: ctx.table,
      IndexName: 'dueReminders',
      KeyConditionExpression: 'dueShard = :shard AND nextDueAt <= :now',
      ExpressionAttributeValues: { ':shard': shard, ':now': now },
      ExclusiveStartKey: cursor,
      Limit: 200,
    }),
  );
  return { items: (out.Items ?? []).map(toBooking), next: out.LastEvaluatedKey, read: out.Count ?? 0 };
}

/** The earliest due time in one shard, for a local scheduler that skips idle ticks. */
export async function earliestDue(ctx: StoreContext, shard: string): Promise<string | undefined> {
  const out = await ctx.db.send(
    new QueryCommand({
      TableName: ctx.table,
      IndexName: 'dueReminders',
      KeyConditionExpression: 'dueShard = :shard',
      ExpressionAttributeValues: { ':shard': shard },
      ProjectionExpression: 'nextDueAt',
      Limit: 1,
    }),
  );
  return out.Items?.[0]?.nextDueAt as string | undefined;
}

function tierNames(tierIds: readonly string[]): Record<string, string> {
  return Object.fromEntries(tierIds.map((id, i) => [`#t${i}`, id]));
}

/**
 * Claims one tier for sending. Succeeds only while the booking is BOOKED and the tier is PENDING (or
 * SENDING with a lapsed lease), so of two sweeps racing for the same tier exactly one wins. Tiers that
 * the sent one supersedes are marked SKIPPED in the same write. Returns the booking as claimed, or
 * undefined when another sweep (or a cancellation) got there first.
 */
export async function claimTier(
  ctx: StoreContext,
  input: {
    bookingId: string;
    tierId: string;
    supersede: readonly string[];
    now: string;
    leaseCutoff: string;
  },
): Promise<Booking | undefined> {
  const names = { '#status': 'status', '#st': 'status', '#t': input.tierId, ...tierNames(input.supersede) };
  const skips = input.supersede.map(
    (_, i) => `tiers.#t${i}.#st = :skipped, tiers.#t${i}.skipReason = :superseded`,
  );
  try {
    const out = await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.booking(input.bookingId),
        UpdateExpression: [
          'SET tiers.#t.#st = :sending, tiers.#t.claimedAt = :now, tiers.#t.attempts = tiers.#t.attempts + :one',
          ...skips,
        ].join(', '),
        // Superseded tiers are only touched while still open: one another sweep has just sent (or holds a
        // live claim on) is left alone, and this claim fails so the next sweep decides again.
        ConditionExpression: [
          '#status = :booked',
          '(tiers.#t.#st = :pending OR (tiers.#t.#st = :sending AND tiers.#t.claimedAt < :leaseCutoff))',
          ...input.supersede.map(
            (_, i) =>
              `(tiers.#t${i}.#st = :pending OR (tiers.#t${i}.#st = :sending AND tiers.#t${i}.claimedAt < :leaseCutoff))`,
          ),
        ].join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: {
          ':sending': 'SENDING',
          ':pending': 'PENDING',
          ':booked': 'BOOKED',
          ':now': input.now,
          ':one': 1,
          ':leaseCutoff': input.leaseCutoff,
          ...(input.supersede.length ? { ':skipped': 'SKIPPED', ':superseded': 'superseded' } : {}),
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

/** Sets or removes the due-index attributes so they match the tiers still open. */
function dueIndexUpdate(
  bookingId: string,
  due: string | undefined,
): { set?: string; remove?: string; values: Record<string, string> } {
  if (!due) return { remove: 'dueShard, nextDueAt', values: {} };
  const entry = dueReminders.entry(bookingId, due);
  return {
    set: 'dueShard = :shard, nextDueAt = :due',
    values: { ':shard': entry.dueShard, ':due': entry.nextDueAt },
  };
}

/**
 * Records a sent tier and its message in one transaction, only if this sender still holds the claim.
 * The booking moves on to its next open tier in the due index (or leaves it). Returns the booking as
 * the write leaves it: `input.booking` (as claimed) with the tier SENT, its `sentAt` and `messageId`,
 * and `updatedAt` = `sentAt`.
 */
export async function completeTier(
  ctx: StoreContext,
  input: {
    booking: Booking;
    tierId: string;
    claimedAt: string;
    sentAt: string;
    message: Message;
    retentionDays: number;
  },
): Promise<Booking> {
  const tiers = { ...input.booking.tiers };
  const tier = tiers[input.tierId];
  if (!tier) throw new Error(`Booking ${input.booking.id} has no tier ${input.tierId}`);
  tiers[input.tierId] = { ...tier, status: 'SENT' };
  const due = dueIndexUpdate(input.booking.id, nextDueAt(tiers));
  const set = [
    'tiers.#t.#st = :sent',
    'tiers.#t.sentAt = :sentAt',
    'tiers.#t.messageId = :messageId',
    'updatedAt = :sentAt',
    ...(due.set ? [due.set] : []),
  ];
  await ctx.db.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: ctx.table,
            Key: keys.booking(input.booking.id),
            UpdateExpression: `SET ${set.join(', ')}${due.remove ? ` REMOVE ${due.remove}` : ''}`,
            ConditionExpression: 'tiers.#t.#st = :sending AND tiers.#t.claimedAt = :claimedAt',
            ExpressionAttributeNames: { '#t': input.tierId, '#st': 'status' },
            ExpressionAttributeValues: {
              ':sent': 'SENT',
              ':sending': 'SENDING',
              ':sentAt': input.sentAt,
              ':claimedAt': input.claimedAt,
              ':messageId': input.message.id,
              ...due.values,
            },
          },
        },
        ...messageItems(ctx, input.message, input.retentionDays).map((Item) => ({
          Put: { TableName: ctx.table, Item },
        })),
      ],
    }),
  );
  tiers[input.tierId] = { ...tier, status: 'SENT', sentAt: input.sentAt, messageId: input.message.id };
  return { ...input.booking, tiers, updatedAt: input.sentAt };
}

/**
 * Hands a claimed tier back after a failed send so a later sweep retries it, or gives it up after too
 * many attempts. Conditional on still holding the claim. Returns the booking as stored after the write
 * (the update's ALL_NEW, no extra read), or undefined when the claim had lapsed and nothing changed.
 */
export async function releaseTier(
  ctx: StoreContext,
  input: {
    booking: Booking;
    tierId: string;
    claimedAt: string;
    error: string;
    giveUp: boolean;
    /** Why a given-up tier was skipped. @default 'send-failed' */
    skipReason?: string;
  },
): Promise<Booking | undefined> {
  const tiers = { ...input.booking.tiers };
  const tier = tiers[input.tierId];
  if (!tier) throw new Error(`Booking ${input.booking.id} has no tier ${input.tierId}`);
  tiers[input.tierId] = { ...tier, status: input.giveUp ? 'SKIPPED' : 'PENDING' };
  const due = dueIndexUpdate(input.booking.id, nextDueAt(tiers));
  const set = [
    'tiers.#t.#st = :status',
    'tiers.#t.lastError = :error',
    ...(input.giveUp ? ['tiers.#t.skipReason = :reason'] : []),
    ...(due.set ? [due.set] : []),
  ];
  try {
    const out = await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.booking(input.booking.id),
        UpdateExpression: `SET ${set.join(', ')}${due.remove ? ` REMOVE ${due.remove}` : ''}`,
        ConditionExpression: 'tiers.#t.#st = :sending AND tiers.#t.claimedAt = :claimedAt',
        ExpressionAttributeNames: { '#t': input.tierId, '#st': 'status' },
        ExpressionAttributeValues: {
          ':status': input.giveUp ? 'SKIPPED' : 'PENDING',
          ':sending': 'SENDING',
          ':claimedAt': input.claimedAt,
          ':error': input.error.slice(0, 500),
          ...(input.giveUp ? { ':reason': input.skipReason ?? 'send-failed' } : {}),
          ...due.values,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes ? toBooking(out.Attributes) : undefined;
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    return undefined;
  }
}

/**
 * Marks open tiers SKIPPED (opted out, do-not-text, texts off, appointment started). Only tiers still PENDING, or
 * SENDING with a lapsed lease, are touched, so a text being sent right now is never overwritten. Returns
 * the booking as stored after the write (the update's ALL_NEW, no extra read), or undefined when a tier
 * was no longer open and nothing changed.
 */
export async function skipTiers(
  ctx: StoreContext,
  input: { booking: Booking; tierIds: readonly string[]; reason: string; leaseCutoff: string },
): Promise<Booking | undefined> {
  const tiers = { ...input.booking.tiers };
  for (const id of input.tierIds) {
    const tier = tiers[id];
    if (tier) tiers[id] = { ...tier, status: 'SKIPPED' };
  }
  const due = dueIndexUpdate(input.booking.id, nextDueAt(tiers));
  const names = tierNames(input.tierIds);
  const set = [
    ...input.tierIds.map((_, i) => `tiers.#t${i}.#st = :skipped, tiers.#t${i}.skipReason = :reason`),
    ...(due.set ? [due.set] : []),
  ];
  const conditions = input.tierIds.map(
    (_, i) =>
      `(tiers.#t${i}.#st = :pending OR (tiers.#t${i}.#st = :sending AND tiers.#t${i}.claimedAt < :leaseCutoff))`,
  );
  try {
    const out = await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.booking(input.booking.id),
        UpdateExpression: `SET ${set.join(', ')}${due.remove ? ` REMOVE ${due.remove}` : ''}`,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: { ...names, '#st': 'status' },
        ExpressionAttributeValues: {
          ':skipped': 'SKIPPED',
          ':pending': 'PENDING',
          ':sending': 'SENDING',
          ':reason': input.reason,
          ':leaseCutoff': input.leaseCutoff,
          ...due.values,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return out.Attributes ? toBooking(out.Attributes) : undefined;
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    return undefined;
  }
}

/** Takes a booking that is no longer BOOKED out of the due index (self-healing after a cancel race). */
export async function clearDue(ctx: StoreContext, bookingId: string): Promise<void> {
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.booking(bookingId),
        UpdateExpression: 'REMOVE dueShard, nextDueAt',
        ConditionExpression: '#status <> :booked',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':booked': 'BOOKED' },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}

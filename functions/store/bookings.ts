import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '#core/errors.ts';
import { type Booking, bookingSchema, type Message } from '#core/model.ts';
import { nextDueAt } from '#core/reminder-decision.ts';
import { clinicDayPage } from './by-clinic-day.ts';
import { cancellationReasons, isConditionFailure } from './client.ts';
import type { Page, StoreContext } from './context.ts';
import { byClinicDay, byPhone, dueReminders, keys, withoutStorageAttributes } from './keys.ts';
import { messageItems } from './messages.ts';

export const toBooking = (item: Record<string, unknown>): Booking =>
  bookingSchema.parse(withoutStorageAttributes(item));

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export function bookingItem(booking: Booking): Record<string, unknown> {
  const due = nextDueAt(booking.tiers);
  return {
    ...keys.booking(booking.id),
    ...byClinicDay.booking(booking.clinicId, booking.localDay, booking.startsAt, booking.id),
    ...(booking.status === 'BOOKED' ? byPhone.liveBooking(booking.phone, booking.startsAt, booking.id) : {}),
    ...(booking.status === 'BOOKED' && due ? dueReminders.entry(booking.id, due) : {}),
    entity: 'Booking',
    ...booking,
  };
}

/**
 * The three transaction items that book a slot, shared by a booking and a move: the slot goes
 * FREE/OFFERING → BOOKED, the booking is created, and the client must still exist (not erased).
 */
export function bookSlotItems(
  ctx: StoreContext,
  booking: Booking,
): [TransactItem, TransactItem, TransactItem] {
  return [
    {
      Update: {
        TableName: ctx.table,
        Key: keys.slot(booking.slotId),
        UpdateExpression: 'SET #status = :booked, bookingId = :bookingId, updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND #status IN (:free, :offering)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':booked': 'BOOKED',
          ':free': 'FREE',
          ':offering': 'OFFERING',
          ':bookingId': booking.id,
          ':now': booking.bookedAt,
        },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      },
    },
    {
      Put: {
        TableName: ctx.table,
        Item: bookingItem(booking),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      ConditionCheck: {
        TableName: ctx.table,
        Key: keys.client(booking.clientId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
  ];
}

/**
 * Books a slot: the slot moves FREE/OFFERING → BOOKED and the booking is created, in one transaction,
 * so a slot can never hold two bookings. `extra` lets callers add their own items to the same
 * transaction (an accepted offer, a waitlist entry).
 */
export async function createBooking(
  ctx: StoreContext,
  booking: Booking,
  options: { extra?: TransactItem[] } = {},
): Promise<Booking> {
  const items: TransactItem[] = [...bookSlotItems(ctx, booking), ...(options.extra ?? [])];
  try {
    await ctx.db.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    const [slot, put, client] = cancellationReasons(err);
    if (slot === 'ConditionalCheckFailed')
      throw new ConflictError('That slot is not free', 'SLOT_NOT_FREE', { cause: err });
    if (put === 'ConditionalCheckFailed')
      throw new ConflictError(`Booking ${booking.id} already exists`, 'ALREADY_EXISTS');
    if (client === 'ConditionalCheckFailed')
      throw new NotFoundError(`Client ${booking.clientId} does not exist`);
    throw new ConflictError('The booking could not be made; please try again', 'TRANSACTION_CONFLICT', {
      cause: err,
    });
  }
  return booking;
}

/** Pattern: booking by id. */
export async function getBooking(ctx: StoreContext, id: string): Promise<Booking | undefined> {
  const { Item } = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.booking(id), ConsistentRead: true }),
  );
  return Item ? toBooking(Item) : undefined;
}

/** Pattern: a clinic's bookings on one local day, in start order. */
export async function bookingsByClinicDay(
  ctx: StoreContext,
  clinicId: string,
  localDay: string,
  page: { limit?: number; cursor?: string } = {},
): Promise<Page<Booking>> {
  return clinicDayPage(ctx, 'booking', { clinicId, localDay, ...page }, toBooking);
}

/** Pattern: live (BOOKED) bookings for one phone, soonest first. */
export async function liveBookingsByPhone(ctx: StoreContext, phone: string): Promise<Booking[]> {
  const out = await ctx.db.send(
    new QueryCommand({
      TableName: ctx.table,
      IndexName: 'byPhone',
      KeyConditionExpression: 'phonePk = :pk AND begins_with(phoneSk, :prefix)',
      ExpressionAttributeValues: { ':pk': byPhone.partition(phone), ':prefix': byPhone.prefix.liveBooking },
    }),
  );
  return (out.Items ?? []).map(toBooking).filter((b) => b.status === 'BOOKED');
}

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
 * The booking moves on to its next open tier in the due index (or leaves it).
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
): Promise<void> {
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
}

/**
 * Hands a claimed tier back after a failed send so a later sweep retries it, or gives it up after too
 * many attempts. Conditional on still holding the claim.
 */
export async function releaseTier(
  ctx: StoreContext,
  input: { booking: Booking; tierId: string; claimedAt: string; error: string; giveUp: boolean },
): Promise<void> {
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
    await ctx.db.send(
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
          ...(input.giveUp ? { ':reason': 'send-failed' } : {}),
          ...due.values,
        },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}

/**
 * Marks open tiers SKIPPED (opted out, do-not-text, appointment started). Only tiers still PENDING, or
 * SENDING with a lapsed lease, are touched, so a text being sent right now is never overwritten.
 */
export async function skipTiers(
  ctx: StoreContext,
  input: { booking: Booking; tierIds: readonly string[]; reason: string; leaseCutoff: string },
): Promise<void> {
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
    await ctx.db.send(
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
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
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

/**
 * The two transaction items of a cancellation, shared by a cancel, a move and a swap to an earlier
 * slot: the booking goes BOOKED → CANCELLED and leaves the due-reminders and live-by-phone indexes (so
 * no later tier is sent), and its slot goes BOOKED → FREE, remembering who freed it (so the backfill
 * never offers it back to the same family), which the stream hands to the backfill.
 */
export function cancelItems(
  ctx: StoreContext,
  input: {
    booking: Pick<Booking, 'id' | 'slotId' | 'clientId'>;
    by: string;
    reason: string;
    now: string;
    noticeMinutes: number;
    late: boolean;
    /** What the slot records as its freedBy; the canceller unless given ("move"). */
    freedBy?: string;
    /** For a move: the booking that replaces this one, which must not have started yet. */
    movedTo?: string;
  },
): [TransactItem, TransactItem] {
  const { booking } = input;
  const moved = input.movedTo !== undefined;
  return [
    {
      Update: {
        TableName: ctx.table,
        Key: keys.booking(booking.id),
        UpdateExpression:
          'SET #status = :cancelled, cancelledAt = :now, cancelledBy = :by, cancelReason = :reason, ' +
          `cancelNoticeMinutes = :notice, lateCancellation = :late, ${moved ? 'movedTo = :to, ' : ''}updatedAt = :now ` +
          'REMOVE dueShard, nextDueAt, phonePk, phoneSk',
        ConditionExpression: moved ? '#status = :booked AND startsAt > :now' : '#status = :booked',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':cancelled': 'CANCELLED',
          ':booked': 'BOOKED',
          ':now': input.now,
          ':by': input.by,
          ':reason': input.reason,
          ':notice': input.noticeMinutes,
          ':late': input.late,
          ...(moved ? { ':to': input.movedTo } : {}),
        },
      },
    },
    {
      Update: {
        TableName: ctx.table,
        Key: keys.slot(booking.slotId),
        UpdateExpression:
          'SET #status = :free, freedAt = :now, freedBy = :by, freedByClientId = :clientId, updatedAt = :now REMOVE bookingId',
        ConditionExpression: '#status = :booked AND bookingId = :bookingId',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':free': 'FREE',
          ':booked': 'BOOKED',
          ':now': input.now,
          ':by': input.freedBy ?? input.by,
          ':bookingId': booking.id,
          ':clientId': booking.clientId,
        },
      },
    },
  ];
}

export interface CancelInput {
  bookingId: string;
  by: string;
  reason: string;
  now: string;
  noticeMinutes: number;
  late: boolean;
}

/**
 * Cancels a booking and frees its slot in one transaction: the booking goes BOOKED → CANCELLED and
 * leaves the due-reminders and live-by-phone indexes (so no later tier is sent), and the slot goes
 * BOOKED → FREE, which the stream hands to the backfill. A booking that is not BOOKED any more gives
 * a ConflictError carrying its current state.
 */
export async function cancelBooking(
  ctx: StoreContext,
  input: CancelInput,
  booking: Booking,
): Promise<Booking> {
  try {
    await ctx.db.send(
      new TransactWriteCommand({
        TransactItems: cancelItems(ctx, {
          booking: { ...booking, id: input.bookingId },
          by: input.by,
          reason: input.reason,
          now: input.now,
          noticeMinutes: input.noticeMinutes,
          late: input.late,
        }),
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    const current = await getBooking(ctx, input.bookingId);
    if (!current) throw new NotFoundError(`Booking ${input.bookingId} does not exist`);
    throw new ConflictError(
      `Booking ${input.bookingId} is ${current.status.toLowerCase()}, not booked`,
      current.status === 'CANCELLED' ? 'ALREADY_CANCELLED' : 'NOT_BOOKED',
      { cause: err },
    );
  }
  return {
    ...booking,
    status: 'CANCELLED',
    cancelledAt: input.now,
    cancelledBy: input.by,
    cancelReason: input.reason,
    cancelNoticeMinutes: input.noticeMinutes,
    lateCancellation: input.late,
    updatedAt: input.now,
  };
}

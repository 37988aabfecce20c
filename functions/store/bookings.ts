import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '#core/errors.ts';
import { type Booking, bookingSchema } from '#core/model.ts';
import { nextDueAt } from '#core/reminder-decision.ts';
import { batchGetItems } from './batch-get.ts';
import { clinicDayPage } from './by-clinic-day.ts';
import { cancellationReasons, isConditionFailure } from './client.ts';
import type { Page, StoreContext } from './context.ts';
import { byClinicDay, byPhone, dueReminders, keys, withoutStorageAttributes } from './keys.ts';

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

/** Pattern: bookings by id, 100 to a round trip (the import reads the bookings it made before). */
export async function getBookings(ctx: StoreContext, ids: readonly string[]): Promise<Booking[]> {
  return (
    await batchGetItems(
      ctx,
      ids.map((id) => keys.booking(id)),
    )
  ).map(toBooking);
}

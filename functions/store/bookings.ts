import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { CancelReason } from '#core/cancel-reason.ts';
import { ConditionFailedError, ConflictError, NotFoundError } from '#core/errors.ts';
import { type Booking, bookingSchema, type Slot } from '#core/model.ts';
import { nextDueAt } from '#core/reminder-decision.ts';
import { withRetry } from '#core/retry.ts';
import { batchGetMany } from './batch.ts';
import { clinicDayPage } from './by-clinic-day.ts';
import {
  check,
  failedOn,
  isWriteConflict,
  put,
  raw,
  type TransactItem,
  transact,
  update,
  type Write,
  when,
} from './conditions.ts';
import type { Page, StoreContext } from './context.ts';
import {
  byClient,
  byClinicDay,
  byPhone,
  dueReminders,
  keys,
  lookup,
  withoutStorageAttributes,
} from './keys.ts';
import { bookByStaffWrite, freeWrite } from './slot-runs.ts';
import { getSlot } from './slots.ts';

export const toBooking = (item: Record<string, unknown>): Booking =>
  bookingSchema.parse(withoutStorageAttributes(item));

export type { TransactItem };

export function bookingItem(booking: Booking): Record<string, unknown> {
  const due = nextDueAt(booking.tiers);
  return {
    ...keys.booking(booking.id),
    ...byClinicDay.booking(booking.clinicId, booking.localDay, booking.startsAt, booking.id),
    // A family with no mobile has no byPhone entry: nothing is looked up by a number they do not have.
    ...(booking.status === 'BOOKED' && booking.phone
      ? byPhone.liveBooking(booking.phone, booking.startsAt, booking.id)
      : {}),
    ...(booking.status === 'BOOKED' && due ? dueReminders.entry(booking.id, due) : {}),
    ...byClient.booking(booking.clientId, booking.startsAt, booking.id),
    ...lookup.booking(booking.ref, booking.startsAt, booking.id),
    entity: 'Booking',
    ...booking,
  };
}

/** Why a staff, move or import booking ends the slot's short-notice run, as the run records it. */
const RUN_REASON: Record<Booking['source'], string> = {
  staff: 'booked-by-staff',
  import: 'booked-by-import',
  offer: 'booked-by-offer',
};

/**
 * The three writes that book a slot, shared by a staff booking, a move and the import: the slot goes
 * FREE/OFFERING → BOOKED (settling its short-notice run in the same write, see store/slot-runs.ts), the
 * booking is created, and the client must still exist (not erased). `slot` is the slot as read: the
 * write is conditional on it being just so.
 */
export function bookSlotItems(ctx: StoreContext, booking: Booking, slot: Slot): [Write, Write, Write] {
  return [
    bookByStaffWrite(ctx, slot, booking, booking.movedFrom ? 'moved-in' : RUN_REASON[booking.source]),
    put(ctx, 'booking', bookingItem(booking), [when.absent('booking-is-new')]),
    check(ctx, 'client', keys.client(booking.clientId), [when.exists('client-exists')]),
  ];
}

/** A slot that changed between the read and the write, but may still be booked: read it again. */
const slotChangedUnderUs = (err: unknown) =>
  failedOn(err, 'slot') &&
  err.current !== undefined &&
  ['FREE', 'OFFERING'].includes(String(err.current.status));

/**
 * Books a slot: the slot moves FREE/OFFERING → BOOKED (an open short-notice run ends FILLED_BY_STAFF in
 * the same write) and the booking is created, in one transaction, so a slot can never hold two
 * bookings. `extra` lets callers add their own items to the same transaction (an import's pointer).
 * The slot is read here unless given; if it changes between the read and the write (its run started or
 * ended), it is read again, a few times at most.
 */
export async function createBooking(
  ctx: StoreContext,
  booking: Booking,
  options: { extra?: TransactItem[]; slot?: Slot } = {},
): Promise<Booking> {
  const extra = (options.extra ?? []).map((item, i) => raw(`extra item ${i + 1}`, item));
  try {
    await withRetry(
      async (attempt) => {
        const slot = attempt === 1 && options.slot ? options.slot : await getSlot(ctx, booking.slotId);
        if (!slot) throw new NotFoundError(`Slot ${booking.slotId} does not exist`);
        await transact(ctx, [...bookSlotItems(ctx, booking, slot), ...extra]);
      },
      { attempts: 4, retryIf: (err) => slotChangedUnderUs(err) || isWriteConflict(err) },
    );
  } catch (err) {
    if (failedOn(err, 'slot'))
      throw new ConflictError('That slot is not free', 'SLOT_NOT_FREE', { cause: err });
    if (failedOn(err, 'booking'))
      throw new ConflictError(`Booking ${booking.id} already exists`, 'ALREADY_EXISTS');
    if (failedOn(err, 'client')) throw new NotFoundError(`Client ${booking.clientId} does not exist`);
    if (err instanceof ConditionFailedError || isWriteConflict(err)) {
      throw new ConflictError('The booking could not be made; please try again', 'TRANSACTION_CONFLICT', {
        cause: err,
      });
    }
    throw err;
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
export async function liveBookingsByPhone(ctx: StoreContext, phone: string | undefined): Promise<Booking[]> {
  // A family with no mobile has no number to share: references only need to differ per number.
  if (phone === undefined) return [];
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
 * The two writes of a cancellation, shared by a cancel, a move and a swap to an earlier slot: the
 * booking goes BOOKED → CANCELLED and leaves the due-reminders and live-by-phone indexes (so no later
 * tier is sent), and its slot goes BOOKED → FREE, remembering who freed it (so the backfill never
 * offers it back to the same family), which the stream hands to the backfill.
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
    /** Why, as a reason metrics count (functions/core/cancel-reason.ts). */
    category?: CancelReason;
  },
): [Write, Write] {
  const { booking } = input;
  const moved = input.movedTo !== undefined;
  return [
    update(ctx, 'booking', keys.booking(booking.id), {
      set: {
        status: 'CANCELLED',
        cancelledAt: input.now,
        cancelledBy: input.by,
        cancelReason: input.reason,
        cancelNoticeMinutes: input.noticeMinutes,
        lateCancellation: input.late,
        ...(moved ? { movedTo: input.movedTo } : {}),
        ...(input.category ? { cancelCategory: input.category } : {}),
        updatedAt: input.now,
      },
      remove: ['dueShard', 'nextDueAt', 'phonePk', 'phoneSk'],
      when: [
        when.equals('booking-is-booked', 'status', 'BOOKED'),
        ...(moved ? [when.after('booking-not-started', 'startsAt', input.now)] : []),
      ],
    }),
    freeWrite(ctx, {
      slotId: booking.slotId,
      bookingId: booking.id,
      clientId: booking.clientId,
      now: input.now,
      by: input.freedBy ?? input.by,
    }),
  ];
}

export interface CancelInput {
  bookingId: string;
  by: string;
  reason: string;
  now: string;
  noticeMinutes: number;
  late: boolean;
  category?: CancelReason;
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
    await transact(
      ctx,
      cancelItems(ctx, {
        booking: { ...booking, id: input.bookingId },
        by: input.by,
        reason: input.reason,
        now: input.now,
        noticeMinutes: input.noticeMinutes,
        late: input.late,
        ...(input.category && { category: input.category }),
      }),
    );
  } catch (err) {
    if (!(err instanceof ConditionFailedError)) throw err;
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
    ...(input.category && { cancelCategory: input.category }),
    updatedAt: input.now,
  };
}

/** Pattern: bookings by id, 100 to a round trip (the import reads the bookings it made before). */
export async function getBookings(ctx: StoreContext, ids: readonly string[]): Promise<Booking[]> {
  return (
    await batchGetMany(
      ctx,
      ids.map((id) => keys.booking(id)),
    )
  ).map(toBooking);
}

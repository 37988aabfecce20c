import type { Booking, Slot } from '#core/model.ts';
import { bookSlotItems, cancelItems } from './bookings.ts';
import { failedOn, isWriteConflict, transact } from './conditions.ts';
import type { StoreContext } from './context.ts';
import { getSlot } from './slots.ts';

export interface MoveWrite {
  from: Booking;
  to: Booking;
  /** The new slot as read: the move is conditional on it being just so (and settles its run). Read here if not given. */
  slot?: Slot;
  by: string;
  reason: string;
  now: string;
  noticeMinutes: number;
  late: boolean;
}

/** Which condition stopped a move; nothing changed in any case but 'moved'. */
export type MoveWriteResult = 'moved' | 'booking-changed' | 'slot-taken' | 'client-gone' | 'conflict';

/**
 * Moves a booking in one transaction: the old booking goes BOOKED → CANCELLED (only before it starts)
 * and leaves the due-reminders and live-by-phone indexes; its slot goes BOOKED → FREE with
 * freedBy "move" and the family as freedByClientId (as a cancel), which the stream hands to the
 * backfill; the new slot goes FREE/OFFERING → BOOKED, ending any short-notice run on it; the new
 * booking is created; and the client must still exist (not erased).
 */
export async function moveBooking(ctx: StoreContext, input: MoveWrite): Promise<MoveWriteResult> {
  const { from, to } = input;
  try {
    const slot = input.slot ?? (await getSlot(ctx, to.slotId));
    if (!slot) return 'slot-taken';
    await transact(ctx, [
      ...cancelItems(ctx, {
        booking: from,
        by: input.by,
        reason: input.reason,
        now: input.now,
        noticeMinutes: input.noticeMinutes,
        late: input.late,
        freedBy: 'move',
        movedTo: to.id,
      }),
      ...bookSlotItems(ctx, to, slot),
    ]);
    return 'moved';
  } catch (err) {
    if (failedOn(err, 'booking')) return 'booking-changed';
    if (failedOn(err, 'slot')) return 'slot-taken';
    if (failedOn(err, 'client')) return 'client-gone';
    if (isWriteConflict(err)) return 'conflict';
    throw err;
  }
}

import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Booking } from '#core/model.ts';
import { bookSlotItems, cancelItems } from './bookings.ts';
import { cancellationReasons, isConditionFailure } from './client.ts';
import type { StoreContext } from './context.ts';

export interface MoveWrite {
  from: Booking;
  to: Booking;
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
 * backfill; the new slot goes FREE/OFFERING → BOOKED;
 * the new booking is created; and the client must still exist (not erased).
 */
export async function moveBooking(ctx: StoreContext, input: MoveWrite): Promise<MoveWriteResult> {
  const { from, to } = input;
  try {
    await ctx.db.send(
      new TransactWriteCommand({
        TransactItems: [
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
          ...bookSlotItems(ctx, to),
        ],
      }),
    );
    return 'moved';
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    const [booking, , slot, , client] = cancellationReasons(err);
    if (booking === 'ConditionalCheckFailed') return 'booking-changed';
    if (slot === 'ConditionalCheckFailed') return 'slot-taken';
    if (client === 'ConditionalCheckFailed') return 'client-gone';
    return 'conflict';
  }
}

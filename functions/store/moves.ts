import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Booking } from '#core/model.ts';
import { bookingItem } from './bookings.ts';
import { cancellationReasons, isConditionFailure } from './client.ts';
import type { StoreContext } from './context.ts';
import { keys } from './keys.ts';

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
 * freedBy "move", which the stream hands to the backfill; the new slot goes FREE/OFFERING → BOOKED;
 * the new booking is created; and the client must still exist (not erased).
 */
export async function moveBooking(ctx: StoreContext, input: MoveWrite): Promise<MoveWriteResult> {
  const { from, to } = input;
  try {
    await ctx.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: ctx.table,
              Key: keys.booking(from.id),
              UpdateExpression:
                'SET #status = :cancelled, cancelledAt = :now, cancelledBy = :by, cancelReason = :reason, ' +
                'cancelNoticeMinutes = :notice, lateCancellation = :late, movedTo = :to, updatedAt = :now ' +
                'REMOVE dueShard, nextDueAt, phonePk, phoneSk',
              ConditionExpression: '#status = :booked AND startsAt > :now',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':cancelled': 'CANCELLED',
                ':booked': 'BOOKED',
                ':now': input.now,
                ':by': input.by,
                ':reason': input.reason,
                ':notice': input.noticeMinutes,
                ':late': input.late,
                ':to': to.id,
              },
            },
          },
          {
            Update: {
              TableName: ctx.table,
              Key: keys.slot(from.slotId),
              UpdateExpression:
                'SET #status = :free, freedAt = :now, freedBy = :move, updatedAt = :now REMOVE bookingId',
              ConditionExpression: '#status = :booked AND bookingId = :bookingId',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':free': 'FREE',
                ':booked': 'BOOKED',
                ':now': input.now,
                ':move': 'move',
                ':bookingId': from.id,
              },
            },
          },
          {
            Update: {
              TableName: ctx.table,
              Key: keys.slot(to.slotId),
              UpdateExpression: 'SET #status = :booked, bookingId = :bookingId, updatedAt = :now',
              ConditionExpression: 'attribute_exists(pk) AND #status IN (:free, :offering)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':booked': 'BOOKED',
                ':free': 'FREE',
                ':offering': 'OFFERING',
                ':bookingId': to.id,
                ':now': input.now,
              },
            },
          },
          {
            Put: {
              TableName: ctx.table,
              Item: bookingItem(to),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            ConditionCheck: {
              TableName: ctx.table,
              Key: keys.client(to.clientId),
              ConditionExpression: 'attribute_exists(pk)',
            },
          },
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

import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import type { CancelReason } from '#core/cancel-reason.ts';
import type { Booking, BookingOutcome, Client } from '#core/model.ts';
import { cancellationReasons, isConditionFailure } from './client.ts';
import type { StoreContext } from './context.ts';
import { type FollowUp, followUpItem } from './follow-ups.ts';
import { keys } from './keys.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface OutcomeWrite {
  bookingId: string;
  outcome: BookingOutcome;
  by: string;
  now: string;
  note?: string;
  /** Why the family missed it, as a reason metrics count (DNA or WNB). */
  category?: CancelReason;
  /** The client as read: the write only lands if their history is still exactly this. */
  client: Pick<Client, 'id' | 'history' | 'flags'>;
  /** Opened in the same transaction when this WNB escalates. */
  followUp?: FollowUp;
}

/** Which condition stopped an outcome write, so the service can say why (or read again and retry). */
export type OutcomeWriteResult = 'recorded' | 'booking-not-open' | 'client-changed' | 'conflict';

/** How each outcome moves the client's history counters. */
const HISTORY_CHANGE: Record<BookingOutcome, string> = {
  ATTENDED: 'history.attended = history.attended + :one, history.consecutiveWnb = :zero',
  DNA: 'history.dna = history.dna + :one',
  WNB: 'history.wnb = history.wnb + :one, history.consecutiveWnb = history.consecutiveWnb + :one',
};

/**
 * The booking as writeOutcome leaves it, from the booking as read before the write: the status becomes
 * the outcome, `outcomeAt`, `outcomeBy` and `updatedAt` are the write's `now` and `by`, and a note or
 * category is set when given (the attributes it removes are index keys, which a Booking does not carry).
 * Kept beside the write's UpdateExpression so the two stay in step.
 */
export function bookingAfterOutcome(
  booking: Booking,
  input: Pick<OutcomeWrite, 'outcome' | 'by' | 'now' | 'note' | 'category'>,
): Booking {
  return {
    ...booking,
    status: input.outcome,
    outcomeAt: input.now,
    outcomeBy: input.by,
    updatedAt: input.now,
    ...(input.note ? { outcomeNote: input.note } : {}),
    ...(input.category ? { cancelCategory: input.category } : {}),
  };
}

/**
 * Records an outcome in one transaction: the booking goes BOOKED → ATTENDED/DNA/WNB (only once its
 * start has passed) and leaves the due-reminders and live-by-phone indexes; the client's history
 * counters move; and an escalating WNB opens its follow-up and counts it on the client.
 *
 * The client update is conditional on the counters (and the vulnerable flag) being what the caller
 * read. The counters only ever grow, so a concurrent outcome for the same child always fails this
 * write rather than being overwritten, and whether to escalate is decided on the history that lands.
 */
export async function writeOutcome(ctx: StoreContext, input: OutcomeWrite): Promise<OutcomeWriteResult> {
  const { history } = input.client;
  const opensFollowUp = input.followUp !== undefined;
  const items: TransactItem[] = [
    {
      Update: {
        TableName: ctx.table,
        Key: keys.booking(input.bookingId),
        UpdateExpression: [
          'SET #status = :outcome, outcomeAt = :now, outcomeBy = :by, updatedAt = :now',
          input.note ? ', outcomeNote = :note' : '',
          input.category ? ', cancelCategory = :category' : '',
          ' REMOVE dueShard, nextDueAt, phonePk, phoneSk',
        ].join(''),
        ConditionExpression: '#status = :booked AND startsAt <= :now',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':outcome': input.outcome,
          ':booked': 'BOOKED',
          ':now': input.now,
          ':by': input.by,
          ...(input.note ? { ':note': input.note } : {}),
          ...(input.category ? { ':category': input.category } : {}),
        },
      },
    },
    {
      Update: {
        TableName: ctx.table,
        Key: keys.client(input.client.id),
        UpdateExpression: [
          `SET ${HISTORY_CHANGE[input.outcome]}, updatedAt = :now`,
          opensFollowUp ? ', openFollowUps = if_not_exists(openFollowUps, :zero) + :one' : '',
        ].join(''),
        ConditionExpression: [
          'attribute_exists(pk)',
          'history.attended = :attended AND history.dna = :dna AND history.wnb = :wnb',
          'history.consecutiveWnb = :consecutive',
          input.client.flags.vulnerable
            ? 'flags.vulnerable = :true'
            : '(attribute_not_exists(flags.vulnerable) OR flags.vulnerable = :false)',
        ].join(' AND '),
        ExpressionAttributeValues: {
          ':one': 1,
          ...(input.outcome === 'ATTENDED' || opensFollowUp ? { ':zero': 0 } : {}),
          ':now': input.now,
          ':attended': history.attended,
          ':dna': history.dna,
          ':wnb': history.wnb,
          ':consecutive': history.consecutiveWnb,
          ...(input.client.flags.vulnerable ? { ':true': true } : { ':false': false }),
        },
      },
    },
  ];
  if (input.followUp) {
    items.push({
      Put: {
        TableName: ctx.table,
        Item: followUpItem(input.followUp),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  }
  try {
    await ctx.db.send(new TransactWriteCommand({ TransactItems: items }));
    return 'recorded';
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    const [booking, client] = cancellationReasons(err);
    if (booking === 'ConditionalCheckFailed') return 'booking-not-open';
    if (client === 'ConditionalCheckFailed') return 'client-changed';
    return 'conflict';
  }
}

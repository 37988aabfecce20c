/**
 * The family's answer to the after-DNA question (services/dna-follow-up.ts sends it): a reply within
 * `replyWindowHours` of the question, when the question is the last text we sent the number, is read in
 * its context (core/dna-answer.ts readDnaAnswer): a reason it names is recorded on the missed booking
 * (unless staff already recorded one); anything else goes to the inbox, where staff can tag it.
 */
import type { CancelReason } from '#core/cancel-reason.ts';
import { readDnaAnswer } from '#core/dna-answer.ts';
import { DNA_FOLLOW_UP_KIND } from '#core/dna-follow-up.ts';
import type { Booking } from '#core/model.ts';
import { getBooking } from '#store/bookings.ts';
import { messagesByPhone } from '#store/messages.ts';
import { setMissReason } from '#store/miss-reasons.ts';
import type { Deps } from './deps.ts';

export type DnaAnswer =
  | { kind: 'not-an-answer' }
  | { kind: 'recorded'; bookingId: string; reason: CancelReason }
  | { kind: 'kept'; bookingId: string; reason: CancelReason }
  | { kind: 'unclear'; booking: Booking };

/**
 * Reads an inbound text as the answer to the after-DNA question, when the last text we sent the number
 * is that question and it went within the reply window. `not-an-answer` leaves the reply to the usual
 * handling.
 */
export async function answerDnaFollowUp(
  deps: Deps,
  input: { from: string; body: string; inboundMessageId: string },
): Promise<DnaAnswer> {
  const { config } = deps;
  const now = deps.now();
  const since = new Date(now.getTime() - config.dnaFollowUp.replyWindowHours * 3_600_000).toISOString();
  const recent = await messagesByPhone(deps.store, input.from, { since, limit: 20 });
  const lastOut = recent.items.find((m) => m.direction === 'OUT');
  if (lastOut?.kind !== DNA_FOLLOW_UP_KIND || !lastOut.bookingId) return { kind: 'not-an-answer' };
  const booking = await getBooking(deps.store, lastOut.bookingId);
  if (!booking || (booking.status !== 'DNA' && booking.status !== 'WNB')) return { kind: 'not-an-answer' };
  const reason = readDnaAnswer(input.body, config.replies.keywords);
  if (!reason) return { kind: 'unclear', booking };
  const landed = await setMissReason(deps.store, {
    bookingId: booking.id,
    reason,
    by: 'family:dna-question',
    now: now.toISOString(),
    onlyIfUnknown: true,
  });
  deps.log.info('after-DNA answer', { bookingId: booking.id, reason, recorded: landed });
  return landed || booking.cancelCategory === reason
    ? { kind: 'recorded', bookingId: booking.id, reason }
    : { kind: 'kept', bookingId: booking.id, reason };
}

/**
 * The optional one-question text after a missed appointment (trust config `dnaFollowUp`, off by
 * default), and the family's answer to it.
 *
 * Sending: once per missed booking, ever. The booking's `dnaFollowUp` is claimed with a conditional write
 * before anything is sent, so a second delivery of the same outcome (a retried request, a redelivered
 * import row) finds it claimed and sends nothing. Then the same rules as every text: not to an opted-out
 * or unreachable number (the consent guard, which deps.sms is), not to a child marked do-not-text or with
 * texts switched off, not without a phone, and not in quiet hours. Like staff's cancellation notices, a
 * question that would fall in quiet hours is not sent (and not sent later: it is recorded as
 * NOT_SENT quiet-hours), because the question only makes sense soon after the missed appointment. The
 * text is recorded as a Message, so metrics count it in texts sent and their cost.
 *
 * Answering: a reply within `replyWindowHours` of the question, when the question is the last text we
 * sent the number, is read in its context (core/dna-follow-up.ts readDnaAnswer): a reason it names is
 * recorded on the missed booking (unless staff already recorded one); anything else goes to the inbox,
 * where staff can tag it.
 */
import type { CancelReason } from '#core/cancel-reason.ts';
import { DNA_FOLLOW_UP_KIND, dnaFollowUpText, readDnaAnswer } from '#core/dna-follow-up.ts';
import { isRecipientSuppressed } from '#core/errors.ts';
import type { Booking } from '#core/model.ts';
import { isQuiet } from '#core/quiet-hours.ts';
import { getBooking } from '#store/bookings.ts';
import { getClient } from '#store/clients.ts';
import { messagesByPhone } from '#store/messages.ts';
import { claimDnaFollowUp, setMissReason, settleDnaFollowUp } from '#store/miss-reasons.ts';
import { isSuppressed } from './consent.ts';
import type { Deps } from './deps.ts';
import { sendAndRecord } from './texts.ts';

export type DnaFollowUpOutcome =
  | 'off'
  | 'already-claimed'
  | 'sent'
  | 'opted-out'
  | 'do-not-text'
  | 'no-phone'
  | 'quiet-hours'
  | 'send-failed';

/** Whether this outcome asks the question in this trust. */
export function asksAfter(deps: Pick<Deps, 'config'>, status: Booking['status']): boolean {
  const c = deps.config.dnaFollowUp;
  return c.enabled && (status === 'DNA' || (status === 'WNB' && c.afterWnb));
}

/** Sends the question for a booking just recorded as missed, at most once (see the file comment). */
export async function sendDnaFollowUp(
  deps: Deps,
  booking: Pick<Booking, 'id' | 'status' | 'clientId' | 'phone'>,
): Promise<DnaFollowUpOutcome> {
  if (!asksAfter(deps, booking.status)) return 'off';
  const now = deps.now().toISOString();
  if (!(await claimDnaFollowUp(deps.store, { bookingId: booking.id, status: booking.status, now })))
    return 'already-claimed';
  const client = await getClient(deps.store, booking.clientId);
  const notSent = async (reason: Exclude<DnaFollowUpOutcome, 'off' | 'already-claimed' | 'sent'>) => {
    await settleDnaFollowUp(deps.store, { bookingId: booking.id, now, state: 'NOT_SENT', reason });
    return reason;
  };
  const phone = client?.phone;
  if (!client || !phone) return notSent('no-phone');
  if (client.flags.doNotText || client.contact?.sms.on === false) return notSent('do-not-text');
  if (await isSuppressed(deps, phone)) return notSent('opted-out');
  if (isQuiet(now, deps.config.quietHours, deps.config.timeZone)) return notSent('quiet-hours');
  const text = dnaFollowUpText(deps.config, client.language || deps.config.defaultLanguage);
  try {
    const message = await sendAndRecord(
      deps,
      // The kind is how a later reply finds the question it answers.
      { key: DNA_FOLLOW_UP_KIND, body: text.body, segments: text.segments, encoding: text.encoding },
      { to: phone, bookingId: booking.id, clientId: client.id },
    );
    await settleDnaFollowUp(deps.store, { bookingId: booking.id, now, state: 'SENT', messageId: message.id });
    return 'sent';
  } catch (err) {
    // Refused by the consent guard (a STOP landed meanwhile) or by the provider: not sent, not retried.
    deps.log.warn('after-DNA question not sent', { bookingId: booking.id, error: (err as Error).name });
    return notSent(isRecipientSuppressed(err) ? 'opted-out' : 'send-failed');
  }
}

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

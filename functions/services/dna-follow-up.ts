/**
 * The optional one-question text after a missed appointment (trust config `dnaFollowUp`, off by
 * default), and the family's answer to it.
 *
 * Sending: once per missed booking, ever. The booking's `dnaFollowUp` is claimed with a conditional write
 * before anything is sent, so a second delivery of the same outcome (a retried request, a redelivered
 * import row) finds it claimed and sends nothing. Then the same rules as every text: not to an opted-out
 * or unreachable number (the consent guard, which deps.sms is), not to a child marked do-not-text or with
 * texts switched off, not without a phone, and not in quiet hours. A question recorded in quiet hours
 * is HELD on the booking, due when they end (`nextAllowedAfter`, on the trust's clock), with the booking
 * back in the dueReminders index, so the reminder sweep sends it then, as it sends a held confirmation:
 * claimed HELD → SENDING in one conditional write (so once, however many sweeps run), and every rule
 * checked again at that moment (a STOP, a do-not-text flag or an erasure meanwhile means no text). The
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
import { type Booking, type Client, ERASED_PHONE } from '#core/model.ts';
import { isQuiet, nextAllowedAfter } from '#core/quiet-hours.ts';
import { getBooking } from '#store/bookings.ts';
import { getClient } from '#store/clients.ts';
import { messagesByPhone } from '#store/messages.ts';
import {
  claimDnaFollowUp,
  claimHeldDnaFollowUp,
  holdDnaFollowUp,
  setMissReason,
  settleDnaFollowUp,
} from '#store/miss-reasons.ts';
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
  | 'erased'
  | 'turned-off'
  | 'held'
  | 'send-failed';

type NotSentReason = Exclude<DnaFollowUpOutcome, 'off' | 'already-claimed' | 'sent' | 'held'>;

/** Whether this outcome asks the question in this trust. */
export function asksAfter(deps: Pick<Deps, 'config'>, status: Booking['status']): boolean {
  const c = deps.config.dnaFollowUp;
  return c.enabled && (status === 'DNA' || (status === 'WNB' && c.afterWnb));
}

/**
 * Sends the question for a booking just recorded as missed, at most once (see the file comment); in
 * quiet hours it is held until they end and the reminder sweep sends it (sendHeldDnaFollowUp).
 */
export async function sendDnaFollowUp(
  deps: Deps,
  booking: Pick<Booking, 'id' | 'status' | 'clientId' | 'phone'>,
): Promise<DnaFollowUpOutcome> {
  if (!asksAfter(deps, booking.status)) return 'off';
  const now = deps.now().toISOString();
  if (!(await claimDnaFollowUp(deps.store, { bookingId: booking.id, status: booking.status, now })))
    return 'already-claimed';
  return checkAndSend(deps, booking, now);
}

/**
 * The reminder sweep's part: a held question whose quiet hours have ended is claimed (once) and sent if
 * every rule still allows it. Before its time, or still in quiet hours, it waits.
 */
export async function sendHeldDnaFollowUp(
  deps: Deps,
  booking: Pick<Booking, 'id' | 'dnaFollowUp'>,
): Promise<DnaFollowUpOutcome | 'waiting'> {
  const held = booking.dnaFollowUp;
  if (held?.state !== 'HELD' || !held.dueAt) return 'already-claimed';
  const nowDate = deps.now();
  const now = nowDate.toISOString();
  if (held.dueAt > now) return 'waiting';
  const { quietHours, timeZone } = deps.config;
  if (isQuiet(nowDate, quietHours, timeZone)) {
    // Quiet hours changed meanwhile: held again, to their new end.
    const dueAt = nextAllowedAfter(nowDate, quietHours, timeZone).toISOString();
    await holdDnaFollowUp(deps.store, { bookingId: booking.id, now, dueAt, from: 'HELD' });
    return 'waiting';
  }
  const claimed = await claimHeldDnaFollowUp(deps.store, { bookingId: booking.id, now });
  if (!claimed) return 'already-claimed';
  if (!deps.config.dnaFollowUp.enabled) return notSent(deps, claimed.id, now, 'turned-off');
  return checkAndSend(deps, claimed, now);
}

async function notSent(
  deps: Deps,
  bookingId: string,
  now: string,
  reason: NotSentReason,
): Promise<NotSentReason> {
  await settleDnaFollowUp(deps.store, { bookingId, now, state: 'NOT_SENT', reason });
  return reason;
}

/** Every rule, checked when the question is about to go, then the send; the question is claimed (SENDING). */
async function checkAndSend(
  deps: Deps,
  booking: Pick<Booking, 'id' | 'clientId' | 'phone'>,
  now: string,
): Promise<DnaFollowUpOutcome> {
  // An erased family: the booking keeps no number and the client record is gone.
  if (booking.phone === ERASED_PHONE) return notSent(deps, booking.id, now, 'erased');
  const client: Client | undefined = await getClient(deps.store, booking.clientId);
  if (!client) return notSent(deps, booking.id, now, 'erased');
  const phone = client.phone;
  if (!phone) return notSent(deps, booking.id, now, 'no-phone');
  if (client.flags.doNotText || client.contact?.sms.on === false)
    return notSent(deps, booking.id, now, 'do-not-text');
  if (await isSuppressed(deps, phone)) return notSent(deps, booking.id, now, 'opted-out');
  const { quietHours, timeZone } = deps.config;
  if (isQuiet(now, quietHours, timeZone)) {
    // Held, not dropped: the reminder sweep sends it when quiet hours end (sendHeldDnaFollowUp).
    const dueAt = nextAllowedAfter(now, quietHours, timeZone).toISOString();
    await holdDnaFollowUp(deps.store, { bookingId: booking.id, now, dueAt, from: 'SENDING' });
    return 'held';
  }
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
    return notSent(deps, booking.id, now, isRecipientSuppressed(err) ? 'opted-out' : 'send-failed');
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

import { textsOffReason } from '#core/client.ts';
import { DNA_FOLLOW_UP_KIND, dnaFollowUpText } from '#core/dna-follow-up.ts';
import { isRecipientSuppressed } from '#core/errors.ts';
import { type Booking, type Client, ERASED_PHONE } from '#core/model.ts';
import { isQuiet, nextAllowedAfter } from '#core/quiet-hours.ts';
import { getClient } from '#store/clients.ts';
import {
  claimDnaFollowUp,
  claimHeldDnaFollowUp,
  holdDnaFollowUp,
  settleDnaFollowUp,
} from '#store/miss-reasons.ts';
import { readConsent } from './consent.ts';
import type { Deps } from './deps.ts';
import { sendAndRecord } from './texts.ts';

export type DnaFollowUpOutcome =
  | 'off'
  | 'already-claimed'
  | 'sent'
  | 'opted-out'
  | 'do-not-text'
  | 'sms-off'
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
  const off = textsOffReason(client);
  if (off) return notSent(deps, booking.id, now, off);
  const consentRead = await readConsent(deps, phone);
  if (consentRead.consent) return notSent(deps, booking.id, now, 'opted-out');
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
      // The guard takes this reading in place of its own while it is fresh (a second).
      { to: phone, bookingId: booking.id, clientId: client.id, consentRead },
    );
    await settleDnaFollowUp(deps.store, { bookingId: booking.id, now, state: 'SENT', messageId: message.id });
    return 'sent';
  } catch (err) {
    // Refused by the consent guard (a STOP landed meanwhile) or by the provider: not sent, not retried.
    deps.log.warn('after-DNA question not sent', { bookingId: booking.id, error: (err as Error).name });
    return notSent(deps, booking.id, now, isRecipientSuppressed(err) ? 'opted-out' : 'send-failed');
  }
}

/**
 * What the reminder sweep should do with one due booking, decided from its state alone. The store then
 * makes the decision stick with a conditional write, so two sweeps deciding the same thing at once
 * still send a tier only once.
 */
import type { Booking, Client, TierState } from './model.ts';
import { isQuiet, type QuietHours } from './quiet-hours.ts';

/** How long a claimed tier stays claimed before another sweep may assume its sender died. */
export const CLAIM_LEASE_MINUTES = 10;
/** A tier whose send failed this many times is given up (and counted), rather than retried for ever. */
export const MAX_SEND_ATTEMPTS = 5;

/** The due time that keeps a booking in the due-reminders index, or undefined when nothing is left. */
export function nextDueAt(tiers: Record<string, TierState>): string | undefined {
  let next: string | undefined;
  for (const tier of Object.values(tiers)) {
    if (tier.status !== 'PENDING' && tier.status !== 'SENDING') continue;
    if (next === undefined || tier.dueAt < next) next = tier.dueAt;
  }
  return next;
}

export type ReminderDecision =
  | { action: 'send'; tierId: string; supersede: string[] }
  | {
      action: 'skip';
      tierIds: string[];
      reason: 'opted-out' | 'do-not-text' | 'sms-off' | 'no-phone' | 'appointment-started';
    }
  | { action: 'wait'; reason: 'quiet-hours' | 'claimed-elsewhere' | 'nothing-due' }
  | { action: 'clear'; reason: 'not-booked' };

export function decideReminder(input: {
  booking: Booking;
  client: Pick<Client, 'flags' | 'contact'> | undefined;
  /** The booking's number is opted out of texts (its Consent record). */
  suppressed: boolean;
  now: Date;
  quietHours: QuietHours;
  timeZone: string;
}): ReminderDecision {
  const { booking, client, now } = input;
  if (booking.status !== 'BOOKED') return { action: 'clear', reason: 'not-booked' };
  const nowIso = now.toISOString();
  const leaseCutoff = new Date(now.getTime() - CLAIM_LEASE_MINUTES * 60_000).toISOString();

  const open = Object.entries(booking.tiers).filter(
    ([, t]) => t.status === 'PENDING' || t.status === 'SENDING',
  );
  const due = open.filter(([, t]) => t.dueAt <= nowIso);
  if (due.length === 0) return { action: 'wait', reason: 'nothing-due' };

  if (booking.startsAt <= nowIso) {
    return { action: 'skip', tierIds: open.map(([id]) => id), reason: 'appointment-started' };
  }
  const claimable = due.filter(([, t]) => t.status === 'PENDING' || (t.claimedAt ?? '') < leaseCutoff);
  if (claimable.length === 0) return { action: 'wait', reason: 'claimed-elsewhere' };
  // A family with no mobile gets no text: each tier is recorded as skipped, never tried (letters or a call instead).
  if (booking.phone === undefined) {
    return { action: 'skip', tierIds: claimable.map(([id]) => id), reason: 'no-phone' };
  }
  if (!client || input.suppressed) {
    return { action: 'skip', tierIds: claimable.map(([id]) => id), reason: 'opted-out' };
  }
  // Texts switched off by staff: the do-not-text flag, or the family's sms channel off (its own reason,
  // so Today does not call a family do-not-text who is not flagged so).
  if (client.flags.doNotText)
    return { action: 'skip', tierIds: claimable.map(([id]) => id), reason: 'do-not-text' };
  if (client.contact?.sms.on === false)
    return { action: 'skip', tierIds: claimable.map(([id]) => id), reason: 'sms-off' };
  if (isQuiet(now, input.quietHours, input.timeZone)) return { action: 'wait', reason: 'quiet-hours' };

  // After an outage several tiers can be due at once: the family needs one text, the latest one.
  const ordered = [...claimable].sort(([, a], [, b]) => (a.dueAt < b.dueAt ? -1 : a.dueAt > b.dueAt ? 1 : 0));
  const [latestId] = ordered[ordered.length - 1]!;
  return {
    action: 'send',
    tierId: latestId,
    supersede: ordered.slice(0, -1).map(([id]) => id),
  };
}

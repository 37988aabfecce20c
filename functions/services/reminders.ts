import { randomUUID } from 'node:crypto';
import { mapWithConcurrency } from '#core/concurrency.ts';
import { RecipientSuppressedError } from '#core/errors.ts';
import { type Booking, type Client, type Clinic, ERASED_PHONE } from '#core/model.ts';
import { CLAIM_LEASE_MINUTES, decideReminder, MAX_SEND_ATTEMPTS } from '#core/reminder-decision.ts';
import { reminderTemplateKey } from '#core/reminder-wording.ts';
import { getBooking } from '#store/bookings.ts';
import { isConditionFailure } from '#store/client.ts';
import { getClients } from '#store/clients.ts';
import { getClinic } from '#store/clinics.ts';
import { dueReminders } from '#store/keys.ts';
import { recordMessage } from '#store/messages.ts';
import {
  claimTier,
  clearDue,
  completeTier,
  dueRemindersPage,
  earliestDue,
  releaseTier,
  skipTiers,
} from '#store/reminder-tiers.ts';
import { type ConsentReading, readConsent, readConsents } from './consent.ts';
import type { Deps } from './deps.ts';
import { sendHeldDnaFollowUp } from './dna-follow-up.ts';
import { bookingLink, linked } from './parent-links.ts';
import { bookingText, outboundMessage } from './texts.ts';

export interface SweepReport {
  /** Items read from the due-reminders index and the client look-ups together. */
  itemsRead: number;
  due: number;
  sent: number;
  skipped: number;
  failed: number;
  deferred: number;
  /** Due bookings this sweep read but left for the next one, because its time was nearly up. */
  leftForNext: number;
  /** Whether the sweep stopped for time (shards it did not reach are left for the next one too). */
  outOfTime: boolean;
}

export interface SweepOptions {
  /**
   * The time this run has left, in ms (Lambda's context.getRemainingTimeInMillis). The sweep claims
   * nothing new once less than STOP_MARGIN_MS is left: what is still due stays in the index for the next
   * sweep, so a peak larger than one run can send is delayed, never lost, and a run never times out
   * holding claims.
   */
  remainingMs?: () => number;
}

/** Enough for the sends already in flight to finish and be recorded (8 in flight at 10 parts a second). */
export const STOP_MARGIN_MS = 30_000;

export type BookingOutcome = 'sent' | 'skipped' | 'failed' | 'deferred' | 'none';

/**
 * What handling one due booking did: the outcome, and the booking as its writes left it (from each
 * write's own answer, no extra read), or undefined when that is not known (a write found the booking
 * changed by someone else, so it must be read to be known).
 */
export interface DueBookingResult {
  outcome: BookingOutcome;
  booking: Booking | undefined;
}

const result = (outcome: BookingOutcome, booking: Booking | undefined): DueBookingResult => ({
  outcome,
  booking,
});

const emptyReport = (): SweepReport => ({
  itemsRead: 0,
  due: 0,
  sent: 0,
  skipped: 0,
  failed: 0,
  deferred: 0,
  leftForNext: 0,
  outOfTime: false,
});

/** Clinics change rarely and a sweep touches few of them, so one look-up per clinic per sweep. */
function clinicCache(deps: Deps): (id: string) => Promise<Clinic | undefined> {
  const cache = new Map<string, Promise<Clinic | undefined>>();
  return (id) => {
    let found = cache.get(id);
    if (!found) {
      found = getClinic(deps.store, id);
      cache.set(id, found);
    }
    return found;
  };
}

/**
 * One sweep: reads only bookings with a tier due now, shard by shard and page by page, and handles
 * each with bounded concurrency. Safe to run twice at once: every send is preceded by a conditional
 * claim.
 */
export async function runReminderSweep(deps: Deps, options: SweepOptions = {}): Promise<SweepReport> {
  const report = emptyReport();
  const now = deps.now();
  const clinics = clinicCache(deps);
  const timeIsUp = (): boolean => options.remainingMs !== undefined && options.remainingMs() < STOP_MARGIN_MS;
  for (const shard of dueReminders.allShards()) {
    if (timeIsUp()) break;
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await dueRemindersPage(deps.store, shard, now.toISOString(), cursor);
      cursor = page.next;
      report.itemsRead += page.read;
      report.due += page.items.length;
      if (page.items.length === 0) continue;
      const clients = await getClients(
        deps.store,
        page.items.map((b) => b.clientId),
      );
      report.itemsRead += clients.size;
      // Consent belongs to the number: one batch read of the page's numbers, before anything is claimed.
      // Each booking's text carries its number's reading, so the guard need not read it again.
      const readings = await readConsents(
        deps,
        page.items.filter(isLive).map((b) => b.phone),
      );
      report.itemsRead += [...readings.values()].filter((r) => r.consent !== undefined).length;
      const outcomes = await mapWithConcurrency(
        page.items,
        deps.config.reminders.sendConcurrency,
        async (booking) =>
          timeIsUp()
            ? 'left'
            : (
                await handleDueBooking(
                  deps,
                  booking,
                  clients.get(booking.clientId),
                  booking.phone === undefined ? undefined : readings.get(booking.phone),
                  clinics,
                  now,
                )
              ).outcome,
      );
      for (const outcome of outcomes) {
        if (outcome === 'left') report.leftForNext++;
        else if (outcome !== 'none') report[outcome]++;
      }
    } while (cursor && !timeIsUp());
  }
  report.outOfTime = timeIsUp();
  return report;
}

/**
 * Sends whatever is due for one booking right now (the confirmation, just after booking). Returns the
 * outcome and the booking as stored after it (undefined when that is only known by reading it).
 */
export async function sendDueForBooking(
  deps: Deps,
  booking: Booking,
  client: Client,
): Promise<DueBookingResult> {
  const now = deps.now();
  // Consent only changes the decision where decideReminder reaches it (a tier due, the family reachable):
  // otherwise (nothing due yet, as in quiet hours) the number is not looked up.
  const ifSuppressed = decideReminder({
    booking,
    client,
    suppressed: true,
    now,
    quietHours: deps.config.quietHours,
    timeZone: deps.config.timeZone,
  });
  const consentMatters = ifSuppressed.action === 'skip' && ifSuppressed.reason === 'opted-out';
  const consentRead = consentMatters && isLive(booking) ? await readConsent(deps, booking.phone) : undefined;
  return handleDueBooking(deps, booking, client, consentRead, clinicCache(deps), now);
}

/**
 * Sends a new booking's confirmation now if it is due (otherwise, or if the send fails, the next sweep
 * does), and answers with the booking as stored after it: as the confirmation's writes left it, or,
 * when that is only known by reading (the send failed, another sender holds the tier), read back; as
 * written if that read fails. The booking already stands, so a failed send or read must not tell the
 * caller it failed: they would book again, or think the family has no appointment. `occasion` says in
 * the log when it was made ("booking", "offer accept").
 */
export async function confirmNewBooking(
  deps: Deps,
  booking: Booking,
  client: Client,
  occasion: string,
): Promise<Booking> {
  let after: Booking | undefined;
  try {
    after = (await sendDueForBooking(deps, booking, client)).booking;
  } catch (err) {
    deps.log.warn(`confirmation not sent at ${occasion}; the sweep will retry`, {
      bookingId: booking.id,
      error: (err as Error).name,
    });
  }
  if (after) return after;
  try {
    return (await getBooking(deps.store, booking.id)) ?? booking;
  } catch (err) {
    deps.log.warn('booking made, but reading it back failed; answering with it as written', {
      bookingId: booking.id,
      error: (err as Error).name,
    });
    return booking;
  }
}

/**
 * A booking still BOOKED has its family's number; an erased one says ERASED_PHONE and is not sent to,
 * and one for a family with no mobile has none (decideReminder skips it as `no-phone`).
 */
const isLive = (booking: Booking): booking is Booking & { phone: string } =>
  booking.status === 'BOOKED' && booking.phone !== undefined && booking.phone !== ERASED_PHONE;

/**
 * `consentRead` is the reading of the booking's number taken just before (undefined when it was not
 * read: nothing due, or no live number). It decides the skip, and goes with the text to the guard.
 */
async function handleDueBooking(
  deps: Deps,
  booking: Booking,
  client: Client | undefined,
  consentRead: ConsentReading | undefined,
  clinics: (id: string) => Promise<Clinic | undefined>,
  now: Date,
): Promise<DueBookingResult> {
  const { config, store, log } = deps;
  // A missed booking's after-DNA question held through quiet hours waits in the same index.
  if (booking.dnaFollowUp?.state === 'HELD') return result(await heldQuestion(deps, booking), undefined);
  const leaseCutoff = new Date(now.getTime() - CLAIM_LEASE_MINUTES * 60_000).toISOString();
  const decision = decideReminder({
    booking,
    client,
    suppressed: consentRead?.consent !== undefined,
    now,
    quietHours: config.quietHours,
    timeZone: config.timeZone,
  });

  switch (decision.action) {
    case 'clear':
      // Only the index keys go, which a Booking does not carry.
      await clearDue(store, booking.id);
      return result('none', booking);
    case 'wait':
      return result(decision.reason === 'quiet-hours' ? 'deferred' : 'none', booking);
    case 'skip': {
      const skipped = await skipTiers(store, {
        booking,
        tierIds: decision.tierIds,
        reason: decision.reason,
        leaseCutoff,
      });
      log.info('reminder tiers skipped', {
        bookingId: booking.id,
        tiers: decision.tierIds,
        reason: decision.reason,
      });
      return result('skipped', skipped);
    }
    case 'send':
      break;
  }

  const clinic = await clinics(booking.clinicId);
  if (!client || !clinic) {
    log.error('due booking refers to a missing client or clinic', { bookingId: booking.id });
    return result('failed', booking);
  }
  const claimedAt = now.toISOString();
  const claimed = await claimTier(store, {
    bookingId: booking.id,
    tierId: decision.tierId,
    supersede: decision.supersede,
    now: claimedAt,
    leaseCutoff,
  });
  if (!claimed) return result('none', undefined);
  const tier = claimed.tiers[decision.tierId]!;
  const to = claimed.phone;
  if (to === undefined || to === ERASED_PHONE) {
    // The mobile was cleared between the decision and the claim: skipped, as decideReminder would have.
    const released = await releaseTier(store, {
      booking: claimed,
      tierId: decision.tierId,
      claimedAt,
      error: 'no mobile',
      giveUp: true,
      skipReason: 'no-phone',
    });
    log.info('reminder tiers skipped', {
      bookingId: booking.id,
      tiers: [decision.tierId],
      reason: 'no-phone',
    });
    return result('skipped', released);
  }

  // Each reminder reads differently: "today", "tomorrow" or the day, as of now (a late tier too). A
  // moved booking's confirmation says it has moved, not that a new appointment is booked.
  const key =
    tier.kind === 'confirmation'
      ? claimed.movedFrom
        ? 'moved'
        : 'confirmation'
      : reminderTemplateKey(claimed.startsAt, now, config.timeZone);
  // With parentLinks on, the confirmation and reminders carry the booking's personal link.
  const text = await linked(deps, bookingText(deps, key, { booking: claimed, client, clinic }), () =>
    bookingLink(deps, claimed),
  );
  let providerMessageId: string;
  const id = randomUUID();
  try {
    // The guard takes the reading in place of its own while it is fresh and of this number (a number
    // changed since the page was read is not, so the guard reads it).
    ({ providerMessageId } = await deps.sms.send({ to, body: text.body, ref: id, consentRead }));
  } catch (err) {
    // A number opted out since the check above (a STOP in between) is refused by the guard (when the
    // reading is over CONSENT_READING_FRESH_MS old): not sent, and never retried.
    const refused = err instanceof RecipientSuppressedError;
    const giveUp = refused || tier.attempts >= MAX_SEND_ATTEMPTS;
    const released = await releaseTier(store, {
      booking: claimed,
      tierId: decision.tierId,
      claimedAt,
      error: String((err as Error).message),
      giveUp,
      ...(refused ? { skipReason: 'opted-out' } : {}),
    });
    if (refused) {
      log.info('reminder tiers skipped', {
        bookingId: booking.id,
        tiers: [decision.tierId],
        reason: 'opted-out',
      });
      return result('skipped', released);
    }
    log.warn('reminder send failed', {
      bookingId: booking.id,
      tier: decision.tierId,
      attempt: tier.attempts,
      givenUp: giveUp,
      error: (err as Error).name,
    });
    return result('failed', released);
  }
  const sentAt = deps.now().toISOString();
  const message = outboundMessage(text, {
    id,
    to,
    at: sentAt,
    providerMessageId,
    bookingId: claimed.id,
    clientId: claimed.clientId,
  });
  let sent: Booking | undefined;
  try {
    sent = await completeTier(store, {
      booking: claimed,
      tierId: decision.tierId,
      claimedAt,
      sentAt,
      message,
      retentionDays: config.messages.retentionDays,
    });
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    // The send outlived the claim's lease and another sweep took the tier over. The text did go, so it
    // is still recorded; the other sweep records the tier itself.
    await recordMessage(store, message, config.messages.retentionDays);
    log.warn('reminder claim lapsed during send; possible duplicate text', {
      bookingId: booking.id,
      tier: decision.tierId,
    });
  }
  log.info('reminder sent', { bookingId: booking.id, tier: decision.tierId, segments: text.segments });
  return result('sent', sent);
}

/** The earliest due reminder across shards, so the local scheduler can skip ticks with nothing due. */
export async function nextReminderDue(deps: Deps): Promise<string | undefined> {
  const all = await Promise.all(dueReminders.allShards().map((shard) => earliestDue(deps.store, shard)));
  return all.filter((d): d is string => d !== undefined).sort()[0];
}

/** The after-DNA question held through quiet hours (services/dna-follow-up.ts), counted like a tier. */
async function heldQuestion(deps: Deps, booking: Booking): Promise<BookingOutcome> {
  const outcome = await sendHeldDnaFollowUp(deps, booking);
  deps.log.info('held after-DNA question', { bookingId: booking.id, outcome });
  if (outcome === 'sent') return 'sent';
  if (outcome === 'waiting') return 'deferred';
  if (outcome === 'already-claimed' || outcome === 'off') return 'none';
  return outcome === 'send-failed' ? 'failed' : 'skipped';
}

/**
 * A family's answer to an offer: YES books the slot in one transaction (the first YES wins), NO puts
 * them back on the list and moves the run on. A YES that cannot book is answered with the offer's one
 * notice, so a family is never told twice that the time has gone.
 */
import { newBooking, pickRef } from '#core/booking.ts';
import { appointmentBooked, appointmentCancelled, type DomainEvent, domainEvent } from '#core/events.ts';
import type { Booking, Client, Slot, TierState } from '#core/model.ts';
import {
  type EndedRunState,
  isOpen,
  NOTICE_ON_END,
  noticeDueAt,
  OFFER_END_FOR_RUN,
} from '#core/offer-run.ts';
import { planReminders, reminderPlanInput } from '#core/reminder-plan.ts';
import { withRetry } from '#core/retry.ts';
import type { Offer, WaitlistEntry } from '#core/waitlist.ts';
import { bookingItem, cancelItems, getBooking, liveBookingsByPhone } from '#store/bookings.ts';
import { liveBookingsOfClient } from '#store/client-contact.ts';
import { getClient } from '#store/clients.ts';
import { failedOn, isWriteConflict, put, transact, when } from '#store/conditions.ts';
import { entryBookedWrite, getOffer, offerIs, settleOffer, settleOfferWrite } from '#store/offers.ts';
import { acceptWrite } from '#store/slot-runs.ts';
import { getSlot } from '#store/slots.ts';
import { getEntry } from '#store/waitlist.ts';
import type { Deps } from './deps.ts';
import { nextWave, settleEndedRun } from './offer-run.ts';
import { answerWithNotice } from './offer-texts.ts';
import { confirmNewBooking } from './reminders.ts';

export type AcceptOutcome =
  | { outcome: 'accepted'; booking: Booking }
  | { outcome: 'taken'; told: boolean }
  | { outcome: 'withdrawn'; told: boolean }
  | { outcome: 'expired'; told: boolean }
  | { outcome: 'already-answered'; status: Offer['status']; told: boolean };

/**
 * How the family hears they are booked: `answer` (a YES by text: the caller's "you're booked" answer
 * is the confirmation, so the planned one is SKIPPED) or `send` (the parent page: the normal
 * confirmation, sent now or, in quiet hours, by the sweep when they end).
 */
export type AcceptConfirmation = 'answer' | 'send';

/** A YES is tried again (re-reading everything) when it lost a race it may still win: a few times at most. */
const ACCEPT_ATTEMPTS = 4;

/** Another transaction held an item, or the family's later booking (a swap) changed under us. */
const worthRetrying = (err: unknown) =>
  isWriteConflict(err) || failedOn(err, 'booking') || failedOn(err, 'freed slot');

/**
 * YES: one transaction moves the offer PENDING → ACCEPTED (while its hold lasts), the slot → BOOKED and
 * its run → FILLED, creates the booking with its reminder plan, moves the family's entry → BOOKED and,
 * for a family swapping from a later booking, cancels that booking and frees its slot (which the stream
 * then offers on). Of many YESes for one slot exactly one can succeed: the slot's condition sees to
 * that. The other families' offers are then settled and each is told once.
 *
 * A YES that cannot book is answered (`answer`, on by default: it is the family's own YES) with the
 * offer's notice, unless they have been told already; `told` says whether this call told them.
 */
export async function acceptOffer(
  deps: Deps,
  offer: Offer,
  options: { answer?: boolean; confirmation?: AcceptConfirmation } = {},
): Promise<AcceptOutcome> {
  const answer = options.answer ?? true;
  const confirmation = options.confirmation ?? 'answer';
  return withRetry(
    async (attempt) => {
      const current = attempt === 1 ? offer : ((await getOffer(deps.store, offer.slotId, offer.id)) ?? offer);
      return tryAccept(deps, current, answer, confirmation);
    },
    { attempts: ACCEPT_ATTEMPTS, retryIf: worthRetrying },
  );
}

/**
 * The booking a YES moves instead of adding a second one: the entry's `currentBookingId` when it is
 * still BOOKED and later than the slot (the swap the list was joined for), else any upcoming BOOKED
 * booking of the client's of the slot's type (an entry made without `currentBookingId`, as staff or an
 * import may add one). A family never ends up with two bookings of one type from an offer.
 */
async function bookingToMove(
  deps: Deps,
  input: { client: Client; entry: WaitlistEntry; slot: Slot; live: readonly Booking[]; now: string },
): Promise<Booking | undefined> {
  const { client, entry, slot, now } = input;
  const current = entry.currentBookingId ? await getBooking(deps.store, entry.currentBookingId) : undefined;
  if (current?.status === 'BOOKED' && current.startsAt > slot.startsAt) return current;
  const mine =
    client.phone !== undefined
      ? input.live.filter((b) => b.clientId === client.id)
      : await liveBookingsOfClient(deps.store, client);
  return mine
    .filter((b) => b.status === 'BOOKED' && b.type === slot.type && b.startsAt > now && b.slotId !== slot.id)
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt))[0];
}

async function tryAccept(
  deps: Deps,
  offer: Offer,
  answer: boolean,
  confirmation: AcceptConfirmation,
): Promise<AcceptOutcome> {
  const { config, store } = deps;
  const now = deps.now();
  const nowIso = now.toISOString();
  if (offer.status !== 'PENDING') return ended(deps, offer, answer);
  if (offer.expiresAt <= nowIso) return lapsed(deps, offer, answer);
  const [slot, client, entry] = await Promise.all([
    getSlot(store, offer.slotId),
    getClient(store, offer.clientId),
    getEntry(store, offer.entryId),
  ]);
  if (!slot || !client || !entry) return { outcome: 'taken', told: false };
  const type = config.appointmentTypes[slot.type];
  const live = await liveBookingsByPhone(store, client.phone);
  const swap = await bookingToMove(deps, { client, entry, slot, live, now: nowIso });

  const plan = planReminders(
    reminderPlanInput(config, { startsAt: slot.startsAt, bookedAt: nowIso, tiers: type?.tiers ?? [] }),
  );
  const tiers: Record<string, TierState> = {};
  for (const t of plan.planned) {
    // The "you're booked" answer to their YES by text is the confirmation; a page accept gets the normal one.
    tiers[t.id] =
      t.kind === 'confirmation' && confirmation === 'answer'
        ? { kind: t.kind, dueAt: t.dueAt, status: 'SKIPPED', attempts: 0, skipReason: 'offer-accepted-text' }
        : { kind: t.kind, dueAt: t.dueAt, status: 'PENDING', attempts: 0 };
  }
  const booking = newBooking({
    slot,
    client,
    source: 'offer',
    by: `offer:${offer.id}`,
    now: nowIso,
    // The family keeps the reference the offer text gave them, unless a live booking of theirs has it.
    ref: live.some((b) => b.ref === offer.ref) ? pickRef(new Set(live.map((b) => b.ref))) : offer.ref,
    tiers,
  });
  const noticeMinutes = swap ? Math.floor((new Date(swap.startsAt).getTime() - now.getTime()) / 60_000) : 0;

  try {
    await transact(store, [
      settleOfferWrite(store, offer, 'ACCEPTED', nowIso, { when: [offerIs.holdOpen(nowIso)] }),
      acceptWrite(store, { slotId: slot.id, runId: offer.runId, bookingId: booking.id, now: nowIso }),
      put(store, 'new booking', bookingItem(booking), [when.absent('booking-is-new')]),
      entryBookedWrite(store, entry, nowIso),
      ...(swap
        ? cancelItems(store, {
            booking: swap,
            by: `swap:${offer.id}`,
            reason:
              swap.startsAt > slot.startsAt
                ? 'Family took an earlier short-notice slot'
                : 'Family took a short-notice slot instead',
            now: nowIso,
            noticeMinutes,
            late: false,
          })
        : []),
    ]);
  } catch (err) {
    if (failedOn(err, 'offer', 'offer-hold-open')) return lapsed(deps, offer, answer);
    if (failedOn(err, 'offer')) {
      return ended(deps, (await getOffer(store, offer.slotId, offer.id)) ?? offer, answer);
    }
    if (failedOn(err, 'slot')) return lostTheSlot(deps, offer, answer);
    if (failedOn(err, 'entry')) {
      // The family was taken off the list meanwhile: the offer lapses rather than booking them.
      await settleOffer(store, offer, undefined, 'EXPIRED', nowIso);
      return { outcome: 'expired', told: false };
    }
    throw err;
  }

  const events: DomainEvent[] = [
    appointmentBooked(booking),
    domainEvent('SlotFilled', {
      slotId: slot.id,
      bookingId: booking.id,
      offerId: offer.id,
      minutesToFill: Math.max(
        0,
        Math.round(
          (now.getTime() - new Date(slot.backfill?.startedAt ?? offer.offeredAt).getTime()) / 60_000,
        ),
      ),
      filledAt: nowIso,
    }),
  ];
  if (swap) {
    events.push(appointmentCancelled(swap, { by: 'swap', noticeMinutes, late: false, at: nowIso }));
  }
  await deps.events.publish(events);
  // The other families with a pending offer are told the slot has gone, once each, and stay on the list.
  await settleEndedRun(deps, slot.id);
  if (confirmation === 'answer') return { outcome: 'accepted', booking };
  return {
    outcome: 'accepted',
    booking: await confirmNewBooking(deps, booking, client, 'offer accept'),
  };
}

/** The hold had lapsed: the offer expires (if nobody has ended it yet) and the family is answered. */
async function lapsed(deps: Deps, offer: Offer, answer: boolean): Promise<AcceptOutcome> {
  const entry = await getEntry(deps.store, offer.entryId);
  await settleOffer(deps.store, offer, entry, 'EXPIRED', deps.now().toISOString());
  const fresh = (await getOffer(deps.store, offer.slotId, offer.id)) ?? offer;
  if (fresh.status !== 'EXPIRED') return ended(deps, fresh, answer);
  return { outcome: 'expired', told: answer ? await tell(deps, fresh) : false };
}

/**
 * The slot went (another family's YES, staff, a withdrawal) before this YES could book it: the offer
 * ends as the slot's run says, with its notice owed, and the family is answered with it (once).
 */
async function lostTheSlot(deps: Deps, offer: Offer, answer: boolean): Promise<AcceptOutcome> {
  const slot: Slot | undefined = await getSlot(deps.store, offer.slotId);
  const run = slot?.backfill;
  const now = deps.now().toISOString();
  const status =
    run && run.runId === offer.runId && !isOpen(run.state)
      ? OFFER_END_FOR_RUN[run.state as EndedRunState]
      : 'EXPIRED';
  const kind = NOTICE_ON_END[status];
  const textWent = offer.textStatus === 'SENT' || offer.textStatus === 'SENDING';
  const entry = await getEntry(deps.store, offer.entryId);
  const dueAt = noticeDueAt(now, deps.config.quietHours, deps.config.timeZone);
  await settleOffer(deps.store, offer, entry, status, now, kind && textWent ? { kind, dueAt } : undefined);
  return ended(deps, (await getOffer(deps.store, offer.slotId, offer.id)) ?? offer, answer);
}

/** An offer that has already ended: what became of it, and its notice as the answer (if not sent yet). */
async function ended(deps: Deps, offer: Offer, answer: boolean): Promise<AcceptOutcome> {
  if (offer.status === 'PENDING' || offer.status === 'ACCEPTED') {
    return { outcome: 'already-answered', status: offer.status, told: false };
  }
  const told = answer ? await tell(deps, offer) : false;
  if (offer.status === 'TAKEN') return { outcome: 'taken', told };
  if (offer.status === 'WITHDRAWN') return { outcome: 'withdrawn', told };
  if (offer.status === 'EXPIRED') return { outcome: 'expired', told };
  return { outcome: 'already-answered', status: offer.status, told };
}

async function tell(deps: Deps, offer: Offer): Promise<boolean> {
  if (offer.status === 'PENDING' || offer.status === 'ACCEPTED') return false;
  const [client, slot] = await Promise.all([
    getClient(deps.store, offer.clientId),
    getSlot(deps.store, offer.slotId),
  ]);
  return answerWithNotice(deps, offer, { status: offer.status, client, typeId: slot?.type });
}

/** NO: the offer is declined, the family stays on the list, and if nobody else holds an offer the next wave goes now. */
export async function declineOffer(deps: Deps, offer: Offer): Promise<'declined' | 'already-answered'> {
  const now = deps.now().toISOString();
  const entry = await getEntry(deps.store, offer.entryId);
  if (offer.status !== 'PENDING' || !entry) return 'already-answered';
  if (!(await settleOffer(deps.store, offer, entry, 'DECLINED', now))) return 'already-answered';
  const slot = await getSlot(deps.store, offer.slotId);
  if (slot) await nextWave(deps, slot);
  return 'declined';
}

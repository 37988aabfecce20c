/**
 * What the parent pages do, through the same services and transactions as texts and staff: open a link
 * (an unknown token and an ended link get the same answer), check the child's date of birth (or due
 * date) with a lock after five wrong answers, and then see, confirm, cancel, rebook or take an offer.
 * Every action acts on the link's own booking or offer, never on an id from the form.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import type { CancelReason } from '#core/cancel-reason.ts';
import { mapWithConcurrency } from '#core/concurrency.ts';
import { addDays } from '#core/dates.ts';
import { ageWindow } from '#core/eligibility.ts';
import { ConflictError } from '#core/errors.ts';
import { appointmentCancelled } from '#core/events.ts';
import { localDay } from '#core/local-time.ts';
import type { Booking, Client, Clinic, Slot } from '#core/model.ts';
import { LOCK_MINUTES, parentSessionEnds, TOKEN_PATTERN, tokenHash } from '#core/parent-links.ts';
import type { Offer } from '#core/waitlist.ts';
import { cancelBooking, getBooking } from '#store/bookings.ts';
import { getClient } from '#store/clients.ts';
import { getClinic } from '#store/clinics.ts';
import { addInboxItem } from '#store/inbox.ts';
import { getOffer } from '#store/offers.ts';
import {
  claimRebook,
  clearWrongTries,
  deleteParentSession,
  finishRebook,
  getParentLink,
  getParentSession,
  type ParentLink,
  type ParentSession,
  putParentSession,
  recordParentConfirmation,
  recordWrongTry,
} from '#store/parent-links.ts';
import { getSlot, slotsByClinicDay } from '#store/slots.ts';
import { entryIdFor, getEntry, linkCurrentBooking } from '#store/waitlist.ts';
import { cancellationNotice, checkHorizon, moveBooking } from './bookings.ts';
import type { Deps } from './deps.ts';
import { acceptOffer, declineOffer } from './offer-answers.ts';
import { addToWaitlist } from './waitlist.ts';

const MINUTE = 60_000;

export type OpenedLink =
  | { readonly state: 'ended' }
  /** Locked after wrong dates; the link is there for the page's language only (nothing is shown of it). */
  | { readonly state: 'locked'; readonly link: ParentLink }
  | { readonly state: 'open'; readonly hash: string; readonly link: ParentLink };

/**
 * The link for a token. A token that was never made and one whose link has ended both answer `ended`
 * after the same single read, so a guess learns nothing. One that cannot be a token (its shape is public)
 * is answered the same without reading anything.
 */
export async function openLink(deps: Deps, token: string): Promise<OpenedLink> {
  if (!TOKEN_PATTERN.test(token)) return { state: 'ended' };
  const hash = tokenHash(token);
  const link = await getParentLink(deps.store, hash);
  const now = deps.now().toISOString();
  if (!link || link.expiresAt <= now) return { state: 'ended' };
  if (link.lockedUntil && link.lockedUntil > now) return { state: 'locked', link };
  return { state: 'open', hash, link };
}

/** What a link is about, read after the link is open. */
export interface LinkSubject {
  readonly client: Client;
  readonly clinic: Clinic | undefined;
  readonly type: string;
  readonly startsAt: string;
  readonly durationMinutes: number;
  readonly booking?: Booking;
  readonly offer?: Offer;
  readonly slot?: Slot;
}

export async function loadSubject(deps: Deps, link: ParentLink): Promise<LinkSubject | undefined> {
  if (link.kind === 'booking' && link.bookingId) {
    const booking = await getBooking(deps.store, link.bookingId);
    if (!booking) return undefined;
    const [client, clinic] = await Promise.all([
      getClient(deps.store, booking.clientId),
      getClinic(deps.store, booking.clinicId),
    ]);
    if (!client) return undefined;
    return {
      client,
      clinic,
      type: booking.type,
      startsAt: booking.startsAt,
      durationMinutes: booking.durationMinutes,
      booking,
    };
  }
  if (link.kind === 'offer' && link.slotId && link.offerId) {
    const [offer, slot] = await Promise.all([
      getOffer(deps.store, link.slotId, link.offerId),
      getSlot(deps.store, link.slotId),
    ]);
    if (!offer || !slot) return undefined;
    const [client, clinic] = await Promise.all([
      getClient(deps.store, offer.clientId),
      getClinic(deps.store, slot.clinicId),
    ]);
    if (!client) return undefined;
    return {
      client,
      clinic,
      type: slot.type,
      startsAt: slot.startsAt,
      durationMinutes: slot.durationMinutes,
      offer,
      slot,
    };
  }
  return undefined;
}

/** Which date the check asks for: the due date for an antenatal contact, else the date of birth. */
export function identityQuestion(
  deps: Pick<Deps, 'config'>,
  subject: Pick<LinkSubject, 'client' | 'type'>,
): { kind: 'dob' | 'due'; date: string } | undefined {
  const from = deps.config.appointmentTypes[subject.type]?.ageWindowDays?.from;
  const { dateOfBirth, dueDate } = subject.client;
  if (from !== undefined && from < 0 && dueDate) return { kind: 'due', date: dueDate };
  if (dateOfBirth) return { kind: 'dob', date: dateOfBirth };
  if (dueDate) return { kind: 'due', date: dueDate };
  return undefined;
}

export type CheckResult = 'right' | 'wrong' | 'locked';

/** Checks the answer. A wrong one counts towards the lock; the fifth locks the link for an hour. */
export async function checkIdentity(
  deps: Deps,
  opened: { hash: string },
  expected: string | undefined,
  answer: string | undefined,
): Promise<CheckResult> {
  const now = deps.now();
  if (expected !== undefined && answer === expected) {
    return (await clearWrongTries(deps.store, opened.hash, now.toISOString())) ? 'right' : 'locked';
  }
  const until = new Date(now.getTime() + LOCK_MINUTES * MINUTE).toISOString();
  const result = await recordWrongTry(deps.store, opened.hash, now.toISOString(), until);
  return result.state === 'locked' ? 'locked' : 'wrong';
}

// --- sessions --------------------------------------------------------------------------------------

/** Until when the link's offer is held for the family, while it is open to be taken; else undefined. */
export function offerHeldUntil(
  deps: Pick<Deps, 'now'>,
  subject: Pick<LinkSubject, 'offer'>,
): string | undefined {
  const offer = subject.offer;
  if (offer?.status !== 'PENDING' || offer.expiresAt <= deps.now().toISOString()) return undefined;
  return offer.expiresAt;
}

/**
 * Whether the link's offer is over and not taken by this family (lapsed, declined, gone to another
 * family or withdrawn): its page then says so with nothing personal on it, so it needs no date check.
 */
export function offerIsOver(deps: Pick<Deps, 'now'>, subject: Pick<LinkSubject, 'offer'>): boolean {
  const offer = subject.offer;
  return offer !== undefined && offer.status !== 'ACCEPTED' && offerHeldUntil(deps, subject) === undefined;
}

/**
 * A parent session: the cookie holds a random 256-bit token, the table its SHA-256 (like staff sessions).
 * `heldUntil` (an offer's link, checked while the time is held) makes it last until the hold ends.
 */
export async function startParentSession(
  deps: Deps,
  linkHash: string,
  verified: boolean,
  heldUntil?: string,
): Promise<{ token: string; session: ParentSession }> {
  const token = randomBytes(32).toString('base64url');
  const now = deps.now();
  const session: ParentSession = {
    linkHash,
    verified,
    csrfSecret: randomBytes(32).toString('base64url'),
    createdAt: now.toISOString(),
    expiresAt: parentSessionEnds(now, heldUntil).toISOString(),
  };
  await putParentSession(deps.store, sessionHash(token), session);
  return { token, session };
}

const SESSION_TOKEN = /^[A-Za-z0-9_-]{43}$/;
const sessionHash = (token: string) => tokenHash(`session:${token}`);

/** The session a cookie names, if it is live; any link's (the caller checks it is this link's). */
export async function readParentSession(
  deps: Deps,
  token: string | undefined,
): Promise<ParentSession | undefined> {
  if (!token || !SESSION_TOKEN.test(token)) return undefined;
  const session = await getParentSession(deps.store, sessionHash(token));
  if (!session || session.expiresAt <= deps.now().toISOString()) return undefined;
  return session;
}

export async function endParentSession(deps: Deps, token: string | undefined): Promise<void> {
  if (token && SESSION_TOKEN.test(token)) await deleteParentSession(deps.store, sessionHash(token));
}

// --- actions ---------------------------------------------------------------------------------------

export type ActionResult<T extends string> = { readonly outcome: T };

function liveBooking(deps: Deps, subject: LinkSubject): Booking | undefined {
  const booking = subject.booking;
  if (booking?.status !== 'BOOKED') return undefined;
  return booking.startsAt > deps.now().toISOString() ? booking : undefined;
}

/** "We'll be there": recorded on the booking, where staff see it. */
export async function confirmAttendance(
  deps: Deps,
  subject: LinkSubject,
): Promise<'confirmed' | 'not-booked'> {
  const booking = liveBooking(deps, subject);
  if (!booking) return 'not-booked';
  return (await recordParentConfirmation(deps.store, booking.id, deps.now().toISOString()))
    ? 'confirmed'
    : 'not-booked';
}

/** The most a family may write in "Tell us more" (the page refuses more, keeping their words). */
export const PARENT_NOTE_MAX = 500;

/**
 * Cancels as a CANCEL text does: the booking and its slot in one transaction (the stream then offers the
 * slot to the short-notice list), AppointmentCancelled, and the reason recorded on the booking. Any words
 * the family wrote under "Tell us more" go to the staff inbox (whatever reason they chose, or none), not
 * onto the booking: a family who wrote something expects someone to read it.
 */
export async function cancelFromPage(
  deps: Deps,
  subject: LinkSubject,
  input: { reason?: CancelReason; otherText?: string },
): Promise<'cancelled' | 'not-booked'> {
  const booking = liveBooking(deps, subject);
  if (!booking) return 'not-booked';
  const now = deps.now();
  const notice = cancellationNotice(deps, booking.startsAt, now);
  try {
    await cancelBooking(
      deps.store,
      {
        bookingId: booking.id,
        by: 'parent-page',
        reason: 'Family cancelled on the parent page',
        now: now.toISOString(),
        noticeMinutes: notice.minutes,
        late: notice.late,
        ...(input.reason && { category: input.reason }),
      },
      booking,
    );
  } catch (err) {
    if (err instanceof ConflictError) return 'not-booked';
    throw err;
  }
  await deps.events.publish([
    appointmentCancelled(booking, {
      by: 'parent-page',
      noticeMinutes: notice.minutes,
      late: notice.late,
      at: now.toISOString(),
    }),
  ]);
  const words = input.otherText?.trim();
  if (words) {
    await addInboxItem(
      deps.store,
      {
        id: randomUUID(),
        messageId: randomUUID(),
        phone: booking.phone,
        body: words.slice(0, PARENT_NOTE_MAX),
        receivedAt: now.toISOString(),
        reason: 'parent-page',
        intent: 'CANCEL',
        clientIds: [booking.clientId],
        bookingIds: [booking.id],
      },
      deps.config.messages.retentionDays,
    );
  }
  return 'cancelled';
}

/** How far ahead the rebook page looks, at most (the booking horizon caps it). */
const REBOOK_LOOKAHEAD_DAYS = 42;

/**
 * The times the family may move to: free slots (or slots being offered) of the same type, at the
 * clinics they can get to (their short-notice entry's, else the booking's), inside the child's Healthy
 * Child Programme window and the booking horizon, starting at least `booking.parentRebookNoticeMinutes`
 * from now (a duration before the slot's UTC start; staff moves have no such notice).
 */
export async function rebookChoices(deps: Deps, subject: LinkSubject): Promise<Slot[]> {
  const earliest = rebookEarliestStart(deps);
  return (await rebookCandidates(deps, subject)).filter((slot) => slot.startsAt >= earliest);
}

/** The earliest start a parent may move to on the page now (ISO, UTC). */
function rebookEarliestStart(deps: Deps): string {
  const noticeMs = deps.config.booking.parentRebookNoticeMinutes * 60_000;
  return new Date(deps.now().getTime() + noticeMs).toISOString();
}

/** rebookChoices without the notice: every time not yet started. */
async function rebookCandidates(deps: Deps, subject: LinkSubject): Promise<Slot[]> {
  const booking = liveBooking(deps, subject);
  if (!booking) return [];
  const type = deps.config.appointmentTypes[booking.type];
  if (!type) return [];
  const entry = await getEntry(deps.store, entryIdFor(booking.clientId, booking.type));
  const clinicIds = entry?.acceptableClinicIds.length ? entry.acceptableClinicIds : [booking.clinicId];
  const now = deps.now();
  const today = localDay(now, deps.config.timeZone);
  const window = ageWindow(type, subject.client);
  const horizon = Math.min(REBOOK_LOOKAHEAD_DAYS, deps.config.booking.horizonDays);
  const first = window && window.earliest > today ? window.earliest : today;
  const last = addDays(today, horizon);
  const end = window && window.latest < last ? window.latest : last;
  const days: string[] = [];
  for (let day = first; day <= end; day = addDays(day, 1)) days.push(day);
  const pairs = clinicIds.flatMap((clinicId) => days.map((day) => ({ clinicId, day })));
  const pages = await mapWithConcurrency(pairs, 16, ({ clinicId, day }) =>
    slotsByClinicDay(deps.store, clinicId, day, { limit: 200 }),
  );
  const nowIso = now.toISOString();
  return pages
    .flatMap((page) => page.items)
    .filter(
      (slot) =>
        slot.type === booking.type &&
        (slot.status === 'FREE' || slot.status === 'OFFERING') &&
        slot.id !== booking.slotId &&
        slot.startsAt > nowIso &&
        !isBeyondHorizon(deps, slot, now),
    )
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

function isBeyondHorizon(deps: Deps, slot: Slot, now: Date): boolean {
  try {
    checkHorizon(deps, slot, now, false);
    return false;
  } catch {
    return true;
  }
}

/**
 * `not-offered`: no time we offer this family has that id (none ever did, or it was withdrawn, or it is
 * one the page never offers them); `slot-taken`: a time of theirs that another family booked first.
 */
export type RebookOutcome = 'moved' | 'used' | 'not-booked' | 'not-offered' | 'slot-taken' | 'too-soon';

/** How long before a post a time another family booked counts as taken "meanwhile" (ms): a page's span. */
const TAKEN_MEANWHILE_MS = 60 * 60_000;

/**
 * Whether a chosen time that is no longer offered was one the page could have offered this family (the
 * booking's type, at its clinic, still to come) that another family booked within the last hour, while
 * the page was open: "someone took it", not "not a time we offer". Any other booked slot (booked long
 * ago, another clinic or type) is "not available": the page does not tell a family that some other
 * slot id exists and is booked.
 */
async function takenMeanwhile(deps: Deps, booking: Booking, slotId: string): Promise<boolean> {
  const slot = await getSlot(deps.store, slotId);
  if (
    slot?.status !== 'BOOKED' ||
    !slot.bookingId ||
    slot.id === booking.slotId ||
    slot.type !== booking.type ||
    slot.clinicId !== booking.clinicId ||
    slot.startsAt <= deps.now().toISOString()
  )
    return false;
  const taker = await getBooking(deps.store, slot.bookingId);
  const since = new Date(deps.now().getTime() - TAKEN_MEANWHILE_MS).toISOString();
  return taker !== undefined && taker.bookedAt >= since;
}

/**
 * Moves the booking to the chosen slot, as POST /bookings/{id}/move does (one transaction; the old slot
 * is freed). The link rebooks once: its claim is taken first and handed back if the move fails.
 */
export async function rebookFromPage(
  deps: Deps,
  opened: { hash: string },
  subject: LinkSubject,
  slotId: string,
): Promise<{ outcome: RebookOutcome; booking?: Booking }> {
  const booking = liveBooking(deps, subject);
  if (!booking) return { outcome: 'not-booked' };
  // Only a time the page offers this family now: not any slot id posted to it, nor a time a page left
  // open (or a forged form) chose that now starts inside the notice.
  const chosen = (await rebookCandidates(deps, subject)).find((s) => s.id === slotId);
  if (!chosen)
    return { outcome: (await takenMeanwhile(deps, booking, slotId)) ? 'slot-taken' : 'not-offered' };
  if (chosen.startsAt < rebookEarliestStart(deps)) return { outcome: 'too-soon' };
  const claimedAt = deps.now().toISOString();
  if (!(await claimRebook(deps.store, opened.hash, claimedAt))) return { outcome: 'used' };
  try {
    const moved = await moveBooking(deps, {
      bookingId: booking.id,
      slotId,
      reason: 'the family chose a new time on the parent page',
      by: 'parent-page',
      movedBy: 'parent-page',
    });
    await finishRebook(deps.store, opened.hash, { claimedAt, movedTo: moved.to.id });
    return { outcome: 'moved', booking: moved.to };
  } catch (err) {
    await finishRebook(deps.store, opened.hash, { claimedAt });
    if (err instanceof ConflictError && err.code === 'SLOT_NOT_FREE') return { outcome: 'slot-taken' };
    if (err instanceof ConflictError) return { outcome: 'not-booked' };
    throw err;
  }
}

/** Nothing fits: the family joins the short-notice list for this type, keeping their booking meanwhile. */
export async function joinListFromPage(deps: Deps, subject: LinkSubject): Promise<'joined' | 'not-booked'> {
  const booking = liveBooking(deps, subject);
  if (!booking) return 'not-booked';
  const id = entryIdFor(booking.clientId, booking.type);
  const existing = await getEntry(deps.store, id);
  // Already on the list (staff put them there, or they asked before): the entry now names this booking,
  // so a time they take replaces it rather than booking a second appointment.
  if (
    (existing?.status === 'WAITING' || existing?.status === 'OFFERED') &&
    (await linkCurrentBooking(deps.store, id, booking.id, deps.now().toISOString()))
  ) {
    return 'joined';
  }
  await addToWaitlist(
    deps,
    {
      clientId: booking.clientId,
      type: booking.type,
      acceptableClinicIds: existing?.acceptableClinicIds.length
        ? existing.acceptableClinicIds
        : [booking.clinicId],
      ...(existing?.availability.length && { availability: existing.availability }),
      consentToShortNotice: true,
      currentBookingId: booking.id,
      rebookRequests: (existing?.rebookRequests ?? 0) + 1,
    },
    subject.client,
  ).catch(async (err: unknown) => {
    // Put on the list in the meantime (two taps at once): link this booking to that entry instead.
    if (!(err instanceof ConflictError && err.code === 'ALREADY_WAITING')) throw err;
    await linkCurrentBooking(deps.store, id, booking.id, deps.now().toISOString());
  });
  return 'joined';
}

export type TakeOfferOutcome = 'accepted' | 'gone' | 'expired' | 'already-accepted';

/**
 * Takes a short-notice offer: the same transaction as a YES by text, so the first wins. Unlike a YES
 * by text (whose answer is the confirmation) the family then gets the normal confirmation text, with
 * the reference, under the usual consent and quiet-hours rules.
 */
export async function takeOfferFromPage(
  deps: Deps,
  subject: LinkSubject,
): Promise<{ outcome: TakeOfferOutcome; booking?: Booking }> {
  if (!subject.offer) return { outcome: 'gone' };
  const result = await acceptOffer(deps, subject.offer, { answer: false, confirmation: 'send' });
  switch (result.outcome) {
    case 'accepted':
      return { outcome: 'accepted', booking: result.booking };
    case 'taken':
    case 'withdrawn':
      return { outcome: 'gone' };
    case 'expired':
      return { outcome: 'expired' };
    case 'already-answered':
      return { outcome: result.status === 'ACCEPTED' ? 'already-accepted' : 'gone' };
  }
}

export type DeclineOfferOutcome = 'declined' | 'gone' | 'expired' | 'already-accepted';

/**
 * "No thanks" on the offer page: the same state machine as a NO by text (PENDING → DECLINED, the family
 * stays on the list, and the next wave goes at once if nobody else holds an offer), so the next family
 * is offered sooner. An offer that has already ended says what became of it.
 */
export async function declineOfferFromPage(
  deps: Deps,
  subject: LinkSubject,
): Promise<{ outcome: DeclineOfferOutcome }> {
  const offer = subject.offer;
  if (!offer) return { outcome: 'gone' };
  if (offer.status === 'PENDING' && offer.expiresAt <= deps.now().toISOString())
    return { outcome: 'expired' };
  if (offer.status === 'PENDING' && (await declineOffer(deps, offer)) === 'declined')
    return { outcome: 'declined' };
  // Answered meanwhile (a YES or NO by text, the hold lapsing, the slot going): what it is now.
  const current = (await getOffer(deps.store, offer.slotId, offer.id)) ?? offer;
  switch (current.status) {
    case 'ACCEPTED':
      return { outcome: 'already-accepted' };
    case 'DECLINED':
      return { outcome: 'declined' };
    case 'TAKEN':
    case 'WITHDRAWN':
      return { outcome: 'gone' };
    default:
      return { outcome: 'expired' };
  }
}

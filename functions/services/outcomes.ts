import type { CancelReason } from '#core/cancel-reason.ts';
/**
 * Outcomes (ATTENDED, DNA, WNB) and the Was-Not-Brought follow-ups they can open. A follow-up is for
 * the child's named health visitor to act on; nothing here discharges a child or closes a follow-up.
 */

import type { EventPathConfig } from '#core/config/event-path-config.ts';
import { ConflictError, NotFoundError } from '#core/errors.ts';
import { domainEvent } from '#core/events.ts';
import type { Booking, BookingOutcome, Client } from '#core/model.ts';
import { withRetry } from '#core/retry.ts';
import { getBooking } from '#store/bookings.ts';
import { getClient } from '#store/clients.ts';
import { getTombstone } from '#store/erasure.ts';
import {
  type FollowUp,
  type FollowUpReason,
  followUpIdFor,
  getFollowUp,
  markAnnounced,
} from '#store/follow-ups.ts';
import { bookingAfterOutcome, type OutcomeWrite, writeOutcome } from '#store/outcomes.ts';
import type { Deps } from './deps.ts';
import { asksAfter, sendDnaFollowUp } from './dna-follow-up.ts';

export interface OutcomeInput {
  bookingId: string;
  outcome: BookingOutcome;
  note?: string;
  /** For DNA or WNB: why the family missed it (staff's outcome note, as a reason metrics count). */
  category?: CancelReason;
  by: string;
}

export interface OutcomeResult {
  booking: Booking;
  /** The child's attendance history with this outcome counted. */
  history: Client['history'];
  /** Opened by this outcome, when it was a WNB that escalates. */
  followUp?: FollowUp;
}

/** The client's history once an outcome is counted. */
export function historyAfter(history: Client['history'], outcome: BookingOutcome): Client['history'] {
  switch (outcome) {
    case 'ATTENDED':
      return { ...history, attended: history.attended + 1, consecutiveWnb: 0 };
    case 'DNA':
      return { ...history, dna: history.dna + 1 };
    case 'WNB':
      return { ...history, wnb: history.wnb + 1, consecutiveWnb: history.consecutiveWnb + 1 };
  }
}

/**
 * Whether a WNB opens a follow-up: the child has now not been brought `wnbEscalationThreshold` times in
 * a row (every further WNB in the run opens one too), or any WNB for a child flagged vulnerable.
 */
export function escalationFor(
  config: Pick<EventPathConfig, 'booking'>,
  outcome: BookingOutcome,
  after: Client['history'],
  vulnerable: boolean,
): FollowUpReason | undefined {
  if (outcome !== 'WNB') return undefined;
  if (after.consecutiveWnb >= config.booking.wnbEscalationThreshold) return 'repeated-wnb';
  if (vulnerable) return 'vulnerable-wnb';
  return undefined;
}

/** Concurrent outcomes for one child each re-read the history and try again, this many times at most. */
const MAX_ATTEMPTS = 5;

/**
 * Records an outcome for a booking whose start has passed. The booking, the child's history and (for
 * an escalating WNB) a new follow-up change together in one transaction; WasNotBroughtEscalation is
 * then announced. Reads here only explain a refusal: every rule is a condition on the write.
 */
export async function recordOutcome(deps: Deps, input: OutcomeInput): Promise<OutcomeResult> {
  return withRetry(() => attemptOutcome(deps, input), {
    attempts: MAX_ATTEMPTS,
    retryIf: (err) => err instanceof OutcomeRace,
  }).catch((err: unknown) => {
    if (err instanceof OutcomeRace) {
      throw new ConflictError('The outcome could not be recorded; please try again', 'TRANSACTION_CONFLICT');
    }
    throw err;
  });
}

/** Another outcome for the same child landed first (or a conflict): read again and work it out afresh. */
class OutcomeRace extends Error {}

async function attemptOutcome(deps: Deps, input: OutcomeInput): Promise<OutcomeResult> {
  const { store } = deps;
  const booking = await getBooking(store, input.bookingId);
  if (!booking) throw new NotFoundError(`Booking ${input.bookingId} does not exist`);
  if (booking.status !== 'BOOKED') throw await notOpen(deps, booking, input.outcome);
  const now = deps.now().toISOString();
  if (booking.startsAt > now) {
    throw new ConflictError(
      `Booking ${booking.id} starts at ${booking.startsAt}; record its outcome once it has started`,
      'NOT_STARTED',
    );
  }
  const client = await getClient(store, booking.clientId);
  if (!client) throw await clientGone(deps, booking.clientId);

  const history = historyAfter(client.history, input.outcome);
  const reason = escalationFor(deps.config, input.outcome, history, client.flags.vulnerable);
  const followUp: FollowUp | undefined = reason && {
    id: followUpIdFor(booking.id),
    clientId: client.id,
    bookingId: booking.id,
    namedHealthVisitor: client.namedHealthVisitor,
    reason,
    consecutiveWnb: history.consecutiveWnb,
    vulnerable: client.flags.vulnerable,
    status: 'OPEN',
    openedAt: now,
    openedBy: input.by,
  };
  const write: OutcomeWrite = {
    bookingId: booking.id,
    outcome: input.outcome,
    by: input.by,
    now,
    note: input.note,
    ...(input.category && input.outcome !== 'ATTENDED' && { category: input.category }),
    client,
    followUp,
  };
  const written = await writeOutcome(store, write);
  if (written === 'recorded') {
    deps.log.info('outcome recorded', {
      bookingId: booking.id,
      outcome: input.outcome,
      followUpId: followUp?.id,
    });
    const announcedAt = followUp && (await announce(deps, followUp));
    const recorded = bookingAfterOutcome(booking, write);
    // The after-DNA question writes its own state on the booking (claimed, then sent, held or not sent),
    // so when it is asked the booking is read back; otherwise it stands as written.
    const asked = await askWhy(deps, recorded);
    return {
      booking: asked ? ((await getBooking(store, booking.id)) ?? recorded) : recorded,
      history,
      followUp:
        followUp &&
        (announcedAt ? { ...followUp, announcedAt } : ((await getFollowUp(store, followUp.id)) ?? followUp)),
    };
  }
  // 'booking-not-open': the next read says why. 'client-changed' or 'conflict': another outcome for
  // the same child landed first, so the history (and the escalation) is worked out again.
  throw new OutcomeRace(written);
}

/** Why a booking that is not BOOKED takes no outcome; a retried WNB also finishes announcing. */
async function notOpen(deps: Deps, booking: Booking, outcome: BookingOutcome): Promise<ConflictError> {
  if (booking.status === 'CANCELLED') {
    return new ConflictError(`Booking ${booking.id} was cancelled; it has no outcome`, 'BOOKING_CANCELLED');
  }
  // A repeated outcome (a retried request) finishes asking why if the first stopped before it; the
  // question's claim on the booking keeps it to one text.
  if (booking.status === outcome) await askWhy(deps, booking);
  if (booking.status === 'WNB' && outcome === 'WNB') {
    // The first request recorded the WNB but may have failed before the event went out.
    const followUp = await getFollowUp(deps.store, followUpIdFor(booking.id));
    if (followUp && !followUp.announcedAt) await announce(deps, followUp);
  }
  return new ConflictError(
    `Booking ${booking.id} already has its outcome (${booking.status})`,
    'OUTCOME_ALREADY_RECORDED',
  );
}

async function clientGone(deps: Deps, clientId: string): Promise<Error> {
  if (await getTombstone(deps.store, clientId)) {
    return new ConflictError(`Client ${clientId} was erased; no outcome can be recorded`, 'CLIENT_ERASED');
  }
  return new NotFoundError(`Client ${clientId} does not exist`);
}

/**
 * The optional after-DNA question (services/dna-follow-up.ts); the outcome stands if it fails. Returns
 * whether it was asked here, i.e. whether it may have written to the booking.
 */
async function askWhy(deps: Deps, booking: Booking): Promise<boolean> {
  if (!asksAfter(deps, booking.status)) return false;
  try {
    const outcome = await sendDnaFollowUp(deps, booking);
    deps.log.info('after-DNA question', { bookingId: booking.id, outcome });
  } catch (err) {
    deps.log.warn('after-DNA question failed', { bookingId: booking.id, error: (err as Error).name });
  }
  return true;
}

/**
 * Publishes WasNotBroughtEscalation and marks the follow-up announced. Returns the `announcedAt` (ISO
 * instant) this call stored, or undefined when it was already announced.
 */
async function announce(deps: Deps, followUp: FollowUp): Promise<string | undefined> {
  await deps.events.publish([
    domainEvent('WasNotBroughtEscalation', {
      clientId: followUp.clientId,
      bookingId: followUp.bookingId,
      followUpId: followUp.id,
      consecutiveWnb: followUp.consecutiveWnb,
      reason: followUp.reason,
      at: followUp.openedAt,
    }),
  ]);
  return markAnnounced(deps.store, followUp.id, deps.now().toISOString());
}

/**
 * The short-notice state machine, in one table: every event that changes a slot, what it needs the
 * slot (and its run) to be, and what they become; and how an offer ends and which notice that owes its
 * family. The store builds each write's condition from these rows (functions/store/slot-runs.ts), so a
 * slot's status is only ever changed by a row of this table.
 *
 *   slot:   FREE ──start──▶ OFFERING ──accept / staff book──▶ BOOKED ──cancel, move out──▶ FREE
 *             │                │  └──────withdraw──────▶ WITHDRAWN ──reopen──▶ FREE
 *             └──staff book / withdraw──▶ BOOKED / WITHDRAWN       OFFERING ──cutoff──▶ FREE
 *   run:    (freed) ──▶ OFFERING ⇄ WAITING_FOR_DAYTIME ──▶ FILLED | FILLED_BY_STAFF | UNFILLED | WITHDRAWN
 *           (freed) ──▶ NOT_OFFERED | UNFILLED (never offered) | FILLED_BY_STAFF | WITHDRAWN (ended first)
 *   offer:  PENDING ──▶ ACCEPTED | DECLINED | EXPIRED | TAKEN | WITHDRAWN
 */
import type { TemplateKey } from './config/templates.ts';
import type { RUN_STATES, Slot } from './model.ts';
import type { QuietHours } from './quiet-hours.ts';
import { isQuiet, nextAllowedAfter } from './quiet-hours.ts';
import type { NoticeKind, OfferStatus } from './waitlist.ts';

export type SlotStatus = Slot['status'];
export type RunState = (typeof RUN_STATES)[number];
export type Run = NonNullable<Slot['backfill']>;

/** A run is open while it may still send offers; every other state is an outcome, recorded once. */
export const OPEN_RUN_STATES = ['OFFERING', 'WAITING_FOR_DAYTIME'] as const satisfies readonly RunState[];
export const ENDED_RUN_STATES = [
  'FILLED',
  'FILLED_BY_STAFF',
  'UNFILLED',
  'NOT_OFFERED',
  'WITHDRAWN',
] as const satisfies readonly RunState[];
export type EndedRunState = (typeof ENDED_RUN_STATES)[number];

export const isOpen = (state: RunState | undefined): boolean =>
  state === 'OFFERING' || state === 'WAITING_FOR_DAYTIME';

/**
 * Where a slot's latest freeing stands: `unstarted` (freed, and the stream has not started its run
 * yet), `open`, `ended`, or `none` (never freed: a slot made for ordinary booking).
 */
export type RunPhase = 'none' | 'unstarted' | 'open' | 'ended';

export function runPhase(slot: Pick<Slot, 'freedAt' | 'backfill'>): RunPhase {
  if (slot.backfill && isOpen(slot.backfill.state)) return 'open';
  if (!slot.freedAt) return slot.backfill ? 'ended' : 'none';
  return slot.backfill?.runId === slot.freedAt ? 'ended' : 'unstarted';
}

/** What an event does to the slot's run: start it, move it on, or end it with an outcome. */
interface RunChange {
  /** The phases the run may be in. */
  readonly from: readonly RunPhase[];
  /** The run states it may be in, when it is open. */
  readonly states?: readonly RunState[];
  /** What it becomes; an open or unstarted run only (an ended run keeps its outcome). */
  readonly to: readonly RunState[];
}

export interface SlotEvent {
  readonly slot: { readonly from: readonly SlotStatus[]; readonly to: SlotStatus };
  readonly run?: RunChange;
  /** How the run's PENDING offers end when this event ends the run. */
  readonly pendingOffers?: OfferStatus;
}

const OPEN = OPEN_RUN_STATES;

/** The table. An event not listed here never changes a slot's status. */
export const SLOT_EVENTS = {
  /** A cancellation, a move out or a swap: BOOKED → FREE with a new freedAt (a new run is due). */
  free: { slot: { from: ['BOOKED'], to: 'FREE' } },
  /** The stream starts the run for a freeing: offers now, or in the morning. */
  startOffering: {
    slot: { from: ['FREE'], to: 'OFFERING' },
    run: { from: ['unstarted'], to: ['OFFERING', 'WAITING_FOR_DAYTIME'] },
  },
  /** The stream records that a freeing is not offered: too far ahead, or already past the cutoff. */
  startNotOffering: {
    slot: { from: ['FREE'], to: 'FREE' },
    run: { from: ['unstarted'], to: ['NOT_OFFERED', 'UNFILLED'] },
  },
  /** A wave is claimed (its number, and a short lease while its offers are made). */
  claimWave: {
    slot: { from: ['OFFERING'], to: 'OFFERING' },
    run: { from: ['open'], states: OPEN, to: ['OFFERING'] },
  },
  /** Quiet hours: the next wave waits for the morning. */
  waitForDaytime: {
    slot: { from: ['OFFERING'], to: 'OFFERING' },
    run: { from: ['open'], states: OPEN, to: ['WAITING_FOR_DAYTIME'] },
  },
  /** The cutoff passed, or nobody eligible is left: the slot goes back to schedulers. */
  endUnfilled: {
    slot: { from: ['OFFERING'], to: 'FREE' },
    run: { from: ['open'], states: OPEN, to: ['UNFILLED'] },
    pendingOffers: 'EXPIRED',
  },
  /** A family's YES. */
  acceptOffer: {
    slot: { from: ['OFFERING'], to: 'BOOKED' },
    run: { from: ['open'], states: OPEN, to: ['FILLED'] },
    pendingOffers: 'TAKEN',
  },
  /** Staff book it (POST /bookings), move a booking into it, or the EPR import books it. */
  bookByStaff: {
    slot: { from: ['FREE', 'OFFERING'], to: 'BOOKED' },
    run: { from: ['unstarted', 'open'], states: OPEN, to: ['FILLED_BY_STAFF'] },
    pendingOffers: 'WITHDRAWN',
  },
  /** Staff (POST /slots/{id}/withdraw) or the EPR import take the slot away. */
  withdraw: {
    slot: { from: ['FREE', 'OFFERING'], to: 'WITHDRAWN' },
    run: { from: ['unstarted', 'open'], states: OPEN, to: ['WITHDRAWN'] },
    pendingOffers: 'WITHDRAWN',
  },
  /** The EPR import puts a withdrawn slot back. */
  reopen: { slot: { from: ['WITHDRAWN'], to: 'FREE' } },
} as const satisfies Record<string, SlotEvent>;
export type SlotEventName = keyof typeof SLOT_EVENTS;

/** Whether `event` may happen to a slot in this state (its status, and its run where the row says). */
export function allows(event: SlotEventName, slot: Pick<Slot, 'status' | 'freedAt' | 'backfill'>): boolean {
  const row: SlotEvent = SLOT_EVENTS[event];
  if (!row.slot.from.includes(slot.status)) return false;
  if (!row.run) return true;
  const phase = runPhase(slot);
  // Staff booking and withdrawal also apply to a slot with no run (never freed, or its run ended).
  const runOptional = event === 'bookByStaff' || event === 'withdraw';
  if (!row.run.from.includes(phase)) return runOptional && (phase === 'none' || phase === 'ended');
  return phase !== 'open' || !row.run.states || row.run.states.includes(slot.backfill!.state);
}

/**
 * What staff booking or withdrawing a slot does to its run: ends an open one with the row's outcome,
 * records an unstarted one as ended at once (so the freeing is still counted as filled or withdrawn),
 * or nothing (no run, or its outcome is already recorded).
 */
export type RunSettlement =
  | { kind: 'end-open'; runId: string; state: EndedRunState }
  | { kind: 'record-unstarted'; run: Run }
  | { kind: 'none' };

export function settlementFor(
  event: 'bookByStaff' | 'withdraw',
  slot: Pick<Slot, 'freedAt' | 'backfill'>,
  input: { now: string; reason: string; bookingId?: string },
): RunSettlement {
  const state = SLOT_EVENTS[event].run.to[0];
  const phase = runPhase(slot);
  if (phase === 'open') return { kind: 'end-open', runId: slot.backfill!.runId, state };
  if (phase !== 'unstarted') return { kind: 'none' };
  return {
    kind: 'record-unstarted',
    run: {
      runId: slot.freedAt!,
      state,
      wave: 0,
      offersMade: 0,
      startedAt: slot.freedAt!,
      endedAt: input.now,
      reason: input.reason,
      ...(input.bookingId ? { bookingId: input.bookingId } : {}),
    },
  };
}

/** How a run's PENDING offers end once the run has ended this way. */
export const OFFER_END_FOR_RUN: Record<EndedRunState, Exclude<OfferStatus, 'PENDING' | 'ACCEPTED'>> = {
  FILLED: 'TAKEN',
  FILLED_BY_STAFF: 'WITHDRAWN',
  WITHDRAWN: 'WITHDRAWN',
  UNFILLED: 'EXPIRED',
  NOT_OFFERED: 'EXPIRED',
};

// ---------------------------------------------------------------------------------------------------
// Offers

export const OFFER_EVENTS = {
  accept: { from: ['PENDING'], to: 'ACCEPTED' },
  decline: { from: ['PENDING'], to: 'DECLINED' },
  expire: { from: ['PENDING'], to: 'EXPIRED' },
  take: { from: ['PENDING'], to: 'TAKEN' },
  withdraw: { from: ['PENDING'], to: 'WITHDRAWN' },
} as const satisfies Record<string, { from: readonly OfferStatus[]; to: OfferStatus }>;

/**
 * The notice an offer's end owes a family who was texted the offer, unprompted: the slot went to
 * another family, or staff took it back. A lapsed hold or a NO owes none (the offer text said how long
 * it lasts; a NO is answered as a reply).
 */
export const NOTICE_ON_END: Partial<Record<OfferStatus, NoticeKind>> = {
  TAKEN: 'TAKEN',
  WITHDRAWN: 'WITHDRAWN',
};

/** The answer to a YES for an offer that has already ended (the same once-per-offer notice). */
export const ANSWER_TO_YES: Record<Exclude<OfferStatus, 'PENDING' | 'ACCEPTED'>, NoticeKind> = {
  TAKEN: 'TAKEN',
  WITHDRAWN: 'WITHDRAWN',
  EXPIRED: 'EXPIRED',
  DECLINED: 'EXPIRED',
};

export const NOTICE_TEMPLATE: Record<NoticeKind, TemplateKey> = {
  TAKEN: 'offerTaken',
  WITHDRAWN: 'offerWithdrawn',
  EXPIRED: 'offerExpired',
};

/** When a notice owed at `now` may go: now, or when quiet hours end. */
export function noticeDueAt(now: string, quietHours: QuietHours, timeZone: string): string {
  return isQuiet(now, quietHours, timeZone) ? nextAllowedAfter(now, quietHours, timeZone).toISOString() : now;
}

/**
 * Whether a held notice still matters when it falls due: not once the slot has started, and not when a
 * newer notice to the same phone goes in the same sweep (it says the same thing: the time has gone).
 */
export function noticeDropReason(input: {
  slotStartsAt: string | undefined;
  now: string;
  supersededByNewer: boolean;
}): 'slot-started' | 'superseded' | undefined {
  if (!input.slotStartsAt || input.slotStartsAt <= input.now) return 'slot-started';
  if (input.supersededByNewer) return 'superseded';
  return undefined;
}

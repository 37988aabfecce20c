/**
 * Every write that changes a slot's status or its short-notice run, one function per row of the table
 * in core/offer-run.ts. Each is conditional on the slot being in a state the row allows, built from
 * named pieces, so a refusal names what was not so ("slot-is-offering", "run-is-current"). Nothing
 * else in Attend writes a slot's `status` or `backfill`.
 *
 * While a run is open the slot also sits in the offersByExpiry index with the time its next check is
 * due (quiet hours ending, the current wave's holds lapsing). A write that ends a run makes the check
 * due at once: whoever ended it settles the run's pending offers straight after, and if that caller
 * dies first the offer sweep finds the slot and does it.
 */
import { ConditionFailedError } from '#core/errors.ts';
import type { Booking, Slot } from '#core/model.ts';
import {
  allows,
  OPEN_RUN_STATES,
  type Run,
  runPhase,
  SLOT_EVENTS,
  type SlotEventName,
  settlementFor,
} from '#core/offer-run.ts';
import {
  failedOn,
  type Piece,
  transact,
  type UpdateSpec,
  update,
  type Write,
  when,
  writeOne,
} from './conditions.ts';
import type { StoreContext } from './context.ts';
import { keys, offersByExpiry } from './keys.ts';

/** The named pieces of a slot's conditions. */
export const slotIs = {
  present: when.exists('slot-exists'),
  /** The slot's status is one the table's row for `event` allows. */
  readyFor: (event: SlotEventName): Piece => {
    const from = SLOT_EVENTS[event].slot.from;
    return when.oneOf(`slot-is-${from.join('-or-').toLowerCase()}`, 'status', from);
  },
  /** The slot's status is still the one that was read. */
  still: (status: Slot['status']): Piece => when.equals(`slot-is-${status.toLowerCase()}`, 'status', status),
  holding: (bookingId: string): Piece => when.equals('slot-holds-booking', 'bookingId', bookingId),
  /** The latest freeing is the one that was read (none, if none was). */
  freedAt: (freedAt: string | undefined): Piece =>
    freedAt ? when.equals('freeing-unchanged', 'freedAt', freedAt) : when.absent('never-freed', 'freedAt'),
} as const;

export const runIs = {
  current: (runId: string): Piece => when.equals('run-is-current', 'backfill.runId', runId),
  open: (states: readonly string[] = OPEN_RUN_STATES): Piece =>
    when.oneOf('run-is-open', 'backfill.state', states),
  notStarted: (runId: string): Piece => when.differs('run-not-started', 'backfill.runId', runId),
  atWave: (wave: number): Piece => when.equals('wave-unchanged', 'backfill.wave', wave),
  /** Nobody else holds a live lease on making the next wave. */
  notBeingMade: (now: string): Piece =>
    when.anyOf(
      'wave-not-being-made',
      when.absent('no-lease', 'backfill.openingUntil'),
      when.before('lease-lapsed', 'backfill.openingUntil', now),
    ),
} as const;

const slotUpdate = (ctx: StoreContext, slotId: string, spec: UpdateSpec): Write =>
  update(ctx, 'slot', keys.slot(slotId), spec);

const checkAt = (slotId: string, at: string) => {
  const check = offersByExpiry.slotCheck(slotId, at);
  return { expiryShard: check.expiryShard, expiryDueAt: check.expiryDueAt };
};

/** Pieces for a row whose run must be open: the slot's status, and the run the caller saw. */
function openRunPieces(event: SlotEventName, slot: Pick<Slot, 'backfill'>): Piece[] {
  const row = SLOT_EVENTS[event] as { run?: { states?: readonly string[] } };
  return [slotIs.readyFor(event), runIs.current(slot.backfill!.runId), runIs.open(row.run?.states)];
}

/** False (and nothing written) when the condition failed on the slot: the caller lost a race. */
async function attempt(ctx: StoreContext, write: Write): Promise<boolean> {
  try {
    await writeOne(ctx, write);
    return true;
  } catch (err) {
    if (failedOn(err, 'slot')) return false;
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------------
// The run, from the stream and the sweep

/**
 * startOffering / startNotOffering: records the run for the slot's latest freeing. False when the run
 * has started already (a redelivered stream record) or the slot is not FREE any more.
 */
export function startRun(
  ctx: StoreContext,
  slot: Slot,
  input: { run: Run; now: string; checkAt?: string },
): Promise<boolean> {
  const offering = input.run.state === 'OFFERING' || input.run.state === 'WAITING_FOR_DAYTIME';
  const event = offering ? 'startOffering' : 'startNotOffering';
  return attempt(
    ctx,
    slotUpdate(ctx, slot.id, {
      set: {
        backfill: input.run,
        updatedAt: input.now,
        status: SLOT_EVENTS[event].slot.to,
        ...(input.checkAt ? checkAt(slot.id, input.checkAt) : {}),
      },
      when: [slotIs.readyFor(event), runIs.notStarted(input.run.runId)],
    }),
  );
}

/**
 * claimWave: wave n+1 is this caller's to make, with a short lease, and the slot's next check is when
 * its holds lapse. Two callers racing (a NO and the sweep) send one wave, not two.
 */
export function claimWave(
  ctx: StoreContext,
  slot: Slot,
  input: { now: string; leaseUntil: string; holdsEndAt: string },
): Promise<boolean> {
  const run = slot.backfill!;
  return attempt(
    ctx,
    slotUpdate(ctx, slot.id, {
      set: {
        'backfill.wave': run.wave + 1,
        'backfill.state': 'OFFERING',
        'backfill.openingUntil': input.leaseUntil,
        updatedAt: input.now,
        ...checkAt(slot.id, input.holdsEndAt),
      },
      when: [...openRunPieces('claimWave', slot), runIs.atWave(run.wave), runIs.notBeingMade(input.now)],
    }),
  );
}

/**
 * The slot's side of making one offer, in the offer's own transaction: counts it on the run, and only
 * while the run is still open, so no offer is ever made for a run that has ended.
 */
export function offerMadeWrite(ctx: StoreContext, slotId: string, runId: string): Write {
  return slotUpdate(ctx, slotId, {
    increment: { 'backfill.offersMade': 1 },
    when: [slotIs.readyFor('claimWave'), runIs.current(runId), runIs.open()],
  });
}

/** The wave is made: its lease is let go (if the run has ended meanwhile there is nothing to let go). */
export async function finishWave(ctx: StoreContext, slot: Slot): Promise<void> {
  await attempt(
    ctx,
    slotUpdate(ctx, slot.id, {
      remove: ['backfill.openingUntil'],
      when: [runIs.current(slot.backfill!.runId)],
    }),
  );
}

/** waitForDaytime: the next wave waits until `at` (the end of quiet hours). */
export function waitForDaytime(ctx: StoreContext, slot: Slot, at: string): Promise<boolean> {
  return attempt(
    ctx,
    slotUpdate(ctx, slot.id, {
      set: { 'backfill.state': 'WAITING_FOR_DAYTIME', ...checkAt(slot.id, at) },
      when: openRunPieces('waitForDaytime', slot),
    }),
  );
}

/**
 * endUnfilled: the run ends without a booking and the slot goes back to FREE for schedulers (the run id
 * stops that FREE from starting another run). Only the run and wave the caller saw: a newer wave's live
 * offers are never ended from here.
 */
export function endUnfilled(
  ctx: StoreContext,
  slot: Slot,
  input: { reason: string; now: string },
): Promise<boolean> {
  return attempt(
    ctx,
    slotUpdate(ctx, slot.id, {
      set: {
        status: SLOT_EVENTS.endUnfilled.slot.to,
        'backfill.state': 'UNFILLED',
        'backfill.reason': input.reason,
        'backfill.endedAt': input.now,
        updatedAt: input.now,
        ...checkAt(slot.id, input.now),
      },
      remove: ['backfill.openingUntil'],
      when: [...openRunPieces('endUnfilled', slot), runIs.atWave(slot.backfill!.wave)],
    }),
  );
}

/** acceptOffer: the slot's part of a YES (the offer, booking and entry are the caller's items). */
export function acceptWrite(
  ctx: StoreContext,
  input: { slotId: string; runId: string; bookingId: string; now: string },
): Write {
  return slotUpdate(ctx, input.slotId, {
    set: {
      status: SLOT_EVENTS.acceptOffer.slot.to,
      bookingId: input.bookingId,
      'backfill.state': 'FILLED',
      'backfill.endedAt': input.now,
      'backfill.bookingId': input.bookingId,
      updatedAt: input.now,
      ...checkAt(input.slotId, input.now),
    },
    remove: ['backfill.openingUntil'],
    when: [slotIs.readyFor('acceptOffer'), runIs.current(input.runId), runIs.open()],
  });
}

/** Clears a slot's check once its ended run's offers are settled (or a stale check on a slot with no run). */
export async function clearSlotCheck(ctx: StoreContext, slot: Slot): Promise<void> {
  const pieces = slot.backfill
    ? [
        runIs.current(slot.backfill.runId),
        when.anyOf(
          'run-has-ended',
          when.absent('no-run', 'backfill'),
          when.oneOf('run-ended', 'backfill.state', [
            'FILLED',
            'FILLED_BY_STAFF',
            'UNFILLED',
            'NOT_OFFERED',
            'WITHDRAWN',
          ]),
        ),
      ]
    : [when.absent('no-run', 'backfill')];
  await attempt(ctx, slotUpdate(ctx, slot.id, { remove: ['expiryShard', 'expiryDueAt'], when: pieces }));
}

// ---------------------------------------------------------------------------------------------------
// Staff and the import: book, withdraw, free, reopen

/**
 * The slot's side of a change staff (or the import) make to a slot that may be under offer: its status,
 * and the run settled in the same write. Conditional on exactly what was read: the status, the latest
 * freeing, and for an open run its id, so a run that started or ended meanwhile makes the write fail
 * (the caller reads again) rather than be overwritten.
 */
function settlingWrite(
  ctx: StoreContext,
  event: 'bookByStaff' | 'withdraw',
  slot: Slot,
  input: { now: string; reason: string; bookingId?: string; set: Record<string, unknown>; remove?: string[] },
): Write {
  if (!allows(event, slot)) {
    throw new ConditionFailedError(
      'slot',
      slotIs.readyFor(event).name,
      slot as unknown as Record<string, unknown>,
    );
  }
  const settlement = settlementFor(event, slot, input);
  const pieces: Piece[] = [
    slotIs.present,
    slotIs.readyFor(event),
    slotIs.still(slot.status),
    slotIs.freedAt(slot.freedAt),
  ];
  const set: Record<string, unknown> = {
    status: SLOT_EVENTS[event].slot.to,
    updatedAt: input.now,
    ...input.set,
  };
  const remove = [...(input.remove ?? [])];
  if (settlement.kind === 'end-open') {
    pieces.push(runIs.current(settlement.runId), runIs.open());
    Object.assign(set, {
      'backfill.state': settlement.state,
      'backfill.endedAt': input.now,
      'backfill.reason': input.reason,
      ...(input.bookingId ? { 'backfill.bookingId': input.bookingId } : {}),
      // Its pending offers are settled at once by the caller; the sweep finds any left over.
      ...checkAt(slot.id, input.now),
    });
    remove.push('backfill.openingUntil');
  } else if (settlement.kind === 'record-unstarted') {
    pieces.push(runIs.notStarted(settlement.run.runId));
    set.backfill = settlement.run;
  }
  return slotUpdate(ctx, slot.id, { set, remove, when: pieces });
}

/** bookByStaff: the slot's item of a staff, move or import booking (see bookSlotItems). */
export function bookByStaffWrite(
  ctx: StoreContext,
  slot: Slot,
  booking: Pick<Booking, 'id' | 'bookedAt' | 'source'>,
  reason: string,
): Write {
  return settlingWrite(ctx, 'bookByStaff', slot, {
    now: booking.bookedAt,
    reason,
    bookingId: booking.id,
    set: { bookingId: booking.id },
  });
}

/**
 * The slot as bookByStaffWrite leaves a slot that was never freed (so no run to settle): for writing a
 * new table in bulk (the local demo seed), where a transaction per booking is the slow part. Refuses
 * any other slot; tests/integration/booked-slot-items.test.ts checks it against the real write.
 */
export function bookedFreshSlot(slot: Slot, booking: Pick<Booking, 'id' | 'bookedAt'>): Slot {
  const settlement = settlementFor('bookByStaff', slot, { now: booking.bookedAt, reason: 'staff' });
  if (!allows('bookByStaff', slot) || settlement.kind !== 'none') {
    throw new Error(`Slot ${slot.id} is not a fresh free slot; book it with createBooking`);
  }
  return {
    ...slot,
    status: SLOT_EVENTS.bookByStaff.slot.to,
    updatedAt: booking.bookedAt,
    bookingId: booking.id,
  } as Slot;
}

/** withdraw: the slot is taken away; a slot with history is never deleted. */
export function withdrawWrite(ctx: StoreContext, slot: Slot, input: { now: string; by: string }): Write {
  return settlingWrite(ctx, 'withdraw', slot, {
    now: input.now,
    reason: 'withdrawn',
    set: { withdrawnAt: input.now, withdrawnBy: input.by },
  });
}

export async function withdrawSlot(
  ctx: StoreContext,
  slot: Slot,
  input: { now: string; by: string },
): Promise<void> {
  await transact(ctx, [withdrawWrite(ctx, slot, input)]);
}

/**
 * offerAtShortNotice: staff offer a FREE slot to the short-notice list. A new freeing (`freedAt`) on a
 * slot whose last run has ended, or that was never offered, so that a new run can start; the status
 * stays FREE (no row of the table moves it). Conditional on the slot and its latest freeing being as
 * read, so a freeing or a run started meanwhile is never overwritten.
 */
export function offerAtShortNoticeWrite(ctx: StoreContext, slot: Slot, input: { now: string }): Write {
  return slotUpdate(ctx, slot.id, {
    set: { freedAt: input.now, freedBy: 'short-notice', updatedAt: input.now },
    when: [slotIs.present, slotIs.still('FREE'), slotIs.freedAt(slot.freedAt)],
  });
}

/**
 * free: BOOKED → FREE with a new freeing (a cancellation, a move out, a swap), remembering who freed it
 * so the run never offers it back to the same family; the stream then starts the run.
 */
export function freeWrite(
  ctx: StoreContext,
  input: { slotId: string; bookingId: string; clientId: string; now: string; by: string },
): Write {
  // Named apart from "slot": a move books one slot and frees another in the same transaction.
  return update(ctx, 'freed slot', keys.slot(input.slotId), {
    set: {
      status: SLOT_EVENTS.free.slot.to,
      freedAt: input.now,
      freedBy: input.by,
      freedByClientId: input.clientId,
      updatedAt: input.now,
    },
    remove: ['bookingId'],
    when: [slotIs.readyFor('free'), slotIs.holding(input.bookingId)],
  });
}

/** The status an import (or staff) change may set on a slot, with the run settled where the table says. */
export function statusChange(
  ctx: StoreContext,
  slot: Slot,
  to: Slot['status'],
  input: { now: string; by: string; set: Record<string, unknown> },
): Write {
  if (to === slot.status) {
    return slotUpdate(ctx, slot.id, {
      set: { ...input.set, updatedAt: input.now },
      when: [slotIs.present, slotIs.still(slot.status), slotIs.freedAt(slot.freedAt)],
    });
  }
  if (to === 'WITHDRAWN') {
    return settlingWrite(ctx, 'withdraw', slot, {
      now: input.now,
      reason: 'withdrawn',
      set: { ...input.set, withdrawnAt: input.now, withdrawnBy: input.by },
    });
  }
  if (to === 'FREE' && allows('reopen', slot)) {
    return slotUpdate(ctx, slot.id, {
      set: { ...input.set, status: SLOT_EVENTS.reopen.slot.to, updatedAt: input.now },
      remove: ['withdrawnAt', 'withdrawnBy'],
      when: [slotIs.present, slotIs.readyFor('reopen')],
    });
  }
  throw new ConditionFailedError(
    'slot',
    `slot-may-become-${to.toLowerCase()}`,
    slot as unknown as Record<string, unknown>,
  );
}

/** Where the slot's latest freeing stands (for callers deciding what to settle afterwards). */
export const phaseOf = runPhase;

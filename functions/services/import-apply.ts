/**
 * The apply stage: carries out a plan's writes, stage by stage (patients, slots, cancellations,
 * bookings, deferred slots), many records at once. Each write is a store function; a booking into a slot
 * Attend already has goes through `createBooking`, the transaction staff booking uses.
 *
 * When a record's write fails because Attend changed since the match (another import, a parent's text,
 * staff), that record alone is read again, planned again and applied again, a bounded number of times
 * with jittered backoff (core/retry.ts); then it is reported as changed by someone else.
 */
import { mapWithConcurrency } from '#core/concurrency.ts';
import { ConflictError, NotFoundError } from '#core/errors.ts';
import { appointmentBooked, appointmentCancelled, type DomainEvent } from '#core/events.ts';
import {
  type ImportPlan,
  type ImportWrite,
  type Outcome,
  PHASES,
  type Phase,
  type Pointer,
  type RecordPlan,
  rejected,
} from '#core/import-plan.ts';
import { replanRecord, settleBookedHereSlot } from '#core/import-planner.ts';
import type { PlanContext, PlanState } from '#core/import-planning.ts';
import type { Booking } from '#core/model.ts';
import { withRetry } from '#core/retry.ts';
import { cancelBooking, createBooking } from '#store/bookings.ts';
import { createClinic } from '#store/clinics.ts';
import {
  bookingInNewSlotItems,
  createBookingInNewSlot,
  createImportedClient,
  createImportedSlot,
  importedClientItems,
  updateImportedClient,
  updateImportedSlot,
} from '#store/import-writes.ts';
import { putRef, touchRef, updateRef } from '#store/source-refs.ts';
import { isRace, TransactionGrouper } from '#store/transaction-grouper.ts';
import { cancellationNotice } from './bookings.ts';
import type { Deps } from './deps.ts';
import { rematch } from './import-match.ts';

/** Records applied at once; their new-record writes share transactions (see TransactionGrouper). */
const CONCURRENCY = 24;
/** Tries of one record: the first, and up to three after another writer got there first. */
export const APPLY_ATTEMPTS = 4;
export const CHANGED_MEANWHILE = 'changed by someone else while importing; import the file again';

/** A write lost to another writer: worth reading again and planning again. */
export const isConflict = (err: unknown): boolean => isRace(err) || err instanceof ConflictError;

/**
 * Runs `attempt` until it succeeds, at most APPLY_ATTEMPTS times, waiting 10–20, 20–40 and 40–80 ms
 * between tries (the rows of one family touch one client item, so a short random wait lets the other
 * writer finish). Only a conflict is tried again; the last error is thrown when the tries run out.
 */
export function withConflictRetry<T>(attempt: (attemptNumber: number) => Promise<T>): Promise<T> {
  return withRetry(attempt, {
    attempts: APPLY_ATTEMPTS,
    minDelayMs: 10,
    maxDelayMs: 200,
    retryIf: isConflict,
  });
}

export interface Applied {
  events: DomainEvent[];
  clinicsCreated: string[];
}

export async function applyPlan(
  deps: Deps,
  ctx: PlanContext,
  plan: ImportPlan,
  state: PlanState,
): Promise<Applied> {
  const run = new ApplyRun(deps, ctx, state);
  for (const clinic of plan.clinics) {
    try {
      await createClinic(deps.store, clinic);
    } catch (err) {
      // Another import created it a moment ago: just as good.
      if (!(err instanceof ConflictError)) throw err;
    }
  }
  const byPhase = new Map<Phase, RecordPlan[]>(PHASES.map((p) => [p, []]));
  for (const r of plan.records) byPhase.get(r.phase)!.push(r);
  for (const phase of PHASES) {
    await mapWithConcurrency(byPhase.get(phase)!, CONCURRENCY, async (r) => {
      const result = await run.record(r);
      // A slot that turned out to be held by a booking waits for the bookings to be done.
      if (result === 'deferred') {
        byPhase.get('deferredSlots')!.push({ ...r, phase: 'deferredSlots' });
        return;
      }
      state.outcomes[r.key] = result.outcome;
      settleBookedHereSlot(ctx, state, result.plan, result.outcome);
    });
  }
  return { events: run.events, clinicsCreated: plan.clinics.map((c) => c.id) };
}

class ApplyRun {
  readonly events: DomainEvent[] = [];
  private readonly writes: TransactionGrouper;

  constructor(
    private readonly deps: Deps,
    private readonly ctx: PlanContext,
    private readonly state: PlanState,
  ) {
    this.writes = new TransactionGrouper(deps.store);
  }

  /**
   * Applies one record's plan: its outcome and the plan that was applied last (it may have been made
   * again), or `deferred` for a slot now held by a booking.
   */
  async record(planned: RecordPlan): Promise<{ outcome: Outcome; plan: RecordPlan } | 'deferred'> {
    let plan = planned;
    const again = async (): Promise<RecordPlan | 'deferred'> => {
      await rematch(this.deps, this.ctx, this.state, plan);
      return replanRecord(this.ctx, this.state, plan);
    };
    if (this.stale(plan)) {
      const replanned = await again();
      if (replanned === 'deferred') return 'deferred';
      plan = replanned;
    }
    try {
      return await withConflictRetry(async (attemptNumber) => {
        if (attemptNumber > 1) {
          const replanned = await again();
          if (replanned === 'deferred') return 'deferred' as const;
          plan = replanned;
        }
        return { outcome: (await this.run(plan.writes)) ?? plan.outcome, plan };
      });
    } catch (err) {
      if (isConflict(err)) return { outcome: rejected('(record)', CHANGED_MEANWHILE), plan };
      throw err;
    }
  }

  /** True when a record the plan built on came out otherwise (another import made the client or slot first). */
  private stale(plan: RecordPlan): boolean {
    const { patient, slot } = plan.assumes ?? {};
    if (patient && this.state.outcomes[patient.key]?.id !== patient.id) return true;
    return slot !== undefined && this.state.slotIds[slot.key] !== slot.id;
  }

  /** Runs the writes in order; an outcome only when one refused the record outright. */
  private async run(writes: readonly ImportWrite[]): Promise<Outcome | undefined> {
    for (const w of writes) {
      const refused = await this.write(w);
      if (refused) return refused;
    }
    return undefined;
  }

  private async write(w: ImportWrite): Promise<Outcome | undefined> {
    const { store } = this.deps;
    switch (w.op) {
      case 'createClient':
        await this.writes.write(importedClientItems(store, w.client, w.ref), () =>
          createImportedClient(store, w.client, w.ref),
        );
        return undefined;
      case 'updateClient':
        await updateImportedClient(store, w);
        return undefined;
      case 'touchRef':
        await touchRef(store, w.ref);
        return undefined;
      case 'createSlot':
        await createImportedSlot(store, w.slot, w.ref);
        return undefined;
      case 'updateSlot':
        await updateImportedSlot(store, w);
        return undefined;
      case 'cancelBooking':
        await this.cancel(w.booking, w.reason);
        return undefined;
      case 'book':
      case 'bookNewSlot':
        return this.book(w);
    }
  }

  /** Cancels a booking and frees its slot (the short-notice list may then offer it). No text is sent. */
  private async cancel(booking: Booking, reason: string): Promise<void> {
    const now = new Date(this.ctx.now);
    const notice = cancellationNotice(this.deps, booking.startsAt, now);
    await cancelBooking(
      this.deps.store,
      {
        bookingId: booking.id,
        by: this.ctx.by,
        reason,
        now: this.ctx.now,
        noticeMinutes: notice.minutes,
        late: notice.late,
      },
      booking,
    );
    // The EPR's cancellation was made by the trust's staff.
    this.events.push(
      appointmentCancelled(booking, {
        by: 'staff',
        noticeMinutes: notice.minutes,
        late: notice.late,
        at: this.ctx.now,
      }),
    );
  }

  private async book(w: ImportWrite & { op: 'book' | 'bookNewSlot' }): Promise<Outcome | undefined> {
    const { store } = this.deps;
    const pointer = this.pointerItem(w.pointer);
    try {
      if (w.op === 'book') {
        await createBooking(store, w.booking, { extra: [pointer] });
      } else {
        const write = {
          slot: w.slot,
          booking: w.booking,
          refs: [...(w.slotRef ? [putRef(store, w.slotRef)] : []), pointer],
        };
        await this.writes.write(bookingInNewSlotItems(store, write), () =>
          createBookingInNewSlot(store, write),
        );
      }
    } catch (err) {
      if (err instanceof NotFoundError) {
        return rejected(this.ctx.label('patient'), "this patient's record is no longer in Attend");
      }
      throw err;
    }
    this.events.push(appointmentBooked(w.booking));
    return undefined;
  }

  private pointerItem(pointer: Pointer) {
    return 'put' in pointer
      ? putRef(this.deps.store, pointer.put)
      : updateRef(this.deps.store, pointer.update);
  }
}

/**
 * Changes staff make to a slot itself, and what every change to a slot under offer owes its run. A
 * staff booking, a move into the slot, an import booking it and a withdrawal each end the slot's
 * short-notice run in their own write (store/slot-runs.ts); this settles the run's offers afterwards
 * and tells each family once. If the caller dies in between, the offer sweep does it instead.
 */
import { ConflictError, NotFoundError } from '#core/errors.ts';
import type { Slot } from '#core/model.ts';
import { runPhase } from '#core/offer-run.ts';
import { withRetry } from '#core/retry.ts';
import { failedOn, isWriteConflict, writeOne } from '#store/conditions.ts';
import { offerAtShortNoticeWrite, withdrawSlot as withdrawSlotWrite } from '#store/slot-runs.ts';
import { getSlot } from '#store/slots.ts';
import type { Deps } from './deps.ts';
import { settleEndedRun, startBackfill } from './offer-run.ts';

/**
 * After a write that may have ended the slot's run (a slot that has ever been freed): its pending
 * offers end and their families are told. A failure here is left to the sweep; the change stands.
 */
export async function settleRunAfterChange(deps: Deps, slot: Pick<Slot, 'id' | 'freedAt'>): Promise<void> {
  if (!slot.freedAt) return;
  try {
    await settleEndedRun(deps, slot.id);
  } catch (err) {
    deps.log.warn('short-notice run not settled at once; the offer sweep will', {
      slotId: slot.id,
      error: (err as Error).name,
    });
  }
}

/** The slot changed between the read and the write, and may still be withdrawn: read it again. */
const changedButStillFree = (err: unknown) =>
  (failedOn(err, 'slot') && ['FREE', 'OFFERING'].includes(String(err.current?.status))) ||
  isWriteConflict(err);

/**
 * Withdraws a slot (the clinic is cancelled, the health visitor is off): FREE or OFFERING → WITHDRAWN,
 * ending its short-notice run as WITHDRAWN in the same write; families with a pending offer are told
 * the time has gone. A booked slot is refused (cancel or move its booking first); a slot with history
 * is never deleted. Withdrawing a withdrawn slot changes nothing.
 */
export async function withdrawSlot(deps: Deps, input: { slotId: string; by: string }): Promise<Slot> {
  const { store } = deps;
  const slot = await withRetry(
    async () => {
      const current = await getSlot(store, input.slotId);
      if (!current) throw new NotFoundError(`Slot ${input.slotId} does not exist`);
      if (current.status === 'WITHDRAWN') return current;
      if (current.status === 'BOOKED') {
        throw new ConflictError(
          `Slot ${current.id} is booked; cancel or move its booking first`,
          'SLOT_BOOKED',
        );
      }
      await withdrawSlotWrite(store, current, { now: deps.now().toISOString(), by: input.by });
      return current;
    },
    { attempts: 4, retryIf: changedButStillFree },
  ).catch((err: unknown) => {
    if (failedOn(err, 'slot')) {
      throw new ConflictError(`Slot ${input.slotId} changed meanwhile; nothing changed`, 'SLOT_NOT_FREE', {
        cause: err,
      });
    }
    throw err;
  });
  await settleRunAfterChange(deps, slot);
  return (await getSlot(store, input.slotId)) ?? slot;
}

/**
 * Offers a free slot to the short-notice list now (a slot made for ordinary booking that staff want
 * filled, or one whose last run ended unfilled): a new freeing, and the run starts here at once, as the
 * stream would start it for a cancellation (a FREE slot staying FREE is not a change the stream passes
 * on). The run itself decides whether it can offer: too far ahead, in quiet hours or past the cutoff it
 * records so, as for any freeing. 409 `SLOT_NOT_FREE` for a booked, withdrawn or offered slot,
 * `ALREADY_OFFERED` while a freeing waits for its run, `ALREADY_STARTED` once the slot has begun.
 */
export async function offerSlotAtShortNotice(deps: Deps, input: { slotId: string }): Promise<Slot> {
  const { store } = deps;
  const current = await getSlot(store, input.slotId);
  if (!current) throw new NotFoundError(`Slot ${input.slotId} does not exist`);
  if (current.status !== 'FREE') {
    throw new ConflictError(
      `Slot ${current.id} is ${current.status.toLowerCase()}, not free`,
      'SLOT_NOT_FREE',
    );
  }
  const now = deps.now();
  if (Date.parse(current.startsAt) <= now.getTime()) {
    throw new ConflictError(`Slot ${current.id} has already started`, 'ALREADY_STARTED');
  }
  if (runPhase(current) === 'unstarted') {
    throw new ConflictError(`Slot ${current.id} is about to be offered already`, 'ALREADY_OFFERED');
  }
  try {
    await writeOne(store, offerAtShortNoticeWrite(store, current, { now: now.toISOString() }));
  } catch (err) {
    if (failedOn(err, 'slot')) {
      throw new ConflictError(`Slot ${current.id} changed meanwhile; nothing changed`, 'SLOT_NOT_FREE', {
        cause: err,
      });
    }
    throw err;
  }
  await startBackfill(deps, current.id);
  return (await getSlot(store, current.id)) ?? current;
}

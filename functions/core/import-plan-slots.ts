/** Planning one FHIR Slot: a new free slot, a moved, withdrawn or reopened one, or nothing to do. */
import type { SlotInput } from './import-model.ts';
import { outcome, type RecordPlan, rejected } from './import-plan.ts';
import {
  makeSlot,
  newRef,
  type PlanContext,
  type PlanState,
  refChange,
  slotDifferences,
} from './import-planning.ts';
import type { SourceRecordOf } from './import-records.ts';
import { localDay } from './local-time.ts';
import type { Slot } from './model.ts';

/**
 * `deferred` when the slot cannot be planned yet: it is held by a booking that this import may cancel
 * (planned again once the appointments are, with `final`), or a booked appointment in the batch will
 * create it.
 */
export function planSlot(
  ctx: PlanContext,
  state: PlanState,
  record: SourceRecordOf<SlotInput>,
  final: boolean,
): RecordPlan | 'deferred' {
  const plan = (o: RecordPlan['outcome'], writes: RecordPlan['writes'] = []): RecordPlan => ({
    kind: 'Slot',
    key: record.k,
    phase: final ? 'deferredSlots' : 'slots',
    outcome: o,
    writes,
  });
  const { held } = state;
  const { fields, bookable, sourceStatus } = record.input;
  const ref = held.refs[record.k];
  if (!ref) {
    if (state.bookedHere[record.k]) return 'deferred';
    if (!bookable)
      return plan(outcome('unchanged', { notes: [`${sourceStatus} in the source: not imported`] }));
    if (sourceStatus !== 'free') {
      return plan(
        outcome('unchanged', {
          notes: [`${sourceStatus} in the source with no booked appointment in this Bundle: not imported`],
        }),
      );
    }
    if (fields.startsAt <= ctx.now) return plan(rejected('start', 'the slot starts in the past'));
    const slot = makeSlot(ctx, fields, 'FREE', record.key);
    held.slots[slot.id] = slot;
    state.slotIds[record.k] = slot.id;
    state.newIds.push(slot.id);
    return plan(outcome('created', { id: slot.id }), [
      { op: 'createSlot', slot, ref: newRef(ctx, 'Slot', record, slot.id) },
    ]);
  }
  state.slotIds[record.k] = ref.attendId;
  if (ref.sourceHash === record.hash) return plan(outcome('unchanged', { id: ref.attendId }));
  const slot = held.slots[ref.attendId];
  if (!slot)
    return plan(rejected('identifier', 'the slot imported from this record no longer exists in Attend'));
  const moved = slotDifferences(slot, fields);
  const status: Slot['status'] = !bookable ? 'WITHDRAWN' : slot.status === 'WITHDRAWN' ? 'FREE' : slot.status;
  const change = refChange(ctx, 'Slot', record, ref);
  if (moved.length === 0 && status === slot.status) {
    return plan(outcome('unchanged', { id: slot.id }), [{ op: 'touchRef', ref: change }]);
  }
  const free = slot.status === 'FREE' || slot.status === 'WITHDRAWN';
  const withdrawingOffered = slot.status === 'OFFERING' && moved.length === 0 && status === 'WITHDRAWN';
  if (!free && !withdrawingOffered) {
    if (!final) return 'deferred';
    return plan(
      rejected(
        moved.length ? ctx.label(moved[0]!) : 'status',
        `the slot is ${slot.status.toLowerCase()} in Attend, so it keeps the time its family was given; cancel or move its appointment first`,
      ),
    );
  }
  if (moved.length > 0 && fields.startsAt <= ctx.now)
    return plan(rejected('start', 'the new time is in the past'));
  const next = { ...fields, localDay: localDay(fields.startsAt, ctx.config.timeZone) };
  held.slots[slot.id] = { ...slot, ...next, status };
  return plan(
    outcome('changed', {
      id: slot.id,
      changes: [...moved.map((m) => ctx.label(m)), ...(status !== slot.status ? ['status'] : [])],
    }),
    [{ op: 'updateSlot', slot, fields: next, status, from: [slot.status], ref: change }],
  );
}

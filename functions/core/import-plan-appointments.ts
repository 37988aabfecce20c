/** Planning one appointment: cancel it, book it (in a slot Attend has, or a new one), move it, or leave it. */
import { newBooking, pickRef } from './booking.ts';
import { type AppointmentInput, type Issue, type SlotFields, sourceKeyString } from './import-model.ts';
import {
  type ImportWrite,
  type Outcome,
  outcome,
  type Pointer,
  type RecordPlan,
  rejected,
} from './import-plan.ts';
import {
  freeSlotsKey,
  makeSlot,
  newRef,
  PATIENT_FAILED,
  type PlanContext,
  type PlanState,
  refChange,
  slotDifferences,
} from './import-planning.ts';
import type { SourceRecordOf } from './import-records.ts';
import { localDay } from './local-time.ts';
import type { Booking, Client, Slot } from './model.ts';

const OUTCOME_STATUSES = new Set(['ATTENDED', 'DNA', 'WNB']);

type Target =
  | { kind: 'existing'; slot: Slot }
  | { kind: 'new'; slot: Slot; slotKey?: string }
  | { kind: 'rejected'; issue: Issue };

type Appointment = SourceRecordOf<AppointmentInput>;

export function planAppointment(ctx: PlanContext, state: PlanState, record: Appointment): RecordPlan {
  const input = record.input;
  const phase = input.status === 'cancelled' ? 'cancellations' : 'bookings';
  const patientKey = sourceKeyString('Patient', input.patient);
  const patient = state.outcomes[patientKey];
  const result = (o: Outcome, writes: ImportWrite[] = [], assumes?: RecordPlan['assumes']): RecordPlan => ({
    kind: 'Appointment',
    key: record.k,
    phase,
    outcome: o,
    writes,
    ...(assumes ? { assumes } : {}),
  });
  if (input.status === 'booked' && (!patient || patient.action === 'rejected')) {
    return result(rejected(ctx.label('patient'), PATIENT_FAILED));
  }
  const ref = state.held.refs[record.k];
  if (input.status === 'cancelled') return planCancel(ctx, state, record, result);
  if (ref && ref.sourceHash === record.hash) {
    return result(outcome('unchanged', { id: ref.attendId, clientId: patient!.id, slotId: ref.slotId }));
  }
  return planBook(ctx, state, record, patient!, patientKey, result);
}

function planCancel(
  ctx: PlanContext,
  state: PlanState,
  record: Appointment,
  result: (o: Outcome, writes?: ImportWrite[]) => RecordPlan,
): RecordPlan {
  const ref = state.held.refs[record.k];
  if (!ref)
    return result(
      outcome('unchanged', { notes: ['cancelled in the source and never imported: nothing to do'] }),
    );
  if (ref.sourceHash === record.hash)
    return result(outcome('unchanged', { id: ref.attendId, slotId: ref.slotId }));
  const booking = state.held.bookings[ref.attendId];
  if (!booking)
    return result(rejected('(record)', 'the booking imported from this appointment no longer exists'));
  const touch: ImportWrite = { op: 'touchRef', ref: refChange(ctx, 'Appointment', record, ref) };
  const ids = { id: booking.id, clientId: booking.clientId, slotId: booking.slotId };
  if (booking.status !== 'BOOKED') {
    return result(
      outcome('unchanged', { ...ids, notes: [`already ${booking.status.toLowerCase()} in Attend`] }),
      [touch],
    );
  }
  if (booking.startsAt <= ctx.now) {
    return result(
      rejected(ctx.label('status'), 'the appointment has already started; past appointments are not changed'),
    );
  }
  const freed = cancel(state, booking);
  // A slot freed here may take a later row's booking at the same clinic, time and type.
  if (freed) {
    const k = freeSlotsKey(freed.clinicId, freed.localDay);
    state.held.freeSlots[k] = [...(state.held.freeSlots[k] ?? []), freed.id];
  }
  return result(outcome('changed', { ...ids, changes: [ctx.label('status')] }), [
    { op: 'cancelBooking', booking, reason: 'Cancelled in the EPR' },
    touch,
  ]);
}

/** The booking leaves, and its slot is free: what the cancellation will have done. */
function cancel(state: PlanState, booking: Booking): Slot | undefined {
  const { held } = state;
  held.bookings[booking.id] = { ...booking, status: 'CANCELLED' };
  const slot = held.slots[booking.slotId];
  if (!slot) return undefined;
  const { bookingId: _, ...rest } = slot;
  held.slots[slot.id] = { ...rest, status: 'FREE' };
  return held.slots[slot.id];
}

function planBook(
  ctx: PlanContext,
  state: PlanState,
  record: Appointment,
  patient: Outcome,
  patientKey: string,
  result: (o: Outcome, writes?: ImportWrite[], assumes?: RecordPlan['assumes']) => RecordPlan,
): RecordPlan {
  const { held } = state;
  const input = record.input;
  const ref = held.refs[record.k];
  const clientId = patient.id!;
  const slotKey = 'key' in input.slot ? sourceKeyString('Slot', input.slot.key) : undefined;
  const current = ref ? held.bookings[ref.attendId] : undefined;
  if (ref && !current)
    return result(rejected('(record)', 'the booking imported from this appointment no longer exists'));
  const desired = desiredSlot(ctx, input);
  if (!desired) return result(rejected(ctx.label('slot'), 'its Slot could not be imported'));
  const changes: string[] = [];
  if (current) {
    if (OUTCOME_STATUSES.has(current.status)) {
      return result(
        rejected(
          ctx.label('status'),
          `the appointment already has an outcome (${current.status}); it is not changed`,
        ),
      );
    }
    const sameSlot = slotKey
      ? current.slotId === state.slotIds[slotKey]
      : slotDifferences(current, desired).length === 0;
    if (current.clientId !== clientId) changes.push(ctx.label('patient'));
    if (!sameSlot) {
      changes.push(
        ...(slotKey ? [ctx.label('slot')] : slotDifferences(current, desired).map((f) => ctx.label(f))),
      );
    }
    if (current.status === 'BOOKED' && changes.length === 0) {
      return result(outcome('unchanged', { id: current.id, clientId, slotId: current.slotId }), [
        { op: 'touchRef', ref: refChange(ctx, 'Appointment', record, ref!) },
      ]);
    }
    if (current.status === 'BOOKED' && current.startsAt <= ctx.now) {
      return result(
        rejected(
          ctx.label('startsAt'),
          'the appointment has already started; past appointments are not changed',
        ),
      );
    }
    if (current.status !== 'BOOKED') changes.push(ctx.label('status'));
  }
  if (desired.startsAt <= ctx.now) {
    return result(
      rejected(
        ctx.label('startsAt'),
        'the appointment starts in the past; Attend imports appointments still to come',
      ),
    );
  }
  const target = chooseTarget(ctx, state, input, desired, current);
  if (target.kind === 'rejected') return result(outcome('rejected', { errors: [target.issue] }));
  const client = held.clients[clientId];
  if (!client) return result(rejected(ctx.label('patient'), "this patient's record is no longer in Attend"));

  const writes: ImportWrite[] = [];
  if (current?.status === 'BOOKED') {
    writes.push({ op: 'cancelBooking', booking: current, reason: 'Moved in the EPR' });
    cancel(state, current);
  }
  const slot = target.kind === 'existing' ? (held.slots[target.slot.id] ?? target.slot) : target.slot;
  const booking = bookingFor(ctx, state, slot, client, record);
  const pointer: Pointer = ref
    ? { update: refChange(ctx, 'Appointment', record, ref, { attendId: booking.id, slotId: slot.id }) }
    : { put: newRef(ctx, 'Appointment', record, booking.id, slot.id) };
  const booked: Slot = { ...slot, status: 'BOOKED', bookingId: booking.id };
  if (target.kind === 'existing') {
    writes.push({ op: 'book', booking, pointer });
  } else {
    const u = target.slotKey ? ctx.slotRecord(target.slotKey) : undefined;
    writes.push({
      op: 'bookNewSlot',
      slot: booked,
      booking,
      pointer,
      ...(u ? { slotRef: newRef(ctx, 'Slot', u, slot.id) } : {}),
    });
    state.newIds.push(slot.id);
  }
  held.slots[slot.id] = booked;
  held.bookings[booking.id] = booking;
  state.newIds.push(booking.id);
  if (slotKey) {
    state.slotIds[slotKey] = slot.id;
    if (target.kind === 'new') state.outcomes[slotKey] = outcome('created', { id: slot.id });
  }
  return result(
    outcome(current ? 'changed' : 'created', {
      id: booking.id,
      clientId,
      slotId: slot.id,
      changes,
      notes:
        current && current.status !== 'BOOKED'
          ? ['booked again: the earlier booking had been cancelled in Attend']
          : [],
    }),
    writes,
    {
      patient: { key: patientKey, id: clientId },
      ...(slotKey && target.kind === 'existing' ? { slot: { key: slotKey, id: slot.id } } : {}),
    },
  );
}

/** The slot details the source wants the appointment in. */
function desiredSlot(ctx: PlanContext, input: AppointmentInput): SlotFields | undefined {
  if ('fields' in input.slot) return input.slot.fields;
  const k = sourceKeyString('Slot', input.slot.key);
  return ctx.slotRecord(k)?.input.fields;
}

function chooseTarget(
  ctx: PlanContext,
  state: PlanState,
  input: AppointmentInput,
  desired: SlotFields,
  current: Booking | undefined,
): Target {
  const { held } = state;
  const takeable = (slot: Slot) =>
    slot.status === 'FREE' ||
    slot.status === 'OFFERING' ||
    (slot.status === 'BOOKED' && current?.status === 'BOOKED' && slot.bookingId === current.id);
  if ('key' in input.slot) {
    const k = sourceKeyString('Slot', input.slot.key);
    const u = ctx.slotRecord(k)!;
    const field = ctx.label('slot');
    if (state.outcomes[k]?.action === 'rejected') {
      return { kind: 'rejected', issue: { field, message: 'its Slot could not be imported' } };
    }
    if (!u.input.bookable)
      return { kind: 'rejected', issue: { field, message: `its Slot is ${u.input.sourceStatus}` } };
    const id = state.slotIds[k];
    if (!id) return { kind: 'new', slot: makeSlot(ctx, u.input.fields, 'BOOKED', u.key), slotKey: k };
    const slot = held.slots[id];
    if (!slot) return { kind: 'rejected', issue: { field, message: 'its slot no longer exists in Attend' } };
    if (takeable(slot)) return { kind: 'existing', slot };
    const message =
      slot.status === 'BOOKED'
        ? 'the slot is already booked in Attend for another family'
        : 'the slot is withdrawn in Attend';
    return { kind: 'rejected', issue: { field, message } };
  }
  if (current?.status === 'BOOKED' && slotDifferences(current, desired).length === 0) {
    const slot = held.slots[current.slotId];
    if (slot && takeable(slot)) return { kind: 'existing', slot };
  }
  // A free slot already at this clinic, time and type (made by staff, or freed by a cancellation the
  // EPR has since rebooked) is used rather than a second slot at the same time.
  const reuse = takeFreeSlot(ctx, state, desired);
  if (reuse) return { kind: 'existing', slot: reuse };
  return { kind: 'new', slot: makeSlot(ctx, desired, 'BOOKED') };
}

function takeFreeSlot(ctx: PlanContext, state: PlanState, fields: SlotFields): Slot | undefined {
  const day = localDay(fields.startsAt, ctx.config.timeZone);
  const ids = state.held.freeSlots[freeSlotsKey(fields.clinicId, day)] ?? [];
  const i = ids.findIndex((id) => {
    const s = state.held.slots[id];
    return (
      s &&
      s.type === fields.type &&
      s.startsAt === fields.startsAt &&
      (s.status === 'FREE' || s.status === 'OFFERING')
    );
  });
  // Taken off the list, so two rows never reach for the same slot.
  return i < 0 ? undefined : state.held.slots[ids.splice(i, 1)[0]!];
}

function bookingFor(
  ctx: PlanContext,
  state: PlanState,
  slot: Slot,
  client: Client,
  record: Appointment,
): Booking {
  // References differ per number; a family with no mobile has its own set, under its id.
  const refKey = client.phone ?? `client:${client.id}`;
  const taken = state.held.refsInUse[refKey] ?? [];
  const ref = pickRef(new Set(taken));
  // Taken at once, so two bookings made for one phone in this import never share a reference.
  state.held.refsInUse[refKey] = [...taken, ref];
  return newBooking({
    slot,
    client,
    source: 'import',
    by: ctx.by,
    now: ctx.now,
    ref,
    tiers: ctx.tiers(slot.type, slot.startsAt),
    sourceRecord: record.key,
  });
}

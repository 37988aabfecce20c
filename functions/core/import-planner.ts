/**
 * The plan stage: from the batch's records and what Attend holds, the outcome of every record and the
 * writes that bring it about. Pure: no I/O, `now` given. The order of the stages is the order of the
 * apply: patients first (bookings need their client), then free slots, then cancellations (which free
 * slots), then bookings (which may take a slot just freed), and last any slot change that had to wait
 * for its booking to be cancelled.
 */

import { type AppointmentInput, type SlotFields, sourceKeyString } from './import-model.ts';
import { type Holdings, type ImportPlan, type Outcome, outcome, type RecordPlan } from './import-plan.ts';
import { planAppointment } from './import-plan-appointments.ts';
import { planPatient } from './import-plan-patients.ts';
import { planSlot } from './import-plan-slots.ts';
import type { PlanContext, PlanState } from './import-planning.ts';
import { slotFieldsOf } from './import-records.ts';
import type { Clinic } from './model.ts';

const CLINIC_ID_TO_CREATE = /^[a-z0-9-]{2,40}$/;

export function planImport(ctx: PlanContext, holdings: Holdings): { plan: ImportPlan; state: PlanState } {
  const state: PlanState = {
    held: structuredClone(holdings),
    outcomes: {},
    slotIds: {},
    bookedHere: {},
    newIds: [],
  };
  const { records } = ctx;
  const errors = records.errors.map((e) => [...e]);
  const alive = (entry: number) => errors[entry]!.length === 0;

  for (const u of records.slots) {
    const ref = state.held.refs[u.k];
    if (ref) state.slotIds[u.k] = ref.attendId;
  }
  for (const u of records.appointments) {
    if (u.input.status !== 'booked' || !('key' in u.input.slot) || !alive(u.entry)) continue;
    const k = sourceKeyString('Slot', u.input.slot.key);
    if (!state.slotIds[k]) state.bookedHere[k] = true;
  }

  // An appointment new to Attend that starts in the past is refused before anything is planned, so a
  // rejected row does not leave its patient behind.
  if (records.format === 'csv') {
    for (const u of records.appointments) {
      if (!('fields' in u.input.slot) || u.input.status !== 'booked' || state.held.refs[u.k]) continue;
      if (u.input.slot.fields.startsAt <= ctx.now) {
        errors[u.entry]!.push({
          field: ctx.label('startsAt'),
          message: 'the appointment starts in the past; Attend imports appointments still to come',
        });
      }
    }
  }

  const clinics = planClinics(ctx, state, errors);

  const plans: RecordPlan[] = [];
  for (const u of patientsToImport(ctx, state, errors)) {
    const p = planPatient(ctx, state, u);
    state.outcomes[u.k] = p.outcome;
    plans.push(p);
  }
  const deferred: typeof records.slots = [];
  for (const u of records.slots) {
    if (!alive(u.entry)) continue;
    const p = planSlot(ctx, state, u, false);
    if (p !== 'deferred') {
      state.outcomes[u.k] = p.outcome;
      plans.push(p);
    } else if (!state.bookedHere[u.k]) {
      deferred.push(u);
    }
  }
  const live = records.appointments.filter((u) => alive(u.entry));
  for (const status of ['cancelled', 'booked'] as const) {
    for (const u of live.filter((a) => a.input.status === status)) {
      const p = planAppointment(ctx, state, u);
      state.outcomes[u.k] = p.outcome;
      plans.push(p);
    }
  }
  for (const u of deferred) {
    const p = planSlot(ctx, state, u, true) as RecordPlan;
    state.outcomes[u.k] = p.outcome;
    plans.push(p);
  }
  for (const k of Object.keys(state.bookedHere)) state.outcomes[k] ??= busySlotNotImported();
  return { plan: { clinics, records: plans, entryErrors: errors, newIds: state.newIds }, state };
}

const busySlotNotImported = () =>
  outcome('unchanged', {
    notes: ['busy in the source, and the appointment booked in it was not imported: not imported'],
  });

/**
 * A FHIR Slot new to Attend is created with the booking of its appointment, so it is reported from how
 * that appointment came out when applied: created with it, found made by someone else meanwhile, or
 * not imported at all.
 */
export function settleBookedHereSlot(
  ctx: PlanContext,
  state: PlanState,
  applied: RecordPlan,
  result: Outcome,
): void {
  if (applied.kind !== 'Appointment') return;
  const input = (ctx.record('Appointment', applied.key)?.input as AppointmentInput | undefined)?.slot;
  if (!input || !('key' in input)) return;
  const slotKey = sourceKeyString('Slot', input.key);
  if (!state.bookedHere[slotKey]) return;
  const write = applied.writes.find((w) => w.op === 'book' || w.op === 'bookNewSlot');
  if (result.action === 'rejected' || !write) state.outcomes[slotKey] = busySlotNotImported();
  else if (write.op === 'bookNewSlot') state.outcomes[slotKey] = outcome('created', { id: write.slot.id });
  else state.outcomes[slotKey] = outcome('unchanged', { id: write.booking.slotId });
}

/**
 * One record planned again, after the apply found Attend had changed under it (the caller has read the
 * record's part of Attend afresh into `state.held`). `deferred` for a slot that is now held by a booking.
 */
export function replanRecord(
  ctx: PlanContext,
  state: PlanState,
  previous: RecordPlan,
): RecordPlan | 'deferred' {
  const record = ctx.record(previous.kind, previous.key);
  if (!record) throw new Error(`No ${previous.kind} record ${previous.key} in this import`);
  if (previous.kind === 'Patient')
    return planPatient(ctx, state, record as Parameters<typeof planPatient>[2]);
  if (previous.kind === 'Slot') {
    return planSlot(ctx, state, record as Parameters<typeof planSlot>[2], previous.phase === 'deferredSlots');
  }
  return planAppointment(ctx, state, record as Parameters<typeof planAppointment>[2]);
}

/** Every slot needs a clinic: one Attend has, or one the source names well enough to create. */
function planClinics(ctx: PlanContext, state: PlanState, errors: PlanContext['records']['errors']): Clinic[] {
  const { batch } = ctx;
  const existing = new Set(state.held.clinics);
  const named = new Map(batch.clinics.map((c) => [c.id, c]));
  const inUse = batch.entries
    .filter((_, i) => errors[i]!.length === 0)
    .map(slotFieldsOf)
    .filter((f): f is SlotFields => f !== undefined);
  const toCreate: Clinic[] = [];
  const problems = new Map<string, string>();
  for (const clinicId of new Set(inUse.map((f) => f.clinicId))) {
    if (existing.has(clinicId)) continue;
    const c = named.get(clinicId);
    if (c?.name && c.venue && CLINIC_ID_TO_CREATE.test(clinicId)) {
      toCreate.push({
        id: clinicId,
        name: c.name,
        venue: c.venue,
        address: '',
        area: '',
        createdAt: ctx.now,
      });
      state.held.clinics.push(clinicId);
      continue;
    }
    problems.set(
      clinicId,
      !CLINIC_ID_TO_CREATE.test(clinicId)
        ? `no clinic "${clinicId}" in Attend; a clinic the import creates needs an id of lower-case letters, digits and dashes`
        : batch.format === 'csv'
          ? `no clinic "${clinicId}" in Attend; add it (POST /clinics) or give clinic_name and venue to create it`
          : `no clinic "${clinicId}" in Attend; add it (POST /clinics) or include its Location with a name (and an alias of at most 40 characters for texts)`,
    );
  }
  if (problems.size > 0) {
    batch.entries.forEach((e, i) => {
      const fields = slotFieldsOf(e);
      const problem = fields && problems.get(fields.clinicId);
      if (problem && errors[i]!.length === 0)
        errors[i]!.push({ field: ctx.label('clinicId'), message: problem });
    });
  }
  return toCreate;
}

/** CSV: a patient is imported for the rows that still stand, except rows that only say "cancelled". */
function patientsToImport(ctx: PlanContext, state: PlanState, errors: PlanContext['records']['errors']) {
  const { records, batch } = ctx;
  const alive = (entry: number) => errors[entry]!.length === 0;
  if (records.format === 'fhir') return records.patients.filter((u) => alive(u.entry));
  const needed = new Set<string>();
  batch.entries.forEach((e, i) => {
    if (!alive(i) || !e.patient || !e.appointment) return;
    const known = state.held.refs[sourceKeyString('Appointment', e.appointment.key)] !== undefined;
    if (e.appointment.status === 'booked' || known) needed.add(sourceKeyString('Patient', e.patient.key));
  });
  return records.patients.filter((u) => needed.has(u.k));
}

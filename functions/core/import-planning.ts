/**
 * What every planning step shares: the context an import is planned in, the state the planner moves on
 * as it goes, and the small builders of pointers and slots.
 */
import type { EventPathConfig } from './config/event-path-config.ts';
import type {
  AppointmentInput,
  ImportBatch,
  PatientInput,
  SlotFields,
  SlotInput,
  SourceKey,
  SourceKind,
} from './import-model.ts';
import type { Holdings, Outcome, RefChange, SourceRef } from './import-plan.ts';
import type { ImportRecords, SourceRecordOf } from './import-records.ts';
import { importedTiers } from './import-reminders.ts';
import type { Booking, Slot } from './model.ts';
import { reminderPlanInput } from './reminder-plan.ts';
import { newSlot } from './slot.ts';

export interface PlanContext {
  batch: ImportBatch;
  records: ImportRecords;
  config: EventPathConfig;
  /** The moment of the import: every booking it makes is booked at this instant. */
  now: string;
  /** Who is importing. */
  by: string;
  /** Text each family a confirmation of each new booking. */
  confirm: boolean;
  /** False for a dry run, which reports no reminder plans (and planning them is most of its time). */
  reminderPlans: boolean;
  /** How the source names a field ("mobile", "telecom"). */
  label: (field: string) => string;
  /** The reminder plan of a booking of `typeId` starting at `startsAt`, made now. */
  tiers: (typeId: string, startsAt: string) => Booking['tiers'];
  /** A FHIR Slot record by its source key. */
  slotRecord: (k: string) => SourceRecordOf<SlotInput> | undefined;
  /** Any record by its kind and source key. */
  record: (
    kind: SourceKind,
    k: string,
  ) => SourceRecordOf<PatientInput | SlotInput | AppointmentInput> | undefined;
}

export function planContext(
  input: Omit<PlanContext, 'label' | 'tiers' | 'slotRecord' | 'record'>,
): PlanContext {
  const { config, now, confirm } = input;
  // Every booking of an import is made at the same moment, so its reminder plan depends only on the type
  // and the start; an export repeats the same clinic times, so each is planned once.
  const plans = new Map<string, Booking['tiers']>();
  const slots = new Map(input.records.slots.map((s) => [s.k, s]));
  const patients = new Map(input.records.patients.map((p) => [p.k, p]));
  const appointments = new Map(input.records.appointments.map((a) => [a.k, a]));
  return {
    ...input,
    slotRecord: (k) => slots.get(k),
    record: (kind, k) => (kind === 'Slot' ? slots : kind === 'Patient' ? patients : appointments).get(k),
    label: (field) => input.batch.labels[field] ?? field,
    tiers: (typeId, startsAt) => {
      if (!input.reminderPlans) return {};
      const type = config.appointmentTypes[typeId];
      if (!type) throw new Error(`Appointment type ${typeId} is not configured`);
      const k = `${typeId}|${startsAt}`;
      let planned = plans.get(k);
      if (!planned) {
        planned = importedTiers(reminderPlanInput(config, { startsAt, bookedAt: now, tiers: type.tiers }), {
          confirm,
        });
        plans.set(k, planned);
      }
      return structuredClone(planned);
    },
  };
}

/** What the planner knows as it goes; the apply stage keeps it, to plan a record again after a race. */
export interface PlanState {
  /** What Attend holds, moved on by every record planned so far. */
  held: Holdings;
  /** Each record's outcome so far, by source key. */
  outcomes: Record<string, Outcome>;
  /** FHIR Slot source key → the Attend slot, once known. */
  slotIds: Record<string, string>;
  /** FHIR slots new to Attend that a booked appointment in this batch creates together with its booking. */
  bookedHere: Record<string, true>;
  newIds: string[];
}

export const PATIENT_FAILED = 'the patient could not be imported, so neither can the appointment';

export function newRef(
  ctx: PlanContext,
  kind: SourceKind,
  record: Pick<SourceRecordOf<unknown>, 'key' | 'hash'>,
  attendId: string,
  slotId?: string,
): SourceRef {
  return {
    kind,
    system: record.key.system,
    sourceId: record.key.id,
    attendId,
    ...(slotId ? { slotId } : {}),
    sourceHash: record.hash,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
}

export function refChange(
  ctx: PlanContext,
  kind: SourceKind,
  record: Pick<SourceRecordOf<unknown>, 'key' | 'hash'>,
  seen: SourceRef,
  extra: Partial<RefChange> = {},
): RefChange {
  return {
    kind,
    key: record.key,
    seen: { sourceHash: seen.sourceHash, attendId: seen.attendId },
    sourceHash: record.hash,
    now: ctx.now,
    ...extra,
  };
}

export function makeSlot(
  ctx: PlanContext,
  fields: SlotFields,
  status: Slot['status'],
  source?: SourceKey,
): Slot {
  return newSlot({
    clinicId: fields.clinicId,
    type: fields.type,
    startsAt: fields.startsAt,
    durationMinutes: fields.durationMinutes,
    timeZone: ctx.config.timeZone,
    now: ctx.now,
    status,
    sourceRecord: source,
  });
}

/** Which of a slot's clinic, type, start and duration differ from what the source says. */
export function slotDifferences(
  current: Pick<Slot, 'clinicId' | 'type' | 'startsAt' | 'durationMinutes'>,
  wanted: SlotFields,
): (keyof SlotFields)[] {
  return (['clinicId', 'type', 'startsAt', 'durationMinutes'] as const).filter(
    (f) => current[f] !== wanted[f],
  );
}

export const freeSlotsKey = (clinicId: string, localDay: string) => `${clinicId}|${localDay}`;

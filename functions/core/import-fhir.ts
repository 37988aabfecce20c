/**
 * Reads a FHIR R4 Bundle (transaction, batch, collection or searchset) of Patient, Slot and Appointment
 * resources, with optional Schedule and Location resources that say which clinic a slot belongs to.
 * Each resource is checked on its own; a problem is reported against the resource's fullUrl (or
 * Type/id) and the FHIR element at fault.
 *
 * Mapping:
 * - Patient: the first `identifier` with a system and value is the key; `name` (official, else usual,
 *   else first) gives the first and family names; the mobile is the first `telecom` (phone or sms, not
 *   `old`) with use `mobile`, else the first that is a mobile, looking in `Patient.telecom` then in
 *   `Patient.contact[].telecom` (a child's parent); `birthDate`; `communication` (preferred first) gives
 *   the language; Attend's own extensions give the due date, equity flags and named health visitor.
 * - Slot: `identifier`; `start`/`end` (instants with an offset); the appointment type from
 *   `appointmentType` or `serviceType`, whose coding code (or display, or text) must name one of the
 *   trust's types; the clinic from `schedule` (a Schedule in the Bundle whose actor is a Location, else
 *   the Schedule's or Location's id); `status` free/busy/busy-tentative are bookable, busy-unavailable
 *   and entered-in-error are not.
 * - Appointment: `identifier`; `status` booked or cancelled (entered-in-error counts as cancelled); one
 *   `slot` and a `participant` whose actor is a Patient, both in the Bundle.
 */
import { mapPatient } from './import-fhir-patient.ts';
import {
  appointmentSchema,
  type BundleEntry,
  BundleIndex,
  bundleSchema,
  entryLabel,
  FHIR_LABELS,
  keyOf,
  locationSchema,
  scheduleSchema,
  slotSchema,
  zodIssues,
} from './import-fhir-resources.ts';
import {
  type AppointmentInput,
  type ClinicInput,
  type ImportContext,
  type ImportEntry,
  type Issue,
  MAX_IMPORT_ROWS,
  type MapResult,
  resolveAppointmentType,
  type SlotInput,
  type SourceKey,
  unknownTypeMessage,
} from './import-model.ts';

export { ATTEND_EXTENSION_BASE, entryLabel, FHIR_LABELS } from './import-fhir-resources.ts';

const IMPORTED = new Set(['Patient', 'Slot', 'Appointment']);
const SUPPORTING = new Set(['Schedule', 'Location']);
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;
const SLOT_STATUSES = new Set(['free', 'busy', 'busy-tentative', 'busy-unavailable', 'entered-in-error']);
const BOOKABLE = new Set(['free', 'busy', 'busy-tentative']);

export function mapFhir(raw: unknown, ctx: ImportContext): MapResult {
  const parsed = bundleSchema.safeParse(raw);
  if (!parsed.success) {
    return {
      ok: false,
      message: 'The body is not a FHIR Bundle Attend can import',
      errors: zodIssues(parsed.error),
    };
  }
  const bundle = parsed.data;
  if (bundle.entry.length > MAX_IMPORT_ROWS) {
    return {
      ok: false,
      message: `The Bundle has ${bundle.entry.length.toLocaleString('en-GB')} entries; one import takes at most ${MAX_IMPORT_ROWS.toLocaleString('en-GB')}. Split it and import each part.`,
      errors: [],
      tooMany: bundle.entry.length,
    };
  }
  const index = new BundleIndex(bundle.entry);
  const entries: ImportEntry[] = [];
  const ignored = new Set<string>();
  const clinics = new Map<string, ClinicInput>();
  const patientKeys = new Map<BundleEntry, SourceKey | undefined>();
  const slotKeys = new Map<BundleEntry, SourceKey | undefined>();

  // Patients and slots first: appointments refer to them by their keys.
  const pending: { entry: BundleEntry; at: number }[] = [];
  bundle.entry.forEach((entry, i) => {
    const type = entry.resource?.resourceType;
    const origin = { resource: entryLabel(entry, i) };
    if (!entry.resource) {
      entries.push({
        origin,
        kind: 'Appointment',
        errors: [
          {
            field: 'resource',
            message:
              entry.request?.method === 'DELETE'
                ? 'DELETE is not imported: send the Appointment with status cancelled'
                : 'the entry has no resource',
          },
        ],
      });
      return;
    }
    if (type === 'Patient') {
      const { entry: mapped, key } = mapPatient(entry.resource, ctx);
      patientKeys.set(entry, key);
      entries.push({ origin, ...mapped });
    } else if (type === 'Slot') {
      const { entry: mapped, key, clinic } = mapSlot(entry.resource, index, ctx);
      slotKeys.set(entry, key);
      entries.push({ origin, ...mapped });
      if (clinic && mapped.errors.length === 0) {
        const known = clinics.get(clinic.id) ?? { id: clinic.id };
        known.name ??= clinic.name;
        known.venue ??= clinic.venue;
        clinics.set(clinic.id, known);
      }
    } else if (type === 'Appointment') {
      pending.push({ entry, at: entries.length });
      entries.push({ origin, kind: 'Appointment', errors: [] });
    } else if (type && !SUPPORTING.has(type)) {
      ignored.add(type);
    }
  });

  for (const { entry, at } of pending) {
    Object.assign(entries[at]!, mapAppointment(entry.resource!, index, patientKeys, slotKeys));
  }

  return {
    ok: true,
    batch: {
      format: 'fhir',
      entries,
      clinics: [...clinics.values()],
      labels: FHIR_LABELS,
      ignored: [...ignored].filter((t) => !IMPORTED.has(t)),
    },
  };
}

function idOf(ref: string | undefined, type: string): string | undefined {
  const match = new RegExp(`(?:^|/)${type}/([A-Za-z0-9.-]{1,64})(?:/_history/[^/]+)?$`).exec(ref ?? '');
  return match?.[1];
}

function mapSlot(
  resource: Record<string, unknown>,
  index: BundleIndex,
  ctx: ImportContext,
): { entry: Omit<ImportEntry, 'origin'>; key?: SourceKey; clinic?: ClinicInput } {
  const parsed = slotSchema.safeParse(resource);
  if (!parsed.success) return { entry: { kind: 'Slot', errors: zodIssues(parsed.error) } };
  const s = parsed.data;
  const errors: Issue[] = [];
  const key = keyOf(s.identifier, errors);

  if (!SLOT_STATUSES.has(s.status)) {
    errors.push({
      field: 'status',
      message: 'expected free, busy, busy-tentative, busy-unavailable or entered-in-error',
    });
  }
  let startsAt: string | undefined;
  let durationMinutes: number | undefined;
  if (!INSTANT.test(s.start) || Number.isNaN(Date.parse(s.start))) {
    errors.push({ field: 'start', message: 'expected an instant with an offset, e.g. 2026-12-03T14:00:00Z' });
  } else {
    startsAt = new Date(s.start).toISOString();
  }
  if (!INSTANT.test(s.end) || Number.isNaN(Date.parse(s.end))) {
    errors.push({ field: 'end', message: 'expected an instant with an offset, e.g. 2026-12-03T14:45:00Z' });
  } else if (startsAt) {
    const minutes = (Date.parse(s.end) - Date.parse(startsAt)) / 60_000;
    if (!Number.isInteger(minutes) || minutes < 5 || minutes > 480) {
      errors.push({ field: 'end', message: 'must be 5 to 480 whole minutes after start' });
    } else {
      durationMinutes = minutes;
    }
  }

  const concepts = [...(s.appointmentType ? [s.appointmentType] : []), ...(s.serviceType ?? [])];
  const candidates = concepts.flatMap((c) => [
    ...(c.coding ?? []).flatMap((k) => [k.code, k.display]),
    c.text,
  ]);
  const written = candidates.filter((v): v is string => !!v?.trim());
  const type = written.map((v) => resolveAppointmentType(v, ctx.appointmentTypes)).find(Boolean);
  if (!type) {
    errors.push({
      field: 'appointmentType',
      message: unknownTypeMessage(written[0] ?? '', ctx.appointmentTypes),
    });
  }

  const clinic = clinicFor(s.schedule.reference, index);
  if (!clinic) {
    errors.push({
      field: 'schedule',
      message: 'expected a reference to a Schedule (or Location) whose id is the clinic id',
    });
  }

  if (errors.length > 0 || !key) return { entry: { kind: 'Slot', errors }, key };
  const slot: SlotInput = {
    key,
    fields: { clinicId: clinic!.id, type: type!, startsAt: startsAt!, durationMinutes: durationMinutes! },
    bookable: BOOKABLE.has(s.status),
    sourceStatus: s.status,
  };
  return { entry: { kind: 'Slot', errors, slot }, key, clinic };
}

function clinicFor(ref: string | undefined, index: BundleIndex): ClinicInput | undefined {
  const target = index.resolve(ref);
  let locationRef: string | undefined;
  if (target?.resource?.resourceType === 'Schedule') {
    const schedule = scheduleSchema.safeParse(target.resource);
    locationRef = schedule.success
      ? schedule.data.actor?.map((a) => a.reference).find((r) => idOf(r, 'Location'))
      : undefined;
    if (!locationRef) {
      const id = target.resource.id;
      return id ? { id } : undefined;
    }
  } else if (target?.resource?.resourceType === 'Location') {
    locationRef = ref;
  } else {
    const id = idOf(ref, 'Schedule') ?? idOf(ref, 'Location');
    return id ? { id } : undefined;
  }
  const location = index.resolve(locationRef);
  const parsed = location ? locationSchema.safeParse(location.resource) : undefined;
  const id = (parsed?.success ? parsed.data.id : undefined) ?? idOf(locationRef, 'Location');
  if (!id) return undefined;
  const name = parsed?.success ? parsed.data.name?.trim() : undefined;
  const alias = parsed?.success
    ? parsed.data.alias?.map((a) => a.trim()).find((a) => a && a.length <= 40)
    : undefined;
  return { id, name, venue: alias ?? (name && name.length <= 40 ? name : undefined) };
}

function mapAppointment(
  resource: Record<string, unknown>,
  index: BundleIndex,
  patientKeys: Map<BundleEntry, SourceKey | undefined>,
  slotKeys: Map<BundleEntry, SourceKey | undefined>,
): Omit<ImportEntry, 'origin'> {
  const parsed = appointmentSchema.safeParse(resource);
  if (!parsed.success) return { kind: 'Appointment', errors: zodIssues(parsed.error) };
  const a = parsed.data;
  const errors: Issue[] = [];
  const key = keyOf(a.identifier, errors);

  let status: AppointmentInput['status'] | undefined;
  if (a.status === 'booked') status = 'booked';
  else if (a.status === 'cancelled' || a.status === 'entered-in-error') status = 'cancelled';
  else
    errors.push({
      field: 'status',
      message: `Attend imports booked and cancelled appointments, not ${a.status.slice(0, 30)}`,
    });

  const slots = a.slot ?? [];
  let slot: SourceKey | undefined;
  if (slots.length !== 1) {
    errors.push({ field: 'slot', message: 'needs exactly one slot' });
  } else {
    const target = index.resolve(slots[0]?.reference);
    if (target?.resource?.resourceType !== 'Slot') {
      errors.push({ field: 'slot', message: 'must refer to a Slot in this Bundle' });
    } else {
      slot = slotKeys.get(target);
      if (!slot) errors.push({ field: 'slot', message: 'the Slot it refers to cannot be read' });
    }
  }

  const patientEntry = (a.participant ?? [])
    .map((p) => index.resolve(p.actor?.reference))
    .find((e) => e?.resource?.resourceType === 'Patient');
  let patient: SourceKey | undefined;
  if (!patientEntry) {
    errors.push({
      field: 'participant',
      message: 'needs a participant whose actor is a Patient in this Bundle',
    });
  } else {
    patient = patientKeys.get(patientEntry);
    if (!patient)
      errors.push({ field: 'participant', message: 'the Patient it refers to has no usable identifier' });
  }

  if (errors.length > 0 || !key) return { kind: 'Appointment', errors };
  return {
    kind: 'Appointment',
    errors,
    appointment: { key, patient: patient!, status: status!, slot: { key: slot! } },
  };
}

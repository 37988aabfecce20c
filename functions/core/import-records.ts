/**
 * The parse stage's last step: the distinct source records of a batch. A CSV file repeats a patient on
 * each of their rows and a Bundle may list a resource twice; each record is planned once, from the
 * entry it was first read from. A second, different version of the same record is refused on its entry.
 */
import {
  type AppointmentInput,
  fingerprint,
  type ImportBatch,
  type Issue,
  type PatientFields,
  type PatientInput,
  type SlotFields,
  type SlotInput,
  type SourceKey,
  type SourceKind,
  sourceKeyString,
} from './import-model.ts';

export interface SourceRecordOf<T> {
  /** `sourceKeyString(kind, key)`. */
  k: string;
  key: SourceKey;
  input: T;
  /** A digest of what the source says (stored on the pointer; the same digest next time is "unchanged"). */
  hash: string;
  /** The entry the record was first read from. */
  entry: number;
}

export interface ImportRecords {
  format: ImportBatch['format'];
  patients: SourceRecordOf<PatientInput>[];
  slots: SourceRecordOf<SlotInput>[];
  appointments: SourceRecordOf<AppointmentInput>[];
  /** Each entry's problems so far: from reading it, and from repeating a record differently. */
  errors: Issue[][];
  /** FHIR entries whose record is the same as an earlier entry's: entry → the earlier entry. */
  repeats: Record<number, number>;
}

/** Where an entry sits in the source, as a report names it. */
export function where(batch: ImportBatch, entry: number): string {
  const origin = batch.entries[entry]!.origin;
  return 'row' in origin ? `row ${origin.row}` : origin.resource;
}

export function collectRecords(batch: ImportBatch): ImportRecords {
  const errors = batch.entries.map((e) => [...e.errors]);
  const repeats: Record<number, number> = {};
  const label = (field: string) => batch.labels[field] ?? field;
  const seen = {
    Patient: new Map<string, SourceRecordOf<PatientInput>>(),
    Slot: new Map<string, SourceRecordOf<SlotInput>>(),
    Appointment: new Map<string, SourceRecordOf<AppointmentInput>>(),
  };

  const register = <T>(
    map: Map<string, SourceRecordOf<T>>,
    kind: SourceKind,
    key: SourceKey,
    input: T,
    hashed: unknown,
    entry: number,
    sameIsRepeat: boolean,
  ): boolean => {
    const k = sourceKeyString(kind, key);
    const hash = fingerprint(hashed);
    const first = map.get(k);
    if (!first) {
      map.set(k, { k, key, input, hash, entry });
      return true;
    }
    if (first.hash === hash && sameIsRepeat) {
      if (batch.format === 'fhir') repeats[entry] = first.entry;
      return true;
    }
    const field = kind === 'Patient' ? label('patient') : 'identifier';
    const differs =
      kind === 'Patient' && first.hash !== hash
        ? ` with different details (${diffPatientFields(
            (first.input as PatientInput).fields,
            (input as PatientInput).fields,
          )
            .map(label)
            .join(', ')})`
        : '';
    errors[entry]!.push({
      field: kind === 'Appointment' && batch.format === 'csv' ? 'appointment_id' : field,
      message: `the same ${kind.toLowerCase()} is already in ${where(batch, first.entry)}${differs}`,
    });
    return false;
  };

  batch.entries.forEach((e, i) => {
    if (errors[i]!.length > 0) return;
    // A CSV row repeats its patient on every appointment; a FHIR Patient resource is one record.
    if (
      e.patient &&
      !register(seen.Patient, 'Patient', e.patient.key, e.patient, e.patient.fields, i, true)
    ) {
      return;
    }
    if (e.slot) register(seen.Slot, 'Slot', e.slot.key, e.slot, slotHash(e.slot), i, false);
    if (e.appointment) {
      const a = e.appointment;
      const hashed = {
        patient: sourceKeyString('Patient', a.patient),
        status: a.status,
        slot: 'key' in a.slot ? sourceKeyString('Slot', a.slot.key) : a.slot.fields,
      };
      register(seen.Appointment, 'Appointment', a.key, a, hashed, i, false);
    }
  });

  return {
    format: batch.format,
    patients: [...seen.Patient.values()],
    slots: [...seen.Slot.values()],
    appointments: [...seen.Appointment.values()],
    errors,
    repeats,
  };
}

/** The slot details an entry carries: a FHIR Slot's, or a CSV row's own. */
export function slotFieldsOf(e: ImportBatch['entries'][number]): SlotFields | undefined {
  return (
    e.slot?.fields ??
    (e.appointment && 'fields' in e.appointment.slot ? e.appointment.slot.fields : undefined)
  );
}

function slotHash(slot: SlotInput): unknown {
  return { ...slot.fields, bookable: slot.bookable };
}

function diffPatientFields(a: PatientFields, b: PatientFields): string[] {
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof PatientFields>;
  return [...fields].filter((f) => a[f] !== b[f]);
}

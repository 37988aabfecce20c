/**
 * The import's answer: one row per CSV row (or Bundle entry), in the file's order, from the records'
 * outcomes. A CSV row carries an appointment and its patient, and reports both on the row that first
 * carries the patient.
 */
import type { EntryOrigin, ImportBatch, Issue, SourceKind } from './import-model.ts';
import { sourceKeyString } from './import-model.ts';
import type { ImportAction, Outcome } from './import-plan.ts';
import { PATIENT_FAILED } from './import-planning.ts';
import { type ImportRecords, where } from './import-records.ts';

export type { ImportAction } from './import-plan.ts';

export interface ImportOptions {
  /** Plan and report, write nothing. */
  dryRun: boolean;
  /** Text each family a confirmation of each new booking (default: no, the EPR has told them). */
  confirm: boolean;
  /** Who is importing (the IAM caller). */
  by: string;
}

export interface ImportRow {
  /** CSV: the row as a spreadsheet numbers it (the header is row 1). */
  row?: number;
  /** FHIR: the entry's fullUrl, else Type/id. */
  resource?: string;
  kind: 'appointment' | SourceKind;
  action: ImportAction;
  /** The booking (CSV rows and Appointments), client (Patients) or slot (Slots); absent when not created. */
  id?: string;
  clientId?: string;
  slotId?: string;
  /** Which fields changed, named as the source names them. */
  changes?: string[];
  errors?: Issue[];
  notes?: string[];
}

export interface ImportReport {
  dryRun: boolean;
  format: 'csv' | 'fhir';
  confirm: boolean;
  summary: Record<ImportAction, number>;
  rows: ImportRow[];
  /** Clinics created because the source named them with a name and venue. */
  clinicsCreated: string[];
  /** CSV columns or FHIR resource types that are not imported. */
  ignored: string[];
  warnings: string[];
}

export interface ReportInput {
  batch: ImportBatch;
  records: ImportRecords;
  options: ImportOptions;
  /** Each entry's problems (reading and planning). */
  entryErrors: Issue[][];
  /** Each record's outcome, by source key: as planned (a dry run) or as applied. */
  outcomes: Record<string, Outcome>;
  /** Ids of records a dry run would create: made up, so never reported. */
  virtualIds: readonly string[];
  clinicsCreated: string[];
  warnings: string[];
}

export function buildReport(input: ReportInput): ImportReport {
  const { batch, records, options, entryErrors, outcomes } = input;
  const alive = (i: number) => entryErrors[i]!.length === 0;
  const firstRowOf = new Map<string, number>();
  batch.entries.forEach((e, i) => {
    if (!alive(i) || !e.patient) return;
    const pk = sourceKeyString('Patient', e.patient.key);
    if (!firstRowOf.has(pk)) firstRowOf.set(pk, i);
  });
  const virtual = new Set(options.dryRun ? input.virtualIds : []);

  const combined = (e: ImportBatch['entries'][number], i: number): Outcome | undefined => {
    const a = outcomes[sourceKeyString('Appointment', e.appointment!.key)];
    if (batch.format !== 'csv' || !e.patient) return a;
    const pk = sourceKeyString('Patient', e.patient.key);
    const p = outcomes[pk];
    if (!a) return p;
    if (p?.action === 'rejected') {
      // The row's own problem is the patient's; "so neither can the appointment" would only repeat it.
      const own = a.errors.filter((err) => err.message !== PATIENT_FAILED);
      if (a.action === 'rejected' || a.action === 'unchanged') {
        return { ...a, action: 'rejected', errors: [...p.errors, ...own] };
      }
      return { ...a, notes: [...a.notes, ...p.errors.map((err) => `patient not updated: ${err.message}`)] };
    }
    if (!p || firstRowOf.get(pk) !== i || a.action === 'rejected')
      return { ...a, clientId: a.clientId ?? p?.id };
    const rank: ImportAction[] = ['rejected', 'created', 'changed', 'unchanged'];
    const action = rank.find((r) => r === a.action || r === p.action)!;
    return {
      ...a,
      action,
      clientId: a.clientId ?? p.id,
      changes: [...p.changes, ...a.changes],
      notes: [
        ...p.notes,
        ...a.notes,
        ...(p.action === 'created' && a.action !== 'created' ? ['patient created'] : []),
      ],
      errors: [...p.errors, ...a.errors],
    };
  };

  const toRow = (base: ImportRow, o: Outcome): ImportRow => {
    const row: ImportRow = { ...base, action: o.action };
    const real = (id: string | undefined) => id !== undefined && !virtual.has(id);
    if (real(o.id)) row.id = o.id;
    if (real(o.clientId)) row.clientId = o.clientId;
    if (real(o.slotId)) row.slotId = o.slotId;
    if (o.changes.length) row.changes = [...new Set(o.changes)];
    if (o.errors.length) row.errors = o.errors;
    if (o.notes.length) row.notes = o.notes;
    return row;
  };

  const rowOf = (origin: EntryOrigin, kind: ImportRow['kind'], i: number): ImportRow => {
    const base: ImportRow = { ...origin, kind, action: 'rejected' };
    if (!alive(i)) return { ...base, errors: entryErrors[i] };
    const e = batch.entries[i]!;
    const repeatOf = records.repeats[i];
    if (repeatOf !== undefined) {
      return { ...base, action: 'unchanged', notes: [`the same record as ${where(batch, repeatOf)}`] };
    }
    let o: Outcome | undefined;
    if (kind === 'Patient' && e.patient) o = outcomes[sourceKeyString('Patient', e.patient.key)];
    else if (kind === 'Slot' && e.slot) o = outcomes[sourceKeyString('Slot', e.slot.key)];
    else if (e.appointment) o = combined(e, i);
    if (!o) return { ...base, errors: [{ field: '(record)', message: 'not imported' }] };
    return toRow(base, o);
  };

  const rows = batch.entries.map((e, i) => rowOf(e.origin, e.kind, i));
  const summary: Record<ImportAction, number> = { created: 0, changed: 0, unchanged: 0, rejected: 0 };
  for (const r of rows) summary[r.action]++;
  return {
    dryRun: options.dryRun,
    format: batch.format,
    confirm: options.confirm,
    summary,
    rows,
    clinicsCreated: input.clinicsCreated,
    ignored: batch.ignored,
    warnings: input.warnings,
  };
}

/**
 * Imports what an EPR export says (patients, slots, appointments) into Attend, idempotently: each source
 * record is keyed by its source system and id through a pointer item, and a record whose source says
 * exactly what it said last time is left alone. Bad rows are reported one by one and the good ones
 * still import; a dry run plans every row the same way and writes nothing.
 *
 * Order matters within one import: patients first (bookings need their client), then free slots, then
 * cancellations (which free slots), then bookings (which may take a slot just freed), and last any slot
 * change that had to wait for its booking to be cancelled.
 */
import { newBooking, pickRef } from '#core/booking.ts';
import { newClient } from '#core/client.ts';
import { mapWithConcurrency } from '#core/concurrency.ts';
import type { ReminderTierConfig } from '#core/config/reminders.ts';
import { ConflictError, NotFoundError } from '#core/errors.ts';
import { appointmentBooked, appointmentCancelled, type DomainEvent } from '#core/events.ts';
import {
  type AppointmentInput,
  type EntryOrigin,
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
} from '#core/import-model.ts';
import { importedTiers } from '#core/import-reminders.ts';
import { localDay } from '#core/local-time.ts';
import type { Booking, Client, Slot } from '#core/model.ts';
import { reminderPlanInput } from '#core/reminder-plan.ts';
import { withRetry } from '#core/retry.ts';
import { newSlot } from '#core/slot.ts';
import { cancelBooking, createBooking, getBooking, liveBookingsByPhone } from '#store/bookings.ts';
import { getClient } from '#store/clients.ts';
import { createClinic, listClinics } from '#store/clinics.ts';
import { getSlot, slotsByClinicDay } from '#store/slots.ts';
import {
  bookingInNewSlotItems,
  type ClientChanges,
  createBookingInNewSlot,
  createImportedClient,
  createImportedSlot,
  getSourceRef,
  getSourceRefs,
  importedClientItems,
  isRace,
  putRef,
  type RefChange,
  refMapKey,
  type SourceRef,
  type TransactItem,
  TransactionGrouper,
  touchRef,
  updateImportedClient,
  updateImportedSlot,
  updateRef,
} from '#store/source-refs.ts';
import { cancellationNotice } from './bookings.ts';
import type { Deps } from './deps.ts';

export type ImportAction = 'created' | 'changed' | 'unchanged' | 'rejected';

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

interface Outcome {
  action: ImportAction;
  id?: string;
  clientId?: string;
  slotId?: string;
  changes: string[];
  errors: Issue[];
  notes: string[];
}

interface Unique<T> {
  input: T;
  hash: string;
  /** The entry the record was first read from. */
  entry: number;
  key: SourceKey;
}

type Target =
  | { kind: 'existing'; slot: Slot }
  | { kind: 'new'; slot: Slot; slotRef?: SourceRef }
  | { kind: 'rejected'; issue: Issue };

/** Records planned at once; their new-record writes share transactions (see TransactionGrouper). */
const CONCURRENCY = 24;
const ATTEMPTS = 4;
const OUTCOME_STATUSES = new Set(['ATTENDED', 'DNA', 'WNB']);
const CLINIC_ID_TO_CREATE = /^[a-z0-9-]{2,40}$/;
const PATIENT_FAILED = 'the patient could not be imported, so neither can the appointment';

const outcome = (action: ImportAction, extra: Partial<Outcome> = {}): Outcome => ({
  action,
  changes: [],
  errors: [],
  notes: [],
  ...extra,
});
const rejected = (field: string, message: string): Outcome =>
  outcome('rejected', { errors: [{ field, message }] });

export async function runImport(
  deps: Deps,
  batch: ImportBatch,
  options: ImportOptions,
): Promise<ImportReport> {
  const started = Date.now();
  const report = await new ImportRun(deps, batch, options).run();
  deps.log.info('import finished', {
    format: batch.format,
    dryRun: options.dryRun,
    summary: report.summary,
    clinicsCreated: report.clinicsCreated.length,
    ms: Date.now() - started,
  });
  return report;
}

class ImportRun {
  private readonly now: string;
  private readonly nowDate: Date;
  private readonly labels: Record<string, string>;
  private readonly errors: Issue[][];
  private readonly patients = new Map<string, Unique<PatientInput>>();
  private readonly slots = new Map<string, Unique<SlotInput>>();
  private readonly appointments = new Map<string, Unique<AppointmentInput>>();
  private readonly patientOutcomes = new Map<string, Outcome>();
  private readonly slotOutcomes = new Map<string, Outcome>();
  private readonly appointmentOutcomes = new Map<string, Outcome>();
  /** Entries whose record is the same as an earlier entry's (FHIR): entry → the earlier entry. */
  private readonly repeats = new Map<number, number>();
  private refs = new Map<string, SourceRef>();
  /** Slot key → Attend slot id, once known. */
  private readonly slotIds = new Map<string, string>();
  /** FHIR slots new to Attend that a booked appointment in this batch will create. */
  private readonly bookedHere = new Set<string>();
  /** Dry run only: what the slots would look like after the writes planned so far. */
  private readonly overlay = new Map<string, Slot>();
  private readonly clients = new Map<string, Promise<Client | undefined>>();
  private readonly freeSlots = new Map<string, Promise<Slot[]>>();
  private readonly events: DomainEvent[] = [];
  private readonly clinicsCreated: string[] = [];
  private readonly warnings: string[] = [];
  /** Dry run only: ids made up for records that would be created; never reported. */
  private readonly virtualIds = new Set<string>();
  private readonly refsByPhone = new Map<string, Promise<Set<string>>>();
  private readonly writes: TransactionGrouper;
  private readonly plans = new Map<string, Booking['tiers']>();
  /** CSV: patient key → the row that reports the patient's own outcome. */
  private readonly firstRowOf = new Map<string, number>();

  constructor(
    private readonly deps: Deps,
    private readonly batch: ImportBatch,
    private readonly options: ImportOptions,
  ) {
    this.writes = new TransactionGrouper(deps.store);
    this.nowDate = deps.now();
    this.now = this.nowDate.toISOString();
    this.labels = batch.labels;
    this.errors = batch.entries.map((e) => [...e.errors]);
  }

  private label(field: string): string {
    return this.labels[field] ?? field;
  }

  private where(entry: number): string {
    const origin = this.batch.entries[entry]!.origin;
    return 'row' in origin ? `row ${origin.row}` : origin.resource;
  }

  private alive(entry: number): boolean {
    return this.errors[entry]!.length === 0;
  }

  async run(): Promise<ImportReport> {
    this.collect();
    await this.prefetch();
    this.checkNewAppointments();
    await this.checkClinics();

    await mapWithConcurrency([...this.patientsToImport()], CONCURRENCY, async ([k, u]) => {
      this.patientOutcomes.set(k, await this.importPatient(u));
    });
    const deferredSlots: [string, Unique<SlotInput>][] = [];
    await mapWithConcurrency([...this.slots], CONCURRENCY, async ([k, u]) => {
      if (!this.alive(u.entry)) return;
      const result = await this.importSlot(u, false);
      if (result) this.slotOutcomes.set(k, result);
      else if (!this.bookedHere.has(k)) deferredSlots.push([k, u]);
    });
    const live = [...this.appointments].filter(([, u]) => this.alive(u.entry));
    for (const status of ['cancelled', 'booked'] as const) {
      await mapWithConcurrency(
        live.filter(([, u]) => u.input.status === status),
        CONCURRENCY,
        async ([k, u]) => {
          this.appointmentOutcomes.set(k, await this.importAppointment(u));
        },
      );
    }
    await mapWithConcurrency(deferredSlots, CONCURRENCY, async ([k, u]) => {
      this.slotOutcomes.set(k, (await this.importSlot(u, true))!);
    });
    for (const k of this.bookedHere) {
      if (!this.slotOutcomes.has(k)) {
        this.slotOutcomes.set(
          k,
          outcome('unchanged', {
            notes: ['busy in the source, and the appointment booked in it was not imported: not imported'],
          }),
        );
      }
    }
    await this.publish();
    return this.report();
  }

  /** Reads each distinct record once; a second, different version of the same record is refused. */
  private collect(): void {
    const register = <T>(
      map: Map<string, Unique<T>>,
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
        map.set(k, { input, hash, entry, key });
        return true;
      }
      if (first.hash === hash && sameIsRepeat) {
        if (this.batch.format === 'fhir') this.repeats.set(entry, first.entry);
        return true;
      }
      const field = kind === 'Patient' ? this.label('patient') : 'identifier';
      const differs =
        kind === 'Patient' && first.hash !== hash
          ? ` with different details (${diffPatientFields(
              (first.input as PatientInput).fields,
              (input as PatientInput).fields,
            )
              .map((f) => this.label(f))
              .join(', ')})`
          : '';
      this.errors[entry]!.push({
        field: kind === 'Appointment' && this.batch.format === 'csv' ? 'appointment_id' : field,
        message: `the same ${kind.toLowerCase()} is already in ${this.where(first.entry)}${differs}`,
      });
      return false;
    };

    this.batch.entries.forEach((e, i) => {
      if (!this.alive(i)) return;
      // A CSV row repeats its patient on every appointment; a FHIR Patient resource is one record.
      if (
        e.patient &&
        !register(this.patients, 'Patient', e.patient.key, e.patient, e.patient.fields, i, true)
      ) {
        return;
      }
      if (e.slot) register(this.slots, 'Slot', e.slot.key, e.slot, slotHash(e.slot), i, false);
      if (e.appointment) {
        const a = e.appointment;
        const hashed = {
          patient: sourceKeyString('Patient', a.patient),
          status: a.status,
          slot: 'key' in a.slot ? sourceKeyString('Slot', a.slot.key) : a.slot.fields,
        };
        register(this.appointments, 'Appointment', a.key, a, hashed, i, false);
      }
    });
  }

  /** Every slot needs a clinic: an existing one, or one the source names well enough to create. */
  private async checkClinics(): Promise<void> {
    const existing = new Set((await listClinics(this.deps.store)).map((c) => c.id));
    const named = new Map(this.batch.clinics.map((c) => [c.id, c]));
    const problems = new Map<string, string>();
    const csv = this.batch.format === 'csv';
    for (const clinicId of new Set(this.slotFieldsInUse().map((f) => f.clinicId))) {
      if (existing.has(clinicId)) continue;
      const c = named.get(clinicId);
      if (c?.name && c.venue && CLINIC_ID_TO_CREATE.test(clinicId)) {
        if (!this.options.dryRun) {
          try {
            await createClinic(this.deps.store, {
              id: clinicId,
              name: c.name,
              venue: c.venue,
              address: '',
              area: '',
              createdAt: this.now,
            });
          } catch (err) {
            // Another import created it a moment ago: just as good.
            if (!(err instanceof ConflictError)) throw err;
          }
        }
        this.clinicsCreated.push(clinicId);
        continue;
      }
      problems.set(
        clinicId,
        !CLINIC_ID_TO_CREATE.test(clinicId)
          ? `no clinic "${clinicId}" in Attend; a clinic the import creates needs an id of lower-case letters, digits and dashes`
          : csv
            ? `no clinic "${clinicId}" in Attend; add it (POST /clinics) or give clinic_name and venue to create it`
            : `no clinic "${clinicId}" in Attend; add it (POST /clinics) or include its Location with a name (and an alias of at most 40 characters for texts)`,
      );
    }
    if (problems.size === 0) return;
    this.batch.entries.forEach((e, i) => {
      const fields = slotFieldsOf(e);
      const problem = fields && problems.get(fields.clinicId);
      if (problem && this.alive(i)) this.errors[i]!.push({ field: this.label('clinicId'), message: problem });
    });
  }

  private slotFieldsInUse(): SlotFields[] {
    return this.batch.entries
      .filter((_, i) => this.alive(i))
      .map(slotFieldsOf)
      .filter((f): f is SlotFields => f !== undefined);
  }

  private async prefetch(): Promise<void> {
    const wanted = [
      ...[...this.patients.values()].map((u) => ({ kind: 'Patient' as const, key: u.key })),
      ...[...this.slots.values()].map((u) => ({ kind: 'Slot' as const, key: u.key })),
      ...[...this.appointments.values()].map((u) => ({ kind: 'Appointment' as const, key: u.key })),
    ];
    this.refs = await getSourceRefs(this.deps.store, wanted);
    for (const [k, u] of this.slots) {
      const ref = this.refs.get(refMapKey('Slot', u.key));
      if (ref) this.slotIds.set(k, ref.attendId);
    }
    for (const u of this.appointments.values()) {
      if (u.input.status !== 'booked' || !('key' in u.input.slot) || !this.alive(u.entry)) continue;
      const k = sourceKeyString('Slot', u.input.slot.key);
      if (!this.slotIds.has(k)) this.bookedHere.add(k);
    }
  }

  /**
   * An appointment new to Attend that starts in the past is refused before anything is written, so a
   * rejected row does not leave its patient behind.
   */
  private checkNewAppointments(): void {
    if (this.batch.format !== 'csv') return;
    for (const u of this.appointments.values()) {
      const slot = u.input.slot;
      if (!('fields' in slot) || u.input.status !== 'booked') continue;
      if (this.refs.has(refMapKey('Appointment', u.key))) continue;
      if (slot.fields.startsAt <= this.now) {
        this.errors[u.entry]!.push({
          field: this.label('startsAt'),
          message: 'the appointment starts in the past; Attend imports appointments still to come',
        });
      }
    }
  }

  /** CSV: a patient is imported for the rows that still stand, except rows that only say "cancelled". */
  private *patientsToImport(): Iterable<[string, Unique<PatientInput>]> {
    if (this.batch.format === 'fhir') {
      for (const entry of this.patients) if (this.alive(entry[1].entry)) yield entry;
      return;
    }
    const needed = new Set<string>();
    this.batch.entries.forEach((e, i) => {
      if (!this.alive(i) || !e.patient || !e.appointment) return;
      const known = this.refs.has(refMapKey('Appointment', e.appointment.key));
      if (e.appointment.status === 'booked' || known) needed.add(sourceKeyString('Patient', e.patient.key));
    });
    for (const entry of this.patients) if (needed.has(entry[0])) yield entry;
  }

  /** Runs one record's plan, re-reading and planning again when another writer got there first. */
  private async retrying(
    kind: SourceKind,
    key: SourceKey,
    plan: (ref: SourceRef | undefined, fresh: boolean) => Promise<Outcome | undefined>,
  ): Promise<Outcome | undefined> {
    const raced = (err: unknown) => isRace(err) || err instanceof ConflictError;
    try {
      // Rows of one family touch the same client item; a short jittered wait lets the other finish.
      return await withRetry(
        async (attempt) => {
          const fresh = attempt > 1;
          const ref = fresh
            ? await getSourceRef(this.deps.store, kind, key)
            : this.refs.get(refMapKey(kind, key));
          return plan(ref, fresh);
        },
        { attempts: ATTEMPTS, minDelayMs: 10, maxDelayMs: 200, retryIf: raced },
      );
    } catch (err) {
      if (!raced(err)) throw err;
    }
    return rejected('(record)', 'changed by someone else while importing; import the file again');
  }

  private newRef(
    kind: SourceKind,
    key: SourceKey,
    attendId: string,
    hash: string,
    slotId?: string,
  ): SourceRef {
    return {
      kind,
      system: key.system,
      sourceId: key.id,
      attendId,
      slotId,
      sourceHash: hash,
      createdAt: this.now,
      updatedAt: this.now,
    };
  }

  private refChange(
    kind: SourceKind,
    u: Unique<unknown>,
    seen: SourceRef,
    extra: Partial<RefChange> = {},
  ): RefChange {
    return { kind, key: u.key, seen, sourceHash: u.hash, now: this.now, ...extra };
  }

  private async touch(change: RefChange): Promise<void> {
    if (!this.options.dryRun) await touchRef(this.deps.store, change);
  }

  // ---- Patients -----------------------------------------------------------------------------------

  private async importPatient(u: Unique<PatientInput>): Promise<Outcome> {
    const { store, config } = this.deps;
    const result = await this.retrying('Patient', u.key, async (ref) => {
      const f = u.input.fields;
      if (!ref) {
        const client = newClient(
          {
            firstName: f.firstName,
            familyName: f.familyName ?? '',
            phone: f.phone,
            language: f.language ?? undefined,
            dateOfBirth: f.dateOfBirth ?? undefined,
            dueDate: f.dueDate ?? undefined,
            namedHealthVisitor: f.namedHealthVisitor ?? undefined,
            flags: {
              imdDecile: f.imdDecile ?? undefined,
              needsCarer: f.needsCarer ?? false,
              parentalMentalHealth: f.parentalMentalHealth ?? false,
              vulnerable: f.vulnerable ?? false,
              doNotText: f.doNotText ?? false,
            },
            sourceRecord: u.key,
          },
          { now: this.now, defaultLanguage: config.defaultLanguage },
        );
        if (!this.options.dryRun) {
          const ref = this.newRef('Patient', u.key, client.id, u.hash);
          await this.writes.write(importedClientItems(store, client, ref), () =>
            createImportedClient(store, client, ref),
          );
        }
        this.clients.set(client.id, Promise.resolve(client));
        this.made(client.id);
        return outcome('created', { id: client.id });
      }
      if (ref.sourceHash === u.hash) return outcome('unchanged', { id: ref.attendId });
      const client = await getClient(store, ref.attendId);
      if (!client) {
        return rejected(
          this.label('patient'),
          "this patient's record was erased from Attend; an import does not bring it back",
        );
      }
      const changes = clientChanges(client, f);
      const change = this.refChange('Patient', u, ref);
      if (Object.keys(changes).length === 0) {
        await this.touch(change);
        return outcome('unchanged', { id: client.id });
      }
      if (!this.options.dryRun) {
        const live = changes.phone
          ? (await liveBookingsByPhone(store, client.phone)).filter((b) => b.clientId === client.id)
          : [];
        await updateImportedClient(store, { client, changes, liveBookings: live, ref: change });
      }
      this.clients.set(client.id, Promise.resolve({ ...client, phone: changes.phone ?? client.phone }));
      return outcome('changed', {
        id: client.id,
        changes: Object.keys(changes).map((c) => this.label(c.replace(/^flags\./, ''))),
      });
    });
    return result!;
  }

  private client(id: string): Promise<Client | undefined> {
    let found = this.clients.get(id);
    if (!found) {
      found = getClient(this.deps.store, id);
      this.clients.set(id, found);
    }
    return found;
  }

  // ---- Slots (FHIR) -------------------------------------------------------------------------------

  private async readSlot(id: string): Promise<Slot | undefined> {
    return this.overlay.get(id) ?? getSlot(this.deps.store, id);
  }

  private makeSlot(fields: SlotFields, status: Slot['status'], source?: SourceKey): Slot {
    return newSlot({
      clinicId: fields.clinicId,
      type: fields.type,
      startsAt: fields.startsAt,
      durationMinutes: fields.durationMinutes,
      timeZone: this.deps.config.timeZone,
      now: this.now,
      status,
      sourceRecord: source,
    });
  }

  /** Undefined when the slot is held by a booking and `final` is false: it is tried again at the end. */
  private async importSlot(u: Unique<SlotInput>, final: boolean): Promise<Outcome | undefined> {
    const k = sourceKeyString('Slot', u.key);
    return this.retrying('Slot', u.key, async (ref) => {
      const { fields, bookable, sourceStatus } = u.input;
      if (!ref) {
        if (this.bookedHere.has(k)) return undefined;
        if (!bookable)
          return outcome('unchanged', { notes: [`${sourceStatus} in the source: not imported`] });
        if (sourceStatus !== 'free') {
          return outcome('unchanged', {
            notes: [`${sourceStatus} in the source with no booked appointment in this Bundle: not imported`],
          });
        }
        if (fields.startsAt <= this.now) return rejected('start', 'the slot starts in the past');
        const slot = this.makeSlot(fields, 'FREE', u.key);
        if (this.options.dryRun) this.overlay.set(slot.id, slot);
        else await createImportedSlot(this.deps.store, slot, this.newRef('Slot', u.key, slot.id, u.hash));
        this.slotIds.set(k, slot.id);
        this.made(slot.id);
        return outcome('created', { id: slot.id });
      }
      this.slotIds.set(k, ref.attendId);
      if (ref.sourceHash === u.hash) return outcome('unchanged', { id: ref.attendId });
      const slot = await this.readSlot(ref.attendId);
      if (!slot)
        return rejected('identifier', 'the slot imported from this record no longer exists in Attend');
      const moved = slotDifferences(slot, fields);
      const status: Slot['status'] = !bookable
        ? 'WITHDRAWN'
        : slot.status === 'WITHDRAWN'
          ? 'FREE'
          : slot.status;
      const change = this.refChange('Slot', u, ref);
      if (moved.length === 0 && status === slot.status) {
        await this.touch(change);
        return outcome('unchanged', { id: slot.id });
      }
      const free = slot.status === 'FREE' || slot.status === 'WITHDRAWN';
      const withdrawingOffered = slot.status === 'OFFERING' && moved.length === 0 && status === 'WITHDRAWN';
      if (!free && !withdrawingOffered) {
        if (!final) return undefined;
        return rejected(
          moved.length ? this.label(moved[0]!) : 'status',
          `the slot is ${slot.status.toLowerCase()} in Attend, so it keeps the time its family was given; cancel or move its appointment first`,
        );
      }
      if (moved.length > 0 && fields.startsAt <= this.now)
        return rejected('start', 'the new time is in the past');
      const next = { ...fields, localDay: localDay(fields.startsAt, this.deps.config.timeZone) };
      if (this.options.dryRun) this.overlay.set(slot.id, { ...slot, ...next, status });
      else {
        await updateImportedSlot(this.deps.store, {
          slot,
          fields: next,
          status,
          from: [slot.status],
          ref: change,
        });
      }
      return outcome('changed', {
        id: slot.id,
        changes: [...moved.map((m) => this.label(m)), ...(status !== slot.status ? ['status'] : [])],
      });
    });
  }

  // ---- Appointments -------------------------------------------------------------------------------

  private async importAppointment(u: Unique<AppointmentInput>): Promise<Outcome> {
    const input = u.input;
    const patient = this.patientOutcomes.get(sourceKeyString('Patient', input.patient));
    const patientFailed = !patient || patient.action === 'rejected';
    if (input.status === 'booked' && patientFailed) {
      return rejected(this.label('patient'), PATIENT_FAILED);
    }
    const result = await this.retrying('Appointment', u.key, async (ref, fresh) => {
      if (input.status === 'cancelled') return this.cancelAppointment(u, ref);
      if (ref && ref.sourceHash === u.hash) {
        return outcome('unchanged', { id: ref.attendId, clientId: patient!.id, slotId: ref.slotId });
      }
      return this.bookAppointment(u, ref, patient!, fresh);
    });
    return result!;
  }

  private async cancelAppointment(u: Unique<AppointmentInput>, ref: SourceRef | undefined): Promise<Outcome> {
    if (!ref)
      return outcome('unchanged', { notes: ['cancelled in the source and never imported: nothing to do'] });
    if (ref.sourceHash === u.hash) return outcome('unchanged', { id: ref.attendId, slotId: ref.slotId });
    const booking = await getBooking(this.deps.store, ref.attendId);
    if (!booking) return rejected('(record)', 'the booking imported from this appointment no longer exists');
    const change = this.refChange('Appointment', u, ref);
    const ids = { id: booking.id, clientId: booking.clientId, slotId: booking.slotId };
    if (booking.status !== 'BOOKED') {
      await this.touch(change);
      return outcome('unchanged', { ...ids, notes: [`already ${booking.status.toLowerCase()} in Attend`] });
    }
    if (booking.startsAt <= this.now) {
      return rejected(
        this.label('status'),
        'the appointment has already started; past appointments are not changed',
      );
    }
    await this.cancel(booking, 'Cancelled in the EPR');
    await this.touch(change);
    return outcome('changed', { ...ids, changes: [this.label('status')] });
  }

  private async bookAppointment(
    u: Unique<AppointmentInput>,
    ref: SourceRef | undefined,
    patient: Outcome,
    fresh: boolean,
  ): Promise<Outcome> {
    const input = u.input;
    const clientId = patient.id!;
    const current = ref ? await getBooking(this.deps.store, ref.attendId) : undefined;
    if (ref && !current)
      return rejected('(record)', 'the booking imported from this appointment no longer exists');
    const desired = this.desiredSlot(input);
    if (!desired) return rejected(this.label('slot'), 'its Slot could not be imported');
    const changes: string[] = [];
    if (current) {
      if (OUTCOME_STATUSES.has(current.status)) {
        return rejected(
          this.label('status'),
          `the appointment already has an outcome (${current.status}); it is not changed`,
        );
      }
      const currentSlotId = current.slotId;
      const sameSlot =
        'key' in input.slot
          ? currentSlotId === (await this.slotIdFor(input.slot.key, fresh))
          : slotDifferences(current, desired).length === 0;
      if (current.clientId !== clientId) changes.push(this.label('patient'));
      if (!sameSlot) {
        changes.push(
          ...('key' in input.slot
            ? [this.label('slot')]
            : slotDifferences(current, desired).map((f) => this.label(f))),
        );
      }
      if (current.status === 'BOOKED' && changes.length === 0) {
        await this.touch(this.refChange('Appointment', u, ref!));
        return outcome('unchanged', { id: current.id, clientId, slotId: current.slotId });
      }
      if (current.status === 'BOOKED' && current.startsAt <= this.now) {
        return rejected(
          this.label('startsAt'),
          'the appointment has already started; past appointments are not changed',
        );
      }
      if (current.status !== 'BOOKED') changes.push(this.label('status'));
    }
    if (desired.startsAt <= this.now) {
      return rejected(
        this.label('startsAt'),
        'the appointment starts in the past; Attend imports appointments still to come',
      );
    }
    const target = await this.target(input, desired, current, fresh);
    if (target.kind === 'rejected') return outcome('rejected', { errors: [target.issue] });
    const client = await this.client(clientId);
    if (!client) return rejected(this.label('patient'), "this patient's record is no longer in Attend");

    if (current?.status === 'BOOKED') await this.cancel(current, 'Moved in the EPR');
    const slot = target.slot;
    const booking = await this.newBooking(slot, client, input.key);
    const pointer: TransactItem = ref
      ? updateRef(
          this.deps.store,
          this.refChange('Appointment', u, ref, { attendId: booking.id, slotId: slot.id }),
        )
      : putRef(this.deps.store, this.newRef('Appointment', u.key, booking.id, u.hash, slot.id));
    if (this.options.dryRun) {
      this.overlay.set(slot.id, { ...slot, status: 'BOOKED', bookingId: booking.id });
    } else if (target.kind === 'existing') {
      try {
        await createBooking(this.deps.store, booking, { extra: [pointer] });
      } catch (err) {
        if (err instanceof NotFoundError) {
          return rejected(this.label('patient'), "this patient's record is no longer in Attend");
        }
        throw err;
      }
    } else {
      const refs = target.slotRef ? [putRef(this.deps.store, target.slotRef), pointer] : [pointer];
      const write = { slot: { ...slot, status: 'BOOKED' as const, bookingId: booking.id }, booking, refs };
      try {
        await this.writes.write(bookingInNewSlotItems(this.deps.store, write), () =>
          createBookingInNewSlot(this.deps.store, write),
        );
      } catch (err) {
        if (err instanceof NotFoundError) {
          return rejected(this.label('patient'), "this patient's record is no longer in Attend");
        }
        throw err;
      }
    }
    if ('key' in input.slot) {
      const k = sourceKeyString('Slot', input.slot.key);
      this.slotIds.set(k, slot.id);
      if (target.kind === 'new') {
        this.slotOutcomes.set(k, outcome('created', { id: slot.id }));
      }
    }
    this.events.push(appointmentBooked(booking));
    this.made(booking.id);
    if (target.kind === 'new') this.made(slot.id);
    return outcome(current ? 'changed' : 'created', {
      id: booking.id,
      clientId,
      slotId: slot.id,
      changes,
      notes:
        current && current.status !== 'BOOKED'
          ? ['booked again: the earlier booking had been cancelled in Attend']
          : [],
    });
  }

  /** The slot details the source wants the appointment in. */
  private desiredSlot(input: AppointmentInput): SlotFields | undefined {
    if ('fields' in input.slot) return input.slot.fields;
    return this.slots.get(sourceKeyString('Slot', input.slot.key))?.input.fields;
  }

  private async slotIdFor(key: SourceKey, fresh: boolean): Promise<string | undefined> {
    const k = sourceKeyString('Slot', key);
    if (!fresh) return this.slotIds.get(k);
    const ref = await getSourceRef(this.deps.store, 'Slot', key);
    if (ref) this.slotIds.set(k, ref.attendId);
    return ref?.attendId ?? this.slotIds.get(k);
  }

  private async target(
    input: AppointmentInput,
    desired: SlotFields,
    current: Booking | undefined,
    fresh: boolean,
  ): Promise<Target> {
    const takeable = (slot: Slot) =>
      slot.status === 'FREE' ||
      slot.status === 'OFFERING' ||
      (slot.status === 'BOOKED' && current?.status === 'BOOKED' && slot.bookingId === current.id);
    if ('key' in input.slot) {
      const k = sourceKeyString('Slot', input.slot.key);
      const u = this.slots.get(k)!;
      const field = this.label('slot');
      if (this.slotOutcomes.get(k)?.action === 'rejected') {
        return { kind: 'rejected', issue: { field, message: 'its Slot could not be imported' } };
      }
      if (!u.input.bookable) {
        return { kind: 'rejected', issue: { field, message: `its Slot is ${u.input.sourceStatus}` } };
      }
      const id = await this.slotIdFor(input.slot.key, fresh);
      if (!id) {
        const slot = this.makeSlot(u.input.fields, 'BOOKED', u.key);
        return { kind: 'new', slot, slotRef: this.newRef('Slot', u.key, slot.id, u.hash) };
      }
      const slot = await this.readSlot(id);
      if (!slot)
        return { kind: 'rejected', issue: { field, message: 'its slot no longer exists in Attend' } };
      if (takeable(slot)) return { kind: 'existing', slot };
      return {
        kind: 'rejected',
        issue: {
          field,
          message:
            slot.status === 'BOOKED'
              ? 'the slot is already booked in Attend for another family'
              : 'the slot is withdrawn in Attend',
        },
      };
    }
    if (current?.status === 'BOOKED' && slotDifferences(current, desired).length === 0) {
      const slot = await this.readSlot(current.slotId);
      if (slot && takeable(slot)) return { kind: 'existing', slot };
    }
    // A free slot already at this clinic, time and type (made by staff, or freed by a cancellation the
    // EPR has since rebooked) is used rather than a second slot at the same time.
    const reuse = this.options.dryRun ? undefined : await this.takeFreeSlot(desired);
    if (reuse) return { kind: 'existing', slot: reuse };
    return { kind: 'new', slot: this.makeSlot(desired, 'BOOKED') };
  }

  private async takeFreeSlot(fields: SlotFields): Promise<Slot | undefined> {
    const day = localDay(fields.startsAt, this.deps.config.timeZone);
    const cacheKey = `${fields.clinicId}|${day}`;
    let list = this.freeSlots.get(cacheKey);
    if (!list) {
      list = this.loadFreeSlots(fields.clinicId, day);
      this.freeSlots.set(cacheKey, list);
    }
    const slots = await list;
    // Taken off the list before the write, so two rows never reach for the same slot.
    const i = slots.findIndex((s) => s.type === fields.type && s.startsAt === fields.startsAt);
    return i < 0 ? undefined : slots.splice(i, 1)[0];
  }

  private async loadFreeSlots(clinicId: string, day: string): Promise<Slot[]> {
    const free: Slot[] = [];
    let cursor: string | undefined;
    do {
      const page = await slotsByClinicDay(this.deps.store, clinicId, day, { limit: 200, cursor });
      free.push(...page.items.filter((s) => s.status === 'FREE' || s.status === 'OFFERING'));
      cursor = page.cursor;
    } while (cursor);
    return free;
  }

  /** References of the phone's live bookings (and those this import gave out), read once per phone. */
  private refsInUse(phone: string): Promise<Set<string>> {
    let found = this.refsByPhone.get(phone);
    if (!found) {
      found = this.options.dryRun
        ? Promise.resolve(new Set<string>())
        : liveBookingsByPhone(this.deps.store, phone).then((live) => new Set(live.map((b) => b.ref)));
      this.refsByPhone.set(phone, found);
    }
    return found;
  }

  /**
   * Every booking of an import is made at the same moment, so its reminder plan depends only on the
   * type and the start; planning takes a few milliseconds, and an export repeats the same clinic times.
   */
  private tiersFor(typeId: string, startsAt: string, tiers: ReminderTierConfig[]): Booking['tiers'] {
    // A dry run reports no reminder plans, and planning is most of its time.
    if (this.options.dryRun) return {};
    const k = `${typeId}|${startsAt}`;
    let planned = this.plans.get(k);
    if (!planned) {
      planned = importedTiers(reminderPlanInput(this.deps.config, { startsAt, bookedAt: this.now, tiers }), {
        confirm: this.options.confirm,
      });
      this.plans.set(k, planned);
    }
    return structuredClone(planned);
  }

  private async newBooking(slot: Slot, client: Client, key: SourceKey): Promise<Booking> {
    const { config } = this.deps;
    const type = config.appointmentTypes[slot.type];
    if (!type) throw new Error(`Slot ${slot.id} has an appointment type this trust does not configure`);
    const taken = await this.refsInUse(client.phone);
    const ref = pickRef(taken);
    // Taken at once, so two bookings made for one phone in this import never share a reference.
    taken.add(ref);
    return newBooking({
      slot,
      client,
      source: 'import',
      by: this.options.by,
      now: this.now,
      ref,
      tiers: this.tiersFor(slot.type, slot.startsAt, type.tiers),
      sourceRecord: key,
    });
  }

  /** Cancels a booking and frees its slot (the short-notice list may then offer it). No text is sent. */
  private async cancel(booking: Booking, reason: string): Promise<void> {
    if (this.options.dryRun) {
      const slot = await this.readSlot(booking.slotId);
      if (slot) this.overlay.set(slot.id, { ...slot, status: 'FREE', bookingId: undefined });
      return;
    }
    const notice = cancellationNotice(this.deps, booking.startsAt, this.nowDate);
    await cancelBooking(
      this.deps.store,
      {
        bookingId: booking.id,
        by: this.options.by,
        reason,
        now: this.now,
        noticeMinutes: notice.minutes,
        late: notice.late,
      },
      booking,
    );
    this.events.push(
      // The EPR's cancellation was made by the trust's staff.
      appointmentCancelled(booking, {
        by: 'staff',
        noticeMinutes: notice.minutes,
        late: notice.late,
        at: this.now,
      }),
    );
  }

  private async publish(): Promise<void> {
    if (this.options.dryRun || this.events.length === 0) return;
    try {
      await this.deps.events.publish(this.events);
    } catch (err) {
      // The records are written and a re-import will not repeat them, so the caller must hear of it.
      this.deps.log.error('import events not published', { count: this.events.length, error: err as Error });
      this.warnings.push(
        `${this.events.length} domain events (AppointmentBooked/AppointmentCancelled) could not be put on the event bus; the bookings themselves are saved`,
      );
    }
  }

  // ---- Report -------------------------------------------------------------------------------------

  private report(): ImportReport {
    this.batch.entries.forEach((e, i) => {
      if (!this.alive(i) || !e.patient) return;
      const pk = sourceKeyString('Patient', e.patient.key);
      if (!this.firstRowOf.has(pk)) this.firstRowOf.set(pk, i);
    });
    const rows = this.batch.entries.map((e, i) => this.row(e.origin, e.kind, i));
    const summary: Record<ImportAction, number> = { created: 0, changed: 0, unchanged: 0, rejected: 0 };
    for (const r of rows) summary[r.action]++;
    return {
      dryRun: this.options.dryRun,
      format: this.batch.format,
      confirm: this.options.confirm,
      summary,
      rows,
      clinicsCreated: this.clinicsCreated,
      ignored: this.batch.ignored,
      warnings: this.warnings,
    };
  }

  private row(origin: EntryOrigin, kind: ImportRow['kind'], i: number): ImportRow {
    const base: ImportRow = { ...origin, kind, action: 'rejected' };
    if (!this.alive(i)) return { ...base, errors: this.errors[i] };
    const e = this.batch.entries[i]!;
    const repeatOf = this.repeats.get(i);
    if (repeatOf !== undefined) {
      return { ...base, action: 'unchanged', notes: [`the same record as ${this.where(repeatOf)}`] };
    }
    let o: Outcome | undefined;
    if (kind === 'Patient' && e.patient)
      o = this.patientOutcomes.get(sourceKeyString('Patient', e.patient.key));
    else if (kind === 'Slot' && e.slot) o = this.slotOutcomes.get(sourceKeyString('Slot', e.slot.key));
    else if (e.appointment) o = this.combined(e, i);
    if (!o) return { ...base, errors: [{ field: '(record)', message: 'not imported' }] };
    return this.toRow(base, o);
  }

  /** A CSV row or a FHIR Appointment; a CSV row also reports its patient on the row that first carries it. */
  private combined(e: ImportBatch['entries'][number], i: number): Outcome | undefined {
    const a = this.appointmentOutcomes.get(sourceKeyString('Appointment', e.appointment!.key));
    if (this.batch.format !== 'csv' || !e.patient) return a;
    const pk = sourceKeyString('Patient', e.patient.key);
    const p = this.patientOutcomes.get(pk);
    if (!a) return p;
    if (p?.action === 'rejected') {
      // The row's own problem is the patient's; "so neither can the appointment" would only repeat it.
      const own = a.errors.filter((e) => e.message !== PATIENT_FAILED);
      if (a.action === 'rejected' || a.action === 'unchanged') {
        return { ...a, action: 'rejected', errors: [...p.errors, ...own] };
      }
      return { ...a, notes: [...a.notes, ...p.errors.map((e) => `patient not updated: ${e.message}`)] };
    }
    if (!p || this.firstRowOf.get(pk) !== i || a.action === 'rejected') {
      return { ...a, clientId: a.clientId ?? p?.id };
    }
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
  }

  private toRow(base: ImportRow, o: Outcome): ImportRow {
    const row: ImportRow = { ...base, action: o.action };
    const real = (id: string | undefined) => id !== undefined && !this.virtualIds.has(id);
    if (real(o.id)) row.id = o.id;
    if (real(o.clientId)) row.clientId = o.clientId;
    if (real(o.slotId)) row.slotId = o.slotId;
    if (o.changes.length) row.changes = [...new Set(o.changes)];
    if (o.errors.length) row.errors = o.errors;
    if (o.notes.length) row.notes = o.notes;
    return row;
  }

  private made(id: string): void {
    if (this.options.dryRun) this.virtualIds.add(id);
  }
}

function slotFieldsOf(e: ImportBatch['entries'][number]): SlotFields | undefined {
  return (
    e.slot?.fields ??
    (e.appointment && 'fields' in e.appointment.slot ? e.appointment.slot.fields : undefined)
  );
}

function slotHash(slot: SlotInput): unknown {
  return { ...slot.fields, bookable: slot.bookable };
}

/** Which of a slot's clinic, type, start and duration differ from what the source says. */
function slotDifferences(
  current: Pick<Slot, 'clinicId' | 'type' | 'startsAt' | 'durationMinutes'>,
  wanted: SlotFields,
): (keyof SlotFields)[] {
  return (['clinicId', 'type', 'startsAt', 'durationMinutes'] as const).filter(
    (f) => current[f] !== wanted[f],
  );
}

function diffPatientFields(a: PatientFields, b: PatientFields): string[] {
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof PatientFields>;
  return [...fields].filter((f) => a[f] !== b[f]);
}

/** The changes that make `client` say what the source says; fields the source leaves out are kept. */
function clientChanges(client: Client, f: PatientFields): ClientChanges {
  const changes: ClientChanges = {};
  const differs = (given: unknown, current: unknown) =>
    given !== undefined && (given ?? undefined) !== current;
  if (f.firstName !== client.firstName) changes.firstName = f.firstName;
  if (differs(f.familyName, client.familyName)) changes.familyName = f.familyName;
  if (f.phone !== client.phone) changes.phone = f.phone;
  if (differs(f.language, client.language)) changes.language = f.language;
  if (differs(f.dateOfBirth, client.dateOfBirth)) changes.dateOfBirth = f.dateOfBirth;
  if (differs(f.dueDate, client.dueDate)) changes.dueDate = f.dueDate;
  if (differs(f.namedHealthVisitor, client.namedHealthVisitor))
    changes.namedHealthVisitor = f.namedHealthVisitor;
  if (differs(f.imdDecile, client.flags.imdDecile)) changes['flags.imdDecile'] = f.imdDecile;
  if (differs(f.needsCarer, client.flags.needsCarer)) changes['flags.needsCarer'] = f.needsCarer;
  if (differs(f.parentalMentalHealth, client.flags.parentalMentalHealth))
    changes['flags.parentalMentalHealth'] = f.parentalMentalHealth;
  if (differs(f.vulnerable, client.flags.vulnerable)) changes['flags.vulnerable'] = f.vulnerable;
  if (differs(f.doNotText, client.flags.doNotText)) changes['flags.doNotText'] = f.doNotText;
  return changes;
}

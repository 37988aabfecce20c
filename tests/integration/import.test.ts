/**
 * EPR import against DynamoDB Local: the same file twice changes nothing, concurrent imports of one
 * file never make two records for one source record, changes in the EPR are applied, and bad rows are
 * refused one by one while the good ones import.
 */
import { readFileSync } from 'node:fs';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { mapCsv } from '#core/import-csv.ts';
import { mapFhir } from '#core/import-fhir.ts';
import type { ImportBatch, ImportContext, MapResult } from '#core/import-model.ts';
import type { Booking, Client, Slot } from '#core/model.ts';
import { cancelByStaff } from '#services/bookings.ts';
import { type ImportOptions, type ImportReport, runImport } from '#services/import.ts';
import { getBooking, liveBookingsByPhone } from '#store/bookings.ts';
import { clientsByPhone, getClient } from '#store/clients.ts';
import type { StoreContext } from '#store/context.ts';
import { keys } from '#store/keys.ts';
import { createSlots, getSlot } from '#store/slots.ts';
import { aClinic, aSlotFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { scanEntity, seed, sweepAt } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London (GMT). */
const NOW = '2026-11-23T10:00:00.000Z';
const SAMPLE = readFileSync(new URL('../fixtures/import/sample.csv', import.meta.url), 'utf8');
const BUNDLE = JSON.parse(readFileSync(new URL('../fixtures/import/bundle.json', import.meta.url), 'utf8'));

const HEADER =
  'source_system,clinic_id,clinic_name,venue,patient_id,first_name,mobile,appointment_id,appointment_type,date,time,status';
const row = (cells: Partial<Record<string, string>> = {}) => {
  const values: Record<string, string> = {
    source_system: 'systmone',
    clinic_id: 'riverside',
    clinic_name: "Riverside Children's Centre",
    venue: "Riverside Children's Centre",
    patient_id: 'P1',
    first_name: 'Amelia',
    mobile: '07700 900123',
    appointment_id: 'A1',
    appointment_type: 'six-to-eight-week-review',
    date: '2026-12-03',
    time: '14:00',
    status: 'booked',
    ...cells,
  };
  return HEADER.split(',')
    .map((c) => values[c] ?? '')
    .join(',');
};
const csv = (...rows: string[]) => `${HEADER}\n${rows.join('\n')}\n`;

let store: StoreContext;
let deps: TestDeps;

beforeEach(async () => {
  store = await freshTable();
  deps = testDeps(store, NOW);
});

function contextOf(d: TestDeps): ImportContext {
  return {
    appointmentTypes: d.config.appointmentTypes,
    allowedCountries: d.config.allowedCountries,
    timeZone: d.config.timeZone,
  };
}

function batchOf(result: MapResult): ImportBatch {
  if (!result.ok) throw new Error(`unreadable: ${result.message}`);
  return result.batch;
}

const importCsv = (text: string, options: Partial<ImportOptions> = {}, d: TestDeps = deps) =>
  runImport(d, batchOf(mapCsv(text, contextOf(d))), {
    dryRun: false,
    confirm: false,
    by: 'staff:test',
    ...options,
  });

const importFhir = (bundle: unknown, options: Partial<ImportOptions> = {}) =>
  runImport(deps, batchOf(mapFhir(bundle, contextOf(deps))), {
    dryRun: false,
    confirm: false,
    by: 'staff:test',
    ...options,
  });

async function counts(): Promise<Record<string, number>> {
  const kinds = ['Clinic', 'Client', 'Slot', 'Booking', 'SourceRef'];
  const found = await Promise.all(kinds.map((k) => scanEntity(store, k)));
  return Object.fromEntries(kinds.map((k, i) => [k, found[i]!.length]));
}

const actions = (report: ImportReport) => report.rows.map((r) => r.action);

describe('importing the README sample CSV', () => {
  it('creates the clinics, families and bookings, and refuses only the row with a landline', async () => {
    // Act
    const report = await importCsv(SAMPLE);

    // Assess
    expect(report.summary).toEqual({ created: 5, changed: 0, unchanged: 0, rejected: 1 });
    expect(report.clinicsCreated.sort()).toEqual(['oakwood', 'riverside']);
    expect(report.rows[5]).toEqual({
      row: 7,
      kind: 'appointment',
      action: 'rejected',
      errors: [{ field: 'mobile', message: 'This is a landline; texts need a mobile number.' }],
    });
    // Amelia and Leo share a parent's phone: two clients, each with a booking on that phone.
    const siblings = await clientsByPhone(store, '+447700900601');
    expect(siblings.map((c) => c.firstName).sort()).toEqual(['Amelia', 'Leo']);
    expect(siblings[0]?.sourceRecord?.system).toBe('systmone');
    const live = await liveBookingsByPhone(store, '+447700900601');
    expect(live).toHaveLength(2);
    expect(new Set(live.map((b) => b.ref)).size).toBe(2);
    const zofia = (await clientsByPhone(store, '+447700900604'))[0]!;
    expect(zofia).toMatchObject({
      language: 'pl',
      dueDate: '2027-01-20',
      flags: {
        imdDecile: 1,
        needsCarer: true,
        vulnerable: true,
        parentalMentalHealth: false,
        doNotText: false,
      },
    });
    expect(await counts()).toEqual({ Clinic: 2, Client: 5, Slot: 5, Booking: 5, SourceRef: 10 });
  });

  it('stores each booking with source import, its reminder plan, and no confirmation', async () => {
    // Act
    const report = await importCsv(SAMPLE);

    // Assess
    const booking = await getBooking(store, report.rows[0]!.id!);
    expect(booking).toMatchObject({
      source: 'import',
      bookedBy: 'staff:test',
      startsAt: '2026-12-03T10:00:00.000Z',
      durationMinutes: 45,
      sourceRecord: { system: 'systmone', id: 'A5001' },
      tiers: {
        confirmation: { status: 'SKIPPED', skipReason: 'not-requested' },
        '7d': { status: 'PENDING', dueAt: '2026-11-26T10:00:00.000Z' },
        '2d': { status: 'PENDING', dueAt: '2026-12-01T10:00:00.000Z' },
      },
    });
    const slot = await getSlot(store, booking!.slotId);
    expect(slot).toMatchObject({ status: 'BOOKED', bookingId: booking!.id, clinicId: 'riverside' });
    expect(slot?.freedAt).toBeUndefined();
    expect(deps.bus.events.filter((e) => e.type === 'AppointmentBooked')).toHaveLength(5);
    expect(deps.bus.events[0]?.detail).toMatchObject({ source: 'import' });
  });
});

describe('idempotency', () => {
  it('a dry run reports what the import will do and writes nothing', async () => {
    // Act
    const dry = await importCsv(SAMPLE, { dryRun: true });

    // Assess
    expect(dry.dryRun).toBe(true);
    expect(dry.summary).toEqual({ created: 5, changed: 0, unchanged: 0, rejected: 1 });
    expect(dry.rows.every((r) => r.id === undefined)).toBe(true);
    expect(dry.clinicsCreated.sort()).toEqual(['oakwood', 'riverside']);
    expect(await counts()).toEqual({ Clinic: 0, Client: 0, Slot: 0, Booking: 0, SourceRef: 0 });
    expect(deps.bus.events).toEqual([]);
    const real = await importCsv(SAMPLE);
    expect(actions(real)).toEqual(actions(dry));
  });

  it('importing the same file again changes nothing', async () => {
    // Prepare
    const first = await importCsv(SAMPLE);
    const before = await counts();
    const events = deps.bus.events.length;

    // Act
    const again = await importCsv(SAMPLE);
    const dryAgain = await importCsv(SAMPLE, { dryRun: true });

    // Assess
    expect(again.summary).toEqual({ created: 0, changed: 0, unchanged: 5, rejected: 1 });
    expect(dryAgain.summary).toEqual(again.summary);
    expect(again.rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));
    expect(await counts()).toEqual(before);
    expect(deps.bus.events).toHaveLength(events);
  });

  it('three imports of the same file at once make each record once', async () => {
    // Prepare
    const rows = Array.from({ length: 30 }, (_, i) =>
      row({
        patient_id: `P${i % 10}`,
        mobile: `07700 9002${String(i % 10).padStart(2, '0')}`,
        appointment_id: `A${i}`,
        time: `${String(9 + Math.floor(i / 4)).padStart(2, '0')}:${String((i % 4) * 15).padStart(2, '0')}`,
      }),
    );
    const file = csv(...rows);

    // Act
    const reports = await Promise.all([importCsv(file), importCsv(file), importCsv(file)]);

    // Assess
    expect(await counts()).toEqual({ Clinic: 1, Client: 10, Slot: 30, Booking: 30, SourceRef: 40 });
    // Each booking was made by exactly one of the imports (a row may also say "created" in another
    // import, for the patient that import made).
    expect(deps.bus.events.filter((e) => e.type === 'AppointmentBooked')).toHaveLength(30);
    for (let i = 0; i < rows.length; i++) {
      expect(reports.map((r) => r.rows[i]!.action)).not.toContain('rejected');
      // Every import names the same booking for the row.
      expect(new Set(reports.map((r) => r.rows[i]!.id)).size).toBe(1);
    }
  });

  it('leaves a booking the family cancelled by text cancelled when the same file comes again', async () => {
    // Prepare
    const file = csv(row());
    const first = await importCsv(file);
    await cancelByStaff(deps, {
      bookingId: first.rows[0]!.id!,
      by: 'sms',
      reason: 'parent replied CANCEL',
      notify: false,
    });

    // Act
    const again = await importCsv(file);

    // Assess
    expect(again.rows[0]).toMatchObject({ action: 'unchanged' });
    expect((await getBooking(store, first.rows[0]!.id!))?.status).toBe('CANCELLED');
  });
});

describe('changes in the EPR', () => {
  it('a new mobile changes the client, the phone index and the live booking', async () => {
    // Prepare
    const first = await importCsv(csv(row()));
    const clientId = first.rows[0]!.clientId!;

    // Act
    const report = await importCsv(csv(row({ mobile: '07700 900999' })));

    // Assess
    expect(report.rows[0]).toMatchObject({ action: 'changed', changes: ['mobile'], id: first.rows[0]!.id });
    expect((await getClient(store, clientId))?.phone).toBe('+447700900999');
    expect((await clientsByPhone(store, '+447700900999')).map((c) => c.id)).toEqual([clientId]);
    expect(await clientsByPhone(store, '+447700900123')).toEqual([]);
    expect((await liveBookingsByPhone(store, '+447700900999')).map((b) => b.id)).toEqual([first.rows[0]!.id]);
    expect(await liveBookingsByPhone(store, '+447700900123')).toEqual([]);
  });

  it('a cancellation cancels the booking and frees the slot, without texting the family', async () => {
    // Prepare
    const first = await importCsv(csv(row()));
    const bookingId = first.rows[0]!.id!;

    // Act
    const report = await importCsv(csv(row({ status: 'cancelled' })));
    const again = await importCsv(csv(row({ status: 'cancelled' })));

    // Assess
    expect(report.rows[0]).toMatchObject({ action: 'changed', changes: ['status'], id: bookingId });
    const booking = await getBooking(store, bookingId);
    expect(booking).toMatchObject({
      status: 'CANCELLED',
      cancelReason: 'Cancelled in the EPR',
      cancelledBy: 'staff:test',
    });
    expect(await getSlot(store, booking!.slotId)).toMatchObject({ status: 'FREE', freedAt: NOW });
    expect(deps.bus.events.at(-1)).toMatchObject({ type: 'AppointmentCancelled', detail: { bookingId } });
    expect(deps.outbox.entries).toEqual([]);
    expect(again.rows[0]?.action).toBe('unchanged');
  });

  it('a new time moves the booking: the old one is cancelled and a new one made, and the file is then unchanged', async () => {
    // Prepare
    const first = await importCsv(csv(row()));
    const oldId = first.rows[0]!.id!;

    // Act
    const report = await importCsv(csv(row({ time: '15:30' })));
    const again = await importCsv(csv(row({ time: '15:30' })));

    // Assess
    expect(report.rows[0]).toMatchObject({ action: 'changed', changes: ['date/time'] });
    const newId = report.rows[0]!.id!;
    expect(newId).not.toBe(oldId);
    expect((await getBooking(store, oldId))?.status).toBe('CANCELLED');
    expect(await getBooking(store, newId)).toMatchObject({
      status: 'BOOKED',
      startsAt: '2026-12-03T15:30:00.000Z',
    });
    expect(again.rows[0]).toMatchObject({ action: 'unchanged', id: newId });
  });

  it('books into a free slot staff already made at that clinic, time and type instead of a second slot', async () => {
    // Prepare
    const clinic = aClinic({ id: 'riverside' });
    const free: Slot = aSlotFor(clinic, { startsAt: '2026-12-03T14:00:00.000Z', localDay: '2026-12-03' });
    await seed(store, { clinic });
    await createSlots(store, [free]);

    // Act
    const report = await importCsv(csv(row()));

    // Assess
    expect(report.rows[0]).toMatchObject({ action: 'created', slotId: free.id });
    expect(await getSlot(store, free.id)).toMatchObject({ status: 'BOOKED', bookingId: report.rows[0]!.id });
    expect((await scanEntity(store, 'Slot')).length).toBe(1);
  });
});

describe('partial success', () => {
  it('imports the good rows and refuses each bad one with its reasons, writing nothing for it', async () => {
    // Prepare
    const file = csv(
      row({ appointment_id: 'A1' }),
      row({ appointment_id: 'A2', patient_id: 'P2', mobile: '020 7946 0123' }),
      row({ appointment_id: 'A3', patient_id: 'P3', mobile: '07700 900333', appointment_type: 'flu jab' }),
      row({ appointment_id: 'A4', patient_id: 'P4', mobile: '07700 900444', date: '2026-11-20' }),
      row({
        appointment_id: 'A5',
        patient_id: 'P5',
        mobile: '07700 900555',
        clinic_id: 'nowhere',
        clinic_name: '',
        venue: '',
      }),
      row({ appointment_id: 'A6', patient_id: 'P1', mobile: '07700 900666' }),
      row({ appointment_id: 'A1', time: '16:00' }),
      row({ appointment_id: 'A7', patient_id: 'P7', mobile: '07700 900777', time: '15:00' }),
    );

    // Act
    const report = await importCsv(file);

    // Assess
    expect(report.summary).toEqual({ created: 2, changed: 0, unchanged: 0, rejected: 6 });
    expect(report.rows.map((r) => [r.row, r.action, r.errors?.map((e) => e.field)])).toEqual([
      [2, 'created', undefined],
      [3, 'rejected', ['mobile']],
      [4, 'rejected', ['appointment_type']],
      [5, 'rejected', ['date/time']],
      [6, 'rejected', ['clinic_id']],
      [7, 'rejected', ['patient_id']],
      [8, 'rejected', ['appointment_id']],
      [9, 'created', undefined],
    ]);
    expect(report.rows[4]?.errors?.[0]?.message).toMatch(/no clinic "nowhere".*clinic_name and venue/);
    expect(report.rows[5]?.errors?.[0]?.message).toBe(
      'the same patient is already in row 2 with different details (mobile)',
    );
    expect(report.rows[6]?.errors?.[0]?.message).toBe('the same appointment is already in row 2');
    // Nothing of the refused rows was written: no client for P2, P3, P4 or P5.
    expect(await counts()).toEqual({ Clinic: 1, Client: 2, Slot: 2, Booking: 2, SourceRef: 4 });
  });

  it('refuses a change to a patient whose record was erased from Attend', async () => {
    // Prepare
    const first = await importCsv(csv(row()));
    await store.db.send(
      new DeleteCommand({ TableName: store.table, Key: keys.client(first.rows[0]!.clientId!) }),
    );

    // Act
    const same = await importCsv(csv(row()));
    const changed = await importCsv(csv(row({ mobile: '07700 900999' })));

    // Assess
    expect(same.rows[0]?.action).toBe('unchanged');
    expect(changed.rows[0]).toMatchObject({
      action: 'rejected',
      errors: [{ field: 'patient_id', message: expect.stringMatching(/erased/) }],
    });
  });
});

describe('confirmation texts', () => {
  it('are not sent by default, and go with the next sweep when asked for', async () => {
    // Prepare
    const quiet = testDeps(await freshTable(), NOW);
    const loud = testDeps(await freshTable(), NOW);

    // Act
    await importCsv(csv(row()), { confirm: false }, quiet);
    await importCsv(csv(row()), { confirm: true }, loud);
    await sweepAt(quiet, '2026-11-23T10:05:00.000Z');
    await sweepAt(loud, '2026-11-23T10:05:00.000Z');

    // Assess
    expect(quiet.outbox.entries).toEqual([]);
    expect(loud.outbox.entries).toHaveLength(1);
    expect(loud.outbox.entries[0]?.body).toMatch(/booked/i);
  });
});

describe('importing a FHIR Bundle', () => {
  it('creates the clinic, patients, slots and bookings, and a second import changes nothing', async () => {
    // Act
    const first = await importFhir(BUNDLE);
    const before = await counts();
    const again = await importFhir(BUNDLE);

    // Assess
    expect(first.summary).toEqual({ created: 7, changed: 0, unchanged: 0, rejected: 0 });
    expect(first.ignored).toEqual(['Practitioner']);
    expect(first.clinicsCreated).toEqual(['harbour']);
    expect(before).toEqual({ Clinic: 1, Client: 2, Slot: 3, Booking: 2, SourceRef: 7 });
    const [cerys, , s1, , s3, a1] = first.rows;
    expect(cerys).toMatchObject({
      kind: 'Patient',
      resource: 'urn:uuid:5f0c6a2e-1b7d-4a59-9d0e-7a1c1f000010',
    });
    expect(await getSlot(store, s1!.id!)).toMatchObject({ status: 'BOOKED', bookingId: a1!.id });
    const free = await getSlot(store, s3!.id!);
    expect(free).toMatchObject({ status: 'FREE', clinicId: 'harbour', startsAt: '2026-12-04T11:00:00.000Z' });
    expect(free?.freedAt).toBeUndefined();
    expect((await getClient(store, cerys!.id!)) as Client).toMatchObject({
      language: 'cy',
      phone: '+447700900610',
      flags: { imdDecile: 2, parentalMentalHealth: true },
    });
    expect(again.summary).toEqual({ created: 0, changed: 0, unchanged: 7, rejected: 0 });
    expect(await counts()).toEqual(before);
  });

  it('cancels an appointment and books another family into the same slot in one Bundle', async () => {
    // Prepare
    const first = await importFhir(BUNDLE);
    const oldBooking = first.rows[5]!.id!;
    const changed = structuredClone(BUNDLE);
    const entries = changed.entry as { resource: Record<string, unknown> }[];
    const ap7701 = entries.find(
      (e) => (e.resource.identifier as { value: string }[] | undefined)?.[0]?.value === 'AP-7701',
    )!;
    ap7701.resource.status = 'cancelled';
    // Listed after the cancellation in the Bundle would be too easy: put the new booking first.
    entries.unshift({
      resource: {
        resourceType: 'Appointment',
        id: 'ap-7703',
        identifier: [{ system: 'https://epr.example.org/fhir/appointment-id', value: 'AP-7703' }],
        status: 'booked',
        slot: [{ reference: 'urn:uuid:5f0c6a2e-1b7d-4a59-9d0e-7a1c1f000020' }],
        participant: [{ actor: { reference: 'urn:uuid:5f0c6a2e-1b7d-4a59-9d0e-7a1c1f000011' } }],
      },
    });

    // Act
    const dry = await importFhir(changed, { dryRun: true });
    const report = await importFhir(changed);

    // Assess
    expect(actions(dry)).toEqual(actions(report));
    expect(report.rows[0]).toMatchObject({ resource: 'Appointment/ap-7703', action: 'created' });
    expect(report.rows.find((r) => r.id === oldBooking)).toMatchObject({
      action: 'changed',
      changes: ['status'],
    });
    const slot = await getSlot(store, first.rows[2]!.id!);
    expect(slot).toMatchObject({ status: 'BOOKED', bookingId: report.rows[0]!.id });
    expect((await getBooking(store, oldBooking))?.status).toBe('CANCELLED');
  });

  it('withdraws a free slot the EPR marks unavailable, and refuses to move one that is booked', async () => {
    // Prepare
    const first = await importFhir(BUNDLE);
    const changed = structuredClone(BUNDLE);
    const slots = (changed.entry as { resource: Record<string, unknown> }[]).filter(
      (e) => e.resource.resourceType === 'Slot',
    );
    slots[0]!.resource.start = '2026-12-04T09:00:00Z';
    slots[0]!.resource.end = '2026-12-04T09:45:00Z';
    slots[2]!.resource.status = 'busy-unavailable';

    // Act
    const report = await importFhir(changed);

    // Assess
    const byResource = (n: string) => report.rows.find((r) => r.resource?.endsWith(n));
    expect(byResource('000020')).toMatchObject({
      action: 'rejected',
      errors: [{ field: 'start', message: expect.stringMatching(/booked in Attend/) }],
    });
    expect(byResource('000022')).toMatchObject({ action: 'changed', changes: ['status'] });
    expect(await getSlot(store, first.rows[4]!.id!)).toMatchObject({ status: 'WITHDRAWN' });
    expect((await getSlot(store, first.rows[2]!.id!))?.startsAt).toBe('2026-12-04T09:30:00.000Z');
  });

  it('refuses an appointment whose patient cannot be read, and still imports the rest', async () => {
    // Prepare
    const changed = structuredClone(BUNDLE);
    const entries = changed.entry as { resource: Record<string, unknown> }[];
    const yusuf = entries.find(
      (e) =>
        e.resource.resourceType === 'Patient' &&
        (e.resource.name as { family: string }[])[0]?.family === 'Khan',
    )!;
    yusuf.resource.telecom = [{ system: 'phone', value: '0117 496 0123', use: 'home' }];

    // Act
    const report = await importFhir(changed);

    // Assess
    expect(report.summary).toEqual({ created: 4, changed: 0, unchanged: 1, rejected: 2 });
    const rejected = report.rows.filter((r) => r.action === 'rejected');
    expect(rejected.map((r) => [r.kind, r.errors?.[0]?.field])).toEqual([
      ['Patient', 'telecom'],
      ['Appointment', 'participant'],
    ]);
    // Its slot was busy with that appointment, so it is not imported either: reported, not rejected.
    const s2 = report.rows.find((r) => r.resource?.endsWith('000021'));
    expect(s2?.action).toBe('unchanged');
    expect(s2?.notes?.[0]).toMatch(/busy in the source/);
  });
});

describe('the booking a row makes is the one the family is texted about', () => {
  it('reminds the family at the tier time on the phone from the file', async () => {
    // Prepare
    const report = await importCsv(csv(row()));

    // Act
    await sweepAt(deps, '2026-11-26T10:00:00.000Z');

    // Assess
    expect(deps.outbox.entries.map((t) => t.to)).toEqual(['+447700900123']);
    const booking = (await getBooking(store, report.rows[0]!.id!)) as Booking;
    expect(booking.tiers['7d']?.status).toBe('SENT');
  });
});

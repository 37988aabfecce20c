/**
 * The plan stage on its own: no DynamoDB, only what Attend holds (as plain data) and the batch. A dry
 * run is exactly this: the plan, not applied.
 */
import { describe, expect, it } from 'vitest';
import { mapCsv } from '#core/import-csv.ts';
import { mapFhir } from '#core/import-fhir.ts';
import type { ImportBatch, ImportContext } from '#core/import-model.ts';
import { emptyHoldings, type Holdings, rejected } from '#core/import-plan.ts';
import { planImport, settleBookedHereSlot } from '#core/import-planner.ts';
import { planContext } from '#core/import-planning.ts';
import { collectRecords } from '#core/import-records.ts';
import { aClient, aSlot, aTrustConfig } from '#tests/support/builders-waitlist.ts';

const config = aTrustConfig();
const NOW = '2026-11-23T10:00:00.000Z';
const importContext: ImportContext = {
  appointmentTypes: config.appointmentTypes,
  allowedCountries: config.allowedCountries,
  timeZone: config.timeZone,
};
const HEADER =
  'source_system,clinic_id,patient_id,first_name,mobile,appointment_id,appointment_type,date,time,status';
const row = (id: string, patient: string, time: string, status = 'booked') =>
  `systmone,riverside,${patient},Amelia,07700 900123,${id},six-to-eight-week-review,2026-12-03,${time},${status}`;

function batchOf(...rows: string[]): ImportBatch {
  const result = mapCsv(`${HEADER}\n${rows.join('\n')}\n`, importContext);
  if (!result.ok) throw new Error(result.message);
  return result.batch;
}

function plan(batch: ImportBatch, held: Holdings, reminderPlans = true) {
  const records = collectRecords(batch);
  const ctx = planContext({
    batch,
    records,
    config,
    now: NOW,
    by: 'staff:test',
    confirm: false,
    reminderPlans,
  });
  return planImport(ctx, held);
}

const withClinic = (): Holdings => ({ ...emptyHoldings(), clinics: ['riverside'] });

describe('planImport', () => {
  it('plans a new family and booking as plain data, each write naming what it does', () => {
    // Act
    const { plan: result } = plan(batchOf(row('A1', 'P1', '14:00')), withClinic());

    // Assess: the plan survives a JSON round trip unchanged (no functions, Maps or class instances)
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    expect(result.records.map((r) => [r.kind, r.phase, r.outcome.action, r.writes.map((w) => w.op)])).toEqual(
      [
        ['Patient', 'patients', 'created', ['createClient']],
        ['Appointment', 'bookings', 'created', ['bookNewSlot']],
      ],
    );
    const booking = result.records[1]!.writes[0]!;
    expect(booking).toMatchObject({
      op: 'bookNewSlot',
      slot: { clinicId: 'riverside', status: 'BOOKED', startsAt: '2026-12-03T14:00:00.000Z' },
      booking: { source: 'import', phone: '+447700900123', clientId: result.records[0]!.outcome.id },
    });
    expect(result.newIds).toHaveLength(3);
  });

  it('books a row into a free slot Attend has at that clinic, time and type, through the booking write', () => {
    // Prepare
    const free = aSlot({
      id: 'staff-slot',
      clinicId: 'riverside',
      startsAt: '2026-12-03T14:00:00.000Z',
      localDay: '2026-12-03',
    });
    const held: Holdings = {
      ...withClinic(),
      slots: { [free.id]: free },
      freeSlots: { 'riverside|2026-12-03': [free.id] },
    };

    // Act
    const { plan: result } = plan(batchOf(row('A1', 'P1', '14:00'), row('A2', 'P2', '14:00')), held);

    // Assess: the first row takes the free slot; the second, at the same time, gets a slot of its own
    const writes = result.records.filter((r) => r.kind === 'Appointment').map((r) => r.writes[0]!);
    expect(writes.map((w) => w.op)).toEqual(['book', 'bookNewSlot']);
    expect(writes[0]).toMatchObject({ op: 'book', booking: { slotId: 'staff-slot' } });
  });

  it('lets a slot freed by a cancellation in the same file take a booking at the same time', () => {
    // Prepare: A1 was imported before; the file now cancels it and books another family at that time
    const client = aClient({ id: 'c1' });
    const slot = aSlot({
      id: 's1',
      clinicId: 'riverside',
      startsAt: '2026-12-03T14:00:00.000Z',
      localDay: '2026-12-03',
      status: 'BOOKED',
      bookingId: 'b1',
    });
    const booking = {
      id: 'b1',
      ref: '1234',
      slotId: 's1',
      clientId: 'c1',
      clinicId: 'riverside',
      type: slot.type,
      startsAt: slot.startsAt,
      durationMinutes: 45,
      localDay: '2026-12-03',
      phone: client.phone,
      status: 'BOOKED' as const,
      source: 'import' as const,
      bookedAt: NOW,
      bookedBy: 'x',
      tiers: {},
      updatedAt: NOW,
    };
    const ref = {
      kind: 'Appointment' as const,
      system: 'systmone',
      sourceId: 'A1',
      attendId: 'b1',
      slotId: 's1',
      sourceHash: 'old',
      createdAt: NOW,
      updatedAt: NOW,
    };
    const held: Holdings = {
      ...withClinic(),
      refs: { 'Appointment|systmone|A1': ref },
      clients: { c1: client },
      slots: { s1: slot },
      bookings: { b1: booking },
      freeSlots: { 'riverside|2026-12-03': [] },
    };

    // Act
    const { plan: result } = plan(
      batchOf(row('A1', 'P1', '14:00', 'cancelled'), row('A2', 'P2', '14:00')),
      held,
    );

    // Assess
    const ops = result.records.filter((r) => r.kind === 'Appointment').map((r) => r.writes.map((w) => w.op));
    expect(ops).toEqual([['cancelBooking', 'touchRef'], ['book']]);
    expect(result.records.at(-1)!.writes[0]).toMatchObject({ booking: { slotId: 's1' } });
  });

  it('plans no reminders for a dry run, and the same outcomes', () => {
    // Prepare
    const batch = batchOf(row('A1', 'P1', '14:00'));

    // Act
    const real = plan(batch, withClinic(), true).plan;
    const dry = plan(batch, withClinic(), false).plan;

    // Assess
    expect(dry.records.map((r) => r.outcome.action)).toEqual(real.records.map((r) => r.outcome.action));
    expect(dry.records[1]!.writes[0]).toMatchObject({ booking: { tiers: {} } });
    expect(
      Object.keys((real.records[1]!.writes[0] as { booking: { tiers: object } }).booking.tiers),
    ).not.toEqual([]);
  });
});

describe('settleBookedHereSlot', () => {
  const bundle = {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      {
        fullUrl: 'urn:uuid:p1',
        resource: {
          resourceType: 'Patient',
          identifier: [{ system: 'urn:epr:patient', value: 'P1' }],
          name: [{ given: ['Cerys'] }],
          telecom: [{ system: 'phone', value: '07700 900210', use: 'mobile' }],
        },
      },
      {
        fullUrl: 'urn:uuid:s1',
        resource: {
          resourceType: 'Slot',
          identifier: [{ system: 'urn:epr:slot', value: 'S1' }],
          schedule: { reference: 'Schedule/riverside' },
          status: 'busy',
          start: '2026-12-03T14:00:00Z',
          end: '2026-12-03T14:45:00Z',
          appointmentType: { coding: [{ code: 'six-to-eight-week-review' }] },
        },
      },
      {
        fullUrl: 'urn:uuid:a1',
        resource: {
          resourceType: 'Appointment',
          identifier: [{ system: 'urn:epr:appointment', value: 'A1' }],
          status: 'booked',
          slot: [{ reference: 'urn:uuid:s1' }],
          participant: [{ actor: { reference: 'urn:uuid:p1' } }],
        },
      },
    ],
  };

  function planned() {
    const result = mapFhir(bundle, importContext);
    if (!result.ok) throw new Error(result.message);
    const records = collectRecords(result.batch);
    const ctx = planContext({
      batch: result.batch,
      records,
      config,
      now: NOW,
      by: 'staff:test',
      confirm: false,
      reminderPlans: false,
    });
    return { ctx, ...planImport(ctx, withClinic()) };
  }

  it('reports the busy slot created with its booking when the booking is made', () => {
    // Prepare
    const { ctx, plan: p, state } = planned();
    const appointment = p.records.find((r) => r.kind === 'Appointment')!;

    // Act
    settleBookedHereSlot(ctx, state, appointment, appointment.outcome);

    // Assess
    expect(state.outcomes['Slot|urn:epr:slot|S1']).toMatchObject({
      action: 'created',
      id: appointment.outcome.slotId,
    });
  });

  it('reports the busy slot not imported when applying its booking was refused', () => {
    // Prepare
    const { ctx, plan: p, state } = planned();
    const appointment = p.records.find((r) => r.kind === 'Appointment')!;

    // Act
    settleBookedHereSlot(
      ctx,
      state,
      appointment,
      rejected('participant', "this patient's record is no longer in Attend"),
    );

    // Assess
    expect(state.outcomes['Slot|urn:epr:slot|S1']).toMatchObject({
      action: 'unchanged',
      notes: ['busy in the source, and the appointment booked in it was not imported: not imported'],
    });
  });
});

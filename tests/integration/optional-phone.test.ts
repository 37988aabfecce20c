/**
 * Issue 14 item 3, the optional phone, against a real table:
 * - a client registered with no mobile (an address instead) is booked; no text is ever attempted, and
 *   the confirmation and every reminder tier are recorded as skipped `no-phone`;
 * - an import row with no mobile but an address makes such a client (CSV and FHIR);
 * - staff `PATCH /clients/{id}`: a new mobile moves the live bookings to it and lifts an unreachable
 *   mark on that number; a bad mobile or postcode is a 400 naming the field; a scheduler gets 403;
 * - "do not text" and "do not post" set by PATCH put the family on `GET /call-list`, and no letter route;
 * - a family with no mobile stays on the short-notice list but is never offered a slot (`no-phone`).
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { mapCsv } from '#core/import-csv.ts';
import { mapFhir } from '#core/import-fhir.ts';
import type { ImportBatch, ImportContext, MapResult } from '#core/import-model.ts';
import type { Booking, Clinic } from '#core/model.ts';
import { consentOf, optOutNumber } from '#services/consent.ts';
import { contactRouteOf } from '#services/contact.ts';
import { runImport } from '#services/import.ts';
import { runReminderSweep } from '#services/reminders.ts';
import { getBooking, liveBookingsByPhone } from '#store/bookings.ts';
import { getClient } from '#store/clients.ts';
import type { StoreContext } from '#store/context.ts';
import { aClinic, aSlotFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi, type ErrorResult, IAM_CALLER_ARNS } from '#tests/support/function-url.ts';
import { seed } from './helpers.ts';

const NOW = '2026-11-23T10:00:00.000Z';
const HV = IAM_CALLER_ARNS['health-visitor'];
const address = { lines: ['12 Mill Lane'], town: 'Maidstone', postcode: 'me14 1xx' };

let store: StoreContext;
let deps: TestDeps;
let clinic: Clinic;

beforeEach(async () => {
  store = await freshTable();
  deps = testDeps(store, NOW);
  clinic = aClinic();
  await seed(store, { clinic });
});

type ClientBody = { id: string; phone?: string; optedOut: boolean; consent: { state: string } };

const api = <T>(method: string, path: string, body?: unknown, caller = HV) =>
  callApi<T>(deps, method, path, body, caller);

async function bookedAt(clientId: string, startsAt: string): Promise<Booking> {
  const slot = aSlotFor(clinic, { startsAt, localDay: startsAt.slice(0, 10), type: 'clinic' });
  await seed(store, { slots: [slot] });
  const res = await api<Booking>('POST', '/bookings', { slotId: slot.id, clientId });
  expect(res.status).toBe(201);
  return res.body;
}

const fieldsOf = (body: unknown) => (body as ErrorResult).error.fields?.map((f) => f.field);

describe('a client with no mobile', () => {
  it('is registered with an address, booked, and every text is skipped no-phone, none attempted', async () => {
    // Prepare
    const created = await api<ClientBody>('POST', '/clients', { firstName: 'Rosie', address });
    expect(created.status).toBe(201);
    expect(created.body.phone).toBeUndefined();
    expect(created.body.consent.state).toBe('opted-in');

    // Act: a booking 10 days ahead, then the sweep on each day up to the appointment
    const booking = await bookedAt(created.body.id, '2026-12-03T10:00:00.000Z');
    for (let day = 0; day <= 10; day++) {
      deps.clock.set(new Date(Date.parse(NOW) + day * 86_400_000).toISOString());
      await runReminderSweep(deps);
    }

    // Assess: nothing went to the outbox, and each tier says why
    expect(deps.outbox.entries).toEqual([]);
    const after = (await getBooking(store, booking.id))!;
    expect(after.phone).toBeUndefined();
    const tiers = Object.values(after.tiers);
    expect(tiers.length).toBeGreaterThan(1);
    for (const tier of tiers) {
      expect(tier.status).toBe('SKIPPED');
      expect(tier.attempts).toBe(0);
    }
    expect(tiers.filter((t) => t.skipReason === 'no-phone').length).toBeGreaterThanOrEqual(2);
    expect(
      tiers.every((t) => ['no-phone', 'past-at-booking', 'not-applicable'].includes(t.skipReason ?? '')),
    );
    expect(await contactRouteOf(deps, (await getClient(store, created.body.id))!)).toEqual({
      route: 'letter',
      noSms: 'no-phone',
    });
  });

  it('cannot be registered with neither a mobile nor an address (400 naming phone)', async () => {
    const res = await api('POST', '/clients', { firstName: 'Nobody' });
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(['phone']);
  });

  it('a staff cancellation with notify says no-phone, and the family page reads with no thread', async () => {
    const created = await api<ClientBody>('POST', '/clients', { firstName: 'Rosie', address });
    const booking = await bookedAt(created.body.id, '2026-12-03T10:00:00.000Z');
    const cancelled = await api<{ notified: boolean; notNotifiedReason?: string }>(
      'POST',
      `/bookings/${booking.id}/cancel`,
      { reason: 'clinic closed', notify: true },
      IAM_CALLER_ARNS.scheduler,
    );
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ notified: false, notNotifiedReason: 'no-phone' });
    const family = await api<{ messages: unknown[]; children: unknown[] }>(
      'GET',
      `/families/${created.body.id}`,
    );
    expect(family.status).toBe(200);
    expect(family.body.messages).toEqual([]);
    expect(family.body.children).toHaveLength(1);
    // Consent is a number's: no number, nothing to opt out (409, not a 500)
    const optOut = await api('POST', `/clients/${created.body.id}/opt-out`);
    expect(optOut.status).toBe(409);
    expect((optOut.body as ErrorResult).error.code).toBe('NO_PHONE');
    expect(deps.outbox.entries).toEqual([]);
  });
});

describe('import of a family with no mobile', () => {
  const context = (): ImportContext => ({
    appointmentTypes: deps.config.appointmentTypes,
    allowedCountries: deps.config.allowedCountries,
    timeZone: deps.config.timeZone,
  });
  const batchOf = (result: MapResult): ImportBatch => {
    if (!result.ok) throw new Error(`unreadable: ${result.message}`);
    return result.batch;
  };
  const HEADER =
    'source_system,clinic_id,clinic_name,venue,patient_id,first_name,mobile,address_line_1,town,postcode,appointment_id,appointment_type,date,time,status';

  it('accepts a CSV row with no mobile but an address, books it and texts nothing; refuses one with neither', async () => {
    const csv =
      `${HEADER}\n` +
      'systmone,riverside,Riverside,Riverside Centre,P1,Rosie,,12 Mill Lane,Maidstone,ME14 1XX,A1,six-to-eight-week-review,2026-12-03,14:00,booked\n' +
      'systmone,riverside,Riverside,Riverside Centre,P2,Nobody,,,,,A2,six-to-eight-week-review,2026-12-03,15:00,booked\n';
    const mapped = mapCsv(csv, context());
    const report = await runImport(deps, batchOf(mapped), {
      dryRun: false,
      confirm: false,
      by: 'staff:test',
    });

    expect(report.rows[0]?.errors ?? []).toEqual([]);
    expect(report.rows[1]?.errors).toEqual([expect.objectContaining({ field: 'mobile' })]);
    const client = (await getClient(store, report.rows[0]!.clientId!))!;
    expect(client.phone).toBeUndefined();
    expect(client.address).toEqual({ lines: ['12 Mill Lane'], town: 'Maidstone', postcode: 'ME14 1XX' });
    await runReminderSweep(deps);
    expect(deps.outbox.entries).toEqual([]);
  });

  it('accepts a FHIR Patient with no mobile telecom but a home address', async () => {
    const bundle = {
      resourceType: 'Bundle',
      type: 'collection',
      entry: [
        {
          resource: {
            resourceType: 'Patient',
            id: 'p-9',
            identifier: [{ system: 'https://fhir.example.nhs.uk/systmone', value: 'p-9' }],
            name: [{ given: ['Rosie'], family: 'Hart' }],
            address: [{ use: 'home', line: ['12 Mill Lane'], city: 'Maidstone', postalCode: 'ME14 1XX' }],
          },
        },
      ],
    };
    const mapped = mapFhir(bundle, context());
    expect(mapped.ok).toBe(true);
    const report = await runImport(deps, batchOf(mapped), {
      dryRun: false,
      confirm: false,
      by: 'staff:test',
    });
    const patient = report.rows.find((r) => r.kind === 'Patient')!;
    expect(patient.errors ?? []).toEqual([]);
    expect(patient.action).toBe('created');
    const client = (await getClient(store, patient.id!))!;
    expect(client.phone).toBeUndefined();
    expect(client.address?.postcode).toBe('ME14 1XX');
  });
});

describe('PATCH /clients/{id}', () => {
  it('a new mobile moves the live booking to it and lifts the unreachable mark on that number', async () => {
    // Prepare: a family with no mobile, booked; the number they give was marked unreachable before
    const created = await api<ClientBody>('POST', '/clients', { firstName: 'Rosie', address });
    const booking = await bookedAt(created.body.id, '2026-12-03T10:00:00.000Z');
    await optOutNumber(deps, '+447700900555', { reason: 'unreachable', at: NOW });

    // Act
    const res = await api<ClientBody>('PATCH', `/clients/${created.body.id}`, { phone: '07700 900555' });

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      phone: '+447700900555',
      optedOut: false,
      consent: { state: 'opted-in' },
    });
    expect(await consentOf(deps, '+447700900555')).toBeUndefined();
    expect((await getBooking(store, booking.id))?.phone).toBe('+447700900555');
    expect((await liveBookingsByPhone(store, '+447700900555')).map((b) => b.id)).toEqual([booking.id]);
    // The next reminder goes to the new number
    deps.clock.set('2026-12-01T10:00:00.000Z');
    await runReminderSweep(deps);
    expect(deps.outbox.entries.map((e) => e.to)).toEqual(['+447700900555']);
  });

  it('does not lift a STOP on the number given (only the family can)', async () => {
    const created = await api<ClientBody>('POST', '/clients', { firstName: 'Rosie', address });
    await optOutNumber(deps, '+447700900556', { reason: 'stop-text', at: NOW });
    const res = await api<ClientBody>('PATCH', `/clients/${created.body.id}`, { phone: '07700900556' });
    expect(res.status).toBe(200);
    expect(res.body.consent).toMatchObject({ state: 'opted-out', reason: 'stop-text' });
  });

  it('clearing the mobile takes it off the live bookings; their reminders are then skipped no-phone', async () => {
    const created = await api<ClientBody>('POST', '/clients', {
      firstName: 'Rosie',
      phone: '07700 900557',
      address,
    });
    const booking = await bookedAt(created.body.id, '2026-12-03T10:00:00.000Z');
    const sentBefore = deps.outbox.entries.length;
    const res = await api<ClientBody>('PATCH', `/clients/${created.body.id}`, { phone: null });
    expect(res.status).toBe(200);
    expect(res.body.phone).toBeUndefined();
    expect((await getBooking(store, booking.id))?.phone).toBeUndefined();
    expect(await liveBookingsByPhone(store, '+447700900557')).toEqual([]);
    deps.clock.set('2026-12-02T10:00:00.000Z');
    await runReminderSweep(deps);
    expect(deps.outbox.entries.length).toBe(sentBefore);
    const tiers = Object.values((await getBooking(store, booking.id))!.tiers);
    expect(tiers.some((t) => t.skipReason === 'no-phone')).toBe(true);
  });

  it('"do not text" and "do not post" together put the family on the call list and give no letter', async () => {
    const created = await api<ClientBody>('POST', '/clients', {
      firstName: 'Rosie',
      phone: '07700 900558',
      address,
    });
    const booking = await bookedAt(created.body.id, '2026-12-03T10:00:00.000Z');
    const res = await api<ClientBody>('PATCH', `/clients/${created.body.id}`, {
      contact: {
        sms: { on: false, reason: 'risk at home' },
        letter: { on: false, reason: 'shares the address' },
      },
    });
    expect(res.status).toBe(200);
    const list = await api<{ items: { bookingId: string; noSms: string; noLetter: string }[] }>(
      'GET',
      '/call-list?date=2026-12-03',
    );
    expect(list.body.items).toEqual([
      expect.objectContaining({ bookingId: booking.id, noSms: 'sms-off', noLetter: 'letter-off' }),
    ]);
    const route = await contactRouteOf(deps, (await getClient(store, created.body.id))!);
    expect(route.route).toBe('call');
  });

  it('answers 400 naming the field for a bad mobile, a bad postcode, and clearing the last way to reach them', async () => {
    const created = await api<ClientBody>('POST', '/clients', { firstName: 'Rosie', phone: '07700 900559' });
    const badPhone = await api('PATCH', `/clients/${created.body.id}`, { phone: '01632 960000' });
    expect(badPhone.status).toBe(400);
    expect(fieldsOf(badPhone.body)).toEqual(['phone']);
    const badPostcode = await api('PATCH', `/clients/${created.body.id}`, {
      address: { lines: ['1 High St'], town: 'Maidstone', postcode: 'NOT A CODE' },
    });
    expect(badPostcode.status).toBe(400);
    expect(fieldsOf(badPostcode.body)).toEqual(['address.postcode']);
    const nothingLeft = await api('PATCH', `/clients/${created.body.id}`, { phone: null });
    expect(nothingLeft.status).toBe(400);
    expect(fieldsOf(nothingLeft.body)).toEqual(['phone']);
    // A scheduler may not change contact details
    const scheduler = await api(
      'PATCH',
      `/clients/${created.body.id}`,
      { phone: null },
      IAM_CALLER_ARNS.scheduler,
    );
    expect(scheduler.status).toBe(403);
    expect((await getClient(store, created.body.id))?.phone).toBe('+447700900559');
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ATTEND_EXTENSION_BASE, mapFhir } from '#core/import-fhir.ts';
import type { ImportBatch, ImportContext, MapResult } from '#core/import-model.ts';
import { aTrustConfig } from '#tests/support/builders-waitlist.ts';

const config = aTrustConfig();
const ctx: ImportContext = {
  appointmentTypes: config.appointmentTypes,
  allowedCountries: config.allowedCountries,
  timeZone: config.timeZone,
};

const fixture = () =>
  JSON.parse(readFileSync(new URL('../../fixtures/import/bundle.json', import.meta.url), 'utf8')) as {
    entry: { fullUrl: string; resource: Record<string, unknown> }[];
  } & Record<string, unknown>;

function ok(result: MapResult): ImportBatch {
  if (!result.ok) throw new Error(`expected the Bundle to be read: ${result.message}`);
  return result.batch;
}

const bundle = (...entries: { fullUrl?: string; resource?: Record<string, unknown> }[]) => ({
  resourceType: 'Bundle',
  type: 'collection',
  entry: entries,
});

const patient = (overrides: Record<string, unknown> = {}) => ({
  fullUrl: 'urn:uuid:p1',
  resource: {
    resourceType: 'Patient',
    identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990001030' }],
    name: [{ given: ['Amelia'], family: 'Smith' }],
    telecom: [{ system: 'phone', value: '07700 900123', use: 'mobile' }],
    ...overrides,
  },
});

const slot = (overrides: Record<string, unknown> = {}) => ({
  fullUrl: 'urn:uuid:s1',
  resource: {
    resourceType: 'Slot',
    identifier: [{ system: 'urn:epr:slot', value: 'S1' }],
    schedule: { reference: 'Schedule/riverside' },
    status: 'busy',
    start: '2026-12-03T14:00:00Z',
    end: '2026-12-03T14:45:00Z',
    appointmentType: { coding: [{ code: 'six-to-eight-week-review' }] },
    ...overrides,
  },
});

const appointment = (overrides: Record<string, unknown> = {}) => ({
  fullUrl: 'urn:uuid:a1',
  resource: {
    resourceType: 'Appointment',
    identifier: [{ system: 'urn:epr:appointment', value: 'A1' }],
    status: 'booked',
    slot: [{ reference: 'urn:uuid:s1' }],
    participant: [{ actor: { reference: 'urn:uuid:p1' } }],
    ...overrides,
  },
});

describe('mapFhir reads the fixture Bundle', () => {
  it('maps Patients, Slots and Appointments, and names the clinic from the Schedule’s Location', () => {
    // Act
    const batch = ok(mapFhir(fixture(), ctx));

    // Assess
    expect(batch.entries.map((e) => [e.kind, e.errors])).toEqual([
      ['Patient', []],
      ['Patient', []],
      ['Slot', []],
      ['Slot', []],
      ['Slot', []],
      ['Appointment', []],
      ['Appointment', []],
    ]);
    expect(batch.ignored).toEqual(['Practitioner']);
    expect(batch.clinics).toEqual([
      { id: 'harbour', name: 'Harbour Family Hub, Marine Parade', venue: 'Harbour Family Hub' },
    ]);
    const [cerys, yusuf, s1, s2, s3, a1] = batch.entries;
    expect(cerys?.origin).toEqual({ resource: 'urn:uuid:5f0c6a2e-1b7d-4a59-9d0e-7a1c1f000010' });
    expect(cerys?.patient).toEqual({
      key: { system: 'https://fhir.nhs.uk/Id/nhs-number', id: '9990001073' },
      fields: {
        firstName: 'Cerys',
        familyName: 'Evans',
        // The NHS number identifier is the key, and also the client's NHS number.
        nhsNumber: '9990001073',
        // A child's mobile is its parent's, found on the Patient's contact.
        phone: '+447700900610',
        dateOfBirth: '2026-10-14',
        language: 'cy',
        imdDecile: 2,
        parentalMentalHealth: true,
      },
    });
    // The home landline is passed over for the mobile.
    expect(yusuf?.patient?.fields.phone).toBe('+447700900611');
    expect(s1?.slot).toEqual({
      key: { system: 'https://epr.example.org/fhir/slot-id', id: 'S-8801' },
      fields: {
        clinicId: 'harbour',
        type: 'six-to-eight-week-review',
        startsAt: '2026-12-04T09:30:00.000Z',
        durationMinutes: 45,
      },
      bookable: true,
      sourceStatus: 'busy',
    });
    expect(s2?.slot?.fields.type).toBe('one-year-review');
    expect(s3?.slot?.sourceStatus).toBe('free');
    expect(a1?.appointment).toEqual({
      key: { system: 'https://epr.example.org/fhir/appointment-id', id: 'AP-7701' },
      patient: { system: 'https://fhir.nhs.uk/Id/nhs-number', id: '9990001073' },
      status: 'booked',
      slot: { key: { system: 'https://epr.example.org/fhir/slot-id', id: 'S-8801' } },
    });
  });
});

describe('mapFhir resolves references', () => {
  it.each([
    { how: 'by fullUrl', ref: 'urn:uuid:p1', fullUrl: 'urn:uuid:p1' },
    { how: 'as Type/id', ref: 'Patient/abc', fullUrl: undefined },
    { how: 'as an absolute URL', ref: 'https://epr.example.org/fhir/Patient/abc', fullUrl: undefined },
    { how: 'with a version', ref: 'Patient/abc/_history/3', fullUrl: undefined },
  ])('finds the Patient $how', ({ ref, fullUrl }) => {
    // Prepare
    const p = patient({ id: 'abc' });
    const raw = bundle(
      { ...p, fullUrl },
      slot(),
      appointment({ participant: [{ actor: { reference: ref } }] }),
    );

    // Act
    const batch = ok(mapFhir(raw, ctx));

    // Assess
    expect(batch.entries[2]?.errors).toEqual([]);
    expect(batch.entries[2]?.appointment?.patient.id).toBe('9990001030');
  });

  it('takes the clinic id from the Schedule when its actor is no Location', () => {
    // Prepare
    const raw = bundle(
      { fullUrl: 'urn:uuid:sch', resource: { resourceType: 'Schedule', id: 'oakwood', actor: [] } },
      slot({ schedule: { reference: 'urn:uuid:sch' } }),
    );

    // Act
    const batch = ok(mapFhir(raw, ctx));

    // Assess
    expect(batch.entries[0]?.slot?.fields.clinicId).toBe('oakwood');
    expect(batch.clinics).toEqual([{ id: 'oakwood' }]);
  });
});

describe('mapFhir reports each bad resource with the element at fault', () => {
  it.each([
    {
      what: 'no identifier',
      overrides: { identifier: [] },
      field: 'identifier',
      message: /system and a value/,
    },
    {
      what: 'no given name',
      overrides: { name: [{ family: 'Smith' }] },
      field: 'name.given',
      message: /given name/,
    },
    {
      what: 'only a landline',
      overrides: { telecom: [{ system: 'phone', value: '0117 496 0123', use: 'home' }] },
      field: 'telecom',
      message: /landline/,
    },
    { what: 'no phone at all', overrides: { telecom: [] }, field: 'telecom', message: /needs a mobile/ },
    {
      what: 'a partial birth date',
      overrides: { birthDate: '2026-10' },
      field: 'birthDate',
      message: /full date/,
    },
    {
      what: 'a birth date that is not in the calendar',
      overrides: { birthDate: '2023-02-31' },
      field: 'birthDate',
      message: /^is not a real calendar date$/,
    },
    {
      what: 'a due date that is not in the calendar',
      overrides: { extension: [{ url: `${ATTEND_EXTENSION_BASE}due-date`, valueDate: '2027-02-29' }] },
      field: 'extension:due-date',
      message: /not a real calendar date/,
    },
    {
      what: 'an NHS number whose check digit does not match',
      overrides: { identifier: [{ system: 'https://fhir.nhs.uk/Id/nhs-number', value: '9990001001' }] },
      field: 'identifier:nhs-number',
      message: /check digit/,
    },
    {
      what: 'an unknown Attend extension',
      overrides: { extension: [{ url: `${ATTEND_EXTENSION_BASE}shoe-size`, valueInteger: 3 }] },
      field: 'extension:shoe-size',
      message: /not one of Attend/,
    },
    {
      what: 'a bad decile',
      overrides: { extension: [{ url: `${ATTEND_EXTENSION_BASE}imd-decile`, valueInteger: 0 }] },
      field: 'extension:imd-decile',
      message: /1 \(most deprived\) to 10/,
    },
    { what: 'a malformed name', overrides: { name: 'Amelia' }, field: 'name', message: /expected array/ },
  ])('Patient with $what', ({ overrides, field, message }) => {
    // Act
    const batch = ok(mapFhir(bundle(patient(overrides)), ctx));

    // Assess
    expect(batch.entries[0]?.patient).toBeUndefined();
    expect(batch.entries[0]?.errors).toEqual([{ field, message: expect.stringMatching(message) }]);
  });

  it.each([
    {
      what: 'no offset on start',
      overrides: { start: '2026-12-03T14:00:00' },
      field: 'start',
      message: /offset/,
    },
    {
      what: 'end before start',
      overrides: { end: '2026-12-03T13:00:00Z' },
      field: 'end',
      message: /5 to 480/,
    },
    {
      what: 'an unknown type',
      overrides: { appointmentType: { coding: [{ code: 'flu' }] } },
      field: 'appointmentType',
      message: /unknown appointment type "flu"/,
    },
    { what: 'an unknown status', overrides: { status: 'maybe' }, field: 'status', message: /free, busy/ },
    { what: 'no schedule reference', overrides: { schedule: {} }, field: 'schedule', message: /Schedule/ },
  ])('Slot with $what', ({ overrides, field, message }) => {
    // Act
    const batch = ok(mapFhir(bundle(slot(overrides)), ctx));

    // Assess
    expect(batch.entries[0]?.errors).toEqual([{ field, message: expect.stringMatching(message) }]);
  });

  it.each([
    {
      what: 'status arrived',
      overrides: { status: 'arrived' },
      field: 'status',
      message: /booked and cancelled/,
    },
    {
      what: 'two slots',
      overrides: { slot: [{ reference: 'urn:uuid:s1' }, { reference: 'urn:uuid:s1' }] },
      field: 'slot',
      message: /exactly one/,
    },
    {
      what: 'a slot outside the Bundle',
      overrides: { slot: [{ reference: 'Slot/elsewhere' }] },
      field: 'slot',
      message: /in this Bundle/,
    },
    {
      what: 'no patient',
      overrides: { participant: [] },
      field: 'participant',
      message: /Patient in this Bundle/,
    },
  ])('Appointment with $what', ({ overrides, field, message }) => {
    // Act
    const batch = ok(mapFhir(bundle(patient(), slot(), appointment(overrides)), ctx));

    // Assess
    expect(batch.entries[2]?.errors).toEqual([{ field, message: expect.stringMatching(message) }]);
    expect(batch.entries[0]?.errors).toEqual([]);
    expect(batch.entries[1]?.errors).toEqual([]);
  });

  it('counts entered-in-error as cancelled, and busy-unavailable slots as not bookable', () => {
    // Act
    const batch = ok(
      mapFhir(
        bundle(patient(), slot({ status: 'busy-unavailable' }), appointment({ status: 'entered-in-error' })),
        ctx,
      ),
    );

    // Assess
    expect(batch.entries[1]?.slot?.bookable).toBe(false);
    expect(batch.entries[2]?.appointment?.status).toBe('cancelled');
  });

  it('reports an entry without a resource, and explains DELETE', () => {
    // Act
    const batch = ok(
      mapFhir(
        {
          resourceType: 'Bundle',
          type: 'transaction',
          entry: [{ request: { method: 'DELETE', url: 'Appointment/1' } }],
        },
        ctx,
      ),
    );

    // Assess
    expect(batch.entries[0]).toMatchObject({
      origin: { resource: 'entry[0]' },
      errors: [{ field: 'resource', message: expect.stringMatching(/status cancelled/) }],
    });
  });
});

describe('mapFhir refuses what is not a Bundle it can import', () => {
  it.each([
    { what: 'a Patient', raw: { resourceType: 'Patient' }, field: 'resourceType' },
    { what: 'a history Bundle', raw: { resourceType: 'Bundle', type: 'history', entry: [] }, field: 'type' },
    { what: 'an array', raw: [], field: '(resource)' },
  ])('$what', ({ raw, field }) => {
    // Act
    const result = mapFhir(raw, ctx);

    // Assess
    expect(result).toMatchObject({
      ok: false,
      errors: expect.arrayContaining([expect.objectContaining({ field })]),
    });
  });

  it('refuses more than 5,000 entries', () => {
    // Prepare
    const raw = bundle(...Array.from({ length: 5001 }, () => patient()));

    // Act
    const result = mapFhir(raw, ctx);

    // Assess
    expect(result).toMatchObject({ ok: false, tooMany: 5001 });
  });
});

describe('mapFhir reads Patient.address', () => {
  const read = (address: unknown[]) => mapFhir(bundle(patient({ address }), slot(), appointment()), ctx);

  it('takes the home address (not an old one), with its lines, city and postcode', () => {
    const result = read([
      { use: 'old', line: ['1 Old Road'], city: 'Dover', postalCode: 'CT16 1AA' },
      { use: 'home', line: ['12 Mill Lane'], city: 'Maidstone', postalCode: 'me14 1xx' },
    ]);

    if (!result.ok) throw new Error(result.message);
    expect(result.batch.entries.find((e) => e.patient)?.patient?.fields.address).toEqual({
      lines: ['12 Mill Lane'],
      town: 'Maidstone',
      postcode: 'ME14 1XX',
    });
  });

  it('reports an address it cannot post to against Patient.address', () => {
    const result = read([
      { use: 'home', line: ['12 Mill Lane'], city: 'Maidstone', postalCode: 'not a postcode' },
    ]);

    if (!result.ok) throw new Error(result.message);
    expect(result.batch.entries.flatMap((e) => e.errors)).toContainEqual(
      expect.objectContaining({ field: 'address' }),
    );
  });
});

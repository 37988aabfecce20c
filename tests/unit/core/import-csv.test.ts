import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CSV_COLUMNS, mapCsv } from '#core/import-csv.ts';
import type { ImportBatch, ImportContext, MapResult } from '#core/import-model.ts';
import { aTrustConfig } from '#tests/support/builders-waitlist.ts';

const config = aTrustConfig();
const ctx: ImportContext = {
  appointmentTypes: config.appointmentTypes,
  allowedCountries: config.allowedCountries,
  timeZone: config.timeZone,
};

const HEADER =
  'source_system,clinic_id,patient_id,first_name,mobile,appointment_id,appointment_type,date,time';
const GOOD = 'systmone,riverside,P1,Amelia,07700 900123,A1,six-to-eight-week-review,2026-12-03,14:00';

function ok(result: MapResult): ImportBatch {
  if (!result.ok) throw new Error(`expected the file to be read: ${result.message}`);
  return result.batch;
}

/** One data row under `header`, with `cells` overriding the GOOD row's columns by name. */
function oneRow(cells: Partial<Record<string, string>>, header = HEADER): ImportBatch['entries'][number] {
  const columns = header.split(',');
  const base = Object.fromEntries(HEADER.split(',').map((c, i) => [c, GOOD.split(',')[i] ?? '']));
  const row = columns.map((c) => {
    const v = cells[c] ?? base[c] ?? '';
    return /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
  });
  return ok(mapCsv(`${header}\n${row.join(',')}\n`, ctx)).entries[0]!;
}

describe('mapCsv reads a good row', () => {
  it('normalises the patient and appointment and keys them by source system and id', () => {
    // Act
    const entry = oneRow({});

    // Assess
    expect(entry.errors).toEqual([]);
    expect(entry.origin).toEqual({ row: 2 });
    expect(entry.patient).toEqual({
      key: { system: 'systmone', id: 'P1' },
      fields: { firstName: 'Amelia', phone: '+447700900123' },
    });
    expect(entry.appointment).toEqual({
      key: { system: 'systmone', id: 'A1' },
      patient: { system: 'systmone', id: 'P1' },
      status: 'booked',
      // 14:00 on 3 December is 14:00 UTC (GMT); the duration is the type's.
      slot: {
        fields: {
          clinicId: 'riverside',
          type: 'six-to-eight-week-review',
          startsAt: '2026-12-03T14:00:00.000Z',
          durationMinutes: 45,
        },
      },
    });
  });

  it('reads every optional column, and compares source systems without case', () => {
    // Prepare
    const header = `${HEADER},family_name,language,date_of_birth,due_date,imd_decile,needs_carer,parental_mental_health,vulnerable,do_not_text,named_health_visitor,duration_minutes,status`;

    // Act
    const entry = oneRow(
      {
        source_system: 'SystmOne',
        family_name: 'Smith',
        language: 'cy-GB',
        date_of_birth: '12/10/2026',
        due_date: '',
        imd_decile: '3',
        needs_carer: 'Yes',
        parental_mental_health: 'n',
        vulnerable: '1',
        do_not_text: '',
        named_health_visitor: 'Jane Doe',
        duration_minutes: '30',
        status: 'Cancelled',
      },
      header,
    );

    // Assess
    expect(entry.errors).toEqual([]);
    expect(entry.patient?.key.system).toBe('systmone');
    expect(entry.patient?.fields).toEqual({
      firstName: 'Amelia',
      phone: '+447700900123',
      familyName: 'Smith',
      language: 'cy',
      dateOfBirth: '2026-10-12',
      dueDate: null,
      imdDecile: 3,
      needsCarer: true,
      parentalMentalHealth: false,
      vulnerable: true,
      doNotText: false,
      namedHealthVisitor: 'Jane Doe',
    });
    expect(entry.appointment?.status).toBe('cancelled');
    expect(entry.appointment?.slot).toMatchObject({ fields: { durationMinutes: 30 } });
  });

  it('accepts the appointment type by its English name, and a time written H:MM or HH:MM:00', () => {
    // Act
    const byName = oneRow({ appointment_type: '6-8 Week Baby Review', time: '9:05' });
    const withSeconds = oneRow({ time: '09:05:00' });

    // Assess
    expect(byName.errors).toEqual([]);
    expect(byName.appointment?.slot).toMatchObject({
      fields: { type: 'six-to-eight-week-review', startsAt: '2026-12-03T09:05:00.000Z' },
    });
    expect(withSeconds.appointment?.slot).toMatchObject({ fields: { startsAt: '2026-12-03T09:05:00.000Z' } });
  });

  it('works summer times out in BST', () => {
    // Act
    const entry = oneRow({ date: '2027-06-15', time: '10:30' });

    // Assess
    expect(entry.appointment?.slot).toMatchObject({ fields: { startsAt: '2027-06-15T09:30:00.000Z' } });
  });

  it('matches header names without regard to case, spaces or dashes, and lists unknown columns', () => {
    // Prepare
    const header =
      'Source System,Clinic-ID,PATIENT_ID,First Name,Mobile,Appointment ID,Appointment Type,Date,Time,GP Practice';
    const text = `${header}\n${GOOD},Riverside Surgery\n`;

    // Act
    const batch = ok(mapCsv(text, ctx));

    // Assess
    expect(batch.entries[0]?.errors).toEqual([]);
    expect(batch.ignored).toEqual(['gp_practice']);
  });

  it('skips blank rows but numbers rows as a spreadsheet does', () => {
    // Prepare
    const text = `${HEADER}\n${GOOD}\n,,,,,,,,\n\n${GOOD.replace('A1', 'A2')}\n`;

    // Act
    const batch = ok(mapCsv(text, ctx));

    // Assess
    expect(batch.entries.map((e) => e.origin)).toEqual([{ row: 2 }, { row: 5 }]);
  });

  it('collects each clinic once, with the first name and venue given for it', () => {
    // Prepare
    const header = `${HEADER},clinic_name,venue`;
    const text = [
      header,
      `${GOOD},,`,
      `${GOOD.replace('A1', 'A2')},"Riverside Children's Centre, Maidstone",Riverside Centre`,
      `${GOOD.replace('A1', 'A3')},Other name,Other venue`,
    ].join('\n');

    // Act
    const batch = ok(mapCsv(text, ctx));

    // Assess
    expect(batch.clinics).toEqual([
      { id: 'riverside', name: "Riverside Children's Centre, Maidstone", venue: 'Riverside Centre' },
    ]);
  });
});

describe('mapCsv reads the NHS number', () => {
  it.each([
    { value: '943 476 5919', nhsNumber: '9434765919' },
    { value: '9434765919', nhsNumber: '9434765919' },
    // A blank cell clears it, as for every optional column.
    { value: '', nhsNumber: null },
  ])('"$value" → $nhsNumber', ({ value, nhsNumber }) => {
    // Act
    const entry = oneRow({ nhs_number: value }, `${HEADER},nhs_number`);

    // Assess
    expect(entry.errors).toEqual([]);
    expect(entry.patient?.fields.nhsNumber).toBe(nhsNumber);
  });

  it('refuses one whose check digit does not match, without repeating it', () => {
    // Act
    const entry = oneRow({ nhs_number: '943 476 5918' }, `${HEADER},nhs_number`);

    // Assess
    expect(entry.errors).toEqual([
      { field: 'nhs_number', message: 'is not a valid NHS number: its check digit does not match' },
    ]);
  });
});

describe('mapCsv reports each bad cell by its column', () => {
  it.each([
    { cells: { mobile: '0117 496 0123' }, field: 'mobile', message: /landline/ },
    { cells: { mobile: '07700 900123 (mum)' }, field: 'mobile', message: /not a phone number/ },
    { cells: { mobile: '' }, field: 'mobile', message: /needs a mobile number, or a postal address/ },
    {
      cells: { appointment_type: 'flu jab' },
      field: 'appointment_type',
      message: /unknown appointment type "flu jab"; use one of: antenatal,/,
    },
    { cells: { date: '2026-02-30' }, field: 'date', message: /not a real calendar date/ },
    { cells: { date: '3 Dec 2026' }, field: 'date', message: /yyyy-mm-dd/ },
    { cells: { time: '24:00' }, field: 'time', message: /HH:MM/ },
    // The clocks go forward at 01:00 on Sunday 28 March 2027: 01:30 never happens.
    {
      cells: { date: '2027-03-28', time: '01:30' },
      field: 'time',
      message: /does not exist in Europe\/London/,
    },
    { cells: { first_name: 'x'.repeat(41) }, field: 'first_name', message: /longer than 40/ },
    { cells: { patient_id: '' }, field: 'patient_id', message: /is required/ },
    { cells: { clinic_id: 'river side' }, field: 'clinic_id', message: /letters, digits/ },
    { cells: { first_name: 'Am\uFFFDlia' }, field: 'first_name', message: /CSV UTF-8/ },
  ])('$field: $cells', ({ cells, field, message }) => {
    // Act
    const entry = oneRow(cells);

    // Assess
    expect(entry.patient).toBeUndefined();
    expect(entry.appointment).toBeUndefined();
    expect(entry.errors).toEqual([{ field, message: expect.stringMatching(message) }]);
  });

  it.each([
    { column: 'imd_decile', value: '11', message: /1 \(most deprived\) to 10/ },
    { column: 'needs_carer', value: 'maybe', message: /yes or no/ },
    { column: 'duration_minutes', value: '2', message: /5 to 480/ },
    { column: 'status', value: 'arrived', message: /booked or cancelled/ },
    { column: 'language', value: 'English!', message: /language code/ },
    { column: 'due_date', value: '2027-13-01', message: /not a real calendar date/ },
  ])('$column = "$value"', ({ column, value, message }) => {
    // Act
    const entry = oneRow({ [column]: value }, `${HEADER},${column}`);

    // Assess
    expect(entry.errors).toEqual([{ field: column, message: expect.stringMatching(message) }]);
  });

  it('reports every bad cell of a row, not only the first', () => {
    // Act
    const entry = oneRow({ mobile: '01622 123456', date: '2026-12-32', appointment_type: '' });

    // Assess
    expect(entry.errors.map((e) => e.field)).toEqual(['mobile', 'appointment_type', 'date']);
  });

  it('rejects a row whose field count differs from the header', () => {
    // Prepare
    const text = `${HEADER}\n${GOOD},extra\n${GOOD.replace('A1', 'A2')}\n`;

    // Act
    const batch = ok(mapCsv(text, ctx));

    // Assess
    expect(batch.entries[0]?.errors).toEqual([
      { field: '(row)', message: 'has 10 fields but the header has 9; check for an unquoted comma' },
    ]);
    expect(batch.entries[1]?.errors).toEqual([]);
  });
});

describe('mapCsv refuses a file it cannot read at all', () => {
  it('names each missing required column and each repeated one', () => {
    // Prepare
    const text = 'source_system,clinic_id,clinic_id,first_name\nx,y,z,w\n';

    // Act
    const result = mapCsv(text, ctx);

    // Assess
    expect(result).toEqual({
      ok: false,
      message: 'The CSV header is not as documented',
      errors: [
        { field: 'clinic_id', message: 'this column appears twice' },
        ...['patient_id', 'appointment_id', 'appointment_type', 'date', 'time'].map((field) => ({
          field,
          message: 'this required column is missing',
        })),
        {
          field: '(header)',
          message:
            'read 4 columns separated by commas: "source_system", "clinic_id", "clinic_id", "first_name"',
        },
      ],
    });
  });

  it('says which line has broken quoting', () => {
    // Act
    const result = mapCsv(`${HEADER}\n${GOOD}\n"unclosed,${GOOD}\n`, ctx);

    // Assess
    expect(result).toMatchObject({
      ok: false,
      errors: [{ field: 'line 3', message: 'a quoted field is never closed' }],
    });
  });

  it('refuses an empty file', () => {
    // Act / Assess
    expect(mapCsv('\n\n', ctx)).toMatchObject({ ok: false, message: 'The CSV file is empty' });
  });

  it('refuses more than 5,000 rows, counting only rows with content', () => {
    // Prepare
    const rows = (n: number) => Array.from({ length: n }, (_, i) => GOOD.replace('A1', `A${i}`));
    const atLimit = `${HEADER}\n${rows(5000).join('\n')}\n,,,,,,,,\n`;
    const overLimit = `${HEADER}\n${rows(5001).join('\n')}\n`;

    // Act
    const accepted = mapCsv(atLimit, ctx);
    const refused = mapCsv(overLimit, ctx);

    // Assess
    expect(accepted.ok).toBe(true);
    expect(refused).toMatchObject({
      ok: false,
      tooMany: 5001,
      message: 'The file has 5,001 rows; one import takes at most 5,000. Split it and import each part.',
    });
  });
});

describe('mapCsv reads files Excel saves in other locales', () => {
  const SAMPLE = readFileSync(new URL('../../fixtures/import/sample.csv', import.meta.url), 'utf8');
  const commaBatch = ok(mapCsv(SAMPLE, ctx));
  /** The sample as Excel saves it with another list separator: every field quoted where it must be. */
  const resave = (separator: string, lineEnd = '\n', bom = '') => {
    const rows = SAMPLE.trimEnd()
      .split('\n')
      .map((line) =>
        // The sample quotes only fields with commas; re-split it on commas outside quotes.
        (line.match(/("([^"]|"")*"|[^,]*)(,|$)/g) ?? [])
          .map((f) => f.replace(/,$/, ''))
          .slice(0, SAMPLE.split('\n')[0]!.split(',').length)
          .map((f) => (f.startsWith('"') ? f.slice(1, -1).replace(/""/g, '"') : f))
          .map((f) => (f.includes(separator) || f.includes('"') ? `"${f.replace(/"/g, '""')}"` : f))
          .join(separator),
      );
    return bom + rows.join(lineEnd) + lineEnd;
  };

  it.each([
    { name: 'semicolons (most of Europe)', text: () => resave(';') },
    { name: 'tabs ("Text (Tab delimited)")', text: () => resave('\t') },
    {
      name: 'semicolons, CRLF and a byte-order mark ("CSV UTF-8" on Windows)',
      text: () => resave(';', '\r\n', '\uFEFF'),
    },
  ])('reads the sample saved with $name exactly as the comma file', ({ text }) => {
    // Act
    const batch = ok(mapCsv(text(), ctx));

    // Assess
    expect(batch).toEqual(commaBatch);
    expect(batch.entries).toHaveLength(6);
  });

  it('keeps a comma inside a field of a semicolon file', () => {
    // Prepare
    const header = `${HEADER},clinic_name,venue`.replace(/,/g, ';');
    const text = `${header}\n${GOOD.replace(/,/g, ';')};Oakwood Health Centre, Ashford;Oakwood\n`;

    // Act
    const batch = ok(mapCsv(text, ctx));

    // Assess
    expect(batch.entries[0]?.errors).toEqual([]);
    expect(batch.clinics).toEqual([
      { id: 'riverside', name: 'Oakwood Health Centre, Ashford', venue: 'Oakwood' },
    ]);
  });

  it('names the separator in a row with too many fields', () => {
    // Prepare
    const text = `${HEADER.replace(/,/g, ';')}\n${GOOD.replace(/,/g, ';')};extra\n`;

    // Act
    const batch = ok(mapCsv(text, ctx));

    // Assess
    expect(batch.entries[0]?.errors).toEqual([
      { field: '(row)', message: 'has 10 fields but the header has 9; check for an unquoted semicolon' },
    ]);
  });

  it('says what it read when the header still does not match', () => {
    // Prepare: a semicolon file whose header has a misspelt column and lacks another
    const text =
      'source_system;clinic_id;patient_id;first_name;mobile;appointmentid;appointment_type;date\nx\n';

    // Act
    const result = mapCsv(text, ctx);

    // Assess
    expect(result).toEqual({
      ok: false,
      message: 'The CSV header is not as documented',
      errors: [
        { field: 'appointment_id', message: 'this required column is missing' },
        { field: 'time', message: 'this required column is missing' },
        {
          field: '(header)',
          message:
            'read 8 columns separated by semicolons: "source_system", "clinic_id", "patient_id", "first_name", "mobile", "appointmentid", "appointment_type", "date"',
        },
      ],
    });
  });
});

describe('the README sample file', () => {
  it('uses only documented columns and reads every row but the deliberate landline', () => {
    // Prepare
    const text = readFileSync(new URL('../../fixtures/import/sample.csv', import.meta.url), 'utf8');

    // Act
    const batch = ok(mapCsv(text, ctx));

    // Assess
    expect(batch.ignored).toEqual([]);
    expect(CSV_COLUMNS.map((c) => c.name)).toEqual(expect.arrayContaining(text.split('\n')[0]!.split(',')));
    expect(batch.entries.map((e) => e.errors)).toEqual([
      [],
      [],
      [],
      [],
      [],
      [{ field: 'mobile', message: 'This is a landline; texts need a mobile number.' }],
    ]);
  });
});

describe('mapCsv reads the address columns', () => {
  const WITH_ADDRESS = `${HEADER},address_line_1,address_line_2,address_line_3,town,postcode`;

  it('reads a UK address, blank lines dropped and the postcode written the Royal Mail way', () => {
    const entry = oneRow(
      {
        address_line_1: 'Flat 2',
        address_line_2: '12 Mill Lane',
        address_line_3: '',
        town: 'Maidstone',
        postcode: 'me141xx',
      },
      WITH_ADDRESS,
    );

    expect(entry.errors).toEqual([]);
    expect(entry.patient?.fields.address).toEqual({
      lines: ['Flat 2', '12 Mill Lane'],
      town: 'Maidstone',
      postcode: 'ME14 1XX',
    });
  });

  it('reads all five blank as no address, and names the column of a bad postcode', () => {
    expect(oneRow({}, WITH_ADDRESS).patient?.fields.address).toBeNull();
    const bad = oneRow(
      { address_line_1: '12 Mill Lane', town: 'Maidstone', postcode: 'ZZ99 3VZ' },
      WITH_ADDRESS,
    );
    expect(bad.errors).toEqual([expect.objectContaining({ field: 'postcode' })]);
  });
});

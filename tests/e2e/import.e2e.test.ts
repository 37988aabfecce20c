/**
 * Importing from the EPR as a new user would on `npm start`: the README's sample CSV and the FHIR
 * Bundle fixture, each as a dry run, then for real, then again with no change.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Booking } from '#core/model.ts';
import type { LocalRuntime } from '#local/runtime.ts';
import type { OutboxEntry } from '#messaging/outbox-sms-sender.ts';
import type { ImportReport } from '#services/import.ts';
import { type Api, api, startTestRuntime } from '#tests/support/local-runtime.ts';

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const FIXTURE_CSV = readFileSync(new URL('../fixtures/import/sample.csv', import.meta.url), 'utf8');
const BUNDLE = JSON.parse(readFileSync(new URL('../fixtures/import/bundle.json', import.meta.url), 'utf8'));

/** The CSV block of the README's "Import from the EPR" section, exactly as a reader would copy it. */
function readmeSampleCsv(): string {
  const section = README.slice(README.indexOf('## Import from the EPR'));
  const match = /```csv\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error('README has no ```csv block under "Import from the EPR"');
  return match[1];
}

let runtime: LocalRuntime;
let http: Api;

beforeAll(async () => {
  // Monday 23 November 2026, 10:00 UK time: the sample's appointments are in early December.
  runtime = await startTestRuntime('2026-11-23T10:00:00Z');
  http = api(runtime.url);
});

afterAll(async () => {
  await runtime?.stop();
});

async function postText<T>(
  path: string,
  body: string,
  contentType: string,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${runtime.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return { status: res.status, body: (await res.json()) as T };
}

const importCsv = (csv: string, query = '') => postText<ImportReport>(`/import${query}`, csv, 'text/csv');

interface ErrorBody {
  error: { code: string; message: string; fields?: { field: string; message: string }[] };
}

describe('POST /import with the README sample CSV', () => {
  it('the README sample is the fixture file', () => {
    // Act / Assess
    expect(readmeSampleCsv()).toBe(FIXTURE_CSV);
  });

  it('reports a dry run, imports for real, and then changes nothing', async () => {
    // Prepare
    const csv = readmeSampleCsv();

    // Act: dry run
    const dry = await importCsv(csv, '?dryRun=true');

    // Assess: everything planned, nothing written
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, format: 'csv', confirm: false });
    expect(dry.body.summary).toEqual({ created: 5, changed: 0, unchanged: 0, rejected: 1 });
    expect(dry.body.rows.map((r) => r.id)).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(dry.body.rows[5]).toEqual({
      row: 7,
      kind: 'appointment',
      action: 'rejected',
      errors: [{ field: 'mobile', message: 'This is a landline; texts need a mobile number.' }],
    });
    expect((await http.get<{ items: unknown[] }>('/clinics')).body.items).toEqual([]);

    // Act: for real
    const real = await importCsv(csv);

    // Assess
    expect(real.status).toBe(200);
    expect(real.body.dryRun).toBe(false);
    expect(real.body.rows.map((r) => r.action)).toEqual(dry.body.rows.map((r) => r.action));
    expect(real.body.clinicsCreated.sort()).toEqual(['oakwood', 'riverside']);
    const bookings = await http.get<{ items: Booking[] }>('/bookings?clinicId=riverside&date=2026-12-03');
    expect(bookings.body.items.map((b) => [b.startsAt, b.status, b.source])).toEqual([
      ['2026-12-03T10:00:00.000Z', 'BOOKED', 'import'],
      ['2026-12-03T11:00:00.000Z', 'BOOKED', 'import'],
      ['2026-12-03T14:00:00.000Z', 'BOOKED', 'import'],
    ]);
    const osian = await http.get<{ language: string; flags: { parentalMentalHealth: boolean } }>(
      `/clients/${real.body.rows[2]!.clientId}`,
    );
    expect(osian.body).toMatchObject({ language: 'cy', flags: { parentalMentalHealth: true } });

    // Act: the same file again
    const again = await importCsv(csv);

    // Assess
    expect(again.body.summary).toEqual({ created: 0, changed: 0, unchanged: 5, rejected: 1 });
    expect(again.body.rows.map((r) => r.id)).toEqual(real.body.rows.map((r) => r.id));
    // No confirmation texts unless ?confirm=true.
    const outbox = await http.get<{ items: OutboxEntry[] }>('/dev/sms/outbox');
    expect(outbox.body.items).toEqual([]);
  });

  it('recognises a CSV sent without a CSV content type, as curl -d sends it', async () => {
    // Prepare
    const csv =
      'source_system,clinic_id,patient_id,first_name,mobile,appointment_id,appointment_type,date,time\n' +
      'systmone,riverside,P2001,Ava,07700 900301,A9001,one-year-review,2026-12-11,09:00\n';

    // Act
    const res = await postText<ImportReport>('/import', csv, 'application/x-www-form-urlencoded');

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.summary.created).toBe(1);
  });
});

describe('POST /import with a FHIR Bundle', () => {
  it('reports a dry run, imports for real, and then changes nothing', async () => {
    // Act
    const dry = await http.post<ImportReport>('/import?dryRun=true', BUNDLE);
    const real = await http.post<ImportReport>('/import', BUNDLE);
    const again = await postText<ImportReport>('/import', JSON.stringify(BUNDLE), 'application/fhir+json');

    // Assess
    expect(dry.status).toBe(200);
    expect(dry.body).toMatchObject({ dryRun: true, format: 'fhir' });
    expect(dry.body.summary).toEqual({ created: 7, changed: 0, unchanged: 0, rejected: 0 });
    expect(real.body.summary).toEqual(dry.body.summary);
    expect(real.body.rows.map((r) => [r.kind, r.action])).toEqual([
      ['Patient', 'created'],
      ['Patient', 'created'],
      ['Slot', 'created'],
      ['Slot', 'created'],
      ['Slot', 'created'],
      ['Appointment', 'created'],
      ['Appointment', 'created'],
    ]);
    expect(real.body.ignored).toEqual(['Practitioner']);
    expect(again.body.summary).toEqual({ created: 0, changed: 0, unchanged: 7, rejected: 0 });
    const slots = await http.get<{ items: { status: string }[] }>('/slots?clinicId=harbour&date=2026-12-04');
    expect(slots.body.items.map((s) => s.status)).toEqual(['BOOKED', 'BOOKED', 'FREE']);
  });
});

describe('POST /import refuses what it cannot read', () => {
  it('answers more than 5,000 rows with a 413 saying how to split the file', async () => {
    // Prepare
    const header =
      'source_system,clinic_id,patient_id,first_name,mobile,appointment_id,appointment_type,date,time';
    const rows = Array.from(
      { length: 5001 },
      (_, i) => `systmone,riverside,P${i},Ava,07700 900301,A${i},one-year-review,2026-12-11,09:00`,
    );

    // Act
    const res = await importCsv(`${header}\n${rows.join('\n')}\n`);

    // Assess
    expect(res.status).toBe(413);
    expect(res.body).toEqual({
      error: {
        code: 'PAYLOAD_TOO_LARGE',
        message: 'The file has 5,001 rows; one import takes at most 5,000. Split it and import each part.',
      },
    });
  });

  it.each([
    {
      what: 'a header without the required columns',
      send: () => importCsv('first_name,mobile\nAva,07700 900301\n'),
      field: 'source_system',
    },
    { what: 'an empty body', send: () => importCsv(''), field: '(body)' },
    { what: 'a bad dryRun flag', send: () => importCsv('a\n', '?dryRun=maybe'), field: 'query.dryRun' },
    {
      what: 'invalid JSON',
      send: () => postText('/import', '{"resourceType":', 'application/fhir+json'),
      field: '(body)',
    },
    {
      what: 'a resource that is not a Bundle',
      send: () => http.post('/import', { resourceType: 'Patient' }),
      field: 'resourceType',
    },
    {
      what: 'a form upload',
      send: () => postText('/import', '--x\r\n\r\nbody\r\n--x--', 'multipart/form-data; boundary=x'),
      field: 'content-type',
    },
    {
      what: 'broken quoting',
      send: () =>
        importCsv(
          'source_system,clinic_id,patient_id,first_name,mobile,appointment_id,appointment_type,date,time\n"x,y\n',
        ),
      field: 'line 2',
    },
  ])('answers $what with a 400 naming the field', async ({ send, field }) => {
    // Act
    const res = (await send()) as { status: number; body: ErrorBody };

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('VALIDATION_FAILED');
    expect(res.body.error.fields?.map((f) => f.field)).toContain(field);
  });
});

describe('POST /import with the sample saved by Excel in another locale', () => {
  it('reads a semicolon-separated file with CRLF and a byte-order mark as the same file', async () => {
    // Prepare: the README sample (imported above) as Excel saves "CSV" where the list separator is ";"
    // (the sample's quoted fields hold commas, never semicolons, so they stay as they are).
    const fields = (line: string) => [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(?:,|$)/g)].map((m) => m[1]);
    const lines = readmeSampleCsv().trimEnd().split('\n');
    const width = lines[0]!.split(',').length;
    const semicolons = `\uFEFF${lines.map((l) => fields(l).slice(0, width).join(';')).join('\r\n')}\r\n`;

    // Act
    const res = await importCsv(semicolons, '?dryRun=true');

    // Assess: every row is the record already imported, and the landline row is refused as before
    expect(res.status).toBe(200);
    expect(res.body.summary).toEqual({ created: 0, changed: 0, unchanged: 5, rejected: 1 });
    expect(res.body.rows[5]?.errors).toEqual([
      { field: 'mobile', message: 'This is a landline; texts need a mobile number.' },
    ]);
  });
});

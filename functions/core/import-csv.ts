/**
 * Reads an EPR export in Attend's CSV layout: one row per appointment, with the patient and the clinic
 * on the same row. Every bad cell becomes an issue naming its column, so a scheduler can fix the row in
 * the spreadsheet; the other rows are unaffected.
 */
import {
  CsvSyntaxError,
  detectSeparator,
  isBlankRecord,
  parseCsv,
  type Separator,
  separatorName,
} from './csv.ts';
import { parseDate } from './dates.ts';
import { CSV_LABELS, KNOWN, normaliseHeader, REQUIRED, whatWasRead } from './import-csv-columns.ts';
import {
  type AppointmentInput,
  badCharacters,
  type ClinicInput,
  checkSourcePart,
  type ImportBatch,
  type ImportContext,
  type ImportEntry,
  type Issue,
  MAX_IMPORT_ROWS,
  type MapResult,
  type PatientFields,
  parseFlag,
  parseLanguage,
  resolveAppointmentType,
  unknownTypeMessage,
} from './import-model.ts';
import { localToUtc } from './local-time.ts';
import { parseNhsNumber } from './nhs-number.ts';
import { normaliseMobile } from './phone.ts';
import { postalAddressFromParts } from './postal-address.ts';

export { CSV_COLUMNS, CSV_LABELS, type CsvColumn } from './import-csv-columns.ts';

const CLINIC_ID = /^[A-Za-z0-9._-]{1,64}$/;
const TIME = /^(\d{1,2}):(\d{2})(?::00)?$/;

export function mapCsv(text: string, ctx: ImportContext): MapResult {
  const separator = detectSeparator(text, (c) => KNOWN.has(normaliseHeader(c)));
  let records: ReturnType<typeof parseCsv>;
  try {
    records = parseCsv(text, { separator });
  } catch (err) {
    if (err instanceof CsvSyntaxError) {
      return {
        ok: false,
        message: 'The CSV file cannot be read',
        errors: [{ field: `line ${err.line}`, message: err.message.replace(/^Line \d+: /, '') }],
      };
    }
    throw err;
  }
  const headerIndex = records.findIndex((r) => !isBlankRecord(r));
  const header = records[headerIndex];
  if (!header) {
    return {
      ok: false,
      message: 'The CSV file is empty',
      errors: [{ field: '(header)', message: 'expected a header row naming the columns' }],
    };
  }

  const columns = header.fields.map(normaliseHeader);
  const fileErrors: Issue[] = [];
  const seen = new Set<string>();
  for (const c of columns) {
    if (c !== '' && seen.has(c)) fileErrors.push({ field: c, message: 'this column appears twice' });
    seen.add(c);
  }
  for (const required of REQUIRED) {
    if (!seen.has(required)) fileErrors.push({ field: required, message: 'this required column is missing' });
  }
  if (fileErrors.length > 0) {
    fileErrors.push(whatWasRead(header.fields, separator));
    return { ok: false, message: 'The CSV header is not as documented', errors: fileErrors };
  }

  const data = records.map((r, i) => ({ record: r, row: i + 1 })).slice(headerIndex + 1);
  const rows = data.filter((d) => !isBlankRecord(d.record));
  if (rows.length > MAX_IMPORT_ROWS) {
    return {
      ok: false,
      message: `The file has ${rows.length.toLocaleString('en-GB')} rows; one import takes at most ${MAX_IMPORT_ROWS.toLocaleString('en-GB')}. Split it and import each part.`,
      errors: [],
      tooMany: rows.length,
    };
  }

  const entries: ImportEntry[] = [];
  const clinics = new Map<string, ClinicInput>();
  // Working out a local time through the time zone takes most of a millisecond. On a day without a
  // clock change the offset is the same all day, so it is worked out once per day; only the two
  // change days go through localToUtc for each time (which refuses a time the clocks skip).
  const offsets = new Map<string, number | undefined>();
  const wall = (date: string, time: string) => Date.parse(`${date}T${time}:00.000Z`);
  const offsetOf = (date: string, time: string) =>
    wall(date, time) - Date.parse(localToUtc(date, time, ctx.timeZone));
  const toUtc = (date: string, time: string): { startsAt: string } | { error: string } => {
    if (!offsets.has(date)) {
      let offset: number | undefined;
      try {
        const [early, late] = [offsetOf(date, '00:00'), offsetOf(date, '23:59')];
        offset = early === late ? early : undefined;
      } catch {
        // A zone whose clocks skip midnight: every time of that day takes the careful path.
      }
      offsets.set(date, offset);
    }
    const offset = offsets.get(date);
    if (offset !== undefined) return { startsAt: new Date(wall(date, time) - offset).toISOString() };
    try {
      return { startsAt: localToUtc(date, time, ctx.timeZone) };
    } catch (err) {
      return { error: (err as Error).message };
    }
  };
  for (const { record, row } of rows) {
    const entry = mapRow(record.fields, columns, ctx, toUtc, separator);
    entries.push({ origin: { row }, kind: 'appointment', ...entry });
    if (entry.errors.length === 0 && entry.appointment && 'fields' in entry.appointment.slot) {
      const id = entry.appointment.slot.fields.clinicId;
      const clinic = clinics.get(id) ?? { id };
      clinic.name ??= entry.clinic?.name;
      clinic.venue ??= entry.clinic?.venue;
      clinics.set(id, clinic);
    }
  }

  const batch: ImportBatch = {
    format: 'csv',
    entries,
    clinics: [...clinics.values()],
    labels: CSV_LABELS,
    ignored: [...new Set(columns.filter((c) => c !== '' && !KNOWN.has(c)))],
  };
  return { ok: true, batch };
}

interface RowResult {
  errors: Issue[];
  patient?: ImportEntry['patient'];
  appointment?: AppointmentInput;
  clinic?: { name?: string; venue?: string };
}

function mapRow(
  fields: string[],
  columns: string[],
  ctx: ImportContext,
  toUtc: (date: string, time: string) => { startsAt: string } | { error: string },
  separator: Separator,
): RowResult {
  const errors: Issue[] = [];
  if (fields.length !== columns.length) {
    return {
      errors: [
        {
          field: '(row)',
          message: `has ${fields.length} fields but the header has ${columns.length}; check for an unquoted ${separatorName(separator, true)}`,
        },
      ],
    };
  }
  const cells = new Map<string, string>();
  columns.forEach((c, i) => {
    if (c !== '' && KNOWN.has(c)) cells.set(c, fields[i] ?? '');
  });
  const has = (c: string) => cells.has(c);
  const fail = (field: string, message: string) => {
    errors.push({ field, message });
    return undefined;
  };
  const cell = (c: string): string => {
    const raw = cells.get(c) ?? '';
    const bad = badCharacters(raw);
    if (bad) fail(c, bad);
    return raw.trim();
  };
  const required = (c: string): string | undefined => {
    const v = cell(c);
    return v === '' ? fail(c, 'is required') : v;
  };
  const text = (c: string, max: number): string | undefined => {
    const v = cell(c);
    return v.length > max ? fail(c, `is longer than ${max} characters`) : v;
  };
  const sourcePart = (c: string, max: number): string | undefined => {
    const v = cell(c);
    const problem = checkSourcePart(v, max);
    return problem ? fail(c, problem) : v;
  };

  // Source systems are compared without case: "SystmOne" and "systmone" are the same EPR.
  const system = sourcePart('source_system', 200)?.toLowerCase();
  const clinicId = required('clinic_id');
  if (clinicId !== undefined && !CLINIC_ID.test(clinicId)) {
    fail('clinic_id', 'expected letters, digits, dots and dashes (at most 64)');
  }
  const clinicName = has('clinic_name') ? text('clinic_name', 120) : undefined;
  const venue = has('venue') ? text('venue', 40) : undefined;

  const patientId = sourcePart('patient_id', 128);
  const firstName = required('first_name');
  if (firstName && firstName.length > 40) fail('first_name', 'is longer than 40 characters');
  const patient: Partial<PatientFields> = {};
  if (has('family_name')) patient.familyName = text('family_name', 60);
  if (has('nhs_number')) {
    const v = cell('nhs_number');
    const nhs = v === '' ? undefined : parseNhsNumber(v);
    if (!nhs) patient.nhsNumber = null;
    else if (nhs.ok) patient.nhsNumber = nhs.nhsNumber;
    else fail('nhs_number', nhs.message);
  }

  // The mobile may be blank: a family with none gets letters (or a call) instead; see below.
  const mobile = has('mobile') ? cell('mobile') : '';
  if (mobile !== '') {
    const phone = normaliseMobile(mobile, ctx.allowedCountries);
    if (phone.ok) patient.phone = phone.e164;
    else fail('mobile', phone.reason);
  }
  if (has('language')) {
    const v = cell('language');
    if (v !== '') {
      const language = parseLanguage(v);
      if (language) patient.language = language;
      else fail('language', 'expected a language code such as "en", "cy", "pl" or "ro"');
    }
  }
  for (const [column, field] of [
    ['date_of_birth', 'dateOfBirth'],
    ['due_date', 'dueDate'],
  ] as const) {
    if (!has(column)) continue;
    const v = cell(column);
    if (v === '') {
      patient[field] = null;
      continue;
    }
    const date = parseDate(v, { uk: true });
    if (date.ok) patient[field] = date.date;
    else fail(column, date.message);
  }
  if (has('imd_decile')) {
    const v = cell('imd_decile');
    if (v === '') patient.imdDecile = null;
    else if (/^(10|[1-9])$/.test(v)) patient.imdDecile = Number(v);
    else fail('imd_decile', 'expected a whole number from 1 (most deprived) to 10');
  }
  for (const [column, field] of [
    ['needs_carer', 'needsCarer'],
    ['parental_mental_health', 'parentalMentalHealth'],
    ['vulnerable', 'vulnerable'],
    ['do_not_text', 'doNotText'],
  ] as const) {
    if (!has(column)) continue;
    const flag = parseFlag(cell(column));
    if (flag === undefined) fail(column, 'expected yes or no (or true/false, 1/0, blank for no)');
    else patient[field] = flag;
  }
  if (has('named_health_visitor')) {
    const v = text('named_health_visitor', 120);
    if (v !== undefined) patient.namedHealthVisitor = v === '' ? null : v;
  }
  const addressColumns = ['address_line_1', 'address_line_2', 'address_line_3', 'town', 'postcode'] as const;
  if (addressColumns.some(has)) {
    const part = (c: (typeof addressColumns)[number]) => (has(c) ? cell(c) : undefined);
    const address = postalAddressFromParts({
      line1: part('address_line_1'),
      line2: part('address_line_2'),
      line3: part('address_line_3'),
      town: part('town'),
      postcode: part('postcode'),
    });
    if (address === undefined) patient.address = null;
    else if (address.success) patient.address = address.data;
    else {
      const issue = address.error.issues[0]!;
      const column = issue.path[0] === 'lines' ? 'address_line_1' : String(issue.path[0]);
      fail(column, issue.message);
    }
  }
  // With neither a mobile nor an address nothing can reach the family: most likely a fault in the export.
  if (mobile === '' && !addressColumns.some((c) => has(c) && cell(c) !== '')) {
    fail('mobile', 'needs a mobile number, or a postal address (address_line_1, town, postcode) for letters');
  }

  const appointmentId = sourcePart('appointment_id', 128);
  const typeText = required('appointment_type');
  let type: string | undefined;
  if (typeText !== undefined) {
    type = resolveAppointmentType(typeText, ctx.appointmentTypes);
    if (!type) fail('appointment_type', unknownTypeMessage(typeText, ctx.appointmentTypes));
  }
  const dateText = required('date');
  const date = dateText === undefined ? undefined : parseDate(dateText, { uk: true });
  if (date && !date.ok) fail('date', date.message);
  const timeText = required('time');
  const timeMatch = timeText === undefined ? null : TIME.exec(timeText);
  let time: string | undefined;
  if (timeText !== undefined) {
    const [h, m] = [Number(timeMatch?.[1]), Number(timeMatch?.[2])];
    if (!timeMatch || h > 23 || m > 59) fail('time', 'expected a 24-hour local time as HH:MM');
    else time = `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
  }
  let startsAt: string | undefined;
  if (date?.ok && time) {
    const utc = toUtc(date.date, time);
    if ('startsAt' in utc) startsAt = utc.startsAt;
    else fail('time', utc.error);
  }
  let durationMinutes = type ? ctx.appointmentTypes[type]?.durationMinutes : undefined;
  if (has('duration_minutes')) {
    const v = cell('duration_minutes');
    if (v !== '') {
      if (/^\d{1,3}$/.test(v) && Number(v) >= 5 && Number(v) <= 480) durationMinutes = Number(v);
      else fail('duration_minutes', 'expected whole minutes from 5 to 480');
    }
  }
  let status: 'booked' | 'cancelled' = 'booked';
  if (has('status')) {
    const v = cell('status').toLowerCase();
    if (v === 'cancelled' || v === 'canceled') status = 'cancelled';
    else if (v !== '' && v !== 'booked') fail('status', 'expected booked or cancelled');
  }

  if (errors.length > 0) return { errors };
  const key = (id: string) => ({ system: system!, id });
  return {
    errors,
    patient: { key: key(patientId!), fields: { ...patient, firstName: firstName! } },
    appointment: {
      key: key(appointmentId!),
      patient: key(patientId!),
      status,
      slot: {
        fields: { clinicId: clinicId!, type: type!, startsAt: startsAt!, durationMinutes: durationMinutes! },
      },
    },
    clinic: { name: clinicName || undefined, venue: venue || undefined },
  };
}

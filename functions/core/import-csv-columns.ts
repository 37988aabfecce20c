/** The columns of Attend's CSV layout (README, "Import from the EPR"), and how a header is read. */
import { type Separator, separatorName } from './csv.ts';
import type { Issue } from './import-model.ts';

export interface CsvColumn {
  name: string;
  required: boolean;
  meaning: string;
}

/** The columns, in the order the README documents them. Header names ignore case, spaces and dashes. */
export const CSV_COLUMNS: readonly CsvColumn[] = [
  { name: 'source_system', required: true, meaning: 'the EPR the ids come from, e.g. `systmone`' },
  { name: 'clinic_id', required: true, meaning: "the clinic's id in Attend" },
  { name: 'clinic_name', required: false, meaning: 'with `venue`: creates the clinic if Attend has none' },
  { name: 'venue', required: false, meaning: 'the venue as texts name it (≤ 40 characters)' },
  { name: 'patient_id', required: true, meaning: "the patient's id in the EPR" },
  { name: 'nhs_number', required: false, meaning: 'the NHS number, 10 digits (spaces allowed)' },
  { name: 'first_name', required: true, meaning: "the child's (or expectant parent's) first name" },
  { name: 'family_name', required: false, meaning: 'family name' },
  {
    name: 'mobile',
    required: false,
    meaning: 'the mobile texts go to; may be blank when the row has a postal address (letters instead)',
  },
  { name: 'language', required: false, meaning: 'language code, e.g. `en`, `cy`, `pl`, `ro`' },
  { name: 'date_of_birth', required: false, meaning: 'yyyy-mm-dd' },
  { name: 'due_date', required: false, meaning: 'expected date of delivery, yyyy-mm-dd' },
  { name: 'imd_decile', required: false, meaning: '1 (most deprived) to 10' },
  { name: 'needs_carer', required: false, meaning: 'yes/no' },
  { name: 'parental_mental_health', required: false, meaning: 'yes/no' },
  { name: 'vulnerable', required: false, meaning: 'yes/no (vulnerable or safeguarding)' },
  { name: 'do_not_text', required: false, meaning: 'yes/no' },
  { name: 'named_health_visitor', required: false, meaning: 'who follows up a child not brought' },
  { name: 'address_line_1', required: false, meaning: 'the postal address for letters: first line' },
  { name: 'address_line_2', required: false, meaning: 'second line (optional)' },
  { name: 'address_line_3', required: false, meaning: 'third line (optional)' },
  { name: 'town', required: false, meaning: 'post town' },
  {
    name: 'postcode',
    required: false,
    meaning: 'UK postcode; all five address columns blank means no address',
  },
  { name: 'appointment_id', required: true, meaning: "the appointment's id in the EPR" },
  {
    name: 'appointment_type',
    required: true,
    meaning: "a type id from the trust's config, or its English name",
  },
  { name: 'date', required: true, meaning: 'local date, yyyy-mm-dd' },
  { name: 'time', required: true, meaning: 'local start time, HH:MM (24-hour)' },
  { name: 'duration_minutes', required: false, meaning: "5–480; default: the type's duration" },
  { name: 'status', required: false, meaning: '`booked` (default) or `cancelled`' },
];

export const CSV_LABELS: Record<string, string> = {
  firstName: 'first_name',
  familyName: 'family_name',
  nhsNumber: 'nhs_number',
  phone: 'mobile',
  language: 'language',
  dateOfBirth: 'date_of_birth',
  dueDate: 'due_date',
  namedHealthVisitor: 'named_health_visitor',
  imdDecile: 'imd_decile',
  needsCarer: 'needs_carer',
  parentalMentalHealth: 'parental_mental_health',
  vulnerable: 'vulnerable',
  doNotText: 'do_not_text',
  address: 'address_line_1/town/postcode',
  patient: 'patient_id',
  clinicId: 'clinic_id',
  type: 'appointment_type',
  startsAt: 'date/time',
  durationMinutes: 'duration_minutes',
  status: 'status',
  slot: 'date/time',
};

export const KNOWN = new Set(CSV_COLUMNS.map((c) => c.name));
export const REQUIRED = CSV_COLUMNS.filter((c) => c.required).map((c) => c.name);

export const normaliseHeader = (h: string) =>
  h
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');

/**
 * What the header row was read as, for a header that does not match: a file saved with another
 * separator, or without a header row, is then plain to see.
 */
export function whatWasRead(header: readonly string[], separator: Separator): Issue {
  const shown = header.slice(0, 30).map((h) => {
    const name = h.trim();
    return `"${name.length > 40 ? `${name.slice(0, 40)}…` : name}"`;
  });
  const more = header.length > 30 ? ` and ${header.length - 30} more` : '';
  const count = `${header.length} ${header.length === 1 ? 'column' : 'columns'}`;
  return {
    field: '(header)',
    message: `read ${count} separated by ${separatorName(separator)}: ${shown.join(', ')}${more}`,
  };
}

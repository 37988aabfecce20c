/**
 * What an EPR import says, once a CSV file or a FHIR Bundle has been read: patients, slots and
 * appointments keyed by the source system and the source's own id, already normalised (E.164 mobile,
 * UTC instants, the trust's appointment type ids) and checked field by field.
 *
 * A field a source does not give is left out (undefined) and is never changed by the import; a field
 * given empty (`null`) clears the value. So a file without an `imd_decile` column leaves each family's
 * decile as it is, while a blank cell in that column removes it.
 */

import { createHash } from 'node:crypto';
import type { AppointmentTypeConfig } from '#core/config/appointment-types.ts';
import type { PostalAddress } from './postal-address.ts';
import { stableJson } from './stable-json.ts';

export const MAX_IMPORT_ROWS = 5000;

export interface Issue {
  field: string;
  message: string;
}

/** Where a record sits in the source: the kind of record, the system that issued its id, and the id. */
export type SourceKind = 'Patient' | 'Slot' | 'Appointment';
export interface SourceKey {
  system: string;
  id: string;
}

export function sourceKeyString(kind: SourceKind, key: SourceKey): string {
  return `${kind}|${key.system}|${key.id}`;
}

export interface PatientFields {
  firstName: string;
  /** The family's mobile; absent when the row has none (letters or a call instead). */
  phone?: string;
  /** 10 digits, checked (nhs-number.ts). */
  nhsNumber?: string | null;
  familyName?: string;
  language?: string;
  dateOfBirth?: string | null;
  dueDate?: string | null;
  namedHealthVisitor?: string | null;
  imdDecile?: number | null;
  needsCarer?: boolean;
  parentalMentalHealth?: boolean;
  vulnerable?: boolean;
  doNotText?: boolean;
  /** The postal address for letters; null when the source says there is none. */
  address?: PostalAddress | null;
}
export type PatientField = keyof PatientFields;

export interface PatientInput {
  key: SourceKey;
  fields: PatientFields;
}

export interface SlotFields {
  clinicId: string;
  type: string;
  /** UTC ISO instant. */
  startsAt: string;
  durationMinutes: number;
}

export interface SlotInput {
  key: SourceKey;
  fields: SlotFields;
  /** False for a slot the source marks unavailable (FHIR busy-unavailable or entered-in-error). */
  bookable: boolean;
  /** FHIR Slot.status as given, for notes. */
  sourceStatus: string;
}

export interface AppointmentInput {
  key: SourceKey;
  patient: SourceKey;
  status: 'booked' | 'cancelled';
  /** A FHIR appointment names a Slot; a CSV row carries its slot's details itself. */
  slot: { key: SourceKey } | { fields: SlotFields };
}

/** A clinic the source names; created when Attend has no clinic with that id and a name and venue are given. */
export interface ClinicInput {
  id: string;
  name?: string;
  venue?: string;
}

export type EntryOrigin = { row: number } | { resource: string };

/** One row of a CSV file, or one resource of a Bundle, with what it says or why it cannot be read. */
export interface ImportEntry {
  origin: EntryOrigin;
  kind: 'appointment' | SourceKind;
  errors: Issue[];
  patient?: PatientInput;
  slot?: SlotInput;
  appointment?: AppointmentInput;
}

export interface ImportBatch {
  format: 'csv' | 'fhir';
  entries: ImportEntry[];
  clinics: ClinicInput[];
  /** How the source names each field, so reports speak the source's language ("mobile", "telecom"). */
  labels: Record<string, string>;
  /** CSV columns or FHIR resource types that Attend does not import. */
  ignored: string[];
}

export interface ImportContext {
  appointmentTypes: Record<string, Pick<AppointmentTypeConfig, 'names' | 'durationMinutes'>>;
  allowedCountries: readonly string[];
  timeZone: string;
}

/** A batch that cannot be read at all (no header, a missing column, not a Bundle): nothing is imported. */
export type MapResult =
  | { ok: true; batch: ImportBatch }
  | { ok: false; message: string; errors: Issue[]; tooMany?: number };

/**
 * A stable digest of what the source said about one record, stored beside the record's Attend id. When
 * a re-import says exactly the same thing the record is left alone, whatever Attend has done since (a
 * parent cancelling by text, an outcome recorded), which is what makes importing the same file twice
 * change nothing.
 */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(stableJson(value)).digest('base64url').slice(0, 27);
}

/**
 * The trust's appointment type named by `value`: its id ("six-to-eight-week-review") or its English
 * name ("6-8 week baby review"), in any case and spacing.
 */
export function resolveAppointmentType(
  value: string,
  types: ImportContext['appointmentTypes'],
): string | undefined {
  const wanted = squash(value);
  if (wanted === '') return undefined;
  for (const [id, type] of Object.entries(types)) {
    if (squash(id) === wanted || squash(type.names.en ?? '') === wanted) return id;
  }
  return undefined;
}

const squash = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-');

export function unknownTypeMessage(value: string, types: ImportContext['appointmentTypes']): string {
  return `unknown appointment type "${value.slice(0, 60)}"; use one of: ${Object.keys(types).join(', ')}`;
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', '']);

/** yes/no in the ways spreadsheets write it; an empty cell is no. */
export function parseFlag(value: string): boolean | undefined {
  const text = value.trim().toLowerCase();
  if (TRUE_WORDS.has(text)) return true;
  if (FALSE_WORDS.has(text)) return false;
  return undefined;
}

/** A language tag's primary language, lower-case ("en-GB" → "en"); undefined when it is not one. */
export function parseLanguage(value: string): string | undefined {
  const primary = value.trim().split(/[-_]/)[0]?.toLowerCase() ?? '';
  return /^[a-z]{2,3}$/.test(primary) ? primary : undefined;
}

/** Control characters, or U+FFFD left where a Windows-1252 file was read as UTF-8. */
export function badCharacters(value: string): string | undefined {
  if (value.includes('\uFFFD')) {
    return 'has characters that could not be read; save the file as "CSV UTF-8"';
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused
  if (/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/.test(value)) return 'has control characters';
  return undefined;
}

/** A source system or id: 1–128 printable characters (system up to 200). */
export function checkSourcePart(value: string, max: number): string | undefined {
  if (value === '') return 'is required';
  if (value.length > max) return `is longer than ${max} characters`;
  return badCharacters(value);
}

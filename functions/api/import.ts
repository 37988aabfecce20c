import * as z from 'zod';
import { bodyNotJson, PayloadTooLargeError, ValidationError } from '#core/errors.ts';
import { mapCsv } from '#core/import-csv.ts';
import { mapFhir } from '#core/import-fhir.ts';
import type { ImportContext } from '#core/import-model.ts';
import { type ImportReport, runImport } from '#services/import.ts';
import { ADMINS } from './access.ts';
import { actedBy, defineRoute } from './route.ts';

const flag = z
  .enum(['true', 'false'], { error: 'expected true or false' })
  .default('false')
  .transform((v) => v === 'true');

export const importQuery = z.object({
  /** Report what would be created, changed or rejected, and write nothing. */
  dryRun: flag,
  /** Text a confirmation for each new booking (default: no; the EPR has already told the family). */
  confirm: flag,
  /** Overrides the Content-Type. */
  format: z.enum(['csv', 'fhir']).optional(),
});

/** `application/vnd.ms-excel` is what Windows labels a .csv file with (an .xls is refused as not text). */
const CSV_TYPES = ['text/csv', 'application/csv', 'text/comma-separated-values', 'application/vnd.ms-excel'];
const JSON_TYPES = ['application/json', 'application/fhir+json'];

/** CSV or FHIR by Content-Type; a body sent without a meaningful one (curl's default) is recognised by its first character. */
export function importFormat(contentType: string | null, body: string): 'csv' | 'fhir' {
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type.startsWith('multipart/')) {
    throw new ValidationError('Send the file as the request body, not as a form upload', [
      { field: 'content-type', message: 'e.g. curl --data-binary @file.csv -H "content-type: text/csv"' },
    ]);
  }
  if (CSV_TYPES.includes(type)) return 'csv';
  if (JSON_TYPES.includes(type)) return 'fhir';
  if (!VAGUE_TYPES.includes(type)) {
    throw new ValidationError(`The import reads CSV or a FHIR Bundle (JSON), not ${type}`, [
      { field: 'content-type', message: ACCEPTED },
    ]);
  }
  return body.trimStart().startsWith('{') ? 'fhir' : 'csv';
}

const ACCEPTED = 'send a CSV file (text/csv) or a FHIR R4 Bundle (application/fhir+json or application/json)';

/** What a client sends when it says nothing of the format (curl's default, a browser's unknown file). */
const VAGUE_TYPES = ['', 'text/plain', 'application/octet-stream', 'application/x-www-form-urlencoded'];

/**
 * Refuses a file that is neither CSV nor JSON whatever it was sent as: bytes that are not text (an
 * image, a spreadsheet or a zip has NULs near its start; a PDF starts %PDF-) or markup (XML, HTML).
 * Characters UTF-8 could not decode alone are not enough: a CSV saved in Windows-1252 has them.
 */
export function refuseNotImportable(body: string): void {
  const start = body.slice(0, 4096);
  const what =
    start.includes('\u0000') || start.startsWith('%PDF-')
      ? 'it is not text (an image, a spreadsheet or a PDF?)'
      : start.trimStart().startsWith('<')
        ? 'it is XML or HTML'
        : undefined;
  if (what) {
    throw new ValidationError('The file is not a CSV file or a FHIR Bundle (JSON)', [
      { field: '(body)', message: `${what}: ${ACCEPTED}` },
    ]);
  }
}

const importRowSchema = z.object({
  row: z.number().int().optional(),
  resource: z.string().optional(),
  kind: z.enum(['appointment', 'Patient', 'Slot', 'Appointment']),
  action: z.enum(['created', 'changed', 'unchanged', 'rejected']),
  id: z.string().optional(),
  clientId: z.string().optional(),
  slotId: z.string().optional(),
  changes: z.array(z.string()).optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  notes: z.array(z.string()).optional(),
});

const importReportSchema = z.object({
  dryRun: z.boolean(),
  format: z.enum(['csv', 'fhir']),
  confirm: z.boolean(),
  summary: z.object({
    created: z.number().int(),
    changed: z.number().int(),
    unchanged: z.number().int(),
    rejected: z.number().int(),
  }),
  rows: z.array(importRowSchema),
  clinicsCreated: z.array(z.string()),
  ignored: z.array(z.string()),
  warnings: z.array(z.string()),
}) satisfies z.ZodType<ImportReport>;

const FHIR_BUNDLE = {
  type: 'object',
  description: 'A FHIR R4 Bundle; Patient, Slot and Appointment entries are imported, others are ignored',
  properties: {
    resourceType: { const: 'Bundle' },
    entry: { type: 'array', items: { type: 'object', properties: { resource: { type: 'object' } } } },
  },
  required: ['resourceType'],
};

export const importRoutes = [
  defineRoute({
    id: 'importFromEpr',
    method: 'POST',
    path: '/import',
    tag: 'import',
    summary: 'Import clinics, families and appointments from an EPR export (CSV or a FHIR R4 Bundle)',
    description:
      'Idempotent: records are keyed by source system and source id. Bad rows are reported one by one and ' +
      'the good rows still import. Up to 5,000 rows a call. See the README, "Import from the EPR".',
    roles: ADMINS,
    query: importQuery,
    rawBody: {
      description: "CSV in Attend's layout, or a FHIR R4 Bundle of Patient, Slot and Appointment resources",
      content: {
        'text/csv': { schema: { type: 'string' } },
        'application/fhir+json': { schema: FHIR_BUNDLE },
        'application/json': { schema: FHIR_BUNDLE },
      },
    },
    response: {
      status: 200,
      name: 'ImportReport',
      schema: importReportSchema,
      description: 'What was (or on a dry run, would be) created, changed or rejected',
    },
    errors: [400, 413],
    /** Imports an EPR export: CSV in Attend's layout, or a FHIR R4 Bundle. See the README, "Import from the EPR". */
    handler: async ({ deps, query, raw, caller }) => {
      const context: ImportContext = {
        appointmentTypes: deps.config.appointmentTypes,
        allowedCountries: deps.config.allowedCountries,
        timeZone: deps.config.timeZone,
      };
      const text = raw?.text ?? '';
      if (text.trim() === '') {
        throw new ValidationError('The request body is empty', [
          { field: '(body)', message: 'send a CSV file (text/csv) or a FHIR Bundle (application/fhir+json)' },
        ]);
      }
      const format = query.format ?? importFormat(raw?.contentType ?? null, text);
      refuseNotImportable(text);
      let mapped: ReturnType<typeof mapCsv>;
      if (format === 'csv') {
        mapped = mapCsv(text, context);
      } else {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch {
          throw bodyNotJson('expected a FHIR Bundle');
        }
        mapped = mapFhir(parsed, context);
      }
      if (!mapped.ok) {
        if (mapped.tooMany) throw new PayloadTooLargeError(mapped.message);
        throw new ValidationError(mapped.message, mapped.errors);
      }
      return runImport(deps, mapped.batch, {
        dryRun: query.dryRun,
        confirm: query.confirm,
        by: actedBy(caller),
      });
    },
  }),
] as const;

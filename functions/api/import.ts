import * as z from 'zod';
import { PayloadTooLargeError, ValidationError } from '#core/errors.ts';
import { mapCsv } from '#core/import-csv.ts';
import { mapFhir } from '#core/import-fhir.ts';
import type { ImportContext } from '#core/import-model.ts';
import { json, MAX_BODY_BYTES, readQuery } from '#runtime/http.ts';
import { runImport } from '#services/import.ts';
import { callerOf, type RegisterRoutes } from './context.ts';

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

const CSV_TYPES = ['text/csv', 'application/csv', 'text/comma-separated-values'];
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
  return body.trimStart().startsWith('{') ? 'fhir' : 'csv';
}

export const registerImportRoutes: RegisterRoutes = (router, deps) => {
  const context: ImportContext = {
    appointmentTypes: deps.config.appointmentTypes,
    allowedCountries: deps.config.allowedCountries,
    timeZone: deps.config.timeZone,
  };

  /** Imports an EPR export: CSV in Attend's layout, or a FHIR R4 Bundle. See the README, "Import from the EPR". */
  router.post('/import', async ({ req, event }) => {
    const query = readQuery(req, importQuery);
    const text = await req.text();
    if (Buffer.byteLength(text, 'utf8') > MAX_BODY_BYTES) {
      throw new PayloadTooLargeError('Request body is larger than 1 MB; split the file and import each part');
    }
    if (text.trim() === '') {
      throw new ValidationError('The request body is empty', [
        { field: '(body)', message: 'send a CSV file (text/csv) or a FHIR Bundle (application/fhir+json)' },
      ]);
    }
    const format = query.format ?? importFormat(req.headers.get('content-type'), text);
    let mapped: ReturnType<typeof mapCsv>;
    if (format === 'csv') {
      mapped = mapCsv(text, context);
    } else {
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        throw new ValidationError('Request body is not valid JSON', [
          { field: '(body)', message: 'expected a FHIR Bundle' },
        ]);
      }
      mapped = mapFhir(raw, context);
    }
    if (!mapped.ok) {
      if (mapped.tooMany) throw new PayloadTooLargeError(mapped.message);
      throw new ValidationError(mapped.message, mapped.errors);
    }
    const report = await runImport(deps, mapped.batch, {
      dryRun: query.dryRun,
      confirm: query.confirm,
      by: callerOf(event),
    });
    return json(200, report);
  });
};

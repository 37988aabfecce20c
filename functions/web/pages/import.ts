/**
 * `/staff/import` (administrators): upload an EPR export (CSV or a FHIR R4 Bundle) as a plain multipart
 * form; the page runs `POST /import?dryRun=true` on it and shows the row report (created, changed,
 * unchanged, rejected with the reasons), then a confirm button that runs the same file for real. The
 * file waits in the table between the two steps for the person who uploaded it
 * (store/import-uploads.ts), because a form cannot carry a 1 MB file back. Both steps are the route's
 * own call (`page.invoke('importFromEpr', …)`), with its permission check and audit.
 */
import { randomUUID } from 'node:crypto';
import type { ImportReport } from '#services/import.ts';
import { deleteImportUpload, readImportUpload, saveImportUpload } from '#store/import-uploads.ts';
import { errorStatus, type PageContext, type RegisterPages } from '#web/router.ts';

const ACCESS = ['admin'] as const;

const ACTIONS: Readonly<Record<string, string>> = {
  created: 'Created',
  changed: 'Changed',
  unchanged: 'Unchanged',
  rejected: 'Rejected',
};

/** The Content-Type the route reads the format from: by the file's name, else by its first character. */
function contentTypeOf(filename: string, mimeType: string): string | null {
  const name = filename.toLowerCase();
  if (name.endsWith('.csv')) return 'text/csv';
  if (name.endsWith('.json')) return 'application/fhir+json';
  if (mimeType === 'text/csv' || mimeType === 'application/json') return mimeType;
  return null;
}

function reportView(report: ImportReport) {
  const what = (row: ImportReport['rows'][number]) =>
    row.row !== undefined ? `Row ${row.row}` : (row.resource ?? row.kind);
  return {
    dryRun: report.dryRun,
    format: report.format === 'csv' ? 'CSV' : 'FHIR Bundle',
    summary: report.summary,
    rows: report.rows.map((row) => ({
      what: what(row),
      kind: row.kind === 'appointment' ? 'Appointment' : row.kind,
      action: ACTIONS[row.action] ?? row.action,
      rejected: row.action === 'rejected',
      detail: [
        ...(row.errors ?? []).map((e) => `${e.field}: ${e.message}`),
        ...(row.changes?.length ? [`Changed: ${row.changes.join(', ')}`] : []),
        ...(row.notes ?? []),
      ],
    })),
    clinicsCreated: report.clinicsCreated,
    ignored: report.ignored,
    warnings: report.warnings,
  };
}

export const registerImportPages: RegisterPages = (router, deps) => {
  const uploadError = (page: PageContext, message: string, status = 400) =>
    page.render(
      'pages/import.njk',
      { errors: [{ text: message, href: '#file' }], fileError: message },
      { status },
    );

  router.page({
    method: 'GET',
    path: '/staff/import',
    summary: 'Upload an EPR export (CSV or FHIR Bundle): a dry run first, then confirm',
    access: ACCESS,
    nav: { label: 'Import', order: 70 },
    handler: (page) => page.render('pages/import.njk', {}),
  });

  router.page({
    method: 'POST',
    path: '/staff/import/check',
    summary: 'Dry-runs an uploaded EPR export and shows the row report (POST /import?dryRun=true)',
    access: ACCESS,
    handler: async (page) => {
      const file = page.form?.files[0];
      if (!file || file.bytes.length === 0)
        return uploadError(page, 'Select a CSV file or a FHIR Bundle to import');
      const contentType = contentTypeOf(file.filename, file.mimeType);
      const result = await page.invoke('importFromEpr', {
        query: { dryRun: 'true' },
        raw: { text: file.bytes.toString('utf8'), contentType },
      });
      if (!result.ok) {
        if (result.status === 403) return errorStatus(403);
        const reasons = (result.error.fields ?? []).map((f) => `${f.field}: ${f.message}`);
        return page.render(
          'pages/import.njk',
          {
            errors: [{ text: result.error.message, href: '#file' }],
            fileError: result.error.message,
            reasons,
            filename: file.filename,
          },
          { status: result.status === 413 ? 413 : 400 },
        );
      }
      const upload = await saveImportUpload(deps.store, {
        id: randomUUID(),
        subject: page.staff!.subject,
        filename: file.filename,
        contentType,
        bytes: file.bytes,
        now: deps.now(),
      });
      return page.render('pages/import-report.njk', {
        filename: file.filename,
        report: reportView(result.body),
        uploadId: upload.id,
        importable: result.body.summary.created + result.body.summary.changed > 0,
      });
    },
  });

  router.page({
    method: 'POST',
    path: '/staff/import/confirm',
    summary: 'Imports the file the dry run was shown for (POST /import)',
    access: ACCESS,
    handler: async (page) => {
      const id = page.form?.fields.get('upload') ?? '';
      const found = /^[0-9a-f-]{36}$/.test(id)
        ? await readImportUpload(deps.store, id, deps.now())
        : undefined;
      // Someone else's upload is as good as none: only the person who checked it may confirm it.
      if (!found || found.upload.subject !== page.staff!.subject) {
        return uploadError(
          page,
          'That upload has expired or was already imported: upload the file again',
          410,
        );
      }
      const result = await page.invoke('importFromEpr', {
        query: {
          dryRun: 'false',
          confirm: page.form?.fields.get('confirmTexts') === 'yes' ? 'true' : 'false',
        },
        raw: { text: found.bytes.toString('utf8'), contentType: found.upload.contentType },
      });
      if (!result.ok) {
        if (result.status === 403) return errorStatus(403);
        return uploadError(page, result.error.message);
      }
      await deleteImportUpload(deps.store, found.upload);
      return page.render('pages/import-report.njk', {
        filename: found.upload.filename,
        report: reportView(result.body),
      });
    },
  });
};

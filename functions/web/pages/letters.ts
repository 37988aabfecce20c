/**
 * `/staff/letters`: a day's letter batches, one per clinic, with how many booking and reminder letters
 * each holds and a link to its PDF (`/staff/letters/{batchId}.pdf`) to print. Both call the letter
 * routes in-process (`listLetterBatches`, `getLetterBatchPdf`), so the same roles, checks and audit
 * apply as through the API: schedulers, managers and admins.
 */
import { localDay } from '#core/local-time.ts';
import { echo } from '#web/form-messages.ts';
import { errorStatus, type RegisterPages } from '#web/router.ts';
import { addDays, addressDayError, formats, isoDay, may, rolesOf } from './staff-kit.ts';

const localDayOf = (iso: string, timeZone: string) => localDay(new Date(iso), timeZone);

export const registerLetterPages: RegisterPages = (router, deps) => {
  const f = formats(deps);

  router.page({
    method: 'GET',
    path: '/staff/letters',
    summary: "A day's letter batches per clinic, to download and print",
    access: rolesOf('listLetterBatches'),
    nav: { label: 'Letters', order: 50 },
    handler: async (page) => {
      if (!may(page, 'listLetterBatches')) return page.render('pages/letters.njk', { noAccess: true });
      const today = f.today();
      // A day in the address that is not one is said so, not quietly replaced by today.
      const asked = page.url.searchParams.get('date') ?? '';
      const dateError = addressDayError(asked, today);
      if (dateError) {
        return page.render(
          'pages/letters.njk',
          {
            date: echo(asked, 100),
            dateError,
            addressErrors: [{ text: dateError, href: '#date' }],
            batchAt: deps.config.letters.batchAt,
            enabled: deps.config.letters.enabled,
            throughNotify: deps.config.letters.notify !== undefined,
          },
          { status: 400 },
        );
      }
      const date = isoDay(asked) ?? today;
      const [batches, clinics] = await Promise.all([
        page.invoke('listLetterBatches', { query: { date } }),
        page.invoke('listClinics', {}),
      ]);
      if (!batches.ok) return errorStatus(batches.status);
      const clinicName = new Map(clinics.ok ? clinics.body.items.map((c) => [c.id, c.name]) : []);
      return page.render('pages/letters.njk', {
        date,
        dateLabel: f.longDate(date),
        isToday: date === today,
        previous: `/staff/letters?date=${addDays(date, -1)}`,
        next: `/staff/letters?date=${addDays(date, 1)}`,
        batchAt: deps.config.letters.batchAt,
        enabled: deps.config.letters.enabled,
        throughNotify: deps.config.letters.notify !== undefined,
        batches: batches.body.items.map((b) => ({
          clinic: clinicName.get(b.clinicId) ?? b.clinicId,
          letters: b.letters,
          booking: b.booking,
          reminder: b.reminder,
          pages: b.pages,
          making: b.status === 'MAKING',
          notify: b.via === 'notify' ? { sent: b.sent ?? 0, failed: b.failed ?? 0 } : undefined,
          href: b.hasPdf ? `/staff/letters/${b.batchId}.pdf` : undefined,
          finishedLate:
            b.finishedLate && b.readyAt ? f.longDate(localDayOf(b.readyAt, deps.config.timeZone)) : undefined,
        })),
      });
    },
  });

  router.page({
    method: 'GET',
    path: '/staff/letters/:file',
    summary: 'A letter batch PDF to print (the Letters page’s download link)',
    access: rolesOf('getLetterBatchPdf'),
    handler: async (page) => {
      const file = page.params.file ?? '';
      if (!file.endsWith('.pdf')) return errorStatus(404);
      const found = await page.invoke('getLetterBatchPdf', { params: { batchId: file.slice(0, -4) } });
      if (!found.ok) return errorStatus(found.status === 400 ? 404 : found.status);
      return new Response(Buffer.from(found.body.base64, 'base64'), {
        status: 200,
        headers: {
          'content-type': 'application/pdf',
          'content-disposition': `attachment; filename="${found.body.fileName}"`,
        },
      });
    },
  });
};

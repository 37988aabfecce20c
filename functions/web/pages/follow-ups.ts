/**
 * `/staff/follow-ups`: open Was-Not-Brought follow-ups, the signed-in health visitor's own first (the
 * route marks them `yours`), each with the child and the missed appointment; close one with a note of
 * what was done. Nothing closes or discharges automatically.
 */
import { errorStatus, type PageContext, type RegisterPages, redirect } from '#web/router.ts';
import { ROLES } from '#web/staff-session.ts';
import { formats, may, rolesOf, typeName } from './staff-kit.ts';

const REASONS = {
  'repeated-wnb': 'Not brought again',
  'vulnerable-wnb': 'Not brought, and flagged vulnerable',
} as const;

export const registerFollowUpPages: RegisterPages = (router, deps) => {
  const f = formats(deps);

  const followUpsPage = async (page: PageContext, errors?: { id: string; note: string }, status = 200) => {
    const q = page.url.searchParams;
    const cursor = q.get('cursor') ?? undefined;
    const found = await page.invoke('listFollowUps', { query: { limit: 50, ...(cursor && { cursor }) } });
    if (!found.ok) return errorStatus(found.status === 400 ? 400 : found.status);
    const items = await Promise.all(
      found.body.items.map(async (fu) => {
        const [client, booking] = await Promise.all([
          page.invoke('getClient', { params: { id: fu.clientId } }),
          page.invoke('getBooking', { params: { id: fu.bookingId } }),
        ]);
        const c = client.ok && !('erased' in client.body) ? client.body : undefined;
        const b = booking.ok ? booking.body : undefined;
        return {
          id: fu.id,
          yours: fu.yours,
          child: c ? `${c.firstName} ${c.familyName}`.trim() : 'Erased',
          clientId: fu.clientId,
          healthVisitor: fu.namedHealthVisitor ?? 'not named',
          reason: REASONS[fu.reason],
          missed: b ? `${typeName(deps, b.type)}, ${f.dayTime(b.startsAt)}` : '',
          inARow: fu.consecutiveWnb,
          opened: f.dayTime(fu.openedAt),
          error: errors?.id === fu.id ? errors.note : undefined,
        };
      }),
    );
    return page.render(
      'pages/follow-ups.njk',
      {
        yours: items.filter((i) => i.yours),
        others: items.filter((i) => !i.yours),
        canClose: may(page, 'closeFollowUp'),
        closed: q.get('closed') === '1',
        next: found.body.cursor
          ? `/staff/follow-ups?cursor=${encodeURIComponent(found.body.cursor)}`
          : undefined,
        hasErrors: errors !== undefined,
      },
      { status },
    );
  };

  router.page({
    method: 'GET',
    path: '/staff/follow-ups',
    summary: 'Open Was-Not-Brought follow-ups, your own first; close one with a note',
    access: rolesOf('listFollowUps'),
    nav: { label: 'Follow-ups', order: 45 },
    handler: async (page) =>
      may(page, 'listFollowUps')
        ? followUpsPage(page)
        : page.render('pages/follow-ups.njk', { noAccess: true }),
  });

  router.page({
    method: 'POST',
    path: '/staff/follow-ups/:id/close',
    summary: 'Close a follow-up with a note of what was done',
    access: ROLES,
    handler: async (page) => {
      const id = page.params.id ?? '';
      const note = page.form?.fields.get('note')?.trim() ?? '';
      if (!note && may(page, 'closeFollowUp'))
        return followUpsPage(page, { id, note: 'Enter what was done' }, 400);
      const result = await page.invoke('closeFollowUp', { params: { id }, body: { note } });
      if (!result.ok) {
        if (result.status === 400) return followUpsPage(page, { id, note: 'Enter what was done' }, 400);
        if (result.status === 409) return redirect('/staff/follow-ups?closed=1');
        return errorStatus(result.status);
      }
      return redirect('/staff/follow-ups?closed=1');
    },
  });
};

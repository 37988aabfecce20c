/**
 * `/staff/families`: find a family by name, mobile number or booking reference; and a family's page:
 * the children on the number and their bookings, equity flags and do-not-text, the number's opt-out and
 * why, and the whole text conversation, newest last. Administrators also see "Erase" (a data-protection
 * request); for anyone else the route refuses a forged post with 403.
 */
import { errorStatus, type RegisterPages, redirect } from '#web/router.ts';
import { ROLES } from '#web/staff-session.ts';
import { formats, may, STATUS_LABELS, typeName } from './staff-kit.ts';

const ERASE_ERRORS: Readonly<Record<string, string>> = {
  confirm: 'Tick the box to confirm the family asked for their data to be erased.',
  'follow-ups': 'This child has an open Was-Not-Brought follow-up: close it before erasing.',
};

const OPT_OUT_REASONS = {
  'stop-text': 'The family texted STOP. Texts start again only when they text START.',
  staff: 'Staff recorded that the family does not want texts.',
  unreachable: 'Texts to this number kept failing.',
} as const;

const KIND_LABELS = {
  ref: 'booking reference',
  'nhs-number': 'NHS number',
  phone: 'mobile number',
  name: 'name',
} as const;

/**
 * Health visitors, managers and admins see what the sensitive flags say; a scheduler sees that a family
 * must not be texted, not why (a domestic-abuse risk, say), nor the safeguarding flags behind it.
 */
const SEES_SENSITIVE_FLAGS = ['health-visitor', 'manager', 'admin'] as const;

export const registerFamilyPages: RegisterPages = (router, deps) => {
  const f = formats(deps);

  router.page({
    method: 'GET',
    path: '/staff/families',
    summary: 'Find a family by name, mobile number, NHS number or booking reference',
    access: ROLES,
    nav: { label: 'Families', order: 20 },
    handler: async (page) => {
      const q = page.url.searchParams.get('q')?.trim() ?? '';
      const erased = page.url.searchParams.get('erased') === '1';
      if (!q) return page.render('pages/families.njk', { q, erased });
      const found = await page.invoke('searchFamilies', { query: { q } });
      if (!found.ok) {
        if (found.status === 400)
          return page.render(
            'pages/families.njk',
            { q, error: found.error.fields?.[0]?.message ?? found.error.message },
            { status: 400 },
          );
        return errorStatus(found.status);
      }
      return page.render('pages/families.njk', {
        q,
        kind: KIND_LABELS[found.body.kind],
        results: found.body.items.map((c) => ({
          id: c.id,
          name: `${c.firstName} ${c.familyName}`.trim(),
          born: c.dateOfBirth ?? (c.dueDate ? `due ${c.dueDate}` : ''),
          phone: c.phone,
        })),
      });
    },
  });

  router.page({
    method: 'GET',
    path: '/staff/families/:id',
    summary: "A family's page: children, bookings, flags, opt-out and the text conversation",
    access: ROLES,
    handler: async (page) => {
      const found = await page.invoke('getFamily', { params: { id: page.params.id ?? '' } });
      if (!found.ok) return errorStatus(found.status === 400 ? 404 : found.status);
      const { client, children, bookings, messages, consent } = found.body;
      const sensitive = page.staff?.roles.some((r) =>
        (SEES_SENSITIVE_FLAGS as readonly string[]).includes(r),
      );
      const names = new Map(children.map((c) => [c.id, c.firstName]));
      const optedOut = consent.state === 'opted-out';
      return page.render('pages/family.njk', {
        eraseError: ERASE_ERRORS[page.url.searchParams.get('eraseError') ?? ''],
        client: {
          id: client.id,
          name: `${client.firstName} ${client.familyName}`.trim(),
          phone: client.phone,
        },
        optedOut,
        optOutWhy:
          consent.state === 'opted-out'
            ? `${OPT_OUT_REASONS[consent.reason]} Since ${f.dayTime(consent.since)}.`
            : undefined,
        children: children.map((c) => {
          const flags = [
            ...(c.flags.imdDecile ? [`IMD decile ${c.flags.imdDecile}`] : []),
            ...(c.flags.needsCarer ? ['Needs a carer'] : []),
            ...(sensitive && c.flags.parentalMentalHealth ? ['Parental mental health'] : []),
            ...(sensitive && c.flags.vulnerable ? ['Vulnerable'] : []),
          ];
          return {
            id: c.id,
            name: `${c.firstName} ${c.familyName}`.trim(),
            born: c.dateOfBirth ?? (c.dueDate ? `due ${c.dueDate}` : 'not known'),
            healthVisitor: c.namedHealthVisitor ?? 'not named',
            language: c.language,
            flags: flags.length ? flags.join(', ') : 'None',
            doNotText: c.flags.doNotText,
            doNotTextWhy: c.flags.doNotText
              ? sensitive
                ? 'Marked do not text in the record (a safeguarding decision): call the family instead.'
                : 'Call the family instead. Ask their health visitor why.'
              : undefined,
            history: `${c.history.attended} attended, ${c.history.dna} did not attend, ${c.history.wnb} not brought`,
          };
        }),
        bookings: bookings.map((b) => ({
          child: names.get(b.clientId) ?? '',
          when: f.dayTime(b.startsAt),
          type: typeName(deps, b.type),
          ref: b.ref,
          status: STATUS_LABELS[b.status] ?? { text: b.status, colour: 'grey' },
        })),
        messages: messages.map((m) => ({
          in: m.direction === 'IN',
          at: f.dayTime(m.at),
          body: m.body,
          cost: m.segments ? `${m.segments} segment${m.segments === 1 ? '' : 's'}` : undefined,
        })),
        canErase: may(page, 'eraseClient'),
      });
    },
  });

  router.page({
    method: 'POST',
    path: '/staff/families/:id/erase',
    summary: "Erase a client's personal data (administrators; anyone else gets the route's 403)",
    access: ROLES,
    handler: async (page) => {
      const id = page.params.id ?? '';
      const here = `/staff/families/${encodeURIComponent(id)}`;
      // The box is for the administrator's sake; anyone else is refused by the route itself (and audited).
      if (may(page, 'eraseClient') && page.form?.fields.get('confirm') !== 'yes')
        return redirect(`${here}?eraseError=confirm#erase`);
      const result = await page.invoke('eraseClient', { params: { id } });
      if (!result.ok) {
        if (result.status === 409) return redirect(`${here}?eraseError=follow-ups#erase`);
        return errorStatus(result.status);
      }
      return redirect(`/staff/families?erased=1`);
    },
  });
};

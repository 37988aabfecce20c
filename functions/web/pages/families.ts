/**
 * `/staff/families`: find a family by name, mobile number or booking reference; and a family's page:
 * the children on the number and their bookings, equity flags and do-not-text, the number's opt-out and
 * why, and the whole text conversation, newest last. Administrators also see "Erase" (a data-protection
 * request); for anyone else the route refuses a forged post with 403.
 */
import { issueDetail } from '#api/dispatch.ts';
import { type FieldWords, plainFieldMessage } from '#web/form-messages.ts';
import { errorStatus, type PageContext, type RegisterPages, redirect } from '#web/router.ts';
import { ROLES } from '#web/staff-session.ts';
import { formats, may, STATUS_LABELS, seesSensitiveFlags, typeName } from './staff-kit.ts';

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

/** The contact form's fields, as the form posts them. */
interface ContactValues {
  phone: string;
  line1: string;
  line2: string;
  line3: string;
  town: string;
  postcode: string;
  sms: 'on' | 'off';
  smsReason: string;
  letter: 'on' | 'off';
  letterReason: string;
}

/** A 400's field (`phone`, `address.postcode`, `contact.sms.reason`) → the form field and its name. */
const CONTACT_FIELDS: Readonly<Record<string, FieldWords>> = {
  phone: { id: 'contact-phone', name: 'Mobile number' },
  address: { id: 'address-line1', name: 'Address' },
  'address.lines': { id: 'address-line1', name: 'Address line 1' },
  'address.lines.0': { id: 'address-line1', name: 'Address line 1' },
  'address.lines.1': { id: 'address-line2', name: 'Address line 2' },
  'address.lines.2': { id: 'address-line3', name: 'Address line 3' },
  'address.town': { id: 'address-town', name: 'Town' },
  'address.postcode': { id: 'address-postcode', name: 'Postcode' },
  'contact.sms.reason': { id: 'sms-reason', name: 'Why not texts', noun: 'the reason for not texting' },
  'contact.letter.reason': {
    id: 'letter-reason',
    name: 'Why not letters',
    noun: 'the reason for not posting letters',
  },
};

/** The search box's words for a refused search (the route's own words for one too short are kept). */
const SEARCH_WORDS = { name: 'Search', say: { tooLong: 'Search with 100 characters or fewer' } };

function contactErrors(fields: readonly { field: string; message: string }[] | undefined, fallback: string) {
  const byId: Record<string, string> = {};
  const list: { text: string; href: string }[] = [];
  for (const e of fields ?? []) {
    const label =
      CONTACT_FIELDS[e.field] ?? CONTACT_FIELDS[e.field.split('.')[0] ?? ''] ?? CONTACT_FIELDS.phone!;
    const text = plainFieldMessage(e, label);
    if (!(label.id in byId)) byId[label.id] = text;
    list.push({ text, href: `#${label.id}` });
  }
  if (list.length === 0) list.push({ text: fallback, href: '#contact-phone' });
  return { list, byId };
}

/** The form as the family's record fills it. */
function contactValuesOf(client: {
  phone?: string | undefined;
  address?: { lines: string[]; town: string; postcode: string } | undefined;
  contact?:
    | {
        sms: { on: boolean; reason?: string | undefined };
        letter: { on: boolean; reason?: string | undefined };
      }
    | undefined;
}): ContactValues {
  return {
    phone: client.phone ?? '',
    line1: client.address?.lines[0] ?? '',
    line2: client.address?.lines[1] ?? '',
    line3: client.address?.lines[2] ?? '',
    town: client.address?.town ?? '',
    postcode: client.address?.postcode ?? '',
    sms: client.contact?.sms.on === false ? 'off' : 'on',
    smsReason: client.contact?.sms.reason ?? '',
    letter: client.contact?.letter.on === false ? 'off' : 'on',
    letterReason: client.contact?.letter.reason ?? '',
  };
}

function contactValuesFromForm(page: PageContext): ContactValues {
  const get = (name: string) => page.form?.fields.get(name)?.trim() ?? '';
  return {
    phone: get('phone'),
    line1: get('line1'),
    line2: get('line2'),
    line3: get('line3'),
    town: get('town'),
    postcode: get('postcode'),
    sms: get('sms') === 'off' ? 'off' : 'on',
    smsReason: get('smsReason'),
    letter: get('letter') === 'off' ? 'off' : 'on',
    letterReason: get('letterReason'),
  };
}

/** The PATCH body: an empty mobile clears it, and so does an address with every field empty. */
function contactBody(v: ContactValues) {
  const lines = [v.line1, v.line2, v.line3].filter((l) => l !== '');
  const noAddress = lines.length === 0 && v.town === '' && v.postcode === '';
  const channel = (on: 'on' | 'off', reason: string) =>
    on === 'on' ? { on: true } : { on: false, ...(reason ? { reason } : {}) };
  return {
    phone: v.phone === '' ? null : v.phone,
    address: noAddress ? null : { lines, town: v.town, postcode: v.postcode },
    contact: { sms: channel(v.sms, v.smsReason), letter: channel(v.letter, v.letterReason) },
  };
}

export const registerFamilyPages: RegisterPages = (router, deps) => {
  const f = formats(deps);

  /** The family page; with a failed contact change, the form as posted and its errors (a 400). */
  const familyPage = async (
    page: PageContext,
    id: string,
    contactForm?: { values: ContactValues; errors: ReturnType<typeof contactErrors> },
  ) => {
    const found = await page.invoke('getFamily', { params: { id } });
    if (!found.ok) return errorStatus(found.status === 400 ? 404 : found.status);
    const { client, children, bookings, messages, consent } = found.body;
    const sensitive = seesSensitiveFlags(page);
    const names = new Map(children.map((c) => [c.id, c.firstName]));
    const optedOut = consent.state === 'opted-out';
    const channelText = (ch: { on: boolean; reason?: string | undefined } | undefined, what: string) =>
      ch?.on === false
        ? `Off${sensitive && ch.reason ? `: ${ch.reason}` : ''}`
        : `On${what === 'letters' && !client.address ? ' (no address on record)' : ''}`;
    return page.render(
      'pages/family.njk',
      {
        eraseError: ERASE_ERRORS[page.url.searchParams.get('eraseError') ?? ''],
        contactSaved: page.url.searchParams.get('contact') === 'saved',
        client: {
          id: client.id,
          name: `${client.firstName} ${client.familyName}`.trim(),
          phone: client.phone,
          address: client.address
            ? [...client.address.lines, client.address.town, client.address.postcode]
            : undefined,
          texts: channelText(client.contact?.sms, 'texts'),
          letters: channelText(client.contact?.letter, 'letters'),
        },
        canChangeContact: may(page, 'changeClientContact'),
        contactValues: contactForm?.values ?? contactValuesOf(client),
        contactErrors: contactForm?.errors.byId ?? {},
        errors: contactForm?.errors.list ?? [],
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
      },
      contactForm ? { status: 400 } : undefined,
    );
  };

  router.page({
    method: 'GET',
    path: '/staff/families',
    summary: 'Find a family by name, mobile number, NHS number or booking reference',
    access: ROLES,
    nav: { label: 'Families', order: 20 },
    handler: async (page) => {
      const q = page.url.searchParams.get('q')?.trim() ?? '';
      const erased = page.url.searchParams.get('erased') === '1';
      // Two searches in the address (`?q=a&q=b`, hand-made) are said so, not the first one judged alone.
      if (page.url.searchParams.getAll('q').length > 1)
        return page.render(
          'pages/families.njk',
          { q, error: 'Search for one name, mobile number, NHS number or booking reference at a time' },
          { status: 400 },
        );
      if (!q) return page.render('pages/families.njk', { q, erased });
      const found = await page.invoke('searchFamilies', { query: { q } });
      if (!found.ok) {
        if (found.status === 400) {
          const refused = found.error.fields?.[0];
          // The route's own words for a search too short ("a name needs at least two letters") are
          // kept as they are; zod's are put plainly.
          const error = !refused
            ? found.error.message
            : issueDetail(refused)?.zodWording
              ? plainFieldMessage(refused, SEARCH_WORDS)
              : refused.message;
          return page.render('pages/families.njk', { q, error }, { status: 400 });
        }
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
    handler: async (page) => familyPage(page, page.params.id ?? ''),
  });

  router.page({
    method: 'POST',
    path: '/staff/families/:id/contact',
    summary: "Change a family's mobile, address and contact channels (PATCH /clients/{id})",
    access: ROLES,
    handler: async (page) => {
      const id = page.params.id ?? '';
      const values = contactValuesFromForm(page);
      // A choice the form does not offer (an edited `sms=maybe`) is said on it, not read as "on".
      const choices = [
        { name: 'sms', id: 'sms', text: 'Choose whether to send texts' },
        { name: 'letter', id: 'letter', text: 'Choose whether to send letters' },
      ].filter((c) => !['on', 'off'].includes(page.form?.fields.get(c.name) ?? 'on'));
      if (choices.length > 0)
        return familyPage(page, id, {
          values,
          errors: {
            list: choices.map((c) => ({ text: c.text, href: `#${c.id}` })),
            byId: Object.fromEntries(choices.map((c) => [c.id, c.text])),
          },
        });
      // The mobile and address belong to the family: every child on the number gets the same change.
      const family = await page.invoke('getFamily', { params: { id } });
      if (!family.ok) return errorStatus(family.status === 400 ? 404 : family.status);
      const ids = [id, ...family.body.children.map((c) => c.id).filter((c) => c !== id)];
      for (const childId of ids) {
        const result = await page.invoke('changeClientContact', {
          params: { id: childId },
          body: contactBody(values),
        });
        if (!result.ok) {
          if (result.status !== 400) return errorStatus(result.status);
          return familyPage(page, id, {
            values,
            errors: contactErrors(result.error.fields, result.error.message),
          });
        }
      }
      return redirect(`/staff/families/${encodeURIComponent(id)}?contact=saved#contact`);
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

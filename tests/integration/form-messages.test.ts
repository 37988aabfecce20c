/**
 * The staff pages' form messages a new user met (session 5 tester's faults, item 1): each refusal says
 * what is wrong with the field at fault, in words, and never what it is not ("missing" for too long,
 * "NaN", "no family has this number" for a number that is not a mobile). Real web app, route table and
 * DynamoDB Local; the admin API's `GET /clients?phone=` is called as a machine would.
 */
import { parse } from 'node-html-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Booking, Clinic, Slot } from '#core/model.ts';
import { bookSlot, cancelByStaff } from '#services/bookings.ts';
import { getBooking } from '#store/bookings.ts';
import { addInboxItem, getInboxItem } from '#store/inbox.ts';
import {
  type BrowserDoor,
  type BrowserSession,
  browserDoor,
  WEB_ORIGIN,
} from '#tests/support/browser-door.ts';
import { aClient, aClinic, aSlotFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi, type ErrorResult } from '#tests/support/function-url.ts';
import { seed } from './helpers.ts';

let deps: TestDeps;
let door: BrowserDoor;
let scheduler: BrowserSession;
let manager: BrowserSession;
let clinic: Clinic;
let booking: Booking;
let target: Slot;
let cancelled: Booking;
const ITEM = 'inbox-item-1';

beforeAll(async () => {
  deps = testDeps(await freshTable(), '2026-11-30T10:00:00Z');
  door = browserDoor(deps);
  scheduler = await door.signIn({ name: 'Sam Patel', roles: ['scheduler'] });
  manager = await door.signIn({ name: 'Morgan Lee', roles: ['manager'] });
  clinic = aClinic({ id: 'riverside' });
  const client = aClient();
  const slot = aSlotFor(clinic, { startsAt: '2026-12-03T14:00:00.000Z' });
  target = aSlotFor(clinic, { startsAt: '2026-12-03T15:00:00.000Z' });
  await seed(deps.store, { clinic, clients: [client], slots: [slot, target] });
  booking = await bookSlot(deps, { slotId: slot.id, clientId: client.id, by: 'staff:hv-1', source: 'staff' });
  // An inbox item about a cancelled booking: it has a reason to tag, a note box and a conversation.
  const other = aSlotFor(clinic, { startsAt: '2026-12-04T09:00:00.000Z' });
  await seed(deps.store, { slots: [other] });
  cancelled = await bookSlot(deps, {
    slotId: other.id,
    clientId: client.id,
    by: 'staff:hv-1',
    source: 'staff',
  });
  await cancelByStaff(deps, {
    bookingId: cancelled.id,
    by: 'staff:hv-1',
    reason: 'asked by text',
    notify: false,
  });
  await addInboxItem(
    deps.store,
    {
      id: ITEM,
      messageId: 'message-1',
      phone: client.phone,
      body: 'cancel sorry the twins have their nursery nativity',
      receivedAt: '2026-11-30T09:00:00.000Z',
      reason: 'untagged-reason',
      intent: 'CANCEL',
      clientIds: [client.id],
      bookingIds: [cancelled.id],
    },
    30,
  );
  // A family with one text (its confirmation) and a reply Attend could not act on.
  const solo = aClient();
  const soloSlot = aSlotFor(clinic, { startsAt: '2026-12-04T10:00:00.000Z' });
  await seed(deps.store, { clients: [solo], slots: [soloSlot] });
  await bookSlot(deps, { slotId: soloSlot.id, clientId: solo.id, by: 'staff:hv-1', source: 'staff' });
  await addInboxItem(
    deps.store,
    {
      id: 'inbox-item-2',
      messageId: 'message-2',
      phone: solo.phone,
      body: 'is there parking',
      receivedAt: '2026-11-30T09:30:00.000Z',
      reason: 'free-text',
      intent: 'UNKNOWN',
      clientIds: [solo.id],
      bookingIds: [],
    },
    30,
  );
});

const get = (session: BrowserSession, path: string) =>
  door.app.handle(new Request(`${WEB_ORIGIN}${path}`, { headers: { cookie: session.cookie } }));

const post = (session: BrowserSession, path: string, fields: Record<string, string>) =>
  door.app.handle(
    new Request(`${WEB_ORIGIN}${path}`, {
      method: 'POST',
      headers: { cookie: session.cookie, origin: WEB_ORIGIN },
      body: new URLSearchParams({ ...fields, _csrf: session.csrf }),
    }),
  );

/** The error summary's items and each field's own error message, as a person reads them. */
function errorsOf(html: string) {
  const doc = parse(html);
  const text = (el: { text: string }) => el.text.replace(/\s+/g, ' ').trim();
  return {
    summary: doc.querySelectorAll('.nhsuk-error-summary__list a').map((a) => ({
      href: a.getAttribute('href'),
      text: text(a),
    })),
    byField: Object.fromEntries(
      doc
        .querySelectorAll('.nhsuk-error-message')
        .map((m) => [m.getAttribute('id')?.replace(/-error$/, ''), text(m).replace(/^Error:\s*/, '')]),
    ),
  };
}

describe('a reason that is too long', () => {
  it('cancelling says the reason is too long and gives the limit, not that it is missing; nothing is cancelled', async () => {
    // Act
    const res = await post(scheduler, `/staff/today/bookings/${booking.id}/cancel`, {
      reason: 'x'.repeat(612),
      notify: 'yes',
    });
    const html = await res.text();

    // Assess
    expect(res.status).toBe(400);
    const { summary, byField } = errorsOf(html);
    expect(summary).toEqual([
      { href: '#reason', text: 'The reason must be 500 characters or fewer (it has 612)' },
    ]);
    expect(byField.reason).toBe('The reason must be 500 characters or fewer (it has 612)');
    expect(html).not.toContain('Enter why the booking is cancelled');
    expect(html).toContain('x'.repeat(612));
    expect((await getBooking(deps.store, booking.id))?.status).toBe('BOOKED');
  });

  it('moving says the reason is too long, on the reason, not on the time; nothing is moved', async () => {
    // Act
    const res = await post(scheduler, `/staff/today/bookings/${booking.id}/move`, {
      slotId: target.id,
      reason: 'y'.repeat(501),
      date: '2026-12-03',
    });
    const html = await res.text();

    // Assess
    expect(res.status).toBe(400);
    const { summary } = errorsOf(html);
    expect(summary).toEqual([
      { href: '#reason', text: 'The reason must be 500 characters or fewer (it has 501)' },
    ]);
    expect((await getBooking(deps.store, booking.id))?.status).toBe('BOOKED');
  });
});

describe('moving to a time that is not a slot', () => {
  it.each([
    ['a slot-like id no slot has', 'slot-that-never-was'],
    ['a made-up id', 'nope'],
  ])(
    '%s says the chosen time does not exist, on the time, with the way back; nothing is moved',
    async (_, slotId) => {
      // Act
      const res = await post(scheduler, `/staff/today/bookings/${booking.id}/move`, {
        slotId,
        reason: 'family asked',
        date: '2026-12-03',
      });
      const html = await res.text();

      // Assess: not the generic "Page not found", but the move page saying what is wrong
      expect(res.status).toBe(400);
      expect(html).not.toContain('Page not found');
      const { summary } = errorsOf(html);
      expect(summary).toEqual([
        {
          href: '#slotId',
          text: 'The time you chose is not a real slot (it may no longer exist); choose one of the free times below',
        },
      ]);
      const doc = parse(html);
      expect(doc.querySelector('h1')?.text).toContain('Move this booking');
      expect(doc.querySelector('.nhsuk-back-link a, a.nhsuk-back-link')?.getAttribute('href')).toMatch(
        /^\/staff\/today\?/,
      );
      // The free times are offered again, and the reason typed is kept.
      expect(html).toContain(`value="${target.id}"`);
      expect(html).toContain('family asked');
      expect((await getBooking(deps.store, booking.id))?.status).toBe('BOOKED');
    },
  );

  it('a time another family has booked is said in words, not as the slot id; nothing is moved', async () => {
    // Prepare: another family takes a time at the clinic.
    const taken = aSlotFor(clinic, { startsAt: '2026-12-03T16:00:00.000Z' });
    const other = aClient({ firstName: 'Bea', phone: '+447700900958' });
    await seed(deps.store, { clients: [other], slots: [taken] });
    await bookSlot(deps, { slotId: taken.id, clientId: other.id, by: 'staff:hv-1', source: 'staff' });

    // Act
    const res = await post(scheduler, `/staff/today/bookings/${booking.id}/move`, {
      slotId: taken.id,
      reason: 'family asked',
      date: '2026-12-03',
    });
    const html = await res.text();

    // Assess
    expect(res.status).toBe(400);
    expect(errorsOf(html).summary).toEqual([
      {
        href: '#slotId',
        text: 'That time is no longer free (someone may have just booked it); choose one of the free times below',
      },
    ]);
    expect(html).not.toContain(taken.id);
    expect((await getBooking(deps.store, booking.id))?.slotId).toBe(booking.slotId);
  });

  it('a booking that does not exist is still "Page not found"', async () => {
    const res = await post(scheduler, '/staff/today/bookings/bk_nope/move', {
      slotId: target.id,
      reason: 'family asked',
    });
    expect(res.status).toBe(404);
    expect(await res.text()).toContain('Page not found');
  });
});

describe('the metrics period', () => {
  it('a range over a year is reported on "To", the field at fault, and not on "From"', async () => {
    // Act
    const res = await get(manager, '/staff/metrics?from=2025-01-01&to=2026-11-30');
    const html = await res.text();

    // Assess
    expect(res.status).toBe(400);
    const { summary, byField } = errorsOf(html);
    expect(summary).toEqual([
      { href: '#to', text: expect.stringMatching(/^To: the range may span at most/) },
    ]);
    expect(byField.to).toMatch(/^To: the range may span at most \d+ days$/);
    expect(byField.from).toBeUndefined();
  });

  it('a parameter the page does not take (a misspelt "form") is a 400 naming it, not the default period', async () => {
    const res = await get(manager, '/staff/metrics?form=2026-11-01&to=2026-11-15');
    expect(res.status).toBe(400);
    expect(errorsOf(await res.text()).summary).toEqual([
      { href: '#from', text: 'Address: “form” is not a parameter of this page; expected from, to' },
    ]);
  });

  it('a period starting on a Sunday shows each Monday-to-Sunday week once, the cut-short one marked', async () => {
    // Act: Sunday 1 November to Sunday 15 November 2026
    const res = await get(manager, '/staff/metrics?from=2026-11-01&to=2026-11-15');
    const doc = parse(await res.text());

    // Assess: the table beside each weekly chart names its rows by the week's Monday, not "1 Nov" then "2 Nov"
    expect(res.status).toBe(200);
    for (const chart of ['dna-wnb-by-week', 'texts-sent']) {
      const rows = doc
        .querySelectorAll(`#${chart} table tr`)
        .map((tr) => tr.querySelector('th, td')?.text.trim());
      expect(rows).toEqual(['Week beginning', '26 Oct 2026 (part week)', '2 Nov 2026', '9 Nov 2026']);
    }
    expect(doc.querySelector('#metrics-weeks')?.text).toContain('Weeks run from Monday to Sunday');
  });

  it.each([
    ['abc', 'not a date at all'],
    ['2026-02-30', 'a day February does not have'],
  ])('a "from" of %s (%s) says what a date looks like, not the parser\'s words', async (from) => {
    const res = await get(manager, `/staff/metrics?from=${from}&to=2026-11-15`);
    const { byField } = errorsOf(await res.text());
    expect(res.status).toBe(400);
    expect(byField.from).toBe('From must be a real date, written like 2026-03-31');
  });

  it('"from" after "to" is reported on "From"', async () => {
    const res = await get(manager, '/staff/metrics?from=2026-11-30&to=2026-11-01');
    const { byField } = errorsOf(await res.text());
    expect(res.status).toBe(400);
    expect(byField.from).toBe('The start date must be on or before the end date');
    expect(byField.to).toBeUndefined();
  });
});

describe('slot lengths', () => {
  it.each([
    ['-5', 'single'],
    ['ten', 'single'],
    ['-5', 'session'],
    ['2.5', 'session'],
  ])('a length of %s (%s) says what is allowed, never NaN', async (duration, form) => {
    // Act
    const res = await post(scheduler, `/staff/slots/${form}`, {
      clinicId: clinic.id,
      type: 'one-year-review',
      date: '2026-12-04',
      time: '10:00',
      from: '10:00',
      to: '12:00',
      every: '30',
      duration,
    });
    const html = await res.text();

    // Assess
    expect(res.status).toBe(400);
    expect(html).not.toContain('NaN');
    expect(errorsOf(html).summary.map((e) => e.text)).toEqual([
      'Length: must be a whole number of minutes from 5 to 480',
    ]);
  });

  it('an "every" of -10 in a session says what is allowed', async () => {
    const res = await post(scheduler, '/staff/slots/session', {
      clinicId: clinic.id,
      type: 'one-year-review',
      date: '2026-12-04',
      from: '10:00',
      to: '12:00',
      every: '-10',
    });
    const html = await res.text();
    expect(res.status).toBe(400);
    expect(html).not.toContain('NaN');
    expect(errorsOf(html).summary.map((e) => e.text)).toEqual([
      'Every: must be a whole number of minutes from 5 to 240',
    ]);
  });
});

describe('a family found by mobile number', () => {
  it('a badly formed mobile says it is not a valid UK mobile, not that no family has it', async () => {
    // Act
    const res = await post(scheduler, '/staff/short-notice/add', {
      family: '07700 9001',
      type: 'six-to-eight-week-review',
      clinics: clinic.id,
      consent: 'yes',
    });
    const html = await res.text();

    // Assess
    expect(res.status).toBe(400);
    const texts = errorsOf(html).summary.map((e) => e.text);
    expect(texts).toHaveLength(1);
    expect(texts[0]).toMatch(
      /^Family: This is not a valid UK mobile number\. This is not a valid phone number/,
    );
    expect(html).not.toContain('No family has this mobile number');
  });

  it('a well-formed mobile no family has still says so', async () => {
    const res = await post(scheduler, '/staff/short-notice/add', {
      family: '07700 900999',
      type: 'six-to-eight-week-review',
      clinics: clinic.id,
      consent: 'yes',
    });
    expect(res.status).toBe(400);
    expect(errorsOf(await res.text()).summary.map((e) => e.text)).toEqual([
      'Family: No family has this mobile number',
    ]);
  });
});

describe('GET /clients?phone= (admin API)', () => {
  it('a phone that is not a mobile is a 400 naming the query parameter phone, not the request body', async () => {
    // Act
    const res = await callApi(deps, 'GET', '/clients?phone=abc');

    // Assess
    expect(res.status).toBe(400);
    const { error } = res.body as ErrorResult;
    expect(error.message).toBe('Query parameter phone is not a valid mobile number');
    expect(error.message).not.toMatch(/body/i);
    expect(error.fields).toEqual([{ field: 'query.phone', message: expect.stringMatching(/letters/) }]);
  });

  it('an empty phone asks for a mobile number, not zod’s string length wording', async () => {
    const res = await callApi(deps, 'GET', '/clients?phone=');
    expect(res.status).toBe(400);
    expect((res.body as ErrorResult).error.fields).toEqual([
      { field: 'query.phone', message: 'give a mobile number' },
    ]);
  });
});

describe('a time of day with no day ticked', () => {
  it('says to tick at least one day, in words, not zod’s array wording', async () => {
    // Act
    const res = await post(scheduler, '/staff/short-notice/add', {
      clientId: booking.clientId,
      type: 'six-to-eight-week-review',
      clinics: clinic.id,
      from: '09:00',
      to: '12:00',
      consent: 'yes',
    });
    const html = await res.text();

    // Assess
    expect(res.status).toBe(400);
    expect(errorsOf(html).summary.map((e) => e.text)).toEqual(['Availability: tick at least one day']);
    expect(html).not.toMatch(/expected array|&gt;=1 items/);
  });
});

describe('a one-letter family search', () => {
  it('says a name needs at least two letters, not to give a name', async () => {
    // Act
    const res = await get(scheduler, '/staff/families?q=a');
    const html = await res.text();

    // Assess
    expect(res.status).toBe(400);
    expect(errorsOf(html).byField.q).toBe('a name needs at least two letters');
  });

  it('a single digit still lists what may be searched for', async () => {
    const res = await get(scheduler, '/staff/families?q=7');
    expect(res.status).toBe(400);
    expect(errorsOf(await res.text()).byField.q).toMatch(/mobile number, NHS number or booking reference/);
  });
});

describe('a metrics CSV download with a bad date', () => {
  it('names the field and what is wrong, not only that the request could not be read', async () => {
    const res = await get(manager, '/staff/metrics.csv?chart=cancellations-by-notice&from=bad');
    const html = await res.text();
    expect(res.status).toBe(400);
    const text = parse(html).querySelector('main')?.text.replace(/\s+/g, ' ') ?? '';
    expect(text).toContain('From must be a real date, written like 2026-03-31');
    expect(text).not.toContain('expected a date');
  });
});

describe('the inbox', () => {
  it('a note over 1000 characters is said on the note, the page shown again with the note kept; the item stays open', async () => {
    // Act
    const note = `Rang the family. ${'x'.repeat(1001 - 'Rang the family. '.length)}`;
    const res = await post(scheduler, `/staff/inbox/${ITEM}/handled`, { note });
    const html = await res.text();

    // Assess
    expect(res.status).toBe(400);
    const message = 'The note must be 1000 characters or fewer (it has 1001)';
    expect(errorsOf(html).summary).toEqual([{ href: `#note-${ITEM}`, text: message }]);
    expect(errorsOf(html).byField[`note-${ITEM}`]).toBe(message);
    expect(parse(html).querySelector(`#note-${ITEM}`)?.text).toBe(note);
    expect(html).not.toMatch(/could not read what you sent/);
    expect((await getInboxItem(deps.store, ITEM))?.handledAt).toBeUndefined();
  });

  it('the note box says its limit without JavaScript (the NHS.UK character count)', async () => {
    const html = await (await get(scheduler, '/staff/inbox')).text();
    const doc = parse(html);
    expect(doc.querySelector(`#note-${ITEM}-info`)?.text.trim()).toBe('You can enter up to 1000 characters');
    expect(doc.querySelector(`[data-module="nhsuk-character-count"]`)?.getAttribute('data-maxlength')).toBe(
      '1000',
    );
  });

  it.each([
    ['no reason chosen', {}],
    ['a reason not on the list', { reason: 'bogus' }],
  ])('tagging with %s asks to choose a reason on the form, not the generic 400 page', async (_, fields) => {
    // Act
    const res = await post(manager, `/staff/inbox/${ITEM}/reason`, fields);
    const html = await res.text();

    // Assess
    expect(res.status).toBe(400);
    expect(errorsOf(html).summary).toEqual([{ href: `#reason-${ITEM}`, text: 'Choose a reason' }]);
    expect(errorsOf(html).byField[`reason-${ITEM}`]).toBe('Choose a reason');
    expect((await getInboxItem(deps.store, ITEM))?.taggedReason).toBeUndefined();
  });

  it('a reply over 2000 characters gives the limit and its length, in words, the reply kept', async () => {
    const text = 'y'.repeat(2001);
    const res = await post(scheduler, `/staff/inbox/inbox-item-2/reply`, { text, action: 'check' });
    const html = await res.text();
    expect(res.status).toBe(400);
    const message = 'Your reply must be 2000 characters or fewer (it has 2001)';
    expect(errorsOf(html).byField['text-inbox-item-2']).toBe(message);
    expect(parse(html).querySelector('#text-inbox-item-2')?.text).toBe(text);
    expect(html).not.toMatch(/Too big/);
  });

  it('a conversation of one text says "1 text"', async () => {
    const html = await (await get(scheduler, '/staff/inbox')).text();
    const summary = (id: string) =>
      parse(html).querySelector(`#item-${id} .nhsuk-details__summary-text`)?.text.trim();
    expect(summary('inbox-item-2')).toBe('Conversation (1 text)');
    expect(summary(ITEM)).toBe('Conversation (2 texts)');
  });
});

describe('plain words, not zod’s or a developer’s', () => {
  it('a family search over 100 characters asks for 100 or fewer, in an error summary, the search kept', async () => {
    // Act
    const q = 'b'.repeat(101);
    const res = await get(scheduler, `/staff/families?q=${q}`);
    const html = await res.text();

    // Assess
    expect(res.status).toBe(400);
    const { summary, byField } = errorsOf(html);
    expect(summary).toEqual([{ href: '#q', text: 'Search with 100 characters or fewer' }]);
    expect(byField.q).toBe('Search with 100 characters or fewer');
    expect(parse(html).querySelector('#q')?.getAttribute('value')).toBe(q);
    expect(html).not.toMatch(/Too big|expected string/);
  });

  it('a search given twice in the address (?q=a&q=b) says to search for one thing, not that a name is too short', async () => {
    const res = await get(scheduler, '/staff/families?q=a&q=b');
    expect(res.status).toBe(400);
    expect(errorsOf(await res.text()).byField.q).toBe(
      'Search for one name, mobile number, NHS number or booking reference at a time',
    );
  });

  it('a reason for no texts over 200 characters gives the limit and the length, kept in its box', async () => {
    // Act
    const smsReason = 'r'.repeat(201);
    const res = await post(manager, `/staff/families/${booking.clientId}/contact`, {
      phone: '',
      sms: 'off',
      smsReason,
      letter: 'on',
    });
    const html = await res.text();

    // Assess
    expect(res.status).toBe(400);
    const message = 'The reason for not texting must be 200 characters or fewer (it has 201)';
    expect(errorsOf(html).byField['sms-reason']).toBe(message);
    expect(parse(html).querySelector('#sms-reason')?.getAttribute('value')).toBe(smsReason);
    expect(html).not.toMatch(/Too big|expected string/);
  });

  it('the short-notice form sent empty names each field plainly, in no developer’s words', async () => {
    // Act
    const res = await post(scheduler, '/staff/short-notice/add', { family: '', type: '' });
    const html = await res.text();

    // Assess
    expect(res.status).toBe(400);
    const { byField } = errorsOf(html);
    expect(byField.family).toBe("Enter the family's mobile number or their Attend id");
    expect(byField.type).toBe('Choose an appointment type');
    expect(byField.clinics).toBe('Choose at least one clinic');
    expect(html).not.toMatch(/expected an id|expected an appointment type id/);
  });

  it.each<[string, Record<string, string>, Record<string, string>]>([
    ['a day that is not one', { days: 'FUNDAY' }, { days: 'Choose the days they can come' }],
    [
      'a latest date before the earliest',
      { days: 'MON', earliestDate: '2027-03-01', latestDate: '2027-01-01' },
      { latestDate: 'The latest date must be the same as or after the earliest date' },
    ],
  ])('%s is said plainly on its field', async (_, fields, expected) => {
    // Act
    const res = await post(scheduler, '/staff/short-notice/add', {
      clientId: booking.clientId,
      type: 'six-to-eight-week-review',
      clinics: clinic.id,
      from: '09:00',
      to: '12:00',
      consent: 'yes',
      ...fields,
    });
    const html = await res.text();

    // Assess
    expect(res.status).toBe(400);
    const { summary, byField } = errorsOf(html);
    expect(byField).toEqual(expected);
    expect(summary.map((e) => e.text)).toEqual(Object.values(expected));
    expect(html).not.toMatch(/Invalid option|earliestDate</);
    expect(parse(html).querySelector('#latestDate')?.getAttribute('value')).toBe(fields.latestDate ?? '');
  });

  it('the admin API still names fields for developers (its error bodies are unchanged)', async () => {
    const res = await callApi<ErrorResult>(deps, 'GET', `/families?q=${'b'.repeat(101)}`);
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([
      { field: 'query.q', message: 'Too big: expected string to have <=100 characters' },
    ]);
  });
});

describe('a choice the form does not offer (a hand-made post)', () => {
  it('cancelling with category=bogus shows the form again with the error on the reason list; nothing is cancelled', async () => {
    // Act
    const res = await post(scheduler, `/staff/today/bookings/${booking.id}/cancel`, {
      reason: 'Clinic closed',
      notify: 'yes',
      category: 'bogus',
    });
    const html = await res.text();

    // Assess
    expect(res.status).toBe(400);
    const message = 'Choose the family’s reason from the list, or leave it';
    expect(errorsOf(html).summary).toEqual([{ href: '#category', text: message }]);
    expect(errorsOf(html).byField.category).toBe(message);
    expect(parse(html).querySelector('#reason')?.text).toBe('Clinic closed');
    expect((await getBooking(deps.store, booking.id))?.status).toBe('BOOKED');
  });

  it('the contact form with sms=maybe says to choose, on the Texts question; nothing is saved', async () => {
    // Act
    const res = await post(manager, `/staff/families/${booking.clientId}/contact`, {
      phone: '',
      line1: '1 New Road',
      town: 'Maidstone',
      postcode: 'ME14 1AA',
      sms: 'maybe',
      letter: 'on',
    });
    const html = await res.text();

    // Assess
    expect(res.status).toBe(400);
    expect(errorsOf(html).summary).toEqual([{ href: '#sms', text: 'Choose whether to send texts' }]);
    expect(errorsOf(html).byField.sms).toBe('Choose whether to send texts');
    expect(parse(html).querySelector('#address-line1')?.getAttribute('value')).toBe('1 New Road');
    const family = await get(manager, `/staff/families/${booking.clientId}`);
    expect(await family.text()).not.toContain('1 New Road');
  });

  it('a session form whose day is not a real date (2026-02-30) shows the form again, naming the date', async () => {
    // Act
    const res = await post(scheduler, '/staff/slots/session', {
      clinicId: clinic.id,
      type: 'one-year-review',
      date: '2026-02-30',
      from: '10:00',
      to: '12:00',
      every: '30',
    });
    const html = await res.text();

    // Assess
    expect(res.status).toBe(400);
    expect(html).not.toMatch(/could not read what you sent/);
    expect(errorsOf(html).summary.map((e) => e.text)).toEqual([
      'Date must be a real date, written like 2026-03-31',
    ]);
    expect(parse(html).querySelector('#session-from')?.getAttribute('value')).toBe('10:00');
  });
});

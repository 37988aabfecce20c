/**
 * Today's "Families to call" is one list of tomorrow's bookings that need a call from staff: families
 * with two or more misses in a year, or flagged vulnerable, who have not replied; and families that
 * neither a text nor a letter can reach (before, those were only in `GET /call-list`, which no page
 * showed, so nobody reminded them). Each row says why in words; a booking that is both is one row.
 * Real web app, route table and DynamoDB Local, as each role.
 */
import { parse } from 'node-html-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Booking, Client } from '#core/model.ts';
import { optOutNumber } from '#services/consent.ts';
import { handleInboundSms } from '#services/replies.ts';
import { createBooking } from '#store/bookings.ts';
import {
  type BrowserDoor,
  type BrowserSession,
  browserDoor,
  WEB_ORIGIN,
} from '#tests/support/browser-door.ts';
import { aBookingFor, aClient, aClinic, anInboundSms, aSlotFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { pageProblems } from '#tests/support/page-check.ts';
import { seed } from './helpers.ts';

/** Monday 23 November 2026, 09:00 in London: tomorrow is Tuesday 24 November. */
const NOW = '2026-11-23T09:00:00.000Z';
const TOMORROW = '2026-11-24';
const address = { lines: ['12 Mill Lane'], town: 'Maidstone', postcode: 'ME14 1XX' };
const vulnerable = { needsCarer: false, parentalMentalHealth: false, vulnerable: true, doNotText: false };

let deps: TestDeps;
let door: BrowserDoor;
let healthVisitor: BrowserSession;
let scheduler: BrowserSession;
let nobody: BrowserSession;
const clinic = aClinic({ id: 'riverside', name: 'Riverside Clinic' });
const booked = new Map<string, Booking>();

async function aBooking(client: Client, startsAt: string, overrides: Partial<Booking> = {}) {
  const slot = aSlotFor(clinic, { startsAt, localDay: startsAt.slice(0, 10), type: 'clinic' });
  await seed(deps.store, { slots: [slot] });
  return createBooking(deps.store, aBookingFor(slot, client, overrides));
}

beforeAll(async () => {
  deps = testDeps(await freshTable(), NOW);
  door = browserDoor(deps);
  healthVisitor = await door.signIn({ name: 'Hana Visitor', roles: ['health-visitor'] });
  scheduler = await door.signIn({ name: 'Sam Patel', roles: ['scheduler'] });
  nobody = await door.signIn({ name: 'No Role', roles: [] });
  await seed(deps.store, { clinic });

  const families = {
    // Texted STOP since booking, no address: no text, no letter.
    stopped: aClient({ firstName: 'Stella', familyName: 'Stop' }),
    // Texts switched off by staff, letters on but no address.
    textsOff: aClient({
      firstName: 'Tom',
      familyName: 'Off',
      contact: { sms: { on: false }, letter: { on: true } },
    }),
    // Two misses this year, reachable by text, no reply: high risk only.
    twice: aClient({ firstName: 'Wendy', familyName: 'Twice', address }),
    // Flagged vulnerable, no reply, and a number that cannot get texts with letters off: both kinds.
    both: aClient({
      firstName: 'Bella',
      familyName: 'Both',
      flags: vulnerable,
      address,
      contact: { sms: { on: true }, letter: { on: false } },
    }),
    // Flagged vulnerable, an address (so letters reach them), texted STOP since booking: STOP is not
    // a reply about the appointment, so they are still called.
    quiet: aClient({ firstName: 'Quinn', familyName: 'Quiet', flags: vulnerable, address }),
    // Flagged vulnerable and replied about the appointment since booking: not called.
    answered: aClient({ firstName: 'Ava', familyName: 'Answered', flags: vulnerable, address }),
    // Reachable by text, nothing else: not called.
    ordinary: aClient({ firstName: 'Olive', familyName: 'Ordinary' }),
    // Texts off, but an address: gets a letter, not a call.
    posted: aClient({
      firstName: 'Pam',
      familyName: 'Posted',
      address,
      contact: { sms: { on: false }, letter: { on: true } },
    }),
  };
  await seed(deps.store, { clients: Object.values(families) });
  for (const day of ['2026-03-02', '2026-09-07']) {
    await aBooking(families.twice, `${day}T10:00:00.000Z`, { status: 'DNA' });
  }
  let minute = 0;
  for (const [key, client] of Object.entries(families)) {
    booked.set(key, await aBooking(client, `${TOMORROW}T10:${String(minute).padStart(2, '0')}:00.000Z`));
    minute += 7;
  }
  await handleInboundSms(deps, anInboundSms(families.stopped.phone, 'STOP'));
  await handleInboundSms(deps, anInboundSms(families.quiet.phone, 'STOP'));
  await handleInboundSms(deps, anInboundSms(families.answered.phone, 'See you tomorrow, thanks'));
  await optOutNumber(deps, families.both.phone, { reason: 'unreachable', at: NOW });
});

async function open(session: BrowserSession, path = '/staff/today') {
  const res = await door.app.handle(
    new Request(`${WEB_ORIGIN}${path}`, { headers: { cookie: session.cookie } }),
  );
  const html = await res.text();
  const doc = parse(html);
  const text = (el: { text: string }) => el.text.replace(/\s+/g, ' ').trim();
  const table = doc
    .querySelectorAll('table')
    .find((t) => text(t.querySelector('caption') ?? { text: '' }) === 'Families to call');
  return {
    status: res.status,
    location: res.headers.get('location'),
    html,
    heading: doc.querySelector('#to-call') ? text(doc.querySelector('#to-call')!) : undefined,
    rows: (table?.querySelectorAll('tbody tr') ?? []).map((tr) => {
      const [family, , why] = tr.querySelectorAll('td');
      return {
        family: text(family!.querySelector('a')!),
        why: why!.querySelectorAll('li').map(text),
      };
    }),
  };
}

describe("Today's families to call", () => {
  it('lists both kinds, each once, with why in words, and no family a text or letter reaches', async () => {
    // Act
    const page = await open(healthVisitor);

    // Assess
    expect(page.status).toBe(200);
    expect(page.heading).toBe('Families to call');
    expect(page.rows).toEqual([
      { family: 'Stella Stop', why: ['Cannot be texted (texted STOP) and no postal address'] },
      { family: 'Tom Off', why: ['Texts are off for this family and no postal address'] },
      { family: 'Wendy Twice', why: ['2 missed appointments in the last year, no reply to texts'] },
      {
        family: 'Bella Both',
        why: ['Flagged vulnerable, no reply', 'Number cannot get texts and letters are off for this family'],
      },
      { family: 'Quinn Quiet', why: ['Flagged vulnerable, no reply'] },
    ]);
    expect(pageProblems(page.html)).toEqual([]);
  });

  it('tells a scheduler the health visitor flagged a family, not that it is flagged vulnerable', async () => {
    const page = await open(scheduler);
    expect(page.status).toBe(200);
    expect(page.rows.map((r) => r.family)).toEqual([
      'Stella Stop',
      'Tom Off',
      'Wendy Twice',
      'Bella Both',
      'Quinn Quiet',
    ]);
    expect(page.rows[3]!.why).toEqual([
      'Flagged by the health visitor, no reply',
      'Number cannot get texts and letters are off for this family',
    ]);
    expect(page.html).not.toMatch(/vulnerable, no reply/i);
    // The list's introduction does not name the flag either (README, "Do not text and safeguarding flags").
    expect(page.html).toContain('or flagged by the health visitor, who have not replied');
    expect(page.html).not.toMatch(/vulnerable/i);
  });

  it('tells a health visitor the list holds families flagged vulnerable', async () => {
    const page = await open(healthVisitor);
    expect(page.html).toContain('or flagged vulnerable, who have not replied');
  });

  it('gives someone with no role neither the page nor the list behind it', async () => {
    const page = await open(nobody);
    expect(page.location).toBe('/auth/no-access');
    expect(page.rows).toEqual([]);
    const api = await door.call(nobody, 'GET', '/families-to-call?include=cannot-reach');
    expect(api.status).toBe(403);
  });

  it('keeps GET /families-to-call as it was without include, and GET /call-list as it was', async () => {
    const plain = await door.call(healthVisitor, 'GET', '/families-to-call');
    const body = (await plain.json()) as {
      date: string;
      items: { booking: { id: string }; why: string[] }[];
    };
    expect(body.date).toBe(TOMORROW);
    expect(body.items.map((i) => [i.booking.id, i.why])).toEqual([
      [booked.get('twice')!.id, ['missed']],
      [booked.get('both')!.id, ['vulnerable']],
      [booked.get('quiet')!.id, ['vulnerable']],
    ]);
    const callList = await door.call(healthVisitor, 'GET', `/call-list?date=${TOMORROW}`);
    const list = (await callList.json()) as {
      items: { bookingId: string; noSms: string; noLetter: string }[];
    };
    expect(list.items.map((i) => [i.bookingId, i.noSms, i.noLetter])).toEqual([
      [booked.get('stopped')!.id, 'opted-out', 'no-address'],
      [booked.get('textsOff')!.id, 'sms-off', 'no-address'],
      [booked.get('both')!.id, 'unreachable', 'letter-off'],
    ]);
  });
});

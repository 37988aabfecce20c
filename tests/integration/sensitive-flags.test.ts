/**
 * "Schedulers are not shown the parental-mental-health and vulnerable flags, and are told to ask the
 * health visitor why; health visitors, managers and administrators see them" (README, "Do not text and
 * safeguarding flags"). Every route a scheduler may call that answers with a client, a family to call,
 * a waitlist entry, a score breakdown or a follow-up, through the browser door and the IAM door, as a
 * scheduler and as a health visitor (or a manager, where a health visitor may not use the route), and
 * the short-notice page. Real web app, route table and DynamoDB Local.
 */
import { parse } from 'node-html-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '#core/roles.ts';
import { startBackfill } from '#services/backfill.ts';
import { bookSlot, cancelByStaff } from '#services/bookings.ts';
import { handleInboundSms } from '#services/replies.ts';
import { addToWaitlist } from '#services/waitlist.ts';
import { createBooking } from '#store/bookings.ts';
import {
  type BrowserDoor,
  type BrowserSession,
  browserDoor,
  WEB_ORIGIN,
} from '#tests/support/browser-door.ts';
import {
  aBookingFor,
  aClient,
  aClinic,
  anInboundSms,
  aSlotFor,
  aWaitlistRequestFor,
} from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi, IAM_CALLER_ARNS } from '#tests/support/function-url.ts';
import { seed } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London: tomorrow is Tuesday 24 November. */
const NOW = '2026-11-23T10:00:00.000Z';
/** Born on 5 October, a baby is due the 6-8 week review from 16 to 30 November. */
const BORN = '2026-10-05';
const TYPE = 'six-to-eight-week-review';
const flagged = { needsCarer: false, parentalMentalHealth: true, vulnerable: true, doNotText: false };
/** What a scheduler's answers must not say, in any form. */
const SENSITIVE = /vulnerable|parentalMentalHealth|parental-mental-health|mental health|safeguarding/i;

let deps: TestDeps;
let door: BrowserDoor;
const sessions = new Map<Role, BrowserSession>();
const clinic = aClinic({ id: 'riverside', name: 'Riverside Clinic' });
// Flagged, booked tomorrow and silent: on the families to call.
const bella = aClient({ firstName: 'Bella', familyName: 'Called', flags: flagged, dateOfBirth: BORN });
// Flagged, on the short-notice list and offered a freed slot (so no longer waiting).
const ava = aClient({
  firstName: 'Ava',
  familyName: 'Waiting',
  flags: { ...flagged, imdDecile: 1 },
  dateOfBirth: BORN,
});
// Flagged, put on the list after the slot was offered: waiting.
const bea = aClient({
  firstName: 'Bea',
  familyName: 'Listed',
  flags: { ...flagged, imdDecile: 1 },
  dateOfBirth: BORN,
});
// Not flagged, waiting too, below Bea.
const dev = aClient({ firstName: 'Dev', familyName: 'Plain', dateOfBirth: BORN });
// Flagged, texted a question: in the inbox.
const cara = aClient({ firstName: 'Cara', familyName: 'Texting', flags: flagged });
// Flagged, each not brought on Friday (a scheduler records one outcome, a health visitor the other).
const wren = aClient({ firstName: 'Wren', familyName: 'Missed', flags: flagged });
const wynn = aClient({ firstName: 'Wynn', familyName: 'Missed', flags: flagged });
const holder = aClient({ firstName: 'Holly', familyName: 'Holder', dateOfBirth: BORN });
let waitlistEntryId: string;
let freedSlotId: string;
let inboxItemId: string;
const wnbBookings: string[] = [];

async function getJson(role: Role, path: string): Promise<{ status: number; body: unknown; text: string }> {
  const res = await door.call(sessions.get(role)!, 'GET', path);
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as unknown, text };
}

beforeAll(async () => {
  deps = testDeps(await freshTable(), NOW);
  door = browserDoor(deps);
  for (const role of ['scheduler', 'health-visitor', 'manager'] as const) {
    sessions.set(role, await door.signIn({ name: `A ${role}`, roles: [role] }));
  }
  await seed(deps.store, { clinic, clients: [bella, ava, bea, dev, cara, wren, wynn, holder] });

  const tomorrow = aSlotFor(clinic, {
    startsAt: '2026-11-24T10:00:00.000Z',
    localDay: '2026-11-24',
    type: 'clinic',
  });
  await seed(deps.store, { slots: [tomorrow] });
  await createBooking(deps.store, aBookingFor(tomorrow, bella));

  for (const [startsAt, child] of [
    ['2026-11-20T10:00:00.000Z', wren],
    ['2026-11-20T11:00:00.000Z', wynn],
  ] as const) {
    const past = aSlotFor(clinic, { startsAt, localDay: '2026-11-20', type: 'clinic' });
    await seed(deps.store, { slots: [past] });
    wnbBookings.push((await createBooking(deps.store, aBookingFor(past, child))).id);
  }

  await addToWaitlist(deps, aWaitlistRequestFor(ava, clinic));
  // Thursday 26 November, 14:00: inside the short-notice lead time; freed, and offered to the list.
  const freed = aSlotFor(clinic, { startsAt: '2026-11-26T14:00:00.000Z' });
  freedSlotId = freed.id;
  await seed(deps.store, { slots: [freed] });
  const held = await bookSlot(deps, { slotId: freed.id, clientId: holder.id, by: 'staff', source: 'staff' });
  await cancelByStaff(deps, { bookingId: held.id, by: 'staff', reason: 'unwell', notify: false });
  await startBackfill(deps, freed.id);
  waitlistEntryId = (await addToWaitlist(deps, aWaitlistRequestFor(bea, clinic))).id;
  await addToWaitlist(deps, aWaitlistRequestFor(dev, clinic));

  await handleInboundSms(deps, anInboundSms(cara.phone, 'Can I bring her sister along too?'));
  const inbox = (await getJson('health-visitor', '/inbox')).body as {
    items: { id: string; phone?: string }[];
  };
  inboxItemId = inbox.items.find((i) => i.phone === cara.phone)!.id;
});

/** Every GET a scheduler may make whose answer carries the flags, a score breakdown or a family to call. */
const reads = (): { path: string; other: Role }[] => [
  { path: `/clients/${bella.id}`, other: 'health-visitor' },
  { path: `/clients?phone=${encodeURIComponent(bella.phone)}`, other: 'health-visitor' },
  { path: `/families/${bella.id}`, other: 'health-visitor' },
  { path: '/families?q=Bella', other: 'health-visitor' },
  { path: '/families-to-call?include=cannot-reach', other: 'health-visitor' },
  { path: '/families-to-call', other: 'health-visitor' },
  { path: `/inbox/${inboxItemId}/conversation`, other: 'health-visitor' },
  // The short-notice list and offers are for schedulers, managers and admins.
  { path: `/short-notice?type=${TYPE}`, other: 'manager' },
  { path: '/short-notice/runs', other: 'manager' },
  { path: `/waitlist?type=${TYPE}`, other: 'manager' },
  { path: `/waitlist/${waitlistEntryId}`, other: 'manager' },
  { path: `/offers?slot=${freedSlotId}`, other: 'manager' },
];

describe('the safeguarding flags in the routes', () => {
  it('are in no answer to a scheduler, and in every one to those who see them', async () => {
    for (const { path, other } of reads()) {
      const asScheduler = await getJson('scheduler', path);
      expect(asScheduler.status, path).toBe(200);
      expect(asScheduler.text, path).not.toMatch(SENSITIVE);
      const asOther = await getJson(other, path);
      expect(asOther.status, path).toBe(200);
      expect(asOther.text, path).toMatch(/vulnerable/i);
    }
  });

  it("leave out the client's two flags for a scheduler, and keep the others", async () => {
    const scheduler = (await getJson('scheduler', `/clients/${bella.id}`)).body as { flags: object };
    expect(scheduler.flags).toEqual({ needsCarer: false, doNotText: false });
    const hv = (await getJson('health-visitor', `/clients/${bella.id}`)).body as { flags: object };
    expect(hv.flags).toEqual(flagged);
    const family = (await getJson('scheduler', `/families/${bella.id}`)).body as {
      client: { flags: object };
    };
    expect(family.client.flags).toEqual({ needsCarer: false, doNotText: false });
  });

  it('tell a scheduler a family to call was flagged by the health visitor, not that it is vulnerable', async () => {
    type ToCall = { items: { firstName: string; vulnerable?: boolean; why: string[] }[] };
    const path = '/families-to-call?include=cannot-reach';
    const scheduler = (await getJson('scheduler', path)).body as ToCall;
    const hv = (await getJson('health-visitor', path)).body as ToCall;
    expect(scheduler.items.map((i) => [i.firstName, i.why, 'vulnerable' in i])).toEqual([
      ['Bella', ['flagged'], false],
    ]);
    expect(hv.items.map((i) => [i.firstName, i.why, i.vulnerable])).toEqual([
      ['Bella', ['vulnerable'], true],
    ]);
  });

  it('fold the two flags into one line of the score a scheduler reads, keeping the score and the order', async () => {
    type Listed = {
      items: {
        firstName?: string;
        scoreNow: number;
        breakdown: { factor: string; points: number; detail: string }[];
      }[];
    };
    const path = `/short-notice?type=${TYPE}`;
    const scheduler = (await getJson('scheduler', path)).body as Listed;
    const manager = (await getJson('manager', path)).body as Listed;
    expect(scheduler.items.map((i) => [i.firstName, i.scoreNow])).toEqual(
      manager.items.map((i) => [i.firstName, i.scoreNow]),
    );
    expect(scheduler.items.map((i) => i.firstName)).toEqual(['Bea', 'Dev']);
    const seen = manager.items[0]!.breakdown;
    const told = scheduler.items[0]!.breakdown;
    const flagPoints = seen
      .filter((p) => p.factor === 'vulnerable' || p.factor === 'parental-mental-health')
      .reduce((sum, p) => sum + p.points, 0);
    expect(flagPoints).toBeGreaterThan(0);
    expect(told.filter((p) => p.factor === 'health-visitor-priority')).toEqual([
      {
        factor: 'health-visitor-priority',
        points: flagPoints,
        detail: 'Priority set by the health visitor (ask them why)',
      },
    ]);
    expect(told.reduce((sum, p) => sum + p.points, 0)).toBeCloseTo(scheduler.items[0]!.scoreNow, 1);
  });

  it('give a machine caller (IAM) the same answer by its roles', async () => {
    const asScheduler = await callApi(
      deps,
      'GET',
      `/clients/${bella.id}`,
      undefined,
      IAM_CALLER_ARNS.scheduler,
    );
    expect(asScheduler.status).toBe(200);
    expect(JSON.stringify(asScheduler.body)).not.toMatch(SENSITIVE);
    const runs = await callApi(deps, 'GET', '/short-notice/runs', undefined, IAM_CALLER_ARNS.scheduler);
    expect(JSON.stringify(runs.body)).not.toMatch(SENSITIVE);
    const asHv = await callApi<{ flags: object }>(
      deps,
      'GET',
      `/clients/${bella.id}`,
      undefined,
      IAM_CALLER_ARNS['health-visitor'],
    );
    expect(asHv.body.flags).toEqual(flagged);
  });

  it("say a scheduler's WNB opened a follow-up for a flagged child, not that the child is vulnerable", async () => {
    const post = (role: Role, id: string) =>
      door.call(sessions.get(role)!, 'POST', `/bookings/${id}/outcome`, JSON.stringify({ outcome: 'WNB' }));
    const asScheduler = await post('scheduler', wnbBookings[0]!);
    const schedulerText = await asScheduler.text();
    expect(asScheduler.status).toBe(200);
    expect(schedulerText).not.toMatch(SENSITIVE);
    expect((JSON.parse(schedulerText) as { followUp?: { reason: string } }).followUp?.reason).toBe(
      'flagged-wnb',
    );
    const asHv = await post('health-visitor', wnbBookings[1]!);
    expect(asHv.status).toBe(200);
    expect(
      ((await asHv.json()) as { followUp?: { reason: string; vulnerable: boolean } }).followUp,
    ).toMatchObject({
      reason: 'vulnerable-wnb',
      vulnerable: true,
    });
  });
});

describe('the short-notice page', () => {
  async function open(role: Role) {
    const res = await door.app.handle(
      new Request(`${WEB_ORIGIN}/staff/short-notice?type=${TYPE}`, {
        headers: { cookie: sessions.get(role)!.cookie },
      }),
    );
    const html = await res.text();
    return {
      status: res.status,
      html,
      text: parse(html).querySelector('main')?.text.replace(/\s+/g, ' ') ?? '',
    };
  }

  it('shows a scheduler the health visitor set a priority, not why', async () => {
    const page = await open('scheduler');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Bea');
    expect(page.text).toContain('Priority set by the health visitor (ask them why)');
    expect(page.html).not.toMatch(/vulnerable|mental health/i);
  });

  it('shows a manager the flags behind the score', async () => {
    const page = await open('manager');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Vulnerable family or safeguarding concern');
    expect(page.text).toContain('Parent has a mental health condition');
    expect(page.text).not.toContain('Priority set by the health visitor');
  });
});

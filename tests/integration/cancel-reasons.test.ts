/**
 * Reasons for cancelling or missing become data (issue 13, item 4), against DynamoDB Local and the real
 * table stream: the parent page, a CANCEL text the parser can classify, a staff cancellation and a
 * staff outcome each record the reason on the booking, and GET /metrics counts them by week,
 * appointment type and IMD quintile.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Clinic, Slot } from '#core/model.ts';
import { StreamPoller } from '#local/stream-poller.ts';
import { bookSlot } from '#services/bookings.ts';
import { countStreamRecord } from '#services/metrics.ts';
import { handleInboundSms } from '#services/replies.ts';
import { getBooking } from '#store/bookings.ts';
import type { StoreContext } from '#store/context.ts';
import { METRICS_FILTER_PATTERNS } from '#store/metrics-stream-filters.ts';
import type { ClientWithPhone } from '#tests/support/builders.ts';
import { aClient, aClinic, anInboundSms, aSlotFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi } from '#tests/support/function-url.ts';
import { linkIn, linksOnConfig, ParentBrowser } from '#tests/support/parent-pages.ts';
import { createWebApp } from '#web/app.ts';
import { signInNotConfigured } from '#web/staff-session.ts';
import { seed } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London. */
const NOW = '2026-11-23T10:00:00.000Z';
const BORN = '2026-10-05';
const WEEK = 'from=2026-11-23&to=2026-11-29';

let store: StoreContext & { endpoint: string };
let clinic: Clinic;
let deps: TestDeps;
let poller: StreamPoller;

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic({ id: 'riverside' });
  await seed(store, { clinic });
  deps = testDeps(store, NOW, linksOnConfig);
  poller = new StreamPoller({
    endpoint: store.endpoint,
    tableName: store.table,
    filters: METRICS_FILTER_PATTERNS,
    handler: async (event) => {
      for (const record of event.Records) {
        const image = (i: unknown) => (i ? (unmarshall(i as never) as Record<string, unknown>) : undefined);
        await countStreamRecord(deps, {
          eventId: record.eventID!,
          eventName: record.eventName,
          oldImage: image(record.dynamodb?.OldImage),
          newImage: image(record.dynamodb?.NewImage),
        });
      }
    },
  });
  await poller.init();
});

afterEach(async () => {
  await poller.close();
});

async function booked(imdDecile: number, startsAt: string, type = 'six-to-eight-week-review') {
  const child: ClientWithPhone = aClient({ dateOfBirth: BORN, flags: { ...aClient().flags, imdDecile } });
  const slot: Slot = aSlotFor(clinic, { startsAt, type });
  await seed(store, { clients: [child], slots: [slot] });
  const booking = await bookSlot(deps, { slotId: slot.id, clientId: child.id, by: 'hv', source: 'staff' });
  return { child, booking };
}

it('page, text, staff cancellation and staff outcome reasons are recorded and counted by week, type and IMD quintile', async () => {
  // The parent page: transport, a family in IMD decile 1 (quintile 1).
  const onPage = await booked(1, '2026-11-26T14:00:00.000Z');
  const browser = new ParentBrowser(createWebApp(deps, { staffSessions: signInNotConfigured }));
  const link = linkIn(deps.outbox.entries.at(-1)!.body);
  await browser.check(link, BORN);
  await browser.submit(`${link}/cancel`, `${link}/cancel`, { reason: 'transport' });
  // A CANCEL text the parser reads as transport, IMD decile 2 (quintile 1).
  const byText = await booked(2, '2026-11-26T15:00:00.000Z');
  await handleInboundSms(deps, anInboundSms(byText.child.phone, 'cant get there no bus'));
  // Staff cancel for the family, who said it was work; IMD decile 9 (quintile 5).
  const byStaff = await booked(9, '2026-11-27T10:00:00.000Z');
  const cancelled = await callApi(deps, 'POST', `/bookings/${byStaff.booking.id}/cancel`, {
    reason: 'Mum called: cannot get time off',
    category: 'work',
    notify: false,
  });
  expect(cancelled.status).toBe(200);
  // A DNA whose outcome note says the child was unwell.
  const missed = await booked(9, '2026-11-24T09:00:00.000Z');
  deps.clock.set('2026-11-24T12:00:00.000Z');
  const outcome = await callApi(deps, 'POST', `/bookings/${missed.booking.id}/outcome`, {
    outcome: 'DNA',
    note: 'Mum rang later: baby poorly',
    category: 'unwell',
  });
  expect(outcome.status).toBe(200);

  expect((await getBooking(store, onPage.booking.id))?.cancelCategory).toBe('transport');
  expect(await getBooking(store, byText.booking.id)).toMatchObject({
    status: 'CANCELLED',
    cancelCategory: 'transport',
  });
  expect((await getBooking(store, byStaff.booking.id))?.cancelCategory).toBe('work');
  expect(await getBooking(store, missed.booking.id)).toMatchObject({
    status: 'DNA',
    cancelCategory: 'unwell',
  });

  await poller.drain();
  type Cancellations = { reasons: Record<string, number> };
  type Report = {
    totals: {
      summary: { cancellations: Cancellations };
      byType: Record<string, { cancellations: Cancellations }>;
      byImdQuintile: Record<string, { cancellations: Cancellations }>;
    };
    periods: { period: string; summary: { cancellations: Cancellations } }[];
  };
  const res = await callApi<Report>(deps, 'GET', `/metrics?${WEEK}&groupBy=week`);
  expect(res.status).toBe(200);
  const expected = {
    work: 1,
    childcare: 0,
    transport: 2,
    unwell: 1,
    forgot: 0,
    'no-longer-needed': 0,
    other: 0,
  };
  expect(res.body.totals.summary.cancellations.reasons).toEqual(expected);
  expect(res.body.periods.map((p) => p.summary.cancellations.reasons)).toEqual([expected]);
  expect(res.body.totals.byType['six-to-eight-week-review']?.cancellations.reasons).toEqual(expected);
  expect(res.body.totals.byImdQuintile['1']?.cancellations.reasons).toMatchObject({ transport: 2, work: 0 });
  expect(res.body.totals.byImdQuintile['5']?.cancellations.reasons).toMatchObject({ work: 1, unwell: 1 });
});

it('a CANCEL text whose reason the parser cannot classify goes to the inbox; the staff tag then counts by week, type and IMD quintile', async () => {
  // Prepare: a family in IMD decile 3 (quintile 2) cancels in words no lexicon knows.
  const { child, booking } = await booked(3, '2026-11-26T14:00:00.000Z');
  const body = 'cancel sorry the twins have their nursery nativity';

  // Act
  const result = await handleInboundSms(deps, anInboundSms(child.phone, body));
  const inbox = await callApi<{ items: { id: string; reason: string; bookingIds: string[] }[] }>(
    deps,
    'GET',
    '/inbox',
  );
  const item = inbox.body.items.find((i) => i.bookingIds.includes(booking.id));
  const untaggedBefore = await getBooking(store, booking.id);
  const tagged = await callApi(deps, 'POST', `/inbox/${item?.id}/reason`, { reason: 'childcare' });
  const notAboutABooking = await callApi(deps, 'POST', '/inbox/no-such-item/reason', { reason: 'work' });
  await poller.drain();
  const res = await callApi<{
    totals: {
      summary: { cancellations: { reasons: Record<string, number> } };
      byType: Record<string, { cancellations: { reasons: Record<string, number> } }>;
      byImdQuintile: Record<string, { cancellations: { reasons: Record<string, number> } }>;
    };
    periods: { summary: { cancellations: { reasons: Record<string, number> } } }[];
  }>(deps, 'GET', `/metrics?${WEEK}&groupBy=week`);

  // Assess
  expect(result.outcome).toBe('cancelled');
  expect(untaggedBefore).toMatchObject({ status: 'CANCELLED' });
  expect(untaggedBefore?.cancelCategory).toBeUndefined();
  expect(item?.reason).toBe('untagged-reason');
  expect(tagged.status).toBe(200);
  expect(notAboutABooking.status).toBe(404);
  expect(await getBooking(store, booking.id)).toMatchObject({ cancelCategory: 'childcare' });
  expect(res.body.totals.summary.cancellations.reasons.childcare).toBe(1);
  expect(res.body.periods[0]?.summary.cancellations.reasons.childcare).toBe(1);
  expect(res.body.totals.byType['six-to-eight-week-review']?.cancellations.reasons.childcare).toBe(1);
  expect(res.body.totals.byImdQuintile['2']?.cancellations.reasons.childcare).toBe(1);
});

it('a plain CANCEL text ("Cancel please") does not go to the inbox', async () => {
  const { child } = await booked(3, '2026-11-26T14:00:00.000Z');
  await handleInboundSms(deps, anInboundSms(child.phone, 'Cancel please'));
  const inbox = await callApi<{ items: unknown[] }>(deps, 'GET', '/inbox');
  expect(inbox.body.items).toEqual([]);
});

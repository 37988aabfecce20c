/**
 * Today's "Texts" column says why a text was not sent in plain words, not as a code (tester's fault,
 * session 7, item 3); and a family whose texts staff switched off (`contact.sms.on: false`) is recorded
 * and shown as "texts are off for this family" (`sms-off`), not "do not text", which is a different
 * flag they do not have. Real web app, route table, booking path and DynamoDB Local.
 */
import { parse } from 'node-html-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '#core/model.ts';
import { bookSlot } from '#services/bookings.ts';
import { optOutNumber } from '#services/consent.ts';
import { createBooking, getBooking } from '#store/bookings.ts';
import { type BrowserSession, browserDoor, WEB_ORIGIN } from '#tests/support/browser-door.ts';
import { aBookingFor, aClient, aClinic, aSlotFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi } from '#tests/support/function-url.ts';
import { seed } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London: confirmations go at once. */
const NOW = '2026-11-23T10:00:00.000Z';
const DAY = '2026-11-26';
const clinic = aClinic({ id: 'riverside', name: 'Riverside Clinic' });

let deps: TestDeps;
let html: string;
const ids: Record<string, string> = {};

async function book(client: Client, hour: number): Promise<string> {
  const slot = aSlotFor(clinic, { startsAt: `${DAY}T${String(hour).padStart(2, '0')}:00:00.000Z` });
  await seed(deps.store, { slots: [slot] });
  return (await bookSlot(deps, { slotId: slot.id, clientId: client.id, by: 'hv', source: 'staff' })).id;
}

beforeAll(async () => {
  deps = testDeps(await freshTable(), NOW);
  const door = browserDoor(deps);
  const scheduler: BrowserSession = await door.signIn({ name: 'Sam Patel', roles: ['scheduler'] });
  const off = aClient({ firstName: 'Tom' });
  const flagged = aClient({
    firstName: 'Dina',
    flags: { needsCarer: false, parentalMentalHealth: false, vulnerable: false, doNotText: true },
  });
  const stopped = aClient({ firstName: 'Stella' });
  const demo = aClient({ firstName: 'Demi' });
  await seed(deps.store, { clinic, clients: [off, flagged, stopped, demo] });
  // Texts switched off by staff through the API, as the README says.
  const patched = await callApi(deps, 'PATCH', `/clients/${off.id}`, { contact: { sms: { on: false } } });
  expect(patched.status).toBe(200);
  await optOutNumber(deps, stopped.phone, { reason: 'stop-text', at: NOW });
  ids.off = await book(off, 10);
  ids.flagged = await book(flagged, 11);
  ids.stopped = await book(stopped, 12);
  // A demo booking whose texts fell before the demo began.
  const slot = aSlotFor(clinic, { startsAt: `${DAY}T13:00:00.000Z` });
  await seed(deps.store, { slots: [slot] });
  await createBooking(
    deps.store,
    aBookingFor(slot, demo, {
      tiers: {
        confirmation: {
          kind: 'confirmation',
          dueAt: '2026-11-20T10:00:00.000Z',
          status: 'SKIPPED',
          attempts: 0,
          skipReason: 'before-demo-start',
        },
      },
    }),
  );
  const res = await door.app.handle(
    new Request(`${WEB_ORIGIN}/staff/today?clinic=riverside&date=${DAY}`, {
      headers: { cookie: scheduler.cookie },
    }),
  );
  expect(res.status).toBe(200);
  html = await res.text();
});

const rowOf = (name: string) =>
  parse(html)
    .querySelectorAll('tr')
    .map((tr) => tr.text.replace(/\s+/g, ' ').trim())
    .find((text) => text.includes(name)) ?? '';

describe("Today's Texts column", () => {
  it('a family whose texts staff switched off is recorded as sms-off and shown as texts off, not do not text', async () => {
    expect((await getBooking(deps.store, ids.off!))?.tiers.confirmation).toMatchObject({
      status: 'SKIPPED',
      skipReason: 'sms-off',
    });
    expect(rowOf('Tom')).toMatch(/Confirmation not sent .*\(texts are off for this family\)/);
    expect(rowOf('Tom')).not.toMatch(/do not text|do-not-text/);
  });

  it('says each other reason in words, never the code', async () => {
    expect((await getBooking(deps.store, ids.flagged!))?.tiers.confirmation?.skipReason).toBe('do-not-text');
    expect(rowOf('Dina')).toMatch(/Confirmation not sent .*\(do not text\)/);
    expect(rowOf('Stella')).toMatch(/Confirmation not sent .*\(the number is opted out of texts\)/);
    expect(rowOf('Demi')).toMatch(/Confirmation not sent .*\(before the demo's start\)/);
    for (const code of ['(do-not-text)', '(opted-out)', '(before-demo-start)', '(sms-off)']) {
      expect(html).not.toContain(code);
    }
  });
});

/**
 * Contact preferences against a real table: a family with neither texts nor letters (do-not-text and
 * do-not-post, as when an abuser shares the address) is on the day's call list, with both reasons; a
 * family who may get post is not (they get letters); nor is one who may get texts.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Client, Clinic } from '#core/model.ts';
import { bookSlot } from '#services/bookings.ts';
import { optOutNumber } from '#services/consent.ts';
import { callList, contactRouteOf } from '#services/contact.ts';
import type { StoreContext } from '#store/context.ts';
import { aClient, aClinic, aSlotFor } from '#tests/support/builders.ts';
import { exampleConfig, freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { seed } from './helpers.ts';

const NOW = '2026-11-23T10:00:00.000Z';
const DAY = '2026-12-03';
const address = { lines: ['12 Mill Lane'], town: 'Maidstone', postcode: 'ME14 1XX' };

let store: StoreContext;
let deps: TestDeps;
let clinic: Clinic;

beforeEach(async () => {
  store = await freshTable();
  deps = testDeps(store, NOW);
  clinic = aClinic();
  await seed(store, { clinic });
});

async function booked(client: Client, time: string) {
  const slot = aSlotFor(clinic, { startsAt: `${DAY}T${time}:00.000Z` });
  await seed(store, { clients: [client], slots: [slot] });
  return bookSlot(deps, { slotId: slot.id, clientId: client.id, by: 'staff:hv-1', source: 'staff' });
}

describe('the families to call', () => {
  it('holds a family with neither channel, with both reasons, and no family a text or a letter can reach', async () => {
    // Prepare: do-not-text and do-not-post; do-not-text with an address (letters); an ordinary family
    const neither = aClient({
      address,
      contact: {
        sms: { on: false, reason: 'risk at home' },
        letter: { on: false, reason: 'shares the address' },
      },
    });
    const postOnly = aClient({
      address,
      contact: { sms: { on: false, reason: 'asked' }, letter: { on: true } },
    });
    const ordinary = aClient();
    const b1 = await booked(neither, '09:00');
    await booked(postOnly, '09:30');
    await booked(ordinary, '10:00');

    // Act
    const list = await callList(deps, DAY);

    // Assess
    expect(list).toEqual([
      expect.objectContaining({
        bookingId: b1.id,
        clientId: neither.id,
        noSms: 'sms-off',
        noLetter: 'letter-off',
      }),
    ]);
    expect(await contactRouteOf(deps, neither)).toEqual({
      route: 'call',
      noSms: 'sms-off',
      noLetter: 'letter-off',
    });
    expect(await contactRouteOf(deps, postOnly)).toEqual({ route: 'letter', noSms: 'sms-off' });
    expect(await contactRouteOf(deps, ordinary)).toEqual({ route: 'sms' });
    // Texts switched off are off: only the ordinary family got a confirmation
    expect(deps.outbox.entries.map((e) => e.to)).toEqual([ordinary.phone]);
  });

  it('adds a family whose number is unreachable and who has no address; a STOP with an address gets letters', async () => {
    const dead = aClient();
    const stopped = aClient({ address });
    await booked(dead, '11:00');
    await booked(stopped, '11:30');
    await optOutNumber(deps, dead.phone, { reason: 'unreachable', at: NOW });
    await optOutNumber(deps, stopped.phone, { reason: 'stop-text', at: NOW });

    const list = await callList(deps, DAY);

    expect(list).toEqual([
      expect.objectContaining({ clientId: dead.id, noSms: 'unreachable', noLetter: 'no-address' }),
    ]);
    expect(await contactRouteOf(deps, stopped)).toEqual({ route: 'letter', noSms: 'opted-out' });
  });

  it('puts every family that cannot be texted on the list when the trust makes no letters', async () => {
    const noLetters = testDeps(store, NOW, {
      ...exampleConfig,
      letters: { ...exampleConfig.letters, enabled: false },
    });
    const postOnly = aClient({
      address,
      contact: { sms: { on: false, reason: 'asked' }, letter: { on: true } },
    });
    await booked(postOnly, '12:00');

    expect(await callList(noLetters, DAY)).toEqual([
      expect.objectContaining({ clientId: postOnly.id, noSms: 'sms-off', noLetter: 'letters-disabled' }),
    ]);
  });
});

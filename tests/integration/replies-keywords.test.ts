/**
 * The other replies against a real table: STOP and START for a phone that siblings share, HELP, a YES or
 * NO with no offer to answer, answers in the family's own language, the loop guard against
 * auto-responders, and the record (with its TTL) of every text in and out.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { eventDetailSchemas } from '#core/events.ts';
import type { Booking, Client, Clinic } from '#core/model.ts';
import { bookSlot } from '#services/bookings.ts';
import { consentOf, isSuppressed } from '#services/consent.ts';
import { handleInboundSms } from '#services/replies.ts';
import { getBooking } from '#store/bookings.ts';
import type { StoreContext } from '#store/context.ts';
import { openInbox } from '#store/inbox.ts';
import { keys } from '#store/keys.ts';
import { messagesByPhone } from '#store/messages.ts';
import { aClient, aClinic, anInboundSms, aSlotFor } from '#tests/support/builders.ts';
import { exampleConfig, freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { messageKey, plusMinutes, rawItem, scanEntity, seed, sweepAt } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London (GMT, so local time and UTC agree). */
const NOW = '2026-11-23T10:00:00.000Z';
/** Thursday 3 December 2026, 14:00: ten days away, with a 7-day, a 2-day and a morning-of reminder. */
const LATER = '2026-12-03T14:00:00.000Z';
/** The 7-day reminder of a booking at LATER. */
const SEVEN_DAY_DUE = '2026-11-26T10:00:00.000Z';
const RETENTION_SECONDS = exampleConfig.messages.retentionDays * 86_400;
const SERVICE_PHONE = exampleConfig.servicePhone;

let store: StoreContext;
let clinic: Clinic;
let deps: TestDeps;

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic({ venue: 'Oakwood Health Centre' });
  await seed(store, { clinic });
  deps = testDeps(store, NOW);
});

async function booked(client: Client, startsAt = LATER): Promise<Booking> {
  const slot = aSlotFor(clinic, { startsAt });
  await seed(store, { slots: [slot] });
  return bookSlot(deps, { slotId: slot.id, clientId: client.id, by: 'staff:hv-1', source: 'staff' });
}

const textsTo = (phone: string) => deps.outbox.entries.filter((e) => e.to === phone);
/** The ClientOptedOut details on the bus, read through the event's own schema. */
const optOutEvents = () =>
  deps.bus.events
    .filter((e) => e.type === 'ClientOptedOut')
    .map((e) => eventDetailSchemas.ClientOptedOut.parse(e.detail));
const inboxFor = async (phone: string) => (await openInbox(store)).items.filter((i) => i.phone === phone);

describe('STOP and START for a phone two children share', () => {
  it('STOP opts both out, confirms once, and announces both in one event', async () => {
    // Prepare
    const amelia = aClient({ firstName: 'Amelia' });
    const oliver = aClient({ firstName: 'Oliver', phone: amelia.phone });
    await seed(store, { clients: [amelia, oliver] });
    const sent = textsTo(amelia.phone).length;

    // Act
    const result = await handleInboundSms(deps, anInboundSms(amelia.phone, 'STOP'));

    // Assess
    expect(result).toMatchObject({ outcome: 'opted-out', intent: 'STOP', replied: true });
    expect(await isSuppressed(deps, amelia.phone)).toBe(true);
    expect(await consentOf(deps, oliver.phone)).toEqual({
      state: 'opted-out',
      reason: 'stop-text',
      since: NOW,
    });
    const texts = textsTo(amelia.phone);
    expect(texts).toHaveLength(sent + 1);
    expect(texts.at(-1)?.body).toBe(
      `ECHT: you will get no more texts from us. Reply START to get texts again. Call ${SERVICE_PHONE} to talk to us.`,
    );
    expect(optOutEvents().map((e) => ({ ...e, clientIds: e.clientIds.toSorted() }))).toEqual([
      { clientIds: [amelia.id, oliver.id].toSorted(), optedOut: true, at: NOW },
    ]);
  });

  it('after STOP: no reminder goes out, a CANCEL still cancels without a text, START turns texts on', async () => {
    // Prepare: both children booked, then STOP
    const amelia = aClient({ firstName: 'Amelia' });
    const oliver = aClient({ firstName: 'Oliver', phone: amelia.phone });
    await seed(store, { clients: [amelia, oliver] });
    const first = await booked(amelia);
    const second = await booked(oliver, plusMinutes(LATER, 60));
    await handleInboundSms(deps, anInboundSms(amelia.phone, 'STOP'));
    const afterStop = textsTo(amelia.phone).length;

    // Act 1: the 7-day reminders fall due
    const report = await sweepAt(deps, SEVEN_DAY_DUE);

    // Assess 1
    expect(report.sent).toBe(0);
    expect(textsTo(amelia.phone)).toHaveLength(afterStop);
    expect((await getBooking(store, first.id))?.tiers['7d']).toMatchObject({ status: 'SKIPPED' });

    // Act 2: the parent cancels the first by its code
    const cancel = await handleInboundSms(deps, anInboundSms(amelia.phone, `CANCEL ${first.ref}`));

    // Assess 2: cancelled, recorded, not answered
    expect(cancel).toMatchObject({ outcome: 'cancelled', bookingId: first.id, replied: false });
    expect((await getBooking(store, first.id))?.status).toBe('CANCELLED');
    expect((await getBooking(store, second.id))?.status).toBe('BOOKED');
    expect(textsTo(amelia.phone)).toHaveLength(afterStop);
    const stored = (await messagesByPhone(store, amelia.phone)).items;
    expect(stored.filter((m) => m.direction === 'IN').map((m) => m.body)).toContain(`CANCEL ${first.ref}`);

    // Act 3
    const start = await handleInboundSms(deps, anInboundSms(amelia.phone, 'start'));

    // Assess 3
    expect(start).toMatchObject({ outcome: 'opted-in', intent: 'START', replied: true });
    expect(await isSuppressed(deps, amelia.phone)).toBe(false);
    expect(
      textsTo(amelia.phone)
        .slice(afterStop)
        .map((t) => t.body),
    ).toEqual(['ECHT: texts are back on. Reply STOP at any time to stop them.']);
    expect(optOutEvents().map((e) => ({ ...e, clientIds: e.clientIds.toSorted() }))).toEqual([
      { clientIds: [amelia.id, oliver.id].toSorted(), optedOut: true, at: NOW },
      { clientIds: [amelia.id, oliver.id].toSorted(), optedOut: false, at: SEVEN_DAY_DUE },
    ]);
  });
});

describe('HELP, YES and NO', () => {
  it('answers HELP with the trust’s help text and service number', async () => {
    // Prepare
    const client = aClient();
    await seed(store, { clients: [client] });

    // Act
    const result = await handleInboundSms(deps, anInboundSms(client.phone, 'help'));

    // Assess
    expect(result).toMatchObject({ outcome: 'help', intent: 'HELP', replied: true });
    expect(textsTo(client.phone).map((t) => t.body)).toEqual([
      `ECHT health visiting. Call ${SERVICE_PHONE} (Mon-Fri 9-5). Reply CANCEL to cancel, REBOOK to change, STOP to stop texts.`,
    ]);
    expect(await inboxFor(client.phone)).toEqual([]);
  });

  it.each(['YES', 'no'])(
    'files "%s" with no offer to answer for staff, with a polite answer',
    async (body) => {
      // Prepare
      const client = aClient();
      await seed(store, { clients: [client] });
      const booking = await booked(client);
      const sent = textsTo(client.phone).length;

      // Act
      const result = await handleInboundSms(deps, anInboundSms(client.phone, body));

      // Assess
      expect(result).toMatchObject({ outcome: 'to-inbox', replied: true });
      expect((await inboxFor(client.phone)).map((i) => [i.reason, i.intent, i.body])).toEqual([
        ['no-offer-to-answer', body.toUpperCase(), body],
      ]);
      expect(
        textsTo(client.phone)
          .slice(sent)
          .map((t) => t.body),
      ).toEqual([
        `ECHT: thank you, a member of our team will read your message. Call ${SERVICE_PHONE} if it is urgent.`,
      ]);
      expect((await getBooking(store, booking.id))?.status).toBe('BOOKED');
    },
  );
});

describe('answers in the family’s language', () => {
  it.each([
    { language: 'cy', body: 'CANSLO', says: "wedi'i ganslo", typeName: 'adolygiad 6-8 wythnos' },
    { language: 'pl', body: 'anuluj', says: 'został odwołany', typeName: 'przegląd 6-8 tygodni' },
  ])(
    'cancels on $body from a family whose language is $language',
    async ({ language, body, says, typeName }) => {
      // Prepare
      const client = aClient({ firstName: 'Gwen', language });
      await seed(store, { clients: [client] });
      const booking = await booked(client);

      // Act
      const result = await handleInboundSms(deps, anInboundSms(client.phone, body));

      // Assess
      expect(result).toMatchObject({ outcome: 'cancelled', bookingId: booking.id, replied: true });
      const answer = textsTo(client.phone).at(-1)?.body;
      expect(answer).toContain(says);
      expect(answer).toContain(typeName);
      expect(answer).toContain(SERVICE_PHONE);
    },
  );

  it.each([
    { language: 'cy', body: 'cymorth', says: 'ymwelwyr iechyd' },
    { language: 'pl', body: 'pomoc', says: 'wizyty patronażowe' },
    { language: 'cy', body: 'stopio', says: 'ni chewch ragor o negeseuon' },
    { language: 'pl', body: 'stop', says: 'nie wyślemy więcej SMS-ów' },
  ])('answers $body in $language', async ({ language, body, says }) => {
    // Prepare
    const client = aClient({ language });
    await seed(store, { clients: [client] });

    // Act
    await handleInboundSms(deps, anInboundSms(client.phone, body));

    // Assess
    expect(textsTo(client.phone).map((t) => t.body)).toEqual([expect.stringContaining(says)]);
  });
});

describe('loop guard', () => {
  it(`answers at most ${exampleConfig.replies.maxInboundPerHour} texts an hour from one phone, keeps the rest, then answers again`, async () => {
    // Prepare: an auto-responder that has texted once a minute, answered each time (the guard counts
    // what came in, so the answers in between must not dilute it)
    const max = exampleConfig.replies.maxInboundPerHour;
    const client = aClient();
    await seed(store, { clients: [client] });
    for (let i = 0; i < max; i++) {
      deps.clock.set(plusMinutes(NOW, i));
      const answered = await handleInboundSms(deps, anInboundSms(client.phone, 'help'));
      expect(answered.replied).toBe(true);
    }
    const sent = textsTo(client.phone).length;
    expect(sent).toBe(max);

    // Act: one more inside the hour
    deps.clock.set(plusMinutes(NOW, max));
    const guarded = await handleInboundSms(
      deps,
      anInboundSms(client.phone, 'help', { inboundMessageId: 'loop-11' }),
    );

    // Assess: kept, not answered
    expect(guarded).toMatchObject({ outcome: 'loop-guarded', replied: false });
    expect(textsTo(client.phone)).toHaveLength(sent);
    const inbound = (await messagesByPhone(store, client.phone)).items.filter((m) => m.direction === 'IN');
    expect(inbound).toHaveLength(max + 1);
    expect(inbound.some((m) => m.providerMessageId === 'loop-11')).toBe(true);

    // Act: an hour after the last one answered, fewer than the limit are left in the window
    deps.clock.set(plusMinutes(NOW, max + 60));
    const later = await handleInboundSms(deps, anInboundSms(client.phone, 'help'));

    // Assess
    expect(later).toMatchObject({ outcome: 'help', replied: true });
    expect(textsTo(client.phone)).toHaveLength(sent + 1);
  });
});

describe('the record of every text', () => {
  it('keeps each text in and out by phone, each expiring after the retention period', async () => {
    // Prepare
    const client = aClient();
    await seed(store, { clients: [client] });
    const booking = await booked(client);
    deps.clock.set(plusMinutes(NOW, 90));

    // Act
    await handleInboundSms(
      deps,
      anInboundSms(client.phone, 'Cancel please', { inboundMessageId: 'provider-in-1' }),
    );

    // Assess: confirmation out, the reply in, the answer out
    const messages = (await messagesByPhone(store, client.phone)).items;
    expect(messages.map((m) => [m.direction, m.kind ?? m.body, m.at]).toSorted()).toEqual(
      [
        ['IN', 'Cancel please', plusMinutes(NOW, 90)],
        ['OUT', 'cancelConfirmed', plusMinutes(NOW, 90)],
        ['OUT', 'confirmation', NOW],
      ].toSorted(),
    );
    expect(messages.find((m) => m.direction === 'IN')?.providerMessageId).toBe('provider-in-1');
    for (const m of messages) {
      if (m.direction === 'OUT') expect(m).toMatchObject({ bookingId: booking.id, clientId: client.id });
      const raw = await rawItem(store, messageKey(m.id));
      expect(raw?.expiresAtEpoch).toBe(Math.floor(Date.parse(m.at) / 1000) + RETENTION_SECONDS);
      const pointer = await rawItem(store, keys.providerMessage(m.providerMessageId!));
      expect(pointer).toMatchObject({ messageId: m.id, expiresAtEpoch: raw?.expiresAtEpoch });
    }
  });

  it('keeps a text it does not answer, and files the staff inbox item with the same TTL', async () => {
    // Prepare: an unknown number
    const phone = '+447700900998';

    // Act
    await handleInboundSms(deps, anInboundSms(phone, 'who is this?'));

    // Assess
    const messages = (await messagesByPhone(store, phone)).items;
    expect(messages.map((m) => m.direction).toSorted()).toEqual(['IN', 'OUT']);
    const inbox = await inboxFor(phone);
    expect(inbox).toHaveLength(1);
    const [raw] = await scanEntity(store, 'InboxItem');
    expect(raw?.id).toBe(inbox[0]?.id);
    expect(raw?.expiresAtEpoch).toBe(Math.floor(Date.parse(NOW) / 1000) + RETENTION_SECONDS);
  });
});

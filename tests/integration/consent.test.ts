/**
 * Consent per phone number against a real table: every path that texts checks the number's consent
 * itself and stops before the guard (so it can say why nothing went), the guard refuses whatever gets
 * past, and the opt-out outlives the erasure of every family on the number.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { phoneHash, phoneHasher } from '#core/consent.ts';
import { RecipientSuppressedError } from '#core/errors.ts';
import type { Clinic, EquityFlags, Slot } from '#core/model.ts';
import type { OutboundSms, SmsSender } from '#messaging/sms-sender.ts';
import { acceptOffer, startBackfill } from '#services/backfill.ts';
import { bookSlot, cancelByStaff } from '#services/bookings.ts';
import {
  CONSENT_READING_FRESH_MS,
  type ConsentReading,
  clientView,
  consentOf,
  type GuardedSmsSender,
  guardSms,
  isSuppressed,
  optOutNumber,
  readConsent,
} from '#services/consent.ts';
import { eraseClient } from '#services/erasure.ts';
import { replyToInboxItem } from '#services/families.ts';
import { handleInboundSms } from '#services/replies.ts';
import { optInByStaff, optOutByStaff } from '#services/staff-consent.ts';
import { addToWaitlist } from '#services/waitlist.ts';
import { getBooking } from '#store/bookings.ts';
import { getClient } from '#store/clients.ts';
import { consentItem } from '#store/consent.ts';
import type { StoreContext } from '#store/context.ts';
import { openInbox } from '#store/inbox.ts';
import { keys, shardOf } from '#store/keys.ts';
import { offersBySlot } from '#store/offers.ts';
import { getSlot } from '#store/slots.ts';
import type { ClientWithPhone } from '#tests/support/builders.ts';
import { aClient, aClinic, anInboundSms, aSlotFor, aWaitlistRequestFor } from '#tests/support/builders.ts';
import {
  commandsDuring,
  freshTable,
  TEST_CONSENT_KEY,
  type TestDeps,
  testDeps,
} from '#tests/support/dynamo.ts';
import { plusMinutes, rawItem, scanEntity, seed, sweepAt } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London (GMT, so local time and UTC agree). */
const NOW = '2026-11-23T10:00:00.000Z';
/** Thursday 3 December 2026, 14:00: ten days away, with a 7-day, a 2-day and a morning-of reminder. */
const LATER = '2026-12-03T14:00:00.000Z';
const SEVEN_DAY_DUE = '2026-11-26T10:00:00.000Z';
/** Thursday 26 November, 14:00: three days ahead, a slot the short-notice list may be offered. */
const THURSDAY = '2026-11-26T14:00:00.000Z';
const BORN = '2026-10-05';

let store: StoreContext;
let clinic: Clinic;
let deps: TestDeps;

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic({ venue: 'Oakwood Health Centre' });
  await seed(store, { clinic });
  deps = testDeps(store, NOW);
});

/** Every call to the guarded sender, allowed or refused: a path that checks first never makes one. */
const guardCalls = () => vi.spyOn(deps.sms, 'send');
const callsTo = (spy: ReturnType<typeof guardCalls>, phone: string) =>
  spy.mock.calls.filter(([sms]) => sms.to === phone);
const textsTo = (phone: string) => deps.outbox.entries.filter((e) => e.to === phone);

async function booked(client: ClientWithPhone, startsAt = LATER) {
  const slot = aSlotFor(clinic, { startsAt });
  await seed(store, { slots: [slot] });
  return bookSlot(deps, { slotId: slot.id, clientId: client.id, by: 'staff:hv-1', source: 'staff' });
}

const flags = (set: Partial<EquityFlags> = {}): EquityFlags => ({
  needsCarer: false,
  parentalMentalHealth: false,
  vulnerable: false,
  doNotText: false,
  ...set,
});

async function onTheList(name: string, set: Partial<EquityFlags> = {}): Promise<ClientWithPhone> {
  const child = aClient({ firstName: name, dateOfBirth: BORN, flags: flags(set) });
  await seed(store, { clients: [child] });
  await addToWaitlist(deps, aWaitlistRequestFor(child, clinic));
  return child;
}

async function aFreedSlot(): Promise<Slot> {
  const holder = aClient({ dateOfBirth: BORN });
  const slot = aSlotFor(clinic, { startsAt: THURSDAY });
  await seed(store, { clients: [holder], slots: [slot] });
  const booking = await bookSlot(deps, { slotId: slot.id, clientId: holder.id, by: 'hv', source: 'staff' });
  await cancelByStaff(deps, { bookingId: booking.id, by: 'hv', reason: 'off sick', notify: false });
  return (await getSlot(store, slot.id))!;
}

describe('every path that texts checks the number first, and stops before the guard', () => {
  it('reminders: the sweep skips the tier as opted-out', async () => {
    // Prepare
    const amelia = aClient({ firstName: 'Amelia' });
    await seed(store, { clients: [amelia] });
    const booking = await booked(amelia);
    await optOutNumber(deps, amelia.phone, { reason: 'staff', at: NOW });
    const calls = guardCalls();

    // Act
    const report = await sweepAt(deps, SEVEN_DAY_DUE);

    // Assess
    expect(report).toMatchObject({ due: 1, skipped: 1, sent: 0 });
    expect(calls).not.toHaveBeenCalled();
    expect((await getBooking(store, booking.id))?.tiers['7d']).toMatchObject({
      status: 'SKIPPED',
      skipReason: 'opted-out',
    });
  });

  it('confirmations: a booking on an opted-out number is made, its confirmation skipped', async () => {
    // Prepare
    const amelia = aClient({ firstName: 'Amelia' });
    await seed(store, { clients: [amelia] });
    await optOutNumber(deps, amelia.phone, { reason: 'stop-text', at: NOW });
    const calls = guardCalls();

    // Act
    const booking = await booked(amelia);

    // Assess
    expect(booking.status).toBe('BOOKED');
    expect(booking.tiers.confirmation).toMatchObject({ status: 'SKIPPED', skipReason: 'opted-out' });
    expect(calls).not.toHaveBeenCalled();
  });

  it('staff cancelling: the family is not texted, and staff are told why', async () => {
    // Prepare
    const amelia = aClient({ firstName: 'Amelia' });
    await seed(store, { clients: [amelia] });
    const booking = await booked(amelia);
    await optOutNumber(deps, amelia.phone, { reason: 'staff', at: NOW });
    const calls = guardCalls();

    // Act
    const result = await cancelByStaff(deps, {
      bookingId: booking.id,
      by: 'hv',
      reason: 'ill',
      notify: true,
    });

    // Assess
    expect(result).toMatchObject({ notified: false, notNotifiedReason: 'opted-out' });
    expect(calls).not.toHaveBeenCalled();
  });

  it('staff cancelling for a family whose texts are off: told `sms-off`, not `do-not-text`', async () => {
    // Prepare: texts switched off by staff (the sms channel), the do-not-text flag not set.
    const bea = aClient({
      firstName: 'Bea',
      contact: { sms: { on: false, reason: 'family asked for letters' }, letter: { on: true } },
    });
    const dot = aClient({ firstName: 'Dot', flags: { ...aClient().flags, doNotText: true } });
    await seed(store, { clients: [bea, dot] });
    const [offBooking, flaggedBooking] = [await booked(bea), await booked(dot)];
    const calls = guardCalls();

    // Act
    const cancel = (bookingId: string) =>
      cancelByStaff(deps, { bookingId, by: 'hv', reason: 'ill', notify: true });
    const [off, flagged] = [await cancel(offBooking.id), await cancel(flaggedBooking.id)];

    // Assess
    expect(off).toMatchObject({ notified: false, notNotifiedReason: 'sms-off' });
    expect(flagged).toMatchObject({ notified: false, notNotifiedReason: 'do-not-text' });
    expect(calls).not.toHaveBeenCalled();
  });

  it('replies: a CANCEL from an opted-out number is acted on and not answered, and so is HELP', async () => {
    // Prepare
    const amelia = aClient({ firstName: 'Amelia' });
    await seed(store, { clients: [amelia] });
    const booking = await booked(amelia);
    await optOutNumber(deps, amelia.phone, { reason: 'stop-text', at: NOW });
    const calls = guardCalls();

    // Act
    const cancel = await handleInboundSms(deps, anInboundSms(amelia.phone, `CANCEL ${booking.ref}`));
    const help = await handleInboundSms(deps, anInboundSms(amelia.phone, 'HELP'));

    // Assess
    expect(cancel).toMatchObject({ outcome: 'cancelled', replied: false });
    expect(help).toMatchObject({ outcome: 'help', replied: false });
    expect(calls).not.toHaveBeenCalled();
  });

  it('offers: a family whose number is opted out is never offered a slot', async () => {
    // Prepare: the opted-out family would top the list
    const ava = await onTheList('Ava', { vulnerable: true, imdDecile: 1 });
    const ben = await onTheList('Ben');
    await optOutNumber(deps, ava.phone, { reason: 'stop-text', at: NOW });
    const slot = await aFreedSlot();
    const calls = guardCalls();

    // Act
    await startBackfill(deps, slot.id);

    // Assess
    const offers = await offersBySlot(store, slot.id);
    expect(offers.map((o) => o.clientId)).toEqual([ben.id]);
    expect(callsTo(calls, ava.phone)).toEqual([]);
    expect(textsTo(ben.phone)).toHaveLength(1);
  });

  it('notices: a family who opted out after being offered is not told the slot has gone', async () => {
    // Prepare: both offered; Ben's number texts STOP; Ava takes the slot
    const ava = await onTheList('Ava', { vulnerable: true });
    const ben = await onTheList('Ben');
    const slot = await aFreedSlot();
    await startBackfill(deps, slot.id);
    const offers = await offersBySlot(store, slot.id);
    await handleInboundSms(deps, anInboundSms(ben.phone, 'STOP'));
    deps.clock.set(plusMinutes(NOW, 10));
    const calls = guardCalls();

    // Act
    const result = await acceptOffer(deps, offers.find((o) => o.clientId === ava.id)!);

    // Assess
    expect(result.outcome).toBe('accepted');
    expect(callsTo(calls, ben.phone)).toEqual([]);
    expect(textsTo(ben.phone).filter((t) => t.body.includes('just been taken'))).toEqual([]);
  });
});

describe('the guard', () => {
  it('refuses a text to an opted-out number before the provider sees it', async () => {
    // Prepare
    await optOutNumber(deps, '+447700900626', { reason: 'stop-text', at: NOW });

    // Act
    const sent = deps.sms.send({ to: '+447700900626', body: 'ECHT: hello' });

    // Assess
    await expect(sent).rejects.toBeInstanceOf(RecipientSuppressedError);
    await expect(sent).rejects.toMatchObject({ code: 'RECIPIENT_SUPPRESSED' });
    expect(deps.outbox.entries).toEqual([]);
  });

  it('lets every other number through, and the STOP confirmation to the number that sent it', async () => {
    // Prepare
    await optOutNumber(deps, '+447700900626', { reason: 'stop-text', at: NOW });

    // Act
    await deps.sms.send({ to: '+447700900627', body: 'ECHT: hello' });
    await deps.sms.sendStopConfirmation({ to: '+447700900626', body: 'ECHT: no more texts' });

    // Assess
    expect(deps.outbox.entries.map((e) => e.to)).toEqual(['+447700900627', '+447700900626']);
  });

  it('turns a reminder opted out after the check, and past the window, into a skip, never retried', async () => {
    // Prepare: the sweep's own look-up finds nothing (another key), the guard finds the opt-out, as
    // when a STOP lands between the two; the guard's clock runs a window ahead, so the sweep's reading
    // is too old to take, as when the send comes over a second after the page's read.
    const amelia = aClient({ firstName: 'Amelia' });
    await seed(store, { clients: [amelia] });
    const booking = await booked(amelia);
    const record = consentItem(phoneHash(TEST_CONSENT_KEY, amelia.phone), {
      state: 'opted-out',
      reason: 'stop-text',
      since: NOW,
    });
    await store.db.send(new PutCommand({ TableName: store.table, Item: record }));
    const before = textsTo(amelia.phone).length;
    const racing: TestDeps = {
      ...deps,
      phoneHash: phoneHasher('a-different-key-so-the-check-misses'),
      sms: guardSms(
        deps.outbox,
        { store, phoneHash: deps.phoneHash },
        { nowMs: () => performance.now() + CONSENT_READING_FRESH_MS + 1 },
      ),
    };

    // Act
    const first = await sweepAt(racing, SEVEN_DAY_DUE);
    const again = await sweepAt(racing, plusMinutes(SEVEN_DAY_DUE, 5));

    // Assess
    expect(first).toMatchObject({ skipped: 1, sent: 0, failed: 0 });
    expect(again).toMatchObject({ due: 0 });
    expect((await getBooking(store, booking.id))?.tiers['7d']).toMatchObject({
      status: 'SKIPPED',
      skipReason: 'opted-out',
    });
    expect(textsTo(amelia.phone)).toHaveLength(before);
  });
});

/** The consent reads `act` makes: each GetItem of a Consent, and each batch read asking for one. */
async function consentReadsDuring(act: () => Promise<unknown>): Promise<{ gets: number; batches: number }> {
  const isConsent = (key: unknown) =>
    String((key as { pk?: unknown } | undefined)?.pk).startsWith('CONSENT#');
  const reads = await commandsDuring(store, act, (commandName, input) => {
    if (commandName === 'GetItemCommand') return isConsent(input.Key) ? 'get' : undefined;
    if (commandName !== 'BatchGetItemCommand') return undefined;
    const requests = Object.values(input.RequestItems as Record<string, { Keys: unknown[] }>);
    return requests.some((r) => r.Keys.some(isConsent)) ? 'batch' : undefined;
  });
  return {
    gets: reads.filter((r) => r === 'get').length,
    batches: reads.filter((r) => r === 'batch').length,
  };
}

/** A guard round the outbox with a clock the test sets (ms), and every text that got past it. */
function guardWithClock() {
  const clock = { ms: 0 };
  const reached: OutboundSms[] = [];
  const inner: SmsSender = {
    send: (sms) => {
      reached.push(sms);
      return deps.outbox.send(sms);
    },
  };
  const guard = guardSms(inner, { store, phoneHash: deps.phoneHash }, { nowMs: () => clock.ms });
  return { guard, clock, reached };
}

/** Sends through `guard`, and answers with what it threw (undefined: it went) and the consent reads. */
async function sendCounted(guard: GuardedSmsSender, sms: OutboundSms) {
  let refused: unknown;
  const reads = await consentReadsDuring(() => guard.send(sms).catch((err: unknown) => (refused = err)));
  return { refused, reads };
}

describe("the guard takes the caller's own fresh reading in place of a read", () => {
  const PHONE = '+447700900626';
  const OTHER = '+447700900627';
  const hello = (consentRead?: ConsentReading): OutboundSms => ({
    to: PHONE,
    body: 'ECHT: hello',
    ref: 'message-1',
    ...(consentRead && { consentRead }),
  });

  it('sends on a reading of the same number, opted in, up to a second old, reading nothing itself', async () => {
    // Prepare: the guard's clock at the last instant the reading is fresh
    const { guard, clock, reached } = guardWithClock();
    const read = await readConsent(deps, PHONE);
    clock.ms = read.readAtMs + CONSENT_READING_FRESH_MS;

    // Act
    const { refused, reads } = await sendCounted(guard, hello(read));

    // Assess: and the provider is given the text without the reading
    expect(refused).toBeUndefined();
    expect(reads).toEqual({ gets: 0, batches: 0 });
    expect(reached).toStrictEqual([{ to: PHONE, body: 'ECHT: hello', ref: 'message-1' }]);
    expect(textsTo(PHONE)).toHaveLength(1);
  });

  it('refuses a number opted out after a reading that is older than the window', async () => {
    // Prepare: read while opted in; the STOP lands after it; the send comes just past the window
    const { guard, clock, reached } = guardWithClock();
    const read = await readConsent(deps, PHONE);
    await optOutNumber(deps, PHONE, { reason: 'stop-text', at: NOW });
    clock.ms = read.readAtMs + CONSENT_READING_FRESH_MS + 1;

    // Act
    const { refused, reads } = await sendCounted(guard, hello(read));

    // Assess
    expect(refused).toBeInstanceOf(RecipientSuppressedError);
    expect(reads).toEqual({ gets: 1, batches: 0 });
    expect(reached).toEqual([]);
  });

  it.each<[string, () => Promise<ConsentReading>]>([
    ['of another number', () => readConsent(deps, OTHER)],
    [
      'built elsewhere as an object',
      async () => ({ phone: PHONE, consent: undefined, readAtMs: performance.now() }),
    ],
    [
      "made with a reading's own constructor",
      async () => {
        const made = (await readConsent(deps, PHONE)).constructor as new (
          ...args: unknown[]
        ) => ConsentReading;
        return new made(PHONE, undefined, performance.now());
      },
    ],
  ])('reads the number itself, and refuses it opted out, given a reading %s', async (_, make) => {
    // Prepare: the reading says opted in and is fresh by the clock; the number is opted out
    const { guard, clock, reached } = guardWithClock();
    const read = await make();
    await optOutNumber(deps, PHONE, { reason: 'stop-text', at: NOW });
    clock.ms = read.readAtMs;

    // Act
    const { refused, reads } = await sendCounted(guard, hello(read));

    // Assess
    expect(refused).toBeInstanceOf(RecipientSuppressedError);
    expect(reads).toEqual({ gets: 1, batches: 0 });
    expect(reached).toEqual([]);
  });

  it('cannot have a reading changed after it is made: its number, its consent or its time', async () => {
    // Prepare
    const read = (await readConsent(deps, OTHER)) as {
      -readonly [K in keyof ConsentReading]: ConsentReading[K];
    };

    // Act and assess
    expect(() => {
      read.phone = PHONE;
    }).toThrow(TypeError);
    expect(() => {
      read.consent = { state: 'opted-out', reason: 'staff', since: NOW };
    }).toThrow(TypeError);
    expect(() => {
      read.readAtMs = 0;
    }).toThrow(TypeError);
    expect(read.phone).toBe(OTHER);
  });

  it('reads the number itself given a reading that says opted out: a START since lets the text go', async () => {
    // Prepare
    const { guard, clock, reached } = guardWithClock();
    await optOutNumber(deps, PHONE, { reason: 'stop-text', at: NOW });
    const read = await readConsent(deps, PHONE);
    await handleInboundSms(deps, anInboundSms(PHONE, 'START'));
    clock.ms = read.readAtMs;

    // Act
    const { refused, reads } = await sendCounted(guard, hello(read));

    // Assess
    expect(read.consent).toMatchObject({ state: 'opted-out' });
    expect(refused).toBeUndefined();
    expect(reads).toEqual({ gets: 1, batches: 0 });
    expect(reached).toStrictEqual([{ to: PHONE, body: 'ECHT: hello', ref: 'message-1' }]);
  });

  it('leaves the window the constant states: a STOP inside it, after the reading, misses that one text', async () => {
    // Prepare: read while opted in; the STOP lands after it; the send comes within the second
    const { guard, clock } = guardWithClock();
    const read = await readConsent(deps, PHONE);
    await optOutNumber(deps, PHONE, { reason: 'stop-text', at: NOW });
    clock.ms = read.readAtMs + CONSENT_READING_FRESH_MS;

    // Act
    const first = await sendCounted(guard, hello(read));
    const next = await sendCounted(guard, hello());

    // Assess: the next text, with no reading, is refused
    expect(first.refused).toBeUndefined();
    expect(next.refused).toBeInstanceOf(RecipientSuppressedError);
    expect(textsTo(PHONE)).toHaveLength(1);
  });

  it('never hands a reading to the provider with the STOP confirmation either', async () => {
    // Prepare
    const { guard, reached } = guardWithClock();
    const read = await readConsent(deps, PHONE);

    // Act
    await guard.sendStopConfirmation({ ...hello(read), body: 'ECHT: no more texts' });

    // Assess
    expect(reached).toStrictEqual([{ to: PHONE, body: 'ECHT: no more texts', ref: 'message-1' }]);
  });

  it("a sweep reads a page's numbers once, each text going on its number's reading; an opted-out one is skipped", async () => {
    // Prepare: five families on five numbers, the fourth opted out, each with a 7-day reminder due
    const families = ['Amelia', 'Bea', 'Cal', 'Dot', 'Eli'].map((firstName) => aClient({ firstName }));
    await seed(store, { clients: families });
    const bookings = [];
    for (const family of families) bookings.push(await booked(family));
    const optedOut = families[3]!;
    await optOutNumber(deps, optedOut.phone, { reason: 'staff', at: NOW });
    // The guard's clock stands still at the sweep's start, so however slowly this machine runs the
    // sweep, no reading made during it ages past the window.
    const startedAt = performance.now();
    const sweeping: TestDeps = {
      ...deps,
      sms: guardSms(deps.outbox, { store, phoneHash: deps.phoneHash }, { nowMs: () => startedAt }),
    };
    const pages = new Set(bookings.map((b) => shardOf(b.id))).size;
    const before = new Map(families.map((f) => [f.phone, textsTo(f.phone).length]));

    // Act
    let report: Awaited<ReturnType<typeof sweepAt>> | undefined;
    const reads = await consentReadsDuring(async () => {
      report = await sweepAt(sweeping, SEVEN_DAY_DUE);
    });

    // Assess: one batch read per page of due bookings, and no GetItem of a Consent at all
    expect(report).toMatchObject({ due: 5, sent: 4, skipped: 1, failed: 0 });
    expect(reads).toEqual({ gets: 0, batches: pages });
    for (const family of families) {
      const sent = textsTo(family.phone).length - before.get(family.phone)!;
      expect(sent).toBe(family === optedOut ? 0 : 1);
    }
    expect((await getBooking(store, bookings[3]!.id))?.tiers['7d']).toMatchObject({
      status: 'SKIPPED',
      skipReason: 'opted-out',
    });
  });
});

describe('each path that reads the number before texting hands the guard that reading', () => {
  /** For each text the guard was given, whether it carried a reading of its own number. */
  const withReadings = (spy: ReturnType<typeof guardCalls>) =>
    spy.mock.calls.map(([sms]) => sms.consentRead !== undefined && sms.consentRead.phone === sms.to);

  it('confirmations, answers to replies, staff replies and staff cancelling', async () => {
    // Prepare
    const amelia = aClient({ firstName: 'Amelia' });
    await seed(store, { clients: [amelia] });
    const calls = guardCalls();

    // Act
    const booking = await booked(amelia);
    await handleInboundSms(deps, anInboundSms(amelia.phone, 'HELP'));
    await handleInboundSms(deps, anInboundSms(amelia.phone, 'Is the clinic open late?'));
    const item = (await openInbox(store)).items[0]!;
    await replyToInboxItem(deps, { itemId: item.id, text: 'Yes, until 7pm', preview: false });
    await cancelByStaff(deps, { bookingId: booking.id, by: 'hv', reason: 'ill', notify: true });

    // Assess
    // The confirmation, the answers to HELP and to the question, the staff reply, the cancellation
    expect(textsTo(amelia.phone)).toHaveLength(5);
    expect(withReadings(calls)).toEqual([true, true, true, true, true]);
  });

  it("a wave's offer texts, each with its number's reading from the wave's batch read", async () => {
    // Prepare
    const ava = await onTheList('Ava', { vulnerable: true });
    const ben = await onTheList('Ben');
    const slot = await aFreedSlot();
    const calls = guardCalls();

    // Act
    await startBackfill(deps, slot.id);

    // Assess
    expect(calls.mock.calls.map(([sms]) => [sms.to, sms.consentRead?.phone])).toEqual([
      [ava.phone, ava.phone],
      [ben.phone, ben.phone],
    ]);
  });

  it('the notice that an offered slot has gone', async () => {
    // Prepare: both offered; Ava takes the slot
    const ava = await onTheList('Ava', { vulnerable: true });
    const ben = await onTheList('Ben');
    const slot = await aFreedSlot();
    await startBackfill(deps, slot.id);
    const offers = await offersBySlot(store, slot.id);
    deps.clock.set(plusMinutes(NOW, 10));
    const calls = guardCalls();

    // Act
    await acceptOffer(deps, offers.find((o) => o.clientId === ava.id)!);

    // Assess
    const toBen = callsTo(calls, ben.phone);
    expect(toBen.map(([sms]) => sms.body)).toEqual([expect.stringContaining('just been taken')]);
    expect(toBen.map(([sms]) => sms.consentRead?.phone)).toEqual([ben.phone]);
  });
});

describe('an opt-out belongs to the number', () => {
  it('covers a child added to the number after the STOP, and one added to a number no one was on', async () => {
    // Prepare: a number with no client yet texts STOP
    await handleInboundSms(deps, anInboundSms('+447700900555', 'STOP'));
    const later = aClient({ firstName: 'Zoe', phone: '+447700900555' });
    await seed(store, { clients: [later] });

    // Act
    const view = clientView(later, await consentOf(deps, later.phone));

    // Assess
    expect(view).toMatchObject({
      optedOut: true,
      consent: { state: 'opted-out', reason: 'stop-text', since: NOW },
    });
  });

  it('outlives the erasure of the only family on the number, holding no number, name or id', async () => {
    // Prepare
    const amelia = aClient({ firstName: 'Amelia' });
    await seed(store, { clients: [amelia] });
    await handleInboundSms(deps, anInboundSms(amelia.phone, 'STOP'));

    // Act
    await eraseClient(deps, { clientId: amelia.id, by: 'dpo' });

    // Assess: the child is gone, the number's opt-out is not
    expect(await getClient(store, amelia.id)).toBeUndefined();
    expect(await isSuppressed(deps, amelia.phone)).toBe(true);
    const [record, ...others] = await scanEntity(store, 'Consent');
    expect(others).toEqual([]);
    expect(Object.keys(record!).toSorted()).toEqual(['entity', 'pk', 'reason', 'since', 'sk', 'state']);
    expect(JSON.stringify(record)).not.toContain(amelia.phone.slice(-6));
    expect(record).toEqual(await rawItem(store, keys.consent(await deps.phoneHash(amelia.phone))));

    // And a new family registered on the number later starts opted out
    const newcomer = aClient({ firstName: 'Ben', phone: amelia.phone });
    await seed(store, { clients: [newcomer] });
    const booking = await booked(newcomer);
    expect(booking.tiers.confirmation).toMatchObject({ status: 'SKIPPED', skipReason: 'opted-out' });
    expect(textsTo(amelia.phone).filter((t) => t.body.includes('Ben'))).toEqual([]);
  });
});

describe('staff opt-outs', () => {
  it('opts the number out for every child on it, announced once, and lifts it again', async () => {
    // Prepare
    const amelia = aClient({ firstName: 'Amelia' });
    const oliver = aClient({ firstName: 'Oliver', phone: amelia.phone });
    await seed(store, { clients: [amelia, oliver] });

    // Act
    const out = await optOutByStaff(deps, amelia.id);
    const twice = await optOutByStaff(deps, oliver.id);
    deps.clock.set(plusMinutes(NOW, 60));
    const back = await optInByStaff(deps, oliver.id);

    // Assess
    expect(out).toMatchObject({
      optedOut: true,
      consent: { state: 'opted-out', reason: 'staff', since: NOW },
    });
    expect(twice).toMatchObject({ optedOut: true, consent: { reason: 'staff', since: NOW } });
    expect(back).toMatchObject({ optedOut: false, consent: { state: 'opted-in' } });
    const events = deps.bus.events.filter((e) => e.type === 'ClientOptedOut').map((e) => e.detail);
    expect(events).toEqual([
      { clientIds: expect.arrayContaining([amelia.id, oliver.id]), optedOut: true, at: NOW },
      {
        clientIds: expect.arrayContaining([amelia.id, oliver.id]),
        optedOut: false,
        at: plusMinutes(NOW, 60),
      },
    ]);
  });

  it('cannot lift a STOP: only the number texting START can', async () => {
    // Prepare: staff had opted the number out, then the family texted STOP
    const amelia = aClient({ firstName: 'Amelia' });
    await seed(store, { clients: [amelia] });
    await optOutByStaff(deps, amelia.id);
    deps.clock.set(plusMinutes(NOW, 5));
    await handleInboundSms(deps, anInboundSms(amelia.phone, 'STOP'));

    // Act
    const refused = optInByStaff(deps, amelia.id);

    // Assess
    await expect(refused).rejects.toMatchObject({ code: 'OPTED_OUT_BY_TEXT' });
    expect(await consentOf(deps, amelia.phone)).toEqual({
      state: 'opted-out',
      reason: 'stop-text',
      since: plusMinutes(NOW, 5),
    });
    await handleInboundSms(deps, anInboundSms(amelia.phone, 'START'));
    expect(await consentOf(deps, amelia.phone)).toBeUndefined();
  });

  it('answers 404 for a client that does not exist', async () => {
    // Act / Assess
    await expect(optOutByStaff(deps, 'nobody')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

/**
 * Booking and cancelling against a real table in DynamoDB Local: the slot and booking change together
 * or not at all, the reminder plan is stored with exact instants, the confirmation goes at once (or at
 * the end of quiet hours), and a cancellation takes the booking out of every live index.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '#core/errors.ts';
import type { Clinic, Slot } from '#core/model.ts';
import { bookSlot, cancelByStaff } from '#services/bookings.ts';
import { bookingsByClinicDay, createBooking, getBooking, liveBookingsByPhone } from '#store/bookings.ts';
import type { StoreContext } from '#store/context.ts';
import { messagesByPhone } from '#store/messages.ts';
import { getSlot } from '#store/slots.ts';
import type { ClientWithPhone } from '#tests/support/builders.ts';
import { aBookingFor, aClient, aClinic, aSlotFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import {
  dueIndex,
  liveBookingIdsInPhoneIndex,
  messageKey,
  rawItem,
  seed,
  slotKey,
  sweepAt,
} from './helpers.ts';

/** Friday 20 November 2026, 10:00 in London (GMT, so local time and UTC agree). */
const BOOKED_AT = '2026-11-20T10:00:00.000Z';
/** Thursday 10 December 2026, 14:00 in London. */
const STARTS_AT = '2026-12-10T14:00:00.000Z';
const SEVEN_DAY_DUE = '2026-12-03T10:00:00.000Z';
const TWO_DAY_DUE = '2026-12-08T10:00:00.000Z';
const MORNING_OF_DUE = '2026-12-10T08:00:00.000Z';
const RETENTION_SECONDS = 90 * 86_400;

let store: StoreContext;
let clinic: Clinic;
let client: ClientWithPhone;
let slot: Slot;

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic();
  client = aClient();
  slot = aSlotFor(clinic, { startsAt: STARTS_AT });
  await seed(store, { clinic, clients: [client], slots: [slot] });
});

const book = (deps: TestDeps, who: ClientWithPhone = client, what: Slot = slot) =>
  bookSlot(deps, { slotId: what.id, clientId: who.id, by: 'staff:hv-1', source: 'staff' });

describe('booking a slot', () => {
  it('moves the slot from FREE to BOOKED with the booking id, and stores the booking as live', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);

    // Act
    const booking = await book(deps);

    // Assess
    const storedSlot = await getSlot(store, slot.id);
    expect(storedSlot).toMatchObject({ status: 'BOOKED', bookingId: booking.id });
    expect(await getBooking(store, booking.id)).toMatchObject({
      status: 'BOOKED',
      slotId: slot.id,
      clientId: client.id,
      phone: client.phone,
      startsAt: STARTS_AT,
    });
    expect((await liveBookingsByPhone(store, client.phone)).map((b) => b.id)).toEqual([booking.id]);
  });

  it('stores the reminder plan with the exact UTC instant of each tier', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);

    // Act
    const booking = await book(deps);

    // Assess
    const stored = await getBooking(store, booking.id);
    expect(stored?.tiers).toEqual({
      confirmation: expect.objectContaining({ kind: 'confirmation', dueAt: BOOKED_AT, status: 'SENT' }),
      '7d': expect.objectContaining({ kind: 'reminder', dueAt: SEVEN_DAY_DUE, status: 'PENDING' }),
      '2d': expect.objectContaining({ kind: 'reminder', dueAt: TWO_DAY_DUE, status: 'PENDING' }),
      'morning-of': expect.objectContaining({ kind: 'reminder', dueAt: MORNING_OF_DUE, status: 'PENDING' }),
    });
    // With the confirmation sent, the booking is filed in the due index under its next tier.
    expect((await dueIndex(store)).get(booking.id)).toBe(SEVEN_DAY_DUE);
  });

  it('refuses a second booking of the same slot with SLOT_NOT_FREE and keeps exactly one booking', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);
    const other = aClient();
    await seed(store, { clients: [other] });
    const first = await book(deps);

    // Act
    const second = book(deps, other);

    // Assess
    await expect(second).rejects.toBeInstanceOf(ConflictError);
    await expect(second).rejects.toMatchObject({ code: 'SLOT_NOT_FREE' });
    const onTheDay = await bookingsByClinicDay(store, clinic.id, slot.localDay);
    expect(onTheDay.items.map((b) => b.id)).toEqual([first.id]);
    expect(await getSlot(store, slot.id)).toMatchObject({ status: 'BOOKED', bookingId: first.id });
    expect(await liveBookingsByPhone(store, other.phone)).toEqual([]);
  });

  it('lets the transaction itself refuse a booked slot when the caller read it while still free', async () => {
    // Prepare: the service's own read-then-check is bypassed, as when two bookings race.
    const deps = testDeps(store, BOOKED_AT);
    const other = aClient();
    await seed(store, { clients: [other] });
    const first = await book(deps);
    const stale = aBookingFor(slot, other);

    // Act
    const attempt = createBooking(store, stale);

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ConflictError', code: 'SLOT_NOT_FREE' });
    expect(await getBooking(store, stale.id)).toBeUndefined();
    const onTheDay = await bookingsByClinicDay(store, clinic.id, slot.localDay);
    expect(onTheDay.items.map((b) => b.id)).toEqual([first.id]);
    expect(await getSlot(store, slot.id)).toMatchObject({ status: 'BOOKED', bookingId: first.id });
  });

  it('books a contested slot for exactly one of several families booking at once', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);
    const families = [aClient(), aClient(), aClient(), aClient()];
    await seed(store, { clients: families });

    // Act
    const results = await Promise.allSettled(families.map((family) => book(deps, family)));

    // Assess
    const won = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const lost = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
    expect(won).toHaveLength(1);
    for (const reason of lost) expect(reason).toBeInstanceOf(ConflictError);
    const onTheDay = await bookingsByClinicDay(store, clinic.id, slot.localDay);
    expect(onTheDay.items.map((b) => b.id)).toEqual([won[0]?.id]);
    expect(await getSlot(store, slot.id)).toMatchObject({ status: 'BOOKED', bookingId: won[0]?.id });
    expect(deps.bus.events.map((e) => e.detail)).toEqual([
      expect.objectContaining({ bookingId: won[0]?.id }),
    ]);
    expect(deps.outbox.entries.map((e) => e.to)).toEqual([won[0]?.phone]);
  });

  it('rolls the slot back when the booking record cannot be written (one transaction)', async () => {
    // Prepare: a booking id that is already taken, on a second slot that is free.
    const deps = testDeps(store, BOOKED_AT);
    const first = await book(deps);
    const secondSlot = aSlotFor(clinic, { startsAt: '2026-12-10T15:00:00.000Z' });
    await seed(store, { slots: [secondSlot] });

    // Act
    const attempt = createBooking(store, aBookingFor(secondSlot, client, { id: first.id }));

    // Assess
    await expect(attempt).rejects.toMatchObject({ name: 'ConflictError', code: 'ALREADY_EXISTS' });
    const untouched = await getSlot(store, secondSlot.id);
    expect(untouched?.status).toBe('FREE');
    expect(untouched?.bookingId).toBeUndefined();
  });

  it('refuses a booking for a client that does not exist and leaves the slot FREE', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);

    // Act
    const attempt = bookSlot(deps, {
      slotId: slot.id,
      clientId: 'client-missing',
      by: 'staff:hv-1',
      source: 'staff',
    });

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    const stored = await getSlot(store, slot.id);
    expect(stored?.status).toBe('FREE');
    expect(stored?.bookingId).toBeUndefined();
    expect((await bookingsByClinicDay(store, clinic.id, slot.localDay)).items).toEqual([]);
    expect(deps.outbox.entries).toEqual([]);
    expect(deps.bus.events).toEqual([]);
  });

  it('checks the client inside the transaction too, so a client removed meanwhile books nothing', async () => {
    // Prepare
    const gone = aBookingFor(slot, { id: 'client-removed', phone: '+447700900999' });

    // Act
    const attempt = createBooking(store, gone);

    // Assess
    await expect(attempt).rejects.toBeInstanceOf(NotFoundError);
    const stored = await getSlot(store, slot.id);
    expect(stored?.status).toBe('FREE');
    expect(stored?.bookingId).toBeUndefined();
    expect(await getBooking(store, gone.id)).toBeUndefined();
  });

  it('sends the confirmation at once, records it as a message with a TTL and announces the booking', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);

    // Act
    const booking = await book(deps);

    // Assess
    expect(deps.outbox.entries).toHaveLength(1);
    const [sms] = deps.outbox.entries;
    expect(sms).toMatchObject({ to: client.phone, at: BOOKED_AT, encoding: 'GSM-7', segments: 1 });
    expect(sms?.body).toBe(
      `ECHT: Amelia's 6-8 week baby review is booked for Thu 10 Dec at 14:00, Riverside Children's Centre. Ref ${booking.ref}. Reply CANCEL if you can't come.`,
    );

    const { items: messages } = await messagesByPhone(store, client.phone);
    expect(messages).toHaveLength(1);
    const [message] = messages;
    expect(message).toMatchObject({
      direction: 'OUT',
      kind: 'confirmation',
      body: sms?.body,
      at: BOOKED_AT,
      bookingId: booking.id,
      clientId: client.id,
      providerMessageId: sms?.id,
    });
    expect(booking.tiers.confirmation).toMatchObject({
      status: 'SENT',
      sentAt: BOOKED_AT,
      messageId: message?.id,
    });
    const raw = await rawItem(store, messageKey(message?.id ?? ''));
    expect(raw?.expiresAtEpoch).toBe(Date.parse(BOOKED_AT) / 1000 + RETENTION_SECONDS);

    expect(deps.bus.events).toEqual([
      {
        type: 'AppointmentBooked',
        at: BOOKED_AT,
        detail: {
          bookingId: booking.id,
          slotId: slot.id,
          clientId: client.id,
          clinicId: clinic.id,
          appointmentType: slot.type,
          startsAt: STARTS_AT,
          source: 'staff',
          bookedAt: BOOKED_AT,
        },
      },
    ]);
  });

  it('holds the confirmation of a booking made in quiet hours until the first sweep from 08:00', async () => {
    // Prepare: 21:30 on a November evening.
    const deps = testDeps(store, '2026-11-20T21:30:00.000Z');
    const booking = await book(deps);
    expect(booking.tiers.confirmation).toMatchObject({
      status: 'PENDING',
      dueAt: '2026-11-21T08:00:00.000Z',
    });
    expect(deps.outbox.entries).toEqual([]);

    // Act
    const overnight = [
      await sweepAt(deps, '2026-11-20T21:35:00.000Z'),
      await sweepAt(deps, '2026-11-21T03:00:00.000Z'),
      await sweepAt(deps, '2026-11-21T07:55:00.000Z'),
    ];
    const morning = await sweepAt(deps, '2026-11-21T08:00:00.000Z');
    const after = await sweepAt(deps, '2026-11-21T08:05:00.000Z');

    // Assess
    for (const report of overnight) expect(report.sent).toBe(0);
    expect(morning.sent).toBe(1);
    expect(after.sent).toBe(0);
    expect(deps.outbox.entries).toHaveLength(1);
    expect(deps.outbox.entries[0]?.at).toBe('2026-11-21T08:00:00.000Z');
    expect(deps.outbox.entries[0]?.body).toContain('is booked for Thu 10 Dec at 14:00');
    const { items: messages } = await messagesByPhone(store, client.phone);
    expect(messages.map((m) => [m.kind, m.at])).toEqual([['confirmation', '2026-11-21T08:00:00.000Z']]);
  });
});

describe('cancelling a booking (staff)', () => {
  it('cancels the booking, frees the slot, leaves the live indexes and tells the family', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);
    const booking = await book(deps);
    deps.clock.set('2026-12-01T09:00:00.000Z');

    // Act
    const result = await cancelByStaff(deps, {
      bookingId: booking.id,
      by: 'staff:hv-1',
      reason: 'health visitor unwell',
      notify: true,
    });

    // Assess
    const noticeMinutes = 9 * 1440 + 5 * 60;
    expect(result).toMatchObject({ notified: true, booking: { status: 'CANCELLED' } });
    expect(await getBooking(store, booking.id)).toMatchObject({
      status: 'CANCELLED',
      cancelledAt: '2026-12-01T09:00:00.000Z',
      cancelledBy: 'staff:hv-1',
      cancelReason: 'health visitor unwell',
      cancelNoticeMinutes: noticeMinutes,
      lateCancellation: false,
    });

    const freed = await rawItem(store, slotKey(slot.id));
    expect(freed).toMatchObject({
      status: 'FREE',
      freedAt: '2026-12-01T09:00:00.000Z',
      freedBy: 'staff:hv-1',
    });
    expect(freed).not.toHaveProperty('bookingId');

    expect((await dueIndex(store)).has(booking.id)).toBe(false);
    expect(await liveBookingIdsInPhoneIndex(store, client.phone)).toEqual([]);
    expect(await liveBookingsByPhone(store, client.phone)).toEqual([]);

    const texts = deps.outbox.entries.map((e) => e.body);
    expect(texts).toHaveLength(2);
    expect(texts[1]).toBe(
      "ECHT: Amelia's 6-8 week baby review on Thu 10 Dec at 14:00 has been cancelled. We will be in touch to rebook. Call 0300 123 4024 with questions.",
    );
    const { items: messages } = await messagesByPhone(store, client.phone);
    expect(messages[0]).toMatchObject({
      kind: 'cancelledByStaff',
      bookingId: booking.id,
      at: '2026-12-01T09:00:00.000Z',
    });

    expect(deps.bus.events.map((e) => e.type)).toEqual(['AppointmentBooked', 'AppointmentCancelled']);
    expect(deps.bus.events[1]?.detail).toMatchObject({
      bookingId: booking.id,
      cancelledBy: 'staff',
      noticeMinutes,
      late: false,
    });
  });

  it('never sends a later tier once the booking is cancelled', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);
    const booking = await book(deps);
    deps.clock.set('2026-12-01T09:00:00.000Z');
    await cancelByStaff(deps, { bookingId: booking.id, by: 'staff:hv-1', reason: 'moved', notify: false });

    // Act
    const reports = [
      await sweepAt(deps, SEVEN_DAY_DUE),
      await sweepAt(deps, TWO_DAY_DUE),
      await sweepAt(deps, MORNING_OF_DUE),
    ];

    // Assess
    for (const report of reports) expect(report).toMatchObject({ due: 0, sent: 0 });
    expect(deps.outbox.entries.map((e) => e.at)).toEqual([BOOKED_AT]);
    const stored = await getBooking(store, booking.id);
    for (const id of ['7d', '2d', 'morning-of']) expect(stored?.tiers[id]?.status).toBe('PENDING');
  });

  it('refuses to cancel twice with ALREADY_CANCELLED', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);
    const booking = await book(deps);
    deps.clock.set('2026-12-01T09:00:00.000Z');
    await cancelByStaff(deps, { bookingId: booking.id, by: 'staff:hv-1', reason: 'moved', notify: true });

    // Act
    const again = cancelByStaff(deps, {
      bookingId: booking.id,
      by: 'staff:hv-2',
      reason: 'moved',
      notify: true,
    });

    // Assess
    await expect(again).rejects.toBeInstanceOf(ConflictError);
    await expect(again).rejects.toMatchObject({ code: 'ALREADY_CANCELLED' });
    expect(await getBooking(store, booking.id)).toMatchObject({
      status: 'CANCELLED',
      cancelledBy: 'staff:hv-1',
    });
    expect(deps.outbox.entries).toHaveLength(2);
  });

  it('flags a cancellation inside the late threshold as late', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);
    const booking = await book(deps);
    deps.clock.set('2026-12-10T09:00:00.000Z');

    // Act
    await cancelByStaff(deps, { bookingId: booking.id, by: 'staff:hv-1', reason: 'moved', notify: true });

    // Assess
    expect(await getBooking(store, booking.id)).toMatchObject({
      cancelNoticeMinutes: 300,
      lateCancellation: true,
    });
    expect(deps.bus.events[1]?.detail).toMatchObject({ noticeMinutes: 300, late: true });
  });

  it('does not text the family in quiet hours, and says so', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);
    const booking = await book(deps);
    deps.clock.set('2026-12-09T21:00:00.000Z');

    // Act
    const result = await cancelByStaff(deps, {
      bookingId: booking.id,
      by: 'staff:hv-1',
      reason: 'moved',
      notify: true,
    });

    // Assess
    expect(result).toMatchObject({ notified: false, notNotifiedReason: 'quiet-hours' });
    expect(deps.outbox.entries.map((e) => e.at)).toEqual([BOOKED_AT]);
    expect(await getBooking(store, booking.id)).toMatchObject({ status: 'CANCELLED' });
    expect(await getSlot(store, slot.id)).toMatchObject({ status: 'FREE' });
  });

  it('does not text the family when staff ask it not to', async () => {
    // Prepare
    const deps = testDeps(store, BOOKED_AT);
    const booking = await book(deps);
    deps.clock.set('2026-12-01T09:00:00.000Z');

    // Act
    const result = await cancelByStaff(deps, {
      bookingId: booking.id,
      by: 'staff:hv-1',
      reason: 'moved',
      notify: false,
    });

    // Assess
    expect(result).toMatchObject({ notified: false, notNotifiedReason: 'not-requested' });
    expect(deps.outbox.entries.map((e) => e.at)).toEqual([BOOKED_AT]);
    const { items: messages } = await messagesByPhone(store, client.phone);
    expect(messages.map((m) => m.kind)).toEqual(['confirmation']);
  });
});

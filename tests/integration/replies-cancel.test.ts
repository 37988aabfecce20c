/**
 * CANCEL and REBOOK by text against a real table: which booking a reply means (a quoted reference, then
 * the text it answers, then the phone's only live booking), and what cancelling does to the booking, the
 * slot, the event bus, the reminder plan and the answer the family gets.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Booking, Clinic } from '#core/model.ts';
import type { OutboxEntry } from '#messaging/outbox-sms-sender.ts';
import { bookSlot } from '#services/bookings.ts';
import { handleInboundSms } from '#services/replies.ts';
import { getBooking } from '#store/bookings.ts';
import type { StoreContext } from '#store/context.ts';
import { openInbox } from '#store/inbox.ts';
import { messagesByPhone } from '#store/messages.ts';
import { getSlot } from '#store/slots.ts';
import type { ClientWithPhone } from '#tests/support/builders.ts';
import { aClient, aClinic, anInboundSms, aSlotFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { bookingKey, plusMinutes, rawItem, seed, sweepAt } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London (GMT, so local time and UTC agree). */
const NOW = '2026-11-23T10:00:00.000Z';
/** Thursday 3 December 2026, 14:00: ten days away, with a 7-day, a 2-day and a morning-of reminder. */
const LATER = '2026-12-03T14:00:00.000Z';
/** Friday 4 December 2026, 09:30. */
const LATER_STILL = '2026-12-04T09:30:00.000Z';

let store: StoreContext;
let clinic: Clinic;
let deps: TestDeps;

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic({ venue: 'Oakwood Health Centre' });
  await seed(store, { clinic });
  deps = testDeps(store, NOW);
});

/** Seeds a client and books a new slot at `startsAt`; returns the confirmation too. */
async function booked(
  client: ClientWithPhone,
  startsAt: string,
): Promise<{ booking: Booking; confirmation: OutboxEntry }> {
  const slot = aSlotFor(clinic, { startsAt });
  await seed(store, { clients: [client], slots: [slot] });
  const booking = await bookSlot(deps, {
    slotId: slot.id,
    clientId: client.id,
    by: 'staff:hv-1',
    source: 'staff',
  });
  const confirmation = textsTo(client.phone).at(-1);
  expect(confirmation?.body).toContain(`Ref ${booking.ref}`);
  return { booking, confirmation: confirmation! };
}

const textsTo = (phone: string) => deps.outbox.entries.filter((e) => e.to === phone);
const statusOf = async (id: string) => (await getBooking(store, id))?.status;
const inboxFor = async (phone: string) => (await openInbox(store)).items.filter((i) => i.phone === phone);
const cancelEvents = () => deps.bus.events.filter((e) => e.type === 'AppointmentCancelled');
/** A reference that is not `ref`. */
const otherRef = (ref: string) => String(((Number(ref) - 1000 + 1) % 9000) + 1000);

describe('which booking a CANCEL means', () => {
  it('a reference code in the reply wins over the text it answers', async () => {
    // Prepare: two siblings on one phone; the parent answers the first one's confirmation
    const amelia = aClient({ firstName: 'Amelia' });
    const oliver = aClient({ firstName: 'Oliver', phone: amelia.phone });
    const first = await booked(amelia, LATER);
    const second = await booked(oliver, LATER_STILL);

    // Act
    const result = await handleInboundSms(
      deps,
      anInboundSms(amelia.phone, `Cancel ${second.booking.ref} please`, {
        previousPublishedMessageId: first.confirmation.id,
      }),
    );

    // Assess
    expect(result).toMatchObject({ outcome: 'cancelled', bookingId: second.booking.id, replied: true });
    expect(await statusOf(second.booking.id)).toBe('CANCELLED');
    expect(await statusOf(first.booking.id)).toBe('BOOKED');
  });

  it('asks which child when the phone has several live bookings, even in reply to one of their texts', async () => {
    // Prepare
    const amelia = aClient({ firstName: 'Amelia' });
    const oliver = aClient({ firstName: 'Oliver', phone: amelia.phone });
    const first = await booked(amelia, LATER);
    const second = await booked(oliver, LATER_STILL);

    // Act: a plain CANCEL; End User Messaging names Oliver's confirmation as the text answered, but
    // that is only the last text sent, and the parent may mean Amelia.
    const result = await handleInboundSms(
      deps,
      anInboundSms(amelia.phone, 'CANCEL', { previousPublishedMessageId: second.confirmation.id }),
    );

    // Assess: nothing cancelled; the parent is asked to choose by code
    expect(result).toMatchObject({ outcome: 'asked-to-choose' });
    expect(await statusOf(first.booking.id)).toBe('BOOKED');
    expect(await statusOf(second.booking.id)).toBe('BOOKED');
    const ask = textsTo(amelia.phone).at(-1)?.body ?? '';
    expect(ask).toContain(`CANCEL ${first.booking.ref}`);
    expect(ask).toContain(`CANCEL ${second.booking.ref}`);
  });

  it('cancels the phone’s only live booking when nothing else says which', async () => {
    // Prepare
    const client = aClient();
    const { booking } = await booked(client, LATER);

    // Act
    const result = await handleInboundSms(deps, anInboundSms(client.phone, 'Cancel pls'));

    // Assess
    expect(result).toMatchObject({ outcome: 'cancelled', intent: 'CANCEL', bookingId: booking.id });
    expect(await statusOf(booking.id)).toBe('CANCELLED');
  });

  it('ignores an answered text that was sent to another phone', async () => {
    // Prepare: the provider id of another family's confirmation, quoted from this phone
    const ours = aClient();
    const theirs = aClient();
    const own = await booked(ours, LATER);
    const other = await booked(theirs, LATER_STILL);

    // Act
    const result = await handleInboundSms(
      deps,
      anInboundSms(ours.phone, 'CANCEL', { previousPublishedMessageId: other.confirmation.id }),
    );

    // Assess: the other family's booking is untouched; this phone's own booking is the one meant
    expect(result.bookingId).toBe(own.booking.id);
    expect(await statusOf(other.booking.id)).toBe('BOOKED');
    expect(await statusOf(own.booking.id)).toBe('CANCELLED');
  });

  it('asks a phone with several live bookings to choose, listing each reference, and tells staff', async () => {
    // Prepare
    const amelia = aClient({ firstName: 'Amelia' });
    const oliver = aClient({ firstName: 'Oliver', phone: amelia.phone });
    const first = await booked(amelia, LATER);
    const second = await booked(oliver, LATER_STILL);
    const sent = textsTo(amelia.phone).length;

    // Act
    const result = await handleInboundSms(deps, anInboundSms(amelia.phone, 'I need to cancel'));

    // Assess: one text naming both codes; nothing cancelled; staff see both bookings
    expect(result).toMatchObject({ outcome: 'asked-to-choose', intent: 'CANCEL', replied: true });
    const texts = textsTo(amelia.phone);
    expect(texts).toHaveLength(sent + 1);
    expect(texts.at(-1)?.body).toContain('more than one appointment');
    expect(texts.at(-1)?.body).toContain(`CANCEL ${first.booking.ref} for Amelia on Thu 3 Dec 14:00`);
    expect(texts.at(-1)?.body).toContain(`CANCEL ${second.booking.ref} for Oliver on Fri 4 Dec 09:30`);
    expect(await statusOf(first.booking.id)).toBe('BOOKED');
    expect(await statusOf(second.booking.id)).toBe('BOOKED');
    const inbox = await inboxFor(amelia.phone);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ reason: 'ambiguous', intent: 'CANCEL', body: 'I need to cancel' });
    expect(inbox[0]?.bookingIds.toSorted()).toEqual([first.booking.id, second.booking.id].toSorted());
    expect(inbox[0]?.clientIds.toSorted()).toEqual([amelia.id, oliver.id].toSorted());
    expect(cancelEvents()).toHaveLength(0);
  });

  it('cancels nothing for a reference the phone does not hold, and tells staff', async () => {
    // Prepare
    const client = aClient();
    const { booking } = await booked(client, LATER);
    const wrong = otherRef(booking.ref);

    // Act
    const result = await handleInboundSms(deps, anInboundSms(client.phone, `CANCEL ${wrong}`));

    // Assess
    expect(result).toMatchObject({ outcome: 'to-inbox', intent: 'CANCEL', replied: true });
    expect(await statusOf(booking.id)).toBe('BOOKED');
    expect((await getSlot(store, booking.slotId))?.status).toBe('BOOKED');
    const inbox = await inboxFor(client.phone);
    expect(inbox.map((i) => i.reason)).toEqual(['unknown-reference']);
    expect(inbox[0]?.clientIds).toEqual([client.id]);
    expect(textsTo(client.phone).at(-1)?.body).toContain('a member of our team will read your message');
    expect(cancelEvents()).toHaveLength(0);
  });

  it('files a CANCEL from an unknown number as unmatched, with a polite answer', async () => {
    // Prepare
    const stranger = '+447700900999';

    // Act
    const result = await handleInboundSms(deps, anInboundSms(stranger, 'CANCEL'));

    // Assess
    expect(result).toMatchObject({ outcome: 'to-inbox', intent: 'CANCEL', replied: true });
    const inbox = await inboxFor(stranger);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({ reason: 'unmatched-number', clientIds: [], bookingIds: [] });
    expect(textsTo(stranger).map((t) => t.body)).toEqual([
      'ECHT: we could not find an appointment for this number. A member of our team will read your message. Call 0300 123 4024.',
    ]);
  });

  it('answers a known family with nothing booked politely and lets a person read it', async () => {
    // Prepare
    const client = aClient();
    await seed(store, { clients: [client] });

    // Act
    const result = await handleInboundSms(deps, anInboundSms(client.phone, 'cancel'));

    // Assess
    expect(result).toMatchObject({ outcome: 'to-inbox', replied: true });
    expect((await inboxFor(client.phone)).map((i) => i.reason)).toEqual(['free-text']);
    expect(textsTo(client.phone).map((t) => t.body)).toEqual([
      'ECHT: thank you, a member of our team will read your message. Call 0300 123 4024 if it is urgent.',
    ]);
  });
});

describe('what a CANCEL does', () => {
  it.each([
    { notice: '23 hours', startsAt: plusMinutes(NOW, 23 * 60), minutes: 1380, late: true },
    { notice: 'exactly 24 hours', startsAt: plusMinutes(NOW, 24 * 60), minutes: 1440, late: false },
    { notice: 'ten days', startsAt: LATER, minutes: 14_640, late: false },
  ])(
    'with $notice notice: cancels, frees the slot, announces it and confirms (late: $late)',
    async ({ startsAt, minutes, late }) => {
      // Prepare
      const client = aClient({ firstName: 'Freya' });
      const { booking } = await booked(client, startsAt);
      const sent = textsTo(client.phone).length;

      // Act
      const result = await handleInboundSms(deps, anInboundSms(client.phone, 'CANCEL'));

      // Assess: the booking
      expect(result).toMatchObject({ outcome: 'cancelled', bookingId: booking.id, replied: true });
      const after = await getBooking(store, booking.id);
      expect(after).toMatchObject({
        status: 'CANCELLED',
        cancelledAt: NOW,
        cancelNoticeMinutes: minutes,
        lateCancellation: late,
        cancelReason: 'Family cancelled by text',
      });
      expect(after?.cancelledBy).toMatch(/^sms:in-/);
      // the slot and the bus
      expect((await getSlot(store, booking.slotId))?.status).toBe('FREE');
      expect(cancelEvents().map((e) => e.detail)).toEqual([
        expect.objectContaining({
          bookingId: booking.id,
          slotId: booking.slotId,
          clientId: client.id,
          cancelledBy: 'sms',
          noticeMinutes: minutes,
          late,
          cancelledAt: NOW,
        }),
      ]);
      // the one answer, in the late or the ordinary wording
      const texts = textsTo(client.phone);
      expect(texts).toHaveLength(sent + 1);
      if (late) expect(texts.at(-1)?.body).toContain('ECHT: thank you for letting us know, Freya');
      else
        expect(texts.at(-1)?.body).toMatch(
          /^ECHT: thank you, Freya's 6-8 week baby review on .* is cancelled/,
        );
      const answer = (await messagesByPhone(store, client.phone)).items.find(
        (m) => m.providerMessageId === texts.at(-1)?.id,
      );
      expect(answer).toMatchObject({
        kind: late ? 'cancelConfirmedLate' : 'cancelConfirmed',
        bookingId: booking.id,
        clientId: client.id,
      });
    },
  );

  it('sends none of the reminders left in the plan', async () => {
    // Prepare
    const client = aClient();
    const { booking } = await booked(client, LATER);
    expect(Object.values(booking.tiers).filter((t) => t.status === 'PENDING')).toHaveLength(3);
    await handleInboundSms(deps, anInboundSms(client.phone, 'CANCEL'));
    const sent = textsTo(client.phone).length;

    // Act: a sweep at each tier's due time
    const reports = [];
    for (const due of ['2026-11-26T10:00:00.000Z', '2026-12-01T10:00:00.000Z', '2026-12-03T08:00:00.000Z'])
      reports.push(await sweepAt(deps, due));

    // Assess
    expect(textsTo(client.phone)).toHaveLength(sent);
    expect(reports.map((r) => r.sent)).toEqual([0, 0, 0]);
    const raw = await rawItem(store, bookingKey(booking.id));
    expect(raw?.dueShard).toBeUndefined();
    expect(raw?.nextDueAt).toBeUndefined();
  });

  it('answers a second CANCEL "already cancelled", without an error or another event', async () => {
    // Prepare: cancelled once; the parent replies to the cancellation text
    const client = aClient({ firstName: 'Maja' });
    const { booking } = await booked(client, LATER);
    await handleInboundSms(deps, anInboundSms(client.phone, 'CANCEL'));
    const cancelText = textsTo(client.phone).at(-1)!;

    // Act
    const again = await handleInboundSms(
      deps,
      anInboundSms(client.phone, 'cancel', { previousPublishedMessageId: cancelText.id }),
    );
    const withRef = await handleInboundSms(
      deps,
      anInboundSms(client.phone, `CANCEL ${booking.ref}`, { previousPublishedMessageId: cancelText.id }),
    );

    // Assess
    for (const result of [again, withRef])
      expect(result).toMatchObject({ outcome: 'already-cancelled', bookingId: booking.id, replied: true });
    expect(
      textsTo(client.phone)
        .slice(-2)
        .map((t) => t.body),
    ).toEqual([
      expect.stringContaining(
        "ECHT: Maja's 6-8 week baby review on Thu 3 Dec at 14:00 was already cancelled.",
      ),
      expect.stringContaining('was already cancelled'),
    ]);
    expect(cancelEvents()).toHaveLength(1);
    expect(await statusOf(booking.id)).toBe('CANCELLED');
  });

  it('lets only one of two CANCELs arriving together cancel; the other hears "already cancelled"', async () => {
    // Prepare: both answer the confirmation, so each finds the booking whichever cancels first
    const client = aClient();
    const { booking, confirmation } = await booked(client, LATER);
    const answering = { previousPublishedMessageId: confirmation.id };

    // Act
    const results = await Promise.all([
      handleInboundSms(deps, anInboundSms(client.phone, 'CANCEL', answering)),
      handleInboundSms(deps, anInboundSms(client.phone, 'Cancel please', answering)),
    ]);

    // Assess
    expect(results.map((r) => r.outcome).toSorted()).toEqual(['already-cancelled', 'cancelled']);
    expect(cancelEvents()).toHaveLength(1);
    expect((await getSlot(store, booking.slotId))?.status).toBe('FREE');
  });
});

describe('REBOOK', () => {
  it('cancels the booking, asks staff to rebook it, and tells the family', async () => {
    // Prepare
    const client = aClient({ firstName: 'Jakub' });
    const { booking } = await booked(client, LATER);

    // Act
    const result = await handleInboundSms(deps, anInboundSms(client.phone, 'Can we rearrange?'));

    // Assess
    expect(result).toMatchObject({
      outcome: 'rebook-requested',
      intent: 'REBOOK',
      bookingId: booking.id,
      replied: true,
    });
    expect(await getBooking(store, booking.id)).toMatchObject({
      status: 'CANCELLED',
      cancelReason: 'Family asked to rebook by text',
      lateCancellation: false,
    });
    expect((await getSlot(store, booking.slotId))?.status).toBe('FREE');
    expect(cancelEvents().map((e) => e.detail)).toEqual([
      expect.objectContaining({ bookingId: booking.id, cancelledBy: 'sms' }),
    ]);
    const inbox = await inboxFor(client.phone);
    expect(inbox).toHaveLength(1);
    expect(inbox[0]).toMatchObject({
      reason: 'rebook-request',
      intent: 'REBOOK',
      bookingIds: [booking.id],
      clientIds: [client.id],
    });
    expect(textsTo(client.phone).at(-1)?.body).toBe(
      "ECHT: thanks, we will text you a new time for Jakub's 6-8 week baby review soon. Call 0300 123 4024 if it is urgent.",
    );
  });

  it('for a booking already cancelled, records the request without cancelling again', async () => {
    // Prepare
    const client = aClient();
    const { booking } = await booked(client, LATER);
    await handleInboundSms(deps, anInboundSms(client.phone, 'CANCEL'));
    const cancelText = textsTo(client.phone).at(-1)!;

    // Act
    const result = await handleInboundSms(
      deps,
      anInboundSms(client.phone, 'REBOOK', { previousPublishedMessageId: cancelText.id }),
    );

    // Assess
    expect(result).toMatchObject({ outcome: 'rebook-requested', bookingId: booking.id });
    expect(cancelEvents()).toHaveLength(1);
    expect((await inboxFor(client.phone)).map((i) => [i.reason, i.bookingIds])).toEqual([
      ['rebook-request', [booking.id]],
    ]);
    expect(textsTo(client.phone).at(-1)?.body).toContain('we will text you a new time');
  });
});

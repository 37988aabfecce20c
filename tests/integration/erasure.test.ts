/**
 * A data-protection erasure against a real table: afterwards no item holds the child's name, phone or
 * dates; bookings keep only what the metrics need; live bookings were cancelled and their slots freed;
 * a sibling sharing the phone keeps their own history; an open Was-Not-Brought follow-up blocks it; and
 * asking again gives the same answer (or finishes an erasure that stopped half-way).
 */
import { QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConflictError, NotFoundError } from '#core/errors.ts';
import type { Booking, Clinic, Slot } from '#core/model.ts';
import { startBackfill } from '#services/backfill.ts';
import { bookSlot, cancelByStaff } from '#services/bookings.ts';
import { eraseClient } from '#services/erasure.ts';
import { recordOutcome } from '#services/outcomes.ts';
import { handleInboundSms } from '#services/replies.ts';
import { addToWaitlist } from '#services/waitlist.ts';
import { createBooking, getBooking, liveBookingsByPhone } from '#store/bookings.ts';
import { clientsByPhone, getClient } from '#store/clients.ts';
import type { StoreContext } from '#store/context.ts';
import { beginErasure, ERASED_CANCEL_REASON, getTombstone } from '#store/erasure.ts';
import { closeFollowUp, getFollowUp } from '#store/follow-ups.ts';
import { openInbox } from '#store/inbox.ts';
import { byPhone, keys } from '#store/keys.ts';
import { messagesByPhone } from '#store/messages.ts';
import { offersBySlot } from '#store/offers.ts';
import { getSlot } from '#store/slots.ts';
import { entryIdFor, getEntry } from '#store/waitlist.ts';
import type { ClientWithPhone } from '#tests/support/builders.ts';
import { aBookingFor, aClient, aClinic, anInboundSms, aSlotFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { bookingKey, rawItem, seed } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London (GMT, so local time and UTC agree). */
const NOW = '2026-11-23T10:00:00.000Z';
const TUESDAY = '2026-11-24T10:00:00.000Z';
const WEDNESDAY = '2026-11-25T10:00:00.000Z';
const NEXT_WEEK = '2026-12-03T14:00:00.000Z';
/** Thursday 26 November, 09:00: Tuesday's appointment is over, next week's is still to come. */
const ERASED_AT = '2026-11-26T09:00:00.000Z';
const DPO = 'arn:aws:sts::123456789012:assumed-role/attend-staff/dpo';

let store: StoreContext;
let clinic: Clinic;
let deps: TestDeps;
let amelia: ClientWithPhone;

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic({ venue: 'Oakwood Health Centre' });
  amelia = aClient({
    firstName: 'Amelia',
    familyName: 'Zielinski',
    dateOfBirth: '2026-10-05',
    namedHealthVisitor: 'Priya Shah',
  });
  await seed(store, { clinic, clients: [amelia] });
  deps = testDeps(store, NOW);
});

async function booked(startsAt: string, who: ClientWithPhone = amelia): Promise<Booking> {
  const slot = aSlotFor(clinic, { startsAt });
  await seed(store, { slots: [slot] });
  return bookSlot(deps, { slotId: slot.id, clientId: who.id, by: 'staff:hv-1', source: 'staff' });
}

/** Every item in the (small) test table, storage attributes included. */
async function everything(): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await store.db.send(new ScanCommand({ TableName: store.table, ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

async function phonePartition(phone: string): Promise<Record<string, unknown>[]> {
  const out = await store.db.send(
    new QueryCommand({
      TableName: store.table,
      IndexName: 'byPhone',
      KeyConditionExpression: 'phonePk = :pk',
      ExpressionAttributeValues: { ':pk': byPhone.partition(phone) },
    }),
  );
  return out.Items ?? [];
}

const erase = (clientId = amelia.id) => eraseClient(deps, { clientId, by: DPO });

describe('erasing a client', () => {
  it("removes the child's personal data everywhere and keeps anonymised counts", async () => {
    // Prepare: an attended appointment with a note, one cancelled with a reason naming the child, one
    // still to come; a free-text reply in the staff inbox; a place on the short-notice list
    const attended = await booked(TUESDAY);
    const cancelled = await booked(WEDNESDAY);
    const live = await booked(NEXT_WEEK);
    await cancelByStaff(deps, {
      bookingId: cancelled.id,
      by: 'staff:hv-1',
      reason: 'Mum rang: Amelia has chickenpox',
      notify: false,
    });
    await handleInboundSms(deps, anInboundSms(amelia.phone, 'Amelia has a rash, should we still come?'));
    await addToWaitlist(deps, {
      clientId: amelia.id,
      type: 'six-to-eight-week-review',
      acceptableClinicIds: [clinic.id],
      consentToShortNotice: true,
    });
    deps.clock.set(ERASED_AT);
    await recordOutcome(deps, {
      bookingId: attended.id,
      outcome: 'ATTENDED',
      note: 'Amelia weighed 4.9 kg',
      by: 'staff:hv-1',
    });
    const messages = (await messagesByPhone(store, amelia.phone)).items;
    expect(messages.length).toBeGreaterThanOrEqual(5);
    expect((await openInbox(store)).items).toHaveLength(1);

    // Act
    const summary = await erase();

    // Assess: the summary
    expect(summary).toEqual({
      clientId: amelia.id,
      state: 'ERASED',
      erasedAt: ERASED_AT,
      erasedBy: DPO,
      completedAt: ERASED_AT,
      counts: {
        bookings: { BOOKED: 0, CANCELLED: 2, ATTENDED: 1, DNA: 0, WNB: 0 },
        attended: 1,
        dna: 0,
        wnb: 0,
      },
      removed: {
        bookingsCancelled: 1,
        bookingsStripped: 3,
        offersDeleted: 0,
        waitlistEntriesDeleted: 1,
        messagesDeleted: messages.length,
        providerPointersDeleted: messages.length,
        inboxItemsDeleted: 1,
        followUpsStripped: 0,
      },
      keptSharedPhoneItems: 0,
      otherItems: {},
    });

    // … nothing in the table still says who the child was
    const stored = JSON.stringify(await everything());
    for (const personal of [amelia.phone, 'Amelia', 'Zielinski', '2026-10-05', 'Priya Shah', 'chickenpox']) {
      expect(stored).not.toContain(personal);
    }
    expect(await getClient(store, amelia.id)).toBeUndefined();
    expect(await phonePartition(amelia.phone)).toEqual([]);
    expect(await getEntry(store, entryIdFor(amelia.id, 'six-to-eight-week-review'))).toBeUndefined();
    expect((await openInbox(store)).items).toEqual([]);
    for (const message of messages) {
      expect(await rawItem(store, keys.message(message.id))).toBeUndefined();
      expect(await rawItem(store, keys.providerMessage(message.providerMessageId!))).toBeUndefined();
    }

    // … the bookings are still there for the metrics, without the personal parts
    const after = await Promise.all([attended, cancelled, live].map((b) => getBooking(store, b.id)));
    expect(after.map((b) => [b?.status, b?.phone])).toEqual([
      ['ATTENDED', 'erased'],
      ['CANCELLED', 'erased'],
      ['CANCELLED', 'erased'],
    ]);
    expect(after[0]?.outcomeNote).toBeUndefined();
    expect(after[1]?.cancelReason).toBe(ERASED_CANCEL_REASON);
    expect(after[2]).toMatchObject({ cancelledBy: DPO, cancelledAt: ERASED_AT });
    expect(await rawItem(store, bookingKey(live.id))).not.toHaveProperty('dueShard');

    // … the live booking's slot is free for someone else, and the bus was told
    expect(await getSlot(store, live.slotId)).toMatchObject({ status: 'FREE', freedAt: ERASED_AT });
    const cancellations = deps.bus.events.filter(
      (e) => e.type === 'AppointmentCancelled' && e.at === ERASED_AT,
    );
    expect(cancellations.map((e) => e.detail)).toEqual([
      expect.objectContaining({ bookingId: live.id, cancelledBy: 'staff' }),
    ]);
    // … and the family was not texted about it
    expect(deps.outbox.entries.filter((e) => e.at === ERASED_AT)).toEqual([]);
  });

  it('answers a repeated request with the same summary, and an unknown id with a 404', async () => {
    // Prepare
    await booked(NEXT_WEEK);
    const first = await erase();

    // Act
    const second = await erase();
    const unknown = await erase('nobody').catch((e: unknown) => e);

    // Assess
    expect(second).toEqual(first);
    expect(unknown).toBeInstanceOf(NotFoundError);
  });

  it('leaves nothing to book: the erased id cannot be booked again, even straight through the store', async () => {
    // Prepare
    await erase();
    const slot = aSlotFor(clinic, { startsAt: NEXT_WEEK });
    await seed(store, { slots: [slot] });

    // Act
    const viaService = await bookSlot(deps, {
      slotId: slot.id,
      clientId: amelia.id,
      by: 'staff:hv-1',
      source: 'staff',
    }).catch((e: unknown) => e);
    const viaStore = await createBooking(store, aBookingFor(slot, amelia)).catch((e: unknown) => e);

    // Assess
    expect(viaService).toBeInstanceOf(NotFoundError);
    expect(viaStore).toBeInstanceOf(NotFoundError);
    expect((await getSlot(store, slot.id))?.status).toBe('FREE');
  });

  it('is refused while a Was-Not-Brought follow-up is open, and strips it once closed', async () => {
    // Prepare: a vulnerable child not brought on Tuesday
    const flags = { needsCarer: false, parentalMentalHealth: false, vulnerable: true, doNotText: false };
    const child = aClient({ firstName: 'Noah', flags, namedHealthVisitor: 'Priya Shah' });
    await seed(store, { clients: [child] });
    const tuesday = await booked(TUESDAY, child);
    deps.clock.set(ERASED_AT);
    const { followUp } = await recordOutcome(deps, { bookingId: tuesday.id, outcome: 'WNB', by: 'hv' });

    // Act
    const refused = await erase(child.id).catch((e: unknown) => e);

    // Assess: nothing was erased
    expect(refused).toBeInstanceOf(ConflictError);
    expect(refused).toMatchObject({ code: 'OPEN_FOLLOW_UPS' });
    expect((await getClient(store, child.id))?.firstName).toBe('Noah');
    expect(await getTombstone(store, child.id)).toBeUndefined();

    // Act: the health visitor closes it, then the erasure goes ahead
    await closeFollowUp(store, { id: followUp!.id, by: 'hv', at: ERASED_AT, note: 'Noah seen at home' });
    const summary = await erase(child.id);

    // Assess
    expect(summary.removed.followUpsStripped).toBe(1);
    expect(summary.counts.wnb).toBe(1);
    const stripped = await getFollowUp(store, followUp!.id);
    expect(stripped).toMatchObject({ status: 'CLOSED', erased: true, bookingId: tuesday.id });
    expect(stripped?.note).toBeUndefined();
    expect(stripped?.namedHealthVisitor).toBeUndefined();
  });

  it("keeps a sibling's client, bookings and texts on a shared phone", async () => {
    // Prepare: Oliver shares Amelia's phone; both booked; the parent sends a free-text reply
    const oliver = aClient({ firstName: 'Oliver', phone: amelia.phone });
    await seed(store, { clients: [oliver] });
    const hers = await booked(NEXT_WEEK);
    const his = await booked('2026-12-04T09:30:00.000Z', oliver);
    await handleInboundSms(deps, anInboundSms(amelia.phone, 'Can we bring both kids together?'));
    const before = (await messagesByPhone(store, amelia.phone)).items;
    const hersText = before.find((m) => m.bookingId === hers.id);
    const hisText = before.find((m) => m.bookingId === his.id);
    expect(hersText && hisText).toBeTruthy();

    // Act
    const summary = await erase();

    // Assess
    expect((await clientsByPhone(store, amelia.phone)).map((c) => c.id)).toEqual([oliver.id]);
    expect((await liveBookingsByPhone(store, amelia.phone)).map((b) => b.id)).toEqual([his.id]);
    const after = (await messagesByPhone(store, amelia.phone)).items.map((m) => m.id);
    expect(after).toContain(hisText!.id);
    expect(after).not.toContain(hersText!.id);
    expect((await openInbox(store)).items).toHaveLength(1);
    expect(summary.keptSharedPhoneItems).toBeGreaterThan(0);
    expect((await getBooking(store, hers.id))?.phone).toBe('erased');
    expect((await getBooking(store, his.id))?.phone).toBe(oliver.phone);
  });

  it('withdraws a pending short-notice offer, so a later YES books nothing', async () => {
    // Prepare: Amelia is on the list and has just been offered a freed slot
    await addToWaitlist(deps, {
      clientId: amelia.id,
      type: 'six-to-eight-week-review',
      acceptableClinicIds: [clinic.id],
      consentToShortNotice: true,
    });
    // Thursday 26 November: inside her 6-8 week review window (born 5 October).
    const slot: Slot = aSlotFor(clinic, {
      startsAt: '2026-11-26T14:00:00.000Z',
      freedAt: NOW,
      freedBy: 'short-notice',
    });
    await seed(store, { slots: [slot] });
    await startBackfill(deps, slot.id);
    expect((await offersBySlot(store, slot.id)).map((o) => o.status)).toEqual(['PENDING']);

    // Act
    const summary = await erase();
    await handleInboundSms(deps, anInboundSms(amelia.phone, 'YES'));

    // Assess
    expect(summary.removed).toMatchObject({ offersDeleted: 1, waitlistEntriesDeleted: 1 });
    expect(await offersBySlot(store, slot.id)).toEqual([]);
    expect((await getSlot(store, slot.id))?.status).not.toBe('BOOKED');
  });

  it('finishes an erasure that stopped half-way', async () => {
    // Prepare: the client item is gone and the tombstone written, then the request timed out
    const live = await booked(NEXT_WEEK);
    const begun = await beginErasure(store, amelia, { by: DPO, now: NOW });
    expect(begun.outcome).toBe('begun');
    expect((await getTombstone(store, amelia.id))?.state).toBe('ERASING');

    // Act
    const summary = await erase();

    // Assess
    expect(summary).toMatchObject({ state: 'ERASED', erasedAt: NOW, removed: { bookingsCancelled: 1 } });
    expect((await getBooking(store, live.id))?.status).toBe('CANCELLED');
    expect(await phonePartition(amelia.phone)).toEqual([]);
    expect(await getTombstone(store, amelia.id)).not.toHaveProperty('phone');
  });
});

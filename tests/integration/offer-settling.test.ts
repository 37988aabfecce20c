/**
 * Every path that changes a slot settles its short-notice run (issue 9, item 2), against DynamoDB
 * Local: a staff booking (POST /bookings), a move into the slot, an EPR import booking it, and a
 * withdrawal (POST /slots/{id}/withdraw) of a slot under offer each end the run in the same write as
 * the slot change; every pending offer ends; each family who was texted the offer is told once; and
 * /metrics counts the run once, through the real table stream.
 */
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mapCsv } from '#core/import-csv.ts';
import type { Clinic, Slot } from '#core/model.ts';
import type { Offer } from '#core/waitlist.ts';
import { StreamPoller } from '#local/stream-poller.ts';
import { nextOfferWork, runOfferSweep, startBackfill } from '#services/backfill.ts';
import { bookSlot, cancelByStaff, moveBooking } from '#services/bookings.ts';
import { runImport } from '#services/import.ts';
import { countStreamRecord } from '#services/metrics.ts';
import { handleInboundSms } from '#services/replies.ts';
import { addToWaitlist } from '#services/waitlist.ts';
import type { StoreContext } from '#store/context.ts';
import { METRICS_FILTER_PATTERNS } from '#store/metrics-stream-filters.ts';
import { offersBySlot } from '#store/offers.ts';
import { getSlot } from '#store/slots.ts';
import { getEntry } from '#store/waitlist.ts';
import type { ClientWithPhone } from '#tests/support/builders.ts';
import { aClient, aClinic, anInboundSms, aSlotFor, aWaitlistRequestFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi, type ErrorResult } from '#tests/support/function-url.ts';
import { plusMinutes, seed } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London (GMT, so local time and UTC agree). */
const NOW = '2026-11-23T10:00:00.000Z';
const JOINED = '2026-11-19T10:00:00.000Z';
/** Thursday 26 November 2026, 14:00: three days ahead, so offers get the full 120-minute hold. */
const THURSDAY = '2026-11-26T14:00:00.000Z';
const BORN = '2026-10-05';
const WEEK = 'from=2026-11-23&to=2026-11-29';

let store: StoreContext & { endpoint: string };
let clinic: Clinic;
let deps: TestDeps;
let poller: StreamPoller;

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic({ id: 'riverside', venue: "Riverside Children's Centre" });
  await seed(store, { clinic });
  deps = testDeps(store, NOW);
  poller = new StreamPoller({
    endpoint: store.endpoint,
    tableName: store.table,
    filters: METRICS_FILTER_PATTERNS,
    handler: async (event) => {
      for (const record of event.Records) {
        await countStreamRecord(deps, {
          eventId: record.eventID!,
          eventName: record.eventName,
          oldImage: record.dynamodb?.OldImage ? unmarshallImage(record.dynamodb.OldImage) : undefined,
          newImage: record.dynamodb?.NewImage ? unmarshallImage(record.dynamodb.NewImage) : undefined,
        });
      }
    },
  });
  await poller.init();
});

afterEach(async () => {
  await poller.close();
});

// ---------------------------------------------------------------------------------------------------
// Steps shared by the tests

const unmarshallImage = (image: unknown) => unmarshall(image as never) as Record<string, unknown>;

async function onTheList(count: number, born = BORN, joined = JOINED): Promise<ClientWithPhone[]> {
  const families: ClientWithPhone[] = [];
  const resumeAt = deps.now().toISOString();
  for (let i = 0; i < count; i++) {
    const child = aClient({ firstName: `Child${i}`, dateOfBirth: born });
    await seed(store, { clients: [child] });
    deps.clock.set(joined);
    await addToWaitlist(deps, aWaitlistRequestFor(child, clinic));
    families.push(child);
  }
  deps.clock.set(resumeAt);
  return families;
}

/** A slot another family had booked, cancelled by staff now, and offered to the list (three offers). */
async function aSlotUnderOffer(
  startsAt = THURSDAY,
  born = BORN,
): Promise<{ slot: Slot; families: ClientWithPhone[] }> {
  const families = await onTheList(3, born, plusMinutes(deps.now().toISOString(), -4 * 24 * 60));
  const slot = await aFreedSlot(startsAt, born);
  expect(await startBackfill(deps, slot.id)).toBe('offered');
  const offers = await offersBySlot(store, slot.id);
  expect(offers.map((o) => [o.status, o.textStatus])).toEqual([
    ['PENDING', 'SENT'],
    ['PENDING', 'SENT'],
    ['PENDING', 'SENT'],
  ]);
  return { slot: (await getSlot(store, slot.id))!, families };
}

async function aFreedSlot(startsAt: string, born = BORN): Promise<Slot> {
  const holder = aClient({ dateOfBirth: born });
  const slot = aSlotFor(clinic, { startsAt });
  await seed(store, { clients: [holder], slots: [slot] });
  const booking = await bookSlot(deps, { slotId: slot.id, clientId: holder.id, by: 'hv', source: 'staff' });
  await cancelByStaff(deps, { bookingId: booking.id, by: 'hv', reason: 'Family moved away', notify: false });
  return (await getSlot(store, slot.id))!;
}

const textsTo = (phone: string) => deps.outbox.entries.filter((e) => e.to === phone);
const goneTexts = (phone: string) => textsTo(phone).filter((e) => e.body.includes('that time has now gone'));

/** Each family was told exactly once, by a text about their own offer. */
async function expectEachToldOnce(slot: Slot, families: readonly ClientWithPhone[]): Promise<void> {
  const offers = await offersBySlot(store, slot.id);
  for (const child of families) {
    expect(goneTexts(child.phone), child.firstName).toHaveLength(1);
    const offer = offers.find((o) => o.clientId === child.id)!;
    expect(offer.notice).toMatchObject({ kind: 'WITHDRAWN', state: 'SENT' });
  }
}

async function expectOffersWithdrawnAndFamiliesBackOnTheList(slot: Slot): Promise<Offer[]> {
  const offers = await offersBySlot(store, slot.id);
  expect(offers.map((o) => o.status)).toEqual(['WITHDRAWN', 'WITHDRAWN', 'WITHDRAWN']);
  for (const offer of offers) expect((await getEntry(store, offer.entryId))?.status).toBe('WAITING');
  return offers;
}

/** The short-notice section of GET /metrics for the week, after the stream has been read. */
async function shortNoticeMetrics() {
  await poller.drain();
  const res = await callApi<{ totals: { summary: { shortNotice: Record<string, unknown> } } }>(
    deps,
    'GET',
    `/metrics?${WEEK}`,
  );
  expect(res.status).toBe(200);
  return res.body.totals.summary.shortNotice;
}

// ---------------------------------------------------------------------------------------------------

describe('a staff booking of a slot under offer (POST /bookings)', () => {
  it('ends the run FILLED_BY_STAFF in the booking write, withdraws the offers and tells each family once', async () => {
    // Prepare
    const { slot, families } = await aSlotUnderOffer();
    const walkIn = aClient({ dateOfBirth: BORN });
    await seed(store, { clients: [walkIn] });
    deps.clock.set(plusMinutes(NOW, 20));

    // Act
    const res = await callApi<{ id: string }>(deps, 'POST', '/bookings', {
      slotId: slot.id,
      clientId: walkIn.id,
    });

    // Assess: the slot and its run
    expect(res.status).toBe(201);
    expect(await getSlot(store, slot.id)).toMatchObject({
      status: 'BOOKED',
      bookingId: res.body.id,
      backfill: {
        state: 'FILLED_BY_STAFF',
        reason: 'booked-by-staff',
        bookingId: res.body.id,
        endedAt: plusMinutes(NOW, 20),
        offersMade: 3,
      },
    });
    await expectOffersWithdrawnAndFamiliesBackOnTheList(slot);
    await expectEachToldOnce(slot, families);
    // Nothing is left for the sweep, and running it changes nothing
    expect(await nextOfferWork(deps)).toBeUndefined();
    expect(await runOfferSweep(deps)).toMatchObject({ noticesSent: 0, expired: 0, wavesSent: 0 });

    // A family's YES afterwards is not told again
    const late = await handleInboundSms(
      deps,
      anInboundSms(families[0]!.phone, 'YES', {
        previousPublishedMessageId: textsTo(families[0]!.phone)[0]?.id,
      }),
    );
    expect(late).toMatchObject({ outcome: 'offer-taken', replied: false });
    await expectEachToldOnce(slot, families);

    // /metrics: freed once, filled once (by staff), never unfilled, and still so after more stream work
    const expected = {
      slotsFreed: 1,
      slotsFilled: 1,
      slotsFilledByStaff: 1,
      slotsUnfilled: 0,
      slotsWithdrawn: 0,
      offersMade: 3,
      fillTimes: expect.objectContaining({ '15-30m': 1 }),
    };
    expect(await shortNoticeMetrics()).toMatchObject(expected);
    deps.clock.set(plusMinutes(NOW, 200));
    await runOfferSweep(deps);
    expect(await shortNoticeMetrics()).toMatchObject(expected);
  });

  it('records a freeing whose run had not started yet as filled by staff, so the metrics still balance', async () => {
    // Prepare: the slot is freed, and staff book it before the stream starts its run
    await onTheList(3);
    const slot = await aFreedSlot(THURSDAY);
    const walkIn = aClient({ dateOfBirth: BORN });
    await seed(store, { clients: [walkIn] });

    // Act
    await bookSlot(deps, { slotId: slot.id, clientId: walkIn.id, by: 'hv', source: 'staff' });
    const late = await startBackfill(deps, slot.id);

    // Assess
    expect(late).toBe('not-free');
    expect((await getSlot(store, slot.id))?.backfill).toMatchObject({
      runId: slot.freedAt,
      state: 'FILLED_BY_STAFF',
      offersMade: 0,
    });
    expect(deps.outbox.entries.filter((e) => e.body.includes('is free on'))).toEqual([]);
    expect(await shortNoticeMetrics()).toMatchObject({ slotsFreed: 1, slotsFilled: 1, slotsUnfilled: 0 });
  });
});

describe('withdrawing a slot (POST /slots/{id}/withdraw)', () => {
  it('ends the run WITHDRAWN, withdraws the offers, tells each family once, and counts it as withdrawn', async () => {
    // Prepare
    const { slot, families } = await aSlotUnderOffer();
    deps.clock.set(plusMinutes(NOW, 5));

    // Act
    const res = await callApi<Slot>(deps, 'POST', `/slots/${slot.id}/withdraw`);
    const again = await callApi<Slot>(deps, 'POST', `/slots/${slot.id}/withdraw`);

    // Assess
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      status: 'WITHDRAWN',
      withdrawnAt: plusMinutes(NOW, 5),
      backfill: { state: 'WITHDRAWN', reason: 'withdrawn', endedAt: plusMinutes(NOW, 5) },
    });
    expect(again).toMatchObject({ status: 200, body: { status: 'WITHDRAWN' } });
    await expectOffersWithdrawnAndFamiliesBackOnTheList(slot);
    await expectEachToldOnce(slot, families);
    expect(await shortNoticeMetrics()).toMatchObject({
      slotsFreed: 1,
      slotsFilled: 0,
      slotsUnfilled: 0,
      slotsWithdrawn: 1,
      offersMade: 3,
      fillRate: null,
    });
    // A withdrawn slot cannot be booked
    const walkIn = aClient();
    await seed(store, { clients: [walkIn] });
    const refused = await callApi<ErrorResult>(deps, 'POST', '/bookings', {
      slotId: slot.id,
      clientId: walkIn.id,
    });
    expect(refused).toMatchObject({ status: 409, body: { error: { code: 'SLOT_NOT_FREE' } } });
  });

  it('refuses a booked slot and an unknown one with the error shape, and withdraws a plain free slot', async () => {
    // Prepare
    const booked = aSlotFor(clinic, { startsAt: THURSDAY });
    const free = aSlotFor(clinic, { startsAt: plusMinutes(THURSDAY, 60) });
    const child = aClient();
    await seed(store, { clients: [child], slots: [booked, free] });
    await bookSlot(deps, { slotId: booked.id, clientId: child.id, by: 'hv', source: 'staff' });

    // Act
    const refused = await callApi<ErrorResult>(deps, 'POST', `/slots/${booked.id}/withdraw`);
    const unknown = await callApi<ErrorResult>(deps, 'POST', '/slots/no-such-slot/withdraw');
    const withdrawn = await callApi<Slot>(deps, 'POST', `/slots/${free.id}/withdraw`);

    // Assess
    expect(refused.status).toBe(409);
    expect(refused.body.error).toMatchObject({
      code: 'SLOT_BOOKED',
      message: expect.stringContaining('booked'),
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('NOT_FOUND');
    expect(withdrawn.body).toMatchObject({ status: 'WITHDRAWN' });
    expect(withdrawn.body.backfill).toBeUndefined();
    expect((await getSlot(store, booked.id))?.status).toBe('BOOKED');
  });
});

describe('moving a booking into a slot under offer', () => {
  it('ends the run FILLED_BY_STAFF (moved in), withdraws the offers and tells each family once', async () => {
    // Prepare: a family booked next week is moved into the slot under offer
    const { slot, families } = await aSlotUnderOffer();
    const mover = aClient({ dateOfBirth: BORN });
    const later = aSlotFor(clinic, { startsAt: '2026-11-30T14:00:00.000Z' });
    await seed(store, { clients: [mover], slots: [later] });
    const booking = await bookSlot(deps, { slotId: later.id, clientId: mover.id, by: 'hv', source: 'staff' });

    // Act
    const moved = await moveBooking(deps, {
      bookingId: booking.id,
      slotId: slot.id,
      reason: 'earlier',
      by: 'hv',
    });

    // Assess
    expect(await getSlot(store, slot.id)).toMatchObject({
      status: 'BOOKED',
      bookingId: moved.to.id,
      backfill: { state: 'FILLED_BY_STAFF', reason: 'moved-in', bookingId: moved.to.id },
    });
    await expectOffersWithdrawnAndFamiliesBackOnTheList(slot);
    await expectEachToldOnce(slot, families);
    expect(await getSlot(store, later.id)).toMatchObject({ status: 'FREE', freedBy: 'move' });
  });
});

describe('an EPR import booking a slot under offer (the import service as on main)', () => {
  it('ends the run in the import write; the offer sweep withdraws the offers and tells each family once', async () => {
    // Prepare
    const { slot, families } = await aSlotUnderOffer();
    const header =
      'source_system,clinic_id,clinic_name,venue,patient_id,first_name,mobile,appointment_id,appointment_type,date,time,status';
    const text = `${header}\nsystmone,riverside,Riverside,Riverside,P9,Nia,07700 900555,A9,six-to-eight-week-review,2026-11-26,14:00,booked\n`;
    const mapped = mapCsv(text, {
      appointmentTypes: deps.config.appointmentTypes,
      allowedCountries: deps.config.allowedCountries,
      timeZone: deps.config.timeZone,
    });
    if (!mapped.ok) throw new Error(mapped.message);

    // Act
    const report = await runImport(deps, mapped.batch, { dryRun: false, confirm: false, by: 'staff:import' });
    const sweep = await runOfferSweep(deps);

    // Assess
    expect(report.summary.created).toBeGreaterThanOrEqual(1);
    expect(report.rows[0]).toMatchObject({ action: 'created', slotId: slot.id });
    expect(await getSlot(store, slot.id)).toMatchObject({
      status: 'BOOKED',
      backfill: { state: 'FILLED_BY_STAFF', reason: 'booked-by-import' },
    });
    expect(sweep).toMatchObject({ noticesSent: 3, expired: 0 });
    await expectOffersWithdrawnAndFamiliesBackOnTheList(slot);
    await expectEachToldOnce(slot, families);
    expect(await runOfferSweep(deps)).toMatchObject({ noticesSent: 0 });
  });
});

describe('notices in quiet hours', () => {
  /** Monday 14 June 2027, 19:30 in London (BST: 18:30 UTC); quiet hours run 20:00 to 08:00 London. */
  const EVENING = '2027-06-14T18:30:00.000Z';
  /** 08:00 London on Tuesday 15 June is 07:00 UTC. */
  const EIGHT_AM = '2027-06-15T07:00:00.000Z';
  const SUMMER_BORN = '2027-04-26';

  it('holds a notice owed at 20:30 until 08:00 Europe/London, then sends it once', async () => {
    // Prepare: offers at 19:30; staff book the slot at 20:30, in quiet hours
    deps.clock.set(EVENING);
    const { slot, families } = await aSlotUnderOffer('2027-06-16T09:00:00.000Z', SUMMER_BORN);
    const walkIn = aClient({ dateOfBirth: SUMMER_BORN });
    await seed(store, { clients: [walkIn] });
    deps.clock.set(plusMinutes(EVENING, 60));
    await bookSlot(deps, { slotId: slot.id, clientId: walkIn.id, by: 'hv', source: 'staff' });

    // Act
    const held = (await offersBySlot(store, slot.id)).map((o) => o.notice);
    const nextWork = await nextOfferWork(deps);
    deps.clock.set(plusMinutes(EIGHT_AM, -1));
    const beforeEight = await runOfferSweep(deps);
    const beforeEightTexts = families.flatMap((c) => goneTexts(c.phone));
    deps.clock.set(EIGHT_AM);
    const atEight = await runOfferSweep(deps);
    const afterwards = await runOfferSweep(deps);

    // Assess
    expect(held).toEqual([
      expect.objectContaining({ kind: 'WITHDRAWN', state: 'DUE', dueAt: EIGHT_AM }),
      expect.objectContaining({ kind: 'WITHDRAWN', state: 'DUE', dueAt: EIGHT_AM }),
      expect.objectContaining({ kind: 'WITHDRAWN', state: 'DUE', dueAt: EIGHT_AM }),
    ]);
    expect(nextWork).toBe(EIGHT_AM);
    expect(beforeEight).toMatchObject({ noticesSent: 0 });
    expect(beforeEightTexts).toEqual([]);
    expect(atEight).toMatchObject({ noticesSent: 3, noticesDropped: 0 });
    expect(afterwards).toMatchObject({ noticesSent: 0 });
    await expectEachToldOnce(slot, families);
    for (const child of families) expect(goneTexts(child.phone)[0]?.at).toBe(EIGHT_AM);
  });

  it('drops a held notice when the slot has started by the time quiet hours end', async () => {
    // Prepare: a slot at 07:45 London tomorrow, offered at 19:30, booked by staff at 20:30
    deps.clock.set(EVENING);
    const { slot, families } = await aSlotUnderOffer('2027-06-15T06:45:00.000Z', SUMMER_BORN);
    const walkIn = aClient({ dateOfBirth: SUMMER_BORN });
    await seed(store, { clients: [walkIn] });
    deps.clock.set(plusMinutes(EVENING, 60));
    await bookSlot(deps, { slotId: slot.id, clientId: walkIn.id, by: 'hv', source: 'staff' });

    // Act
    deps.clock.set(EIGHT_AM);
    const atEight = await runOfferSweep(deps);

    // Assess
    expect(atEight).toMatchObject({ noticesSent: 0, noticesDropped: 3 });
    for (const child of families) expect(goneTexts(child.phone)).toEqual([]);
    const offers = await offersBySlot(store, slot.id);
    expect(offers.map((o) => o.notice)).toEqual(
      families.map(() => expect.objectContaining({ state: 'DROPPED', reason: 'slot-started' })),
    );
    expect(await nextOfferWork(deps)).toBeUndefined();
  });
});

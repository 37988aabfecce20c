/**
 * The claim that stands between a sweep's decision and a send. A sweep decides from the booking image
 * it read from the due index, which another sweep may have changed since; the conditional writes must
 * keep the stored tiers true whatever order the two sweeps' writes land in.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Booking } from '#core/model.ts';
import { CLAIM_LEASE_MINUTES } from '#core/reminder-decision.ts';
import { bookSlot } from '#services/bookings.ts';
import { outboundMessage } from '#services/texts.ts';
import { getBooking } from '#store/bookings.ts';
import type { StoreContext } from '#store/context.ts';
import { claimTier, completeTier } from '#store/reminder-tiers.ts';
import { aClient, aClinic, aSlotFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { plusMinutes, seed, sweepAt } from './helpers.ts';

const BOOKED_AT = '2026-11-20T10:00:00.000Z';
const STARTS_AT = '2026-12-10T14:00:00.000Z';
const SEVEN_DAY_DUE = '2026-12-03T10:00:00.000Z';
const TWO_DAY_DUE = '2026-12-08T10:00:00.000Z';

let store: StoreContext;
let deps: TestDeps;
let booking: Booking;

beforeEach(async () => {
  store = await freshTable();
  const clinic = aClinic();
  const client = aClient();
  const slot = aSlotFor(clinic, { startsAt: STARTS_AT });
  await seed(store, { clinic, clients: [client], slots: [slot] });
  deps = testDeps(store, BOOKED_AT);
  booking = await bookSlot(deps, { slotId: slot.id, clientId: client.id, by: 'staff:hv-1', source: 'staff' });
});

const leaseCutoff = (now: string) => plusMinutes(now, -CLAIM_LEASE_MINUTES);
const reminders = () => deps.outbox.entries.filter((e) => e.body.includes('reminder of'));

describe('the claim lease', () => {
  it('lets a later sweep take over a claim whose sender died, once the lease has lapsed', async () => {
    // Prepare: a sender claims the 7-day tier and is never heard of again.
    const claimed = await claimTier(store, {
      bookingId: booking.id,
      tierId: '7d',
      supersede: [],
      now: SEVEN_DAY_DUE,
      leaseCutoff: leaseCutoff(SEVEN_DAY_DUE),
    });
    expect(claimed?.tiers['7d']).toMatchObject({ status: 'SENDING', claimedAt: SEVEN_DAY_DUE, attempts: 1 });

    // Act
    const withinLease = await sweepAt(deps, plusMinutes(SEVEN_DAY_DUE, CLAIM_LEASE_MINUTES));
    const afterLease = await sweepAt(deps, plusMinutes(SEVEN_DAY_DUE, CLAIM_LEASE_MINUTES + 5));

    // Assess
    expect(withinLease).toMatchObject({ due: 1, sent: 0 });
    expect(afterLease).toMatchObject({ due: 1, sent: 1 });
    expect(reminders().map((e) => e.at)).toEqual([plusMinutes(SEVEN_DAY_DUE, CLAIM_LEASE_MINUTES + 5)]);
    expect((await getBooking(store, booking.id))?.tiers['7d']).toMatchObject({ status: 'SENT', attempts: 2 });
  });
});

describe('superseding earlier tiers', () => {
  // After an outage, the 09:55 sweep has a backlog and is still running when the 10:00 one starts. The
  // 09:55 sweep sees only the 7-day tier due and sends it; the 10:00 sweep read the booking before that
  // and decides "send 2d, supersede 7d" from an image in which the 7-day tier is still PENDING.
  const EARLIER_SWEEP = plusMinutes(TWO_DAY_DUE, -5);
  const staleClaimOfTwoDay = () =>
    claimTier(store, {
      bookingId: booking.id,
      tierId: '2d',
      supersede: ['7d'],
      now: TWO_DAY_DUE,
      leaseCutoff: leaseCutoff(TWO_DAY_DUE),
    });

  it('never turns a tier that was sent into a skipped one', async () => {
    // Prepare
    await sweepAt(deps, EARLIER_SWEEP);
    const sent = (await getBooking(store, booking.id))?.tiers['7d'];
    expect(sent).toMatchObject({ status: 'SENT', sentAt: EARLIER_SWEEP });

    // Act
    await staleClaimOfTwoDay();

    // Assess
    const after = (await getBooking(store, booking.id))?.tiers['7d'];
    expect(after?.status).toBe('SENT');
    expect(after?.skipReason).toBeUndefined();
  });

  it('never takes a tier away from a sender that holds a live claim on it', async () => {
    // Prepare: the earlier sweep has claimed the 7-day tier and is sending it right now.
    const inFlight = await claimTier(store, {
      bookingId: booking.id,
      tierId: '7d',
      supersede: [],
      now: EARLIER_SWEEP,
      leaseCutoff: leaseCutoff(EARLIER_SWEEP),
    });
    if (!inFlight) throw new Error('the first claim should succeed');

    // Act: the later sweep's stale decision lands, then the earlier sender records its text.
    await staleClaimOfTwoDay();
    const text = { key: 'reminder' as const, body: 'reminder', segments: 1, encoding: 'GSM-7' as const };
    const recorded = await completeTier(store, {
      booking: inFlight,
      tierId: '7d',
      claimedAt: EARLIER_SWEEP,
      sentAt: EARLIER_SWEEP,
      message: outboundMessage(text, { to: booking.phone!, at: EARLIER_SWEEP, bookingId: booking.id }),
      retentionDays: 90,
    }).then(
      () => 'recorded',
      (err: Error) => err.name,
    );

    // Assess
    expect(recorded).toBe('recorded');
    expect((await getBooking(store, booking.id))?.tiers['7d']).toMatchObject({ status: 'SENT' });
  });
});

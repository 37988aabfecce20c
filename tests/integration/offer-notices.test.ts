/**
 * One notice per family per event (issue 9, item 3), against DynamoDB Local. Ten offered families
 * answer YES at the same moment: one is booked, and each of the nine others is told exactly once that
 * the slot has gone, whether the winner's notice or the answer to their own YES reaches them first.
 *
 * Before the fix the winner told the others and then each loser's own YES told them again, so some
 * losers got "that slot has just been taken" twice. This file uses only what existed then (the stream's
 * startBackfill and the inbound SMS handler), so it shows the fault on the code before the fix.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { TrustConfig } from '#core/config/trust-config.ts';
import type { Clinic, Slot } from '#core/model.ts';
import { startBackfill } from '#services/backfill.ts';
import { bookSlot, cancelByStaff } from '#services/bookings.ts';
import { handleInboundSms } from '#services/replies.ts';
import { addToWaitlist } from '#services/waitlist.ts';
import type { StoreContext } from '#store/context.ts';
import { getSlot } from '#store/slots.ts';
import type { ClientWithPhone } from '#tests/support/builders.ts';
import { aClient, aClinic, anInboundSms, aSlotFor, aWaitlistRequestFor } from '#tests/support/builders.ts';
import { exampleConfig, freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { seed } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London (GMT). */
const NOW = '2026-11-23T10:00:00.000Z';
const JOINED = '2026-11-19T10:00:00.000Z';
const BORN = '2026-10-05';
/** Three slots, three days ahead, each its own round. */
const SLOT_TIMES = ['2026-11-26T10:00:00.000Z', '2026-11-26T11:00:00.000Z', '2026-11-26T14:00:00.000Z'];

let store: StoreContext;
let clinic: Clinic;
let deps: TestDeps;

const tenAtOnce: TrustConfig = {
  ...exampleConfig,
  shortNotice: { ...exampleConfig.shortNotice, waveSize: 10 },
};

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic({ venue: 'Oakwood Health Centre' });
  await seed(store, { clinic });
  deps = testDeps(store, NOW, tenAtOnce);
});

async function tenFamilies(round: number): Promise<ClientWithPhone[]> {
  const families: ClientWithPhone[] = [];
  for (let i = 0; i < 10; i++) {
    const child = aClient({ firstName: `Round${round}Child${i}`, dateOfBirth: BORN });
    await seed(store, { clients: [child] });
    deps.clock.set(JOINED);
    await addToWaitlist(deps, aWaitlistRequestFor(child, clinic));
    deps.clock.set(NOW);
    families.push(child);
  }
  return families;
}

/** A slot another family had booked, cancelled by staff now: FREE with freedAt, as the stream sees it. */
async function aFreedSlot(startsAt: string): Promise<Slot> {
  const holder = aClient({ dateOfBirth: BORN });
  const slot = aSlotFor(clinic, { startsAt });
  await seed(store, { clients: [holder], slots: [slot] });
  const booking = await bookSlot(deps, { slotId: slot.id, clientId: holder.id, by: 'hv', source: 'staff' });
  await cancelByStaff(deps, {
    bookingId: booking.id,
    by: 'hv',
    reason: 'Health visitor off sick',
    notify: false,
  });
  return (await getSlot(store, slot.id))!;
}

const textsTo = (phone: string) => deps.outbox.entries.filter((e) => e.to === phone);
const takenTexts = (phone: string) => textsTo(phone).filter((e) => e.body.includes('just been taken'));

describe('ten families answering YES at the same moment', () => {
  // Three rounds (a slot each, on a fresh table: the losers of one round would be offered the next).
  it.each(SLOT_TIMES.map((startsAt, round) => [round + 1, startsAt] as const))(
    'round %i: books one and tells each of the other nine exactly once',
    async (round, startsAt) => {
      // Prepare: a wave of ten, each texted the offer
      const families = await tenFamilies(round);
      const slot = await aFreedSlot(startsAt);
      await startBackfill(deps, slot.id);
      for (const child of families) expect(textsTo(child.phone)).toHaveLength(1);

      // Act: each YES answers that family's offer text, as the provider reports it
      const results = await Promise.all(
        families.map((child) =>
          handleInboundSms(
            deps,
            anInboundSms(child.phone, 'YES', { previousPublishedMessageId: textsTo(child.phone)[0]?.id }),
          ),
        ),
      );

      // Assess: one booking; every other family told once, never twice, never not at all
      const outcomes = results.map((r) => r.outcome);
      expect(outcomes.filter((o) => o === 'offer-accepted')).toHaveLength(1);
      const winner = families[outcomes.indexOf('offer-accepted')]!;
      expect(await getSlot(store, slot.id)).toMatchObject({ status: 'BOOKED' });
      const told = Object.fromEntries(
        families.filter((c) => c !== winner).map((c) => [c.firstName, takenTexts(c.phone).length]),
      );
      expect(Object.values(told)).toHaveLength(9);
      expect(Object.entries(told).filter(([, n]) => n !== 1)).toEqual([]);
      expect(takenTexts(winner.phone)).toEqual([]);
    },
  );

  it('does not tell a family twice when their YES arrives after another family took the slot', async () => {
    // Prepare
    const families = await tenFamilies(0);
    const [first, late] = families;
    const slot = await aFreedSlot(SLOT_TIMES[0]!);
    await startBackfill(deps, slot.id);

    // Act: the first family's YES books it and tells the others; then a second family answers YES
    await handleInboundSms(deps, anInboundSms(first!.phone, 'YES'));
    await handleInboundSms(
      deps,
      anInboundSms(late!.phone, 'YES', { previousPublishedMessageId: textsTo(late!.phone)[0]?.id }),
    );

    // Assess: told once, by the notice the booking owed them
    expect(takenTexts(late!.phone)).toHaveLength(1);
  });

  it('confirms the winner once, however often they answer YES', async () => {
    // Prepare
    const families = await tenFamilies(0);
    const [winner] = families;
    const slot = await aFreedSlot(SLOT_TIMES[1]!);
    await startBackfill(deps, slot.id);
    const yes = () =>
      handleInboundSms(
        deps,
        anInboundSms(winner!.phone, 'YES', { previousPublishedMessageId: textsTo(winner!.phone)[0]?.id }),
      );

    // Act: a double tap (two at once), then one more later
    const [a, b] = await Promise.all([yes(), yes()]);
    const later = await yes();

    // Assess: one booking, one confirmation; the others answer as already booked, with no text
    expect([a.outcome, b.outcome, later.outcome]).toEqual([
      'offer-accepted',
      'offer-accepted',
      'offer-accepted',
    ]);
    expect([a, b, later].filter((r) => r.replied)).toHaveLength(1);
    expect(await getSlot(store, slot.id)).toMatchObject({ status: 'BOOKED' });
    expect(textsTo(winner!.phone)).toHaveLength(2); // the offer, and one confirmation
  });
});

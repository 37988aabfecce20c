/**
 * Ranking with bookings read lazily (preRankCandidates, then takeEligible) against the full
 * rankCandidates: the same families in the same order on varied generated lists, and bookings asked
 * for only for families who pass every other check, best first, down to the k-th eligible one.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Candidate,
  type OtherBooking,
  preRankCandidates,
  rankCandidates,
  takeEligible,
  type UnbookedCandidate,
} from '#core/eligibility.ts';
import {
  aCandidate,
  anOtherBooking,
  aSlot,
  aTrustConfig,
  daysBefore,
  NOW,
} from '#tests/support/builders-waitlist.ts';

const config = aTrustConfig();
/** Wednesday 18 November 2026, 10:00–10:45 London. */
const slot = aSlot();

/** Each kind of other booking a family may hold, by what it does to their eligibility for `slot`. */
const BOOKINGS = {
  none: [],
  // 10:30 the same day: overlaps the slot.
  clash: [anOtherBooking({ id: 'b-clash', type: 'clinic', startsAt: '2026-11-18T10:30:00.000Z' })],
  // The same overlap, cancelled: no clash.
  cancelledClash: [
    anOtherBooking({ id: 'b-cancelled', startsAt: '2026-11-18T10:30:00.000Z', status: 'CANCELLED' }),
  ],
  // Another day: neither.
  elsewhere: [anOtherBooking({ id: 'b-else', type: 'clinic', startsAt: '2026-11-20T10:00:00.000Z' })],
  // The entry's own booking, later than the slot: the one they would give up.
  currentLater: [anOtherBooking({ id: 'b-current', startsAt: '2026-11-25T10:00:00.000Z' })],
  // The entry's own booking, earlier than the slot: not-earlier.
  currentEarlier: [anOtherBooking({ id: 'b-current', startsAt: '2026-11-17T10:00:00.000Z' })],
} satisfies Record<string, OtherBooking[]>;
type BookingKind = keyof typeof BOOKINGS;

/** What may keep a family off the offer whatever their bookings. */
const OTHER_REASONS = [
  'none',
  'no-consent',
  'suppressed',
  'wrong-clinic',
  'not-waiting',
  'do-not-text',
] as const;

const aFamily = fc.record({
  vulnerable: fc.boolean(),
  needsCarer: fc.boolean(),
  imdDecile: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
  // Few distinct join days and flags, so equal scores (ties) are common.
  joinedDaysAgo: fc.integer({ min: 1, max: 4 }),
  bookings: fc.constantFrom(...(Object.keys(BOOKINGS) as BookingKind[])),
  other: fc.constantFrom(...OTHER_REASONS, 'none', 'none', 'none'),
});

type Family = typeof aFamily extends fc.Arbitrary<infer T> ? T : never;

function candidateFrom(family: Family, i: number): Candidate {
  const key = String(i).padStart(3, '0');
  return aCandidate({
    id: key,
    flags: {
      vulnerable: family.vulnerable,
      needsCarer: family.needsCarer,
      ...(family.imdDecile === undefined ? {} : { imdDecile: family.imdDecile }),
      doNotText: family.other === 'do-not-text',
    },
    suppressed: family.other === 'suppressed',
    entry: {
      addedAt: daysBefore(family.joinedDaysAgo),
      consentToShortNotice: family.other !== 'no-consent',
      ...(family.other === 'wrong-clinic' ? { acceptableClinicIds: ['clinic-elsewhere'] } : {}),
      ...(family.other === 'not-waiting' ? { status: 'OFFERED' as const } : {}),
      ...(family.bookings.startsWith('current') ? { currentBookingId: 'b-current' } : {}),
    },
    otherBookings: BOOKINGS[family.bookings],
  });
}

const unbooked = ({ entry, client, suppressed }: Candidate): UnbookedCandidate => ({
  entry,
  client,
  suppressed,
});

describe('preRankCandidates then takeEligible', () => {
  it('ranks a generated list exactly as rankCandidates does, asking for bookings only down to the k-th eligible', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(aFamily, { maxLength: 40 }),
        fc.integer({ min: 0, max: 8 }),
        async (families, k) => {
          // Prepare: listed in a shuffled order, as a page of the index may hold them.
          const candidates = families.map(candidateFrom).reverse();
          const byEntry = new Map(candidates.map((c) => [c.entry.id, c]));
          const asked: string[] = [];

          // Act
          const prospects = preRankCandidates(candidates.map(unbooked), slot, config, NOW);
          const lazy = await takeEligible(prospects, slot, config, NOW, k, async ({ entry }) => {
            asked.push(entry.id);
            return byEntry.get(entry.id)?.otherBookings ?? [];
          });

          // Assess
          const full = rankCandidates(candidates, slot, config, NOW, k);
          expect(lazy).toEqual(full);
          // Asked best first, only for families passing every other check, none after the k-th eligible.
          const passing = rankCandidates(
            candidates.map((c) => ({ ...c, otherBookings: [] })),
            slot,
            config,
            NOW,
            candidates.length,
          ).map((r) => r.entry.id);
          expect(asked).toEqual(passing.slice(0, asked.length));
          const lastTaken = full.at(-1)?.entry.id;
          const stop = full.length < k ? passing.length : lastTaken ? passing.indexOf(lastTaken) + 1 : 0;
          expect(asked).toHaveLength(stop);
        },
      ),
      { numRuns: 400, seed: 20261201 },
    );
  });

  it('skips a best-scored family whose booking clashes for the next one, and asks no one below k', async () => {
    // Prepare
    const clashing = aCandidate({
      id: 'clashing',
      flags: { vulnerable: true, imdDecile: 1 },
      otherBookings: BOOKINGS.clash,
    });
    const next = aCandidate({ id: 'next', flags: { vulnerable: true } });
    const last = aCandidate({ id: 'last' });
    const byEntry = new Map([clashing, next, last].map((c) => [c.entry.id, c]));
    const asked: string[] = [];

    // Act
    const prospects = preRankCandidates([last, next, clashing].map(unbooked), slot, config, NOW);
    const ranked = await takeEligible(prospects, slot, config, NOW, 1, ({ entry }) => {
      asked.push(entry.id);
      return byEntry.get(entry.id)?.otherBookings ?? [];
    });

    // Assess
    expect(prospects.map((p) => p.entry.id)).toEqual(['entry-clashing', 'entry-next', 'entry-last']);
    expect(ranked.map((r) => r.entry.id)).toEqual(['entry-next']);
    expect(asked).toEqual(['entry-clashing', 'entry-next']);
  });
});

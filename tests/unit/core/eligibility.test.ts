import { describe, expect, it } from 'vitest';
import {
  ageWindow,
  checkEligibility,
  type EligibilityInput,
  type OtherBooking,
  rankCandidates,
} from '#core/eligibility.ts';
import type { Client, Slot } from '#core/model.ts';
import type { WaitlistEntry } from '#core/waitlist.ts';
import {
  aCandidate,
  aClient,
  anEntry,
  anOtherBooking,
  aSlot,
  aTrustConfig,
  daysBefore,
  NOW,
  TYPE,
} from '#tests/support/builders-waitlist.ts';

const config = aTrustConfig();
const types = config.appointmentTypes;

function typeConfig(id: string) {
  const type = types[id];
  if (type === undefined) throw new Error(`example trust has no type ${id}`);
  return type;
}

function check(
  parts: {
    slot?: Slot;
    entry?: WaitlistEntry;
    client?: Client;
    suppressed?: boolean;
    otherBookings?: OtherBooking[];
    now?: string;
  } = {},
): ReturnType<typeof checkEligibility> {
  const input: EligibilityInput = {
    slot: parts.slot ?? aSlot(),
    entry: parts.entry ?? anEntry(),
    client: parts.client ?? aClient(),
    suppressed: parts.suppressed ?? false,
    typeConfig: typeConfig(TYPE),
    timeZone: 'Europe/London',
    otherBookings: parts.otherBookings ?? [],
    now: parts.now ?? NOW,
  };
  return checkEligibility(input);
}

describe('ageWindow', () => {
  it.each([
    { type: 'new-birth-visit', earliest: '2026-10-11', latest: '2026-10-15' },
    { type: 'six-to-eight-week-review', earliest: '2026-11-12', latest: '2026-11-26' },
    { type: 'one-year-review', earliest: '2027-06-28', latest: '2027-10-01' },
    { type: 'two-year-review', earliest: '2028-09-30', latest: '2029-04-01' },
  ])(
    'puts the $type of a baby born on 1 October 2026 between $earliest and $latest',
    ({ type, earliest, latest }) => {
      // Act
      const window = ageWindow(typeConfig(type), { dateOfBirth: '2026-10-01' });

      // Assess
      expect(window).toEqual({ earliest, latest });
    },
  );

  it('counts the antenatal window back from the due date', () => {
    // Act
    const window = ageWindow(typeConfig('antenatal'), { dueDate: '2027-01-31' });

    // Assess
    expect(window).toEqual({ earliest: '2026-11-08', latest: '2027-01-30' });
  });

  it.each([
    { name: 'a type without an age window', type: 'clinic', client: { dateOfBirth: '2026-10-01' } },
    { name: 'a review with no date of birth', type: TYPE, client: { dueDate: '2026-10-01' } },
    { name: 'an antenatal visit with no due date', type: 'antenatal', client: { dateOfBirth: '2026-10-01' } },
  ])('has no window for $name', ({ type, client }) => {
    // Act
    const window = ageWindow(typeConfig(type), client);

    // Assess
    expect(window).toBeUndefined();
  });
});

describe('checkEligibility', () => {
  it('accepts the ordinary case', () => {
    // Act
    const result = check();

    // Assess
    expect(result).toEqual({ eligible: true });
  });

  it.each([
    {
      name: 'a slot of another type',
      parts: { slot: aSlot({ type: 'one-year-review' }) },
      reason: 'wrong-type',
    },
    {
      name: 'a clinic the family cannot get to',
      parts: { entry: anEntry({ acceptableClinicIds: ['clinic-hilltop'] }) },
      reason: 'clinic-not-acceptable',
    },
    {
      name: 'a day the family is not free',
      parts: { entry: anEntry({ availability: [{ days: ['MON', 'TUE'], from: '09:00', to: '17:00' }] }) },
      reason: 'outside-availability',
    },
    {
      name: 'a slot before the child is due the review',
      parts: {
        slot: aSlot({ startsAt: '2026-11-11T10:00:00.000Z', localDay: '2026-11-11' }),
        now: daysBefore(7),
      },
      reason: 'outside-age-window',
    },
    {
      name: 'a slot after the child’s window has closed',
      parts: { slot: aSlot({ startsAt: '2026-11-27T10:00:00.000Z', localDay: '2026-11-27' }) },
      reason: 'outside-age-window',
    },
    {
      name: 'a child with no date of birth and no dates on the entry',
      parts: { client: aClient({ dateOfBirth: undefined }) },
      reason: 'age-unknown',
    },
    {
      name: 'no consent to short-notice texts',
      parts: { entry: anEntry({ consentToShortNotice: false }) },
      reason: 'no-consent',
    },
    {
      name: 'a family whose number is opted out (STOP)',
      parts: { suppressed: true },
      reason: 'opted-out',
    },
    {
      name: 'a do-not-text client',
      parts: { client: aClient({ flags: { doNotText: true } }) },
      reason: 'do-not-text',
    },
    {
      name: 'a family whose texts staff switched off (the sms channel, not the flag)',
      parts: {
        client: aClient({ contact: { sms: { on: false, reason: 'letters only' }, letter: { on: true } } }),
      },
      reason: 'sms-off',
    },
    {
      name: 'a family with no mobile (an offer is a text)',
      parts: { client: { ...aClient(), phone: undefined } },
      reason: 'no-phone',
    },
    {
      name: 'an entry already offered a slot',
      parts: { entry: anEntry({ status: 'OFFERED' }) },
      reason: 'not-waiting',
    },
    {
      name: 'an entry already booked',
      parts: { entry: anEntry({ status: 'BOOKED' }) },
      reason: 'not-waiting',
    },
    {
      name: 'an entry taken off the list',
      parts: { entry: anEntry({ status: 'REMOVED' }) },
      reason: 'not-waiting',
    },
    { name: 'a slot that has started', parts: { now: '2026-11-18T10:00:00.000Z' }, reason: 'slot-started' },
    {
      name: 'another booking at the same time',
      parts: {
        otherBookings: [
          anOtherBooking({ type: 'clinic', startsAt: '2026-11-18T10:30:00.000Z', durationMinutes: 15 }),
        ],
      },
      reason: 'clash',
    },
  ])('refuses $name as $reason', ({ parts, reason }) => {
    // Act
    const result = check(parts);

    // Assess
    expect(result).toEqual({ eligible: false, reasons: [reason] });
  });

  it('gives every reason that applies', () => {
    // Act
    const result = check({
      entry: anEntry({ consentToShortNotice: false, status: 'REMOVED' }),
      client: aClient({ flags: { doNotText: true } }),
      suppressed: true,
    });

    // Assess
    expect(result).toEqual({
      eligible: false,
      reasons: ['no-consent', 'opted-out', 'do-not-text', 'not-waiting'],
    });
  });

  it('refuses an entry that belongs to another client, as a caller error', () => {
    // Act
    const act = () => check({ entry: anEntry({ clientId: 'client-2' }) });

    // Assess
    expect(act).toThrow(/another client/);
  });

  describe('dates', () => {
    it('lets staff-set dates on the entry override the age window', () => {
      // Prepare: the 27th is past the age window, but the health visitor allowed until the 30th.
      const slot = aSlot({ startsAt: '2026-11-27T10:00:00.000Z', localDay: '2026-11-27' });

      // Act
      const result = check({ slot, entry: anEntry({ latestDate: '2026-11-30' }) });

      // Assess
      expect(result).toEqual({ eligible: true });
    });

    it('offers a child of unknown age when staff gave both dates', () => {
      // Act
      const result = check({
        client: aClient({ dateOfBirth: undefined }),
        entry: anEntry({ earliestDate: '2026-11-17', latestDate: '2026-11-19' }),
      });

      // Assess
      expect(result).toEqual({ eligible: true });
    });

    it('places every date on any day for a type without an age window', () => {
      // Prepare
      const slot = aSlot({ type: 'clinic', durationMinutes: 15, startsAt: '2027-05-05T10:00:00.000Z' });
      const entry = anEntry({ type: 'clinic' });

      // Act
      const result = checkEligibility({
        slot,
        entry,
        client: aClient({ dateOfBirth: undefined }),
        suppressed: false,
        typeConfig: typeConfig('clinic'),
        timeZone: 'Europe/London',
        otherBookings: [],
        now: NOW,
      });

      // Assess
      expect(result).toEqual({ eligible: true });
    });

    it('judges the window on the local day, not the UTC one', () => {
      // Prepare: 23:30 UTC on 26 April 2027 is 00:30 on the 27th in London, one day past the window.
      const slot = aSlot({ startsAt: '2027-04-26T23:30:00.000Z', localDay: '2027-04-27' });
      const entry = anEntry({ earliestDate: '2027-04-20', latestDate: '2027-04-26' });

      // Act
      const result = check({ slot, entry });

      // Assess
      expect(result).toEqual({ eligible: false, reasons: ['outside-age-window'] });
    });
  });

  describe('availability windows', () => {
    const mornings = [{ days: ['MON' as const, 'FRI' as const], from: '09:00', to: '12:00' }];

    it.each([
      {
        when: 'Friday 09:00 BST, before the clocks go back',
        startsAt: '2026-10-23T08:00:00.000Z',
        eligible: true,
      },
      {
        when: 'Friday 08:00 BST, before the window opens',
        startsAt: '2026-10-23T07:00:00.000Z',
        eligible: false,
      },
      {
        when: 'Monday 09:00 GMT, after the clocks go back',
        startsAt: '2026-10-26T09:00:00.000Z',
        eligible: true,
      },
      {
        when: 'Monday 08:00 GMT, the same UTC time as Friday 09:00 BST',
        startsAt: '2026-10-26T08:00:00.000Z',
        eligible: false,
      },
      {
        when: 'Friday 09:00 GMT, before the clocks go forward',
        startsAt: '2026-03-27T09:00:00.000Z',
        eligible: true,
      },
      {
        when: 'Monday 09:00 BST, after the clocks go forward (08:00 UTC)',
        startsAt: '2026-03-30T08:00:00.000Z',
        eligible: true,
      },
      {
        when: 'Monday 11:15 BST, ending exactly at 12:00',
        startsAt: '2026-03-30T10:15:00.000Z',
        eligible: true,
      },
      {
        when: 'Monday 12:00 BST (11:00 UTC), after the window',
        startsAt: '2026-03-30T11:00:00.000Z',
        eligible: false,
      },
    ])('$when: eligible $eligible', ({ startsAt, eligible }) => {
      // Prepare: dates on the entry keep the age window out of this test.
      const slot = aSlot({ startsAt, localDay: startsAt.slice(0, 10) });
      const entry = anEntry({ availability: mornings, earliestDate: '2026-01-01', latestDate: '2026-12-31' });

      // Act
      const result = check({ slot, entry, now: '2026-01-01T00:00:00.000Z' });

      // Assess
      expect(result.eligible).toBe(eligible);
    });

    it('needs the whole appointment inside the window, not just its start', () => {
      // Prepare: 11:30 + 45 minutes ends at 12:15, past a 12:00 window.
      const slot = aSlot({ startsAt: '2026-11-18T11:30:00.000Z' });
      const entry = anEntry({ availability: [{ days: ['WED'], from: '09:00', to: '12:00' }] });

      // Act
      const result = check({ slot, entry });

      // Assess
      expect(result).toEqual({ eligible: false, reasons: ['outside-availability'] });
    });

    it('accepts a slot inside any one of several windows', () => {
      // Prepare
      const entry = anEntry({
        availability: [
          { days: ['MON'], from: '09:00', to: '17:00' },
          { days: ['WED'], from: '10:00', to: '10:45' },
        ],
      });

      // Act
      const result = check({ entry });

      // Assess
      expect(result).toEqual({ eligible: true });
    });
  });

  describe('other bookings and the swap to an earlier slot', () => {
    const sameTime = '2026-11-18T10:15:00.000Z';

    it('lets a family swap their later booking for this contact to the earlier slot', () => {
      // Prepare
      const later = anOtherBooking({ id: 'booking-later', startsAt: '2026-11-25T10:00:00.000Z' });

      // Act
      const result = check({ entry: anEntry({ currentBookingId: later.id }), otherBookings: [later] });

      // Assess
      expect(result).toEqual({ eligible: true });
    });

    it('does not count the booking being swapped as a clash even when it overlaps', () => {
      // Prepare
      const overlapping = anOtherBooking({ id: 'booking-later', startsAt: sameTime });

      // Act
      const result = check({
        entry: anEntry({ currentBookingId: overlapping.id }),
        otherBookings: [overlapping],
      });

      // Assess
      expect(result).toEqual({ eligible: true });
    });

    it('does not offer a later slot to a family whose booking for this contact is earlier', () => {
      // Prepare
      const earlier = anOtherBooking({ id: 'booking-earlier', startsAt: '2026-11-17T10:00:00.000Z' });

      // Act
      const result = check({ entry: anEntry({ currentBookingId: earlier.id }), otherBookings: [earlier] });

      // Assess
      expect(result).toEqual({ eligible: false, reasons: ['not-earlier'] });
    });

    it.each([
      {
        name: 'a same-type booking that is not the one named on the entry',
        booking: anOtherBooking({ id: 'x', startsAt: sameTime }),
      },
      {
        name: 'a booking of another type',
        booking: anOtherBooking({ id: 'booking-later', type: 'clinic', startsAt: sameTime }),
      },
    ])('treats $name at the same time as a clash', ({ booking }) => {
      // Act
      const result = check({
        entry: anEntry({ currentBookingId: 'booking-later' }),
        otherBookings: [booking],
      });

      // Assess
      expect(result).toEqual({ eligible: false, reasons: ['clash'] });
    });

    it.each([
      {
        name: 'a cancelled booking at the same time',
        booking: anOtherBooking({ status: 'CANCELLED', startsAt: sameTime }),
      },
      {
        name: 'a booking ending as the slot starts',
        booking: anOtherBooking({ startsAt: '2026-11-18T09:15:00.000Z' }),
      },
      {
        name: 'a booking starting as the slot ends',
        booking: anOtherBooking({ startsAt: '2026-11-18T10:45:00.000Z' }),
      },
    ])('does not treat $name as a clash', ({ booking }) => {
      // Act
      const result = check({ otherBookings: [booking] });

      // Assess
      expect(result).toEqual({ eligible: true });
    });
  });
});

describe('rankCandidates', () => {
  const slot = aSlot();

  it('puts a vulnerable family in IMD decile 1 ahead of a long-waiting family with no flags', () => {
    // Prepare
    const longWaiting = aCandidate({ id: 'waiting', entry: { addedAt: daysBefore(120) } });
    const flagged = aCandidate({
      id: 'flagged',
      flags: { vulnerable: true, imdDecile: 1 },
      entry: { addedAt: NOW },
    });

    // Act
    const ranked = rankCandidates([longWaiting, flagged], slot, config, NOW, 3);

    // Assess
    expect(ranked.map((r) => [r.entry.id, r.score])).toEqual([
      ['entry-flagged', 55],
      ['entry-waiting', 30],
    ]);
  });

  it('returns only the top k eligible families', () => {
    // Prepare
    const candidates = [
      aCandidate({ id: 'a', flags: { imdDecile: 3 } }),
      aCandidate({ id: 'b', flags: { vulnerable: true } }),
      aCandidate({ id: 'c', flags: { vulnerable: true, imdDecile: 1 }, suppressed: true }),
      aCandidate({ id: 'd', flags: { needsCarer: true, parentalMentalHealth: true } }),
      aCandidate({ id: 'e' }),
    ];

    // Act
    const ranked = rankCandidates(candidates, slot, config, NOW, 2);

    // Assess
    expect(ranked.map((r) => r.entry.id)).toEqual(['entry-d', 'entry-b']);
  });

  it('breaks a tie in favour of the family who joined the list first', () => {
    // Prepare
    const later = aCandidate({
      id: 'later',
      flags: { needsCarer: true },
      entry: { addedAt: '2026-11-16T09:00:00.000Z' },
    });
    const earlier = aCandidate({
      id: 'earlier',
      flags: { needsCarer: true },
      entry: { addedAt: '2026-11-16T08:00:00.000Z' },
    });

    // Act
    const ranked = rankCandidates([later, earlier], slot, config, NOW, 2);

    // Assess
    expect(ranked.map((r) => r.entry.id)).toEqual(['entry-earlier', 'entry-later']);
  });

  it('recomputes the score at now, with the window-closing factor for the child’s age window', () => {
    // Prepare: the stored score is stale; the 6-8 week window closes on the 26th, 10 days out on the 16th.
    const candidate = aCandidate({ entry: { score: 999, addedAt: daysBefore(4), rebookRequests: 1 } });
    const threeDaysLater = '2026-11-19T10:00:00.000Z';
    const laterSlot = aSlot({ startsAt: '2026-11-24T10:00:00.000Z', localDay: '2026-11-24' });

    // Act
    const ranked = rankCandidates([candidate], laterSlot, config, threeDaysLater, 1);

    // Assess
    expect(ranked[0]?.score).toBe(33.5);
    expect(ranked[0]?.breakdown).toEqual([
      {
        factor: 'window-closing-soon',
        points: 20,
        detail: 'Healthy Child Programme window closes in 7 days (2026-11-26)',
      },
      { factor: 'days-waiting', points: 3.5, detail: 'Waiting 7 days at 0.5 points a day' },
      { factor: 'rebook-requests', points: 10, detail: '1 rebook request' },
    ]);
  });

  it('scores a safeguarding flag raised after the family joined the list', () => {
    // Prepare: the entry's snapshot predates the flag on the client record.
    const candidate = aCandidate({ client: { flags: { vulnerable: true } } });
    const stale = {
      ...candidate,
      entry: { ...candidate.entry, priorityInputs: { ...candidate.entry.priorityInputs, vulnerable: false } },
    };

    // Act
    const ranked = rankCandidates([stale], slot, config, NOW, 1);

    // Assess
    expect(ranked[0]?.breakdown.map((p) => p.factor)).toContain('vulnerable');
  });

  it('skips an entry for an appointment type the trust does not run', () => {
    // Prepare
    const candidate = aCandidate({ entry: { type: 'retired-type' } });

    // Act
    const ranked = rankCandidates([candidate], aSlot({ type: 'retired-type' }), config, NOW, 3);

    // Assess
    expect(ranked).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { compareByPriority, type ScoreInputs, scorePriority } from '#core/priority.ts';
import { aTrustConfig, daysBefore, NOW } from '#tests/support/builders-waitlist.ts';

const weights = aTrustConfig().shortNotice.priorityWeights;

function inputs(overrides: Partial<ScoreInputs> = {}): ScoreInputs {
  return {
    needsCarer: false,
    parentalMentalHealth: false,
    vulnerable: false,
    addedAt: NOW,
    rebookRequests: 0,
    ...overrides,
  };
}

describe('scorePriority', () => {
  it('scores a family with no flags who joined just now as zero, with nothing to explain', () => {
    // Act
    const result = scorePriority(inputs(), weights, NOW);

    // Assess
    expect(result).toEqual({ score: 0, breakdown: [] });
  });

  it.each([
    {
      name: 'IMD decile 1',
      given: { imdDecile: 1 },
      factor: 'imd-decile-1-2',
      points: 30,
      detail: 'IMD decile 1 (most deprived 20%)',
    },
    {
      name: 'IMD decile 2',
      given: { imdDecile: 2 },
      factor: 'imd-decile-1-2',
      points: 30,
      detail: 'IMD decile 2 (most deprived 20%)',
    },
    {
      name: 'IMD decile 3',
      given: { imdDecile: 3 },
      factor: 'imd-decile-3-4',
      points: 15,
      detail: 'IMD decile 3 (most deprived 20-40%)',
    },
    {
      name: 'IMD decile 4',
      given: { imdDecile: 4 },
      factor: 'imd-decile-3-4',
      points: 15,
      detail: 'IMD decile 4 (most deprived 20-40%)',
    },
    {
      name: 'needs a carer',
      given: { needsCarer: true },
      factor: 'needs-carer',
      points: 20,
      detail: 'Family needs a carer',
    },
    {
      name: 'parental mental health',
      given: { parentalMentalHealth: true },
      factor: 'parental-mental-health',
      points: 20,
      detail: 'Parent has a mental health condition',
    },
    {
      name: 'vulnerable',
      given: { vulnerable: true },
      factor: 'vulnerable',
      points: 25,
      detail: 'Vulnerable family or safeguarding concern',
    },
    {
      name: '10 days waiting',
      given: { addedAt: daysBefore(10) },
      factor: 'days-waiting',
      points: 5,
      detail: 'Waiting 10 days at 0.5 points a day',
    },
    {
      name: 'one rebook request',
      given: { rebookRequests: 1 },
      factor: 'rebook-requests',
      points: 10,
      detail: '1 rebook request',
    },
  ])('scores $name with the default weights and says why', ({ given, factor, points, detail }) => {
    // Act
    const result = scorePriority(inputs(given), weights, NOW);

    // Assess
    expect(result.breakdown).toEqual([{ factor, points, detail }]);
    expect(result.score).toBe(points);
  });

  it.each([{ imdDecile: 5 }, { imdDecile: 10 }, {}])('gives no deprivation points for %o', (given) => {
    // Act
    const result = scorePriority(inputs(given), weights, NOW);

    // Assess
    expect(result.breakdown).toEqual([]);
  });

  it.each([
    { days: 0, points: undefined },
    { days: 1, points: 0.5 },
    { days: 59, points: 29.5 },
    { days: 60, points: 30 },
    { days: 200, points: 30 },
  ])('counts $days whole days waiting as $points points, capped at maxDaysWaiting', ({ days, points }) => {
    // Act
    const result = scorePriority(inputs({ addedAt: daysBefore(days) }), weights, NOW);

    // Assess
    expect(result.breakdown.find((p) => p.factor === 'days-waiting')?.points).toBe(points);
  });

  it('counts only whole days waiting', () => {
    // Prepare
    const addedAt = new Date(Date.parse(daysBefore(3)) + 60_000).toISOString();

    // Act
    const result = scorePriority(inputs({ addedAt }), weights, NOW);

    // Assess
    expect(result.score).toBe(1);
  });

  it('says when days waiting were capped', () => {
    // Act
    const result = scorePriority(inputs({ addedAt: daysBefore(75) }), weights, NOW);

    // Assess
    expect(result.breakdown).toEqual([
      { factor: 'days-waiting', points: 30, detail: 'Waiting 75 days at 0.5 points a day, counted up to 60' },
    ]);
  });

  it.each([
    { requests: 2, points: 20, detail: '2 rebook requests' },
    { requests: 3, points: 30, detail: '3 rebook requests' },
    { requests: 7, points: 30, detail: '7 rebook requests, counted up to 3' },
  ])('caps rebook requests at 3: $requests requests score $points', ({ requests, points, detail }) => {
    // Act
    const result = scorePriority(inputs({ rebookRequests: requests }), weights, NOW);

    // Assess
    expect(result.breakdown).toEqual([{ factor: 'rebook-requests', points, detail }]);
  });

  describe('Healthy Child Programme window closing soon', () => {
    it.each([
      {
        latestDate: '2026-11-16',
        scores: true,
        detail: 'Healthy Child Programme window closes today (2026-11-16)',
      },
      {
        latestDate: '2026-11-17',
        scores: true,
        detail: 'Healthy Child Programme window closes in 1 day (2026-11-17)',
      },
      {
        latestDate: '2026-11-23',
        scores: true,
        detail: 'Healthy Child Programme window closes in 7 days (2026-11-23)',
      },
      { latestDate: '2026-11-24', scores: false, detail: undefined },
      { latestDate: '2026-11-15', scores: false, detail: undefined },
    ])('latest date $latestDate scores: $scores', ({ latestDate, scores, detail }) => {
      // Act
      const result = scorePriority(inputs({ latestDate }), weights, NOW);

      // Assess
      expect(result.score).toBe(scores ? 20 : 0);
      expect(result.breakdown[0]?.detail).toBe(detail);
    });

    it('counts days on the London calendar, not the UTC one', () => {
      // Prepare: 23:30 UTC on 10 July is already 11 July in London (BST), 7 local days before the 18th.
      const now = '2026-07-10T23:30:00.000Z';

      // Act
      const london = scorePriority(inputs({ addedAt: now, latestDate: '2026-07-18' }), weights, now);
      const utc = scorePriority(inputs({ addedAt: now, latestDate: '2026-07-18' }), weights, now, 'UTC');

      // Assess
      expect(london.breakdown.map((p) => p.factor)).toEqual(['window-closing-soon']);
      expect(utc.breakdown).toEqual([]);
    });

    it('follows the trust’s windowClosingSoonDays', () => {
      // Act
      const result = scorePriority(
        inputs({ latestDate: '2026-11-30' }),
        { ...weights, windowClosingSoonDays: 14, windowClosingSoon: 12 },
        NOW,
      );

      // Assess
      expect(result.score).toBe(12);
    });
  });

  it('lists every factor that scored and totals them', () => {
    // Prepare
    const all = inputs({
      imdDecile: 1,
      needsCarer: true,
      parentalMentalHealth: true,
      vulnerable: true,
      latestDate: '2026-11-20',
      addedAt: daysBefore(20),
      rebookRequests: 2,
    });

    // Act
    const result = scorePriority(all, weights, NOW);

    // Assess
    expect(result.breakdown.map((p) => [p.factor, p.points])).toEqual([
      ['imd-decile-1-2', 30],
      ['needs-carer', 20],
      ['parental-mental-health', 20],
      ['vulnerable', 25],
      ['window-closing-soon', 20],
      ['days-waiting', 10],
      ['rebook-requests', 20],
    ]);
    expect(result.score).toBe(145);
  });

  it('leaves out a factor the trust weights at zero', () => {
    // Act
    const result = scorePriority(
      inputs({ vulnerable: true, needsCarer: true }),
      { ...weights, needsCarer: 0 },
      NOW,
    );

    // Assess
    expect(result.breakdown.map((p) => p.factor)).toEqual(['vulnerable']);
  });

  it('rounds to 2 decimal places, and the total equals the sum of the parts shown', () => {
    // Act
    const result = scorePriority(
      inputs({ addedAt: daysBefore(10), rebookRequests: 1 }),
      { ...weights, perDayWaiting: 0.3333, rebookRequest: 0.3333 },
      NOW,
    );

    // Assess
    expect(result.breakdown.map((p) => p.points)).toEqual([3.33, 0.33]);
    expect(result.score).toBe(3.66);
  });

  it('ranks a vulnerable family in IMD decile 1 above a long-waiting family with no flags', () => {
    // Prepare
    const flaggedNewcomer = inputs({ vulnerable: true, imdDecile: 1 });
    const longWaiter = inputs({ addedAt: daysBefore(365), imdDecile: 9 });

    // Act
    const flagged = scorePriority(flaggedNewcomer, weights, NOW);
    const waiting = scorePriority(longWaiter, weights, NOW);

    // Assess
    expect(flagged.score).toBe(55);
    expect(waiting.score).toBe(30);
  });
});

describe('compareByPriority', () => {
  it('orders by score, then earlier joining, then id', () => {
    // Prepare
    const entries = [
      { id: 'd', score: 10, addedAt: '2026-11-02T09:00:00.000Z' },
      { id: 'c', score: 10, addedAt: '2026-11-01T09:00:00.000Z' },
      { id: 'b', score: 10, addedAt: '2026-11-01T09:00:00.000Z' },
      { id: 'a', score: 40, addedAt: '2026-11-05T09:00:00.000Z' },
    ];

    // Act
    const ordered = [...entries].sort(compareByPriority);

    // Assess
    expect(ordered.map((e) => e.id)).toEqual(['a', 'b', 'c', 'd']);
  });
});

describe('scorePriority counts days waiting on the trust’s clock', () => {
  it.each([
    {
      change: 'the clocks going forward',
      addedAt: '2027-03-27T10:00:00.000Z', // 10:00 GMT
      now: '2027-03-28T09:30:00.000Z', // 10:30 BST the next day: 23.5 hours later
      days: 1,
    },
    {
      change: 'the clocks going back',
      addedAt: '2027-10-30T09:00:00.000Z', // 10:00 BST
      now: '2027-10-31T09:30:00.000Z', // 09:30 GMT the next day: 24.5 hours later
      days: 0,
    },
  ])('across $change', ({ addedAt, now, days }) => {
    // Act
    const result = scorePriority(inputs({ addedAt }), weights, now);

    // Assess
    const waiting = result.breakdown.find((p) => p.factor === 'days-waiting');
    expect(waiting?.points ?? 0).toBe(days * weights.perDayWaiting);
  });
});

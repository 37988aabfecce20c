import { describe, expect, it } from 'vitest';
import {
  type BookingFacts,
  type Increment,
  incrementsFor,
  type MessageFacts,
  mergeIncrements,
  quintileOf,
  type SlotFacts,
  unreachableIncrements,
} from '#core/metrics.ts';
import { buildReport, medianFromBuckets, periodLabel, periodOf } from '#core/metrics-report.ts';

const TZ = 'Europe/London';

const aBooking = (over: Partial<BookingFacts> = {}): BookingFacts => ({
  id: 'b1',
  clientId: 'c1',
  clinicId: 'riverside',
  type: 'one-year-review',
  localDay: '2026-11-17',
  status: 'BOOKED',
  ...over,
});

const aSlot = (over: Partial<SlotFacts> = {}): SlotFacts => ({
  id: 's1',
  clinicId: 'riverside',
  type: 'one-year-review',
  localDay: '2026-11-18',
  ...over,
});

const cell = (incs: Increment[], dimension: string) => incs.find((i) => i.dimension === dimension)?.counters;

describe('quintileOf', () => {
  it.each([
    [1, 1],
    [2, 1],
    [3, 2],
    [6, 3],
    [9, 5],
    [10, 5],
  ] as const)('puts decile %i in quintile %i', (decile, quintile) => {
    expect(quintileOf(decile)).toBe(quintile);
  });

  it('says unknown for a missing or impossible decile', () => {
    expect(quintileOf(undefined)).toBe('unknown');
    expect(quintileOf(0)).toBe('unknown');
    expect(quintileOf(11)).toBe('unknown');
  });
});

describe('booking changes', () => {
  it('counts a new booking in every dimension, the deprivation quintile from the decile', () => {
    // Act
    const incs = incrementsFor({ entity: 'Booking', new: aBooking(), imdDecile: 3 }, TZ);

    // Assess
    expect(incs.map((i) => i.dimension)).toEqual([
      'ALL',
      'TYPE#one-year-review',
      'CLINIC#riverside',
      'IMD#2',
    ]);
    for (const i of incs) expect(i).toMatchObject({ day: '2026-11-17', counters: { booked: 1 } });
  });

  it('counts BOOKED → DNA as one DNA and no new booking', () => {
    const incs = incrementsFor(
      { entity: 'Booking', old: aBooking(), new: aBooking({ status: 'DNA' }), imdDecile: 1 },
      TZ,
    );
    expect(cell(incs, 'ALL')).toEqual({ dna: 1 });
    expect(cell(incs, 'IMD#1')).toEqual({ dna: 1 });
  });

  it('counts a cancellation with its notice, lateness and bucket', () => {
    const incs = incrementsFor(
      {
        entity: 'Booking',
        old: aBooking(),
        new: aBooking({ status: 'CANCELLED', cancelNoticeMinutes: 600, lateCancellation: true }),
      },
      TZ,
    );
    expect(cell(incs, 'ALL')).toEqual({
      cancelled: 1,
      cancelledLate: 1,
      cancelNoticeMinutesSum: 600,
      noticeUnder24h: 1,
    });
    expect(cell(incs, 'IMD#unknown')).toEqual(cell(incs, 'ALL'));
  });

  it('puts exactly a day of notice in the one-to-two-days bucket and counts a move', () => {
    const incs = incrementsFor(
      {
        entity: 'Booking',
        old: aBooking(),
        new: aBooking({ status: 'CANCELLED', cancelNoticeMinutes: 1440, movedTo: 'b2' }),
      },
      TZ,
    );
    expect(cell(incs, 'ALL')).toMatchObject({ notice1To2Days: 1, cancelledMoved: 1 });
  });

  it('counts nothing for a change that leaves the status alone', () => {
    const b = aBooking({ status: 'CANCELLED', cancelNoticeMinutes: 90 });
    expect(incrementsFor({ entity: 'Booking', old: b, new: { ...b } }, TZ)).toEqual([]);
  });

  it('counts an imported booking that already has its outcome as booked and attended', () => {
    const incs = incrementsFor({ entity: 'Booking', new: aBooking({ status: 'ATTENDED' }) }, TZ);
    expect(cell(incs, 'ALL')).toEqual({ booked: 1, attended: 1 });
  });

  it('moves the counts to the new day when a booking changes day', () => {
    const incs = incrementsFor(
      { entity: 'Booking', old: aBooking(), new: aBooking({ localDay: '2026-11-19' }) },
      TZ,
    );
    expect(incs.filter((i) => i.dimension === 'ALL')).toEqual([
      { day: '2026-11-19', dimension: 'ALL', counters: { booked: 1 } },
      { day: '2026-11-17', dimension: 'ALL', counters: { booked: -1 } },
    ]);
  });

  it('counts nothing for a deleted booking: history stays counted', () => {
    expect(incrementsFor({ entity: 'Booking', old: aBooking() }, TZ)).toEqual([]);
  });
});

describe('slot changes', () => {
  const run = {
    runId: '2026-11-16T09:00:00.000Z',
    wave: 1,
    offersMade: 3,
    startedAt: '2026-11-16T09:00:00.000Z',
  };

  it('counts a freeing once, by its freedAt', () => {
    const freed = aSlot({ freedAt: '2026-11-16T09:00:00.000Z' });
    expect(cell(incrementsFor({ entity: 'Slot', old: aSlot(), new: freed }, TZ), 'ALL')).toEqual({
      slotsFreed: 1,
    });
    expect(incrementsFor({ entity: 'Slot', old: freed, new: { ...freed } }, TZ)).toEqual([]);
  });

  it('counts a fill with its minutes, bucket and offers, by type and clinic but not deprivation', () => {
    const offering = aSlot({ freedAt: run.runId, backfill: { ...run, state: 'OFFERING' } });
    const filled = aSlot({
      freedAt: run.runId,
      backfill: { ...run, state: 'FILLED', endedAt: '2026-11-16T09:45:00.000Z' },
    });
    const incs = incrementsFor({ entity: 'Slot', old: offering, new: filled }, TZ);
    expect(incs.map((i) => i.dimension)).toEqual(['ALL', 'TYPE#one-year-review', 'CLINIC#riverside']);
    expect(cell(incs, 'ALL')).toEqual({ slotsFilled: 1, fillMinutesSum: 45, fillUpTo1h: 1, offersMade: 3 });
    // The same run seen FILLED again (a later update of the slot) is not a second fill.
    expect(incrementsFor({ entity: 'Slot', old: filled, new: { ...filled } }, TZ)).toEqual([]);
  });

  it('counts a run that ends unfilled with the offers it made', () => {
    const incs = incrementsFor(
      {
        entity: 'Slot',
        old: aSlot({ freedAt: run.runId, backfill: { ...run, state: 'OFFERING' } }),
        new: aSlot({ freedAt: run.runId, backfill: { ...run, state: 'UNFILLED', endedAt: run.startedAt } }),
      },
      TZ,
    );
    expect(cell(incs, 'ALL')).toEqual({ slotsUnfilled: 1, offersMade: 3 });
  });

  it('counts a run staff filled as filled (and filled by staff), once', () => {
    const offering = aSlot({ freedAt: run.runId, backfill: { ...run, state: 'OFFERING' } });
    const filled = aSlot({
      freedAt: run.runId,
      backfill: { ...run, state: 'FILLED_BY_STAFF', endedAt: '2026-11-16T09:20:00.000Z' },
    });
    const incs = incrementsFor({ entity: 'Slot', old: offering, new: filled }, TZ);
    expect(cell(incs, 'ALL')).toEqual({
      slotsFilled: 1,
      slotsFilledByStaff: 1,
      fillMinutesSum: 20,
      fillUpTo30m: 1,
      offersMade: 3,
    });
    expect(incrementsFor({ entity: 'Slot', old: filled, new: { ...filled } }, TZ)).toEqual([]);
  });

  it('counts a withdrawn run as withdrawn, neither filled nor unfilled', () => {
    const incs = incrementsFor(
      {
        entity: 'Slot',
        old: aSlot({ freedAt: run.runId, backfill: { ...run, state: 'WAITING_FOR_DAYTIME' } }),
        new: aSlot({ freedAt: run.runId, backfill: { ...run, state: 'WITHDRAWN', endedAt: run.startedAt } }),
      },
      TZ,
    );
    expect(cell(incs, 'ALL')).toEqual({ slotsWithdrawn: 1, offersMade: 3 });
  });

  it('counts a freeing staff booked before its run started, in the one change that freed nothing new', () => {
    const freed = aSlot({ freedAt: run.runId });
    const booked = aSlot({
      freedAt: run.runId,
      backfill: {
        ...run,
        wave: 0,
        offersMade: 0,
        state: 'FILLED_BY_STAFF',
        endedAt: '2026-11-16T09:05:00.000Z',
      },
    });
    expect(cell(incrementsFor({ entity: 'Slot', old: freed, new: booked }, TZ), 'ALL')).toEqual({
      slotsFilled: 1,
      slotsFilledByStaff: 1,
      fillMinutesSum: 5,
      fillUpTo15m: 1,
    });
  });
});

describe('message changes', () => {
  const text: MessageFacts = { id: 'm1', direction: 'OUT', at: '2026-06-01T23:30:00.000Z', segments: 2 };

  it('counts an outbound text on the local day it was sent', () => {
    // 23:30 UTC on 1 June is 00:30 on 2 June in London (BST).
    expect(incrementsFor({ entity: 'Message', new: text }, TZ)).toEqual([
      { day: '2026-06-02', dimension: 'ALL', counters: { textsOut: 1, segmentsOut: 2 } },
    ]);
  });

  it('ignores replies and rewrites of a text', () => {
    expect(incrementsFor({ entity: 'Message', new: { ...text, direction: 'IN' } }, TZ)).toEqual([]);
    expect(incrementsFor({ entity: 'Message', old: text, new: text }, TZ)).toEqual([]);
  });

  it('counts a text’s delivery status as the new state minus the old, on its send day', () => {
    const at = '2026-06-02T09:00:00.000Z';
    const failed = {
      ...text,
      delivery: { status: 'failed-temporary' as const, reason: 'TTL_EXPIRED', changedAt: at },
    };
    const delivered = {
      ...text,
      delivery: { status: 'delivered' as const, reason: 'DELIVERED', changedAt: at },
    };
    const sent = { ...text, delivery: { status: 'sent' as const, reason: 'SUCCESSFUL', changedAt: at } };

    expect(incrementsFor({ entity: 'Message', old: text, new: sent }, TZ)).toEqual([]);
    expect(incrementsFor({ entity: 'Message', old: sent, new: failed }, TZ)).toEqual([
      { day: '2026-06-02', dimension: 'ALL', counters: { textsFailed: 1 } },
    ]);
    expect(incrementsFor({ entity: 'Message', old: failed, new: delivered }, TZ)).toEqual([
      { day: '2026-06-02', dimension: 'ALL', counters: { textsFailed: -1, textsDelivered: 1 } },
    ]);
  });

  it('counts a number marked unreachable once, in ALL and in its families’ IMD quintile', () => {
    expect(unreachableIncrements('2026-06-01T23:30:00.000Z', TZ, 3)).toEqual([
      { day: '2026-06-02', dimension: 'ALL', counters: { numbersUnreachable: 1 } },
      { day: '2026-06-02', dimension: 'IMD#2', counters: { numbersUnreachable: 1 } },
    ]);
    expect(unreachableIncrements('2026-06-01T10:00:00.000Z', TZ, undefined)[1]!.dimension).toBe(
      'IMD#unknown',
    );
  });
});

describe('mergeIncrements', () => {
  it('adds cells together and drops what cancels out', () => {
    expect(
      mergeIncrements([
        { day: 'd', dimension: 'ALL', counters: { booked: 1, dna: 1 } },
        { day: 'd', dimension: 'ALL', counters: { booked: -1 } },
      ]),
    ).toEqual([{ day: 'd', dimension: 'ALL', counters: { dna: 1 } }]);
  });
});

describe('medianFromBuckets', () => {
  it('is null with no fills', () => {
    expect(medianFromBuckets({})).toBeNull();
  });

  it('interpolates within the bucket that holds the median', () => {
    // 4 fills: 2 within 15 minutes, 2 in 30–60. The median (rank 2) is the top of the first bucket.
    expect(medianFromBuckets({ fillUpTo15m: 2, fillUpTo1h: 2 })).toBe(15);
    // 3 fills in 1–2h: rank 1.5 of 3 is half way through the bucket.
    expect(medianFromBuckets({ fillUpTo2h: 3 })).toBe(90);
  });

  it('gives the lower bound of the open-ended bucket', () => {
    expect(medianFromBuckets({ fillOver24h: 1 })).toBe(1440);
  });
});

describe('periodOf', () => {
  it('puts a day in its ISO week, Monday to Sunday, and its month', () => {
    expect(periodOf('2026-11-22', 'week')).toEqual({
      period: '2026-W47',
      start: '2026-11-16',
      end: '2026-11-22',
    });
    expect(periodOf('2027-01-01', 'week').period).toBe('2026-W53');
    expect(periodOf('2026-11-22', 'month')).toEqual({
      period: '2026-11',
      start: '2026-11-01',
      end: '2026-11-30',
    });
  });
});

describe('the weekly axis (periodLabel)', () => {
  const axis = (from: string, to: string) => {
    const report = buildReport([], { from, to, groupBy: 'week', pricePerSegmentGbp: 0 });
    return report.periods.map((p) => [p.period, p.start, p.end, periodLabel(p, 'week')]);
  };

  it('names a period starting on a Sunday by its ISO week’s Monday, marked part week, once', () => {
    // Act: Sunday 1 November to Sunday 15 November 2026
    const weeks = axis('2026-11-01', '2026-11-15');

    // Assess: not "1 Nov" then "2 Nov", a day apart
    expect(weeks).toEqual([
      ['2026-W44', '2026-11-01', '2026-11-01', '26 Oct 2026 (part week)'],
      ['2026-W45', '2026-11-02', '2026-11-08', '2 Nov 2026'],
      ['2026-W46', '2026-11-09', '2026-11-15', '9 Nov 2026'],
    ]);
  });

  it('ends a period ending on a Sunday with a whole week, and one ending on a Monday with a part week', () => {
    expect(axis('2026-11-16', '2026-11-29').map((w) => w[3])).toEqual(['16 Nov 2026', '23 Nov 2026']);
    expect(axis('2026-11-16', '2026-11-30').map((w) => w[3])).toEqual([
      '16 Nov 2026',
      '23 Nov 2026',
      '30 Nov 2026 (part week)',
    ]);
  });

  it('keeps Monday-to-Sunday weeks across the October clock change (Sunday 25 October 2026)', () => {
    // Act: Wednesday 21 October to Wednesday 4 November, over the change back to GMT
    const weeks = axis('2026-10-21', '2026-11-04');

    // Assess: the week holding the 25-hour Sunday is one week, Monday 19 to Sunday 25 October
    expect(weeks).toEqual([
      ['2026-W43', '2026-10-21', '2026-10-25', '19 Oct 2026 (part week)'],
      ['2026-W44', '2026-10-26', '2026-11-01', '26 Oct 2026'],
      ['2026-W45', '2026-11-02', '2026-11-04', '2 Nov 2026 (part week)'],
    ]);
  });

  it('gives every week in a year-long range its own label', () => {
    const labels = axis('2025-12-28', '2026-12-27').map((w) => w[3]);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels[0]).toBe('22 Dec 2025 (part week)');
  });

  it('names each week with its year, so a period across the new year (or a past one) says which', () => {
    // Act: Monday 15 December 2025 to Sunday 11 January 2026, and October in two years
    const overNewYear = axis('2025-12-15', '2026-01-11').map((w) => w[3]);
    const lastOctober = axis('2025-10-06', '2025-10-12').map((w) => w[3]);
    const thisOctober = axis('2026-10-05', '2026-10-11').map((w) => w[3]);

    // Assess: the week of Monday 29 December 2025 is ISO week 1 of 2026, and named by its own Monday
    expect(overNewYear).toEqual(['15 Dec 2025', '22 Dec 2025', '29 Dec 2025', '5 Jan 2026']);
    expect(lastOctober).toEqual(['6 Oct 2025']);
    expect(thisOctober).toEqual(['5 Oct 2026']);
  });
});

describe('buildReport', () => {
  const rows: Increment[] = [
    { day: '2026-11-16', dimension: 'ALL', counters: { booked: 4, attended: 2, dna: 1, wnb: 1 } },
    { day: '2026-11-16', dimension: 'IMD#1', counters: { booked: 2, dna: 1, wnb: 1 } },
    { day: '2026-11-16', dimension: 'IMD#4', counters: { booked: 2, attended: 2 } },
    { day: '2026-11-17', dimension: 'ALL', counters: { textsOut: 10, segmentsOut: 12 } },
    {
      day: '2026-11-18',
      dimension: 'ALL',
      counters: { slotsFreed: 3, slotsFilled: 2, slotsUnfilled: 1, offersMade: 7, fillUpTo30m: 2 },
    },
    {
      day: '2026-11-18',
      dimension: 'CLINIC#riverside',
      counters: { cancelled: 2, cancelNoticeMinutesSum: 180 },
    },
    { day: '2026-11-23', dimension: 'ALL', counters: { booked: 1, attended: 1 } },
    // Outside the range: never counted.
    { day: '2026-12-01', dimension: 'ALL', counters: { booked: 99 } },
  ];

  it('rolls days up into weeks with rates, costs and breakdowns', () => {
    // Act
    const report = buildReport(rows, {
      from: '2026-11-16',
      to: '2026-11-29',
      groupBy: 'week',
      pricePerSegmentGbp: 0.0364,
    });

    // Assess
    expect(report.periods.map((p) => [p.period, p.start, p.end])).toEqual([
      ['2026-W47', '2026-11-16', '2026-11-22'],
      ['2026-W48', '2026-11-23', '2026-11-29'],
    ]);
    const week = report.periods[0]!;
    expect(week.summary.appointments).toEqual({ booked: 4, attended: 2, dna: 1, wnb: 1, dnaWnbRate: 0.5 });
    expect(week.summary.texts).toEqual({
      sent: 10,
      segments: 12,
      costGbp: 0.44,
      delivered: 0,
      failed: 0,
      deliveryRate: null,
    });
    expect(week.summary.shortNotice).toMatchObject({
      slotsFreed: 3,
      slotsFilled: 2,
      slotsUnfilled: 1,
      fillRate: 0.6667,
      offersMade: 7,
      offersPerFill: 3.5,
    });
    expect(week.byImdQuintile['1']?.appointments.dnaWnbRate).toBe(1);
    expect(week.byImdQuintile['4']?.appointments.dnaWnbRate).toBe(0);
    expect(week.byImdQuintile['1']?.shortNotice).toBeUndefined();
    expect(week.byClinic.riverside?.cancellations).toMatchObject({ cancelled: 2, averageNoticeHours: 1.5 });
    expect(report.periods[1]!.summary.appointments.dnaWnbRate).toBe(0);
    expect(report.totals.summary.appointments.booked).toBe(5);
  });

  it('lists quiet periods with zeros and clips the first and last to the range', () => {
    const report = buildReport([], {
      from: '2026-10-30',
      to: '2026-12-02',
      groupBy: 'month',
      pricePerSegmentGbp: 0,
    });
    expect(report.periods.map((p) => [p.period, p.start, p.end])).toEqual([
      ['2026-10', '2026-10-30', '2026-10-31'],
      ['2026-11', '2026-11-01', '2026-11-30'],
      ['2026-12', '2026-12-01', '2026-12-02'],
    ]);
    expect(report.periods[1]!.summary.appointments).toEqual({
      booked: 0,
      attended: 0,
      dna: 0,
      wnb: 0,
      dnaWnbRate: null,
    });
  });
});

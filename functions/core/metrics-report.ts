/**
 * GET /metrics's report from the per-day counters (metrics.ts): the cells of a date range added up into
 * ISO weeks or calendar months, each with its rates (DNA+WNB, late cancellation, short-notice fill),
 * the median time to fill from its histogram, and the cost of texts. Pure: the counters are its only input.
 */
import { CANCEL_REASONS, type CancelReason } from './cancel-reason.ts';
import { dayMs, dayOf, daysInMonth, utcMs } from './wall-clock.ts';

const DAY = 86_400_000;

import {
  ALL,
  addCounters,
  type Counter,
  type Counters,
  FILL_BUCKETS,
  type Increment,
  NOTICE_BUCKETS,
} from './metrics.ts';

export const GROUP_BY = ['week', 'month'] as const;
export type GroupBy = (typeof GROUP_BY)[number];

/** A report covers at most a year (a leap year and a bit), so a request reads at most 13 partitions. */
export const MAX_RANGE_DAYS = 366;

export interface AppointmentSummary {
  booked: number;
  attended: number;
  dna: number;
  wnb: number;
  /** (DNA + WNB) / (attended + DNA + WNB): of the appointments with an outcome, the share missed. */
  dnaWnbRate: number | null;
}

export interface CancellationSummary {
  cancelled: number;
  /** Inside the trust's late-cancellation threshold (replies.lateCancellationMinutes). */
  late: number;
  /** Cancelled because staff moved the booking to another slot. */
  moved: number;
  averageNoticeHours: number | null;
  notice: Record<(typeof NOTICE_BUCKETS)[number]['label'], number>;
  /** Why families cancelled or missed, where it is known (parent page, CANCEL text, staff outcome). */
  reasons: Record<CancelReason, number>;
}

export interface ShortNoticeSummary {
  slotsFreed: number;
  slotsFilled: number;
  slotsUnfilled: number;
  /** Of the filled, those staff (or the EPR import) booked while the run was under way. */
  slotsFilledByStaff: number;
  /** Freed slots withdrawn before their run ended: neither filled nor unfilled. */
  slotsWithdrawn: number;
  /** filled / (filled + unfilled): of the short-notice runs that ended, the share that filled the slot. */
  fillRate: number | null;
  /** Approximate: interpolated within the `fillTimes` bucket that holds the median. */
  medianMinutesToFill: number | null;
  /** Exact, from the summed fill times. */
  averageMinutesToFill: number | null;
  fillTimes: Record<(typeof FILL_BUCKETS)[number]['label'], number>;
  /** Offers sent in the runs that ended (filled or not). */
  offersMade: number;
  /** offersMade / slotsFilled: how many offers each fill took, counting the runs that did not fill. */
  offersPerFill: number | null;
}

export interface TextSummary {
  sent: number;
  segments: number;
  /** Of the texts sent in the period, those whose latest status is delivered, and failed. */
  delivered: number;
  failed: number;
  /** delivered / (delivered + failed): texts with no final status yet are left out. */
  deliveryRate: number | null;
  /** segments × the trust's price per segment (costs.pricePerSegmentGbp), to the penny. */
  costGbp: number;
}

export interface Summary {
  appointments: AppointmentSummary;
  cancellations: CancellationSummary;
  shortNotice?: ShortNoticeSummary;
  texts?: TextSummary;
  /** Numbers marked unreachable (texts to them failed for good); by IMD quintile in byImdQuintile. */
  reach?: { numbersUnreachable: number };
  /** Letters put in the day's batches, by kind, and their cost at letters.costPerLetterGbp. */
  letters?: { booking: number; reminder: number; total: number; costGbp: number };
}

export interface PeriodReport {
  /** `2026-W47` (ISO week, Monday to Sunday) or `2026-11`. */
  period: string;
  /** The period's first and last day, clipped to the requested range. */
  start: string;
  end: string;
  summary: Summary;
  byType: Record<string, Summary>;
  byClinic: Record<string, Summary>;
  byImdQuintile: Record<string, Summary>;
}

export interface MetricsReport {
  from: string;
  to: string;
  groupBy: GroupBy;
  pricePerSegmentGbp: number;
  totals: Omit<PeriodReport, 'period'> & { period: 'total' };
  periods: PeriodReport[];
}

const round = (value: number, places: number) => {
  const f = 10 ** places;
  return Math.round(value * f) / f;
};
const ratio = (numerator: number, denominator: number): number | null =>
  denominator === 0 ? null : round(numerator / denominator, 4);

/** The median of the fill times from the histogram: linear within the bucket that holds it. */
export function medianFromBuckets(c: Counters): number | null {
  const counts = FILL_BUCKETS.map((b) => c[b.counter] ?? 0);
  const total = counts.reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  const rank = total / 2;
  let below = 0;
  for (const [i, bucket] of FILL_BUCKETS.entries()) {
    const count = counts[i]!;
    if (below + count >= rank && count > 0) {
      const lower = i === 0 ? 0 : FILL_BUCKETS[i - 1]!.upTo;
      // The open-ended bucket has no width to interpolate in: its lower bound is all that is known.
      if (!Number.isFinite(bucket.upTo)) return lower;
      return Math.round(lower + ((rank - below) / count) * (bucket.upTo - lower));
    }
    below += count;
  }
  return null;
}

export function summarise(
  c: Counters,
  sections: { shortNotice: boolean; texts: boolean },
  pricePerSegmentGbp: number,
  pricePerLetterGbp = 0,
): Summary {
  const n = (k: Counter) => c[k] ?? 0;
  const outcomes = n('attended') + n('dna') + n('wnb');
  const summary: Summary = {
    appointments: {
      booked: n('booked'),
      attended: n('attended'),
      dna: n('dna'),
      wnb: n('wnb'),
      dnaWnbRate: ratio(n('dna') + n('wnb'), outcomes),
    },
    cancellations: {
      cancelled: n('cancelled'),
      late: n('cancelledLate'),
      moved: n('cancelledMoved'),
      averageNoticeHours:
        n('cancelled') === 0 ? null : round(n('cancelNoticeMinutesSum') / n('cancelled') / 60, 1),
      notice: Object.fromEntries(NOTICE_BUCKETS.map((b) => [b.label, n(b.counter)])) as Record<
        (typeof NOTICE_BUCKETS)[number]['label'],
        number
      >,
      reasons: Object.fromEntries(CANCEL_REASONS.map((r) => [r, n(`reason-${r}`)])) as Record<
        CancelReason,
        number
      >,
    },
  };
  if (sections.shortNotice) {
    summary.shortNotice = {
      slotsFreed: n('slotsFreed'),
      slotsFilled: n('slotsFilled'),
      slotsUnfilled: n('slotsUnfilled'),
      slotsFilledByStaff: n('slotsFilledByStaff'),
      slotsWithdrawn: n('slotsWithdrawn'),
      fillRate: ratio(n('slotsFilled'), n('slotsFilled') + n('slotsUnfilled')),
      medianMinutesToFill: medianFromBuckets(c),
      averageMinutesToFill: n('slotsFilled') === 0 ? null : round(n('fillMinutesSum') / n('slotsFilled'), 1),
      fillTimes: Object.fromEntries(FILL_BUCKETS.map((b) => [b.label, n(b.counter)])) as Record<
        (typeof FILL_BUCKETS)[number]['label'],
        number
      >,
      offersMade: n('offersMade'),
      offersPerFill: ratio(n('offersMade'), n('slotsFilled')),
    };
  }
  if (sections.texts) {
    summary.texts = {
      sent: n('textsOut'),
      segments: n('segmentsOut'),
      costGbp: round(n('segmentsOut') * pricePerSegmentGbp, 2),
      delivered: n('textsDelivered'),
      failed: n('textsFailed'),
      deliveryRate: ratio(n('textsDelivered'), n('textsDelivered') + n('textsFailed')),
    };
  }
  summary.reach = { numbersUnreachable: n('numbersUnreachable') };
  const letters = n('lettersBooking') + n('lettersReminder');
  summary.letters = {
    booking: n('lettersBooking'),
    reminder: n('lettersReminder'),
    total: letters,
    costGbp: round(letters * pricePerLetterGbp, 2),
  };
  return summary;
}

/** The period a day falls in: its ISO week (Monday first) or its month. */
export function periodOf(day: string, groupBy: GroupBy): { period: string; start: string; end: string } {
  const ms = dayMs(day);
  if (Number.isNaN(ms)) throw new RangeError(`not a yyyy-mm-dd date: ${day}`);
  const d = new Date(ms);
  const [year, month] = [d.getUTCFullYear(), d.getUTCMonth() + 1];
  if (groupBy === 'month') {
    const yyyyMm = day.slice(0, 7);
    return {
      period: yyyyMm,
      start: `${yyyyMm}-01`,
      end: `${yyyyMm}-${String(daysInMonth(year, month)).padStart(2, '0')}`,
    };
  }
  // ISO weeks start on Monday; a week belongs to the year its Thursday falls in.
  const isoWeekday = ((d.getUTCDay() + 6) % 7) + 1;
  const monday = ms - (isoWeekday - 1) * DAY;
  const thursday = new Date(monday + 3 * DAY);
  const weekYear = thursday.getUTCFullYear();
  const weekNumber = Math.floor((thursday.getTime() - utcMs(weekYear, 1, 1)) / DAY / 7) + 1;
  return {
    period: `${weekYear}-W${String(weekNumber).padStart(2, '0')}`,
    start: dayOf(monday),
    end: dayOf(monday + 6 * DAY),
  };
}

const shortDay = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/**
 * How a period is named on the charts' axis. A week is named by its Monday, whatever day the range clips
 * it to: named by its clipped start, a range beginning on a Sunday showed "1 Nov" and then "2 Nov", two
 * weeks a day apart. A week the range cuts short says so, as its numbers cover only part of it. The
 * Monday carries its year ("29 Dec 2025"), always, as a month does ("2026-01"): a period may span a new
 * year, or be a past one, and a week named "5 Oct" alone does not say which. Days are already
 * Europe/London calendar days, so formatting them at UTC midnight gives the same date.
 */
export function periodLabel(p: Pick<PeriodReport, 'period' | 'start' | 'end'>, groupBy: GroupBy): string {
  if (groupBy === 'month') return p.start.slice(0, 7);
  const week = periodOf(p.start, 'week');
  const monday = shortDay.format(new Date(dayMs(week.start)));
  return p.start === week.start && p.end === week.end ? monday : `${monday} (part week)`;
}

/** Every day from `from` to `to`, inclusive. */
export function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  const start = dayMs(from);
  if (Number.isNaN(start)) return days;
  for (let ms = start; dayOf(ms) <= to; ms += DAY) days.push(dayOf(ms));
  return days;
}

interface Cells {
  all: Counters;
  byType: Map<string, Counters>;
  byClinic: Map<string, Counters>;
  byImd: Map<string, Counters>;
}

const emptyCells = (): Cells => ({ all: {}, byType: new Map(), byClinic: new Map(), byImd: new Map() });

function addCell(cells: Cells, row: Increment): void {
  const [kind, ...rest] = row.dimension.split('#');
  const value = rest.join('#');
  if (row.dimension === ALL) cells.all = addCounters(cells.all, row.counters);
  const into =
    kind === 'TYPE'
      ? cells.byType
      : kind === 'CLINIC'
        ? cells.byClinic
        : kind === 'IMD'
          ? cells.byImd
          : undefined;
  if (into) into.set(value, addCounters(into.get(value) ?? {}, row.counters));
}

function reportOf(
  cells: Cells,
  price: number,
  letterPrice = 0,
): Omit<PeriodReport, 'period' | 'start' | 'end'> {
  const each = (map: Map<string, Counters>, sections: { shortNotice: boolean; texts: boolean }) =>
    Object.fromEntries(
      [...map.keys()].sort().map((k) => [k, summarise(map.get(k)!, sections, price, letterPrice)]),
    );
  return {
    summary: summarise(cells.all, { shortNotice: true, texts: true }, price, letterPrice),
    byType: each(cells.byType, { shortNotice: true, texts: false }),
    byClinic: each(cells.byClinic, { shortNotice: true, texts: false }),
    // Slots and texts have no client, so deprivation breaks down appointments and cancellations only.
    byImdQuintile: each(cells.byImd, { shortNotice: false, texts: false }),
  };
}

/**
 * Rolls day cells up into weeks or months over [from, to]. Every period in the range is listed, with
 * zeros where nothing happened, so a quiet week shows as a quiet week rather than a gap.
 */
export function buildReport(
  rows: readonly Increment[],
  query: {
    from: string;
    to: string;
    groupBy: GroupBy;
    pricePerSegmentGbp: number;
    pricePerLetterGbp?: number;
  },
): MetricsReport {
  const { from, to, groupBy, pricePerSegmentGbp: price, pricePerLetterGbp: letterPrice = 0 } = query;
  const periods = new Map<string, { start: string; end: string; cells: Cells }>();
  // Each day's period, worked out once: the rows are many per day, and Luxon's week arithmetic is not cheap.
  const periodOfDay = new Map<string, string>();
  for (const day of daysBetween(from, to)) {
    const p = periodOf(day, groupBy);
    periodOfDay.set(day, p.period);
    if (!periods.has(p.period))
      periods.set(p.period, {
        // Days compare as yyyy-mm-dd strings, so the clip is a string comparison, not Math.max/min.
        start: [p.start, from].sort()[1]!,
        end: [p.end, to].sort()[0]!,
        cells: emptyCells(),
      });
  }
  const total = emptyCells();
  for (const row of rows) {
    if (row.day < from || row.day > to) continue;
    const period = periods.get(periodOfDay.get(row.day) ?? periodOf(row.day, groupBy).period);
    if (!period) continue;
    addCell(period.cells, row);
    addCell(total, row);
  }
  return {
    from,
    to,
    groupBy,
    pricePerSegmentGbp: price,
    totals: { period: 'total', start: from, end: to, ...reportOf(total, price, letterPrice) },
    periods: [...periods].map(([period, p]) => ({
      period,
      start: p.start,
      end: p.end,
      ...reportOf(p.cells, price, letterPrice),
    })),
  };
}

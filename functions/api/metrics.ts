import * as z from 'zod';
import { CANCEL_REASONS } from '#core/cancel-reason.ts';
import { calendarDate } from '#core/dates.ts';
import { FILL_BUCKETS, NOTICE_BUCKETS } from '#core/metrics.ts';
import { GROUP_BY, type MetricsReport } from '#core/metrics-report.ts';
import * as zm from '#core/zod.ts';
import { metricsReport } from '#services/metrics.ts';
import { MANAGERS } from './access.ts';
import { defineRoute } from './route.ts';

export const metricsQuery = z.object({
  /** First local day, yyyy-mm-dd; default twelve weeks before `to`. */
  from: zm.optional(calendarDate),
  /** Last local day, yyyy-mm-dd, inclusive; default today. At most 366 days from `from`. */
  to: zm.optional(calendarDate),
  groupBy: z.enum(GROUP_BY).default('week'),
});

const count = z.number().int().min(0);
const rate = z.number().min(0).nullable();
const counts = <const K extends readonly string[]>(labels: K) =>
  z.object(Object.fromEntries(labels.map((l) => [l, count])) as Record<K[number], typeof count>);

const summarySchema = z.object({
  appointments: z.object({
    booked: count,
    attended: count,
    dna: count,
    wnb: count,
    dnaWnbRate: rate.describe('(DNA + WNB) / (attended + DNA + WNB); null with no outcomes'),
  }),
  cancellations: z.object({
    cancelled: count,
    late: count,
    moved: count,
    averageNoticeHours: rate,
    notice: counts(NOTICE_BUCKETS.map((b) => b.label)),
    /** Why families cancelled or missed, where known (parent page, CANCEL text, staff outcome). */
    reasons: counts(CANCEL_REASONS),
  }),
  shortNotice: z
    .object({
      slotsFreed: count,
      slotsFilled: count,
      slotsUnfilled: count,
      slotsFilledByStaff: count.describe('of the filled, booked by staff or the import while under offer'),
      slotsWithdrawn: count.describe('freed slots withdrawn before their run ended'),
      fillRate: rate.describe('filled / (filled + unfilled)'),
      medianMinutesToFill: rate.describe('interpolated within the fillTimes bucket that holds the median'),
      averageMinutesToFill: rate,
      fillTimes: counts(FILL_BUCKETS.map((b) => b.label)),
      offersMade: count,
      offersPerFill: rate,
    })
    .optional(),
  texts: z
    .object({
      sent: count,
      segments: count,
      costGbp: z.number().min(0),
      delivered: count,
      failed: count,
      deliveryRate: z.number().min(0).max(1).nullable(),
    })
    .optional(),
  reach: z.object({ numbersUnreachable: count }).optional(),
  letters: z
    .object({ booking: count, reminder: count, total: count, costGbp: z.number().min(0) })
    .describe('Letters put in the day’s batches, by kind, at letters.costPerLetterGbp each')
    .optional(),
});

const periodSchema = z.object({
  period: z.string().describe('ISO week (2026-W47) or month (2026-11)'),
  start: calendarDate,
  end: calendarDate,
  summary: summarySchema,
  byType: z.record(z.string(), summarySchema),
  byClinic: z.record(z.string(), summarySchema),
  byImdQuintile: z.record(z.string(), summarySchema).describe('1 = most deprived fifth; "unknown"'),
});

/** The response of GET /metrics, for the OpenAPI document; `satisfies` keeps it in step with the type. */
export const metricsReportSchema = z.object({
  from: calendarDate,
  to: calendarDate,
  groupBy: z.enum(GROUP_BY),
  pricePerSegmentGbp: z.number(),
  totals: periodSchema.extend({ period: z.literal('total') }),
  periods: z.array(periodSchema),
}) satisfies z.ZodType<MetricsReport>;

export const metricsRoutes = [
  defineRoute({
    id: 'getMetrics',
    method: 'GET',
    path: '/metrics',
    tag: 'metrics',
    summary: 'Attendance, cancellation, short-notice fill and text metrics for a range of local days',
    description:
      'Computed from per-day counters kept up to date as things happen, not from a scan of bookings.',
    roles: MANAGERS,
    query: metricsQuery,
    response: {
      status: 200,
      name: 'MetricsReport',
      schema: metricsReportSchema,
      description: 'The metrics, grouped by week or month',
    },
    errors: [400],
    handler: async ({ deps, query }) => metricsReport(deps, query),
  }),
] as const;

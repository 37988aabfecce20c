/**
 * `/staff/metrics` (managers and administrators): charts of `GET /metrics` for the period the person
 * picks, each drawn on the server by Vega-Lite (charts.ts) with its data table beside it and a CSV
 * download (`/staff/metrics.csv?chart=…`). The page calls the route in-process (`page.invoke`), so the
 * permission check and the audit are the API's own.
 */
import * as z from 'zod';
import { CANCEL_REASONS, type CancelReason } from '#core/cancel-reason.ts';
import { type MetricsReport, periodLabel, type Summary } from '#core/metrics-report.ts';
import type { Deps } from '#services/deps.ts';
import {
  type BarDatum,
  type Chart,
  csvResponse,
  groupedBarChart,
  lineChart,
  stackedBarChart,
} from '#web/charts.ts';
import { plainFieldMessage } from '#web/form-messages.ts';
import { errorStatus, type PageContext, type RegisterPages, refusalMessage } from '#web/router.ts';
import { clinicNames, typeNames } from './planning.ts';
import { addressParamError, isoDay } from './staff-kit.ts';

const METRICS_ACCESS = ['manager', 'admin'] as const;

const NOTICE_LABELS: Readonly<Record<string, string>> = {
  under24h: 'Under 24 hours',
  oneToTwoDays: '1 to 2 days',
  twoToSevenDays: '2 to 7 days',
  overSevenDays: 'Over 7 days',
};

/** Why families cancelled or missed (core/cancel-reason.ts), as the charts name them. */
export const REASON_LABELS: Readonly<Record<CancelReason, string>> = {
  work: 'Work',
  childcare: 'Childcare or caring',
  transport: 'Transport',
  unwell: 'Unwell',
  forgot: 'Forgot',
  'no-longer-needed': 'No longer needed',
  other: 'Other',
};

const QUINTILE_LABELS: Readonly<Record<string, string>> = {
  '1': '1 (most deprived)',
  '2': '2',
  '3': '3',
  '4': '4',
  '5': '5 (least deprived)',
  unknown: 'Not known',
};

/**
 * Charts already drawn, by their input: drawing is most of a metrics page's time (Vega-Lite compiles,
 * Vega renders), and the same period is looked at again and again. Only aggregate numbers and clinic
 * names are in them; the oldest go first.
 */
const drawn = new Map<string, Promise<Chart>>();
const DRAWN_MAX = 64;

function cached<I extends { id: string }>(draw: (input: I) => Promise<Chart>, input: I): Promise<Chart> {
  const key = `${draw.name}:${JSON.stringify(input)}`;
  let chart = drawn.get(key);
  if (!chart) {
    chart = draw(input);
    drawn.set(key, chart);
    chart.catch(() => drawn.delete(key));
    if (drawn.size > DRAWN_MAX) drawn.delete(drawn.keys().next().value as string);
  }
  return chart;
}

/** A chart not yet drawn: drawing is the slow part, so the CSV download draws only the one it needs. */
interface ChartPlan {
  readonly id: string;
  draw(): Promise<Chart>;
}

interface Names {
  readonly clinics: Readonly<Record<string, string>>;
  readonly types: Readonly<Record<string, string>>;
}

const longDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const longDay = (day: string) => longDate.format(new Date(`${day}T00:00:00Z`));

const percent = (value: number) => `${(value * 100).toFixed(1).replace(/\.0$/, '')}%`;

/** The charts of one report, in the order the page shows them. */
export function metricsCharts(report: MetricsReport, baseline: number, names: Names): ChartPlan[] {
  const periodTitle = report.groupBy === 'week' ? 'Week' : 'Month';
  const periodAxis = report.groupBy === 'week' ? 'Week beginning' : 'Month';
  const periods = report.periods.map((p) => ({ x: periodLabel(p, report.groupBy), p }));
  const rateBars = (
    by: Record<string, Summary>,
    name: (key: string) => string,
    order?: readonly string[],
  ): BarDatum[] =>
    (order ?? Object.keys(by).sort((a, b) => name(a).localeCompare(name(b))))
      .filter((key) => by[key]?.appointments.dnaWnbRate != null)
      .map((key) => ({
        category: name(key),
        group: 'DNA+WNB rate',
        value: by[key]!.appointments.dnaWnbRate!,
      }));
  const typeName = (id: string) => names.types[id] ?? id;
  /** One bar per category, stacked by reason; a category with no reason given is left out. */
  const reasonBars = (categories: readonly { x: string; s: Summary | undefined }[]): BarDatum[] =>
    categories
      .filter(({ s }) => s && CANCEL_REASONS.some((r) => s.cancellations.reasons[r] > 0))
      .flatMap(({ x, s }) =>
        CANCEL_REASONS.map((r) => ({
          category: x,
          group: REASON_LABELS[r],
          value: s!.cancellations.reasons[r],
        })),
      );
  /**
   * The weeks (or months) as the other charts by period have them: every one, a part week too, once any
   * has a reason; a week with none is a row of noughts, not left out, so the table does not skip a week
   * the DNA+WNB table beside it shows. With no reason in the whole period, nothing (the chart says so).
   */
  const reasonsByPeriod = (all: readonly { x: string; p: { summary: Summary } }[]): BarDatum[] =>
    reasonBars(all.map(({ x, p }) => ({ x, s: p.summary }))).length === 0
      ? []
      : all.flatMap(({ x, p }) =>
          CANCEL_REASONS.map((r) => ({
            category: x,
            group: REASON_LABELS[r],
            value: p.summary.cancellations.reasons[r],
          })),
        );
  const reasonsBy = (by: Record<string, Summary>, name: (key: string) => string, order?: readonly string[]) =>
    reasonBars(
      (order ?? Object.keys(by).sort((a, b) => name(a).localeCompare(name(b)))).map((key) => ({
        x: name(key),
        s: by[key],
      })),
    );
  const clinicName = (id: string) => names.clinics[id] ?? id;
  const totals = report.totals;
  const sn = totals.summary.shortNotice;

  return [
    {
      id: 'dna-wnb-by-week',
      draw: () =>
        cached(lineChart, {
          id: 'dna-wnb-by-week',
          title: `DNA and was-not-brought rate by ${periodTitle.toLowerCase()}`,
          description: `The share of appointments with an outcome that were missed (did not attend or was not brought), each ${periodTitle.toLowerCase()}, against the trust's baseline of ${percent(baseline)}.`,
          format: 'percent',
          xTitle: periodAxis,
          xPeriods: true,
          yTitle: 'DNA+WNB rate',
          points: periods.map(({ x, p }) => ({ x, y: p.summary.appointments.dnaWnbRate })),
          baseline: { value: baseline, label: `Baseline ${percent(baseline)}` },
        }),
    },
    {
      id: 'dna-wnb-by-imd',
      draw: () =>
        cached(groupedBarChart, {
          id: 'dna-wnb-by-imd',
          title: 'DNA and was-not-brought rate by IMD quintile',
          description:
            'The missed-appointment rate over the whole period for families in each fifth of the Index of Multiple Deprivation, 1 the most deprived.',
          format: 'percent',
          categoryTitle: 'IMD quintile',
          groupTitle: 'Measure',
          valueTitle: 'DNA+WNB rate',
          data: rateBars(totals.byImdQuintile, (q) => QUINTILE_LABELS[q] ?? q, Object.keys(QUINTILE_LABELS)),
        }),
    },
    {
      id: 'dna-wnb-by-type',
      draw: () =>
        cached(groupedBarChart, {
          id: 'dna-wnb-by-type',
          title: 'DNA and was-not-brought rate by appointment type',
          description: 'The missed-appointment rate over the whole period for each appointment type.',
          format: 'percent',
          categoryTitle: 'Appointment type',
          groupTitle: 'Measure',
          valueTitle: 'DNA+WNB rate',
          data: rateBars(totals.byType, typeName),
        }),
    },
    {
      id: 'dna-wnb-by-clinic',
      draw: () =>
        cached(groupedBarChart, {
          id: 'dna-wnb-by-clinic',
          title: 'DNA and was-not-brought rate by clinic',
          description: 'The missed-appointment rate over the whole period at each clinic.',
          format: 'percent',
          categoryTitle: 'Clinic',
          groupTitle: 'Measure',
          valueTitle: 'DNA+WNB rate',
          data: rateBars(totals.byClinic, clinicName),
        }),
    },
    {
      id: 'cancellations-by-notice',
      draw: () =>
        cached(stackedBarChart, {
          id: 'cancellations-by-notice',
          title: `Cancellations by notice given, by ${periodTitle.toLowerCase()}`,
          description: `How many appointments were cancelled each ${periodTitle.toLowerCase()} (counted on the appointment's day), split by how long before the appointment the cancellation came.`,
          format: 'count',
          categoryTitle: periodAxis,
          xPeriods: true,
          groupTitle: 'Notice',
          valueTitle: 'Cancellations',
          data: periods.flatMap(({ x, p }) =>
            Object.entries(NOTICE_LABELS).map(([key, group]) => ({
              category: x,
              group,
              value: (p.summary.cancellations.notice as Record<string, number>)[key] ?? 0,
            })),
          ),
        }),
    },
    {
      id: 'reasons-by-week',
      draw: () =>
        cached(stackedBarChart, {
          id: 'reasons-by-week',
          title: `Reasons for cancelling or missing, by ${periodTitle.toLowerCase()}`,
          description: `Why families cancelled or missed appointments each ${periodTitle.toLowerCase()} (counted on the appointment's day), where a reason is known: from the parent page, a cancelling text, the reply to the after-DNA question, or staff.`,
          format: 'count',
          categoryTitle: periodAxis,
          xPeriods: true,
          groupTitle: 'Reason',
          valueTitle: 'Appointments',
          data: reasonsByPeriod(periods),
        }),
    },
    {
      id: 'reasons-by-type',
      draw: () =>
        cached(stackedBarChart, {
          id: 'reasons-by-type',
          title: 'Reasons for cancelling or missing, by appointment type',
          description:
            'Why families cancelled or missed appointments over the whole period, for each appointment type, where a reason is known.',
          format: 'count',
          categoryTitle: 'Appointment type',
          groupTitle: 'Reason',
          valueTitle: 'Appointments',
          data: reasonsBy(totals.byType, typeName),
        }),
    },
    {
      id: 'reasons-by-imd',
      draw: () =>
        cached(stackedBarChart, {
          id: 'reasons-by-imd',
          title: 'Reasons for cancelling or missing, by IMD quintile',
          description:
            'Why families cancelled or missed appointments over the whole period, for families in each fifth of the Index of Multiple Deprivation (1 the most deprived), where a reason is known.',
          format: 'count',
          categoryTitle: 'IMD quintile',
          groupTitle: 'Reason',
          valueTitle: 'Appointments',
          data: reasonsBy(totals.byImdQuintile, (q) => QUINTILE_LABELS[q] ?? q, Object.keys(QUINTILE_LABELS)),
        }),
    },
    {
      id: 'short-notice-fill-rate',
      draw: () =>
        cached(lineChart, {
          id: 'short-notice-fill-rate',
          title: `Short-notice fill rate by ${periodTitle.toLowerCase()}`,
          description: `Of the freed slots whose short-notice offers ended, the share that were filled, each ${periodTitle.toLowerCase()}.`,
          format: 'percent',
          xTitle: periodAxis,
          xPeriods: true,
          yTitle: 'Fill rate',
          points: periods.map(({ x, p }) => ({ x, y: p.summary.shortNotice?.fillRate ?? null })),
        }),
    },
    {
      id: 'time-to-fill',
      draw: () =>
        cached(groupedBarChart, {
          id: 'time-to-fill',
          title: 'Time to fill a freed slot',
          description: `How long freed slots took to fill over the whole period, from the first offer to the booking. Median ${sn?.medianMinutesToFill != null ? `${Math.round(sn.medianMinutesToFill)} minutes` : 'not known'}.`,
          format: 'count',
          categoryTitle: 'Time to fill',
          groupTitle: 'Measure',
          valueTitle: 'Slots filled',
          data: Object.entries(sn?.fillTimes ?? {}).map(([bucket, value]) => ({
            category: bucket
              .replace('m', ' min')
              .replace('h', ' hours')
              .replace('over 24 hours', 'Over 24 hours'),
            group: 'Slots filled',
            value,
          })),
        }),
    },
    {
      id: 'texts-sent',
      draw: () =>
        cached(groupedBarChart, {
          id: 'texts-sent',
          title: `Texts sent by ${periodTitle.toLowerCase()}`,
          description: `How many texts Attend sent each ${periodTitle.toLowerCase()}, counted on the day they were sent.`,
          format: 'count',
          categoryTitle: periodAxis,
          xPeriods: true,
          groupTitle: 'Measure',
          valueTitle: 'Texts sent',
          data: periods.map(({ x, p }) => ({
            category: x,
            group: 'Texts sent',
            value: p.summary.texts?.sent ?? 0,
          })),
        }),
    },
    {
      id: 'text-cost',
      draw: () =>
        cached(lineChart, {
          id: 'text-cost',
          title: `Cost of texts by ${periodTitle.toLowerCase()}`,
          description: `What the texts sent each ${periodTitle.toLowerCase()} cost, at £${report.pricePerSegmentGbp} a segment.`,
          format: 'gbp',
          xTitle: periodAxis,
          xPeriods: true,
          yTitle: 'Cost',
          points: periods.map(({ x, p }) => ({ x, y: p.summary.texts?.costGbp ?? 0 })),
        }),
    },
  ];
}

async function names(page: PageContext, deps: Deps): Promise<Names> {
  return { clinics: await clinicNames(page), types: typeNames(deps) };
}

/** What the metrics page's address may carry: the period. */
const METRICS_ADDRESS = z.object({ from: z.string(), to: z.string() });

export const registerMetricsPages: RegisterPages = (router, deps) => {
  const baseline = deps.config.metrics.baselineDnaWnbRate;

  router.page({
    method: 'GET',
    path: '/staff/metrics',
    summary: 'Charts of attendance, cancellations, short-notice fills and texts for a chosen period',
    access: METRICS_ACCESS,
    nav: { label: 'Metrics', order: 60 },
    handler: async (page) => {
      const from = page.url.searchParams.get('from') || undefined;
      const to = page.url.searchParams.get('to') || undefined;
      // A parameter the page does not take (a misspelt `form=`) is said so, not the default period shown.
      const unknownError = addressParamError(page.url.searchParams, METRICS_ADDRESS);
      if (unknownError)
        return page.render(
          'pages/metrics.njk',
          { from, to, errors: [{ text: unknownError, href: '#from' }] },
          { status: 400 },
        );
      const result = await page.invoke('getMetrics', { query: { from, to } });
      if (!result.ok) {
        if (result.status !== 400) return errorStatus(result.status);
        // A start after the end (both real days) is said plainly; other faults name their field.
        const backwards = isoDay(from) && isoDay(to) && from! > to!;
        const errors = backwards
          ? [{ text: 'The start date must be on or before the end date', href: '#from' }]
          : (result.error.fields ?? []).map((f) => ({
              text: plainFieldMessage(f, {
                name: f.field.replace(/^query\./, '') === 'to' ? 'To' : 'From',
              }),
              href: f.field.endsWith('to') ? '#to' : '#from',
            }));
        if (errors.length === 0) errors.push({ text: result.error.message, href: '#from' });
        // Each message sits on the field at fault, as the summary links to it.
        const errorOn = (href: string) => errors.find((e) => e.href === href)?.text;
        return page.render(
          'pages/metrics.njk',
          { from, to, errors, fromError: errorOn('#from'), toError: errorOn('#to') },
          { status: 400 },
        );
      }
      const report = result.body;
      const plans = metricsCharts(report, baseline, await names(page, deps));
      const charts = await Promise.all(plans.map((plan) => plan.draw()));
      const query = new URLSearchParams({ from: report.from, to: report.to }).toString();
      const s = report.totals.summary;
      return page.render('pages/metrics.njk', {
        from: report.from,
        to: report.to,
        query,
        periodText: `${longDay(report.from)} to ${longDay(report.to)}`,
        baseline: percent(baseline),
        charts,
        totals: {
          booked: String(s.appointments.booked),
          dnaWnbRate: s.appointments.dnaWnbRate == null ? '–' : percent(s.appointments.dnaWnbRate),
          cancelled: String(s.cancellations.cancelled),
          fillRate: s.shortNotice?.fillRate == null ? '–' : percent(s.shortNotice.fillRate),
          medianToFill:
            s.shortNotice?.medianMinutesToFill == null
              ? '–'
              : `${Math.round(s.shortNotice.medianMinutesToFill)} minutes`,
          texts: String(s.texts?.sent ?? 0),
          cost: `£${(s.texts?.costGbp ?? 0).toFixed(2)}`,
        },
      });
    },
  });

  router.page({
    method: 'GET',
    path: '/staff/metrics.csv',
    summary: "One metrics chart's data as CSV (the chart's download link)",
    access: METRICS_ACCESS,
    handler: async (page) => {
      const id = page.url.searchParams.get('chart') ?? '';
      const from = page.url.searchParams.get('from') || undefined;
      const to = page.url.searchParams.get('to') || undefined;
      const result = await page.invoke('getMetrics', { query: { from, to } });
      if (!result.ok)
        return errorStatus(
          result.status,
          result.status === 400
            ? refusalMessage(result.error, { 'query.from': 'From', 'query.to': 'To' })
            : undefined,
        );
      const plan = metricsCharts(result.body, baseline, await names(page, deps)).find((p) => p.id === id);
      if (!plan) return errorStatus(404);
      const chart = await plan.draw();
      return csvResponse(`attend-${id}-${result.body.from}-to-${result.body.to}.csv`, chart.csv);
    },
  });
};

/**
 * The simulation's report: Markdown with SVG charts drawn by the staff metrics page's own chart code
 * (functions/web/charts.ts: Vega-Lite, rendered to SVG on the server). Every figure comes from each
 * run's /metrics, which the invariants have checked against the table.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { Summary } from '#core/metrics-report.ts';
import { type BarDatum, type Chart, groupedBarChart } from '#web/charts.ts';
import type { ScenarioResult } from './collect.ts';
import { parameterRows } from './parameters.ts';
import { SCENARIO_LABELS } from './scenarios.ts';

const pct = (v: number | null | undefined) => (v == null ? '–' : `${(v * 100).toFixed(1)}%`);
const num = (v: number) => Math.round(v).toLocaleString('en-GB');
const gbp = (v: number | null) => (v == null || !Number.isFinite(v) ? '–' : `£${v.toFixed(2)}`);
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

const SHORT_LABELS: Record<ScenarioResult['scenario'], string> = {
  'no-attend': 'No Attend',
  reminders: 'Reminders only',
  'backfill-no-equity': 'No equity',
  everything: 'Everything',
};

const missed = (s: Summary) => s.appointments.dna + s.appointments.wnb;

function table(head: string[], rows: string[][]): string {
  return [
    `| ${head.join(' | ')} |`,
    `| ${head.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ].join('\n');
}

export interface ReportContext {
  /** Wall time of all the runs, in seconds: the whole command's (`--report-from`: the runs' own, summed). */
  wallSeconds: number;
  /** How many runs went side by side (`--jobs`); one at a time when absent. */
  jobs?: number;
}

/** Writes `<dir>/simulation/report.md` and its charts; returns the report's path. */
export async function writeReport(
  results: readonly ScenarioResult[],
  dir: string,
  context: ReportContext,
): Promise<string> {
  const out = join(dir, 'simulation');
  await mkdir(out, { recursive: true });
  const label = (r: ScenarioResult) => SCENARIO_LABELS[r.scenario];
  /** Short enough for a chart legend (Vega cuts labels at 160 px). */
  const short = (r: ScenarioResult) => SHORT_LABELS[r.scenario];
  const charts: Chart[] = [];

  // DNA+WNB rate by week: the weeks of the month's clinics (the set-up weeks before have no outcomes).
  const weekly: BarDatum[] = [];
  for (const r of results)
    for (const p of r.metrics.periods) {
      const rate = p.summary.appointments.dnaWnbRate;
      if (rate !== null && p.summary.appointments.attended + missed(p.summary) >= 10)
        weekly.push({ category: p.period, group: short(r), value: rate });
    }
  charts.push(
    await groupedBarChart({
      id: 'rate-by-week',
      title: 'DNA+WNB rate by week',
      description: 'The share of appointments with an outcome that were missed, by ISO week, in each run.',
      format: 'percent',
      categoryTitle: 'Week',
      groupTitle: 'Run',
      valueTitle: 'DNA+WNB rate',
      data: weekly,
    }),
  );
  const byImd: BarDatum[] = [];
  for (const r of results)
    for (const [q, s] of Object.entries(r.metrics.totals.byImdQuintile).sort(([a], [b]) =>
      a.localeCompare(b),
    ))
      if (s.appointments.dnaWnbRate !== null)
        byImd.push({ category: `Q${q}`, group: short(r), value: s.appointments.dnaWnbRate });
  charts.push(
    await groupedBarChart({
      id: 'rate-by-imd',
      title: 'DNA+WNB rate by IMD quintile (Q1 most deprived)',
      description: 'The share of appointments missed over the month, by IMD quintile, in each run.',
      format: 'percent',
      categoryTitle: 'IMD quintile',
      groupTitle: 'Run',
      valueTitle: 'DNA+WNB rate',
      data: byImd,
    }),
  );
  const slots: BarDatum[] = [];
  for (const r of results) {
    const sn = r.metrics.totals.summary.shortNotice;
    slots.push(
      { category: short(r), group: 'Freed', value: sn?.slotsFreed ?? 0 },
      { category: short(r), group: 'Refilled', value: sn?.slotsFilled ?? 0 },
      { category: short(r), group: 'Unfilled', value: sn?.slotsUnfilled ?? 0 },
    );
  }
  charts.push(
    await groupedBarChart({
      id: 'slots',
      title: 'Slots freed and refilled',
      description:
        'Slots freed by a cancellation, refilled from the short-notice list, and left unfilled, per run.',
      format: 'count',
      categoryTitle: 'Run',
      groupTitle: 'Slots',
      valueTitle: 'Slots',
      data: slots,
    }),
  );
  for (const c of charts) await writeFile(join(out, `${c.id}.svg`), c.svg);

  const base = results.find((r) => r.scenario === 'no-attend');
  const first = results[0]!;
  const rows = results.map((r) => {
    const s = r.metrics.totals.summary;
    const texts = s.texts;
    const avoided = base ? missed(base.metrics.totals.summary) - missed(s) : undefined;
    const extraCost = base ? (texts?.costGbp ?? 0) - (base.metrics.totals.summary.texts?.costGbp ?? 0) : 0;
    return [
      label(r),
      num(s.appointments.attended + missed(s)),
      num(missed(s)),
      pct(s.appointments.dnaWnbRate),
      num(s.cancellations.cancelled),
      num(s.shortNotice?.slotsFreed ?? 0),
      num(s.shortNotice?.slotsFilled ?? 0),
      s.shortNotice?.medianMinutesToFill == null
        ? '–'
        : `${Math.round(s.shortNotice.medianMinutesToFill)} min`,
      num(texts?.sent ?? 0),
      num(texts?.segments ?? 0),
      '0',
      gbp(texts?.costGbp ?? 0),
      avoided === undefined || r.scenario === 'no-attend'
        ? '–'
        : avoided > 0
          ? `${gbp(extraCost / avoided)} (${num(avoided)} avoided)`
          : `none avoided`,
    ];
  });
  const throughput = results.map((r) => {
    const t = r.throughput;
    return [
      label(r),
      `${r.timings.loopSeconds.toFixed(0)} s`,
      t.bookingsPerSecond.toFixed(2),
      t.textsPerSecond.toFixed(2),
      t.peak ? `${t.peak.texts} texts / ${t.peak.segments} parts at ${t.peak.at}` : '–',
      t.peak ? `${t.peak.processingSeconds.toFixed(1)} s` : '–',
      t.peak ? `${t.peak.carrierSeconds.toFixed(1)} s` : '–',
      String(r.breaches.length),
    ];
  });
  const breaches = results.flatMap((r) => r.breaches.map((b) => [label(r), b.invariant, b.detail]));

  const md = `# Attend: a simulated month

> **This is a model with stated assumptions, not a trial.** Families are simulated agents whose
> choices are drawn from the parameters listed at the end; most of them are assumptions, labelled as
> such. The four runs share their random draws (a family who would forget in one run would forget in
> all of them), so the differences between runs come from what Attend does in the model. They say
> what Attend does *if the assumptions hold*; only a trial can say whether they do.

Made by \`npm run simulate -- --scale ${first.scale}\` (${first.shape.clinics} clinic(s) × ${first.shape.weeks} week(s):
${num(first.shape.slots)} slots, ${num(first.shape.bookings)} planned bookings, ${num(first.shape.children)} children,
${num(first.shape.waiting)} families on the short-notice list), on ${cpus().length} cores
(${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GB), shared with other work, in
${(context.wallSeconds / 60).toFixed(1)} minutes for all runs${(context.jobs ?? 1) > 1 ? `, ${context.jobs} at a time` : ''}. Each run drives the real local system: DynamoDB Local,
the stream pollers, the schedules, the Lambda handlers and the outbox, in virtual time.

The runs:
- **No Attend**: no texts at all; families who cannot come may phone; no short-notice list.
- **Reminders only**: confirmations and reminders; cancelling by text; freed slots are not offered.
- **Reminders + short-notice list, no equity weights** ("No equity" in the charts): and freed slots offered to the list, scored without IMD or flag weights.
- **Everything**: Attend as configured.

## Results

${table(
  [
    'Run',
    'Appointments with an outcome',
    'Missed (DNA+WNB)',
    'DNA+WNB rate',
    'Cancelled',
    'Slots freed',
    'Refilled',
    'Median time to fill',
    'Texts',
    'Text parts',
    'Letters',
    'Text cost',
    'Cost per avoided missed appointment',
  ],
  rows,
)}

${
  first.shape.bookings < 5000
    ? `At this scale each run has only ${num(first.shape.bookings)} planned bookings, so a difference of a few missed
appointments between runs is within chance (the runs share their draws, but a booking freed and refilled
is a new booking with new draws): read the directions, not the decimals. \`--scale 1\` is the month the
issue asks for.

`
    : ''
}Cost is text parts × £${first.metrics.pricePerSegmentGbp} (the trust's \`costs.pricePerSegmentGbp\`); cost per avoided missed
appointment is the run's text cost above the no-Attend run, divided by the missed appointments it avoided.
Every simulated family has a mobile number, so no letters go (Attend posts letters only to families who cannot get texts); families without a mobile are not in the model yet, so the letter count is 0.

![DNA+WNB rate by week](rate-by-week.svg)

![DNA+WNB rate by IMD quintile](rate-by-imd.svg)

![Slots freed and refilled](slots.svg)

${charts
  .map(
    (c) =>
      `### ${c.title}\n\n${table(
        [...c.table.head],
        c.table.rows.map((r) => [...r]),
      )}`,
  )
  .join('\n\n')}

## Throughput and invariants

${table(
  [
    'Run',
    "Month's loop (wall)",
    'Bookings/s',
    'Texts/s',
    'Busiest 10:00 sweep',
    'Due → last sent (here)',
    'At the number’s rate',
    'Breaches',
  ],
  throughput,
)}

"Due → last sent (here)" is the wall time from the 10:00 sweep starting to its last text leaving on this
machine; the local outbox does not throttle, so "at the number's rate" adds what one long code's
limit (\`sender.messagesPerSecond\` parts a second) would take for the same parts.

Checked over every run: no text in quiet hours (answers to a family's own text excepted); no identical
text twice to one phone (nor one slot offered twice to a family in one run); no text to an opted-out or unreachable number; no slot booked twice; every freed
slot's offer run ended; every offer settled; nothing in a dead-letter queue; \`/metrics\` equal to the
counts from the table.

${breaches.length ? table(['Run', 'Invariant', 'Breach'], breaches) : '**0 breaches.**'}

A finding, not a breach: two reminder tiers of one booking can read exactly the same (the 7-day and the
2-day reminder both name the day and date), and "sorry, that slot has just been taken" does not name the
slot, so a family on the list may get it word for word about two offers. The check counts a text as
repeated only when it is for the same purpose (the same tier of the same booking, the same offer's
text, or the same answer to the same text). Texts that repeated an earlier text's words for another
purpose: ${results.map((r) => `${label(r)} ${num(r.sameWordsTwice)}`).join('; ')}.

## The model's parameters

Every behaviour parameter, from \`bench/simulate/parameters.ts\`:

${table(
  ['Parameter', 'Value', 'Assumption?', 'Source'],
  parameterRows().map((p) => [
    `\`${p.name}\``,
    `\`${p.value}\``,
    p.assumption ? 'assumption' : 'sourced',
    p.source,
  ]),
)}
`;
  const path = join(out, 'report.md');
  await writeFile(path, md);
  return path;
}

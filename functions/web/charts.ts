/**
 * Charts rendered on the server as SVG by Vega-Lite (compiled to Vega, drawn with Vega's headless SVG
 * renderer), so a page shows them without JavaScript. Each chart comes with what makes it usable by
 * everyone: an SVG with a title and description (role="img"), the same numbers as a data table for
 * screen readers, and a CSV download whose text cells cannot run as spreadsheet formulas.
 *
 * The staff metrics page renders these with the `attendChart` macro (templates/macros/chart.njk).
 */
import { stringify } from 'csv-stringify/sync';
import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import * as vl from 'vega-lite';

export type ValueFormat = 'percent' | 'count' | 'gbp' | 'minutes';

export interface ChartTable {
  readonly caption: string;
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export interface Chart {
  /** Unique on the page: the SVG's title and description ids derive from it. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** The SVG markup, safe to put in the page as it is (no scripts, no inline styles). */
  readonly svg: string;
  /** The same numbers, for the table beside the chart. */
  readonly table: ChartTable;
  /** The same numbers as CSV, for the download. */
  readonly csv: string;
}

interface ChartBase {
  /** An id unique on the page: lower-case letters, digits and dashes. */
  readonly id: string;
  readonly title: string;
  /** What the chart shows, in a sentence (read out by screen readers). */
  readonly description: string;
  readonly format: ValueFormat;
  /** @default 640 */
  readonly width?: number;
  /** @default 260 */
  readonly height?: number;
  /**
   * The x values are periods in order, weeks ("7 Sept 2026") or months: a week's year goes on a line of
   * its own under its day and month, and a label that would run into one before it is left off (Vega's
   * `labelOverlap`, every other one until none touch), as a year of weeks has more labels than fit; the
   * table beside the chart names every one. Categories (clinics, quintiles) keep every label.
   */
  readonly xPeriods?: boolean;
}

export interface LinePoint {
  /** The x value as shown (a week, a month): the line keeps the order given. */
  readonly x: string;
  /** `null` where there is no value (a rate with nothing to divide by): the line breaks there. */
  readonly y: number | null;
}

export interface LineChartInput extends ChartBase {
  readonly xTitle: string;
  readonly yTitle: string;
  readonly points: readonly LinePoint[];
  /** A horizontal rule, e.g. the trust's baseline DNA+WNB rate of 11.5%. */
  readonly baseline?: { readonly value: number; readonly label: string };
}

export interface BarDatum {
  /** The x category (a clinic, a week). */
  readonly category: string;
  /** The group within it (an outcome, an IMD quintile). */
  readonly group: string;
  readonly value: number;
}

export interface BarChartInput extends ChartBase {
  readonly categoryTitle: string;
  readonly groupTitle: string;
  readonly valueTitle: string;
  readonly data: readonly BarDatum[];
}

/** NHS.UK colours, in an order whose neighbours stay distinguishable. */
const PALETTE = ['#005eb8', '#ffb81c', '#007f3b', '#330072', '#d5281b', '#41b6e6', '#768692', '#ae2573'];
const TEXT = '#212b32';

/**
 * Numbers as the UK writes them, money in pounds, for every chart this process draws (Vega's default
 * number locale; only these charts use Vega): d3-format's `$` is the locale's currency, the dollar in
 * its default (en-US) locale, so a cost axis read "$2.50" beside a table in pounds.
 */
vega.formatLocale({ decimal: '.', thousands: ',', grouping: [3], currency: ['£', ''] });

const D3_FORMATS: Readonly<Record<ValueFormat, string>> = {
  percent: '.0%',
  count: ',d',
  gbp: '$,.2f',
  minutes: ',.0f',
};

/** Up to this top count, a count axis names each whole number (at most 11 ticks on the 260 px default). */
const COUNT_TICKS_EACH_UP_TO = 10;

/**
 * The y axis in the chart's format, its values from `bottom` (0 or below) to `top`. A count ticks only at
 * whole numbers: otherwise a chart of small counts has ticks at 0.2, 0.4… that the whole-number format
 * draws as "0, 0, 1, 1, 1". Vega-Lite 5 leaves an axis's `tickMinStep` out of the Vega it makes, so small
 * counts get their ticks named outright; from 10 up, Vega's own nice steps are whole numbers anyway. A
 * count below 0 (a correction can leave one in a cell) keeps Vega's own ticks.
 */
function yAxis(format: ValueFormat, top: number, bottom: number): object {
  const small = format === 'count' && bottom >= 0 && top <= COUNT_TICKS_EACH_UP_TO;
  return {
    format: D3_FORMATS[format],
    // Nothing to count (top 0): the one tick, 0, as before.
    ...(small && { values: Array.from({ length: Math.ceil(top) + 1 }, (_, i) => i) }),
  };
}

/** A value as the data table and the CSV show it. */
export function formatValue(value: number | null, format: ValueFormat): string {
  if (value === null || !Number.isFinite(value)) return '–';
  switch (format) {
    case 'percent':
      return `${(value * 100).toFixed(1)}%`;
    case 'count':
      return Math.round(value).toLocaleString('en-GB');
    case 'gbp':
      return `£${value.toFixed(2)}`;
    case 'minutes':
      return `${Math.round(value)} min`;
  }
}

/**
 * An x label as the axis draws it, a line each. A bracketed end goes on a line of its own: "23 Nov 2026
 * (part week)" over two lines, not cut to "23 Nov 2026 (part…" at Vega's label width; "1 (most
 * deprived)" likewise. On a period axis a week's year does too ("7 Sept" over "2026"), so twelve weeks
 * fit side by side at the charts' width: on one line they ran into each other ("7 Sept 202614 Sept…").
 */
function axisLines(label: string, periods: boolean): string[] {
  const bracket = label.indexOf(' (');
  const main = bracket > 0 ? label.slice(0, bracket) : label;
  const dated = periods ? /^(\d{1,2} \S+) (\d{4})$/.exec(main) : null;
  const lines = dated ? [dated[1]!, dated[2]!] : [main];
  return bracket > 0 ? [...lines, label.slice(bracket + 1)] : lines;
}

/** The x axis over these labels: each drawn as axisLines has it, level (not slanted). */
function xAxis(labels: readonly string[], periods: boolean): object {
  // Looked up by the label itself (a JSON object is a Vega expression too); one line stays a string.
  const lines = Object.fromEntries(
    labels.map((label) => {
      const each = axisLines(label, periods);
      return [label, each.length === 1 ? each[0] : each];
    }),
  );
  return {
    labelAngle: 0,
    labelExpr: `(${JSON.stringify(lines)})[datum.label]`,
    ...(periods ? { labelOverlap: 'parity' } : {}),
  };
}

const CONFIG = {
  font: 'Arial, sans-serif',
  background: 'white',
  axis: { labelColor: TEXT, titleColor: TEXT, labelFontSize: 12, titleFontSize: 13, gridColor: '#d8dde0' },
  legend: { labelColor: TEXT, titleColor: TEXT, labelFontSize: 12, titleFontSize: 13, orient: 'bottom' },
  title: { color: TEXT, fontSize: 16, anchor: 'start' },
  range: { category: PALETTE },
  // The SVG as a whole is one image described by its title and description; the table carries the data.
  aria: false,
} as const;

async function toSvg(spec: TopLevelSpec, id: string, title: string, description: string): Promise<string> {
  const compiled = vl.compile(spec);
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none' });
  try {
    // The SVG is one image, named by its title and described by its description (role="img"); Vega's
    // own roles on the groups inside would make screen readers and axe look for names on each of them.
    const svg = (await view.toSVG()).replace(
      / (role|aria-roledescription|aria-label|aria-hidden)="[^"]*"/g,
      '',
    );
    const xml = (text: string) =>
      text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    return svg.replace(
      /^<svg([^>]*)>/,
      `<svg$1 role="img" aria-labelledby="${id}-title ${id}-desc" focusable="false"><title id="${id}-title">${xml(title)}</title><desc id="${id}-desc">${xml(description)}</desc>`,
    );
  } finally {
    view.finalize();
  }
}

function checkId(id: string): void {
  if (!/^[a-z][a-z0-9-]*$/.test(id))
    throw new Error(`chart id "${id}" must be lower-case letters, digits and dashes`);
}

/** A line over ordered x values, with an optional baseline rule. */
export async function lineChart(input: LineChartInput): Promise<Chart> {
  checkId(input.id);
  const order = input.points.map((p) => p.x);
  const values = input.points.map((p) => ({ x: p.x, y: p.y }));
  const layers: object[] = [
    {
      mark: {
        type: 'line',
        color: PALETTE[0],
        strokeWidth: 3,
        point: { filled: true, size: 60, color: PALETTE[0] },
      },
      encoding: {
        x: {
          field: 'x',
          type: 'ordinal',
          sort: order,
          title: input.xTitle,
          axis: xAxis(order, input.xPeriods ?? false),
        },
        y: {
          field: 'y',
          type: 'quantitative',
          title: input.yTitle,
          axis: yAxis(
            input.format,
            Math.max(0, ...input.points.map((p) => p.y ?? 0)),
            Math.min(0, ...input.points.map((p) => p.y ?? 0)),
          ),
        },
      },
    },
  ];
  if (input.baseline) {
    layers.push(
      {
        data: { values: [{ baseline: input.baseline.value }] },
        mark: { type: 'rule', color: PALETTE[4], strokeDash: [6, 4], strokeWidth: 2 },
        encoding: { y: { field: 'baseline', type: 'quantitative' } },
      },
      {
        data: { values: [{ baseline: input.baseline.value, label: input.baseline.label }] },
        mark: { type: 'text', align: 'right', dy: -8, color: PALETTE[4], fontWeight: 'bold', x: 'width' },
        encoding: { y: { field: 'baseline', type: 'quantitative' }, text: { field: 'label' } },
      },
    );
  }
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: input.width ?? 640,
    height: input.height ?? 260,
    data: { values },
    layer: layers,
    config: CONFIG,
  } as TopLevelSpec;
  const baseline = input.baseline;
  const head = baseline ? [input.xTitle, input.yTitle, baseline.label] : [input.xTitle, input.yTitle];
  const rows = input.points.map((p) =>
    baseline
      ? [p.x, formatValue(p.y, input.format), formatValue(baseline.value, input.format)]
      : [p.x, formatValue(p.y, input.format)],
  );
  const csvRows = input.points.map((p) => (baseline ? [p.x, p.y, baseline.value] : [p.x, p.y]));
  return {
    id: input.id,
    title: input.title,
    description: input.description,
    svg: await toSvg(spec, input.id, input.title, input.description),
    table: { caption: input.title, head, rows },
    csv: toCsv(head, csvRows),
  };
}

function barChart(input: BarChartInput, stacked: boolean): Promise<Chart> {
  checkId(input.id);
  const categories = [...new Set(input.data.map((d) => d.category))];
  const groups = [...new Set(input.data.map((d) => d.group))];
  // The axis's top: a stacked bar's whole height, or the tallest bar.
  const top = Math.max(
    0,
    ...(stacked
      ? categories.map((c) =>
          input.data.filter((d) => d.category === c).reduce((sum, d) => sum + Math.max(0, d.value), 0),
        )
      : input.data.map((d) => d.value)),
  );
  const encoding: Record<string, object> = {
    x: {
      field: 'category',
      type: 'nominal',
      sort: categories,
      title: input.categoryTitle,
      axis: xAxis(categories, input.xPeriods ?? false),
    },
    y: {
      field: 'value',
      type: 'quantitative',
      title: input.valueTitle,
      axis: yAxis(input.format, top, Math.min(0, ...input.data.map((d) => d.value))),
      ...(stacked ? { stack: 'zero' } : { stack: null }),
    },
    color: { field: 'group', type: 'nominal', sort: groups, title: input.groupTitle },
  };
  if (!stacked) encoding.xOffset = { field: 'group', type: 'nominal', sort: groups };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
    width: input.width ?? 640,
    height: input.height ?? 260,
    data: { values: input.data.map((d) => ({ ...d })) },
    mark: { type: 'bar' },
    encoding,
    config: CONFIG,
  } as TopLevelSpec;
  // One row per category, one column per group: how a person reads a grouped or stacked bar chart.
  const head = [input.categoryTitle, ...groups];
  const cell = (category: string, group: string) =>
    input.data.find((d) => d.category === category && d.group === group)?.value ?? null;
  const rows = categories.map((c) => [c, ...groups.map((g) => formatValue(cell(c, g), input.format))]);
  const csvRows = categories.map((c) => [c, ...groups.map((g) => cell(c, g))]);
  return toSvg(spec, input.id, input.title, input.description).then((svg) => ({
    id: input.id,
    title: input.title,
    description: input.description,
    svg,
    table: { caption: input.title, head, rows },
    csv: toCsv(head, csvRows),
  }));
}

/** Bars side by side within each category, one per group. */
export function groupedBarChart(input: BarChartInput): Promise<Chart> {
  return barChart(input, false);
}

/** One bar per category, stacked by group. */
export function stackedBarChart(input: BarChartInput): Promise<Chart> {
  return barChart(input, true);
}

/**
 * A text cell made safe for a spreadsheet: leading `=`, `+`, `-`, `@` (and tab or carriage return, which
 * some spreadsheets skip before reading a formula) are removed, so nothing in it runs as a formula.
 * Numbers are written as they are: a negative number is data, not a formula.
 */
export function csvCell(value: string | number | null | undefined): string | number {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? value : '';
  return value.replace(/^[=+\-@\t\r]+/, '');
}

/** RFC 4180 CSV (csv-stringify) of a header row and data rows, every text cell made safe by csvCell. */
export function toCsv(
  head: readonly string[],
  rows: readonly (readonly (string | number | null)[])[],
): string {
  return stringify([head.map(csvCell), ...rows.map((row) => row.map(csvCell))], {
    record_delimiter: 'windows',
  });
}

/** A CSV download: UTF-8 with a byte-order mark, so Excel reads names with accents right. */
export function csvResponse(filename: string, csv: string): Response {
  const safeName = filename.replace(/[^A-Za-z0-9._-]/g, '-');
  return new Response(`\uFEFF${csv}`, {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="${safeName}"`,
    },
  });
}

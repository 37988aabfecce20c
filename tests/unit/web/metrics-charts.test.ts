/**
 * The metrics page's charts by week (session tester's faults, item 3): every weekly table names the same
 * weeks, a part week too, each with its year. The reasons table left out a week with no reason given,
 * so a period starting on a Sunday showed "26 Oct (part week)" in the DNA+WNB table and not beside it.
 */
import { type HTMLElement, parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import type { Increment } from '#core/metrics.ts';
import { buildReport } from '#core/metrics-report.ts';
import { metricsCharts } from '#web/pages/metrics.ts';

const NAMES = { clinics: { riverside: 'Riverside Clinic' }, types: {} };

async function tables(rows: Increment[], from: string, to: string) {
  const report = buildReport(rows, { from, to, groupBy: 'week', pricePerSegmentGbp: 0.0364 });
  const plans = metricsCharts(report, 0.115, NAMES);
  const chart = (id: string) => plans.find((p) => p.id === id)!.draw();
  const table = async (id: string) => (await chart(id)).table;
  return {
    weeks: async (id: string) => (await table(id)).rows.map((row) => row[0]),
    table,
    svg: async (id: string) => (await chart(id)).svg,
  };
}

describe('the reasons table by week', () => {
  it('has the part week the DNA+WNB table has, as a row of noughts, when a reason falls in another week', async () => {
    // Arrange: Sunday 1 to Sunday 15 November 2026; the one reason is on Tuesday 10 November
    const rows: Increment[] = [
      { day: '2026-11-01', dimension: 'ALL', counters: { booked: 1, attended: 1 } },
      { day: '2026-11-10', dimension: 'ALL', counters: { booked: 1, dna: 1, 'reason-transport': 1 } },
    ];

    // Act
    const charts = await tables(rows, '2026-11-01', '2026-11-15');

    // Assess
    const weeks = ['26 Oct 2026 (part week)', '2 Nov 2026', '9 Nov 2026'];
    expect(await charts.weeks('dna-wnb-by-week')).toEqual(weeks);
    expect(await charts.weeks('reasons-by-week')).toEqual(weeks);
    const reasons = await charts.table('reasons-by-week');
    const transport = reasons.head.indexOf('Transport');
    expect(reasons.rows.map((row) => row[transport])).toEqual(['0', '0', '1']);
  });

  it('names weeks across the new year with their years, in every weekly table', async () => {
    const rows: Increment[] = [
      { day: '2026-01-06', dimension: 'ALL', counters: { cancelled: 1, 'reason-work': 1 } },
    ];
    const charts = await tables(rows, '2025-12-21', '2026-01-11');
    const weeks = ['15 Dec 2025 (part week)', '22 Dec 2025', '29 Dec 2025', '5 Jan 2026'];
    for (const id of ['dna-wnb-by-week', 'reasons-by-week', 'cancellations-by-notice', 'texts-sent'])
      expect(await charts.weeks(id), id).toEqual(weeks);
  });

  it('the charts’ axes show a part week whole, its year and “(part week)” on lines of their own, not cut short', async () => {
    const charts = await tables([], '2026-11-01', '2026-11-15');
    for (const id of ['dna-wnb-by-week', 'texts-sent']) {
      const svg = await charts.svg(id);
      expect(svg, id).toMatch(
        /<tspan>26 Oct<\/tspan><tspan [^>]*>2026<\/tspan><tspan [^>]*>\(part week\)<\/tspan>/,
      );
      expect(svg, id).toMatch(/<tspan>2 Nov<\/tspan><tspan [^>]*>2026<\/tspan>/);
      expect(svg, id).not.toContain('…');
    }
  });

  it('with no reason in the whole period, still has no rows (the page says there is nothing to show)', async () => {
    const charts = await tables(
      [{ day: '2026-11-03', dimension: 'ALL', counters: { booked: 1, attended: 1 } }],
      '2026-11-01',
      '2026-11-15',
    );
    expect((await charts.table('reasons-by-week')).rows).toEqual([]);
  });
});

/** Every chart by week: their x axes. */
const WEEKLY = [
  'dna-wnb-by-week',
  'cancellations-by-notice',
  'reasons-by-week',
  'short-notice-fill-rate',
  'texts-sent',
  'text-cost',
];

interface AxisLabel {
  readonly lines: string[];
  readonly left: number;
  readonly right: number;
}

/** The sum of the plain `translate(x,y)` of an element and those it sits in: where it is in the SVG. */
function xOf(element: HTMLElement | null): number {
  let x = 0;
  for (let e = element; e; e = e.parentNode) {
    const t = /^translate\(([-\d.]+),[-\d.]+\)/.exec(e.getAttribute?.('transform') ?? '');
    if (t) x += Number(t[1]);
  }
  return x;
}

/**
 * The labels the week axis shows (Vega leaves one it drops in the SVG at opacity 0), each with its
 * lines and how far it reaches either side. Text width is taken as 0.6 of the 12px font a character:
 * more than Arial's (and Liberation Sans's) digits, lower case and brackets, so two labels kept apart
 * by this are apart on the page.
 */
function weekAxisLabels(svg: string): { width: number; labels: AxisLabel[] } {
  const root = parse(svg).querySelector('svg')!;
  const axis = root
    .querySelectorAll('g.role-axis')
    .find((g) => g.querySelector('g.role-axis-title text')?.text === 'Week beginning')!;
  const labels = axis
    .querySelectorAll('g.role-axis-label text')
    .filter((t) => t.getAttribute('opacity') !== '0')
    .map((t) => {
      const lines = t.querySelectorAll('tspan').map((line) => line.text);
      const half = (Math.max(...lines.map((line) => line.length)) * 0.6 * 12) / 2;
      const x = xOf(t);
      return { lines, left: x - half, right: x + half };
    });
  return { width: Number(root.getAttribute('width')), labels };
}

describe('the week axes', () => {
  it.each([
    // The demo's period: 13 weeks, a part week at each end
    ['twelve weeks', '2026-09-01', '2026-11-23', 13],
    // The longest the API allows, across the new year: 53 weeks
    ['a year', '2025-11-24', '2026-11-24', 53],
    ['one week', '2026-11-16', '2026-11-22', 1],
  ])(
    'over %s, label weeks that do not run into each other or off the chart, each with its year',
    async (_name, from, to, count) => {
      // Arrange: a reason in the period, so the reasons by week are drawn too
      const rows: Increment[] = [
        { day: from, dimension: 'ALL', counters: { cancelled: 1, 'reason-work': 1 } },
      ];

      // Act
      const charts = await tables(rows, from, to);

      // Assess
      for (const id of WEEKLY) {
        const weeks = await charts.weeks(id);
        expect(weeks, id).toHaveLength(count);
        const { width, labels } = weekAxisLabels(await charts.svg(id));
        // The first week is always labelled; a year of weeks does not fit, so some are left off
        expect(labels.length, id).toBeGreaterThanOrEqual(Math.min(count, 6));
        expect(labels[0]!.lines.join(' '), id).toBe(weeks[0]);
        for (const [i, label] of labels.entries()) {
          // Each is a week of the table, its day and month over its year (and "(part week)")
          expect(weeks, id).toContain(label.lines.join(' '));
          expect(label.lines[1], id).toMatch(/^20\d\d$/);
          expect(label.left, `${id}: ${label.lines.join(' ')}`).toBeGreaterThanOrEqual(0);
          expect(label.right, `${id}: ${label.lines.join(' ')}`).toBeLessThanOrEqual(width);
          const before = labels[i - 1];
          if (before) expect(label.left - before.right, `${id}: ${label.lines.join(' ')}`).toBeGreaterThan(2);
        }
      }
    },
  );
});

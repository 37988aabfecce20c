/**
 * The metrics page's charts by week (session tester's faults, item 3): every weekly table names the same
 * weeks, a part week too, each with its year. The reasons table left out a week with no reason given,
 * so a period starting on a Sunday showed "26 Oct (part week)" in the DNA+WNB table and not beside it.
 */
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

  it('the charts’ axes show a part week whole, over two lines, not cut short', async () => {
    const charts = await tables([], '2026-11-01', '2026-11-15');
    for (const id of ['dna-wnb-by-week', 'texts-sent']) {
      const svg = await charts.svg(id);
      expect(svg, id).toMatch(/<tspan>26 Oct 2026<\/tspan><tspan [^>]*>\(part week\)<\/tspan>/);
      expect(svg, id).toContain('>2 Nov 2026<');
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

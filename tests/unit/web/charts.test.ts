import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { csvCell, csvResponse, groupedBarChart, lineChart, stackedBarChart, toCsv } from '#web/charts.ts';

const WEEKS = [
  { x: '2 Nov', y: 0.1 },
  { x: '9 Nov', y: 0.134 },
  { x: '16 Nov', y: null },
  { x: '23 Nov', y: 0.092 },
];

const BY_CLINIC = [
  { category: 'Riverside', group: 'Attended', value: 40 },
  { category: 'Riverside', group: 'Did not attend', value: 4 },
  { category: 'Riverside', group: 'Was not brought', value: 2 },
  { category: 'Oakwood', group: 'Attended', value: 31 },
  { category: 'Oakwood', group: 'Did not attend', value: 6 },
];

const svgOf = (svg: string) => parse(svg).querySelector('svg')!;

describe('lineChart', () => {
  it('draws one point per known value, one baseline rule and its label, with a title and description', async () => {
    // Prepare / Act
    const chart = await lineChart({
      id: 'dna-rate',
      title: 'DNA+WNB rate by week',
      description: 'The share of appointments missed each week, against the 11.5% baseline.',
      format: 'percent',
      xTitle: 'Week',
      yTitle: 'DNA+WNB rate',
      points: WEEKS,
      baseline: { value: 0.115, label: 'Baseline 11.5%' },
    });

    // Assess
    const svg = svgOf(chart.svg);
    expect(svg.getAttribute('role')).toBe('img');
    expect(svg.getAttribute('aria-labelledby')).toBe('dna-rate-title dna-rate-desc');
    expect(svg.querySelector('title#dna-rate-title')?.text).toBe('DNA+WNB rate by week');
    expect(svg.querySelector('desc#dna-rate-desc')?.text).toContain('11.5% baseline');
    expect(svg.querySelectorAll('g.mark-symbol.role-mark path')).toHaveLength(3);
    expect(svg.querySelectorAll('g.mark-line.role-mark path')).toHaveLength(1);
    expect(svg.querySelectorAll('g.mark-rule.role-mark line')).toHaveLength(1);
    expect(svg.querySelectorAll('g.mark-text.role-mark text').map((t) => t.text)).toContain('Baseline 11.5%');
    expect(svg.querySelectorAll('g.role-axis-label text').map((t) => t.text)).toEqual(
      expect.arrayContaining(['2 Nov', '9 Nov', '16 Nov', '23 Nov', '10%']),
    );
  });

  it('labels a money axis in pounds, as its table is, not in dollars', async () => {
    const chart = await lineChart({
      id: 'cost',
      title: 'Cost of texts by week',
      description: 'What the texts cost each week.',
      format: 'gbp',
      xTitle: 'Week',
      yTitle: 'Cost',
      points: [
        { x: '2 Nov', y: 1.2 },
        { x: '9 Nov', y: 2.15 },
      ],
    });
    const labels = svgOf(chart.svg)
      .querySelectorAll('g.role-axis-label text')
      .map((t) => t.text);
    expect(labels.filter((l) => l.startsWith('£')).length).toBeGreaterThan(1);
    expect(labels.join(' ')).not.toContain('$');
    expect(chart.table.rows.map((r) => r.at(-1))).toEqual(['£1.20', '£2.15']);
  });

  it('puts the same numbers in the table and the CSV, with a gap shown as a dash', async () => {
    const chart = await lineChart({
      id: 'dna-rate',
      title: 'DNA+WNB rate by week',
      description: 'Weekly rate.',
      format: 'percent',
      xTitle: 'Week',
      yTitle: 'DNA+WNB rate',
      points: WEEKS,
      baseline: { value: 0.115, label: 'Baseline' },
    });

    expect(chart.table.head).toEqual(['Week', 'DNA+WNB rate', 'Baseline']);
    expect(chart.table.rows).toEqual([
      ['2 Nov', '10.0%', '11.5%'],
      ['9 Nov', '13.4%', '11.5%'],
      ['16 Nov', '–', '11.5%'],
      ['23 Nov', '9.2%', '11.5%'],
    ]);
    expect(chart.csv.split('\r\n')).toEqual([
      'Week,DNA+WNB rate,Baseline',
      '2 Nov,0.1,0.115',
      '9 Nov,0.134,0.115',
      '16 Nov,,0.115',
      '23 Nov,0.092,0.115',
      '',
    ]);
  });

  it('has no inline styles or scripts, which the CSP would block', async () => {
    const chart = await lineChart({
      id: 'c',
      title: 'T',
      description: 'D',
      format: 'count',
      xTitle: 'x',
      yTitle: 'y',
      points: WEEKS,
    });
    expect(chart.svg).not.toMatch(/style=|<script|on[a-z]+=/i);
  });

  it('refuses an id that could clash with the page or break its markup', async () => {
    await expect(
      lineChart({
        id: 'Bad id"',
        title: 'T',
        description: 'D',
        format: 'count',
        xTitle: 'x',
        yTitle: 'y',
        points: WEEKS,
      }),
    ).rejects.toThrow(/chart id/);
  });
});

describe('bar charts', () => {
  const input = {
    id: 'outcomes',
    title: 'Outcomes by clinic',
    description: 'Attended, did not attend and was not brought, by clinic.',
    format: 'count' as const,
    categoryTitle: 'Clinic',
    groupTitle: 'Outcome',
    valueTitle: 'Appointments',
    data: BY_CLINIC,
  };

  it('grouped: one bar per datum, side by side', async () => {
    const chart = await groupedBarChart(input);
    const bars = svgOf(chart.svg).querySelectorAll('g.mark-rect.role-mark path');
    expect(bars).toHaveLength(BY_CLINIC.length);
    // Side by side: no two bars start at the same x.
    const xs = bars.map((b) => b.getAttribute('d')?.match(/^M([\d.]+)/)?.[1]);
    expect(new Set(xs).size).toBe(BY_CLINIC.length);
    expect(
      svgOf(chart.svg)
        .querySelectorAll('g.role-legend-label text')
        .map((t) => t.text),
    ).toEqual(['Attended', 'Did not attend', 'Was not brought']);
  });

  it('ticks a count axis at whole numbers only, so small counts do not read "0, 0, 1, 1"', async () => {
    // Prepare: counts of one or two, as a quiet week's reasons are
    const small = [
      { category: 'Riverside', group: 'Work', value: 1 },
      { category: 'Oakwood', group: 'Work', value: 2 },
      { category: 'Oakwood', group: 'Transport', value: 1 },
    ];

    // Act
    const charts = [
      await stackedBarChart({ ...input, data: small }),
      await groupedBarChart({ ...input, data: small }),
      await lineChart({
        id: 'texts',
        title: 'Texts by week',
        description: 'Texts sent each week.',
        format: 'count',
        xTitle: 'Week',
        yTitle: 'Texts',
        points: [
          { x: '2 Nov', y: 1 },
          { x: '9 Nov', y: 2 },
        ],
      }),
    ];

    const none = await groupedBarChart({ ...input, data: small.map((d) => ({ ...d, value: 0 })) });

    // Assess: every tick label a different whole number; with nothing counted, one 0
    const numbers = (chart: { svg: string }) =>
      svgOf(chart.svg)
        .querySelectorAll('g.role-axis-label text')
        .map((t) => t.text)
        .filter((l) => /^[\d,]+$/.test(l));
    expect(numbers(none)).toEqual(['0']);
    // A negative count (a correction) keeps Vega's own ticks, below 0 too.
    const negative = await groupedBarChart({ ...input, data: [{ ...small[0]!, value: -3 }, small[1]!] });
    expect(
      svgOf(negative.svg)
        .querySelectorAll('g.role-axis-label text')
        .map((t) => t.text),
    ).toEqual(expect.arrayContaining(['−3', '0', '2']));
    for (const chart of charts) {
      const ticks = numbers(chart);
      expect(ticks.length).toBeGreaterThan(1);
      expect(new Set(ticks).size).toBe(ticks.length);
    }
  });

  it('stacked: one bar segment per datum, stacked within each category', async () => {
    const chart = await stackedBarChart(input);
    const bars = svgOf(chart.svg).querySelectorAll('g.mark-rect.role-mark path');
    expect(bars).toHaveLength(BY_CLINIC.length);
    const xs = bars.map((b) => b.getAttribute('d')?.match(/^M([\d.]+)/)?.[1]);
    expect(new Set(xs).size).toBe(2);
  });

  it('tables a category per row and a group per column, with a dash where there is none', async () => {
    const chart = await stackedBarChart(input);
    expect(chart.table.head).toEqual(['Clinic', 'Attended', 'Did not attend', 'Was not brought']);
    expect(chart.table.rows).toEqual([
      ['Riverside', '40', '4', '2'],
      ['Oakwood', '31', '6', '–'],
    ]);
  });
});

describe('CSV', () => {
  it.each([
    ['=HYPERLINK("http://evil")', 'HYPERLINK("http://evil")'],
    ['+441234', '441234'],
    ['-2+3', '2+3'],
    ['@SUM(A1)', 'SUM(A1)'],
    ['=+-@cmd', 'cmd'],
    ['\t=1+1', '1+1'],
    ['Riverside = best', 'Riverside = best'],
  ])('strips the formula start of %j', (input, expected) => {
    expect(csvCell(input)).toBe(expected);
  });

  it('keeps numbers, negative ones included, and quotes what RFC 4180 requires', () => {
    expect(
      toCsv(
        ['Clinic', 'Change'],
        [
          ['Oakwood, Ashford', -3],
          ['"Quoted"', 2.5],
        ],
      ),
    ).toBe('Clinic,Change\r\n"Oakwood, Ashford",-3\r\n"""Quoted""",2.5\r\n');
  });

  it('is served as an attachment with a byte-order mark and a safe file name', async () => {
    const response = csvResponse('dna rate "2026".csv', 'a,b\r\n');
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="dna-rate--2026-.csv"');
    expect(Buffer.from(await response.arrayBuffer()).subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
  });
});

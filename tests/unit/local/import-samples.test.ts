import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  firstBundleAppointmentDay,
  firstCsvAppointmentDay,
  importSampleBundle,
  importSampleCsv,
  shiftIsoDays,
} from '#local/import-samples.ts';

const stored = (name: string) =>
  readFileSync(new URL(`../../fixtures/import/${name}`, import.meta.url), 'utf8');

describe('shiftIsoDays', () => {
  it('moves dates and the date part of date-times, across a month and a year end, and nothing else', () => {
    const text = 'a,2026-12-30,10:00,999 000 1014,07700 900601\n"start": "2026-12-31T09:30:00+00:00"';

    const moved = shiftIsoDays(text, 2);

    expect(moved).toBe('a,2027-01-01,10:00,999 000 1014,07700 900601\n"start": "2027-01-02T09:30:00+00:00"');
  });

  it('moves back with a negative number of days, through 29 February', () => {
    expect(shiftIsoDays('2028-03-01', -1)).toBe('2028-02-29');
  });
});

describe('the import samples on the local runtime', () => {
  it('puts the CSV sample’s first appointment three local days after the clock, keeping every gap', () => {
    // Prepare: 23:30 UTC on 31 March 2027 is already 1 April in London (BST)
    const now = new Date('2027-03-31T23:30:00Z');

    // Act
    const csv = importSampleCsv(now);

    // Assess
    expect(firstCsvAppointmentDay(csv)).toBe('2027-04-04');
    expect(csv.split('\n').length).toBe(stored('sample.csv').split('\n').length);
    const gap = (a: string, b: string) => (Date.parse(a) - Date.parse(b)) / 864e5;
    const storedFirst = firstCsvAppointmentDay(stored('sample.csv'));
    const shift = gap('2027-04-04', storedFirst);
    expect(shift).toBeGreaterThan(0);
    // Every date in the file (births and due dates too) moved by the same number of days.
    const datesIn = (text: string) => [...text.matchAll(/\d{4}-\d{2}-\d{2}/g)].map((m) => m[0]);
    const pairs = datesIn(stored('sample.csv')).map((d, i) => [d, datesIn(csv)[i]!] as const);
    expect(pairs.length).toBeGreaterThan(10);
    for (const [was, moved] of pairs) expect(gap(moved, was)).toBe(shift);
  });

  it('puts the Bundle sample’s first appointment three local days after the clock', () => {
    const bundle = importSampleBundle(new Date('2026-11-30T15:00:00Z'));

    expect(firstBundleAppointmentDay(bundle)).toBe('2026-12-03');
    expect(JSON.parse(bundle)).toHaveProperty('resourceType', 'Bundle');
  });
});

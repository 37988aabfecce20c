import { describe, expect, it } from 'vitest';
import { formatDay, formatTime, localDay, localToUtc, toIso } from '#core/local-time.ts';

const LONDON = 'Europe/London';

describe('localDay', () => {
  it.each([
    { instant: '2026-12-03T23:30:00.000Z', expected: '2026-12-03' },
    // 23:30 UTC in summer is already the next day in London.
    { instant: '2026-07-14T23:30:00.000Z', expected: '2026-07-15' },
    { instant: new Date('2027-03-28T00:30:00.000Z'), expected: '2027-03-28' },
  ])('$instant is $expected in London', ({ instant, expected }) => {
    // Act
    const day = localDay(instant, LONDON);

    // Assess
    expect(day).toBe(expected);
  });

  it('refuses an instant with no offset, which would be read in an arbitrary zone', () => {
    // Act / Assess
    expect(() => localDay('2026-12-03T10:30:00', LONDON)).toThrow(/no UTC offset/);
  });
});

describe('formatDay', () => {
  it.each([
    { language: 'en', instant: '2026-12-03T10:00:00.000Z', expected: 'Thu 3 Dec' },
    // en, not en-GB: ICU writes "Sept" for en-GB, a character more in every text.
    { language: 'en', instant: '2026-09-30T13:30:00.000Z', expected: 'Wed 30 Sep' },
    { language: 'en', instant: '2026-07-14T23:30:00.000Z', expected: 'Wed 15 Jul' },
    { language: 'cy', instant: '2026-12-03T10:00:00.000Z', expected: 'Iau 3 Rhag' },
    { language: 'pl', instant: '2026-12-03T10:00:00.000Z', expected: 'czw. 3 gru' },
    { language: 'ro', instant: '2026-12-03T10:00:00.000Z', expected: 'joi 3 dec.' },
    { language: 'xx', instant: '2026-12-03T10:00:00.000Z', expected: 'Thu 3 Dec' },
    { language: 'not a language!', instant: '2026-12-03T10:00:00.000Z', expected: 'Thu 3 Dec' },
  ])('writes $instant as "$expected" in $language', ({ language, instant, expected }) => {
    // Act
    const text = formatDay(instant, LONDON, language);

    // Assess
    expect(text).toBe(expected);
  });
});

describe('formatTime', () => {
  it.each([
    { instant: '2026-07-15T13:30:00.000Z', expected: '14:30' },
    { instant: '2026-12-03T09:05:00.000Z', expected: '09:05' },
    { instant: '2026-12-03T00:00:00.000Z', expected: '00:00' },
    { instant: '2026-10-25T00:30:00.000Z', expected: '01:30' },
    { instant: '2026-10-25T01:30:00.000Z', expected: '01:30' },
  ])('writes $instant as $expected local time', ({ instant, expected }) => {
    // Act
    const text = formatTime(instant, LONDON);

    // Assess
    expect(text).toBe(expected);
  });
});

describe('localToUtc', () => {
  it.each([
    { day: '2026-12-03', time: '10:30', zone: LONDON, expected: '2026-12-03T10:30:00.000Z' },
    { day: '2026-07-15', time: '14:30', zone: LONDON, expected: '2026-07-15T13:30:00.000Z' },
    { day: '2026-07-15', time: '00:00', zone: LONDON, expected: '2026-07-14T23:00:00.000Z' },
    // 02:00 BST is the first wall time after the clocks go forward at 01:00 GMT.
    { day: '2027-03-28', time: '02:00', zone: LONDON, expected: '2027-03-28T01:00:00.000Z' },
    { day: '2027-03-28', time: '00:59', zone: LONDON, expected: '2027-03-28T00:59:00.000Z' },
    // 01:30 happens twice when the clocks go back; the first (BST) is meant.
    { day: '2026-10-25', time: '01:30', zone: LONDON, expected: '2026-10-25T00:30:00.000Z' },
    { day: '2026-10-25', time: '01:00', zone: LONDON, expected: '2026-10-25T00:00:00.000Z' },
    { day: '2026-10-25', time: '02:00', zone: LONDON, expected: '2026-10-25T02:00:00.000Z' },
    { day: '2026-11-01', time: '01:30', zone: 'America/New_York', expected: '2026-11-01T05:30:00.000Z' },
  ])('$day $time in $zone is $expected', ({ day, time, zone, expected }) => {
    // Act
    const utc = localToUtc(day, time, zone);

    // Assess
    expect(utc).toBe(expected);
  });

  it.each([
    { day: '2027-03-28', time: '01:00', zone: LONDON },
    { day: '2027-03-28', time: '01:59', zone: LONDON },
    { day: '2026-03-08', time: '02:30', zone: 'America/New_York' },
  ])('refuses $day $time in $zone, which the clocks skip, naming it', ({ day, time, zone }) => {
    // Act / Assess
    expect(() => localToUtc(day, time, zone)).toThrow(
      `Local time ${day} ${time} does not exist in ${zone}: the clocks go forward over it`,
    );
  });

  it.each([
    { day: '2026-02-30', time: '10:00', zone: LONDON, error: /Invalid local day "2026-02-30"/ },
    { day: '3/12/2026', time: '10:00', zone: LONDON, error: /Invalid local day/ },
    { day: '2026-12-03', time: '24:00', zone: LONDON, error: /Invalid local time "24:00"/ },
    { day: '2026-12-03', time: '9:30', zone: LONDON, error: /Invalid local time/ },
    { day: '2026-12-03', time: '09:30', zone: 'Mars/Olympus', error: /Invalid time zone "Mars\/Olympus"/ },
  ])('refuses malformed input $day $time $zone', ({ day, time, zone, error }) => {
    // Act / Assess
    expect(() => localToUtc(day, time, zone)).toThrow(error);
  });
});

describe('toIso', () => {
  it('writes a Date in the stored UTC form', () => {
    // Prepare
    const date = new Date(Date.UTC(2026, 11, 3, 10, 30));

    // Act
    const iso = toIso(date);

    // Assess
    expect(iso).toBe('2026-12-03T10:30:00.000Z');
  });

  it('refuses an invalid Date rather than writing "Invalid Date" into a record', () => {
    // Act / Assess
    expect(() => toIso(new Date('not a date'))).toThrow(/invalid Date/);
  });
});

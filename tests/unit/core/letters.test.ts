import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '#core/config/primitives.ts';
import {
  composeLetter,
  formatLetterTime,
  letterContextFrom,
  letterDataSchema,
  letterLanguages,
} from '#core/letters/letter.ts';
import {
  fillLetterText,
  LETTER_LANGUAGES,
  LETTER_PLACEHOLDERS,
  type LetterTexts,
  letterTextsFor,
} from '#core/letters/texts.ts';
import { A_PARENT_LINK, aLetter, lettersTrust } from '#tests/support/letters.ts';

const ALL_VARS = Object.fromEntries(LETTER_PLACEHOLDERS.map((p) => [p, `<${p}>`]));

/** Every string in a texts file, with where it is. */
function strings(value: unknown, path = ''): [string, string][] {
  if (typeof value === 'string') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => strings(v, `${path}[${i}]`));
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([k, v]) => strings(v, path ? `${path}.${k}` : k));
  }
  return [];
}

describe('letter texts', () => {
  it('exist for the same languages as the SMS templates', () => {
    expect([...LETTER_LANGUAGES].sort()).toEqual([...LANGUAGES].sort());
  });

  it.each(LETTER_LANGUAGES)('%s has every text, each filled without an unknown placeholder', (language) => {
    // Prepare
    const texts = letterTextsFor(language);
    const english = strings(letterTextsFor('en')).map(([path]) => path);

    // Act
    const mine = strings(texts);

    // Assess
    expect(texts.language).toBe(language);
    expect(mine.map(([path]) => path)).toEqual(english);
    for (const [path, text] of mine) {
      expect(text.trim(), path).not.toBe('');
      expect(() => fillLetterText(text, ALL_VARS), path).not.toThrow();
    }
  });

  it('refuse an unknown placeholder and a missing value: a letter with a hole in it must not go', () => {
    expect(() => fillLetterText('Hello {child}', ALL_VARS)).toThrow(/unknown placeholder \{child\}/);
    expect(() => fillLetterText('Hello {name}', {})).toThrow(/\{name\} has no value/);
  });

  it('fall back to English for a language without a file, and read "pl-PL" as Polish', () => {
    expect(letterTextsFor('ur').language).toBe('en');
    expect(letterTextsFor('pl-PL').language).toBe('pl');
  });
});

describe('letterLanguages', () => {
  it.each([
    { language: 'en', bilingual: false, expected: ['en'] },
    { language: 'cy', bilingual: false, expected: ['cy'] },
    { language: 'pl', bilingual: false, expected: ['pl'] },
    { language: 'en', bilingual: true, expected: ['cy', 'en'] },
    { language: 'cy', bilingual: true, expected: ['cy', 'en'] },
    { language: 'en-GB', bilingual: true, expected: ['cy', 'en'] },
    { language: 'pl', bilingual: true, expected: ['pl'] },
    { language: 'ro', bilingual: true, expected: ['ro'] },
    { language: 'ur', bilingual: false, expected: ['en'] },
    { language: 'ur', bilingual: true, expected: ['cy', 'en'] },
  ])('$language, bilingualWelsh $bilingual → $expected', ({ language, bilingual, expected }) => {
    expect(letterLanguages(language, bilingual)).toEqual(expected);
  });
});

describe('formatLetterTime', () => {
  it.each([
    { hour: 10, minute: 0, clock: '12h', expected: '10am' },
    { hour: 14, minute: 30, clock: '12h', expected: '2:30pm' },
    { hour: 12, minute: 0, clock: '12h', expected: 'midday' },
    { hour: 12, minute: 15, clock: '12h', expected: '12:15pm' },
    { hour: 9, minute: 5, clock: '12h', expected: '9:05am' },
    { hour: 9, minute: 5, clock: '24h', expected: '09:05' },
    { hour: 14, minute: 30, clock: '24h', expected: '14:30' },
  ] as const)('$hour:$minute ($clock) → $expected', ({ hour, minute, clock, expected }) => {
    expect(formatLetterTime(hour, minute, clock as LetterTexts['clock'])).toBe(expected);
  });
});

describe('composeLetter', () => {
  const context = letterContextFrom(lettersTrust());

  it('says what, when and where in plain words, and how to cancel or change by phone and online', () => {
    // Act
    const letter = composeLetter(context, aLetter());

    // Assess
    expect(letter.languages).toEqual(['en']);
    expect(letter.addressBlock).toEqual([
      'Parent or carer of Amelia Smith',
      'Flat 2',
      '14 Harbour Road',
      'Dover',
      'CT17 9BX',
    ]);
    expect(letter.returnAddressLabel).toBe('Return address');
    expect(letter.returnAddress).toEqual([
      'Health Visiting Service',
      "Riverside Children's Centre",
      '1 Quay Street',
      'Maidstone',
      'ME14 1XX',
    ]);
    expect(letter.contactItems).toEqual([
      { label: 'Phone', values: ['0300 123 4024'] },
      { label: 'Date', values: ['20 November 2026'] },
      { label: 'Reference', values: ['4821'] },
    ]);
    const [section] = letter.sections;
    expect(section).toMatchObject({
      heading: 'Appointment for Amelia Smith',
      details: [
        { label: 'What', value: '6-8 week baby review' },
        // 14:30 UTC on 3 December is 14:30 in London (GMT).
        { label: 'When', value: 'Thursday 3 December 2026 at 2:30pm' },
        { label: 'Where', value: 'Riverside Children’s Centre, 1 Quay Street, Maidstone' },
      ],
      changeByPhone: expect.stringContaining('Call us on 0300 123 4024.'),
      changeOnline: expect.stringContaining('scan the QR code'),
    });
    expect(letter.link).toBe(A_PARENT_LINK);
    expect(letter.pageOf(1, 2)).toBe('Page 1 of 2');
  });

  it('names the trust’s return address as such, and says where the appointment is when it is another clinic', () => {
    // Act: the return address is at Riverside; the appointment is at Oakwood
    const letter = composeLetter(
      context,
      aLetter({ appointment: { venue: 'Oakwood Health Centre', venueAddress: '12 Oakwood Road, Ashford' } }),
    );
    const bilingualLetter = composeLetter(
      letterContextFrom(lettersTrust({ bilingualWelsh: true })),
      aLetter({ appointment: { venue: 'Oakwood Health Centre', venueAddress: '12 Oakwood Road, Ashford' } }),
    );

    // Assess
    expect(letter.returnAddressLabel).toBe('Return address');
    expect(letter.returnAddress).toContain("Riverside Children's Centre");
    expect(letter.sections[0]?.details[2]).toEqual({
      label: 'Where',
      value: 'Oakwood Health Centre, 12 Oakwood Road, Ashford',
    });
    expect(JSON.stringify(letter.sections)).not.toMatch(/Riverside|Quay Street/);
    expect(bilingualLetter.returnAddressLabel).toBe('Cyfeiriad dychwelyd / Return address');
    expect(bilingualLetter.sections.map((s) => s.details[2])).toEqual([
      { label: 'Ble', value: 'Oakwood Health Centre, 12 Oakwood Road, Ashford' },
      { label: 'Where', value: 'Oakwood Health Centre, 12 Oakwood Road, Ashford' },
    ]);
  });

  it('writes the time in the trust’s time zone (British Summer Time)', () => {
    // Act
    const letter = composeLetter(context, aLetter({ appointment: { startsAt: '2026-06-04T09:00:00.000Z' } }));

    // Assess
    expect(letter.sections[0]?.details[1]?.value).toBe('Thursday 4 June 2026 at 10am');
  });

  it('reminds, rather than tells, in a reminder letter', () => {
    // Act
    const letter = composeLetter(context, aLetter({ kind: 'reminder' }));

    // Assess
    expect(letter.sections[0]?.heading).toBe('Reminder: appointment for Amelia Smith');
  });

  it('addresses an expectant parent by name', () => {
    // Act
    const letter = composeLetter(context, aLetter({ recipient: { name: 'Zofia Nowak', parentOf: false } }));

    // Assess
    expect(letter.addressBlock[0]).toBe('Zofia Nowak');
  });

  it('writes in the family’s language, with the type name from config in that language', () => {
    // Act
    const letter = composeLetter(context, aLetter({ language: 'pl' }));

    // Assess
    expect(letter.languages).toEqual(['pl']);
    expect(letter.addressBlock[0]).toBe('Rodzic lub opiekun: Amelia Smith');
    expect(letter.sections[0]?.details.map((d) => d.value).slice(0, 2)).toEqual([
      'Przegląd 6-8 tygodni',
      'Czwartek 3 grudnia 2026, godz. 14:30',
    ]);
    expect(letter.pageOf(2, 2)).toBe('Strona 2 z 2');
  });

  it('puts Welsh first and English after when the trust asks for Welsh alongside English', () => {
    // Act
    const letter = composeLetter(letterContextFrom(lettersTrust({ bilingualWelsh: true })), aLetter());

    // Assess
    expect(letter.languages).toEqual(['cy', 'en']);
    expect(letter.sections.map((s) => s.heading)).toEqual([
      'Apwyntiad i Amelia Smith',
      'Appointment for Amelia Smith',
    ]);
    expect(letter.sections[0]?.details[0]?.value).toBe('Adolygiad 6-8 wythnos');
    expect(letter.contactItems[1]).toEqual({
      label: 'Dyddiad / Date',
      values: ['20 Tachwedd 2026', '20 November 2026'],
    });
    expect(letter.pageOf(1, 1)).toBe('Tudalen 1 o 1 / Page 1 of 1');
  });

  it('says nothing about going online when the letter has no parent link', () => {
    // Act
    const letter = composeLetter(context, aLetter({ parentLink: undefined }));

    // Assess
    expect(letter.link).toBeUndefined();
    expect(letter.sections[0]?.changeOnline).toBeUndefined();
  });

  it('carries nothing the letter data does not name: no clinical detail can reach the page', () => {
    // Prepare: a caller that passes a whole client, flags and notes included.
    const input = {
      ...aLetter(),
      flags: { vulnerable: true, parentalMentalHealth: true },
      notes: 'SAFEGUARDING CONCERN',
    } as ReturnType<typeof aLetter>;

    // Act
    const letter = composeLetter(context, input);

    // Assess
    const everything = JSON.stringify(letter);
    expect(everything).not.toMatch(/safeguarding|mental|vulnerable/i);
    expect(letterDataSchema.parse(input)).not.toHaveProperty('notes');
  });

  it('refuses an appointment type the trust does not have', () => {
    expect(() => composeLetter(context, aLetter({ appointment: { typeId: 'no-such-type' } }))).toThrow(
      /Unknown appointment type "no-such-type"/,
    );
  });

  it('needs the trust’s return address', () => {
    expect(() => letterContextFrom(lettersTrust({ enabled: false, returnAddress: undefined }))).toThrow(
      /letters.returnAddress is not set/,
    );
  });
});

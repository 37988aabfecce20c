import { describe, expect, it } from 'vitest';
import { analyseSms } from '#core/sms-segments.ts';

const a = (n: number) => 'a'.repeat(n);

describe('analyseSms for GSM-7', () => {
  it.each([
    {
      name: 'empty text (counted as one segment, the cost of sending it)',
      text: '',
      units: 0,
      segments: 1,
      perSegment: 160,
    },
    { name: '1 character', text: a(1), units: 1, segments: 1, perSegment: 160 },
    { name: '160 characters, a full single segment', text: a(160), units: 160, segments: 1, perSegment: 160 },
    { name: '161 characters, concatenated', text: a(161), units: 161, segments: 2, perSegment: 153 },
    {
      name: '306 characters, two full concatenated segments',
      text: a(153 * 2),
      units: 306,
      segments: 2,
      perSegment: 153,
    },
    { name: '307 characters', text: a(153 * 2 + 1), units: 307, segments: 3, perSegment: 153 },
    {
      name: '€ filling a single segment to 160',
      text: `${a(158)}€`,
      units: 160,
      segments: 1,
      perSegment: 160,
    },
    {
      name: '€ pushing a single segment to 161',
      text: `${a(159)}€`,
      units: 161,
      segments: 2,
      perSegment: 153,
    },
    // The escape pair cannot straddle septets 153 and 154, so the first segment ends one short.
    {
      name: '€ at a concatenation boundary',
      text: `${a(152)}€${a(152)}`,
      units: 306,
      segments: 3,
      perSegment: 153,
    },
    {
      name: '€ just fitting a concatenated segment',
      text: `${a(151)}€${a(153)}`,
      units: 306,
      segments: 2,
      perSegment: 153,
    },
    { name: 'every extension character', text: '^{}\\[~]|€\f', units: 20, segments: 1, perSegment: 160 },
  ])('$name', ({ text, units, segments, perSegment }) => {
    // Act
    const result = analyseSms(text);

    // Assess
    expect(result).toEqual({ encoding: 'GSM-7', units, segments, perSegment, characters: [...text].length });
  });
});

describe('analyseSms for UCS-2', () => {
  it.each([
    { name: '70 units, a full single segment', text: `ŵ${a(69)}`, units: 70, segments: 1, perSegment: 70 },
    { name: '71 units, concatenated', text: `ŵ${a(70)}`, units: 71, segments: 2, perSegment: 67 },
    {
      name: '134 units, two full concatenated segments',
      text: `ŵ${a(133)}`,
      units: 134,
      segments: 2,
      perSegment: 67,
    },
    { name: '135 units', text: `ŵ${a(134)}`, units: 135, segments: 3, perSegment: 67 },
    {
      name: 'an emoji filling a single segment to 70 units',
      text: `${a(68)}😀`,
      units: 70,
      segments: 1,
      perSegment: 70,
    },
    // The surrogate pair cannot straddle units 67 and 68, so the first segment ends one short.
    {
      name: 'an emoji at a concatenation boundary',
      text: `${a(66)}😀${a(66)}`,
      units: 134,
      segments: 3,
      perSegment: 67,
    },
    {
      name: 'an emoji just fitting a concatenated segment',
      text: `${a(65)}😀${a(67)}`,
      units: 134,
      segments: 2,
      perSegment: 67,
    },
  ])('$name', ({ text, units, segments, perSegment }) => {
    // Act
    const result = analyseSms(text);

    // Assess
    expect(result).toEqual({ encoding: 'UCS-2', units, segments, perSegment, characters: [...text].length });
  });

  it('counts an emoji as one character but two units', () => {
    // Act
    const result = analyseSms('Hi 👶');

    // Assess
    expect(result).toMatchObject({ encoding: 'UCS-2', characters: 4, units: 5 });
  });
});

describe('analyseSms encoding choice', () => {
  it.each([
    { language: 'Welsh', text: 'Dŵr', encoding: 'UCS-2' },
    { language: 'Welsh', text: 'Dydd Gwener ŷd', encoding: 'UCS-2' },
    { language: 'Welsh without circumflexes', text: 'Atebwch CANSLO os na allwch ddod', encoding: 'GSM-7' },
    { language: 'Polish', text: 'wizyta się odbędzie', encoding: 'UCS-2' },
    { language: 'Polish', text: 'Łódź', encoding: 'UCS-2' },
    { language: 'Romanian', text: 'Răspundeți', encoding: 'UCS-2' },
    { language: 'Romanian', text: 'ș', encoding: 'UCS-2' },
    { language: 'English with a pound sign', text: 'Parking costs £2', encoding: 'GSM-7' },
    { language: 'French é (in the basic set)', text: 'Renée', encoding: 'GSM-7' },
    { language: 'upper-case Ç (in the basic set)', text: 'Çelik', encoding: 'GSM-7' },
    { language: 'lower-case ç (not in the basic set)', text: 'garçon', encoding: 'UCS-2' },
    { language: 'a curly apostrophe pasted from a word processor', text: 'can’t', encoding: 'UCS-2' },
    { language: 'Greek capitals from the basic set', text: 'ΔΦΓΛΩΠΨΣΘΞ', encoding: 'GSM-7' },
    { language: 'newlines', text: 'line one\nline two\r\n', encoding: 'GSM-7' },
    { language: 'a tab, which GSM-7 lacks', text: 'a\tb', encoding: 'UCS-2' },
  ])('$language: "$text" is $encoding', ({ text, encoding }) => {
    // Act
    const result = analyseSms(text);

    // Assess
    expect(result.encoding).toBe(encoding);
  });
});

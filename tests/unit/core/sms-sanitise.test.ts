import { describe, expect, it } from 'vitest';
import { pictographsIn, replaceLookalikes, sanitiseSmsValue } from '#core/sms-sanitise.ts';
import { isGsm7 } from '#core/sms-segments.ts';

describe('sanitiseSmsValue, as GOV.UK Notify sanitises SMS', () => {
  it.each([
    { what: 'a no-break space (U+00A0)', input: 'Anne\u00a0Marie', output: 'Anne Marie' },
    { what: 'a narrow no-break space (U+202F)', input: 'Anne\u202fMarie', output: 'Anne Marie' },
    { what: 'a thin space (U+2009)', input: 'St\u2009Mary', output: 'St Mary' },
    { what: 'a tab', input: 'Anne\tMarie', output: 'Anne Marie' },
    { what: 'a zero-width space (U+200B)', input: 'gov\u200b.uk', output: 'gov.uk' },
    { what: 'a zero-width non-joiner (U+200C)', input: 'Ann\u200ce', output: 'Anne' },
    { what: 'a zero-width joiner (U+200D)', input: 'Ann\u200de', output: 'Anne' },
    { what: 'a word joiner (U+2060)', input: 'Ann\u2060e', output: 'Anne' },
    { what: 'a byte-order mark (U+FEFF)', input: '\ufeffAnne', output: 'Anne' },
    { what: 'a soft hyphen (U+00AD)', input: 'Anne\u00adMarie', output: 'AnneMarie' },
    { what: 'a Mongolian vowel separator (U+180E)', input: 'Ann\u180ee', output: 'Anne' },
    { what: 'a line separator (U+2028)', input: 'Anne\u2028', output: 'Anne' },
    { what: 'a non-breaking hyphen (U+2011)', input: 'Anne\u2011Marie', output: 'Anne-Marie' },
    { what: 'a hyphen (U+2010)', input: 'Anne\u2010Marie', output: 'Anne-Marie' },
    { what: 'an en dash (U+2013)', input: '6\u20138 weeks', output: '6-8 weeks' },
    { what: 'an em dash (U+2014)', input: 'Hall\u2014Maidstone', output: 'Hall-Maidstone' },
    { what: 'a minus sign (U+2212)', input: 'A\u2212B', output: 'A-B' },
    { what: 'a modifier-letter apostrophe (U+02BC)', input: 'O\u02bcBrien', output: "O'Brien" },
    { what: 'a right single quote (U+2019)', input: 'St Mary\u2019s', output: "St Mary's" },
    { what: 'a left single quote (U+2018)', input: '\u2018Nia\u2019', output: "'Nia'" },
    { what: 'a low single quote (U+201A)', input: '\u201aNia', output: "'Nia" },
    { what: 'a prime (U+2032)', input: 'O\u2032Neil', output: "O'Neil" },
    { what: 'a backtick', input: 'O`Neil', output: "O'Neil" },
    { what: 'an acute accent on its own (U+00B4)', input: 'O\u00b4Neil', output: "O'Neil" },
    { what: 'curly double quotes (U+201C U+201D)', input: '\u201cThe Hub\u201d', output: '"The Hub"' },
    { what: 'low double quote (U+201E)', input: '\u201eThe Hub\u201d', output: '"The Hub"' },
    { what: 'an ellipsis (U+2026)', input: 'Wait\u2026', output: 'Wait...' },
  ])('replaces $what', ({ input, output }) => {
    // Act
    const sanitised = sanitiseSmsValue(input, 'en');

    // Assess
    expect(sanitised).toBe(output);
    expect(isGsm7(sanitised)).toBe(true);
  });

  it.each([
    { input: 'Zoë', output: 'Zoe' },
    { input: 'Renée', output: 'Renée' },
    { input: 'Chloé', output: 'Chloé' },
    { input: 'François', output: 'Francois' },
    { input: 'Siân', output: 'Sian' },
    { input: 'Gwenllïan', output: 'Gwenllian' },
    { input: 'Dafydd Ŵyn', output: 'Dafydd Wyn' },
    { input: 'Łucja Wójcik', output: 'Lucja Wojcik' },
    { input: 'Zbigniew Kuźniak', output: 'Zbigniew Kuzniak' },
    { input: 'Ștefan Țurcanu', output: 'Stefan Turcanu' },
    { input: 'Ana Bălan', output: 'Ana Balan' },
    { input: 'Ayşe Çelik', output: 'Ayse Çelik' },
    { input: 'Đorđe', output: 'Dorde' },
    { input: 'Chloë-Œlise', output: 'Chloe-OElise' },
  ])(
    'writes "$input" in an English text as "$output": accents outside GSM-7 become their base letter',
    ({ input, output }) => {
      // Act
      const sanitised = sanitiseSmsValue(input, 'en');

      // Assess
      expect(sanitised).toBe(output);
      expect(isGsm7(sanitised)).toBe(true);
    },
  );

  it.each([
    {
      language: 'cy',
      input: 'Siân Ŵyn ap Gwŷs, Llanfair-ym-Muallt',
      output: 'Siân Ŵyn ap Gwŷs, Llanfair-ym-Muallt',
    },
    { language: 'cy', input: 'Gwenllïan', output: 'Gwenllïan' },
    { language: 'pl', input: 'Łucja Wójcik', output: 'Łucja Wójcik' },
    { language: 'ro', input: 'Ștefan Bălan', output: 'Ștefan Bălan' },
    // A language keeps its own letters only: others still become their base letter.
    { language: 'cy', input: 'Łucja', output: 'Lucja' },
    { language: 'pl', input: 'François', output: 'Francois' },
  ])('keeps the letters of the text’s own language: "$input" in $language', ({ language, input, output }) => {
    // Act / Assess
    expect(sanitiseSmsValue(input, language)).toBe(output);
  });

  it('keeps a regional tag’s letters too (cy-GB is Welsh)', () => {
    // Act / Assess
    expect(sanitiseSmsValue('Siân', 'cy-GB')).toBe('Siân');
  });

  it.each([
    { what: 'a face', input: 'Amelia 😊', output: 'Amelia ' },
    { what: 'a heart with its variation selector', input: 'Ava ❤️', output: 'Ava ' },
    { what: 'a skin-toned wave', input: 'Hi 👋🏽', output: 'Hi ' },
    { what: 'a family joined with zero-width joiners', input: 'Fam 👨‍👩‍👧', output: 'Fam ' },
    { what: 'a flag', input: 'Team 🇬🇧', output: 'Team ' },
  ])('removes $what: a pictograph never reaches a text', ({ input, output }) => {
    // Act / Assess
    expect(sanitiseSmsValue(input, 'en')).toBe(output);
  });

  it('leaves letters it cannot reduce (another script) for the cost to show', () => {
    // Act / Assess
    expect(sanitiseSmsValue('Дарья', 'en')).toBe('Дарья');
  });

  it('leaves GSM-7 text exactly as it was, line breaks and € included', () => {
    // Prepare
    const text =
      "Amelia's review: 1 Quay St.\nCost €0 (£0) @ 10:30 - ref [4821] {ok} ~ ^ | \\ ÄÖÜäöüàèìòùÉéÇØøÅåÆæßÑñ";

    // Act / Assess
    expect(sanitiseSmsValue(text, 'en')).toBe(text);
  });

  it('is idempotent', () => {
    // Prepare
    const once = sanitiseSmsValue('O\u02bcBrien\u00a0\u2013 Ŵyn… 😊', 'en');

    // Act / Assess
    expect(sanitiseSmsValue(once, 'en')).toBe(once);
  });
});

describe('replaceLookalikes (gsmFriendly)', () => {
  it('straightens look-alikes but leaves every letter for the language-aware step', () => {
    // Act / Assess
    expect(replaceLookalikes('Siân\u00a0O\u2019Brien\u2011Ŵyn')).toBe("Siân O'Brien-Ŵyn");
  });
});

describe('pictographsIn', () => {
  it.each([
    { input: 'Amelia', found: [] },
    { input: 'Amelia 😊', found: ['😊'] },
    { input: 'Ava ❤️ and 👋🏽', found: ['❤️', '👋🏽'] },
    { input: 'St Mary’s – Hall', found: [] },
  ])('finds $found in "$input"', ({ input, found }) => {
    // Act / Assess
    expect(pictographsIn(input)).toEqual(found);
  });
});

import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '#core/config/primitives.ts';
import { TEMPLATE_KEYS, TEMPLATE_PLACEHOLDERS } from '#core/config/templates.ts';
import { composeLetter, letterContextFrom } from '#core/letters/letter.ts';
import { nhsNumberInput, parseNhsNumber } from '#core/nhs-number.ts';
import { bookingText } from '#services/texts.ts';
import { aClient, aTrustConfig } from '#tests/support/builders-waitlist.ts';
import { aLetter, lettersTrust } from '#tests/support/letters.ts';

// 943 476 5919 is the NHS Data Dictionary's worked example; 999 numbers are NHS test numbers.
const NHS = '9434765919';

describe('parseNhsNumber', () => {
  it.each([
    ['9434765919', '9434765919'],
    ['943 476 5919', '9434765919'],
    [' 943 476 5919 ', '9434765919'],
    ['9990001014', '9990001014'],
    // Remainder 0: the check digit is 0, not 11.
    ['4010232137', '4010232137'],
  ])('accepts %s as %s', (value, stored) => {
    // Act / Assess
    expect(parseNhsNumber(value)).toEqual({ ok: true, nhsNumber: stored });
  });

  it.each([
    { value: '9434765918', why: 'a wrong check digit', message: /check digit does not match/ },
    {
      value: '9990001001',
      why: 'a wrong check digit in the test range',
      message: /check digit does not match/,
    },
    // The first nine digits give a remainder of 1, so no check digit is possible.
    { value: '1000000010', why: 'nine digits with no possible check digit', message: /check digit/ },
    { value: '943476591', why: 'nine digits', message: /10 digits/ },
    { value: '94347659190', why: 'eleven digits', message: /10 digits/ },
    { value: '943-476-5919', why: 'dashes', message: /10 digits/ },
    { value: 'NHS9434765', why: 'letters', message: /10 digits/ },
  ])('refuses $why', ({ value, message }) => {
    // Act
    const result = parseNhsNumber(value);

    // Assess
    expect(result).toMatchObject({ ok: false, message: expect.stringMatching(message) });
    // An error message never repeats the number.
    expect(JSON.stringify(result)).not.toContain(value.replace(/\D/g, '').slice(0, 6));
  });

  it('is what the API reads: 10 digits out, the message in, never the number', () => {
    // Act / Assess
    expect(nhsNumberInput.parse('943 476 5919')).toBe(NHS);
    expect(nhsNumberInput.safeParse('943 476 5918').error?.issues[0]?.message).toMatch(/check digit/);
  });
});

describe('an NHS number never appears in a text or a letter', () => {
  const config = aTrustConfig();
  const client = aClient({ nhsNumber: NHS, firstName: 'Amelia' });
  const written = [NHS, '943 476 5919', '943476'];

  it('no template can name it: there is no placeholder for it', () => {
    // Act / Assess
    expect(TEMPLATE_PLACEHOLDERS.join(' ')).not.toMatch(/nhs/i);
  });

  it.each(LANGUAGES.flatMap((language) => TEMPLATE_KEYS.map((key) => ({ language, key }))))(
    'renders $key in $language for a client with an NHS number without it',
    ({ language, key }) => {
      // Act
      const text = bookingText(
        { config },
        key,
        {
          booking: { type: 'six-to-eight-week-review', startsAt: '2026-12-03T14:00:00.000Z', ref: '4821' },
          client: { ...client, language },
          clinic: { venue: 'Riverside Centre' },
        },
        { choices: '1) Tue 3 Dec 14:00', holdMinutes: '30' },
      );

      // Assess
      expect(client.nhsNumber).toBe(NHS);
      for (const form of written) expect(text.body).not.toContain(form);
    },
  );

  it('composes a letter from data that carries one without it', () => {
    // Prepare: a caller that hands the letter the whole client record by mistake
    const data = aLetter();
    const careless = { ...data, nhsNumber: NHS, recipient: { ...data.recipient, nhsNumber: NHS } };

    // Act
    const letter = composeLetter(letterContextFrom(lettersTrust()), careless);

    // Assess
    for (const form of written) expect(JSON.stringify(letter)).not.toContain(form);
  });
});

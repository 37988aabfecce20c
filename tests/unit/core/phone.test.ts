import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { maskPhone, normaliseMobile } from '#core/phone.ts';

const UK_ONLY = ['GB'];

describe('normaliseMobile accepts UK mobiles as people write them', () => {
  it.each([
    { input: '07700 900123' },
    { input: '07700900123' },
    { input: '+44 7700 900123' },
    { input: '+447700900123' },
    { input: '0044 7700 900123' },
    { input: '(07700) 900-123' },
    { input: '  07700 900123  ' },
    { input: '+44 (0) 7700 900123' },
    { input: '447700900123' },
  ])('"$input" → +447700900123', ({ input }) => {
    // Act
    const result = normaliseMobile(input, UK_ONLY);

    // Assess
    expect(result).toEqual({ ok: true, e164: '+447700900123', country: 'GB' });
  });

  it.each([
    { input: '07700 900000', e164: '+447700900000' },
    { input: '07700 900999', e164: '+447700900999' },
    { input: '07400 123456', e164: '+447400123456' },
    { input: '07911 234567', e164: '+447911234567' },
  ])('"$input" → $e164', ({ input, e164 }) => {
    // Act
    const result = normaliseMobile(input, UK_ONLY);

    // Assess
    expect(result).toEqual({ ok: true, e164, country: 'GB' });
  });

  it('needs its own rule for the Ofcom drama range, which libphonenumber-js/max calls invalid', () => {
    // Prepare: if this starts failing, the library has learnt the range and OFCOM_DRAMA_MOBILE can go.
    const parsed = parsePhoneNumberFromString('07700 900123', 'GB');

    // Act
    const verdict = { valid: parsed?.isValid(), type: parsed?.getType() };

    // Assess
    expect(verdict).toEqual({ valid: false, type: undefined });
  });
});

describe('normaliseMobile accepts mobiles from other allowed countries', () => {
  it.each([
    {
      input: '+48 512 345 678',
      allowed: ['GB', 'PL'],
      defaultCountry: 'GB',
      e164: '+48512345678',
      country: 'PL',
    },
    {
      input: '0048 512 345 678',
      allowed: ['GB', 'PL'],
      defaultCountry: 'GB',
      e164: '+48512345678',
      country: 'PL',
    },
    { input: '512 345 678', allowed: ['PL'], defaultCountry: 'PL', e164: '+48512345678', country: 'PL' },
    {
      input: '07700 800123',
      allowed: ['GB', 'JE'],
      defaultCountry: 'GB',
      e164: '+447700800123',
      country: 'JE',
    },
  ])('"$input" with $allowed → $e164', ({ input, allowed, defaultCountry, e164, country }) => {
    // Act
    const result = normaliseMobile(input, allowed, defaultCountry);

    // Assess
    expect(result).toEqual({ ok: true, e164, country });
  });
});

describe('normaliseMobile reads numbers as GOV.UK Notify does (issue 9, item 9)', () => {
  it.each([
    { what: 'zero-width spaces round it', input: '\u200b07700 900123\u200b' },
    { what: 'a zero-width space inside', input: '07700\u200b900123' },
    { what: 'a byte-order mark', input: '\ufeff07700900123' },
    { what: 'a tab', input: '07700\t900123' },
    { what: 'a line break after it', input: '07700 900123\n' },
    { what: 'a Windows line break after it', input: '07700 900123\r\n' },
    { what: 'a word joiner', input: '07700\u2060900123' },
    { what: 'no-break spaces', input: '07700\u00a0900\u202f123' },
    { what: 'a non-breaking hyphen (U+2011)', input: '07700\u2011900\u2011123' },
    { what: 'an en dash (U+2013)', input: '07700\u2013900123' },
    { what: 'an em dash (U+2014)', input: '07700\u2014900123' },
    { what: 'a minus sign (U+2212)', input: '07700\u2212900123' },
  ])('accepts a mobile with $what', ({ input }) => {
    // Act
    const result = normaliseMobile(input, UK_ONLY);

    // Assess
    expect(result).toEqual({ ok: true, e164: '+447700900123', country: 'GB' });
  });

  it.each([
    { input: '07723/456/789', has: '“/”' },
    { input: '07723 456789...', has: '“.”' },
    { input: '07700.900.123', has: '“.”' },
    { input: '07700 900123 ext 4', has: 'letters' },
    { input: 'call mum', has: 'letters' },
    { input: '07700 900123 (mum)', has: 'letters' },
    { input: '07700#900123', has: '“#”' },
    { input: '07700_900/123', has: '“_” and “/”' },
  ])('refuses "$input", naming what is wrong with it', ({ input, has }) => {
    // Act
    const result = normaliseMobile(input, UK_ONLY);

    // Assess
    expect(result).toEqual({
      ok: false,
      reason: `This is not a phone number: it has ${has}. Use only digits, spaces, +, brackets and dashes.`,
    });
  });

  it.each([
    {
      input: '1-202-555-0104',
      reason:
        'This is a number from the United States; texts can only go to mobiles from the United Kingdom.',
    },
    {
      input: '+1 202 555 0104',
      reason:
        'This is a number from the United States; texts can only go to mobiles from the United Kingdom.',
    },
    {
      input: '+3312345678',
      reason: 'This is a number from France; texts can only go to mobiles from the United Kingdom.',
    },
    {
      input: '0033 6 12 34 56 78',
      reason: 'This is a number from France; texts can only go to mobiles from the United Kingdom.',
    },
    {
      input: '+48 512 345',
      reason: 'This is a number from Poland; texts can only go to mobiles from the United Kingdom.',
    },
    {
      input: '0772345678',
      reason: 'This number is too short for a mobile number from the United Kingdom (07xxx xxxxxx).',
    },
    {
      input: '+44 7723 45678',
      reason: 'This number is too short for a mobile number from the United Kingdom (07xxx xxxxxx).',
    },
    {
      input: '077234567890',
      reason: 'This number is too long for a mobile number from the United Kingdom (07xxx xxxxxx).',
    },
    {
      input: '0044 7723 4567890',
      reason: 'This number is too long for a mobile number from the United Kingdom (07xxx xxxxxx).',
    },
    {
      input: '12',
      reason: 'This number is too short for a mobile number from the United Kingdom (07xxx xxxxxx).',
    },
    {
      input: '0161 496 0000',
      reason: 'This is a landline; texts need a mobile number.',
    },
    {
      input: '+999 1234567',
      reason: 'This is not a phone number in any country: +999 is not an international dialling code.',
    },
  ])('says what is actually wrong with "$input"', ({ input, reason }) => {
    // Act
    const result = normaliseMobile(input, UK_ONLY);

    // Assess
    expect(result).toEqual({ ok: false, reason });
  });

  it('names the country of a short number too, when it is a country the trust texts', () => {
    // Act
    const result = normaliseMobile('+48 512 345', ['GB', 'PL']);

    // Assess
    expect(result).toEqual({
      ok: false,
      reason: 'This number is too short for a mobile number from Poland (5xx xxx xxx).',
    });
  });
});

describe('normaliseMobile refuses, saying why', () => {
  it.each([
    { input: '01622 123456', allowed: UK_ONLY, reason: 'This is a landline; texts need a mobile number.' },
    { input: '020 7946 0000', allowed: UK_ONLY, reason: 'This is a landline; texts need a mobile number.' },
    {
      input: '0800 123 4567',
      allowed: UK_ONLY,
      reason: 'This is a freephone number; texts need a mobile number.',
    },
    {
      input: '0300 123 4024',
      allowed: UK_ONLY,
      reason: 'This is a non-geographic (03) number; texts need a mobile number.',
    },
    {
      input: '070 1234 5678',
      allowed: UK_ONLY,
      reason: 'This is a personal (070) number; texts need a mobile number.',
    },
    {
      input: '+33 6 12 34 56 78',
      allowed: UK_ONLY,
      reason: 'This is a number from France; texts can only go to mobiles from the United Kingdom.',
    },
    {
      input: '+353 85 123 4567',
      allowed: ['GB', 'PL'],
      reason:
        'This is a number from Ireland; texts can only go to mobiles from the United Kingdom or Poland.',
    },
    {
      input: '07781 123456',
      allowed: UK_ONLY,
      reason: 'This is a number from Guernsey; texts can only go to mobiles from the United Kingdom.',
    },
    {
      input: '07624 123456',
      allowed: UK_ONLY,
      reason: 'This is a number from the Isle of Man; texts can only go to mobiles from the United Kingdom.',
    },
    {
      input: '07700 900123',
      allowed: ['PL'],
      reason: 'This is a number from the United Kingdom; texts can only go to mobiles from Poland.',
    },
    { input: '', allowed: UK_ONLY, reason: 'No phone number was given.' },
    { input: '   ', allowed: UK_ONLY, reason: 'No phone number was given.' },
    {
      input: '07700 9001234',
      allowed: UK_ONLY,
      reason: 'This number is too long for a mobile number from the United Kingdom (07xxx xxxxxx).',
    },
    {
      input: '0770090012',
      allowed: UK_ONLY,
      reason: 'This number is too short for a mobile number from the United Kingdom (07xxx xxxxxx).',
    },
    {
      input: '06123 456789',
      allowed: UK_ONLY,
      reason: 'This is not a valid phone number: please check the digits.',
    },
  ])('"$input" with $allowed', ({ input, allowed, reason }) => {
    // Act
    const result = normaliseMobile(input, allowed);

    // Assess
    expect(result).toEqual({ ok: false, reason });
  });
});

describe('maskPhone', () => {
  it.each([
    { e164: '+447700900123', expected: '+44******123' },
    { e164: '+48512345678', expected: '+48******678' },
    { e164: '+14155552671', expected: '+1******671' },
    { e164: '+353851234567', expected: '+353******567' },
    { e164: '', expected: '******' },
  ])('$e164 → $expected', ({ e164, expected }) => {
    // Act
    const masked = maskPhone(e164);

    // Assess
    expect(masked).toBe(expected);
  });
});

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
    { input: '07700.900.123' },
    { input: '  07700 900123  ' },
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
    { input: '12', allowed: UK_ONLY, reason: 'This number is too short (2 digits) to be a mobile number.' },
    { input: '07700 9001234', allowed: UK_ONLY, reason: 'This number is too long to be a phone number.' },
    {
      input: '0770090012',
      allowed: UK_ONLY,
      reason: 'This is not a valid phone number: please check the digits.',
    },
    {
      input: 'call mum',
      allowed: UK_ONLY,
      reason: 'This is not a phone number: only digits, spaces, +, brackets and dashes are allowed.',
    },
    {
      input: '07700 900123 (mum)',
      allowed: UK_ONLY,
      reason: 'This is not a phone number: only digits, spaces, +, brackets and dashes are allowed.',
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

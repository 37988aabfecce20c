import { describe, expect, it } from 'vitest';
import {
  addressLines,
  normalisePostcode,
  postalAddressFromParts,
  postalAddressSchema,
} from '#core/postal-address.ts';

describe('normalisePostcode writes UK postcodes the Royal Mail way', () => {
  it.each([
    { input: 'sw1a1aa', postcode: 'SW1A 1AA' },
    { input: 'SW1A 1AA', postcode: 'SW1A 1AA' },
    { input: '  cf10   1ep ', postcode: 'CF10 1EP' },
    { input: 'ct17 9bx', postcode: 'CT17 9BX' },
    { input: 'M1 1AE', postcode: 'M1 1AE' },
    { input: 'b338th', postcode: 'B33 8TH' },
    // The library corrects misreadings it can tell by position: a letter I where a one must be.
    { input: 'CF10 IEP', postcode: 'CF10 1EP' },
    { input: 'SWIA 1AA', postcode: 'SW1A 1AA' },
  ])('"$input" → $postcode', ({ input, postcode }) => {
    // Act
    const result = normalisePostcode(input);

    // Assess
    expect(result).toEqual({ ok: true, postcode });
  });

  it.each([
    { input: '', reason: 'No postcode was given.' },
    { input: '   ', reason: 'No postcode was given.' },
    { input: '12345', reason: '"12345" is not a UK postcode; it should look like "CF10 1EP".' },
    { input: 'CF10', reason: '"CF10" is not a UK postcode; it should look like "CF10 1EP".' },
    { input: 'Flat 2', reason: '"Flat 2" is not a UK postcode; it should look like "CF10 1EP".' },
  ])('refuses "$input"', ({ input, reason }) => {
    // Act
    const result = normalisePostcode(input);

    // Assess
    expect(result).toEqual({ ok: false, reason });
  });

  it.each(['ZZ99 3VZ', 'zz993wz'])(
    'refuses the NHS pseudo-postcode %s: nothing posted there arrives',
    (input) => {
      // Act
      const result = normalisePostcode(input);

      // Assess
      expect(result).toMatchObject({ ok: false, reason: expect.stringContaining('NHS pseudo-postcode') });
    },
  );
});

describe('postalAddressSchema', () => {
  it('tidies lines, drops blank ones and normalises the postcode', () => {
    // Act
    const address = postalAddressSchema.parse({
      lines: ['  Flat 2 ', '', '14   Harbour Road,'],
      town: ' Dover ',
      postcode: 'ct17 9bx',
    });

    // Assess
    expect(address).toEqual({ lines: ['Flat 2', '14 Harbour Road'], town: 'Dover', postcode: 'CT17 9BX' });
    expect(addressLines(address)).toEqual(['Flat 2', '14 Harbour Road', 'Dover', 'CT17 9BX']);
  });

  it.each([
    { name: 'no lines', input: { lines: [' '], town: 'Dover', postcode: 'CT17 9BX' }, path: 'lines' },
    {
      name: 'four lines',
      input: { lines: ['a', 'b', 'c', 'd'], town: 'Dover', postcode: 'CT17 9BX' },
      path: 'lines',
    },
    {
      name: 'a line too long to fit the window',
      input: { lines: ['x'.repeat(51)], town: 'Dover', postcode: 'CT17 9BX' },
      path: 'lines.0',
    },
    {
      name: 'a line that reads as a formula',
      input: { lines: ['=HYPERLINK("x")'], town: 'Dover', postcode: 'CT17 9BX' },
      path: 'lines.0',
    },
    { name: 'no town', input: { lines: ['1 High Street'], town: ' ', postcode: 'CT17 9BX' }, path: 'town' },
    {
      name: 'a bad postcode',
      input: { lines: ['1 High Street'], town: 'Dover', postcode: 'CT17' },
      path: 'postcode',
    },
  ])('refuses $name, naming the field', ({ input, path }) => {
    // Act
    const result = postalAddressSchema.safeParse(input);

    // Assess
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).toContain(path);
  });
});

describe('postalAddressFromParts reads the separate columns of an import or a form', () => {
  it('joins the lines that are there', () => {
    // Act
    const result = postalAddressFromParts({
      line1: '14 Harbour Road',
      line3: '',
      town: 'Dover',
      postcode: 'ct179bx',
    });

    // Assess
    expect(result?.success && result.data).toEqual({
      lines: ['14 Harbour Road'],
      town: 'Dover',
      postcode: 'CT17 9BX',
    });
  });

  it('means "no address" when every part is blank', () => {
    // Act
    const result = postalAddressFromParts({ line1: ' ', town: '', postcode: undefined });

    // Assess
    expect(result).toBeUndefined();
  });

  it('is an error when some parts are there but not enough', () => {
    // Act
    const result = postalAddressFromParts({ line1: '14 Harbour Road' });

    // Assess
    expect(result?.success).toBe(false);
    expect(result?.error?.issues.map((i) => i.path.join('.'))).toEqual(['town', 'postcode']);
  });
});

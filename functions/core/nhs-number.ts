/**
 * The NHS number: 10 digits, the last a modulus 11 check digit (NHS Data Dictionary). Staff and EPR
 * exports write it in groups of 3, 3 and 4 ("943 476 5919"); Attend stores the 10 digits.
 *
 * It identifies a person across the NHS, so it is personal data of the most searchable kind: it is
 * never put in a text, a letter or a log line, and an error message never repeats it.
 */
import * as z from '#core/zod.ts';

export type NhsNumberResult = { ok: true; nhsNumber: string } | { ok: false; message: string };

/** The check digit of the first nine digits, or undefined when they have none (remainder 1 gives 10). */
function checkDigit(nine: string): number | undefined {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nine[i]) * (10 - i);
  const check = 11 - (sum % 11);
  if (check === 11) return 0;
  return check === 10 ? undefined : check;
}

export function parseNhsNumber(value: string): NhsNumberResult {
  const digits = value.trim().replace(/ +/g, '');
  if (!/^\d{10}$/.test(digits)) {
    return { ok: false, message: 'expected an NHS number: 10 digits (spaces between groups are fine)' };
  }
  if (checkDigit(digits.slice(0, 9)) !== Number(digits[9])) {
    return { ok: false, message: 'is not a valid NHS number: its check digit does not match' };
  }
  return { ok: true, nhsNumber: digits };
}

/** The zod form of parseNhsNumber, for API bodies and query strings: gives the 10 digits. */
export const nhsNumberInput = z
  .pipe(
    z.string(),
    z.transform((value, ctx) => {
      const result = parseNhsNumber(value);
      if (result.ok) return result.nhsNumber;
      z.addIssue(ctx, { message: result.message });
      return z.NEVER;
    }),
  )
  .register(z.globalRegistry, {
    description: 'NHS number: 10 digits with a modulus 11 check digit; spaces allowed',
    examples: ['943 476 5919'],
  });

/** As stored on a client. */
export const storedNhsNumber = z.string().check(z.regex(/^\d{10}$/));

/** The FHIR identifier system of the NHS number. */
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';

/** Small value schemas that more than one section of the trust config uses. */
import * as z from '#core/zod.ts';

export const hhmm = z
  .string()
  .check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a 24-hour local time as HH:MM, e.g. "09:30"'));

export const e164 = z
  .string()
  .check(z.regex(/^\+[1-9]\d{7,14}$/, 'expected an E.164 phone number, e.g. "+447700900123"'));

export const countryCode = z
  .string()
  .check(z.regex(/^[A-Z]{2}$/, 'expected an ISO 3166 alpha-2 country code such as "GB"'));

export const LANGUAGES = ['en', 'cy', 'pl', 'ro', 'ne'] as const;
export const languageSchema = z
  .string()
  .check(z.regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'expected a language code such as "en", "cy", "pl" or "ro"'));
export type Language = z.infer<typeof languageSchema>;

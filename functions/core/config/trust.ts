/** Who the trust is and where and when it texts: the top-level settings of the trust config. */
import * as z from '#core/zod.ts';
import { hhmm, languageSchema } from './primitives.ts';

export const trustSettings = {
  trustId: z
    .string()
    .check(
      z.regex(
        /^[a-z][a-z0-9-]{1,30}$/,
        'expected lower-case letters, digits and dashes, starting with a letter',
      ),
    ),
  trustName: z.string().check(z.minLength(3), z.maxLength(120)),
  /** The short name used in texts, e.g. "KCHFT". */
  shortName: z.string().check(z.minLength(2), z.maxLength(20)),
  region: z.string().check(z.regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region such as "eu-west-2"')),
  account: z.optional(z.string().check(z.regex(/^\d{12}$/, 'expected a 12-digit AWS account id'))),
  timeZone: z.string().check(
    z.refine(
      (tz) => {
        try {
          new Intl.DateTimeFormat('en-GB', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      },
      { message: 'expected an IANA time zone such as "Europe/London"' },
    ),
  ),
  quietHours: z.object({ start: hhmm, end: hhmm }),
  defaultLanguage: z._default(languageSchema, 'en'),
  /** ISO 3166 alpha-2 countries whose mobile numbers may be texted. */
  allowedCountries: z._default(z.array(z.string().check(z.regex(/^[A-Z]{2}$/))).check(z.minLength(1)), [
    'GB',
  ]),
  servicePhone: z.string().check(z.minLength(5), z.maxLength(20)),
};

/** Who the trust is and where and when it texts: the top-level settings of the trust config. */
import * as z from 'zod';
import { hhmm, languageSchema } from './primitives.ts';

export const trustSettings = {
  trustId: z
    .string()
    .regex(
      /^[a-z][a-z0-9-]{1,30}$/,
      'expected lower-case letters, digits and dashes, starting with a letter',
    ),
  trustName: z.string().min(3).max(120),
  /** The short name used in texts, e.g. "KCHFT". */
  shortName: z.string().min(2).max(20),
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region such as "eu-west-2"'),
  account: z
    .string()
    .regex(/^\d{12}$/, 'expected a 12-digit AWS account id')
    .optional(),
  timeZone: z.string().refine(
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
  quietHours: z.object({ start: hhmm, end: hhmm }),
  defaultLanguage: languageSchema.default('en'),
  /** ISO 3166 alpha-2 countries whose mobile numbers may be texted. */
  allowedCountries: z
    .array(z.string().regex(/^[A-Z]{2}$/))
    .min(1)
    .default(['GB']),
  servicePhone: z.string().min(5).max(20),
};

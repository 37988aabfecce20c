/**
 * A family's postal address, as letters need it: up to three lines, a town and a UK postcode. The
 * postcode is checked and written the Royal Mail way (upper case, one space) by the `postcode` library;
 * the lines are tidied but otherwise kept as staff or the EPR wrote them.
 */
import { fix, isValid, toNormalised } from 'postcode';
import * as z from '#core/zod.ts';

/** At most three lines before the town: with the addressee, town and postcode that is six lines, within GOV.UK Notify's seven. */
export const MAX_ADDRESS_LINES = 3;
/** Longer lines would not fit the 95.4 mm address window at a readable size. */
export const MAX_ADDRESS_LINE_LENGTH = 50;

export type PostcodeResult = { ok: true; postcode: string } | { ok: false; reason: string };

// NHS "pseudo-postcodes" (ZZ99 3VZ no fixed abode, ZZ99 3WZ address not known, ZZ99 …) are valid in
// form, so the library accepts them, but nothing posted to one can arrive.
const NHS_PSEUDO_POSTCODE = /^ZZ99 /;

/**
 * A UK postcode written the Royal Mail way ("sw1a1aa" → "SW1A 1AA"), or the reason in words staff can
 * act on. Common misreadings the library can correct by position (O for 0, I for 1) are corrected.
 */
export function normalisePostcode(input: string): PostcodeResult {
  const text = input.trim().replace(/\s+/g, ' ');
  if (text === '') return { ok: false, reason: 'No postcode was given.' };
  const candidate = isValid(text) ? text : fix(text);
  const postcode = isValid(candidate) ? toNormalised(candidate) : null;
  if (!postcode) {
    return { ok: false, reason: `"${text}" is not a UK postcode; it should look like "CF10 1EP".` };
  }
  if (NHS_PSEUDO_POSTCODE.test(postcode)) {
    return {
      ok: false,
      reason: `${postcode} is an NHS pseudo-postcode (no fixed abode or address not known); a letter cannot be posted to it.`,
    };
  }
  return { ok: true, postcode };
}

/** Trims and collapses inner spaces; a line that is only spaces and commas counts as empty. */
function tidyLine(line: string): string {
  return line
    .trim()
    .replace(/\s+/g, ' ')
    .replace(/^[,\s]+|[,\s]+$/g, '');
}

// A line starting with these reads as a formula in a spreadsheet export and is refused by some mail
// houses' address checks, and no real address line starts with one.
const BAD_LINE_START = /^[=+\-@\\/([{<]/;

const addressLine = z.pipe(
  z.pipe(z.string(), z.transform(tidyLine)),
  z.string().check(
    z.minLength(1, 'an address line cannot be empty'),
    z.maxLength(MAX_ADDRESS_LINE_LENGTH, `at most ${MAX_ADDRESS_LINE_LENGTH} characters`),
    z.refine((line) => !BAD_LINE_START.test(line), {
      message: 'an address line cannot start with = + - @ \\ / ( [ { or <',
    }),
  ),
);

export const postcodeSchema = z.pipe(
  z.string(),
  z.transform((input, ctx) => {
    const result = normalisePostcode(input);
    if (!result.ok) {
      z.addIssue(ctx, { message: result.reason });
      return z.NEVER;
    }
    return result.postcode;
  }),
);

/**
 * A UK postal address. Parsing normalises it: lines and town trimmed, blank lines dropped, the postcode
 * in Royal Mail form. Store the parsed value, so every reader sees the same address.
 */
export const postalAddressSchema = z.object({
  /** The house and street lines, first to last (a flat, a house name, a street, a district). */
  lines: z.pipe(
    z.pipe(
      z.array(z.string()),
      z.transform((lines) => lines.map(tidyLine).filter((line) => line !== '')),
    ),
    z
      .array(addressLine)
      .check(
        z.minLength(1, 'at least one address line is needed'),
        z.maxLength(MAX_ADDRESS_LINES, `at most ${MAX_ADDRESS_LINES} address lines, before the town`),
      ),
  ),
  /** The post town, e.g. "Cardiff". */
  town: z.pipe(
    z.pipe(z.string(), z.transform(tidyLine)),
    z.string().check(z.minLength(1, 'the town is needed'), z.maxLength(40)),
  ),
  postcode: postcodeSchema,
});
export type PostalAddress = z.output<typeof postalAddressSchema>;
export type PostalAddressInput = z.input<typeof postalAddressSchema>;

/**
 * An address from separate fields, as CSV imports and forms have them (`address_line_1..3`, `town`,
 * `postcode`): blank or missing lines are dropped. Returns undefined when every field is blank, so a
 * row without an address means "no address" rather than an error.
 */
export function postalAddressFromParts(parts: {
  line1?: string | undefined;
  line2?: string | undefined;
  line3?: string | undefined;
  town?: string | undefined;
  postcode?: string | undefined;
}): ReturnType<typeof postalAddressSchema.safeParse> | undefined {
  const values = [parts.line1, parts.line2, parts.line3, parts.town, parts.postcode];
  if (values.every((v) => v === undefined || v.trim() === '')) return undefined;
  return postalAddressSchema.safeParse({
    lines: [parts.line1, parts.line2, parts.line3].filter((l): l is string => l !== undefined),
    town: parts.town ?? '',
    postcode: parts.postcode ?? '',
  });
}

/** The lines an envelope shows below the addressee: the address lines, the town, then the postcode. */
export function addressLines(address: PostalAddress): string[] {
  return [...address.lines, address.town, address.postcode];
}

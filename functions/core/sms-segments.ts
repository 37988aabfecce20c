/**
 * How many SMS segments a text costs, exactly as a network counts them (3GPP TS 23.038 and 23.040).
 * A trust pays per segment, and one character outside the GSM 7-bit alphabet turns a text into UCS-2,
 * which cuts a segment from 160 characters to 70, so this drives both the cost shown to staff and the
 * "one segment" rule for the default templates.
 *
 * National language shift tables (Turkish, Spanish, Portuguese, Indian scripts) are not counted: SNS
 * does not use them for UK numbers, so a text is GSM-7 with the default alphabet or else UCS-2.
 */

// GSM 03.38 default alphabet, in table order. ESC (0x1B) is omitted: it only introduces the extension
// table and a literal U+001B in a text cannot be sent as GSM-7.
const GSM_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
// The extension table: each is sent as ESC plus a septet, so it costs two.
const GSM_EXTENSION = new Set('\f^{}\\[~]|€');

const GSM_SINGLE = 160;
// A concatenated segment spends 6 octets on the user data header: 153 septets or 67 UCS-2 code units.
const GSM_CONCAT = 153;
const UCS2_SINGLE = 70;
const UCS2_CONCAT = 67;

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsAnalysis {
  encoding: SmsEncoding;
  /** Septets for GSM-7 (an extension character is two), UTF-16 code units for UCS-2. */
  units: number;
  /** An empty text counts as one segment: sending it would still cost one message. */
  segments: number;
  /** The capacity of each segment in units: 160/70 for a single segment, 153/67 when concatenated. */
  perSegment: number;
  /** Unicode code points, so an emoji counts as one character. */
  characters: number;
}

// One character class of both tables, each character escaped: a regex test is many times faster than
// a loop over the string, and every value of every text is checked.
const GSM_ONLY = new RegExp(
  `^[${[...GSM_BASIC, ...GSM_EXTENSION].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}]*$`,
);

export function isGsm7(text: string): boolean {
  return GSM_ONLY.test(text);
}

/**
 * Packs the per-character costs into segments. A character is never split between segments (an escape
 * pair or a surrogate pair would be garbled on the handset), so a segment can end a unit short.
 */
function pack(costs: readonly number[], capacity: number): number {
  let segments = 1;
  let used = 0;
  for (const cost of costs) {
    if (used + cost > capacity) {
      segments += 1;
      used = 0;
    }
    used += cost;
  }
  return segments;
}

export function analyseSms(text: string): SmsAnalysis {
  const chars = [...text];
  const gsm = isGsm7(text);
  const costs = gsm ? chars.map((ch) => (GSM_EXTENSION.has(ch) ? 2 : 1)) : chars.map((ch) => ch.length); // UTF-16 length: 2 for a character outside the BMP
  const units = costs.reduce((sum, c) => sum + c, 0);
  const single = gsm ? GSM_SINGLE : UCS2_SINGLE;
  const concat = gsm ? GSM_CONCAT : UCS2_CONCAT;
  const fitsOne = units <= single;
  return {
    encoding: gsm ? 'GSM-7' : 'UCS-2',
    units,
    segments: fitsOne ? 1 : pack(costs, concat),
    perSegment: fitsOne ? single : concat,
    characters: chars.length,
  };
}

/**
 * The most segments Attend sends in one text: 6, i.e. 918 GSM-7 characters or 402 UCS-2 code units.
 * Handsets join more, but a longer text is a template or value gone wrong, at six times the price.
 */
export const MAX_SEGMENTS = 6;

/** The most units a text of this encoding may have: 6 concatenated segments. */
export function maxUnits(encoding: SmsEncoding): number {
  return MAX_SEGMENTS * (encoding === 'GSM-7' ? GSM_CONCAT : UCS2_CONCAT);
}

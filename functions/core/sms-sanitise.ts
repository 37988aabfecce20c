/**
 * Makes each value written into a text (a name, a venue, a day) cost what it should. One character
 * outside GSM-7 turns a whole text into UCS-2, cutting a segment from 160 characters to 70: a no-break
 * space, a non-breaking hyphen or a modifier-letter apostrophe in a name turns a one-segment reminder
 * into three. Values typed in word processors and EPRs carry these look-alikes all the time.
 *
 * The rules follow GOV.UK Notify's SMS sanitising (notifications-utils `SanitiseSMS`, and its ASCII
 * downgrading for accents): look-alike spaces, dashes and quotes become their GSM-7 forms, invisible
 * characters go, and an accented letter outside GSM-7 becomes its base letter. Unlike Notify, a text
 * in a language written with its own letters keeps them (Welsh ŵ ŷ â, Polish ł ą, Romanian ș ț): those
 * texts are meant to be UCS-2, and a name written wrongly in Welsh is worse than the cost, which
 * `POST /templates/preview` shows. Emoji and other pictographs are removed: staff cannot enter them
 * (names and venues refuse them with a 400), and any that arrive another way never reach a text.
 */
import type * as z from '#core/zod.ts';
import { isGsm7 } from './sms-segments.ts';

const SPACE = ' ';
const NOTHING = '';

/** Look-alikes and invisible characters, each with what it becomes (Notify's list, and a few more). */
const LOOKALIKES: ReadonlyMap<string, string> = new Map([
  // Spaces that are not U+0020: no-break, narrow no-break, the typographic spaces, tab.
  ['\u00a0', SPACE],
  ['\u202f', SPACE],
  ['\u1680', SPACE],
  ...[...'\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a'].map(
    (c) => [c, SPACE] as const,
  ),
  ['\u205f', SPACE],
  ['\u3000', SPACE],
  ['\t', SPACE],
  // Invisible: zero-width space, non-joiner, joiner, word joiner, byte-order mark, soft hyphen,
  // Mongolian vowel separator, line and paragraph separators.
  ...[...'\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e\u2028\u2029'].map((c) => [c, NOTHING] as const),
  // Dashes: hyphen, non-breaking hyphen, figure dash, en dash, em dash, horizontal bar, minus sign,
  // small and full-width hyphen-minus.
  ...[...'\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d'].map((c) => [c, '-'] as const),
  // Apostrophes and single quotes: curly, low-9, reversed, prime, modifier-letter apostrophe and
  // turned comma, acute accent, grave accent (backtick), full-width apostrophe.
  ...[...'\u2018\u2019\u201a\u201b\u2032\u02bc\u02bb\u00b4`\uff07'].map((c) => [c, "'"] as const),
  // Double quotes: curly, low-9, reversed, double prime, guillemets, full-width quotation mark.
  ...[...'\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb\uff02'].map((c) => [c, '"'] as const),
  ['\u2026', '...'],
]);

/** Letters with no decomposition to a base letter, and what they are written as instead. */
const NO_DECOMPOSITION: ReadonlyMap<string, string> = new Map([
  ['ł', 'l'],
  ['Ł', 'L'],
  ['đ', 'd'],
  ['Đ', 'D'],
  ['ı', 'i'],
  ['œ', 'oe'],
  ['Œ', 'OE'],
  ['ŀ', 'l'],
  ['Ŀ', 'L'],
]);

/**
 * The languages whose texts keep their own letters, and the letters. A text in one of these is written
 * as the language is written, and counted as UCS-2 when it uses them. A new language written with its
 * own letters is one line here.
 */
export const LANGUAGE_LETTERS: Readonly<Record<string, string>> = {
  // Welsh: circumflex (to bach), diaeresis, acute and grave on every vowel, w and y included.
  cy: 'âêîôûŵŷÂÊÎÔÛŴŶäëïöüẅÿÄËÏÖÜẄŸáéíóúẃýÁÉÍÓÚẂÝàèìòùẁỳÀÈÌÒÙẀỲ',
  pl: 'ąćęłńóśźżĄĆĘŁŃÓŚŹŻ',
  // Romanian: comma-below ș ț, and the cedilla forms often typed for them.
  ro: 'ăâîșțĂÂÎȘȚşţŞŢ',
};

const PICTOGRAPH = /\p{Extended_Pictographic}|\p{Regional_Indicator}/u;
/** What is left of an emoji sequence once its pictographs go: variation selectors, skin tones, keycaps, tags. */
const EMOJI_LEFTOVER = /[\ufe0e\ufe0f\u20e3\u{1f3fb}-\u{1f3ff}\u{e0020}-\u{e007f}]/u;
const EMOJI_LEFTOVERS = new RegExp(EMOJI_LEFTOVER.source, 'gu');
const COMBINING_MARK = /^\p{Mn}$/u;

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Each emoji or other pictograph in the text, as the person typed it (a grapheme each). */
export function pictographsIn(text: string): string[] {
  return [...graphemes.segment(text)].map((s) => s.segment).filter((g) => PICTOGRAPH.test(g));
}

function withoutPictographs(text: string): string {
  if (!PICTOGRAPH.test(text) && !EMOJI_LEFTOVER.test(text)) return text;
  return [...graphemes.segment(text)]
    .map((s) => s.segment)
    .filter((g) => !PICTOGRAPH.test(g))
    .join('')
    .replace(EMOJI_LEFTOVERS, '');
}

/**
 * Only the language-neutral part: look-alikes straightened, invisible characters and pictographs gone,
 * every letter left as it is. Safe to apply before renderText, which then applies the language's rule.
 */
export function replaceLookalikes(value: string): string {
  let out = '';
  for (const ch of withoutPictographs(value)) out += LOOKALIKES.get(ch) ?? ch;
  return out;
}

function keptLetters(language: string): string {
  return LANGUAGE_LETTERS[language.split('-')[0] ?? language] ?? '';
}

/** A letter outside GSM-7 as its base letter ('ŵ' → 'w'), or as it was when there is none. */
function baseLetter(ch: string): string {
  const mapped = NO_DECOMPOSITION.get(ch);
  if (mapped) return mapped;
  const [base, ...marks] = [...ch.normalize('NFD')];
  if (base && marks.length > 0 && marks.every((m) => COMBINING_MARK.test(m)) && isGsm7(base)) return base;
  return ch;
}

/**
 * A value as it may be written into a text in `language` (the language of the template actually
 * used): look-alikes straightened, invisible characters and pictographs removed, and accented letters
 * outside GSM-7 reduced to their base letter unless the language is written with them.
 */
export function sanitiseSmsValue(value: string, language: string): string {
  if (isGsm7(value)) return value;
  const keep = keptLetters(language);
  let out = '';
  for (const ch of replaceLookalikes(value)) {
    out += isGsm7(ch) || keep.includes(ch) ? ch : baseLetter(ch);
  }
  return out;
}

/**
 * Staff-entered text that goes into texts (a child's name, a venue) refuses emoji with a 400 saying
 * why, rather than sending them at a silent cost: one emoji makes every text to that family UCS-2, up
 * to three times the price, and many handsets show it as a box.
 */
export function noPictographs(value: string, ctx: z.RefinementCtx): void {
  const found = pictographsIn(value);
  if (found.length > 0) {
    ctx.addIssue({
      code: 'custom',
      message: `emoji and other pictographs (${found.join(' ')}) cannot go into texts: they would turn every text that uses this into UCS-2, up to three times the cost`,
    });
  }
}

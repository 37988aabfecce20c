/**
 * Reply intent parsing: what a parent means by an SMS reply, which booking reference (if any) they
 * quoted, and, when they say, why they cannot come. Pure and synchronous: no I/O, no clock, no AWS.
 *
 * The engine (intent/engine.ts and its parts) holds the rules; each language's words are data in one
 * lexicon file (intent/lexicons/<language>.ts). A reply is read with English alone and with English plus
 * each other lexicon, and the reading that recognises most of the reply decides, so one language's words
 * cannot change how another language is read. A reply mixing two languages other than English that read
 * it differently is FREE_TEXT.
 *
 * The one rule behind every decision: a wrong guess changes a real booking or silences a family, so
 * anything uncertain is FREE_TEXT and goes to the staff inbox. In particular:
 * - Negated or hedged actions are FREE_TEXT: "don't cancel", "I don't want to cancel", "I might have to
 *   cancel", "not sure if I can make it", "I was going to cancel but…".
 * - "No I can't make it" / "No, can't come" is CANCEL (the "no" only introduces the cancellation), and
 *   "yes cancel" is CANCEL. REBOOK outranks CANCEL ("can't make it, can we rearrange?"): a parent asking
 *   for another time also gives up this one.
 * - Questions are FREE_TEXT ("Can I bring my partner?", "How do I cancel?"), except a bare keyword with
 *   a question mark ("Cancel?", "Help?") and polite requests ("Could you cancel it please?", "Can we
 *   rearrange?"). A reply that carries an intent *and* an unrelated question ("Yes, what should I
 *   bring?") is FREE_TEXT too, so a person answers the question. "Cancel? no" is FREE_TEXT.
 * - YES needs a word that answers yes. "ok", "thanks ok", "fine", "sure" and "👍" are YES when the reply
 *   holds nothing else; pleasantries alone ("thank you see you then", "great", "no worries") are
 *   FREE_TEXT, because a YES can accept a waitlist offer.
 * - STOP silences a family, so it needs an exact STOP-family word standing as its own clause ("stop",
 *   "STOP!", "please stop", "STOPALL", "unsubscribe") or a phrase about texts ("stop texting me", "no
 *   more messages"). Never fuzzy: "Step", "stpo" and "stop?" are FREE_TEXT, and so is "I can't stop by
 *   on Tuesday" (it may be a cancellation, but not one we can act on safely). START is exact-only too.
 *   A reply that mixes STOP or START with another action ("cancel and stop texting me") is FREE_TEXT.
 * - HELP is a bare keyword ("help", "info"); "I need help with…" is FREE_TEXT.
 * - Fuzzy matching (optimal string alignment distance 1, or 2 for 6+ letter words sharing the first
 *   letter) applies only to replies of one or two content words, only against keywords of 5+ letters,
 *   and never to STOP/START or to known words ("cancer", "except"). Doubled letters ("yess", "noo") and
 *   elongation ("nooooo", "STOPPPP") are emphasis, not typos, and are folded everywhere.
 * - A reference is any standalone 4-digit token ("cancel 2026" is ref 2026). Times, dates, years after a
 *   month name and phone numbers are not refs. When a reply quotes several, the first wins.
 * - Words shared by several languages ("stop", "ok") report the language that the rest of the reply
 *   points to, else English. Emoji report no language.
 * - A reason for not coming ("no bus", "baby poorly") is returned with CANCEL, REBOOK and FREE_TEXT
 *   when exactly one reason is given plainly (not negated, hedged or asked about); see intent/reasons.ts.
 */
import { bestReading, parseWithReadings, readingsFrom } from './intent/engine.ts';
import { LEXICONS } from './intent/lexicons/index.ts';
import type { Reading } from './intent/reading.ts';
import type { KeywordTable, ParsedReply } from './intent/types.ts';

export type { CancelReason } from './cancel-reason.ts';
export { CANCEL_REASONS } from './cancel-reason.ts';
export {
  INTENTS,
  type Intent,
  KEYWORD_INTENTS,
  type KeywordIntent,
  type KeywordTable,
  type Lexicon,
  type ParsedReply,
} from './intent/types.ts';
export { LEXICONS };

/** The languages the parser reads without any trust keywords. */
export const REPLY_LANGUAGES: readonly string[] = LEXICONS.map((l) => l.language);

/** The built-in keywords per language (each lexicon's), frozen. */
export const BUILT_IN_KEYWORDS: KeywordTable = Object.freeze(
  Object.fromEntries(LEXICONS.map((l) => [l.language, l.keywords])) as KeywordTable,
);

/**
 * Parses one SMS reply. `extraKeywords` is the trust's `replies.keywords`, merged over the lexicons'
 * keywords. Never throws; anything it cannot read with confidence is FREE_TEXT.
 */
export function parseReply(body: string, extraKeywords?: KeywordTable): ParsedReply {
  return parseWithReadings(body, readingsFor(extraKeywords));
}

// Memoised per extra table object: a trust config is parsed once per cold start, so each handler
// compiles its readings once.
const compiled = new WeakMap<KeywordTable, Reading[]>();
let builtIn: Reading[] | undefined;

/**
 * How many words of a reply the parser could not explain (neither a keyword, a phrase, a reason cue nor
 * politeness). "Cancel 4821 thanks" has none; "cancel, my mums in hospital again" has several: the family
 * said why, in words no lexicon knows, so staff should read it and tag the reason.
 */
export function unexplainedWords(body: string, extraKeywords?: KeywordTable): number {
  return bestReading(body, readingsFor(extraKeywords))?.unexplained ?? 0;
}

function readingsFor(extra: KeywordTable | undefined): Reading[] {
  if (!extra || Object.keys(extra).length === 0) {
    builtIn ??= readingsFrom(LEXICONS, {});
    return builtIn;
  }
  let readings = compiled.get(extra);
  if (!readings) {
    readings = readingsFrom(LEXICONS, extra);
    compiled.set(extra, readings);
  }
  return readings;
}

/**
 * The shapes the reply parser works with: what it returns, and what a language gives it (a Lexicon).
 * The engine holds the rules; every word it knows comes from a lexicon.
 */
import type { CancelReason } from '#core/cancel-reason.ts';

export const INTENTS = ['CANCEL', 'REBOOK', 'YES', 'NO', 'STOP', 'START', 'HELP', 'FREE_TEXT'] as const;
export type Intent = (typeof INTENTS)[number];
export type KeywordIntent = Exclude<Intent, 'FREE_TEXT'>;
export const KEYWORD_INTENTS = ['CANCEL', 'REBOOK', 'YES', 'NO', 'STOP', 'START', 'HELP'] as const;

export interface ParsedReply {
  intent: Intent;
  /** A 4-digit reference code found anywhere in the reply ("CANCEL 4821", "ref:4821", "#4821"). */
  ref?: string;
  /** The language whose keyword or phrase decided the intent: a lexicon's code or a trust-added one. */
  language?: string;
  match: 'keyword' | 'phrase' | 'fuzzy' | 'none';
  /**
   * Why the family cannot come, when the reply says so clearly ("cant get there no bus" → transport).
   * Only with CANCEL, REBOOK and FREE_TEXT; left out when unsure, for staff to tag.
   */
  reason?: CancelReason;
}

/** Keywords per language and intent. Matching ignores case, punctuation and diacritics. */
export type KeywordTable = Record<string, Partial<Record<KeywordIntent, string[]>>>;

/** Where in a clause a keyword or phrase counts. */
export type Scope =
  /** Counts wherever it appears in a clause (subject to negation, hedging and question checks). */
  | 'anywhere'
  /** An interjection: counts only at the start of a clause ("Yes I'll be there", not "I said yes"). */
  | 'start'
  /** A start word that only answers yes/no when nothing else is said ("ok", "fine", Polish "nie"). */
  | 'weakStart'
  /** Counts only when it is the whole clause, give or take politeness ("stop please", "help"). */
  | 'bare'
  /** A verb that means REBOOK only with a time-like object or alone ("change it", not "change my number"). */
  | 'weakVerb';

/**
 * Everything the parser knows about one language. Words are written as a parent would type them;
 * matching folds case, diacritics and apostrophes ("Can’t" reads as "cant"), so lists that are not
 * keywords are written folded already. A "pattern" is a regular-expression source over the folded
 * words of a clause joined by single spaces (`(?:cant|cannot) come`). A reply is read with English plus
 * one other lexicon at a time, so nothing here can change how another language is read.
 */
export interface Lexicon {
  /** ISO 639-1 code, as in the trust config (`en`, `cy`, `pl`, `ro`, `ne`). */
  language: string;
  /** The language's name in English, for docs and test names. */
  name: string;
  /** Exact words and word sequences per intent; typos of the longer ones are found by edit distance. */
  keywords: Partial<Record<KeywordIntent, readonly string[]>>;
  /** Keywords that count in a narrower scope than their intent's default (see Scope). */
  scopes?: Partial<Record<KeywordIntent, Partial<Record<Scope, readonly string[]>>>>;
  /** Natural wording a keyword list cannot capture, per intent, in the intent's default scope. */
  phrases?: Partial<Record<KeywordIntent, readonly string[]>>;

  /** Openings: "hi", "dzien dobry". A capitalised unknown word straight after one is a name. */
  greetings?: readonly string[];
  /** Words that carry no intent: "please", "sorry", "diolch". */
  fillers?: readonly string[];
  /** Whole tokens that carry nothing, as patterns: kisses ("x", "xx"). */
  fillerPatterns?: readonly string[];
  /** Multi-word politeness, as patterns: "thank you so much", "os gwelwch yn dda". */
  polite?: readonly string[];
  /** Tag questions that ask nothing of staff, as patterns: "is that ok". */
  tags?: readonly string[];
  /** Pleasantries, explained but never an intent on their own, as patterns: "see you then". */
  acknowledgements?: readonly string[];
  /** Family sign-offs at the end of a reply: "mum", "tata". */
  signatures?: readonly string[];
  /** Words after which one last unknown word is a signature: "thanks Sarah". */
  thanks?: readonly string[];

  /** Words (or two-word sequences) that negate an action after them: "dont", "nie", "no longer". */
  negators?: readonly string[];
  /** Words (or two-word sequences) that make an action after them uncertain: "maybe", "not sure". */
  hedges?: readonly string[];
  /**
   * Words that negate or hedge an action before them, for languages that put them after the verb
   * (Nepali "radda nagarnus", don't cancel; "radda garnu parla", may have to cancel).
   */
  negatorsAfter?: readonly string[];
  /** Words that split a clause; what follows qualifies what came before: "but", "ale". */
  contrasts?: readonly string[];
  /** Question words that open a question without a question mark: "what", "kiedy". */
  questionWords?: readonly string[];
  /** Auxiliaries that open a question when a pronoun follows: "can I", "is it". */
  auxiliaries?: readonly string[];
  pronouns?: readonly string[];
  /** Openings that make a question a request to act, as patterns: "could you", "czy moge". */
  requests?: readonly string[];
  /** Endings that make a question a request to act, as patterns (Nepali "… milcha", is it possible). */
  requestsAtEnd?: readonly string[];
  /** Requests that start a new clause inside a run-on text, as patterns: "cant make it can we …". */
  runOnRequests?: readonly string[];
  /** Objects that make a weak verb a rebooking, and may follow a whole-reply CANCEL: "time", "termin". */
  timeObjects?: readonly string[];
  determiners?: readonly string[];
  /** Real words within typo distance of a keyword: "cancer", "except". */
  notTypos?: readonly string[];
  /** Month names, so "3 March 2026" is not reference 2026. */
  months?: readonly string[];
  /** Other words typical of the language, so a shared keyword ("stop", "ok") reports it. */
  hints?: readonly string[];

  /** The words for a reference or code, and their abbreviations ("ref4821", "nr 4821"). */
  reference?: {
    /** Carry no intent themselves: "ref", "code". */
    words?: readonly string[];
    /** May be glued to the digits: "REF4821", "no4821". */
    prefixes?: readonly string[];
  };
  /** Suffixes that make a number a time ("10am", "1400hrs") or an ordinal ("3rd"), as case-insensitive patterns. */
  numbers?: { timeSuffixes?: readonly string[]; ordinalSuffixes?: readonly string[] };
  /** Signatures a phone adds at the end, as case-insensitive patterns on the raw text. */
  deviceSignatures?: readonly string[];
  /** How the language is written, where folding needs to know. */
  spelling?: {
    /** Clitics written after an apostrophe that are not part of the word (Welsh "canslo'r" → "canslo"). */
    clitics?: readonly string[];
    /** Letters the language doubles on purpose, so "ll" is not read as emphasis (Welsh "dd", "ll", "ff"). */
    doubledLetters?: string;
  };

  /** Why a family cannot come, as patterns per reason: "no bus", "baby (?:is )?poorly". */
  reasons?: Partial<Record<CancelReason, readonly string[]>>;
}

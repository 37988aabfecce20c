/**
 * The reply parser's engine: reads a reply with each Reading (English plus one other language), and
 * keeps the reading that explains the reply best. No word of any language lives here.
 */
import { analyseClause, type ClauseResult, type Signal } from './analyse.ts';
import { type Clause, toClauses } from './clauses.ts';
import { compileReading, type Reading } from './reading.ts';
import { findReason } from './reasons.ts';
import { extractRef } from './refs.ts';
import type { KeywordIntent, KeywordTable, Lexicon, ParsedReply } from './types.ts';

const FREE_TEXT: ParsedReply = { intent: 'FREE_TEXT', match: 'none' };

export interface ReadResult {
  reply: ParsedReply;
  /** How much of the reply the reading's lexicons explain; the best reading wins. */
  recognised: number;
  /** Words that are part of a keyword or phrase, valid or not. */
  signalWords: number;
  /** Content words that are neither politeness nor part of a keyword, phrase or reason cue. */
  unexplained: number;
  /** Words that are keywords or hints of the reading's own language and not of the base. */
  ownWords: number;
  known: Set<string>;
  unknown: Set<string>;
}

/**
 * Parses one SMS reply with each reading and keeps the one that recognises the most of it. If another
 * reading finds a keyword or phrase among words the chosen one does not know, and reads the reply
 * differently, the reply mixes languages and goes to a person. Never throws; anything it cannot read
 * with confidence is FREE_TEXT.
 */
export function parseWithReadings(body: string, readings: readonly Reading[]): ParsedReply {
  return bestReading(body, readings)?.reply ?? FREE_TEXT;
}

/**
 * The reading that explains the reply best, with its reply (FREE_TEXT when languages mix), or nothing
 * when there are no readings.
 */
export function bestReading(body: string, readings: readonly Reading[]): ReadResult | undefined {
  const results = readings.map((reading) => readWith(body, reading));
  if (results.length === 0) return undefined;
  // More words recognised wins; then more words read as a keyword or phrase ("Do" is an English
  // auxiliary, but a Welsh yes); then more keywords and hints of the reading's own language rather than
  // mere function words; then the earlier reading.
  const score = (r: ReadResult) => [r.recognised, r.signalWords, r.ownWords];
  const better = (b: ReadResult, a: ReadResult) => {
    const [x, y] = [score(b), score(a)];
    const i = x.findIndex((v, k) => v !== y[k]);
    return i >= 0 && (x[i] as number) > (y[i] as number);
  };
  const best = results.reduce((a, b) => (better(b, a) ? b : a));
  // Only a reading that found a keyword or phrase has something to say: one that merely knows a filler
  // ("ma", "la") does not make a reply mixed.
  const mixed = results.some(
    (other) =>
      other !== best &&
      other.signalWords > 0 &&
      other.reply.intent !== best.reply.intent &&
      [...other.known].some((word) => best.unknown.has(word)),
  );
  if (!mixed) return best;
  return { ...best, reply: best.reply.ref === undefined ? FREE_TEXT : { ...FREE_TEXT, ref: best.reply.ref } };
}

/**
 * The readings for `lexicons` (the first is the base, English): the base alone, then the base with each
 * other lexicon, then the base with each language that only the trust's keywords name. A trust's
 * keywords join the reading of their language ("pl-PL" joins Polish).
 */
export function readingsFrom(lexicons: readonly Lexicon[], extra: KeywordTable): Reading[] {
  const [base, ...others] = lexicons;
  if (!base) return [];
  const code = (language: string) => language.split('-')[0] ?? language;
  const extraFor = (languages: string[]): KeywordTable =>
    Object.fromEntries(Object.entries(extra).filter(([language]) => languages.includes(code(language))));
  const trustOnly = [...new Set(Object.keys(extra).map(code))]
    .filter((language) => !lexicons.some((l) => l.language === language))
    .map((language): Lexicon => ({ language, name: language, keywords: {} }));
  return [
    compileReading([base], extraFor([base.language])),
    ...[...others, ...trustOnly].map((lexicon) =>
      compileReading([base, lexicon], extraFor([base.language, lexicon.language])),
    ),
  ];
}

/** Parses one SMS reply with one reading. */
export function readWith(body: string, reading: Reading): ReadResult {
  const text = String(body ?? '')
    .normalize('NFKC')
    .replace(reading.deviceSignature, ' ');
  const { ref, rest } = extractRef(text, reading);
  const clauses = toClauses(rest, reading);
  const analyse = (fuzzy: boolean) =>
    clauses.map((clause, i) => analyseClause(clause, { reading, fuzzy, isLast: i === clauses.length - 1 }));
  let results = analyse(false);
  const content = results.flatMap((r) => r.content);
  if (content.length > 0 && content.length <= 2 && results.some((r) => r.unexplained > 0))
    results = analyse(true);

  const decided = decide(results, clauses, reading);
  const reply: ParsedReply = { ...decided };
  if (ref !== undefined) reply.ref = ref;
  if (reply.intent === 'CANCEL' || reply.intent === 'REBOOK' || reply.intent === 'FREE_TEXT') {
    const reason = findReason(results, reading);
    if (reason) reply.reason = reason;
  }
  return {
    reply,
    recognised: results.reduce((sum, r) => sum + r.recognised, 0),
    signalWords: results.reduce((sum, r) => sum + r.signalWords, 0),
    unexplained: results.reduce((sum, r) => sum + r.unexplained, 0),
    ownWords: results.reduce((sum, r) => sum + r.ownWords, 0),
    known: new Set(results.flatMap((r) => r.known)),
    unknown: new Set(results.flatMap((r) => r.unknown)),
  };
}

/** The reply's intent from its clauses: uncertainty anywhere wins, then a fixed precedence. */
function decide(results: ClauseResult[], clauses: Clause[], reading: Reading): ParsedReply {
  if (results.some((r) => r.uncertain)) return FREE_TEXT;
  // A question with no intent in it needs a person to answer it, whatever else the reply says.
  if (results.some((r) => r.question && r.signals.length === 0 && r.unexplained > 0)) return FREE_TEXT;
  // "I was going to cancel but…": words after a contrast that we cannot read qualify the intent.
  if (results.some((r) => r.afterContrast && r.signals.length === 0 && r.unexplained > 0)) return FREE_TEXT;

  const chatter = results.some((r) => r.signals.length === 0 && r.unexplained > 0);
  const signals = results.flatMap((r) =>
    r.signals.filter((s) => !(s.scope === 'weakStart' && s.intent === 'YES' && chatter)),
  );
  const intents = new Set(signals.map((s) => s.intent));
  const only = (...allowed: KeywordIntent[]) => [...intents].every((i) => allowed.includes(i));

  let intent: KeywordIntent | undefined;
  if (intents.has('STOP')) intent = only('STOP', 'YES', 'NO') ? 'STOP' : undefined;
  else if (intents.has('START')) intent = only('START', 'YES') ? 'START' : undefined;
  else if (intents.has('REBOOK')) intent = 'REBOOK';
  else if (intents.has('CANCEL')) {
    // "Cancel? No" answers its own question the other way.
    const askedThenRefused = results.some(
      (r, i) =>
        r.bareQuestion && results.slice(i + 1).some((later) => later.signals.some((s) => s.intent === 'NO')),
    );
    intent = askedThenRefused ? undefined : 'CANCEL';
  } else if (intents.has('HELP')) intent = only('HELP') ? 'HELP' : undefined;
  else if (intents.has('YES') && intents.has('NO')) intent = undefined;
  else if (intents.has('YES')) intent = 'YES';
  else if (intents.has('NO')) intent = 'NO';
  if (!intent) return FREE_TEXT;

  const decisive = signals.find((s) => s.intent === intent) as Signal;
  const language = pickLanguage(decisive.languages, clauses, signals, reading);
  const reply: ParsedReply = { intent, match: decisive.match };
  if (language) reply.language = language;
  return reply;
}

/** Words shared by several languages ("stop", "ok") report the one the rest of the reply points to. */
function pickLanguage(
  candidates: string[],
  clauses: Clause[],
  signals: Signal[],
  reading: Reading,
): string | undefined {
  if (candidates.length <= 1) return candidates[0];
  const votes = new Map<string, number>();
  for (const clause of clauses) {
    for (const { word } of clause.tokens) {
      const languages = reading.vocabulary.get(word);
      if (languages?.size === 1) {
        const [language] = languages;
        votes.set(language as string, (votes.get(language as string) ?? 0) + 1);
      }
    }
  }
  for (const s of signals) {
    if (s.match === 'phrase' && s.languages[0])
      votes.set(s.languages[0], (votes.get(s.languages[0]) ?? 0) + 2);
  }
  const rank = (l: string) => reading.languageOrder.indexOf(l);
  return [...candidates].sort((a, b) => (votes.get(b) ?? 0) - (votes.get(a) ?? 0) || rank(a) - rank(b))[0];
}

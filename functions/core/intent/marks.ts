/**
 * Marking a clause's words: greetings and signatures, politeness, phrases, keywords, pleasantries and
 * typos, each from the reading's lexicons. What the marks mean for the intent is decided in analyse.ts.
 */
import type { Clause } from './clauses.ts';
import type { Entry, Reading } from './reading.ts';
import { editDistance, squash, type Token } from './text.ts';
import type { KeywordIntent, Scope } from './types.ts';

export type Kind = 'filler' | 'keyword' | 'phrase';

export interface Signal {
  intent: KeywordIntent;
  /** Candidate languages (a keyword shared by several); empty for emoji. */
  languages: string[];
  match: 'keyword' | 'phrase' | 'fuzzy';
  scope: Scope;
  start: number;
  end: number;
  /** How far a fuzzy match was from its keyword (doubled letters count as 1); 0 otherwise. */
  distance: number;
}

export interface Context {
  reading: Reading;
  fuzzy: boolean;
  isLast: boolean;
}

/** The working state of one clause as its words are explained. */
export interface Marks {
  tokens: Token[];
  words: string[];
  kinds: Array<Kind | undefined>;
  /** Explained only as a name or signature, which every reading would say of a word it does not know. */
  names: boolean[];
  signals: Signal[];
}

export function newMarks(clause: Clause): Marks {
  const { tokens } = clause;
  return {
    tokens,
    words: tokens.map((t) => t.word),
    kinds: new Array(tokens.length).fill(undefined),
    names: new Array(tokens.length).fill(false),
    signals: [],
  };
}

/** Greetings, a name straight after one ("Hi Sarah, …"), and signatures at the end of the reply. */
export function markGreetingsAndSignatures(m: Marks, ctx: Context): void {
  const { tokens, words, kinds, names } = m;
  const { reading } = ctx;
  const isVocabulary = (word: string) => reading.vocabulary.has(word) || reading.known.has(word);
  let p = 0;
  for (let matched = true; matched; ) {
    matched = false;
    for (const seq of reading.greetings) {
      if (seq.every((w, k) => words[p + k] === w)) {
        for (let k = 0; k < seq.length; k++) kinds[p + k] = 'filler';
        p += seq.length;
        matched = true;
        break;
      }
    }
  }
  if (p > 0) {
    for (let k = 0; k < 2 && p < tokens.length && isName(tokens[p] as Token, isVocabulary, reading); k++) {
      names[p] = true;
      kinds[p++] = 'filler';
    }
  }

  // "Thanks, Sarah", "Amelia's mum".
  if (ctx.isLast) {
    for (let k = tokens.length - 1, n = 0; k >= 0 && n < 3; k--, n++) {
      const token = tokens[k] as Token;
      const afterThanks = k > 0 && reading.thanks.has(words[k - 1] as string) && k === tokens.length - 1;
      if (reading.signatures.has(token.word)) kinds[k] = 'filler';
      else if (isName(token, isVocabulary, reading) || (afterThanks && !isVocabulary(token.word))) {
        kinds[k] = 'filler';
        names[k] = true;
      } else break;
    }
  }
  words.forEach((w, k) => {
    if (reading.fillerPatterns.some((re) => re.test(w))) kinds[k] = 'filler';
  });
}

/** Politeness, phrases, keywords, pleasantries and typos. Returns whether a tag question was found. */
export function markSignals(m: Marks, ctx: Context): boolean {
  const { words, kinds, signals } = m;
  const { reading } = ctx;
  markRegexes(words, kinds, reading.polite, () => 'filler');
  const tagged = markRegexes(words, kinds, reading.tags, () => 'filler');
  markRegexes(
    words,
    kinds,
    reading.phrases.map((p) => p.re),
    (start, end, index) => {
      const rule = reading.phrases[index] as Reading['phrases'][number];
      signals.push({
        intent: rule.intent,
        languages: [rule.language],
        match: 'phrase',
        scope: rule.scope,
        start,
        end,
        distance: 0,
      });
      return 'phrase';
    },
  );
  // Multi-word keywords outrank pleasantries ("sounds good" is YES, though "good" alone is not), and
  // pleasantries outrank single keywords ("no problem" is not NO).
  matchKeywords(m, reading, 2);
  markRegexes(words, kinds, reading.acknowledgements, () => 'filler');
  matchKeywords(m, reading, 1);

  words.forEach((w, k) => {
    if (!kinds[k] && reading.fillers.has(w)) kinds[k] = 'filler';
  });

  // Emoji, doubled letters, then (for one- or two-word replies) typos.
  words.forEach((w, k) => {
    if (kinds[k]) return;
    if (w === '👍' || w === '👎') {
      const intent = w === '👍' ? 'YES' : 'NO';
      signals.push({
        intent,
        languages: [],
        match: 'keyword',
        scope: 'anywhere',
        start: k,
        end: k + 1,
        distance: 0,
      });
      kinds[k] = 'keyword';
      return;
    }
    const squashed = squash(w, reading.spelling.keepDoubled);
    const viaSquash = squashed !== w ? reading.squashed.get(squashed) : undefined;
    const isVocabulary = reading.vocabulary.has(w) || reading.known.has(w);
    const viaFuzzy = viaSquash
      ? { entries: viaSquash, distance: 1 }
      : ctx.fuzzy && !isVocabulary
        ? fuzzyMatch(w, reading)
        : undefined;
    if (viaFuzzy && viaFuzzy.entries.length > 0) {
      signals.push({ ...signalFrom(viaFuzzy.entries, 'fuzzy', k, k + 1), distance: viaFuzzy.distance });
      kinds[k] = 'keyword';
    }
  });
  signals.sort((a, b) => a.start - b.start);
  return tagged;
}

/** "Can you …" is politeness once we know the clause is a request: "Can you stop texting me?" is bare. */
export function markRequest(m: Marks, firstContent: number, reading: Reading): boolean {
  if (firstContent < 0) return false;
  const { words, kinds } = m;
  const rest = words.slice(firstContent).join(' ');
  const atStart = reading.request.exec(rest);
  if (atStart) {
    const length = atStart[0].trim().split(' ').length;
    for (let k = firstContent; k < firstContent + length; k++) kinds[k] ??= 'filler';
    return true;
  }
  const atEnd = reading.requestAtEnd.exec(rest);
  if (atEnd) {
    const length = atEnd[0].trim().split(' ').length;
    for (let k = words.length - length; k < words.length; k++) kinds[k] ??= 'filler';
    return true;
  }
  return false;
}

function markRegexes(
  words: string[],
  kinds: Array<Kind | undefined>,
  patterns: RegExp[],
  onMatch: (start: number, end: number, index: number) => Kind,
): boolean {
  const joined = words.join(' ');
  const offsets: number[] = [];
  let offset = 0;
  for (const w of words) {
    offsets.push(offset);
    offset += w.length + 1;
  }
  let any = false;
  for (const [index, re] of patterns.entries()) {
    for (const match of joined.matchAll(re)) {
      const start = offsets.indexOf(match.index);
      const end = offsets.indexOf(match.index + match[0].length + 1);
      const stop = end === -1 ? words.length : end;
      if (start === -1 || kinds.slice(start, stop).some(Boolean)) continue;
      const kind = onMatch(start, stop, index);
      for (let k = start; k < stop; k++) kinds[k] = kind;
      any = true;
    }
  }
  return any;
}

/** Keyword matches of at least `minTokens` words, longest entry first at each position. */
function matchKeywords(m: Marks, reading: Reading, minTokens: number): void {
  const { words, kinds, signals } = m;
  for (let i = 0; i < words.length; i++) {
    if (kinds[i]) continue;
    const best: Entry[] = [];
    for (const entry of reading.byFirst.get(words[i] as string) ?? []) {
      if (entry.tokens.length < minTokens) break;
      if (best.length > 0 && entry.tokens.length < (best[0] as Entry).tokens.length) break;
      if (entry.tokens.every((t, k) => words[i + k] === t && !kinds[i + k])) best.push(entry);
    }
    if (best.length > 0) {
      const length = (best[0] as Entry).tokens.length;
      signals.push({ ...signalFrom(best, 'keyword', i, i + length), distance: 0 });
      for (let k = i; k < i + length; k++) kinds[k] = 'keyword';
      i += length - 1;
    }
  }
}

function signalFrom(
  entries: Entry[],
  match: 'keyword' | 'fuzzy',
  start: number,
  end: number,
): Omit<Signal, 'distance'> {
  const first = entries[0] as Entry;
  // Entries for one word in several languages share an intent unless a trust moved the word; keep the
  // first intent and the languages that agree with it.
  const agreeing = entries.filter((e) => e.intent === first.intent);
  return {
    intent: first.intent,
    languages: [...new Set(agreeing.map((e) => e.language))],
    match,
    scope: first.scope,
    start,
    end,
  };
}

/** A capitalised word we do not know: a name in a greeting or signature, unless it is a keyword typo. */
function isName(token: Token, isVocabulary: (word: string) => boolean, reading: Reading): boolean {
  return (
    /^\p{Lu}\p{Ll}+$/u.test(token.raw) &&
    !isVocabulary(token.word) &&
    !reading.squashed.has(squash(token.word, reading.spelling.keepDoubled)) &&
    fuzzyMatch(token.word, reading) === undefined
  );
}

function fuzzyMatch(word: string, reading: Reading): { entries: Entry[]; distance: number } | undefined {
  if (word.length < 4 || reading.notTypos.has(word)) return undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let best: Entry[] = [];
  for (const entry of reading.fuzzy) {
    const keyword = entry.tokens[0] as string;
    const max = Math.min(word.length, keyword.length) >= 6 && word[0] === keyword[0] ? 2 : 1;
    const distance = editDistance(word, keyword, max);
    if (distance > max || distance > bestDistance) continue;
    if (distance < bestDistance) best = [];
    bestDistance = distance;
    best.push(entry);
  }
  const intents = new Set(best.map((e) => e.intent));
  return intents.size === 1 ? { entries: best, distance: bestDistance } : undefined;
}

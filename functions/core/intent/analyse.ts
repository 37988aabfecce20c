/**
 * What one clause says: which words are politeness, which are keywords or phrases, and which of those
 * still hold given where they stand (scope), what negates or hedges them, and whether the clause asks.
 */
import type { Clause } from './clauses.ts';
import type { Entry, Reading } from './reading.ts';
import { editDistance, squash, type Token } from './text.ts';
import type { KeywordIntent, Scope } from './types.ts';

type Kind = 'filler' | 'keyword' | 'phrase';

export interface Signal {
  intent: KeywordIntent;
  /** Candidate languages (a keyword shared by several); empty for emoji. */
  languages: string[];
  match: 'keyword' | 'phrase' | 'fuzzy';
  scope: Scope;
  start: number;
  end: number;
  /** How far a fuzzy match was from its keyword (0 for doubled letters); 0 otherwise. */
  distance: number;
}

export interface ClauseResult {
  signals: Signal[];
  /** Negated, hedged, or an action asked about rather than asked for. */
  uncertain: boolean;
  /** Words that are neither politeness nor part of a signal. */
  unexplained: number;
  /** Content words (for the one-or-two-word fuzzy rule). */
  content: string[];
  question: boolean;
  /** A bare keyword with a question mark ("cancel?"). */
  bareQuestion: boolean;
  afterContrast: boolean;
  /** How well the reading's lexicons cover the clause: one per known word, less for a typo. */
  recognised: number;
  /** Folded words and which of them belong to a phrase (for reasons). */
  words: string[];
  inPhrase: boolean[];
}

interface Context {
  reading: Reading;
  fuzzy: boolean;
  isLast: boolean;
}

/** The working state of one clause as its words are explained. */
interface Marks {
  tokens: Token[];
  words: string[];
  kinds: Array<Kind | undefined>;
  signals: Signal[];
}

export function analyseClause(clause: Clause, ctx: Context): ClauseResult {
  const { reading } = ctx;
  const { tokens } = clause;
  const m: Marks = {
    tokens,
    words: tokens.map((t) => t.word),
    kinds: new Array(tokens.length).fill(undefined),
    signals: [],
  };
  markGreetingsAndSignatures(m, ctx);
  const tagged = markSignals(m, ctx);

  const { kinds, words, signals } = m;
  const isExplained = (k: number) => kinds[k] === 'filler';
  const firstContent = kinds.findIndex((kind) => kind !== 'filler');
  let question = clause.question;
  if (question && firstContent === -1 && tagged) question = false;
  if (!question && firstContent >= 0) question = startsLikeQuestion(words, firstContent, reading);
  const requestForm = markRequest(m, firstContent, reading);

  const owner: Array<Signal | undefined> = new Array(tokens.length).fill(undefined);
  for (const s of signals) for (let k = s.start; k < s.end; k++) owner[k] = s;
  const valid = validSignals(m, owner, reading);

  // A clause that asks to stop (or restart) texts but also says something else needs a person: acting on
  // only the other part would keep texting a family who asked us to stop.
  const hasOtherAction = (s: Signal) => signals.some((o) => o !== s && o.intent !== s.intent && valid.has(o));
  let uncertain = signals.some(
    (s) =>
      (s.intent === 'STOP' || s.intent === 'START') &&
      !valid.has(s) &&
      (s.match === 'phrase' || hasOtherAction(s)),
  );
  let bareQuestion = false;
  const kept: Signal[] = [];
  const bare = tokens.every(
    (_, k) => isExplained(k) || (owner[k] !== undefined && valid.has(owner[k] as Signal)),
  );
  for (const s of signals) {
    if (!valid.has(s)) continue;
    const isAction =
      s.intent === 'CANCEL' || s.intent === 'REBOOK' || s.intent === 'STOP' || s.intent === 'START';
    if (isAction && (isNegatedOrHedged(m, s, reading) || (question && !requestForm && !bare))) {
      uncertain = true;
      continue;
    }
    if (question) {
      if (s.intent === 'HELP' || (bare && (s.intent === 'CANCEL' || s.intent === 'REBOOK'))) {
        bareQuestion = bareQuestion || !requestForm;
      } else if (!(requestForm && isAction)) {
        uncertain = true;
        continue;
      }
    }
    kept.push(s);
  }

  let unexplained = 0;
  let recognised = 0;
  const content: string[] = [];
  tokens.forEach((_, k) => {
    const o = owner[k];
    if (o) recognised += 1 - o.distance / 4;
    else if (kinds[k] || reading.known.has(words[k] as string) || reading.vocabulary.has(words[k] as string))
      recognised++;
    if (isExplained(k)) return;
    content.push(words[k] as string);
    if (!o || !valid.has(o)) unexplained++;
  });
  return {
    signals: kept,
    uncertain,
    unexplained,
    content,
    question,
    bareQuestion,
    afterContrast: clause.afterContrast,
    recognised,
    words,
    inPhrase: kinds.map((kind) => kind === 'phrase' || kind === 'keyword'),
  };
}

/** Greetings, a name straight after one ("Hi Sarah, …"), and signatures at the end of the reply. */
function markGreetingsAndSignatures(m: Marks, ctx: Context): void {
  const { tokens, words, kinds } = m;
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
    for (let k = 0; k < 2 && p < tokens.length && isName(tokens[p] as Token, isVocabulary, reading); k++)
      kinds[p++] = 'filler';
  }

  // "Thanks, Sarah", "Amelia's mum".
  if (ctx.isLast) {
    for (let k = tokens.length - 1, n = 0; k >= 0 && n < 3; k--, n++) {
      const token = tokens[k] as Token;
      const afterThanks = k > 0 && reading.thanks.has(words[k - 1] as string) && k === tokens.length - 1;
      if (
        isName(token, isVocabulary, reading) ||
        reading.signatures.has(token.word) ||
        (afterThanks && !isVocabulary(token.word))
      ) {
        kinds[k] = 'filler';
      } else break;
    }
  }
  words.forEach((w, k) => {
    if (reading.fillerPatterns.some((re) => re.test(w))) kinds[k] = 'filler';
  });
}

/** Politeness, phrases, keywords, pleasantries and typos. Returns whether a tag question was found. */
function markSignals(m: Marks, ctx: Context): boolean {
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
      ? { entries: viaSquash, distance: 0 }
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
function markRequest(m: Marks, firstContent: number, reading: Reading): boolean {
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

/** Which signals hold, given where they stand in the clause. */
function validSignals(m: Marks, owner: Array<Signal | undefined>, reading: Reading): Set<Signal> {
  const { tokens, words, kinds, signals } = m;
  const isExplained = (k: number) => kinds[k] === 'filler';
  const interjectionsOnlyBefore = (s: Signal) => {
    for (let k = 0; k < s.start; k++) {
      if (isExplained(k)) continue;
      const o = owner[k];
      if (
        !o ||
        (o.scope !== 'start' && o.scope !== 'weakStart') ||
        (o.intent !== 'YES' && o.intent !== 'NO')
      ) {
        return false;
      }
    }
    return true;
  };
  const valid = new Set<Signal>();
  for (const s of signals) {
    switch (s.scope) {
      case 'anywhere':
        valid.add(s);
        break;
      case 'start':
        if (interjectionsOnlyBefore(s)) valid.add(s);
        break;
      case 'bare': {
        // "Cancelled my appointment" is bare; "I cancelled my other appointment" is not.
        const objectOk = s.intent === 'CANCEL' || s.intent === 'REBOOK';
        const isObject = (w: string) =>
          objectOk && (reading.timeObjects.has(w) || reading.determiners.has(w));
        // "Yes stop" / "no, stop" still only asks to stop.
        const before = objectOk || interjectionsOnlyBefore(s);
        const rest = tokens.every(
          (_, k) =>
            (!objectOk && k < s.start) ||
            isExplained(k) ||
            owner[k]?.intent === s.intent ||
            isObject(words[k] as string),
        );
        if (before && rest) valid.add(s);
        break;
      }
      case 'weakVerb': {
        const objectFollows = words.slice(s.end, s.end + 3).some((w) => reading.timeObjects.has(w));
        const alone = tokens.every(
          (_, k) => isExplained(k) || owner[k] === s || reading.timeObjects.has(words[k] as string),
        );
        if (objectFollows || alone) valid.add(s);
        break;
      }
      case 'weakStart':
        break;
    }
  }
  for (const s of signals) {
    if (s.scope !== 'weakStart' || !interjectionsOnlyBefore(s)) continue;
    // "ok ok" and "ok, fine" are still nothing but a yes.
    const sameAnswer = (o: Signal | undefined) =>
      o !== undefined && (valid.has(o) || (o.scope === 'weakStart' && o.intent === s.intent));
    if (tokens.every((_, k) => isExplained(k) || sameAnswer(owner[k]))) valid.add(s);
  }
  return valid;
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

function startsLikeQuestion(words: string[], first: number, reading: Reading): boolean {
  const head = words[first] as string;
  const next = words[first + 1];
  return (
    reading.questionWords.has(head) ||
    (reading.auxiliaries.has(head) && next !== undefined && reading.pronouns.has(next))
  );
}

function isNegatedOrHedged(m: Marks, s: Signal, reading: Reading): boolean {
  const { words, kinds } = m;
  // Words inside a phrase carry their own negation ("can't make it", "don't text me"), and politeness
  // never negates (the Welsh "os" of "os gwelwch yn dda" is not the hedge "os", if).
  const counts = (k: number) => !kinds[k] || kinds[k] === 'keyword';
  const window: string[] = [];
  for (let k = 0; k < s.start; k++) if (counts(k)) window.push(words[k] as string);
  const before = window.some(
    (w, k) =>
      reading.negators.has(w) ||
      reading.hedges.has(w) ||
      reading.negatorBigrams.has(`${w} ${window[k + 1]}`) ||
      reading.hedgeBigrams.has(`${w} ${window[k + 1]}`),
  );
  // Languages that negate after the verb: Nepali "radda nagarnus" (don't cancel).
  let after = false;
  for (let k = s.end; k < words.length && !after; k++)
    after = counts(k) && reading.negatorsAfter.has(words[k] as string);
  return before || after;
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

/**
 * A Reading: the lexicons a reply is read with (English plus one other language), compiled once into the
 * lookups the engine uses. A trust's extra keywords are merged in here.
 */
import type { CancelReason } from '#core/cancel-reason.ts';
import { cliticPattern, type Spelling, squash, tokenize, wordsRegex } from './text.ts';
import { KEYWORD_INTENTS, type KeywordIntent, type KeywordTable, type Lexicon, type Scope } from './types.ts';

export interface Entry {
  tokens: string[];
  intent: KeywordIntent;
  language: string;
  scope: Scope;
}

export interface PhraseRule {
  intent: KeywordIntent;
  language: string;
  scope: Scope;
  re: RegExp;
}

export interface ReasonRule {
  reason: CancelReason;
  re: RegExp;
}

export interface Reading {
  spelling: Spelling;
  /** Keyword entries by first token, longest first. */
  byFirst: Map<string, Entry[]>;
  /** Single-token entries eligible for edit-distance matching. */
  fuzzy: Entry[];
  /** By doubled-letters-folded form ("yess" → "yes"). */
  squashed: Map<string, Entry[]>;
  /** Token → languages whose keywords or hints hold it. */
  vocabulary: Map<string, Set<string>>;
  /** Every other word the lexicons know (fillers, negators, question words, months, …). */
  known: Set<string>;
  /** Languages in the order used to break ties for words shared by several. */
  languageOrder: string[];

  greetings: string[][];
  fillers: Set<string>;
  fillerPatterns: RegExp[];
  polite: RegExp[];
  tags: RegExp[];
  acknowledgements: RegExp[];
  signatures: Set<string>;
  thanks: Set<string>;
  phrases: PhraseRule[];

  negators: Set<string>;
  negatorBigrams: Set<string>;
  hedges: Set<string>;
  hedgeBigrams: Set<string>;
  negatorsAfter: Set<string>;
  contrasts: Set<string>;
  questionWords: Set<string>;
  auxiliaries: Set<string>;
  pronouns: Set<string>;
  request: RegExp;
  requestAtEnd: RegExp;
  runOnRequest: RegExp;
  timeObjects: Set<string>;
  determiners: Set<string>;
  notTypos: Set<string>;

  yearAfterMonth: RegExp;
  referencePrefix: RegExp;
  numberSuffix: RegExp;
  deviceSignature: RegExp;
  reasons: ReasonRule[];
}

const DEFAULT_SCOPE: Record<KeywordIntent, Scope> = {
  CANCEL: 'anywhere',
  REBOOK: 'anywhere',
  YES: 'start',
  NO: 'start',
  STOP: 'bare',
  START: 'bare',
  HELP: 'bare',
};

/** Matches nothing: a reading whose lexicons give no patterns of a kind. */
const NEVER = /(?!)/;

/**
 * Compiles `lexicons` (the first is the base language, which ties go to) with a trust's `extra`
 * keywords for the languages in this reading.
 */
export function compileReading(lexicons: readonly Lexicon[], extra: KeywordTable = {}): Reading {
  const all = <T>(pick: (l: Lexicon) => readonly T[] | undefined): T[] =>
    lexicons.flatMap((l) => pick(l) ?? []);
  const spelling: Spelling = {
    clitic: cliticPattern(all((l) => l.spelling?.clitics)),
    keepDoubled: lexicons.map((l) => l.spelling?.doubledLetters ?? '').join(''),
  };
  const fold = (text: string) => tokenize(text, spelling).map((t) => t.word);
  const words = (pick: (l: Lexicon) => readonly string[] | undefined) => new Set(all(pick));
  const singles = (list: string[]) => new Set(list.filter((w) => !w.includes(' ')));
  const pairs = (list: string[]) => new Set(list.filter((w) => w.includes(' ')));
  const regexes = (pick: (l: Lexicon) => readonly string[] | undefined) => all(pick).map(wordsRegex);
  const anchored = (sources: string[], wrap: (alternation: string) => string, flags = '') =>
    sources.length === 0 ? NEVER : new RegExp(wrap(sources.join('|')), flags);

  // The first lexicon to narrow a word's scope decides it, for any language's entry with that spelling.
  const scopes = new Map<string, Scope>();
  for (const lexicon of lexicons) {
    for (const [intent, byScope] of Object.entries(lexicon.scopes ?? {})) {
      for (const [scope, list] of Object.entries(byScope ?? {})) {
        for (const word of list ?? []) {
          const key = `${intent} ${fold(word).join(' ')}`;
          if (!scopes.has(key)) scopes.set(key, scope as Scope);
        }
      }
    }
  }

  // Keywords: the lexicons', then the trust's. A later table wins, so a trust can move a word to another
  // intent within a language.
  const perLanguage = new Map<string, Map<string, { intent: KeywordIntent; tokens: string[] }>>();
  const addTable = (table: Readonly<Record<string, Lexicon['keywords']>>) => {
    for (const [language, intents] of Object.entries(table)) {
      const words = perLanguage.get(language) ?? new Map();
      perLanguage.set(language, words);
      for (const intent of KEYWORD_INTENTS) {
        for (const keyword of intents[intent] ?? []) {
          const tokens = fold(keyword);
          if (tokens.length > 0) words.set(tokens.join(' '), { intent, tokens });
        }
      }
    }
  };
  for (const lexicon of lexicons) addTable({ [lexicon.language]: lexicon.keywords });
  addTable(extra);

  const byFirst = new Map<string, Entry[]>();
  const fuzzy: Entry[] = [];
  const squashed = new Map<string, Entry[]>();
  const vocabulary = new Map<string, Set<string>>();
  const addVocabulary = (word: string, language: string) => {
    const languages = vocabulary.get(word) ?? new Set<string>();
    languages.add(language);
    vocabulary.set(word, languages);
  };
  for (const [language, entries] of perLanguage) {
    for (const [key, { intent, tokens }] of entries) {
      const entry: Entry = {
        tokens,
        intent,
        language,
        scope: scopes.get(`${intent} ${key}`) ?? DEFAULT_SCOPE[intent],
      };
      const first = tokens[0] as string;
      byFirst.set(first, [...(byFirst.get(first) ?? []), entry]);
      for (const token of tokens) addVocabulary(token, language);
      // Opting out or back in is never guessed from a typo.
      const exactOnly = intent === 'STOP' || intent === 'START';
      if (tokens.length === 1 && !exactOnly) {
        if (first.length >= 5) fuzzy.push(entry);
        if (first.length >= 2) {
          const folded = squash(first, spelling.keepDoubled);
          squashed.set(folded, [...(squashed.get(folded) ?? []), entry]);
        }
      }
    }
  }
  for (const entries of byFirst.values()) entries.sort((a, b) => b.tokens.length - a.tokens.length);
  for (const lexicon of lexicons)
    for (const hint of lexicon.hints ?? []) addVocabulary(hint, lexicon.language);
  const ordered = lexicons.map((l) => l.language);
  const languageOrder = [...ordered, ...[...perLanguage.keys()].filter((l) => !ordered.includes(l))];

  const phrases = lexicons.flatMap((lexicon) =>
    Object.entries(lexicon.phrases ?? {}).flatMap(([intent, sources]) =>
      (sources ?? []).map((source) => ({
        intent: intent as KeywordIntent,
        language: lexicon.language,
        scope: DEFAULT_SCOPE[intent as KeywordIntent],
        re: wordsRegex(source),
      })),
    ),
  );
  const reasons = lexicons.flatMap((lexicon) =>
    Object.entries(lexicon.reasons ?? {}).flatMap(([reason, sources]) =>
      (sources ?? []).map((source) => ({ reason: reason as CancelReason, re: wordsRegex(source) })),
    ),
  );

  const fillers = words((l) => [...(l.fillers ?? []), ...(l.reference?.words ?? [])]);
  const negatorList = all((l) => l.negators);
  const hedgeList = all((l) => l.hedges);
  const greetings = all((l) => l.greetings);
  const months = all((l) => l.months);
  const ordinals = all((l) => l.numbers?.ordinalSuffixes).join('|');
  const reading: Reading = {
    spelling,
    byFirst,
    fuzzy,
    squashed,
    vocabulary,
    known: new Set(),
    languageOrder,
    greetings: greetings.map((g) => g.split(' ')).sort((a, b) => b.length - a.length),
    fillers,
    fillerPatterns: all((l) => l.fillerPatterns).map((p) => new RegExp(`^(?:${p})$`)),
    polite: regexes((l) => l.polite),
    tags: regexes((l) => l.tags),
    acknowledgements: regexes((l) => l.acknowledgements),
    signatures: words((l) => l.signatures),
    thanks: words((l) => l.thanks),
    phrases,
    negators: singles(negatorList),
    negatorBigrams: pairs(negatorList),
    hedges: singles(hedgeList),
    hedgeBigrams: pairs(hedgeList),
    negatorsAfter: words((l) => l.negatorsAfter),
    contrasts: words((l) => l.contrasts),
    questionWords: words((l) => l.questionWords),
    auxiliaries: words((l) => l.auxiliaries),
    pronouns: words((l) => l.pronouns),
    request: anchored(
      all((l) => l.requests),
      (a) => `^(?:${a})(?: |$)`,
    ),
    requestAtEnd: anchored(
      all((l) => l.requestsAtEnd),
      (a) => `(?:^| )(?:${a})$`,
    ),
    runOnRequest: anchored(
      all((l) => l.runOnRequests),
      (a) => `^(?:${a})(?: |$)`,
    ),
    timeObjects: words((l) => l.timeObjects),
    determiners: words((l) => l.determiners),
    notTypos: words((l) => l.notTypos),
    yearAfterMonth: anchored(
      months,
      (a) => `(?:^|[^\\p{L}])(?:${a})\\.?,?\\s*(?:\\d{1,2}(?:${ordinals})?,?\\s*)?$`,
      'u',
    ),
    referencePrefix: anchored(
      all((l) => [...(l.reference?.words ?? []), ...(l.reference?.prefixes ?? [])]),
      (a) => `(?:^|[^\\p{L}])(?:${a})$`,
      'iu',
    ),
    numberSuffix: anchored(
      all((l) => [...(l.numbers?.timeSuffixes ?? []), ...(l.numbers?.ordinalSuffixes ?? [])]),
      (a) => `^\\s?(?:${a})(?!\\p{L})`,
      'iu',
    ),
    deviceSignature: anchored(
      all((l) => l.deviceSignatures),
      (a) => `(?:^|\\s)(?:${a})\\s*$`,
      'iu',
    ),
    reasons,
  };
  for (const set of [
    fillers,
    reading.negators,
    reading.hedges,
    reading.negatorsAfter,
    reading.questionWords,
    reading.auxiliaries,
    reading.pronouns,
    reading.timeObjects,
    reading.contrasts,
    reading.signatures,
    reading.notTypos,
  ]) {
    for (const word of set) reading.known.add(word);
  }
  for (const word of [...months, ...greetings.flatMap((g) => g.split(' '))]) reading.known.add(word);
  return reading;
}

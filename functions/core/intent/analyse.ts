/**
 * What one clause says: which of its marked keywords and phrases still hold given where they stand
 * (scope), what negates or hedges them, and whether the clause asks rather than tells.
 */
import type { Clause } from './clauses.ts';
import {
  type Context,
  type Marks,
  markGreetingsAndSignatures,
  markRequest,
  markSignals,
  newMarks,
  type Signal,
} from './marks.ts';
import type { Reading } from './reading.ts';
import { type Cue, cuesIn } from './reasons.ts';

export type { Signal } from './marks.ts';

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
  /** Words that are part of a keyword or phrase, valid or not. */
  signalWords: number;
  /** Words that are keywords or hints of this reading's own language and not of the base: its evidence. */
  ownWords: number;
  /** Words the reading's lexicons know, and words they do not (names count as unknown). */
  known: string[];
  unknown: string[];
  /** Folded words, which of them belong to a phrase, and the reason cues among them. */
  words: string[];
  inPhrase: boolean[];
  cues: Cue[];
}

export function analyseClause(clause: Clause, ctx: Context): ClauseResult {
  const { reading } = ctx;
  const { tokens } = clause;
  const m: Marks = newMarks(clause);
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

  // A reason is part of what a language explains: "dziecko chore" (child ill) reads as Polish.
  const cues = cuesIn(words, reading);
  const inCue = new Array<boolean>(tokens.length).fill(false);
  for (const cue of cues) for (let k = cue.start; k < cue.end; k++) inCue[k] = true;
  let unexplained = 0;
  let recognised = 0;
  const content: string[] = [];
  const known: string[] = [];
  const unknown: string[] = [];
  tokens.forEach((_, k) => {
    const o = owner[k];
    const word = words[k] as string;
    const isKnown =
      o !== undefined ||
      inCue[k] ||
      (kinds[k] !== undefined && !m.names[k]) ||
      reading.known.has(word) ||
      reading.vocabulary.has(word);
    recognised += isKnown ? 1 - (o?.distance ?? 0) / 4 : 0;
    (isKnown ? known : unknown).push(word);
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
    signalWords: owner.filter(Boolean).length,
    ownWords: words.filter((w) => {
      const languages = reading.vocabulary.get(w);
      return languages !== undefined && !languages.has(reading.languageOrder[0] as string);
    }).length,
    known,
    unknown,
    words,
    inPhrase: kinds.map((kind) => kind === 'phrase'),
    cues,
  };
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

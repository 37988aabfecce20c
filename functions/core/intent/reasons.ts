/**
 * Why a family cannot come, from the words of their reply ("cant get there no bus" → transport). The
 * cues are each lexicon's `reasons`. A cue that is negated or hedged earlier in its clause ("not ill",
 * "might be at work"), or just after it in a language that negates after (Nepali "birami chaina", not
 * ill), or that stands in a question ("what if she's ill?"), does not count. Two different reasons, or
 * none, leave the reply untagged, for staff.
 */
import type { CancelReason } from '#core/cancel-reason.ts';
import type { Reading } from './reading.ts';

/** A reason cue found in a clause, by word position. */
export interface Cue {
  reason: CancelReason;
  start: number;
  end: number;
}

/** What reason-finding needs to know of a clause. */
export interface ClauseForReasons {
  question: boolean;
  words: string[];
  /** Words that are part of a phrase, which carries its own negation ("cant come"). */
  inPhrase: boolean[];
  cues: Cue[];
}

/** How many words after a cue can negate it, in a language that negates after. */
const AFTER = 2;

export function cuesIn(words: string[], reading: Reading): Cue[] {
  const joined = words.join(' ');
  const starts = new Map<number, number>();
  let offset = 0;
  words.forEach((w, k) => {
    starts.set(offset, k);
    offset += w.length + 1;
  });
  const cues: Cue[] = [];
  for (const { reason, re } of reading.reasons) {
    for (const match of joined.matchAll(re)) {
      const start = starts.get(match.index);
      if (start !== undefined) cues.push({ reason, start, end: start + match[0].split(' ').length });
    }
  }
  return cues;
}

export function findReason(clauses: ClauseForReasons[], reading: Reading): CancelReason | undefined {
  const found = new Set<CancelReason>();
  for (const clause of clauses) {
    if (clause.question) continue;
    for (const cue of clause.cues) if (!qualified(clause, cue, reading)) found.add(cue.reason);
  }
  return found.size === 1 ? [...found][0] : undefined;
}

/** Negated or hedged earlier in the clause, or (Nepali) just after the cue. */
function qualified(clause: ClauseForReasons, cue: Cue, reading: Reading): boolean {
  // "cant come ill": the negation belongs to the phrase "cant come", not to "ill".
  const free = (k: number) => k >= 0 && k < clause.words.length && !clause.inPhrase[k];
  const before: string[] = [];
  for (let k = 0; k < cue.start; k++) if (free(k)) before.push(clause.words[k] as string);
  const negates = (w: string, k: number) =>
    reading.negators.has(w) ||
    reading.hedges.has(w) ||
    reading.negatorBigrams.has(`${w} ${before[k + 1]}`) ||
    reading.hedgeBigrams.has(`${w} ${before[k + 1]}`);
  if (before.some(negates)) return true;
  for (let k = cue.end; k < cue.end + AFTER; k++) {
    if (free(k) && reading.negatorsAfter.has(clause.words[k] as string)) return true;
  }
  return false;
}

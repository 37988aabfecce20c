/**
 * Why a family cannot come, from the words of their reply ("cant get there no bus" → transport). The
 * cues are each lexicon's `reasons`. A cue that is negated or hedged ("not ill", "might be at work"), or
 * stands in a question ("what if she's ill?"), does not count; two different reasons, or none, leave the
 * reply untagged, for staff.
 */
import type { CancelReason } from '#core/cancel-reason.ts';
import type { ClauseResult } from './analyse.ts';
import type { Reading } from './reading.ts';

/** How many words either side of a cue can negate or hedge it. */
const WINDOW = 2;

export function findReason(results: ClauseResult[], reading: Reading): CancelReason | undefined {
  const found = new Set<CancelReason>();
  for (const result of results) {
    if (result.question) continue;
    for (const cue of cuesIn(result, reading)) {
      if (!qualified(result, cue.start, cue.end, reading)) found.add(cue.reason);
    }
  }
  return found.size === 1 ? [...found][0] : undefined;
}

function cuesIn(result: ClauseResult, reading: Reading) {
  const joined = result.words.join(' ');
  const starts = new Map<number, number>();
  let offset = 0;
  result.words.forEach((w, k) => {
    starts.set(offset, k);
    offset += w.length + 1;
  });
  const cues: Array<{ reason: CancelReason; start: number; end: number }> = [];
  for (const { reason, re } of reading.reasons) {
    for (const match of joined.matchAll(re)) {
      const start = starts.get(match.index);
      if (start === undefined) continue;
      const end = start + match[0].split(' ').length;
      cues.push({ reason, start, end });
    }
  }
  return cues;
}

/** Negated or hedged by the words just before the cue, or (Nepali) just after it. */
function qualified(result: ClauseResult, start: number, end: number, reading: Reading): boolean {
  // Words inside an intent's phrase carry their own negation: "cant come, ill" is still ill.
  const free = (k: number) => !result.inPhrase[k];
  const before = result.words.slice(Math.max(0, start - WINDOW), start).filter((_, i, all) => {
    return free(start - all.length + i);
  });
  const negates = (w: string | undefined) =>
    w !== undefined && (reading.negators.has(w) || reading.hedges.has(w));
  const pair = before.join(' ');
  if (before.some(negates) || reading.negatorBigrams.has(pair) || reading.hedgeBigrams.has(pair)) return true;
  const after = result.words.slice(end, end + WINDOW).filter((_, i) => free(end + i));
  return after.some((w) => reading.negatorsAfter.has(w));
}

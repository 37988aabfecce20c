/**
 * Splitting a reply into clauses: at punctuation, at contrast words ("but", "ale"), and where a run-on
 * text starts a request ("cant make it can we rearrange"). A clause carries whether it was asked.
 */
import type { Reading } from './reading.ts';
import { type Token, tokenize } from './text.ts';

export interface Clause {
  tokens: Token[];
  question: boolean;
  afterContrast: boolean;
}

const CLAUSE_RE = /([^.!?¿;,:…\n\r()[\]{}"“”«»„|/\\–—]*)([.!?¿;,:…\n\r()[\]{}"“”«»„|/\\–—]*)/gu;

/** Emoji become clause breaks, except thumbs (and ticks, read as thumbs up), which are answers. */
export function prepare(text: string): string {
  return (
    text
      .normalize('NFKC')
      .replace(/[👌✅✔☑]\uFE0F?/gu, '👍')
      .replace(/[\u{1F3FB}-\u{1F3FF}\uFE0F\u200D]/gu, '')
      .replace(/\p{Extended_Pictographic}/gu, (m) => (m === '👍' || m === '👎' ? ` ${m} ` : '\n'))
      // "&" joins like a filler word: "cancel & rebook" reads as "cancel rebook".
      .replace(/&/g, ' ')
      .replace(/\s-+\s/g, ' — ')
  );
}

export function toClauses(text: string, reading: Reading): Clause[] {
  const clauses: Clause[] = [];
  for (const match of prepare(text).matchAll(CLAUSE_RE)) {
    const [, body = '', delimiter = ''] = match;
    if (!body && !delimiter) continue;
    let tokens: Token[] = [];
    let afterContrast = false;
    const question = /[?¿]/.test(delimiter);
    for (const token of tokenize(body, reading.spelling)) {
      if (reading.contrasts.has(token.word)) {
        if (tokens.length > 0) clauses.push({ tokens, question: false, afterContrast });
        tokens = [];
        afterContrast = true;
        continue;
      }
      tokens.push(token);
    }
    const split = tokens.findIndex(
      (_, i) =>
        i > 0 &&
        !reading.questionWords.has((tokens[i - 1] as Token).word) &&
        reading.runOnRequest.test(
          tokens
            .slice(i, i + 3)
            .map((t) => t.word)
            .join(' '),
        ),
    );
    if (split > 0) {
      clauses.push({ tokens: tokens.slice(0, split), question: false, afterContrast });
      tokens = tokens.slice(split);
      afterContrast = false;
    }
    if (tokens.length > 0) clauses.push({ tokens, question, afterContrast });
    else if (question && clauses.length > 0) (clauses[clauses.length - 1] as Clause).question = true;
  }
  return clauses;
}

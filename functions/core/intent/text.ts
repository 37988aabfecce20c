/**
 * Text handling for the reply parser: tokens, folding, and edit distance. Nothing here knows a word of
 * any language; what a language needs (its clitics, the letters it doubles) comes in as `Spelling`.
 */

export interface Token {
  /** Folded: lower case, no diacritics, no apostrophes or in-word hyphens, elongation collapsed. */
  word: string;
  /** As typed, for telling a signature name ("Sarah") from a word. */
  raw: string;
}

/** What folding needs from the lexicons being read. */
export interface Spelling {
  /** Matches a word ending in an apostrophe and a clitic that is not part of it ("canslo'r"). */
  clitic: RegExp | undefined;
  /** Letters doubled on purpose, which squash leaves alone. */
  keepDoubled: string;
}

export const APOSTROPHES = "'’‘`´ʼ";
const TOKEN_RE = /[\p{L}\p{N}\p{M}'’‘`´ʼ-]+|👍|👎/gu;

export function cliticPattern(clitics: readonly string[]): RegExp | undefined {
  if (clitics.length === 0) return undefined;
  return new RegExp(`(\\p{L}{2,})[${APOSTROPHES}](?:${clitics.join('|')})$`, 'u');
}

export function foldToken(raw: string, spelling: Spelling): string {
  let word = raw
    .normalize('NFKC')
    .toLowerCase()
    // Latin letters that Unicode does not decompose, so the diacritic strip below cannot reach them.
    .replace(/ł/g, 'l')
    .replace(/ß/g, 'ss')
    .normalize('NFD')
    .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
    .normalize('NFC');
  if (spelling.clitic) word = word.replace(spelling.clitic, '$1');
  return word.replace(/['’‘`´ʼ-]/g, '').replace(/(\p{L})\1{2,}/gu, '$1');
}

export function tokenize(text: string, spelling: Spelling): Token[] {
  const tokens: Token[] = [];
  for (const match of text.normalize('NFKC').matchAll(TOKEN_RE)) {
    const word = foldToken(match[0], spelling);
    if (word) tokens.push({ word, raw: match[0].replace(/^['’‘`´ʼ-]+|['’‘`´ʼ-]+$/g, '') });
  }
  return tokens;
}

/** Folds doubled letters ("yess", "okk") as emphasis, except those a language doubles on purpose. */
export function squash(word: string, keepDoubled: string): string {
  return word.replace(/(\p{L})\1+/gu, (run, letter: string) => (keepDoubled.includes(letter) ? run : letter));
}

/** A pattern over folded words joined by single spaces, matching whole words only. */
export function wordsRegex(source: string): RegExp {
  return new RegExp(`(?<=^| )(?:${source})(?= |$)`, 'g');
}

/** Optimal string alignment distance (Levenshtein plus adjacent transposition: "cnacel" → "cancel"). */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) rows.push([i, ...new Array<number>(b.length).fill(0)]);
  const row0 = rows[0] as number[];
  for (let j = 0; j <= b.length; j++) row0[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const prev = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        (prev[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (prev[j - 1] as number) + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      }
      row[j] = best;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * The reply parser's lexicons are data, and independent: a reply is read with English plus one other
 * lexicon at a time, so a change to one language's words cannot change how another language is read.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '#core/config/primitives.ts';
import { parseWithReadings, readingsFrom } from '#core/intent/engine.ts';
import { LEXICONS, type Lexicon, type ParsedReply, parseReply, REPLY_LANGUAGES } from '#core/intent.ts';
import { type ReplyRow, replies } from '#tests/support/replies.ts';

const [english, ...others] = LEXICONS as [Lexicon, ...Lexicon[]];
/** A parser that knows only `lexicons`. */
const parserWith = (lexicons: Lexicon[]) => {
  const readings = readingsFrom(lexicons, {});
  return (body: string) => parseWithReadings(body, readings);
};

/** The row's expectations, in the shape parseReply returns them. */
function expected(row: ReplyRow): Omit<ParsedReply, 'match'> {
  const reply: Omit<ParsedReply, 'match'> = { intent: row.intent };
  if (row.ref) reply.ref = row.ref;
  if (row.language && row.intent !== 'FREE_TEXT') reply.language = row.language;
  if (row.reason) reply.reason = row.reason;
  return reply;
}
const withoutMatch = ({ match: _, ...rest }: ParsedReply) => rest;

/**
 * A hostile change to one language: every keyword of every other lexicon added to its negators, hedges,
 * question words and fillers. Read together, as one table, this would silence every other language.
 */
function hostile(l: Lexicon): Lexicon {
  const fold = (w: string) =>
    w.toLowerCase().replace(/ł/g, 'l').normalize('NFD').replace(/\p{M}/gu, '').replace(/['-]/g, '');
  const foreign = LEXICONS.filter((o) => o !== l)
    .flatMap((o) => Object.values(o.keywords).flat())
    .flatMap((k) => fold(k ?? '').split(' '));
  const plus = (list: readonly string[] | undefined) => [...(list ?? []), ...foreign];
  return {
    ...l,
    negators: plus(l.negators),
    hedges: plus(l.hedges),
    questionWords: plus(l.questionWords),
    fillers: plus(l.fillers),
    negatorsAfter: plus(l.negatorsAfter),
  };
}

describe('lexicons', () => {
  it('are English first, then one per language, each a language of the texts', () => {
    expect(english.language).toBe('en');
    expect(REPLY_LANGUAGES).toEqual(LEXICONS.map((l) => l.language));
    expect(new Set(REPLY_LANGUAGES).size).toBe(REPLY_LANGUAGES.length);
    for (const language of REPLY_LANGUAGES) expect(LANGUAGES, language).toContain(language);
  });

  it('are frozen, so no caller can change a word list at run time', () => {
    for (const l of LEXICONS) {
      expect(Object.isFrozen(l), l.language).toBe(true);
      expect(Object.isFrozen(l.keywords.CANCEL), l.language).toBe(true);
    }
  });

  it('each read their own rows with English alone beside them', () => {
    // Prepare
    const parsers = new Map(
      LEXICONS.map((l) => [l.language, parserWith(l === english ? [l] : [english, l])]),
    );

    for (const row of replies) {
      // Act
      const parsed = (parsers.get(row.language ?? 'en') as (body: string) => ParsedReply)(row.body);

      // Assess
      expect(withoutMatch(parsed), row.body).toEqual(expected(row));
    }
  });

  it.each(others.map((l) => [l.name, l] as const))(
    'cannot change other languages’ rows: with %s changed or removed, every other row reads the same',
    (_, changed) => {
      // Prepare
      const rows = replies.filter((r) => r.language !== changed.language);
      const withHostile = parserWith(LEXICONS.map((l) => (l === changed ? hostile(l) : l)));
      const without = parserWith(LEXICONS.filter((l) => l !== changed));

      for (const row of rows) {
        // Act
        const a = withHostile(row.body);
        const b = without(row.body);

        // Assess
        expect(withoutMatch(a), `${row.body} (changed)`).toEqual(expected(row));
        expect(withoutMatch(b), `${row.body} (removed)`).toEqual(expected(row));
      }
    },
  );

  it('leave a reply that mixes two languages other than English to a person', () => {
    // A Polish cancellation and a Welsh yes: neither reading can speak for the whole reply.
    expect(parseReply('Odwołaj, ie')).toEqual({ intent: 'FREE_TEXT', match: 'none' });
    // A shared keyword and another language's politeness are not a mix.
    expect(parseReply('Stop, dziękuję')).toMatchObject({ intent: 'STOP', language: 'pl' });
  });
});

describe('the engine', () => {
  it('holds no word of any language: every string and regular expression in it is language-free', () => {
    // Prepare: every word (3+ letters) of every lexicon list and pattern, as written (lower case; the
    // engine's own names, such as the intent 'CANCEL', are upper case).
    const lexiconWords = new Set<string>();
    const collect = (value: unknown) => {
      if (typeof value === 'string') {
        for (const w of value.match(/\p{Ll}{3,}/gu) ?? []) lexiconWords.add(w);
      } else if (value && typeof value === 'object') Object.values(value).forEach(collect);
    };
    for (const l of LEXICONS) collect({ ...l, language: '', name: '' });
    // Words the engine needs as names of its own things, not as words of a reply.
    for (const w of ['start', 'keyword', 'phrase', 'fuzzy', 'none', 'bare', 'anywhere'])
      lexiconWords.delete(w);
    const dir = new URL('../../../functions/core/intent/', import.meta.url);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

    // Act: the string and regex literals of each engine file, comments removed.
    const found: string[] = [];
    for (const file of files) {
      const code = readFileSync(new URL(file, dir), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/^\s*\/\/.*$/gm, '');
      const literals =
        code.match(/'(?:[^'\\\n]|\\.)*'|`(?:[^`\\]|\\.)*`|\/(?:[^/\\\n]|\\.)+\/[gimsuy]*/g) ?? [];
      // Module specifiers ('./text.ts', '#core/…') name files, not words.
      for (const literal of literals.filter((l) => !/^['`](?:\.\/|#)/.test(l))) {
        for (const w of literal.match(/\p{Ll}{3,}/gu) ?? []) {
          if (lexiconWords.has(w)) found.push(`${file}: ${w} in ${literal}`);
        }
      }
    }

    // Assess
    expect(files.length).toBeGreaterThan(5);
    expect(found).toEqual([]);
  });
});

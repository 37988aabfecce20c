/**
 * The built-in lexicons, one file per language. To add a language: a file here exporting its Lexicon,
 * one line in LEXICONS, and its rows in tests/fixtures/replies.json (docs/architecture.md says more).
 */
import type { Lexicon } from '../types.ts';
import { cy } from './cy.ts';
import { en } from './en.ts';
import { ne } from './ne.ts';
import { pl } from './pl.ts';
import { ro } from './ro.ts';

/** English first: it is the base every reply is read with, and ties between readings go to it. */
export const LEXICONS: readonly Lexicon[] = deepFreeze([en, cy, pl, ro, ne]);

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

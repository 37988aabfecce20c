/**
 * The parent pages' words, one file per language (the languages of the texts, LANGUAGES). A language
 * added to the reply parser gets a file here and one line below; until then its families read English.
 */

import { cy } from './cy.ts';
import type { ParentTextKey, ParentTexts } from './en.ts';
import { en } from './en.ts';
import { ne } from './ne.ts';
import { pl } from './pl.ts';
import { ro } from './ro.ts';

export type { ParentTextKey, ParentTexts };

export const PARENT_TEXTS: Readonly<Record<string, ParentTexts>> = { en, cy, pl, ro, ne };
export const PAGE_LANGUAGES = Object.keys(PARENT_TEXTS);

/** The words for `language` ('pl-PL' reads Polish), else English. */
export function parentTexts(language: string | undefined): { language: string; texts: ParentTexts } {
  const base = (language ?? 'en').split('-')[0]?.toLowerCase() ?? 'en';
  const texts = PARENT_TEXTS[base];
  return texts ? { language: base, texts } : { language: 'en', texts: en };
}

/**
 * The words of every letter, one file per language under texts/ (the same languages as the SMS
 * templates). A language without a file falls back to English, as texts do: a family must still hear
 * about their appointment. Placeholders are written {name}; `fillLetterText` refuses unknown ones and
 * missing values, because a letter with a hole in it must not be posted.
 */
import { cy } from './texts/cy.ts';
import { en } from './texts/en.ts';
import { ne } from './texts/ne.ts';
import { pl } from './texts/pl.ts';
import { ro } from './texts/ro.ts';

export * from './text-types.ts';

import type { LetterPlaceholder, LetterTexts, LetterVars } from './text-types.ts';
import { LETTER_PLACEHOLDERS } from './text-types.ts';

const BY_LANGUAGE: Readonly<Record<string, LetterTexts>> = { en, cy, pl, ro, ne };

/** The languages that have letter texts. */
export const LETTER_LANGUAGES = Object.keys(BY_LANGUAGE);

/**
 * The texts for `language` ("pl-PL" reads as "pl"), else English. `language` in the result is the one
 * actually used, so the day and the appointment type can be written in the same language.
 */
export function letterTextsFor(language: string): LetterTexts {
  const base = language.split('-')[0] ?? language;
  return BY_LANGUAGE[language] ?? BY_LANGUAGE[base] ?? en;
}

const PLACEHOLDER = /\{([^}]*)\}/g;

/** Fills each {placeholder} in one pass; a value that itself contains braces is left as written. */
export function fillLetterText(text: string, vars: LetterVars): string {
  return text.replace(PLACEHOLDER, (_match, key: string) => {
    if (!(LETTER_PLACEHOLDERS as readonly string[]).includes(key)) {
      throw new Error(`Letter text has an unknown placeholder {${key}}`);
    }
    const value = vars[key as LetterPlaceholder];
    if (value === undefined) throw new Error(`Letter placeholder {${key}} has no value`);
    return value;
  });
}

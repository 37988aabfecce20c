/**
 * The words of every letter, one file per language under texts/ (the same languages as the SMS
 * templates). A language without a file falls back to English, as texts do: a family must still hear
 * about their appointment. Placeholders are written {name}; `fillLetterText` refuses unknown ones and
 * missing values, because a letter with a hole in it must not be posted.
 */
import { cy } from './texts/cy.ts';
import { en } from './texts/en.ts';
import { pl } from './texts/pl.ts';
import { ro } from './texts/ro.ts';

export const LETTER_KINDS = ['booking', 'reminder'] as const;
/** A booking letter (sent when the booking is made) or a reminder letter (a set number of days before). */
export type LetterKind = (typeof LETTER_KINDS)[number];

export const LETTER_PLACEHOLDERS = [
  'name',
  'type',
  'day',
  'time',
  'servicePhone',
  'trust',
  'page',
  'pages',
] as const;
export type LetterPlaceholder = (typeof LETTER_PLACEHOLDERS)[number];
export type LetterVars = Partial<Record<LetterPlaceholder, string>>;

/** What changes between a booking letter and a reminder: the heading and the first paragraph. */
export interface LetterKindTexts {
  /** Bold heading at the top of the body; {name}. */
  readonly heading: string;
  /** The first paragraph; {name}. */
  readonly intro: string;
}

/** Every string a letter prints, in one language. Keep the words plain: no clinical detail, ever. */
export interface LetterTexts {
  /** The language code this file is for (as in the SMS templates: "en", "cy", "pl", "ro"). */
  readonly language: string;
  /** The locale for dates ("Thursday 3 December 2026"). */
  readonly locale: string;
  /** How times are written: "2:30pm" (12h, GOV.UK style) or "14:30" (24h). */
  readonly clock: '12h' | '24h';
  /** The first line of the address when the letter is about a child; {name} is the child's name. */
  readonly addresseeParentOf: string;
  readonly labels: {
    readonly phone: string;
    readonly date: string;
    readonly reference: string;
    readonly what: string;
    readonly when: string;
    readonly where: string;
  };
  /** The "when" value; {day}, {time}. */
  readonly when: string;
  readonly booking: LetterKindTexts;
  readonly reminder: LetterKindTexts;
  /** The heading over how to cancel or rebook. */
  readonly changeHeading: string;
  /** How to cancel or change by phone; {servicePhone}. */
  readonly changeByPhone: string;
  /** How to use the QR code (shown only with a parent link); says what the page will ask for. */
  readonly changeOnline: string;
  /** Introduces the link in words, for anyone who cannot scan a QR code. */
  readonly linkLabel: string;
  /** The closing lines; {trust}. */
  readonly signOff: readonly string[];
  /** The footer on every page; {page}, {pages}. */
  readonly pageOf: string;
}

const BY_LANGUAGE: Readonly<Record<string, LetterTexts>> = { en, cy, pl, ro };

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

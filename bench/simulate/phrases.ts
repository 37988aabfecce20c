/**
 * What families write back, by language: keywords and the everyday words people use instead. Each
 * phrase was checked against the reply parser's reading (it is what a parent might write, not a test of
 * the parser; a misread reply is part of what the simulation exercises).
 */
import type { MissReason } from './parameters.ts';

export type Purpose = 'cancel' | 'rebook' | 'yes' | 'no' | 'stop' | 'start' | 'help' | 'free';

const KEYWORDS: Record<string, Partial<Record<Purpose, string>>> = {
  en: { cancel: 'CANCEL', rebook: 'REBOOK', yes: 'YES', no: 'NO' },
  pl: { cancel: 'ANULUJ', yes: 'TAK', no: 'NIE' },
  ro: { cancel: 'ANULARE', yes: 'DA', no: 'NU' },
  cy: { cancel: 'CANSLO', yes: 'IE', no: 'NA' },
};

const WORDS: Record<string, Partial<Record<Purpose, readonly string[]>>> = {
  en: {
    cancel: ["Sorry can't make it", 'cant make it sorry', 'Cancel please'],
    rebook: ['Can we rearrange please?', 'Could we have a new date please?'],
    yes: ['Yes please', 'Yes we can come'],
    no: ['No thanks'],
    free: [
      'Thank you',
      'Thanks see you then',
      'Is there parking?',
      'Can I bring his sister?',
      'What do I need to bring?',
    ],
  },
  pl: {
    cancel: ['Nie mogę przyjść'],
    rebook: ['Czy mogę przełożyć wizytę?'],
    yes: ['Tak, poproszę'],
    no: ['Nie, dziękuję'],
  },
  ro: { cancel: ['Nu pot veni'], rebook: ['Aș dori altă dată'], yes: ['Da, vă rog'], no: ['Nu, mulțumesc'] },
  cy: {
    cancel: ['Methu dod'],
    rebook: ['Amser arall os gwelwch yn dda'],
    yes: ['Ie os gwelwch yn dda'],
    no: ['Dim diolch'],
  },
  ne: { cancel: ['aaja aauna sakdina'], rebook: ['arko din milcha?'], yes: ['hunchha'], no: ['hudaina'] },
};

/** English cancellations that say why (the parser records the reason). */
const WHY: Partial<Record<MissReason, string>> = {
  work: "Sorry I can't come, I'm at work",
  childcare: 'Cancel pls, no childcare that day',
  transport: 'cant get there no bus',
  unwell: 'Cancel please, baby is poorly',
  'no-longer-needed': "Please cancel, we don't need it any more",
};

export interface PhraseChoice {
  language: string;
  /** In words rather than the keyword. */
  inWords: boolean;
  /** A draw in [0, 1) choosing among the phrases. */
  u: number;
  reason?: MissReason;
  /** The booking's reference, when the family has several and quotes it. */
  ref?: string;
}

/** What a family writes for `purpose`. */
export function phrase(purpose: Purpose, choice: PhraseChoice): string {
  if (purpose === 'stop') return 'STOP';
  if (purpose === 'start') return 'START';
  if (purpose === 'help') return 'HELP';
  const language = WORDS[choice.language] ? choice.language : 'en';
  const keyword = KEYWORDS[language]?.[purpose] ?? KEYWORDS.en![purpose];
  // A reference goes with the keyword: "CANCEL 4821" is how the texts ask for it.
  if (choice.ref && keyword) return `${keyword} ${choice.ref}`;
  if (purpose === 'cancel' && choice.inWords && language === 'en' && choice.reason && WHY[choice.reason]) {
    return WHY[choice.reason]!;
  }
  const words = WORDS[language]?.[purpose] ?? WORDS.en![purpose] ?? [];
  if ((choice.inWords || !keyword) && words.length > 0) return words[Math.floor(choice.u * words.length)]!;
  return keyword ?? 'Thank you';
}

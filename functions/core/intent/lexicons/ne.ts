/**
 * Nepali (नेपाली) as it is texted: in Latin script, romanised by ear, mixed with English ("appointment
 * cancel gardinus"). Kent has a large Nepali and Gurkha community (Folkestone, Ashford, Maidstone).
 * Texters spell freely, so each word has its common spellings: "chh" is also "ch" or "x" (hunchha,
 * huncha, hunxa), long vowels are doubled or not (aauna, auna).
 *
 * Nepali puts the verb, and its negation, last: "radda nagarnus" (don't cancel) negates the keyword
 * before it, so these words are `negatorsAfter`. "…dinu hola" is a polite please, not a hedge, while a
 * bare "hola" after a verb is "probably". A polite request ends the sentence: "arko din milcha?" (is
 * another day possible?).
 *
 * Written by a non-native speaker from common texting usage: the lists need review by a Nepali speaker
 * before a trust relies on them.
 */
import type { Lexicon } from '../types.ts';
import { words } from './words.ts';

/** "please do" and friends, after a verb stem: gardinus, garidinus, garnuhos. */
const DO = '(?:garnus|gardinus|garidinus|garnuhos|gardinuhos|garnu|garna|gara|garde|gardinu|garidinu)';
const MESSAGES = '(?:message|messages|msg|msgs|sms|text|texts|mesej)(?: haru)?';
const SEND = '(?:pathaunus|pathaidinus|pathaunuhos|pathaidinuhos|pathau|pathaunu)';

export const ne: Lexicon = {
  language: 'ne',
  name: 'Nepali (romanised)',
  keywords: {
    CANCEL: ['radda', 'raddha', 'cancel'],
    REBOOK: ['rebook', 'sarnus', 'sardinus', 'saridinus', 'sarnuhos'],
    YES: [
      'ho',
      'hajur',
      'huncha',
      'hunchha',
      'hunxa',
      'hus',
      'hawas',
      'thik',
      'thik cha',
      'thik chha',
      'thik xa',
      'thikai cha',
      'thikai chha',
      'ok',
      'sweekar',
      'swikar',
    ],
    NO: [
      'hoina',
      'hoena',
      'haina',
      'chaina',
      'chhaina',
      'xaina',
      'pardaina',
      'chahidaina',
      'chaidaina',
      'chahindaina',
      'hudaina',
      'hunna',
      'dhanyabad pardaina',
    ],
    STOP: ['stop', 'banda'],
    START: ['start', 'suru'],
    HELP: ['help', 'maddat', 'madat', 'sahayog', 'jankari', 'info'],
  },
  scopes: {
    // Answers only when nothing else is said, like English "ok" and "fine".
    YES: {
      weakStart: [
        'huncha',
        'hunchha',
        'hunxa',
        'hus',
        'thik',
        'thik cha',
        'thik chha',
        'thik xa',
        'thikai cha',
        'thikai chha',
        'ok',
      ],
    },
    // "chaina" (there isn't) and "hudaina" (won't do) also end ordinary sentences.
    NO: { weakStart: ['chaina', 'chhaina', 'xaina', 'hudaina', 'hunna'] },
  },
  phrases: {
    CANCEL: [
      // can't come / go / get there; not possible to come
      '(?:aauna|auna|aaunu|aaun|jana|pugna) (?:sakdina|sakdinau|sakdainau|sakdaina|sakinna|sakidaina|mildaina|paudina|paudaina)',
      // won't come
      '(?:aaudina|audina|aaundina|aaudinau|audinau|aaudainau|audainau|aaudaina|audaina)',
      `cancel ${DO}`,
      '(?:appointment|appt) (?:chahidaina|chaidaina|chahindaina|pardaina)',
    ],
    REBOOK: [
      // another / new / later day, time, date, week
      '(?:arko|aarko|naya|nayaa|pachhi|paxi) (?:din|time|samaya|miti|date|bela|hapta|haptaa)',
      '(?:time|date|din|miti|samaya|appointment) (?:sari|sardinus|milaidinus|milaunus|milai dinus)',
      `change ${DO}`,
      `(?:feri|pheri) book ${DO}`,
    ],
    STOP: [`(?:aba )?${MESSAGES} (?:na ?${SEND}|banda ${DO})`],
    START: [`(?:feri|pheri) ${MESSAGES} ${SEND}`, `${MESSAGES} (?:suru|chalu) ${DO}`],
    YES: [
      // I'll come, we'll come, I'll be there
      '(?:aaunchhu|aaunchu|aauchhu|aauchu|auchu|aunchu|aunchhu|aauxu|auxu|aaunxu|pugchu|pugchhu|pugxu)',
      '(?:aaunchhau|aaunchhaun|aaunchau|aauchau|auchau|aauxau|auxau|aaunxau)',
    ],
  },

  greetings: ['namaste', 'namaskar', 'namaskaar'],
  fillers: words(`
    garnus gardinus garidinus garnuhos gardinuhos garnu garna gara garde gardinu garidinu garne dinus
    dinuhos hai ni ta la paryo parne parcha parchha parxa dhanyabad dhanyabaad dhanyawad danyabad dhanebad
    maaf maf kripaya aba ahile ma hami malai hamilai mero hamro mera hamra tapai tapain tapailai ko ka lai
    cha chha xa chu chhu xu didi dai bahini milaidinus milaunus`),
  polite: [
    // "…dinu hola" is a polite please: "radda gardinu hola" (please cancel).
    '(?:gar|gardi|garidi|di|pathaidi|milai|milaidi|sari|sardi)nu hola',
    'maaf garnus',
  ],
  acknowledgements: ['bujhe', 'bujhen', 'bujhyo', 'ramro', 'ramro cha', 'bhetaula', 'feri bhetaula'],
  signatures: words('aama ama buwa bua baba'),
  thanks: words('dhanyabad dhanyabaad dhanyawad danyabad'),

  hedges: ['sayad', 'shayad', 'yedi', 'yadi', 'thaha chaina', 'thaha chhaina'],
  negatorsAfter: words(`
    nagarnus nagarnu nagarnuhos nagardinus nagara nagarne nagarnuhola na pardaina chahidaina chaidaina
    hoina haina chaina chhaina xaina hola holaa parla bhane ki`),
  contrasts: words('tara tapani'),
  questionWords: words('ke kahile kaile kaha kahaa kata kina kasari kun kati kasko'),
  requestsAtEnd: [
    '(?:milcha|milchha|milxa|milla|mildaina ra|sakincha|sakinchha|sakinxa|paincha|painchha|paaincha)',
  ],
  timeObjects: words('din time samaya miti bela hapta aaja bholi parsi baje bihana beluka diuso bhet jach'),
  determiners: words('yo tyo mero hamro'),
  months: words(`
    baisakh jestha jeth asar asadh shrawan saun bhadra bhadau asoj ashwin kartik mangsir poush push magh
    falgun fagun chaitra chait`),
  hints: words(`
    dhanyabad namaste hajur malai mero hamro garnus gardinus aaja bholi bachha bachcha nani chhora chhori
    cha chha`),

  reference: { words: words('kod nambar namber') },

  reasons: {
    // English words only with a Nepali one: the English lexicon has "work", "bus" and the rest, and a
    // bare English word here would let this reading claim English replies.
    work: [
      'kaam',
      'kam (?:cha|chha|xa|ma|pareko|le)',
      '(?:duty|dyuti|office|shift) (?:cha|chha|xa|ma|pareko|jana|janu)',
      'naukari',
    ],
    childcare: [
      '(?:bachha|bachcha|baccha|nani|chhora|chhori|chora|chori) (?:herne|herna|rakhne|hernu)(?: (?:manche|manchhe|kohi|koi))?(?: (?:chaina|chhaina|xaina))?',
      'herchaha',
      'arko (?:bachha|bachcha|nani)',
      'school bata (?:lina|line|lyauna)',
    ],
    transport: [
      '(?:bus|gadi|gaadi|car|taxi|train|lift) (?:chaina|chhaina|xaina|bigriyo|bigreko|chhutyo|chutyo|aayena|chalena)',
      'gaa?di',
      'yatayat',
    ],
    unwell: [
      'birami',
      'biramii',
      'bimar',
      'bimari',
      'jwaro',
      'joro',
      'khoki',
      'ruga',
      'jhada',
      'bantha',
      'ulti',
      'aspatal',
      'aspataal',
      '(?:sanchai|tabiyat|tabiyet) (?:chaina|chhaina|xaina|bigriyo|kharab)',
      '(?:pet|tauko) dukhyo',
    ],
    forgot: [
      'birse',
      'birsen',
      'birsiye',
      'birsechu',
      'birsechhu',
      'birseko',
      'birsyo',
      'birsiyo',
      'bhule',
      'bhulen',
      'bhuliye',
    ],
    'no-longer-needed': [
      '(?:aba )?(?:chahidaina|chaidaina|chahindaina)',
      '(?:appointment|appt) (?:pardaina|chahidaina)',
    ],
    other: ['bida', 'chhutti', 'chutti', 'biha', 'kiriya', 'malami', 'nepal (?:jane|jadai|gaeko|gayeko)'],
  },
};

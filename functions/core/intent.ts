/**
 * Reply intent parsing: what a parent means by an SMS reply, and which booking reference (if any) they
 * quoted. Pure and synchronous: no I/O, no clock, no AWS.
 *
 * The one rule behind every decision here: a wrong guess changes a real booking or silences a family, so
 * anything uncertain is FREE_TEXT and goes to the staff inbox. In particular:
 * - Negated or hedged actions are FREE_TEXT: "don't cancel", "I don't want to cancel", "I might have to
 *   cancel", "not sure if I can make it", "I was going to cancel but…".
 * - "No I can't make it" / "No, can't come" is CANCEL (the "no" only introduces the cancellation), and
 *   "yes cancel" is CANCEL. REBOOK outranks CANCEL ("can't make it, can we rearrange?"): a parent asking
 *   for another time also gives up this one.
 * - Questions are FREE_TEXT ("Can I bring my partner?", "How do I cancel?"), except a bare keyword with
 *   a question mark ("Cancel?", "Help?") and polite requests ("Could you cancel it please?", "Can we
 *   rearrange?"). A reply that carries an intent *and* an unrelated question ("Yes, what should I
 *   bring?") is FREE_TEXT too, so a person answers the question. "Cancel? no" is FREE_TEXT.
 * - YES needs a word that answers yes. "ok", "thanks ok", "fine", "sure" and "👍" are YES when the reply
 *   holds nothing else; pleasantries alone ("thank you see you then", "great", "no worries") are
 *   FREE_TEXT, because a YES can accept a waitlist offer.
 * - STOP silences a family, so it needs an exact STOP-family word standing as its own clause ("stop",
 *   "STOP!", "please stop", "STOPALL", "unsubscribe") or a phrase about texts ("stop texting me", "no
 *   more messages"). Never fuzzy: "Step", "stpo" and "stop?" are FREE_TEXT, and so is "I can't stop by
 *   on Tuesday" (it may be a cancellation, but not one we can act on safely). START is exact-only too.
 *   A reply that mixes STOP or START with another action ("cancel and stop texting me") is FREE_TEXT.
 * - HELP is a bare keyword ("help", "info"); "I need help with…" is FREE_TEXT.
 * - Fuzzy matching (optimal string alignment distance 1, or 2 for 6+ letter words sharing the first
 *   letter) applies only to replies of one or two content words, only against keywords of 5+ letters,
 *   and never to STOP/START or to known words ("cancer", "except"). Doubled letters ("yess", "noo") and
 *   elongation ("nooooo", "STOPPPP") are emphasis, not typos, and are folded everywhere.
 * - A reference is any standalone 4-digit token ("cancel 2026" is ref 2026). Times, dates, years after a
 *   month name and phone numbers are not refs. When a reply quotes several, the first wins.
 * - Words shared by several languages ("stop", "ok") report the language that the rest of the reply
 *   points to, else English. Emoji report no language.
 */

export const INTENTS = ['CANCEL', 'REBOOK', 'YES', 'NO', 'STOP', 'START', 'HELP', 'FREE_TEXT'] as const;
export type Intent = (typeof INTENTS)[number];
export type KeywordIntent = Exclude<Intent, 'FREE_TEXT'>;

export interface ParsedReply {
  intent: Intent;
  /** A 4-digit reference code found anywhere in the reply ("CANCEL 4821", "ref:4821", "#4821"). */
  ref?: string;
  /** The language whose keyword or phrase decided the intent: 'en' | 'cy' | 'pl' | 'ro' | a trust-added one. */
  language?: string;
  match: 'keyword' | 'phrase' | 'fuzzy' | 'none';
}

/** Keywords per language and intent. Matching ignores case, punctuation and diacritics. */
export type KeywordTable = Record<string, Partial<Record<KeywordIntent, string[]>>>;

const KEYWORD_INTENTS = ['CANCEL', 'REBOOK', 'YES', 'NO', 'STOP', 'START', 'HELP'] as const;

/**
 * The built-in keywords. A trust's `replies.keywords` is merged over this table: its words are added,
 * and a word it gives a different intent in the same language moves to that intent.
 */
export const BUILT_IN_KEYWORDS: KeywordTable = deepFreeze({
  en: {
    CANCEL: ['cancel', 'cancelling', 'canceling', 'cancelled', 'canceled', 'cancellation'],
    REBOOK: [
      'rebook',
      'rebooking',
      'reschedule',
      'rescheduling',
      'rearrange',
      'rearranging',
      'postpone',
      'change',
      'move',
      're book',
      're schedule',
      're arrange',
    ],
    YES: [
      'yes',
      'y',
      'yep',
      'yup',
      'yeah',
      'yea',
      'yeh',
      'ya',
      'ok',
      'okay',
      'okey',
      'okie',
      'sure',
      'fine',
      "that's fine",
      'alright',
      'all right',
      'sounds good',
      'that works',
      'sure thing',
      'okie dokie',
      'okey dokey',
      'accept',
      'accepted',
      'confirm',
      'confirmed',
      'i accept',
      'i confirm',
      'yes please',
      'absolutely',
      'definitely',
      'of course',
    ],
    NO: [
      'no',
      'n',
      'nope',
      'nah',
      'decline',
      'declined',
      'i decline',
      'no thanks',
      'no thank you',
      'not interested',
    ],
    STOP: ['stop', 'stopall', 'stop all', 'unsubscribe', 'opt out', 'optout'],
    START: ['start', 'unstop', 'start again', 'opt in', 'optin', 'resubscribe', 'resume'],
    HELP: ['help', 'info', 'more info', 'information'],
  },
  cy: {
    CANCEL: ['canslo', 'ganslo', 'chanslo', 'nghanslo', 'canslwch', 'diddymu'],
    REBOOK: ['aildrefnu', 'ail-drefnu', 'ail drefnu', 'aildrefnwch', 'newid', 'symud'],
    YES: ['ie', 'oes', 'do', 'ydw', 'ydy', 'ydyn', 'iawn', 'derbyn', 'cadarnhau', 'ok'],
    NO: ['na', 'nac oes', 'naddo', 'nac ydw', 'nac ydy', 'nage', 'dim diolch', 'gwrthod'],
    STOP: ['stopio', 'stop', 'stopiwch', 'dad-danysgrifio'],
    START: ['dechrau', 'ailddechrau', 'start'],
    HELP: ['cymorth', 'help', 'helpu', 'gwybodaeth'],
  },
  pl: {
    CANCEL: [
      'anuluj',
      'anulować',
      'anuluję',
      'anulujcie',
      'anulowanie',
      'odwołaj',
      'odwołać',
      'odwołuję',
      'odwołajcie',
      'odwołanie',
      'rezygnuję',
    ],
    REBOOK: [
      'zmień',
      'zmienić',
      'przełóż',
      'przełożyć',
      'przesuń',
      'przesunąć',
      'zmiana terminu',
      'inny termin',
    ],
    YES: ['tak', 'tak proszę', 'ok', 'dobrze', 'jasne', 'zgoda', 'potwierdzam', 'akceptuję', 'oczywiście'],
    NO: ['nie', 'nie dziękuję', 'odrzucam'],
    STOP: ['stop'],
    START: ['start'],
    HELP: ['pomoc', 'info', 'informacja'],
  },
  ro: {
    CANCEL: ['anulare', 'anulez', 'anulează', 'anulați', 'anula', 'anulăm'],
    REBOOK: [
      'reprogramare',
      'reprogramez',
      'reprogramați',
      'reprograma',
      'reprogramăm',
      'amânare',
      'schimbă',
      'schimbați',
      'mută',
      'mutați',
    ],
    YES: ['da', 'da vă rog', 'ok', 'bine', 'sigur', 'de acord', 'accept', 'confirm'],
    NO: ['nu', 'nu mulțumesc', 'refuz'],
    STOP: ['stop', 'dezabonare'],
    START: ['start'],
    HELP: ['ajutor', 'info', 'informații'],
  },
});

/** Languages in the order used to break ties for words shared by several languages. */
const BUILT_IN_LANGUAGE_ORDER = ['en', 'cy', 'pl', 'ro'];

type Scope =
  /** Counts wherever it appears in a clause (subject to negation, hedging and question checks). */
  | 'anywhere'
  /** An interjection: counts only at the start of a clause ("Yes I'll be there", not "I said yes"). */
  | 'start'
  /** A start word that only answers yes/no when nothing else is said ("ok", "fine", Polish "nie"). */
  | 'weakStart'
  /** Counts only when it is the whole clause, give or take politeness ("stop please", "help"). */
  | 'bare'
  /** A verb that means REBOOK only with a time-like object or alone ("change it", not "change my number"). */
  | 'weakVerb';

const DEFAULT_SCOPE: Record<KeywordIntent, Scope> = {
  CANCEL: 'anywhere',
  REBOOK: 'anywhere',
  YES: 'start',
  NO: 'start',
  STOP: 'bare',
  START: 'bare',
  HELP: 'bare',
};

// Keys are folded keywords (see foldToken), so they match with and without diacritics.
const SCOPE_OVERRIDES: Partial<Record<KeywordIntent, Record<string, Scope>>> = {
  // "I'm on the cancellation list" and "I cancelled my other appointment" must not cancel this one.
  CANCEL: {
    cancelled: 'bare',
    canceled: 'bare',
    cancellation: 'bare',
    anulowanie: 'bare',
    odwolanie: 'bare',
  },
  REBOOK: Object.fromEntries(
    ['change', 'move', 'newid', 'symud', 'zmien', 'zmienic', 'schimba', 'schimbati', 'muta', 'mutati'].map(
      (w) => [w, 'weakVerb' as const],
    ),
  ),
  YES: Object.fromEntries(
    [
      'ok',
      'okay',
      'okey',
      'okie',
      'sure',
      'fine',
      'thats fine',
      'alright',
      'all right',
      'sounds good',
      'that works',
      'sure thing',
      'okie dokie',
      'okey dokey',
      'confirm',
      'iawn',
      'do',
      'dobrze',
      'jasne',
      'bine',
      'sigur',
    ].map((w) => [w, 'weakStart' as const]),
  ),
  // Polish "nie" and Romanian "nu" also negate verbs ("nie wiem", "nu știu"), so alone only.
  NO: { nie: 'weakStart', nu: 'weakStart' },
};

/** A whitespace-separated word list. */
function wordList(list: string): string[] {
  return list.trim().split(/\s+/);
}

// ---------------------------------------------------------------------------------------------------
// Vocabulary that is not a keyword. Everything is written folded: lower case, no diacritics, no
// apostrophes ("can't" is "cant", "we'll" is "well").

const GREETINGS = [
  'hi',
  'hii',
  'hello',
  'hey',
  'heya',
  'hiya',
  'hallo',
  'hi there',
  'hello there',
  'hey there',
  'good morning',
  'good afternoon',
  'good evening',
  'morning',
  'dear',
  'dear sir',
  'dear madam',
  'dear sir or madam',
  'dear all',
  'to whom it may concern',
  'helo',
  'haia',
  'shwmae',
  'sut mae',
  'bore da',
  'prynhawn da',
  'noswaith dda',
  'dzien dobry',
  'witam',
  'czesc',
  'hej',
  'dobry wieczor',
  'buna',
  'buna ziua',
  'buna seara',
  'buna dimineata',
  'salut',
];

const FILLER_WORDS = new Set(
  wordList(`
  please pls plz plse pleas plez thanks thank thankyou thanx thx ty tnx sorry soz apologies
  unfortunately sadly regards love just it me now asap immediately ref reference code oh um erm ah hun
  plis diolch sori prosze dziekuje dzieki przepraszam pozdrawiam niestety multumesc mersi scuze
  scuzati salutari again anymore and so mi mnie`),
);

/** Family sign-offs: "Amelia's mum". */
const SIGNATURE_WORDS = new Set(wordList('mum mam mom mummy dad daddy mama tata mamusia'));
/** Words after which a trailing word is a signature: "Thanks, Sarah", "thanks sarah". */
const THANKS_WORDS = new Set(wordList('thanks thank thankyou thx ty cheers regards love diolch'));

/** Multi-word politeness that carries no intent. Matched as regexes over the folded clause. */
const POLITE_PHRASES = [
  'thank (?:you|u)(?: (?:so|very) much)?',
  'thanks (?:a lot|so much|very much)',
  'many thanks',
  'kind regards',
  'best (?:wishes|regards)',
  'if (?:you|u) (?:could|can|would|dont mind)',
  'hope (?:you|u) dont mind',
  '(?:im|i am|were|we are) (?:so |very |really )?sorry',
  '(?:im|i am) afraid',
  'just (?:to let you know|letting you know)',
  '(?:i|we) (?:would|d) like to',
  '(?:i|we) (?:need|have|want|wish) to',
  '(?:i|we) (?:will|ll|shall) (?:have|need) to',
  '(?:ill|well) (?:have|need) to',
  '(?:im|i am|were|we are) (?:going to|gonna) (?:have|need) to',
  'gotta',
  'got to',
  'os gwelwch (?:yn|chin) dda',
  'diolch yn fawr(?: iawn)?',
  '(?:bardzo|z gory) dziekuje',
  'dziekuje bardzo',
  '(?:va|te) rog',
  'multumesc (?:frumos|mult)',
  'imi pare rau',
  'din pacate',
];

/** "…, is that ok?" and friends: a question that asks nothing of staff. */
const TAG_PHRASES = [
  '(?:is|if|hope) (?:that|thats|this|its|it) (?:is )?(?:ok|okay|alright|all right|possible|fine)',
  'if possible',
  'if (?:you|u) can',
];

/** Pleasantries: explained, but never an intent on their own. */
const ACK_PHRASES = [
  'see (?:you|u|ya)(?: (?:then|there|soon|later|tomorrow|next week|next time|on [a-z]+|at [a-z]+|[a-z]+day))?',
  'no (?:problem|problems|probs|prob|worries)',
  'np',
  'will do',
  '(?:much )?appreciated',
  'have a (?:nice|good|great|lovely) (?:day|weekend|evening)',
  'nice one',
  'got it',
  'all good',
  'sounds great',
  '(?:thats )?(?:great|perfect|lovely|brilliant|excellent|wonderful|awesome|super|cool|grand|good)',
  '(?:message )?(?:received|noted|understood)',
  'got (?:the|your) (?:message|text)',
  'bye',
  'cheers',
  'ta',
  'haha',
  'lol',
  'wela i (?:chi|ti)',
  'gwych',
  'hwyl',
  'da iawn',
  'do zobaczenia',
  'swietnie',
  'pe curand',
  'o zi buna',
  'minunat',
  'la revedere',
];

const NEGATORS = new Set(
  wordList(`
  not dont doesnt didnt never cant cannot wont wouldnt shouldnt mustnt neednt isnt arent wasnt
  peidiwch paid ddim nie nu`),
);
const NEGATOR_BIGRAMS = new Set(['no need', 'no longer', 'dim angen']);

const HEDGES = new Set(
  wordList(`
  might maybe may possibly perhaps probably unsure if whether wondering considering thinking moze
  chyba jesli jezeli ewentualnie prawdopodobnie poate daca probabil eventual efallai os tybed`),
);
const HEDGE_BIGRAMS = new Set(['not sure', 'was going', 'were going']);

/** Words that split a clause; what follows them qualifies what came before. */
const CONTRAST_WORDS = new Set(wordList('but however although though only ale lecz jednak dar insa ond'));

const WH_WORDS = new Set(
  wordList(`
  what whats when whens where wheres why how hows which who whose czy kiedy gdzie jak dlaczego czemu
  co ile ktora ktorej ce cand unde cum cine cat cate pryd ble beth sut pam pwy faint pa`),
);
const AUX_WORDS = new Set(
  wordList(`
  is are am do does did can could would should shall will may have has was were`),
);
const PRONOUNS = new Set(
  wordList(`
  i you u ya we it there the my this that she he they someone anyone our your its`),
);

/** A question that is really a request to act: "Could you cancel it?", "Czy mogę przełożyć wizytę?". */
const REQUEST_RE = new RegExp(
  `^(?:${[
    '(?:can|could|would|will|cud|cld) (?:you|u|ya|we|i|someone|somebody)',
    'is (?:it|that) possible',
    'is there (?:any|another|a)',
    '(?:do|did) (?:you|u) have',
    'have (?:you|u) (?:got|any)',
    'any (?:chance|other|more|different|later|earlier|availability)',
    'czy (?:moge|mozna|mozemy|mozecie|moglibyscie|moglaby|mogliby|moglbym|moglabym|da sie)',
    'pot',
    'putem',
    'puteti',
    'poti',
    'se poate',
    'as putea',
    'ati putea',
    'am putea',
    'ga i',
    'gaf i',
    'alla i',
    'allaf i',
    'allwch chi',
    'allech chi',
    'oes modd',
    'oes posib',
  ].join('|')})(?: |$)`,
);

const RUN_ON_REQUEST_RE =
  /^(?:(?:can|could|would|will) (?:you|u|we|i)|is there (?:any|another|a)|(?:do|did) you have)(?: |$)/;

/** Objects that make a weak verb a rebooking: "change the time", "move it to Friday". */
const TIME_OBJECTS = new Set(
  wordList(`
  it appointment appointments appt appts app time times date dates day days booking slot visit session
  review afternoon morning evening week tomorrow today monday tuesday wednesday thursday friday
  saturday sunday wizyte wizyty wizyta wizycie termin terminu godzine godzina date dzien spotkanie
  programarea programare programari ora data ziua zi vizita apwyntiad amser dyddiad diwrnod ymweliad`),
);

const DETERMINERS = new Set([
  'my',
  'the',
  'this',
  'our',
  'that',
  'your',
  'a',
  'an',
  'fy',
  'yr',
  'y',
  'moja',
  'moje',
  'mea',
]);

/** Real words that sit within fuzzy distance of a keyword. */
const FUZZY_DENYLIST = new Set(
  wordList(`
  cancer candle accent access except chance charge orange stance reboot decide derby there these where`),
);

const MONTHS = wordList(`
  jan january feb february mar march apr april may jun june jul july aug august sep sept september oct
  october nov november dec december ionawr chwefror mawrth ebrill mai mehefin gorffennaf awst medi
  hydref tachwedd rhagfyr styczen stycznia luty lutego marzec marca kwiecien kwietnia maj maja
  czerwiec czerwca lipiec lipca sierpien sierpnia wrzesien wrzesnia pazdziernik pazdziernika listopad
  listopada grudzien grudnia ianuarie februarie martie aprilie iunie iulie septembrie octombrie
  noiembrie decembrie`);
const YEAR_AFTER_MONTH_RE = new RegExp(
  `(?:^|[^\\p{L}])(?:${MONTHS.join('|')})\\.?,?\\s*(?:\\d{1,2}(?:st|nd|rd|th)?,?\\s*)?$`,
  'u',
);

// ---------------------------------------------------------------------------------------------------
// Built-in phrases: natural wording that a keyword list cannot capture. Regex sources over the folded
// clause, tokens joined by single spaces.

interface PhraseRule {
  intent: KeywordIntent;
  language: string;
  scope: Scope;
  re: RegExp;
}

const EN_CANT =
  '(?:cant|cannot|can not|couldnt|could not|can no longer|am unable to|are unable to|unable to|not able to|no longer able to|(?:wont|will not|not going to|not gonna|arent going to) be able to|wont|will not|not going to|not gonna)';
const EN_TEXTS_OBJECT =
  '(?:texting|txting|messaging|msging|sending|contacting|reminding|text|texts|txts|message|messages|msgs|sms|the|these|your|all)(?: me| us)?(?: (?:the|these|your|all|any|any more|more))?(?: (?:text|texts|txts|messages|msgs|reminders|sms|text messages|reminder texts))?';
const PL_TEXTS_OBJECT =
  '(?: (?:mi|do mnie))?(?: (?:wiecej|juz))?(?: (?:wiadomosci|smsow|sms|smsy|przypomnien))?';
const PL_NIE_MOGE = 'nie (?:moge|mozemy|bede mogla|bede mogl|bedziemy mogli|moglabym|moglbym)';
const RO_NU_POT =
  'nu (?:pot|putem|mai pot|mai putem|o sa pot|o sa putem|voi putea|vom putea|reusesc|reusim|o sa reusesc|o sa reusim)';

const PHRASE_SOURCES: Array<[KeywordIntent, string, Scope, string]> = [
  // English
  [
    'CANCEL',
    'en',
    'anywhere',
    `${EN_CANT}(?: really)?(?: be able to)? (?:make|come|attend|get there|get to|go|do|be there|be coming|be attending|be at|be in|keep|manage)`,
  ],
  ['CANCEL', 'en', 'anywhere', '(?:(?:im|i am|were|we are|we re) )?not (?:coming|attending)'],
  ['CANCEL', 'en', 'anywhere', 'no longer (?:need|needed|require|required)'],
  ['CANCEL', 'en', 'anywhere', '(?:dont|do not) need (?:the|this|my|our) (?:appointment|appt|visit)'],
  [
    'CANCEL',
    'en',
    'anywhere',
    'miss (?:it|the appointment|this appointment|my appointment|our appointment|the appt|this one)',
  ],
  [
    'REBOOK',
    'en',
    'anywhere',
    '(?:different|another|new|alternative|alternate|later|earlier) (?:time|times|day|days|date|dates|appointment|appointments|appt|appts|slot|slots|week)',
  ],
  // Not "other appointment": "I cancelled my other appointment" is about a different booking.
  ['REBOOK', 'en', 'anywhere', 'other (?:times|days|dates|slots)'],
  ['REBOOK', 'en', 'anywhere', 'put (?:it|me|us|the appointment|this) (?:back|off)'],
  ['REBOOK', 'en', 'anywhere', 'bring (?:it|the appointment|this) forward'],
  // STOP and START phrases are 'bare': the clause must be about the texts and nothing else, so "stop
  // sending me the wrong name" is not an opt-out.
  ['STOP', 'en', 'bare', `(?:stop|quit|cease|end) ${EN_TEXTS_OBJECT}`],
  ['STOP', 'en', 'bare', '(?:dont|do not|never) (?:text|txt|message|msg|sms|contact) (?:me|us)'],
  ['STOP', 'en', 'bare', 'no more (?:texts|txts|messages|msgs|sms|reminders|text messages)'],
  ['STOP', 'en', 'bare', '(?:unsubscribe me|opt me out)'],
  [
    'STOP',
    'en',
    'bare',
    '(?:take|remove) (?:me|my number|this number|us) (?:off|from) (?:your|the|this) (?:text|texting|sms|messaging|mailing|contact|reminder) (?:list|service|system)',
  ],
  ['START', 'en', 'bare', `(?:start|resume|restart|turn on|switch on) ${EN_TEXTS_OBJECT}`],
  ['START', 'en', 'bare', '(?:send|text) me (?:reminders|texts|messages) again'],
  ['START', 'en', 'bare', 'opt me (?:back )?in'],
  ['YES', 'en', 'start', '(?:i|we) (?:accept|confirm|agree)'],
  [
    'YES',
    'en',
    'start',
    '(?:ill|i will|well|we will|i shall) (?:be there|take it|take the slot|take that|take the appointment|have it|have that|come|attend|be attending|be coming)',
  ],
  [
    'YES',
    'en',
    'start',
    '(?:id|i would|wed|we would) (?:like|love) (?:it|that|the slot|the appointment|that slot|that one)',
  ],
  ['YES', 'en', 'start', '(?:i|we) can (?:come|make it|attend|do it|do that|be there)'],
  ['YES', 'en', 'start', '(?:please )?book (?:me|us|it) in'],
  ['YES', 'en', 'start', 'count (?:me|us) in'],
  ['NO', 'en', 'start', '(?:i|we) (?:will|ll) pass'],
  ['NO', 'en', 'start', 'ill pass'],
  ['NO', 'en', 'start', '(?:i|we) (?:dont|do not) want (?:it|that|the slot|the appointment|that slot)'],
  ['NO', 'en', 'start', 'not for me'],
  ['NO', 'en', 'start', 'no (?:ta|cheers)'],
  // Welsh
  [
    'CANCEL',
    'cy',
    'anywhere',
    '(?:(?:dw i|dwi|rwy|rydw i|ry ni|dyn ni|rydyn ni) )?(?:ddim yn gallu|dim yn gallu|methu|ffaelu|ffili|ni allaf|ni alla i|ni allwn|alla i ddim|allwn ni ddim|fedra i ddim|fedrwn ni ddim) (?:dod|mynychu|bod yna|bod yno|cyrraedd)',
  ],
  [
    'CANCEL',
    'cy',
    'anywhere',
    '(?:fydda i|fyddwn ni|fyddwn i|fydd hi|fydd e|fydd o) ddim (?:yna|yno|yn dod|yn gallu dod)',
  ],
  ['CANCEL', 'cy', 'anywhere', '(?:dim|ddim) angen (?:yr |y )?apwyntiad'],
  ['REBOOK', 'cy', 'anywhere', '(?:amser|diwrnod|dyddiad|apwyntiad|slot) (?:arall|gwahanol|newydd)'],
  [
    'STOP',
    'cy',
    'bare',
    '(?:stopiwch|stopio|peidiwch|peidio) (?:a |ag )?(?:anfon|hanfon|tecstio|thecstio|negeseuon|tecsts)(?: (?:negeseuon|tecsts|neges))?(?: (?:ata i|aton ni|i mi))?',
  ],
  ['START', 'cy', 'bare', '(?:dechrau|ailddechrau) (?:anfon|tecstio|negeseuon)'],
  ['YES', 'cy', 'start', '(?:bydda i|byddaf|byddwn ni|byddwn|fe fydda i|mi fydda i) (?:yna|yno|yn dod)'],
  // Polish
  [
    'CANCEL',
    'pl',
    'anywhere',
    `${PL_NIE_MOGE}(?: niestety)? (?:przyjsc|przyjechac|byc|dotrzec|przybyc|sie stawic|stawic sie|isc|pojsc)`,
  ],
  ['CANCEL', 'pl', 'anywhere', 'nie (?:dam|damy) rady'],
  [
    'CANCEL',
    'pl',
    'anywhere',
    'nie (?:przyjde|przyjdziemy|przyjade|przyjedziemy|zdaze|zdazymy|stawie sie|stawimy sie|bedzie nas|bedzie mnie|pojawie sie|pojawimy sie|dojade|dojedziemy)',
  ],
  ['CANCEL', 'pl', 'anywhere', 'nie (?:bede|bedziemy) (?:obecna|obecny|obecni|na wizycie)'],
  [
    'REBOOK',
    'pl',
    'anywhere',
    '(?:inny|innym|inna|inne|nowy|nowym|nowa|nowe|kolejny|pozniejszy|wczesniejszy) (?:termin|terminie|dzien|date|data|godzine|godzina|wizyte|wizyta)',
  ],
  [
    'STOP',
    'pl',
    'bare',
    `(?:przestancie|przestan|prosze przestac|przestac) (?:pisac|wysylac|smsowac|wysylanie)${PL_TEXTS_OBJECT}`,
  ],
  ['STOP', 'pl', 'bare', `nie (?:wysylajcie|piszcie|przysylajcie)${PL_TEXTS_OBJECT}`],
  ['STOP', 'pl', 'bare', '(?:wypisz|wypiszcie) mnie'],
  ['START', 'pl', 'bare', '(?:wznow|wznowcie|wlacz|wlaczcie) (?:wysylanie|wiadomosci|przypomnienia|smsy)'],
  [
    'YES',
    'pl',
    'start',
    '(?:przyjde|przyjdziemy|bede obecna|bede obecny|bedziemy obecni|bede na wizycie|bedziemy na wizycie)',
  ],
  // Romanian
  [
    'CANCEL',
    'ro',
    'anywhere',
    `${RO_NU_POT}(?: sa)? (?:veni|vin|venim|ajunge|ajung|ajungem|participa|particip|fi prezent|fi prezenta|fi acolo|merge|merg)`,
  ],
  [
    'CANCEL',
    'ro',
    'anywhere',
    'nu (?:vin|venim|o sa vin|o sa venim|voi veni|vom veni|mai vin|mai venim|ajung|ajungem|voi fi acolo|vom fi acolo)',
  ],
  ['CANCEL', 'ro', 'anywhere', 'nu (?:mai )?(?:am|avem) nevoie de (?:programare|programarea)'],
  ['REBOOK', 'ro', 'anywhere', '(?:alta|alt|alte|noua|alti) (?:data|ora|ore|zi|zile|programare|programari)'],
  ['REBOOK', 'ro', 'anywhere', '(?:data|ora|zi|programare) (?:alta|noua)'],
  [
    'STOP',
    'ro',
    'bare',
    'nu (?:mai )?(?:trimiteti|trimite|trimitetimi|trimiteti mi|trimitetine|scrieti)(?: (?:mesaje|mesajele|sms|smsuri|notificari))?',
  ],
  [
    'STOP',
    'ro',
    'bare',
    '(?:opriti|oprire|stop|opreste) (?:mesajele|mesaje|sms|smsurile|notificarile|trimiterea)',
  ],
  ['STOP', 'ro', 'bare', '(?:dezabonatima|dezabonatimi|dezabonati ma|dezabonati mi)'],
  [
    'START',
    'ro',
    'bare',
    '(?:reporniti|reluati|porniti) (?:mesajele|mesaje|sms|smsurile|notificarile|trimiterea)',
  ],
  ['YES', 'ro', 'start', '(?:voi fi|vom fi|o sa fiu|o sa fim) (?:acolo|prezent|prezenta|prezenti)'],
  ['YES', 'ro', 'start', '(?:vin|venim)'],
];

const PHRASES: PhraseRule[] = PHRASE_SOURCES.map(([intent, language, scope, source]) => ({
  intent,
  language,
  scope,
  re: wordsRegex(source),
}));
const PHRASE_RES = PHRASES.map((p) => p.re);
const POLITE_RES = POLITE_PHRASES.map(wordsRegex);
const TAG_RES = TAG_PHRASES.map(wordsRegex);
const ACK_RES = ACK_PHRASES.map(wordsRegex);
const GREETING_SEQS = GREETINGS.map((g) => g.split(' ')).sort((a, b) => b.length - a.length);

/** Language-specific non-keyword words, so "Stop, dziękuję" reports Polish. */
const LANGUAGE_HINTS: Record<string, string[]> = {
  en: ['please', 'pls', 'thanks', 'thank', 'you', 'sorry', 'the', 'my', 'appointment', 'hello', 'hi'],
  cy: ['diolch', 'plis', 'sori', 'gwelwch', 'dda', 'helo', 'shwmae', 'bore', 'apwyntiad', 'yn', 'fawr'],
  pl: [
    'prosze',
    'dziekuje',
    'dzieki',
    'przepraszam',
    'pozdrawiam',
    'wizyte',
    'wizyty',
    'termin',
    'czesc',
    'witam',
  ],
  ro: ['multumesc', 'mersi', 'va', 'rog', 'scuze', 'programarea', 'programare', 'buna', 'salut', 'pentru'],
};

// ---------------------------------------------------------------------------------------------------
// Keyword table compilation (memoised per extra table object: a trust config is parsed once per cold
// start, so each handler compiles its merged table once).

interface Entry {
  tokens: string[];
  intent: KeywordIntent;
  language: string;
  scope: Scope;
}

interface CompiledTable {
  /** By first token, longest first. */
  byFirst: Map<string, Entry[]>;
  /** Single-token entries eligible for edit-distance matching. */
  fuzzy: Entry[];
  /** By doubled-letters-folded form ("yess" → "yes"). */
  squashed: Map<string, Entry[]>;
  /** Token → languages whose vocabulary holds it. */
  vocabulary: Map<string, Set<string>>;
  languageOrder: string[];
}

const compiledCache = new WeakMap<KeywordTable, CompiledTable>();
let builtInTable: CompiledTable | undefined;

function tableFor(extra: KeywordTable | undefined): CompiledTable {
  if (!extra || Object.keys(extra).length === 0) {
    builtInTable ??= compileTable(undefined);
    return builtInTable;
  }
  let compiled = compiledCache.get(extra);
  if (!compiled) {
    compiled = compileTable(extra);
    compiledCache.set(extra, compiled);
  }
  return compiled;
}

function compileTable(extra: KeywordTable | undefined): CompiledTable {
  const perLanguage = new Map<string, Map<string, { intent: KeywordIntent; tokens: string[] }>>();
  const addTable = (table: KeywordTable) => {
    for (const [language, intents] of Object.entries(table)) {
      let words = perLanguage.get(language);
      if (!words) {
        words = new Map();
        perLanguage.set(language, words);
      }
      for (const intent of KEYWORD_INTENTS) {
        for (const keyword of intents[intent] ?? []) {
          const tokens = tokenize(keyword).map((t) => t.word);
          // A later table wins: a trust can move a word to another intent within a language.
          if (tokens.length > 0) words.set(tokens.join(' '), { intent, tokens });
        }
      }
    }
  };
  addTable(BUILT_IN_KEYWORDS);
  if (extra) addTable(extra);

  const byFirst = new Map<string, Entry[]>();
  const fuzzy: Entry[] = [];
  const squashed = new Map<string, Entry[]>();
  const vocabulary = new Map<string, Set<string>>();
  const addVocabulary = (word: string, language: string) => {
    const languages = vocabulary.get(word) ?? new Set<string>();
    languages.add(language);
    vocabulary.set(word, languages);
  };
  for (const [language, words] of perLanguage) {
    for (const [key, { intent, tokens }] of words) {
      const entry: Entry = {
        tokens,
        intent,
        language,
        scope: SCOPE_OVERRIDES[intent]?.[key] ?? DEFAULT_SCOPE[intent],
      };
      const first = tokens[0] as string;
      byFirst.set(first, [...(byFirst.get(first) ?? []), entry]);
      for (const token of tokens) addVocabulary(token, language);
      const exactOnly = intent === 'STOP' || intent === 'START';
      if (tokens.length === 1 && !exactOnly) {
        if (first.length >= 5) fuzzy.push(entry);
        if (first.length >= 2) {
          const folded = squash(first);
          squashed.set(folded, [...(squashed.get(folded) ?? []), entry]);
        }
      }
    }
  }
  for (const entries of byFirst.values()) entries.sort((a, b) => b.tokens.length - a.tokens.length);
  for (const [language, hints] of Object.entries(LANGUAGE_HINTS)) {
    for (const hint of hints) addVocabulary(hint, language);
  }
  const languageOrder = [
    ...BUILT_IN_LANGUAGE_ORDER,
    ...[...perLanguage.keys()].filter((l) => !BUILT_IN_LANGUAGE_ORDER.includes(l)),
  ];
  return { byFirst, fuzzy, squashed, vocabulary, languageOrder };
}

// ---------------------------------------------------------------------------------------------------
// Text handling

interface Token {
  /** Folded: lower case, no diacritics, no apostrophes or in-word hyphens, elongation collapsed. */
  word: string;
  /** As typed, for telling a signature name ("Sarah") from a word. */
  raw: string;
}

const TOKEN_RE = /[\p{L}\p{N}\p{M}'’‘`´ʼ-]+|👍|👎/gu;

function foldToken(raw: string): string {
  return (
    raw
      .normalize('NFKC')
      .toLowerCase()
      .replace(/ł/g, 'l')
      .replace(/ß/g, 'ss')
      .normalize('NFD')
      .replace(/(\p{Script=Latin})\p{M}+/gu, '$1')
      .normalize('NFC')
      // Welsh "canslo'r apwyntiad" (cancel the appointment): the clitic article is not part of the word.
      .replace(/(\p{L}{2,})['’‘`´ʼ]r$/u, '$1')
      .replace(/['’‘`´ʼ-]/g, '')
      .replace(/(\p{L})\1{2,}/gu, '$1')
  );
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  for (const match of text.normalize('NFKC').matchAll(TOKEN_RE)) {
    const word = foldToken(match[0]);
    if (word) tokens.push({ word, raw: match[0].replace(/^['’‘`´ʼ-]+|['’‘`´ʼ-]+$/g, '') });
  }
  return tokens;
}

/** Folds doubled letters ("yess", "okk"), except d, l and f, which Welsh doubles on purpose. */
function squash(word: string): string {
  return word.replace(/(\p{L})\1+/gu, (run, letter: string) => ('dlf'.includes(letter) ? run : letter));
}

function wordsRegex(source: string): RegExp {
  return new RegExp(`(?<=^| )(?:${source})(?= |$)`, 'g');
}

/** Optimal string alignment distance (Levenshtein plus adjacent transposition: "cnacel" → "cancel"). */
function editDistance(a: string, b: string, max: number): number {
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

// ---------------------------------------------------------------------------------------------------
// Reference codes

const DIGIT_CLUSTER_RE = /\+?\d+(?:(?:[-./:]|[ \t]+)\d+)*/g;
const TIME_OR_ORDINAL_SUFFIX_RE = /^\s?(?:a\.?m\.?|p\.?m\.?|hrs?|h|o'?clock|st|nd|rd|th)(?!\p{L})/iu;

/**
 * Finds the first standalone 4-digit token and returns the text with every number blanked out, so that
 * digits never carry intent. Times ("10:30", "1030am"), dates ("3/12", "03/12/2026"), years after a
 * month ("3 March 2026"), ordinals and UK phone numbers ("07700 900123", "+44 7700 900123") are skipped.
 */
function extractRef(text: string): { ref?: string; rest: string } {
  const scan = text.replace(/[()]/g, ' ');
  const rest = scan.split('');
  let ref: string | undefined;
  for (const cluster of scan.matchAll(DIGIT_CLUSTER_RE)) {
    const clusterStart = cluster.index;
    let clusterEnd = clusterStart + cluster[0].length;
    const suffix = TIME_OR_ORDINAL_SUFFIX_RE.exec(scan.slice(clusterEnd));
    const parts = [...cluster[0].matchAll(/\+?\d+(?:[-./:]\d+)*/g)].map((p) => ({
      text: p[0],
      start: clusterStart + p.index,
    }));
    for (let i = 0; i < parts.length; ) {
      const phoneEnd = phoneNumberEnd(parts, i);
      if (phoneEnd > i) {
        i = phoneEnd;
        continue;
      }
      const part = parts[i] as { text: string; start: number };
      const isLast = i === parts.length - 1;
      if (ref === undefined && /^\d{4}$/.test(part.text) && !(isLast && suffix) && isStandalone(scan, part)) {
        ref = part.text;
      }
      i++;
    }
    if (suffix) clusterEnd += suffix[0].length;
    for (let k = clusterStart; k < clusterEnd; k++) rest[k] = ' ';
  }
  return ref === undefined ? { rest: rest.join('') } : { ref, rest: rest.join('') };
}

/** The index after a phone number starting at parts[i] (0 or + then 10–13 digits), else i. */
function phoneNumberEnd(parts: Array<{ text: string }>, i: number): number {
  const first = parts[i]?.text ?? '';
  if (!/^[+0]/.test(first)) return i;
  let digits = 0;
  let end = i;
  for (let j = i; j < parts.length; j++) {
    const part = (parts[j] as { text: string }).text;
    if (!/^\+?\d+(?:-\d+)*$/.test(part)) break;
    digits += part.replace(/\D/g, '').length;
    if (digits > 13) break;
    if (digits >= 10) end = j + 1;
  }
  return end;
}

function isStandalone(text: string, part: { text: string; start: number }): boolean {
  const before = text.slice(0, part.start);
  const after = text.slice(part.start + part.text.length);
  if (/[£$€+]\s?$/.test(before) || /^[%\p{L}]/u.test(after)) return false;
  if (/\p{L}$/u.test(before) && !/(?:^|[^\p{L}])(?:ref|reference|nr|no|code)$/iu.test(before)) return false;
  return !YEAR_AFTER_MONTH_RE.test(foldToken(before.slice(-40)).replace(/[^\p{L}\d ,.]/gu, ' '));
}

// ---------------------------------------------------------------------------------------------------
// Clauses

interface Clause {
  tokens: Token[];
  question: boolean;
  afterContrast: boolean;
}

const CLAUSE_RE = /([^.!?¿;,:…\n\r()[\]{}"“”«»„|/\\–—]*)([.!?¿;,:…\n\r()[\]{}"“”«»„|/\\–—]*)/gu;

function toClauses(text: string): Clause[] {
  const prepared = text
    .normalize('NFKC')
    .replace(/[👌✅✔☑]\uFE0F?/gu, '👍')
    .replace(/[\u{1F3FB}-\u{1F3FF}\uFE0F\u200D]/gu, '')
    .replace(/\p{Extended_Pictographic}/gu, (m) => (m === '👍' || m === '👎' ? ` ${m} ` : '\n'))
    .replace(/&/g, ' and ')
    .replace(/\s-+\s/g, ' — ');
  const clauses: Clause[] = [];
  for (const match of prepared.matchAll(CLAUSE_RE)) {
    const [, body = '', delimiter = ''] = match;
    if (!body && !delimiter) continue;
    let tokens: Token[] = [];
    let afterContrast = false;
    const question = /[?¿]/.test(delimiter);
    for (const token of tokenize(body)) {
      if (CONTRAST_WORDS.has(token.word)) {
        if (tokens.length > 0) clauses.push({ tokens, question: false, afterContrast });
        tokens = [];
        afterContrast = true;
        continue;
      }
      tokens.push(token);
    }
    // Run-on texts: "cant make it can we rearrange" is a statement followed by a request.
    const split = tokens.findIndex(
      (_, i) =>
        i > 0 &&
        !WH_WORDS.has((tokens[i - 1] as Token).word) &&
        RUN_ON_REQUEST_RE.test(
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

const DEVICE_SIGNATURE_RE =
  /(?:^|\s)(?:sent from (?:my )?[\p{L}\p{N} .'-]{0,40}|get outlook for [\p{L}]+|sent via [\p{L} ]{1,30})\s*$/iu;

// ---------------------------------------------------------------------------------------------------
// Clause analysis

type Kind = 'filler' | 'keyword' | 'phrase';

interface Signal {
  intent: KeywordIntent;
  /** Candidate languages (a keyword shared by several); empty for emoji. */
  languages: string[];
  match: 'keyword' | 'phrase' | 'fuzzy';
  scope: Scope;
  start: number;
  end: number;
}

interface ClauseResult {
  signals: Signal[];
  /** Negated, hedged, or an action asked about rather than asked for. */
  uncertain: boolean;
  /** Words that are neither politeness nor part of a signal. */
  unexplained: number;
  /** Content words (for the one-or-two-word fuzzy rule). */
  content: string[];
  question: boolean;
  /** A bare keyword with a question mark ("cancel?"). */
  bareQuestion: boolean;
  afterContrast: boolean;
}

interface Context {
  table: CompiledTable;
  fuzzy: boolean;
  isLast: boolean;
}

function analyseClause(clause: Clause, ctx: Context): ClauseResult {
  const { tokens } = clause;
  const words = tokens.map((t) => t.word);
  const kinds: Array<Kind | undefined> = new Array(tokens.length).fill(undefined);
  const signals: Signal[] = [];
  const isVocabulary = (word: string) => ctx.table.vocabulary.has(word) || isKnownWord(word);

  // Greetings, and a name straight after one ("Hi Sarah, …").
  let p = 0;
  for (let matched = true; matched; ) {
    matched = false;
    for (const seq of GREETING_SEQS) {
      if (seq.every((w, k) => words[p + k] === w)) {
        for (let k = 0; k < seq.length; k++) kinds[p + k] = 'filler';
        p += seq.length;
        matched = true;
        break;
      }
    }
  }
  if (p > 0) {
    for (let k = 0; k < 2 && p < tokens.length && isName(tokens[p] as Token, isVocabulary, ctx.table); k++)
      kinds[p++] = 'filler';
  }

  // Signatures at the end of the reply: "Thanks, Sarah", "Amelia's mum", "x".
  if (ctx.isLast) {
    for (let k = tokens.length - 1, n = 0; k >= 0 && n < 3; k--, n++) {
      const token = tokens[k] as Token;
      const afterThanks = k > 0 && THANKS_WORDS.has(words[k - 1] as string) && k === tokens.length - 1;
      if (
        isName(token, isVocabulary, ctx.table) ||
        SIGNATURE_WORDS.has(token.word) ||
        (afterThanks && !isVocabulary(token.word))
      ) {
        kinds[k] = 'filler';
      } else break;
    }
  }
  words.forEach((w, k) => {
    if (/^x+$/.test(w)) kinds[k] = 'filler';
  });

  markRegexes(words, kinds, POLITE_RES, () => 'filler');
  const tagged = markRegexes(words, kinds, TAG_RES, () => 'filler');
  markRegexes(words, kinds, PHRASE_RES, (start, end, index) => {
    const rule = PHRASES[index] as PhraseRule;
    signals.push({
      intent: rule.intent,
      languages: [rule.language],
      match: 'phrase',
      scope: rule.scope,
      start,
      end,
    });
    return 'phrase';
  });
  // Multi-word keywords outrank pleasantries ("sounds good" is YES, though "good" alone is not), and
  // pleasantries outrank single keywords ("no problem" is not NO).
  matchKeywords(words, kinds, signals, ctx.table, 2);
  markRegexes(words, kinds, ACK_RES, () => 'filler');
  matchKeywords(words, kinds, signals, ctx.table, 1);

  words.forEach((w, k) => {
    if (!kinds[k] && FILLER_WORDS.has(w)) kinds[k] = 'filler';
  });

  // Emoji, doubled letters, then (for one- or two-word replies) typos.
  words.forEach((w, k) => {
    if (kinds[k]) return;
    if (w === '👍' || w === '👎') {
      signals.push({
        intent: w === '👍' ? 'YES' : 'NO',
        languages: [],
        match: 'keyword',
        scope: 'anywhere',
        start: k,
        end: k + 1,
      });
      kinds[k] = 'keyword';
      return;
    }
    const squashed = squash(w);
    const viaSquash = squashed !== w ? ctx.table.squashed.get(squashed) : undefined;
    const viaFuzzy = viaSquash ?? (ctx.fuzzy && !isVocabulary(w) ? fuzzyMatch(w, ctx.table) : undefined);
    if (viaFuzzy && viaFuzzy.length > 0) {
      signals.push(signalFrom(viaFuzzy, 'fuzzy', k, k + 1));
      kinds[k] = 'keyword';
    }
  });
  signals.sort((a, b) => a.start - b.start);

  // Which signals hold, given where they stand in the clause.
  const isExplained = (k: number) => kinds[k] === 'filler';
  const firstContent = kinds.findIndex((kind) => kind !== 'filler');
  let question = clause.question;
  if (question && firstContent === -1 && tagged) question = false;
  if (!question && firstContent >= 0) question = startsLikeQuestion(words, firstContent);
  const request = firstContent >= 0 ? REQUEST_RE.exec(words.slice(firstContent).join(' ')) : null;
  const requestForm = request !== null;
  if (request) {
    // "Can you …" is politeness once we know the clause is a request: "Can you stop texting me?" is bare.
    const length = request[0].trim().split(' ').length;
    for (let k = firstContent; k < firstContent + length; k++) kinds[k] ??= 'filler';
  }

  const owner: Array<Signal | undefined> = new Array(tokens.length).fill(undefined);
  for (const s of signals) for (let k = s.start; k < s.end; k++) owner[k] = s;
  const interjectionsOnlyBefore = (s: Signal) => {
    for (let k = 0; k < s.start; k++) {
      if (isExplained(k)) continue;
      const o = owner[k];
      if (
        !o ||
        (o.scope !== 'start' && o.scope !== 'weakStart') ||
        (o.intent !== 'YES' && o.intent !== 'NO')
      ) {
        return false;
      }
    }
    return true;
  };
  const valid = new Set<Signal>();
  for (const s of signals) {
    switch (s.scope) {
      case 'anywhere':
        valid.add(s);
        break;
      case 'start':
        if (interjectionsOnlyBefore(s)) valid.add(s);
        break;
      case 'bare': {
        // "Cancelled my appointment" is bare; "I cancelled my other appointment" is not.
        const objectOk = s.intent === 'CANCEL' || s.intent === 'REBOOK';
        const isObject = (w: string) => objectOk && (TIME_OBJECTS.has(w) || DETERMINERS.has(w));
        // "Yes stop" / "no, stop" still only asks to stop.
        const before = objectOk || interjectionsOnlyBefore(s);
        const rest = tokens.every(
          (_, k) =>
            (!objectOk && k < s.start) ||
            isExplained(k) ||
            owner[k]?.intent === s.intent ||
            isObject(words[k] as string),
        );
        if (before && rest) valid.add(s);
        break;
      }
      case 'weakVerb': {
        const objectFollows = words.slice(s.end, s.end + 3).some((w) => TIME_OBJECTS.has(w));
        const alone = tokens.every(
          (_, k) => isExplained(k) || owner[k] === s || TIME_OBJECTS.has(words[k] as string),
        );
        if (objectFollows || alone) valid.add(s);
        break;
      }
      case 'weakStart':
        break;
    }
  }
  for (const s of signals) {
    if (s.scope !== 'weakStart' || !interjectionsOnlyBefore(s)) continue;
    // "ok ok" and "ok, fine" are still nothing but a yes.
    const sameAnswer = (o: Signal | undefined) =>
      o !== undefined && (valid.has(o) || (o.scope === 'weakStart' && o.intent === s.intent));
    if (tokens.every((_, k) => isExplained(k) || sameAnswer(owner[k]))) valid.add(s);
  }

  // A clause that asks to stop (or restart) texts but also says something else needs a person: acting on
  // only the other part would keep texting a family who asked us to stop.
  const hasOtherAction = (s: Signal) => signals.some((o) => o !== s && o.intent !== s.intent && valid.has(o));
  let uncertain = signals.some(
    (s) =>
      (s.intent === 'STOP' || s.intent === 'START') &&
      !valid.has(s) &&
      (s.match === 'phrase' || hasOtherAction(s)),
  );
  let bareQuestion = false;
  const kept: Signal[] = [];
  const bare = tokens.every(
    (_, k) => isExplained(k) || (owner[k] !== undefined && valid.has(owner[k] as Signal)),
  );
  for (const s of signals) {
    if (!valid.has(s)) continue;
    const isAction =
      s.intent === 'CANCEL' || s.intent === 'REBOOK' || s.intent === 'STOP' || s.intent === 'START';
    if (isAction && (isNegatedOrHedged(words, kinds, s.start) || (question && !requestForm && !bare))) {
      uncertain = true;
      continue;
    }
    if (question) {
      if (s.intent === 'HELP' || (bare && (s.intent === 'CANCEL' || s.intent === 'REBOOK'))) {
        bareQuestion = bareQuestion || !requestForm;
      } else if (!(requestForm && isAction)) {
        uncertain = true;
        continue;
      }
    }
    kept.push(s);
  }

  let unexplained = 0;
  const content: string[] = [];
  tokens.forEach((_, k) => {
    if (isExplained(k)) return;
    content.push(words[k] as string);
    const o = owner[k];
    if (!o || !valid.has(o)) unexplained++;
  });
  return {
    signals: kept,
    uncertain,
    unexplained,
    content,
    question,
    bareQuestion,
    afterContrast: clause.afterContrast,
  };
}

function markRegexes(
  words: string[],
  kinds: Array<Kind | undefined>,
  patterns: RegExp[],
  onMatch: (start: number, end: number, index: number) => Kind,
): boolean {
  const joined = words.join(' ');
  const offsets: number[] = [];
  let offset = 0;
  for (const w of words) {
    offsets.push(offset);
    offset += w.length + 1;
  }
  let any = false;
  for (const [index, re] of patterns.entries()) {
    for (const m of joined.matchAll(re)) {
      const start = offsets.indexOf(m.index);
      const end = offsets.indexOf(m.index + m[0].length + 1);
      const stop = end === -1 ? words.length : end;
      if (start === -1 || kinds.slice(start, stop).some(Boolean)) continue;
      const kind = onMatch(start, stop, index);
      for (let k = start; k < stop; k++) kinds[k] = kind;
      any = true;
    }
  }
  return any;
}

/** Keyword-table matches of at least `minTokens` words, longest entry first at each position. */
function matchKeywords(
  words: string[],
  kinds: Array<Kind | undefined>,
  signals: Signal[],
  table: CompiledTable,
  minTokens: number,
): void {
  for (let i = 0; i < words.length; i++) {
    if (kinds[i]) continue;
    const best: Entry[] = [];
    for (const entry of table.byFirst.get(words[i] as string) ?? []) {
      if (entry.tokens.length < minTokens) break;
      if (best.length > 0 && entry.tokens.length < (best[0] as Entry).tokens.length) break;
      if (entry.tokens.every((t, k) => words[i + k] === t && !kinds[i + k])) best.push(entry);
    }
    if (best.length > 0) {
      const length = (best[0] as Entry).tokens.length;
      signals.push(signalFrom(best, 'keyword', i, i + length));
      for (let k = i; k < i + length; k++) kinds[k] = 'keyword';
      i += length - 1;
    }
  }
}

function signalFrom(entries: Entry[], match: 'keyword' | 'fuzzy', start: number, end: number): Signal {
  const first = entries[0] as Entry;
  // Entries for one word in several languages share an intent unless a trust moved the word; keep the
  // first intent and the languages that agree with it.
  const agreeing = entries.filter((e) => e.intent === first.intent);
  return {
    intent: first.intent,
    languages: [...new Set(agreeing.map((e) => e.language))],
    match,
    scope: first.scope,
    start,
    end,
  };
}

/** A capitalised word we do not know: a name in a greeting or signature, unless it is a keyword typo. */
function isName(token: Token, isVocabulary: (word: string) => boolean, table: CompiledTable): boolean {
  return (
    /^\p{Lu}\p{Ll}+$/u.test(token.raw) &&
    !isVocabulary(token.word) &&
    !table.squashed.has(squash(token.word)) &&
    fuzzyMatch(token.word, table) === undefined
  );
}

const KNOWN_WORDS = new Set([
  ...FILLER_WORDS,
  ...NEGATORS,
  ...HEDGES,
  ...WH_WORDS,
  ...AUX_WORDS,
  ...PRONOUNS,
  ...TIME_OBJECTS,
  ...CONTRAST_WORDS,
  ...MONTHS,
  ...SIGNATURE_WORDS,
  ...GREETINGS.flatMap((g) => g.split(' ')),
  ...FUZZY_DENYLIST,
]);

function isKnownWord(word: string): boolean {
  return KNOWN_WORDS.has(word);
}

function startsLikeQuestion(words: string[], first: number): boolean {
  const head = words[first] as string;
  const next = words[first + 1];
  return WH_WORDS.has(head) || (AUX_WORDS.has(head) && next !== undefined && PRONOUNS.has(next));
}

function isNegatedOrHedged(words: string[], kinds: Array<Kind | undefined>, before: number): boolean {
  // Words inside a phrase carry their own negation ("can't make it", "don't text me"), and politeness
  // never negates (the Welsh "os" of "os gwelwch yn dda" is not the hedge "os", if).
  const window: string[] = [];
  for (let k = 0; k < before; k++) if (!kinds[k] || kinds[k] === 'keyword') window.push(words[k] as string);
  return window.some(
    (w, k) =>
      NEGATORS.has(w) ||
      HEDGES.has(w) ||
      NEGATOR_BIGRAMS.has(`${w} ${window[k + 1]}`) ||
      HEDGE_BIGRAMS.has(`${w} ${window[k + 1]}`),
  );
}

function fuzzyMatch(word: string, table: CompiledTable): Entry[] | undefined {
  if (word.length < 4 || FUZZY_DENYLIST.has(word)) return undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  let best: Entry[] = [];
  for (const entry of table.fuzzy) {
    const keyword = entry.tokens[0] as string;
    const max = Math.min(word.length, keyword.length) >= 6 && word[0] === keyword[0] ? 2 : 1;
    const distance = editDistance(word, keyword, max);
    if (distance > max || distance > bestDistance) continue;
    if (distance < bestDistance) best = [];
    bestDistance = distance;
    best.push(entry);
  }
  const intents = new Set(best.map((e) => e.intent));
  return intents.size === 1 ? best : undefined;
}

// ---------------------------------------------------------------------------------------------------

const FREE_TEXT: ParsedReply = { intent: 'FREE_TEXT', match: 'none' };

/**
 * Parses one SMS reply. `extraKeywords` is the trust's `replies.keywords`, merged over
 * BUILT_IN_KEYWORDS. Never throws; anything it cannot read with confidence is FREE_TEXT.
 */
export function parseReply(body: string, extraKeywords?: KeywordTable): ParsedReply {
  const table = tableFor(extraKeywords);
  const text = String(body ?? '')
    .normalize('NFKC')
    .replace(DEVICE_SIGNATURE_RE, ' ');
  const { ref, rest } = extractRef(text);
  const withRef = (reply: ParsedReply): ParsedReply => (ref === undefined ? reply : { ...reply, ref });

  const clauses = toClauses(rest);
  const analyse = (fuzzy: boolean) =>
    clauses.map((clause, i) => analyseClause(clause, { table, fuzzy, isLast: i === clauses.length - 1 }));
  let results = analyse(false);
  const content = results.flatMap((r) => r.content);
  if (content.length > 0 && content.length <= 2 && results.some((r) => r.unexplained > 0))
    results = analyse(true);

  if (results.some((r) => r.uncertain)) return withRef(FREE_TEXT);
  // A question with no intent in it needs a person to answer it, whatever else the reply says.
  if (results.some((r) => r.question && r.signals.length === 0 && r.unexplained > 0))
    return withRef(FREE_TEXT);
  // "I was going to cancel but…": words after a contrast that we cannot read qualify the intent.
  if (results.some((r) => r.afterContrast && r.signals.length === 0 && r.unexplained > 0))
    return withRef(FREE_TEXT);

  const chatter = results.some((r) => r.signals.length === 0 && r.unexplained > 0);
  const signals = results.flatMap((r) =>
    r.signals.filter((s) => !(s.scope === 'weakStart' && s.intent === 'YES' && chatter)),
  );
  const intents = new Set(signals.map((s) => s.intent));
  const only = (...allowed: KeywordIntent[]) => [...intents].every((i) => allowed.includes(i));

  let intent: KeywordIntent | undefined;
  if (intents.has('STOP')) intent = only('STOP', 'YES', 'NO') ? 'STOP' : undefined;
  else if (intents.has('START')) intent = only('START', 'YES') ? 'START' : undefined;
  else if (intents.has('REBOOK')) intent = 'REBOOK';
  else if (intents.has('CANCEL')) {
    // "Cancel? No" answers its own question the other way.
    const askedThenRefused = results.some(
      (r, i) =>
        r.bareQuestion && results.slice(i + 1).some((later) => later.signals.some((s) => s.intent === 'NO')),
    );
    intent = askedThenRefused ? undefined : 'CANCEL';
  } else if (intents.has('HELP')) intent = only('HELP') ? 'HELP' : undefined;
  else if (intents.has('YES') && intents.has('NO')) intent = undefined;
  else if (intents.has('YES')) intent = 'YES';
  else if (intents.has('NO')) intent = 'NO';
  if (!intent) return withRef(FREE_TEXT);

  const decisive = signals.find((s) => s.intent === intent) as Signal;
  const language = pickLanguage(decisive.languages, clauses, signals, table);
  const reply: ParsedReply = { intent, match: decisive.match };
  if (language) reply.language = language;
  return withRef(reply);
}

function pickLanguage(
  candidates: string[],
  clauses: Clause[],
  signals: Signal[],
  table: CompiledTable,
): string | undefined {
  if (candidates.length <= 1) return candidates[0];
  const votes = new Map<string, number>();
  for (const clause of clauses) {
    for (const { word } of clause.tokens) {
      const languages = table.vocabulary.get(word);
      if (languages?.size === 1) {
        const [language] = languages;
        votes.set(language as string, (votes.get(language as string) ?? 0) + 1);
      }
    }
  }
  for (const s of signals) {
    if (s.match === 'phrase' && s.languages[0])
      votes.set(s.languages[0], (votes.get(s.languages[0]) ?? 0) + 2);
  }
  const rank = (l: string) => table.languageOrder.indexOf(l);
  return [...candidates].sort((a, b) => (votes.get(b) ?? 0) - (votes.get(a) ?? 0) || rank(a) - rank(b))[0];
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

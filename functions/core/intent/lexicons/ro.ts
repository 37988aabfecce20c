/**
 * Romanian (română). "nu" both answers no and negates a verb ("nu pot veni"), so alone it is NO and
 * before a keyword it negates it ("nu anulați", don't cancel).
 */
import type { Lexicon } from '../types.ts';
import { words } from './words.ts';

const NU_POT =
  'nu (?:pot|putem|mai pot|mai putem|o sa pot|o sa putem|voi putea|vom putea|reusesc|reusim|o sa reusesc|o sa reusim)';

export const ro: Lexicon = {
  language: 'ro',
  name: 'Romanian',
  keywords: {
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
  scopes: {
    REBOOK: { weakVerb: ['schimbă', 'schimbați', 'mută', 'mutați'] },
    YES: { weakStart: ['bine', 'sigur', 'ok', 'confirm'] },
    // "nu" also negates verbs ("nu știu", I don't know), so it answers no only on its own.
    NO: { weakStart: ['nu'] },
  },
  phrases: {
    CANCEL: [
      `${NU_POT}(?: sa)? (?:veni|vin|venim|ajunge|ajung|ajungem|participa|particip|fi prezent|fi prezenta|fi acolo|merge|merg)`,
      'nu (?:vin|venim|o sa vin|o sa venim|voi veni|vom veni|mai vin|mai venim|ajung|ajungem|voi fi acolo|vom fi acolo)',
      'nu (?:mai )?(?:am|avem) nevoie de (?:programare|programarea)',
    ],
    REBOOK: [
      '(?:alta|alt|alte|noua|alti) (?:data|ora|ore|zi|zile|programare|programari)',
      '(?:data|ora|zi|programare) (?:alta|noua)',
    ],
    STOP: [
      'nu (?:mai )?(?:trimiteti|trimite|trimitetimi|trimiteti mi|trimitetine|scrieti)(?: (?:mesaje|mesajele|sms|smsuri|notificari))?',
      '(?:opriti|oprire|stop|opreste) (?:mesajele|mesaje|sms|smsurile|notificarile|trimiterea)',
      '(?:dezabonatima|dezabonatimi|dezabonati ma|dezabonati mi)',
    ],
    START: ['(?:reporniti|reluati|porniti) (?:mesajele|mesaje|sms|smsurile|notificarile|trimiterea)'],
    YES: ['(?:voi fi|vom fi|o sa fiu|o sa fim) (?:acolo|prezent|prezenta|prezenti)', '(?:vin|venim)'],
  },

  greetings: ['buna', 'buna ziua', 'buna seara', 'buna dimineata', 'salut'],
  fillers: words('multumesc mersi scuze scuzati salutari'),
  polite: ['(?:va|te) rog', 'multumesc (?:frumos|mult)', 'imi pare rau', 'din pacate'],
  acknowledgements: ['pe curand', 'o zi buna', 'minunat', 'la revedere'],
  signatures: words('mama tata'),

  negators: ['nu'],
  hedges: words('poate daca probabil eventual'),
  contrasts: words('dar insa'),
  questionWords: words('ce cand unde cum cine cat cate'),
  requests: ['pot', 'putem', 'puteti', 'poti', 'se poate', 'as putea', 'ati putea', 'am putea'],
  timeObjects: words('programarea programare programari ora data ziua zi vizita'),
  determiners: ['mea'],
  months: words(`
    ianuarie februarie martie aprilie mai iunie iulie august septembrie octombrie noiembrie decembrie`),
  hints: words('multumesc mersi va rog scuze programarea programare buna salut pentru'),

  reasons: {
    work: ['(?:la )?(?:serviciu|munca|lucru|job)', 'lucrez', 'lucram', '(?:am )?tura(?: de noapte)?'],
    childcare: [
      '(?:nu am|nam|nu avem) cu cine (?:sa )?(?:las|lasam|lasa) (?:copilul|copiii|copii|fetita|baiatul|cei mari)',
      'cu cine (?:sa )?las\\w*',
      'bon(?:a|ei)',
      'gradinit\\w*',
      'ingrijesc',
      'am grija de',
      'iau (?:copilul|copiii) de la scoala',
    ],
    transport: [
      'autobuz\\w*',
      'tren(?:ul|uri)?',
      'masin\\w*',
      'transport\\w*',
      'taxi',
      '(?:nu am|nam|nu avem) cu ce (?:sa )?(?:vin|veni|venim|ajung|ajunge)',
      'trafic',
    ],
    unwell: [
      'bolnav\\w*',
      'racit\\w*',
      'raceala',
      'febr\\w*',
      'temperatur\\w*',
      'spital\\w*',
      'varsaturi',
      'voma\\w*',
      'diaree',
      'viroza',
      'nu (?:ma|se) simt\\w* bine',
      'infecti\\w*',
    ],
    forgot: ['(?:am )?uitat(?:a)?', 'uitasem', 'mia scapat'],
    'no-longer-needed': [
      'nu (?:mai )?(?:am|avem|este|e) nevoie',
      'nu mai (?:este|e) necesar\\w*',
      'neam mutat',
    ],
    other: [
      'concediu',
      'vacant\\w*',
      'inmormantare',
      'nunta',
      'motive personale',
      'probleme (?:personale|de familie|in familie)',
      '(?:mia |nea )?intervenit ceva',
    ],
  },
};

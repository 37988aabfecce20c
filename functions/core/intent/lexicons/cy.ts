/**
 * Welsh (Cymraeg). Keywords come in their mutated forms too ("canslo", "ganslo", "chanslo"), and the
 * clitic article is not part of a word ("canslo'r apwyntiad"). Welsh doubles d, l and f on purpose, so
 * those are never folded as emphasis.
 */
import type { Lexicon } from '../types.ts';
import { words } from './words.ts';

export const cy: Lexicon = {
  language: 'cy',
  name: 'Welsh',
  keywords: {
    CANCEL: ['canslo', 'ganslo', 'chanslo', 'nghanslo', 'canslwch', 'diddymu'],
    REBOOK: ['aildrefnu', 'ail-drefnu', 'ail drefnu', 'aildrefnwch', 'newid', 'symud'],
    YES: ['ie', 'oes', 'do', 'ydw', 'ydy', 'ydyn', 'iawn', 'derbyn', 'cadarnhau', 'ok'],
    NO: ['na', 'nac oes', 'naddo', 'nac ydw', 'nac ydy', 'nage', 'dim diolch', 'gwrthod'],
    STOP: ['stopio', 'stop', 'stopiwch', 'dad-danysgrifio'],
    START: ['dechrau', 'ailddechrau', 'start'],
    HELP: ['cymorth', 'help', 'helpu', 'gwybodaeth'],
  },
  scopes: {
    REBOOK: { weakVerb: ['newid', 'symud'] },
    YES: { weakStart: ['iawn', 'do', 'ok'] },
  },
  phrases: {
    CANCEL: [
      '(?:(?:dw i|dwi|rwy|rydw i|ry ni|dyn ni|rydyn ni) )?(?:ddim yn gallu|dim yn gallu|methu|ffaelu|ffili|ni allaf|ni alla i|ni allwn|alla i ddim|allwn ni ddim|fedra i ddim|fedrwn ni ddim) (?:dod|mynychu|bod yna|bod yno|cyrraedd)',
      '(?:fydda i|fyddwn ni|fyddwn i|fydd hi|fydd e|fydd o) ddim (?:yna|yno|yn dod|yn gallu dod)',
      '(?:dim|ddim) angen (?:yr |y )?apwyntiad',
    ],
    REBOOK: ['(?:amser|diwrnod|dyddiad|apwyntiad|slot) (?:arall|gwahanol|newydd)'],
    STOP: [
      '(?:stopiwch|stopio|peidiwch|peidio) (?:a |ag )?(?:anfon|hanfon|tecstio|thecstio|negeseuon|tecsts)(?: (?:negeseuon|tecsts|neges))?(?: (?:ata i|aton ni|i mi))?',
    ],
    START: ['(?:dechrau|ailddechrau) (?:anfon|tecstio|negeseuon)'],
    YES: ['(?:bydda i|byddaf|byddwn ni|byddwn|fe fydda i|mi fydda i) (?:yna|yno|yn dod)'],
  },

  greetings: ['helo', 'haia', 'shwmae', 'sut mae', 'bore da', 'prynhawn da', 'noswaith dda'],
  fillers: words('plis diolch sori'),
  polite: ['os gwelwch (?:yn|chin) dda', 'diolch yn fawr(?: iawn)?'],
  acknowledgements: ['wela i (?:chi|ti)', 'gwych', 'hwyl', 'da iawn'],
  signatures: ['mam'],
  thanks: ['diolch'],

  negators: [...words('peidiwch paid ddim'), 'dim angen'],
  hedges: words('efallai os tybed'),
  contrasts: ['ond'],
  questionWords: words('pryd ble beth sut pam pwy faint pa'),
  requests: ['ga i', 'gaf i', 'alla i', 'allaf i', 'allwch chi', 'allech chi', 'oes modd', 'oes posib'],
  timeObjects: words('apwyntiad amser dyddiad diwrnod ymweliad'),
  determiners: words('fy yr y'),
  months: words('ionawr chwefror mawrth ebrill mai mehefin gorffennaf awst medi hydref tachwedd rhagfyr'),
  hints: words('diolch plis sori gwelwch dda helo shwmae bore apwyntiad yn fawr'),

  spelling: { clitics: ['r'], doubledLetters: 'dlf' },

  reasons: {
    work: ['(?:yn y )?gwaith', 'gweithio', 'shifft', 'sifft'],
    childcare: [
      'gofal plant',
      'neb i (?:warchod|ofalu am|edrych ar ol)',
      'gwarchod\\w*',
      'meithrinfa (?:ar gau|wedi cau)',
      'gofalu am',
      'gofalwr',
      'casglu (?:y plant|or ysgol)',
      'nol y plant',
    ],
    transport: [
      '(?:dim )?(?:bws|bysiau|tren|trenau|tacsi|lifft)',
      'dim car',
      'car wedi torri(?: lawr)?',
      'trafnidiaeth',
    ],
    unwell: [
      'sal',
      'tost',
      'salwch',
      'gwres',
      'annwyd',
      'ffliw',
      'chwydu',
      '(?:yn yr )?ysbyty',
      'ddim yn (?:teimlon |teimlo yn )?dda',
    ],
    forgot: ['(?:wedi )?anghofio', 'anghofiais', 'anghofies', 'anghofiodd'],
    'no-longer-needed': [
      '(?:dim|ddim) angen (?:yr |y )?apwyntiad',
      'ddim angen (?:e|o|hi) (?:mwyach|bellach)',
    ],
    other: ['gwyliau', 'angladd', 'priodas', 'rhesymau personol', 'argyfwng teuluol', 'rhywbeth wedi codi'],
  },
};

/**
 * Polish (polski). "nie" both answers no and negates a verb ("nie mogę przyjść"), so alone it is NO and
 * before a keyword it negates it ("nie anuluj", don't cancel).
 */
import type { Lexicon } from '../types.ts';
import { words } from './words.ts';

const TEXTS_OBJECT =
  '(?: (?:mi|do mnie))?(?: (?:wiecej|juz))?(?: (?:wiadomosci|smsow|sms|smsy|przypomnien))?';
const NIE_MOGE = 'nie (?:moge|mozemy|bede mogla|bede mogl|bedziemy mogli|moglabym|moglbym)';

export const pl: Lexicon = {
  language: 'pl',
  name: 'Polish',
  keywords: {
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
  scopes: {
    CANCEL: { bare: ['anulowanie', 'odwołanie'] },
    REBOOK: { weakVerb: ['zmień', 'zmienić'] },
    YES: { weakStart: ['dobrze', 'jasne', 'ok'] },
    // "nie" also negates verbs ("nie wiem", I don't know), so it answers no only on its own.
    NO: { weakStart: ['nie'] },
  },
  phrases: {
    CANCEL: [
      `${NIE_MOGE}(?: niestety)? (?:przyjsc|przyjechac|byc|dotrzec|przybyc|sie stawic|stawic sie|isc|pojsc)`,
      'nie (?:dam|damy) rady',
      'nie (?:przyjde|przyjdziemy|przyjade|przyjedziemy|zdaze|zdazymy|stawie sie|stawimy sie|bedzie nas|bedzie mnie|pojawie sie|pojawimy sie|dojade|dojedziemy)',
      'nie (?:bede|bedziemy) (?:obecna|obecny|obecni|na wizycie)',
    ],
    REBOOK: [
      '(?:inny|innym|inna|inne|nowy|nowym|nowa|nowe|kolejny|pozniejszy|wczesniejszy) (?:termin|terminie|dzien|date|data|godzine|godzina|wizyte|wizyta)',
    ],
    STOP: [
      `(?:przestancie|przestan|prosze przestac|przestac) (?:pisac|wysylac|smsowac|wysylanie)${TEXTS_OBJECT}`,
      `nie (?:wysylajcie|piszcie|przysylajcie)${TEXTS_OBJECT}`,
      '(?:wypisz|wypiszcie) mnie',
    ],
    START: ['(?:wznow|wznowcie|wlacz|wlaczcie) (?:wysylanie|wiadomosci|przypomnienia|smsy)'],
    YES: [
      '(?:przyjde|przyjdziemy|bede obecna|bede obecny|bedziemy obecni|bede na wizycie|bedziemy na wizycie)',
    ],
  },

  greetings: ['dzien dobry', 'witam', 'czesc', 'hej', 'dobry wieczor'],
  fillers: words('prosze dziekuje dzieki przepraszam pozdrawiam niestety mi mnie'),
  polite: ['(?:bardzo|z gory) dziekuje', 'dziekuje bardzo'],
  acknowledgements: ['do zobaczenia', 'swietnie'],
  signatures: words('mama tata mamusia'),

  negators: ['nie'],
  hedges: words('moze chyba jesli jezeli ewentualnie prawdopodobnie'),
  contrasts: words('ale lecz jednak'),
  questionWords: words('czy kiedy gdzie jak dlaczego czemu co ile ktora ktorej'),
  requests: ['czy (?:moge|mozna|mozemy|mozecie|moglibyscie|moglaby|mogliby|moglbym|moglabym|da sie)'],
  timeObjects: words('wizyte wizyty wizyta wizycie termin terminu godzine godzina date data dzien spotkanie'),
  determiners: words('moja moje'),
  months: words(`
    styczen stycznia luty lutego marzec marca kwiecien kwietnia maj maja czerwiec czerwca lipiec lipca
    sierpien sierpnia wrzesien wrzesnia pazdziernik pazdziernika listopad listopada grudzien grudnia`),
  hints: words('prosze dziekuje dzieki przepraszam pozdrawiam wizyte wizyty termin czesc witam'),

  reference: { prefixes: ['nr'] },

  reasons: {
    work: [
      '(?:w )?(?:pracy|praca|prace|robocie|robota)',
      'pracuje(?:my)?',
      'nie (?:dostalam|dostalem|dostane) wolnego',
    ],
    childcare: [
      '(?:nie mam|nie mamy) z kim zostawic\\w*(?: \\w+)?',
      'z kim zostawic',
      'opieka nad \\w+',
      'opiekunk\\w*',
      'niani\\w*',
      'przedszkole (?:jest )?zamkniete',
      'odebrac (?:dziecko|dzieci|syna|corke) ze szkoly',
      'opiekuje(?:my)? sie',
    ],
    transport: [
      '(?:nie ma|brak|nie mam|nie mamy) (?:autobusu|pociagu|samochodu|transportu|dojazdu|czym dojechac|jak dojechac)',
      'autobus\\w*',
      'pociag\\w*',
      'samochod\\w*',
      'auto (?:sie )?zepsulo',
      'transport\\w*',
      'dojazd\\w*',
      'taksowk\\w*',
      'korki',
    ],
    unwell: [
      'chor(?:y|a|e|zy|uje|ujemy|uja|oba)',
      'goraczk\\w*',
      'przeziebi\\w*',
      'wymiot\\w*',
      'biegunk\\w*',
      'szpital\\w*',
      '(?:zle|kiepsko) sie czuj\\w*',
      'nie czuj\\w* sie dobrze',
      'temperatur\\w*',
      'infekcj\\w*',
    ],
    forgot: ['zapomnia\\w*', 'zapomnielismy', 'wylecialo mi z glowy'],
    'no-longer-needed': [
      'nie (?:potrzebuje|potrzebujemy)(?: juz)?(?: (?:wizyty|tej wizyty|terminu))?',
      'niepotrzebn\\w*',
      'nie jest (?:juz )?potrzebna',
      'przeprowadzil\\w* sie',
    ],
    other: [
      'urlop\\w*',
      'wakacj\\w*',
      'pogrzeb\\w*',
      'sprawy rodzinne',
      'wyjazd\\w*',
      'slub\\w*',
      'cos (?:mi |nam )?wypadlo',
    ],
  },
};

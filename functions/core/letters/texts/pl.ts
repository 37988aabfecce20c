import type { LetterTexts } from '../text-types.ts';

/** Polski. Names follow a colon, so they never need declining. */
export const pl: LetterTexts = {
  language: 'pl',
  locale: 'pl',
  clock: '24h',
  addresseeParentOf: 'Rodzic lub opiekun: {name}',
  labels: {
    returnAddress: 'Adres zwrotny',
    phone: 'Telefon',
    date: 'Data',
    reference: 'Numer referencyjny',
    what: 'Co',
    when: 'Kiedy',
    where: 'Gdzie',
  },
  when: '{day}, godz. {time}',
  booking: {
    heading: 'Wizyta: {name}',
    intro: 'Umówiliśmy wizytę dla: {name}.',
  },
  reminder: {
    heading: 'Przypomnienie o wizycie: {name}',
    intro: 'Przypominamy o wizycie dla: {name}.',
  },
  changeHeading: 'Jeśli chcesz odwołać lub zmienić wizytę',
  changeByPhone:
    'Zadzwoń do nas pod numer {servicePhone}. Jeśli nie możesz przyjść, daj nam znać, abyśmy mogli zaproponować ten termin innej rodzinie.',
  changeOnline:
    'Możesz też zeskanować kod QR aparatem telefonu, aby potwierdzić, odwołać lub zmienić wizytę przez internet. Poprosimy o datę urodzenia dziecka.',
  linkLabel: 'Jeśli nie możesz zeskanować kodu, wpisz ten link:',
  signOff: ['Zespół pielęgniarek środowiskowych', '{trust}'],
  pageOf: 'Strona {page} z {pages}',
};

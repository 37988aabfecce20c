import type { LetterTexts } from '../text-types.ts';

/**
 * Nepali, romanised as Nepali families in Kent text it (the reply parser reads the same), with the
 * English words they use for "appointment", "phone" and "QR code". Needs review by a Nepali speaker
 * before a trust posts it. Day and month names are in English: Intl's Nepali writes them in Devanagari,
 * which the letter font (Open Sans) cannot print.
 */
export const ne: LetterTexts = {
  language: 'ne',
  locale: 'en-GB',
  clock: '12h',
  addresseeParentOf: '{name} ko aama-buwa wa herchaha garne',
  labels: {
    returnAddress: 'Return address',
    phone: 'Phone',
    date: 'Miti',
    reference: 'Reference',
    what: 'Ke',
    when: 'Kahile',
    where: 'Kaha',
  },
  when: '{day}, {time}',
  booking: {
    heading: '{name} ko appointment',
    intro: 'Hamile {name} ko lagi appointment book gareka chhau.',
  },
  reminder: {
    heading: 'Samjhana: {name} ko appointment',
    intro: 'Yo patra {name} ko appointment ko samjhana ho.',
  },
  changeHeading: 'Appointment radda garnu wa sarnu pare',
  changeByPhone:
    'Hamilai {servicePhone} ma phone garnus. Aauna saknuhunna bhane kripaya bhannus, ani tyo samaya arko pariwar le paaunchha.',
  changeOnline:
    'Athawa phone ko camera le QR code scan garnus ra online confirm, radda wa change garnus. Tapailai bachha ko janma miti sodhinchha.',
  linkLabel: 'QR code scan garna saknuhunna bhane, yo link type garnus:',
  signOff: ['Health visiting team', '{trust}'],
  pageOf: 'Page {page} / {pages}',
};

import type { LetterTexts } from '../text-types.ts';

/** Cymraeg. */
export const cy: LetterTexts = {
  language: 'cy',
  locale: 'cy',
  clock: '24h',
  addresseeParentOf: 'Rhiant neu ofalwr {name}',
  labels: {
    returnAddress: 'Cyfeiriad dychwelyd',
    phone: 'Ffôn',
    date: 'Dyddiad',
    reference: 'Cyfeirnod',
    what: 'Beth',
    when: 'Pryd',
    where: 'Ble',
  },
  when: '{day} am {time}',
  booking: {
    heading: 'Apwyntiad i {name}',
    intro: 'Rydym wedi trefnu apwyntiad i {name}.',
  },
  reminder: {
    heading: 'Nodyn atgoffa: apwyntiad i {name}',
    intro: 'Dyma nodyn i’ch atgoffa am yr apwyntiad i {name}.',
  },
  changeHeading: 'Os oes angen i chi ganslo neu newid yr apwyntiad',
  changeByPhone:
    'Ffoniwch ni ar {servicePhone}. Os na allwch ddod, rhowch wybod i ni, er mwyn i deulu arall gael yr amser.',
  changeOnline:
    'Neu sganiwch y cod QR â chamera eich ffôn i gadarnhau, canslo neu newid yr apwyntiad ar-lein. Gofynnir i chi am ddyddiad geni eich plentyn.',
  linkLabel: 'Os na allwch sganio’r cod, teipiwch y ddolen hon:',
  signOff: ['Y tîm ymwelwyr iechyd', '{trust}'],
  pageOf: 'Tudalen {page} o {pages}',
};

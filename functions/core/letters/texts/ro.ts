import type { LetterTexts } from '../text-types.ts';

/** Română. */
export const ro: LetterTexts = {
  language: 'ro',
  locale: 'ro',
  clock: '24h',
  addresseeParentOf: 'Părintele sau îngrijitorul: {name}',
  labels: {
    returnAddress: 'Adresa de retur',
    phone: 'Telefon',
    date: 'Data',
    reference: 'Referință',
    what: 'Ce',
    when: 'Când',
    where: 'Unde',
  },
  when: '{day}, ora {time}',
  booking: {
    heading: 'Programare: {name}',
    intro: 'Am făcut o programare pentru {name}.',
  },
  reminder: {
    heading: 'Memento: programare pentru {name}',
    intro: 'Vă reamintim de programarea pentru {name}.',
  },
  changeHeading: 'Dacă trebuie să anulați sau să schimbați programarea',
  changeByPhone:
    'Sunați-ne la {servicePhone}. Dacă nu puteți veni, vă rugăm să ne anunțați, ca să putem oferi ora altei familii.',
  changeOnline:
    'Sau scanați codul QR cu camera telefonului pentru a confirma, anula sau schimba programarea online. Vi se va cere data nașterii copilului.',
  linkLabel: 'Dacă nu puteți scana codul, tastați acest link:',
  signOff: ['Echipa de asistente medicale comunitare', '{trust}'],
  pageOf: 'Pagina {page} din {pages}',
};

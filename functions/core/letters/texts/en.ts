import type { LetterTexts } from '../text-types.ts';

/** English: plain words (GOV.UK style), times as "2:30pm". */
export const en: LetterTexts = {
  language: 'en',
  locale: 'en-GB',
  clock: '12h',
  addresseeParentOf: 'Parent or carer of {name}',
  labels: {
    returnAddress: 'Return address',
    phone: 'Phone',
    date: 'Date',
    reference: 'Reference',
    what: 'What',
    when: 'When',
    where: 'Where',
  },
  when: '{day} at {time}',
  booking: {
    heading: 'Appointment for {name}',
    intro: 'We have booked an appointment for {name}.',
  },
  reminder: {
    heading: 'Reminder: appointment for {name}',
    intro: 'This letter is to remind you about the appointment for {name}.',
  },
  changeHeading: 'If you need to cancel or change the appointment',
  changeByPhone:
    'Call us on {servicePhone}. If you cannot come, please tell us, so that another family can have the time.',
  changeOnline:
    'Or scan the QR code with your phone’s camera to confirm, cancel or change the appointment online. You will be asked for your child’s date of birth.',
  linkLabel: 'If you cannot scan the code, type this link:',
  signOff: ['The health visiting team', '{trust}'],
  pageOf: 'Page {page} of {pages}',
};

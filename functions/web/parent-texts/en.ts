/**
 * The parent pages' words in English: the source every other language file copies. `{phone}`,
 * `{type}`, `{day}` and `{time}` are filled in by the page. One file per language (see index.ts).
 */
export const en = {
  languageName: 'English',
  languageSwitch: 'Read this page in',
  help: 'If you need help, call {phone}.',
  endedTitle: 'This link no longer works',
  endedBody:
    'Links end when the appointment starts, or 7 days after we offer a time. To book or change an appointment, call {phone}.',
  lockedTitle: 'This link is locked for an hour',
  lockedBody:
    'The date was entered wrongly too many times. To keep your details safe, the link is locked for an hour. Please call {phone}.',
  checkTitle: 'Check it is you',
  checkIntro: 'To keep your details safe, we need to check a date before we show the appointment.',
  checkDob: "What is your child's date of birth?",
  checkDue: "What is your baby's due date?",
  checkHint: 'For example, 27 3 2025',
  day: 'Day',
  month: 'Month',
  year: 'Year',
  continue: 'Continue',
  errorTitle: 'There is a problem',
  /** Read out by screen readers before an error message, and first in the page title with an error. */
  errorPrefix: 'Error',
  /** Read out by screen readers before an inset (nhsuk inset text's hidden "Information: "). */
  information: 'Information',
  /** The skip link at the top of every page, for keyboard users. */
  skipLink: 'Skip to main content',
  checkWrong: 'The date does not match our records. Check it and try again.',
  checkInvalid: 'Enter a real date, for example 27 3 2025',
  checkImpossible: 'We cannot check this link online. Please call {phone}.',
  appointmentTitle: 'Your appointment',
  whatLabel: 'Appointment',
  dayLabel: 'Day',
  timeLabel: 'Time',
  placeLabel: 'Place',
  addressLabel: 'Address',
  mapLink: 'Show the place on a map',
  confirmedTag: 'Confirmed',
  confirmButton: "We'll be there",
  confirmedPanel: 'Thank you. We have noted that you will be there.',
  changeHeading: 'Cannot come?',
  rebookLink: 'Choose a different time',
  cancelLink: 'Cancel this appointment',
  cancelTitle: 'Cancel the appointment',
  cancelReasonLegend: 'Can you tell us why? (optional)',
  cancelReasonHint: 'This helps us plan appointments that suit families.',
  reason_work: 'Work',
  reason_childcare: 'Childcare, or caring for someone',
  reason_transport: 'Transport: I cannot get there',
  reason_unwell: 'My child or I are unwell',
  reason_forgot: 'I forgot about it',
  'reason_no-longer-needed': 'We no longer need it',
  reason_other: 'Something else',
  otherLabel: 'Tell us more (optional)',
  otherHint: 'You can enter up to {max} characters',
  otherTooLong: 'Tell us more in {max} characters or fewer (you wrote {count})',
  cancelButton: 'Cancel the appointment',
  back: 'Go back',
  cancelledTitle: 'Your appointment is cancelled',
  cancelledBody:
    'Thank you for telling us. The time can now go to another family. To book again, call {phone}.',
  notBookedTitle: 'This appointment is no longer booked',
  notBookedBody: 'It may have been cancelled or changed. If you are not sure, call {phone}.',
  passedTitle: 'This appointment has passed',
  movedTitle: 'Your appointment has moved',
  movedBody: 'This is your new appointment.',
  rebookTitle: 'Choose a new time',
  rebookIntro: 'These times are free at clinics you can get to.',
  rebookLegend: 'Free times',
  rebookButton: 'Book this time',
  rebookNone: 'There are no free times that fit right now.',
  rebookChoose: 'Choose a time',
  rebookTooSoonTitle: 'That time starts too soon to book here',
  rebookTooSoonBody:
    'A time starting this soon cannot be booked online. Please choose a later time, or call {phone}.',
  joinListIntro:
    'We can text you if a time comes up at short notice. You keep your appointment until you take a new one.',
  joinListButton: 'Text me if a time comes up',
  joinedTitle: 'You are on the list',
  joinedBody: 'We will text you if a time comes up. You keep your appointment until then.',
  usedTitle: 'This link has already changed the time',
  usedBody: 'A link can change the time once. Use the link in your newest text, or call {phone}.',
  slotTakenTitle: 'Sorry, that time has just been taken',
  slotTakenBody: 'Another family booked it a moment ago. Please choose another time.',
  /** A chosen time that is not one we offer (a made-up or old link, a withdrawn time): not "taken". */
  rebookUnavailableTitle: 'Sorry, that time is not available',
  rebookUnavailableBody:
    'It is not one of the times we can offer you, or it is no longer available. Please choose one of the times below.',
  offerTitle: 'A time has come up',
  offerIntro: 'This time has come up at short notice. If you take it, it is yours.',
  offerButton: 'Take this time',
  offerTakenTitle: 'This time is booked for you',
  /** Said only when a reminder tier is still to go (parent.ts textsPromise). */
  textReminder: 'We will text you a reminder.',
  /** When no reminder will go but the booking's confirmation text has been sent. */
  textDetailsSent: 'We have sent you a text with the details.',
  /** When no reminder will go and the confirmation is still to go (held by quiet hours). */
  textDetailsDue: 'We will text you the details.',
  offerGoneTitle: 'Sorry, that time has gone',
  offerGoneBody:
    'Another family took it first. You are still on the list, and we will text you if another time comes up.',
  offerEndedTitle: 'Sorry, this offer has ended',
  offerEndedBody:
    'We could only keep this time for a short while. You do not need to do anything. You are still on the list, and we will text you if another time comes up.',
  offerHold:
    'We are keeping this time for you until {time} {when}. After that, we offer it to another family.',
  offerHoldSession: 'You will not need to enter the date again before then.',
  offerHoldToday: 'today',
  offerHoldTomorrow: 'tomorrow',
  offerHoldOn: 'on {day}',
  offerDeclineHeading: 'Cannot make it?',
  offerDeclineIntro:
    'Tell us, and we will offer the time to another family straight away. You stay on the list.',
  offerDeclineButton: 'No thanks, I cannot take this time',
  offerDeclinedTitle: 'Thank you for telling us',
  offerDeclinedBody:
    'We will offer this time to another family. You are still on the list, and we will text you if another time comes up.',
} as const;

export type ParentTextKey = keyof typeof en;
export type ParentTexts = Readonly<Record<ParentTextKey, string>>;

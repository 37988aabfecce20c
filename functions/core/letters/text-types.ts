/** The shape of one language's letter texts (texts/<language>.ts), apart from texts.ts so that each
 * language file imports only this, not the table that gathers them. */
export const LETTER_KINDS = ['booking', 'reminder'] as const;
/** A booking letter (sent when the booking is made) or a reminder letter (a set number of days before). */
export type LetterKind = (typeof LETTER_KINDS)[number];

export const LETTER_PLACEHOLDERS = [
  'name',
  'type',
  'day',
  'time',
  'servicePhone',
  'trust',
  'page',
  'pages',
] as const;
export type LetterPlaceholder = (typeof LETTER_PLACEHOLDERS)[number];
export type LetterVars = Partial<Record<LetterPlaceholder, string>>;

/** What changes between a booking letter and a reminder: the heading and the first paragraph. */
export interface LetterKindTexts {
  /** Bold heading at the top of the body; {name}. */
  readonly heading: string;
  /** The first paragraph; {name}. */
  readonly intro: string;
}

/** Every string a letter prints, in one language. Keep the words plain: no clinical detail, ever. */
export interface LetterTexts {
  /** The language code this file is for (as in the SMS templates: "en", "cy", "pl", "ro"). */
  readonly language: string;
  /** The locale for dates ("Thursday 3 December 2026"). */
  readonly locale: string;
  /** How times are written: "2:30pm" (12h, GOV.UK style) or "14:30" (24h). */
  readonly clock: '12h' | '24h';
  /** The first line of the address when the letter is about a child; {name} is the child's name. */
  readonly addresseeParentOf: string;
  readonly labels: {
    /**
     * Over the trust's return address, top right: it may be another clinic's, so it is named as where
     * undelivered post goes, not left to be read as where the appointment is (that is under `where`).
     */
    readonly returnAddress: string;
    readonly phone: string;
    readonly date: string;
    readonly reference: string;
    readonly what: string;
    readonly when: string;
    readonly where: string;
  };
  /** The "when" value; {day}, {time}. */
  readonly when: string;
  readonly booking: LetterKindTexts;
  readonly reminder: LetterKindTexts;
  /** The heading over how to cancel or rebook. */
  readonly changeHeading: string;
  /** How to cancel or change by phone; {servicePhone}. */
  readonly changeByPhone: string;
  /** How to use the QR code (shown only with a parent link); says what the page will ask for. */
  readonly changeOnline: string;
  /** Introduces the link in words, for anyone who cannot scan a QR code. */
  readonly linkLabel: string;
  /** The closing lines; {trust}. */
  readonly signOff: readonly string[];
  /** The footer on every page; {page}, {pages}. */
  readonly pageOf: string;
}

/**
 * A letter's data (what the caller knows about the family and the appointment) and its composition
 * into the words each part of the page shows, in the family's language and, where the trust asks,
 * Welsh alongside English. Pure: the PDF renderer only places what this returns.
 */
import * as z from 'zod';
import type { EventPathConfig } from '#core/config/event-path-config.ts';
import { calendarDate } from '#core/dates.ts';
import { addressLines, type PostalAddress, postalAddressSchema } from '#core/postal-address.ts';
import { appointmentTypeName } from '#core/templates.ts';
import { inZone } from '#core/zoned-date-time.ts';
import { fillLetterText, LETTER_KINDS, type LetterTexts, letterTextsFor } from './texts.ts';

/** Everything one letter says about one family and one appointment. */
export const letterDataSchema = z.object({
  /** Unique per letter; the reference GOV.UK Notify keeps. Never personal data. */
  letterId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'letters, digits, _ and - only (it is not personal data)'),
  kind: z.enum(LETTER_KINDS),
  /** The family's language, as on the client ("en", "cy", "pl", "ro", …); others fall back to English. */
  language: z.string().min(2).max(16),
  /** The local day the letter is dated (the day its batch is made), yyyy-mm-dd. */
  dated: calendarDate,
  recipient: z.object({
    /** The child's full name (or the expectant parent's). */
    name: z.string().trim().min(1).max(100),
    /** True: addressed to "Parent or carer of {name}"; false: to {name} (an expectant parent). */
    parentOf: z.boolean(),
    address: postalAddressSchema,
  }),
  appointment: z.object({
    /** An appointment type id from the trust's config; the letter prints its plain-words name. */
    typeId: z.string().min(1),
    startsAt: z.iso.datetime({ offset: false }),
    /** The venue as texts name it, e.g. "Riverside Children's Centre". */
    venue: z.string().min(1).max(120),
    /** The clinic's street address, e.g. "1 Quay Street, Maidstone"; may be empty. */
    venueAddress: z.string().max(300).default(''),
    /** The booking's short reference, which parents quote. */
    ref: z.string().regex(/^\d{4}$/),
  }),
  /** The family's personal link, printed as a QR code and in words; leave out when links are off. */
  parentLink: z.url({ protocol: /^https?$/ }).optional(),
});
export type LetterData = z.output<typeof letterDataSchema>;
export type LetterDataInput = z.input<typeof letterDataSchema>;

/** What letters need from the trust's config, gathered in one place. */
export interface LetterContext {
  readonly trustName: string;
  readonly servicePhone: string;
  readonly timeZone: string;
  readonly returnAddress: PostalAddress;
  readonly bilingualWelsh: boolean;
  /** The plain-words name of an appointment type in a language, falling back to English. */
  typeName(typeId: string, language: string): string;
}

/** The letter context of a trust; throws when the trust has no return address (letters not set up). */
export function letterContextFrom(config: EventPathConfig): LetterContext {
  const { returnAddress, bilingualWelsh } = config.letters;
  if (!returnAddress) {
    throw new Error('letters.returnAddress is not set: letters cannot be made for this trust');
  }
  return {
    trustName: config.trustName,
    servicePhone: config.servicePhone,
    timeZone: config.timeZone,
    returnAddress,
    bilingualWelsh,
    typeName: (typeId, language) => appointmentTypeName(config, typeId, language),
  };
}

/**
 * The languages a letter is written in, in print order: the family's (English when there is no letter
 * text in theirs); with `bilingualWelsh`, a letter in English or Welsh carries both, Welsh first.
 */
export function letterLanguages(language: string, bilingualWelsh: boolean): string[] {
  const own = letterTextsFor(language).language;
  return bilingualWelsh && (own === 'en' || own === 'cy') ? ['cy', 'en'] : [own];
}

/** One language's part of the body. */
export interface LetterSection {
  readonly language: string;
  readonly heading: string;
  readonly intro: string;
  readonly details: readonly { readonly label: string; readonly value: string }[];
  readonly changeHeading: string;
  readonly changeByPhone: string;
  /** With a parent link: how to use the QR code, and the words before the link itself. */
  readonly changeOnline?: string;
  readonly linkLabel?: string;
  readonly signOff: readonly string[];
}

/** The words of a letter, part by part, ready to place on the page. */
export interface ComposedLetter {
  readonly letterId: string;
  readonly kind: LetterData['kind'];
  readonly languages: readonly string[];
  /** The lines in the envelope window: the addressee, then the address. */
  readonly addressBlock: readonly string[];
  /** The trust's name, top left. */
  readonly trustName: string;
  /**
   * The trust's return address (letters.returnAddress), top right under `returnAddressLabel`. It may be
   * one clinic's address while the appointment is at another: the appointment's own address is the body's
   * "where".
   */
  readonly returnAddress: readonly string[];
  /** "Return address", in every language of the letter. */
  readonly returnAddressLabel: string;
  /** Phone, date and reference under the return address; labels in every language of the letter. */
  readonly contactItems: readonly { readonly label: string; readonly values: readonly string[] }[];
  readonly sections: readonly LetterSection[];
  /** The parent link the QR code encodes. */
  readonly link?: string;
  /** The footer for page `page` of `pages`, in every language of the letter. */
  pageOf(page: number, pages: number): string;
}

/** "10am", "2:30pm", "midday" (GOV.UK style) or "14:30". */
export function formatLetterTime(hour: number, minute: number, clock: LetterTexts['clock']): string {
  const mm = String(minute).padStart(2, '0');
  if (clock === '24h') return `${String(hour).padStart(2, '0')}:${mm}`;
  if (hour === 12 && minute === 0) return 'midday';
  const suffix = hour < 12 ? 'am' : 'pm';
  const h12 = hour % 12 === 0 ? 12 : hour % 12;
  return minute === 0 ? `${h12}${suffix}` : `${h12}:${mm}${suffix}`;
}

function joinLabels(texts: readonly LetterTexts[], pick: (t: LetterTexts) => string): string {
  return [...new Set(texts.map(pick))].join(' / ');
}

/** Composes a letter's words. Throws on an unknown appointment type or a text with a missing value. */
export function composeLetter(ctx: LetterContext, input: LetterDataInput): ComposedLetter {
  const letter = letterDataSchema.parse(input);
  const languages = letterLanguages(letter.language, ctx.bilingualWelsh);
  const texts = languages.map(letterTextsFor);
  const first = texts[0]!;
  const { appointment, recipient } = letter;
  const start = inZone(appointment.startsAt, ctx.timeZone);
  const dated = inZone(`${letter.dated}T12:00:00Z`, ctx.timeZone);
  const where = [appointment.venue, appointment.venueAddress.trim()].filter((part) => part !== '').join(', ');

  const sections = texts.map((t): LetterSection => {
    const vars = {
      name: recipient.name,
      type: ctx.typeName(appointment.typeId, t.language),
      day: start.setLocale(t.locale).toFormat('cccc d MMMM yyyy'),
      time: formatLetterTime(start.hour, start.minute, t.clock),
      servicePhone: ctx.servicePhone,
      trust: ctx.trustName,
    };
    const kind = t[letter.kind];
    return {
      language: t.language,
      heading: fillLetterText(kind.heading, vars),
      intro: fillLetterText(kind.intro, vars),
      details: [
        { label: t.labels.what, value: upperFirst(vars.type) },
        { label: t.labels.when, value: upperFirst(fillLetterText(t.when, vars)) },
        { label: t.labels.where, value: where },
      ],
      changeHeading: t.changeHeading,
      changeByPhone: fillLetterText(t.changeByPhone, vars),
      ...(letter.parentLink !== undefined && { changeOnline: t.changeOnline, linkLabel: t.linkLabel }),
      signOff: t.signOff.map((line) => fillLetterText(line, vars)),
    };
  });

  const addressee = recipient.parentOf
    ? fillLetterText(first.addresseeParentOf, { name: recipient.name })
    : recipient.name;

  return {
    letterId: letter.letterId,
    kind: letter.kind,
    languages,
    addressBlock: [addressee, ...addressLines(recipient.address)],
    trustName: ctx.trustName,
    returnAddress: addressLines(ctx.returnAddress),
    returnAddressLabel: joinLabels(texts, (t) => t.labels.returnAddress),
    contactItems: [
      { label: joinLabels(texts, (t) => t.labels.phone), values: [ctx.servicePhone] },
      {
        label: joinLabels(texts, (t) => t.labels.date),
        values: texts.map((t) => dated.setLocale(t.locale).toFormat('d MMMM yyyy')),
      },
      { label: joinLabels(texts, (t) => t.labels.reference), values: [appointment.ref] },
    ],
    sections,
    ...(letter.parentLink !== undefined && { link: letter.parentLink }),
    pageOf: (page, pages) =>
      texts.map((t) => fillLetterText(t.pageOf, { page: String(page), pages: String(pages) })).join(' / '),
  };
}

/** "dydd Iau 3 Rhagfyr" reads as a value on its own line better as "Dydd Iau 3 Rhagfyr". */
function upperFirst(text: string): string {
  return text.charAt(0).toLocaleUpperCase() + text.slice(1);
}

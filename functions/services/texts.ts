import { randomUUID } from 'node:crypto';
import type { TemplateKey } from '#core/config/templates.ts';
import type { DNA_FOLLOW_UP_KIND } from '#core/dna-follow-up.ts';
import { formatDay, formatTime } from '#core/local-time.ts';
import type { Booking, Client, Clinic, Message } from '#core/model.ts';
import { replaceLookalikes } from '#core/sms-sanitise.ts';
import { renderText, templateFor } from '#core/templates.ts';
import { recordMessage } from '#store/messages.ts';
import type { ConsentReading } from './consent.ts';
import type { Deps } from './deps.ts';

export interface RenderedText {
  /** The template, or the after-DNA question (its text is in the trust config's `dnaFollowUp`). */
  key: TemplateKey | typeof DNA_FOLLOW_UP_KIND;
  body: string;
  segments: number;
  encoding: 'GSM-7' | 'UCS-2';
  /** The language of the template used (the parent link's sentence is written in it). */
  language?: string;
}

/**
 * @deprecated renderText sanitises every value for the language of the template it uses
 * (core/sms-sanitise.ts); this thin alias only straightens look-alikes, which is safe before that.
 */
export const gsmFriendly = replaceLookalikes;

/** Renders a text about one booking in the family's language: type in plain words, day, time, venue. */
export function bookingText(
  deps: Pick<Deps, 'config'>,
  key: TemplateKey,
  input: {
    booking: Pick<Booking, 'type' | 'startsAt' | 'ref'>;
    client: Pick<Client, 'firstName' | 'language'>;
    clinic: Pick<Clinic, 'venue'>;
  },
  extra: Record<string, string> = {},
): RenderedText {
  const { config } = deps;
  // Dates are written in the language of the template actually used: a Welsh family whose template
  // falls back to English gets "Tue 24 Nov", not "Maw 24 Tach" inside an English sentence.
  const language = templateFor(
    config,
    key,
    input.client.language || config.defaultLanguage,
    input.booking.type,
  ).language;
  const text = renderText(config, {
    key,
    language,
    typeId: input.booking.type,
    vars: {
      name: input.client.firstName,
      day: formatDay(input.booking.startsAt, config.timeZone, language),
      time: formatTime(input.booking.startsAt, config.timeZone),
      venue: input.clinic.venue,
      ref: input.booking.ref,
      ...extra,
    },
  });
  return { key, body: text.body, segments: text.segments, encoding: text.encoding, language };
}

/** The one builder of an outbound Message: what was sent, to whom, about what. */
export function outboundMessage(
  text: RenderedText,
  input: {
    to: string;
    at: string;
    providerMessageId?: string;
    bookingId?: string;
    clientId?: string;
    offerId?: string;
    /** With offerId: offers are stored under their slot. */
    slotId?: string;
    /** A fresh random id unless given (the demo seed uses stable ids). */
    id?: string;
  },
): Message {
  return {
    id: input.id ?? randomUUID(),
    direction: 'OUT',
    phone: input.to,
    body: text.body,
    at: input.at,
    kind: text.key,
    segments: text.segments,
    encoding: text.encoding,
    providerMessageId: input.providerMessageId,
    bookingId: input.bookingId,
    clientId: input.clientId,
    offerId: input.offerId,
    ...(input.slotId ? { slotId: input.slotId } : {}),
  };
}

/**
 * Sends a one-off text (not a reminder tier) and records it. Throws when the provider refuses it, and
 * RecipientSuppressedError when the number is opted out (not sent; never retry). `consentRead` is the
 * caller's reading of the number, taken just before, which the guard may take in place of its own.
 */
export async function sendAndRecord(
  deps: Deps,
  text: RenderedText,
  input: {
    to: string;
    bookingId?: string;
    clientId?: string;
    offerId?: string;
    slotId?: string;
    consentRead?: ConsentReading;
  },
  options: { stopConfirmation?: boolean } = {},
): Promise<Message> {
  const id = randomUUID();
  const { consentRead, ...recorded } = input;
  const sms = { to: input.to, body: text.body, ref: id, ...(consentRead && { consentRead }) };
  if (options.stopConfirmation && text.key !== 'stopConfirmed') {
    throw new Error('Only the stopConfirmed text may go to a number that has just opted out');
  }
  const { providerMessageId } = options.stopConfirmation
    ? await deps.sms.sendStopConfirmation(sms)
    : await deps.sms.send(sms);
  const message = outboundMessage(text, { ...recorded, id, at: deps.now().toISOString(), providerMessageId });
  await recordMessage(deps.store, message, deps.config.messages.retentionDays);
  return message;
}

/**
 * How a family may be contacted, and the one decision every booking and reminder makes from it: text,
 * letter, or a member of staff calls. "Do not post" weighs as much as "do not text": when an abuser
 * shares the address, a letter can put a parent at risk just as a text can.
 */
import * as z from '#core/zod.ts';

/** One channel: on or off, and (when staff turn it off) why, in their words. The reason is never logged. */
export const contactChannelSchema = z.object({
  on: z.boolean(),
  reason: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(200))),
});
export type ContactChannel = z.infer<typeof contactChannelSchema>;

/** Both channels default to on: a family is texted or written to unless someone has said not to. */
export const contactChannelsSchema = z.object({
  sms: z._default(contactChannelSchema, { on: true }),
  letter: z._default(contactChannelSchema, { on: true }),
});
export type ContactChannels = z.infer<typeof contactChannelsSchema>;

export const CONTACT_ROUTES = ['sms', 'letter', 'call'] as const;
/** How a family hears about a booking: a text, a letter, or (neither possible) a call from staff. */
export type ContactRoute = (typeof CONTACT_ROUTES)[number];

/** Why a text cannot go, in the order they are checked. */
export type NoSmsReason = 'no-phone' | 'sms-off' | 'opted-out' | 'unreachable';
/** Why a letter cannot go. */
export type NoLetterReason = 'letters-disabled' | 'letter-off' | 'no-address';

/** Everything the decision needs, each a plain fact about the family (or the trust, for lettersEnabled). */
export interface ContactFacts {
  /** The family has a mobile number on record. */
  readonly hasPhone: boolean;
  /** The family's sms channel is on (staff have not marked them do-not-text). */
  readonly smsOn: boolean;
  /** The family replied STOP (per phone number; see the Consent item). */
  readonly optedOut: boolean;
  /** Texts to the number failed permanently, or three times in a row temporarily. */
  readonly unreachable: boolean;
  /** The family's letter channel is on (staff have not marked them do-not-post). */
  readonly letterOn: boolean;
  /** The family has a postal address on record. */
  readonly hasAddress: boolean;
  /** The trust makes letters at all (config `letters.enabled`). */
  readonly lettersEnabled: boolean;
}

export type ContactDecision =
  | { readonly route: 'sms' }
  | { readonly route: 'letter'; readonly noSms: NoSmsReason }
  | { readonly route: 'call'; readonly noSms: NoSmsReason; readonly noLetter: NoLetterReason };

/** Why no text can go, or undefined when one can. A missing phone is named before a switched-off channel. */
export function whyNoSms(facts: ContactFacts): NoSmsReason | undefined {
  if (!facts.hasPhone) return 'no-phone';
  if (!facts.smsOn) return 'sms-off';
  if (facts.optedOut) return 'opted-out';
  if (facts.unreachable) return 'unreachable';
  return undefined;
}

/** Why no letter can go, or undefined when one can. */
export function whyNoLetter(facts: ContactFacts): NoLetterReason | undefined {
  if (!facts.lettersEnabled) return 'letters-disabled';
  if (!facts.letterOn) return 'letter-off';
  if (!facts.hasAddress) return 'no-address';
  return undefined;
}

/**
 * The route for a family's booking or reminder: a text whenever one can reach them; otherwise a letter
 * when one may be posted; otherwise a call, with both reasons so the call list can say why.
 */
export function decideContactRoute(facts: ContactFacts): ContactDecision {
  const noSms = whyNoSms(facts);
  if (noSms === undefined) return { route: 'sms' };
  const noLetter = whyNoLetter(facts);
  if (noLetter === undefined) return { route: 'letter', noSms };
  return { route: 'call', noSms, noLetter };
}

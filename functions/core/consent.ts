/**
 * Consent to texts belongs to the phone number, not to a child: a STOP (or an opt-out staff record)
 * holds for the number, for every child on it now or later, until that number texts START.
 *
 * The record is keyed by a keyed hash of the number (HMAC-SHA-256 with a secret of the trust's), never
 * by the number itself, and holds only what is needed to honour it: that the number is opted out,
 * since when, and why. So it can outlive a data-protection erasure of every child who used the number
 * (an erased family that texted STOP must still never be texted again) without keeping the number.
 */
import { createHmac } from 'node:crypto';
import * as z from '#core/zod.ts';
import { isoInstant } from './model.ts';

/** Any E.164 number (an inbound text may come from a short one), so every sender can be looked up. */
const E164 = /^\+[1-9]\d{1,14}$/;

/**
 * Why a number is opted out: it texted STOP; staff recorded it (the family asked by phone, say); or,
 * later, texts to it fail for good (delivery status). Only a START from the number lifts `stop-text`.
 */
export const CONSENT_REASONS = ['stop-text', 'staff', 'unreachable'] as const;
export type ConsentReason = (typeof CONSENT_REASONS)[number];

export const consentSchema = z.object({
  state: z.literal('opted-out'),
  reason: z.enum(CONSENT_REASONS),
  since: isoInstant,
});
/** A number's opt-out. No record means texts may go. */
export type Consent = z.infer<typeof consentSchema>;

/** What staff see on a client: the state of the client's number, and why. */
export type ConsentView =
  | { state: 'opted-in' }
  | { state: 'opted-out'; reason: ConsentReason; since: string };

export const consentViewSchema = z.discriminatedUnion('state', [
  z.object({ state: z.literal('opted-in') }),
  consentSchema,
]);

export function consentView(consent: Consent | undefined): ConsentView {
  return consent
    ? { state: 'opted-out', reason: consent.reason, since: consent.since }
    : { state: 'opted-in' };
}

/**
 * The key a number's consent is stored under. A keyed hash, not a plain one: UK mobile numbers are few
 * enough (about 10^9) that a plain SHA-256 could be reversed by trying them all; without the secret it
 * cannot. The secret must never change, or every opt-out would be lost (see README, Privacy).
 */
export function phoneHash(secret: string, e164: string): string {
  if (secret.length < 16) throw new Error('The consent key is too short to be a secret');
  if (!E164.test(e164)) throw new Error('phoneHash needs an E.164 number');
  return createHmac('sha256', secret).update(e164, 'utf8').digest('hex');
}

/** Turns a number into its consent key; async because the secret is read once from Secrets Manager. */
export type PhoneHasher = (e164: string) => Promise<string>;

/** A hasher over a secret already in hand (the local runtime's fixed dev key, tests). */
export function phoneHasher(secret: string): PhoneHasher {
  return async (e164) => phoneHash(secret, e164);
}

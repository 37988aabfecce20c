/**
 * The parent link: a personal address (`<baseUrl>/p/<token>`) in the texts about one booking or one
 * short-notice offer, where the family can see, confirm, cancel or rebook it, or take the offer.
 *
 * The token is 128 bits, unguessable without the trust's secret: an HMAC-SHA-256 of what it points to
 * (`booking:<id>` or `offer:<slotId>:<offerId>`) under a key derived from the trust's consent key, cut
 * to 16 bytes. It is derived rather than drawn at random because the reminders that carry it go days
 * after the booking is made, and the table keeps only its SHA-256 hash (`PARENTLINK#<hash>`): a
 * database copy holds nothing that opens a page. The hash item points to the booking or offer and
 * carries the link's own state (wrong tries, lock, use).
 */
import { createHash, createHmac } from 'node:crypto';
import type { EventPathConfig } from './config/event-path-config.ts';
import { PARENT_LINK_OFFER_WORDING_DEFAULTS, PARENT_LINK_WORDING_DEFAULTS } from './config/parent-links.ts';
import type { Language } from './config/primitives.ts';
import type { TemplateKey } from './config/templates.ts';
import { TextTooLongError } from './errors.ts';
import { analyseSms, MAX_SEGMENTS, type SmsAnalysis } from './sms-segments.ts';

export type LinkTarget =
  | { readonly kind: 'booking'; readonly bookingId: string }
  | { readonly kind: 'offer'; readonly slotId: string; readonly offerId: string };

/** Makes a target's token; async because the trust's secret is read once from Secrets Manager. */
export type LinkTokenMaker = (target: LinkTarget) => Promise<string>;

const TOKEN_BYTES = 16;
const DOMAIN = 'attend-parent-link-v1';

/** A token is exactly 22 base64url characters (128 bits); anything else is refused before any read. */
export const TOKEN_PATTERN = /^[A-Za-z0-9_-]{22}$/;

function targetName(target: LinkTarget): string {
  return target.kind === 'booking'
    ? `booking:${target.bookingId}`
    : `offer:${target.slotId}:${target.offerId}`;
}

export function linkToken(secret: string, target: LinkTarget): string {
  if (secret.length < 16) throw new Error('The link key is too short to be a secret');
  const key = createHmac('sha256', secret).update(DOMAIN).digest();
  return createHmac('sha256', key)
    .update(targetName(target))
    .digest()
    .subarray(0, TOKEN_BYTES)
    .toString('base64url');
}

/** A maker over a secret already in hand (the local runtime's dev key, tests). */
export function linkTokenMaker(secret: string): LinkTokenMaker {
  return async (target) => linkToken(secret, target);
}

/** What the table stores for a token: its SHA-256, hex. */
export function tokenHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/** The address written into texts and letters. */
export function parentLinkUrl(baseUrl: string, token: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/p/${token}`;
}

/** Wrong date-of-birth answers before a link locks, and for how long. */
export const MAX_WRONG_TRIES = 5;
export const LOCK_MINUTES = 60;
/** An offer's link works for 7 days after the offer; a booking's until the appointment starts. */
export const OFFER_LINK_DAYS = 7;
/** A parent session lasts this long after the check, then the date of birth is asked again. */
export const PARENT_SESSION_MINUTES = 30;
/**
 * On an offer's link, a session checked while the time is held lasts until the hold ends (up to 2 hours
 * by default), so a parent who puts the phone down and comes back can still take it; never longer than
 * this after the check, whatever hold a trust configures.
 */
export const PARENT_OFFER_SESSION_MAX_MINUTES = 120;

/**
 * When a parent session checked at `now` ends: 30 minutes on, or, on an offer still held until
 * `heldUntil`, at the end of the hold, bounded by PARENT_OFFER_SESSION_MAX_MINUTES.
 */
export function parentSessionEnds(now: Date, heldUntil?: string): Date {
  const floor = now.getTime() + PARENT_SESSION_MINUTES * 60_000;
  if (heldUntil === undefined) return new Date(floor);
  const cap = now.getTime() + PARENT_OFFER_SESSION_MAX_MINUTES * 60_000;
  const hold = Date.parse(heldUntil);
  if (Number.isNaN(hold)) throw new RangeError(`heldUntil is not an ISO instant: ${heldUntil}`);
  return new Date(Math.max(floor, Math.min(hold, cap)));
}

/** The texts that carry the parent link when the trust turns links on. */
export const LINKED_TEMPLATES = [
  'confirmation',
  'moved',
  'reminder',
  'reminderToday',
  'reminderTomorrow',
  'offer',
] as const satisfies readonly TemplateKey[];

export function carriesLink(key: TemplateKey): boolean {
  return (LINKED_TEMPLATES as readonly string[]).includes(key);
}

/** The link sentence in `language` (the language of the text it joins), else English. */
export function linkWording(
  config: Pick<EventPathConfig, 'parentLinks'>,
  language: string,
  key: TemplateKey = 'confirmation',
): string {
  const wording = (key === 'offer' ? config.parentLinks?.offerWording : config.parentLinks?.wording) ?? {};
  const base = language.split('-')[0] ?? language;
  return (
    wording[language as Language] ??
    wording[base as Language] ??
    wording.en ??
    (key === 'offer' ? PARENT_LINK_OFFER_WORDING_DEFAULTS.en : PARENT_LINK_WORDING_DEFAULTS.en)
  );
}

/**
 * A rendered text with the link sentence added (a space, then the wording with the address), its
 * cost counted again. A text that would pass 6 segments with the link is refused, as any text is.
 */
export function withLink<T extends { body: string; language: string }>(
  config: Pick<EventPathConfig, 'parentLinks'>,
  text: T,
  url: string,
  key: TemplateKey = 'confirmation',
): T & SmsAnalysis {
  const sentence = linkWording(config, text.language, key).replace('{link}', () => url);
  const body = `${text.body} ${sentence}`;
  const analysis = analyseSms(body);
  if (analysis.segments > MAX_SEGMENTS) {
    const message = `The text with the parent link is ${analysis.units} ${analysis.encoding} characters, ${analysis.segments} segments: Attend sends at most ${MAX_SEGMENTS}.`;
    throw new TextTooLongError(message, [{ field: 'text', message }]);
  }
  return { ...text, body, ...analysis };
}

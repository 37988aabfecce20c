/**
 * Parent links in texts: the token for a booking or an offer (derived with the trust's secret, see
 * core/parent-links.ts), its item in the table (made the first time the link is made, never reset), and
 * the address written into the confirmation, the reminders and the offers when the trust turns links on.
 */

import type { TemplateKey } from '#core/config/templates.ts';
import type { Booking } from '#core/model.ts';
import {
  carriesLink,
  type LinkTarget,
  OFFER_LINK_DAYS,
  parentLinkUrl,
  tokenHash,
  withLink,
} from '#core/parent-links.ts';
import type { Offer } from '#core/waitlist.ts';
import { ensureParentLink } from '#store/parent-links.ts';
import type { Deps } from './deps.ts';
import type { RenderedText } from './texts.ts';

const DAY_MS = 86_400_000;

/** The offer link's end: 7 days after the offer was made. */
export function offerLinkExpiry(offer: Pick<Offer, 'offeredAt'>): string {
  return new Date(Date.parse(offer.offeredAt) + OFFER_LINK_DAYS * DAY_MS).toISOString();
}

/**
 * Makes (or finds) the link for a booking or an offer and answers its address; undefined when the trust
 * has no parentLinks. Writing the item is idempotent: a link's tries, lock and use are never reset.
 */
export async function parentLink(
  deps: Deps,
  target: LinkTarget,
  expiresAt: string,
): Promise<string | undefined> {
  const links = deps.config.parentLinks;
  if (!links) return undefined;
  const token = await deps.linkToken(target);
  await ensureParentLink(deps.store, tokenHash(token), {
    ...target,
    createdAt: deps.now().toISOString(),
    expiresAt,
    wrongTries: 0,
  });
  return parentLinkUrl(links.baseUrl, token);
}

/** The booking's link (until the appointment starts); made when the booking is made. */
export function bookingLink(
  deps: Deps,
  booking: Pick<Booking, 'id' | 'startsAt'>,
): Promise<string | undefined> {
  return parentLink(deps, { kind: 'booking', bookingId: booking.id }, booking.startsAt);
}

/** The offer's link (7 days); made when the offer is made. */
export function offerLink(
  deps: Deps,
  offer: Pick<Offer, 'id' | 'slotId' | 'offeredAt'>,
): Promise<string | undefined> {
  return parentLink(deps, { kind: 'offer', slotId: offer.slotId, offerId: offer.id }, offerLinkExpiry(offer));
}

/** A text with its link added, when the trust has links on and the text is one that carries it. */
export async function linked(
  deps: Deps,
  text: RenderedText,
  link: () => Promise<string | undefined>,
): Promise<RenderedText> {
  if (!deps.config.parentLinks || !carriesLink(text.key as TemplateKey)) return text;
  const url = await link();
  if (!url) return text;
  const out = withLink(
    deps.config,
    { ...text, language: text.language ?? 'en' },
    url,
    text.key as TemplateKey,
  );
  return { ...text, body: out.body, segments: out.segments, encoding: out.encoding };
}

import { formatDay, formatTime } from '#core/local-time.ts';
import { templateFor } from '#core/templates.ts';
import type { Offer } from '#core/waitlist.ts';
import { getClinic } from '#store/clinics.ts';
import { messageByProviderId, messagesByPhone } from '#store/messages.ts';
import { liveOffersByPhone, offersBySlot } from '#store/offers.ts';
import { getSlot } from '#store/slots.ts';
import { acceptOffer, declineOffer } from './backfill.ts';
import { plainText, type ReplyContext, type ReplyResult, reply, toInbox } from './reply-context.ts';
import { bookingText } from './texts.ts';

/** The offer a YES or NO answers: a quoted code, else the offer text being answered, else the only live one. */
async function resolveOffer(
  ctx: ReplyContext,
  ref: string | undefined,
  live: Offer[],
): Promise<Offer | Offer[] | undefined> {
  if (ref) {
    const match = live.find((o) => o.ref === ref);
    if (match) return match;
  }
  const previous = ctx.sms.previousPublishedMessageId;
  if (previous) {
    const message = await messageByProviderId(ctx.deps.store, previous);
    if (message?.offerId && message.slotId && message.phone === ctx.sms.from) {
      const answered = (await offersBySlot(ctx.deps.store, message.slotId)).find(
        (o) => o.id === message.offerId,
      );
      if (answered) return answered;
    }
  }
  if (live.length === 1) return live[0];
  if (live.length > 1) return live;
  // No live offer: the family may be answering one that has just been taken or has lapsed. The most
  // recent offer texted to this phone in the last day is what they mean, and they are told what became of it.
  const dayAgo = new Date(ctx.deps.now().getTime() - 86_400_000).toISOString();
  const recent = await messagesByPhone(ctx.deps.store, ctx.sms.from, { since: dayAgo, limit: 20 });
  const lastOffer = recent.items.find((m) => m.direction === 'OUT' && m.offerId && m.slotId);
  if (lastOffer?.slotId) {
    return (await offersBySlot(ctx.deps.store, lastOffer.slotId)).find((o) => o.id === lastOffer.offerId);
  }
  return undefined;
}

export async function answerOffer(
  ctx: ReplyContext,
  intent: 'YES' | 'NO',
  ref: string | undefined,
): Promise<ReplyResult> {
  const { deps } = ctx;
  const live = await liveOffersByPhone(deps.store, ctx.sms.from);
  const target = await resolveOffer(ctx, ref, live);
  if (!target) return toInbox(ctx, 'no-offer-to-answer');
  if (Array.isArray(target)) {
    const choices = await Promise.all(
      target.map(async (o) => {
        const slot = await getSlot(deps.store, o.slotId);
        const when = slot
          ? ` for ${formatDay(slot.startsAt, deps.config.timeZone, templateFor(deps.config, 'chooseBooking', ctx.language).language)} ${formatTime(slot.startsAt, deps.config.timeZone)}`
          : '';
        return `${intent} ${o.ref}${when}`;
      }),
    );
    const answer = plainText(ctx, 'chooseBooking', { choices: `Reply ${choices.join(', or ')}.` });
    return toInbox(ctx, 'ambiguous', { answer });
  }

  const offer = target;
  if (intent === 'NO') {
    const result = offer.status === 'PENDING' ? await declineOffer(deps, offer) : 'already-answered';
    const replied = result === 'declined' ? await reply(ctx, plainText(ctx, 'offerDeclined')) : false;
    return { outcome: 'offer-declined', intent, replied };
  }
  // A YES that cannot book is answered by acceptOffer itself, with the offer's one notice: a family
  // already told the time has gone (by the winner's notice, say) is not told again.
  const result = await acceptOffer(deps, offer, { answer: !ctx.optedOut });
  const status = result.outcome === 'already-answered' ? result.status : undefined;
  if (status === 'ACCEPTED') {
    // The family's own YES already booked it (a double tap, two YES texts at once, or one sent again):
    // the booking was confirmed once, by the YES that won, and one event gets one text.
    return { outcome: 'offer-accepted', intent, replied: false };
  }
  if (result.outcome === 'accepted') {
    const { booking } = result;
    const client = ctx.clients.find((c) => c.id === booking.clientId) ?? ctx.clients[0];
    const clinic = await getClinic(deps.store, booking.clinicId);
    const text = bookingText(deps, 'offerAccepted', {
      booking,
      client: client ?? { firstName: '', language: ctx.language },
      clinic: clinic ?? { venue: '' },
    });
    const replied = await reply(ctx, text, { bookingId: booking.id });
    return { outcome: 'offer-accepted', intent, bookingId: booking.id, replied };
  }
  const replied = result.told;
  if (result.outcome === 'taken' || result.outcome === 'withdrawn' || status === 'TAKEN') {
    return { outcome: 'offer-taken', intent, replied };
  }
  return { outcome: 'offer-expired', intent, replied };
}

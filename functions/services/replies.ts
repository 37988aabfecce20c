import type { CancelReason } from '#core/cancel-reason.ts';
import type { TemplateKey } from '#core/config/templates.ts';
import { ConflictError } from '#core/errors.ts';
import { appointmentCancelled, domainEvent } from '#core/events.ts';
import { type Intent, parseReply, unexplainedWords } from '#core/intent.ts';
import { formatDay, formatTime } from '#core/local-time.ts';
import type { Booking, Message } from '#core/model.ts';
import { renderText, templateFor } from '#core/templates.ts';
import { isTrustNumber } from '#core/trust-numbers.ts';
import { cancelBooking, getBooking, liveBookingsByPhone } from '#store/bookings.ts';
import { clientsByPhone } from '#store/clients.ts';
import { getClinic } from '#store/clinics.ts';
import { countInboundSince, messageByProviderId, recordMessage } from '#store/messages.ts';
import { cancellationNotice } from './bookings.ts';
import { optInNumber, optOutNumber, readConsent } from './consent.ts';
import type { Deps } from './deps.ts';
import { answerDnaFollowUp } from './dna-answer.ts';
import {
  addReplyToInbox,
  derivedId,
  type InboundSms,
  plainText,
  type ReplyContext,
  type ReplyResult,
  reply,
  toInbox,
} from './reply-context.ts';
import { answerOffer } from './reply-offers.ts';
import { bookingText, type RenderedText } from './texts.ts';
import { addRebookRequest } from './waitlist.ts';

export type { InboundSms, ReplyOutcome, ReplyResult } from './reply-context.ts';

export async function handleInboundSms(deps: Deps, sms: InboundSms): Promise<ReplyResult> {
  const { config, store } = deps;
  const now = deps.now();
  const nowIso = now.toISOString();

  const inbound: Message = {
    id: derivedId('in', sms.inboundMessageId),
    direction: 'IN',
    phone: sms.from,
    body: sms.body,
    at: nowIso,
    providerMessageId: sms.inboundMessageId,
  };
  const parsed = parseReply(sms.body, config.replies.keywords);

  // An auto-responder answering our texts would loop for ever; its messages are kept, never answered.
  const hourAgo = new Date(now.getTime() - 3_600_000).toISOString();
  const inboundLastHour = await countInboundSince(store, sms.from, hourAgo, config.replies.maxInboundPerHour);
  await recordMessage(store, inbound, config.messages.retentionDays);
  if (!isTrustNumber(config.sender, sms.to)) return toStaffUnanswered(deps, sms, inbound, parsed.intent);
  if (inboundLastHour >= config.replies.maxInboundPerHour) {
    deps.log.warn('inbound loop guard: no automatic reply', { messageId: inbound.id, inboundLastHour });
    return { outcome: 'loop-guarded', intent: parsed.intent, replied: false };
  }

  const clients = await clientsByPhone(store, sms.from);
  const language = clients[0]?.language ?? parsed.language ?? config.defaultLanguage;
  // Consent belongs to the number, whoever (if anyone) is on it.
  const consentRead = await readConsent(deps, sms.from);
  const optedOut = consentRead.consent !== undefined;
  const ctx: ReplyContext = {
    deps,
    sms,
    inbound,
    clients,
    language,
    optedOut,
    consentRead,
    intent: parsed.intent,
  };

  // In the window after the after-DNA question, a reply is first read as its answer ("2", "childcare").
  if (parsed.intent === 'FREE_TEXT' || parsed.intent === 'NO') {
    const answered = await answerDna(ctx, parsed.intent);
    if (answered) return answered;
  }

  switch (parsed.intent) {
    case 'STOP':
      return setTexts(ctx, true);
    case 'START':
      return setTexts(ctx, false);
    case 'HELP':
      return { outcome: 'help', intent: 'HELP', replied: await reply(ctx, plainText(ctx, 'help')) };
    case 'CANCEL':
    case 'REBOOK':
      return cancelOrRebook(ctx, parsed.intent, parsed.ref, parsed.reason);
    case 'YES':
    case 'NO':
      return answerOffer(ctx, parsed.intent, parsed.ref);
    default:
      return toInbox(ctx, clients.length === 0 ? 'unmatched-number' : 'free-text');
  }
}

/**
 * A reply to the after-DNA question: its reason is recorded on the missed booking, or it goes to the
 * inbox for staff to tag. No text goes back either way (the question said replying is optional, and a
 * second text would double its cost). A NO that names no reason is left to the usual handling.
 */
async function answerDna(ctx: ReplyContext, intent: 'FREE_TEXT' | 'NO'): Promise<ReplyResult | undefined> {
  const answer = await answerDnaFollowUp(ctx.deps, {
    from: ctx.sms.from,
    body: ctx.sms.body,
    inboundMessageId: ctx.sms.inboundMessageId,
  });
  if (answer.kind === 'not-an-answer') return undefined;
  if (answer.kind === 'unclear') {
    if (intent === 'NO') return undefined;
    await addReplyToInbox(ctx, {
      reason: 'dna-reason',
      intent,
      bookings: [answer.booking],
      clientIds: [answer.booking.clientId],
    });
    return { outcome: 'dna-reason-to-inbox', intent, bookingId: answer.booking.id, replied: false };
  }
  return { outcome: 'dna-reason-recorded', intent, bookingId: answer.bookingId, replied: false };
}

/**
 * A reply to a number that is not the trust's: staff see it (with the phone's clients, if any), and no
 * text goes back, since it would come from a number the family did not write to. Nothing is acted on.
 */
async function toStaffUnanswered(
  deps: Deps,
  sms: InboundSms,
  inbound: Message,
  intent: Intent,
): Promise<ReplyResult> {
  const clients = await clientsByPhone(deps.store, sms.from);
  const ctx: ReplyContext = { deps, sms, inbound, clients, language: '', optedOut: true, intent };
  await addReplyToInbox(ctx, { reason: 'wrong-number', intent, bookings: [] });
  deps.log.warn('reply to a number that is not the trust’s: kept for staff, not answered', {
    messageId: inbound.id,
  });
  return { outcome: 'wrong-number', intent, replied: false };
}

/**
 * STOP and START change the number's Consent record: every child on the number, now and later, with
 * one event and one confirmation. A number with no client yet is opted out all the same, so a family
 * registered on it later starts opted out.
 */
async function setTexts(ctx: ReplyContext, optedOut: boolean): Promise<ReplyResult> {
  const { deps } = ctx;
  const now = deps.now().toISOString();
  const changed = optedOut
    ? (await optOutNumber(deps, ctx.sms.from, { reason: 'stop-text', at: now })).wasOptedIn
    : (await optInNumber(deps, ctx.sms.from, 'start-text')) === 'lifted';
  if (changed && ctx.clients.length > 0) {
    const clientIds = ctx.clients.map((c) => c.id);
    await deps.events.publish([domainEvent('ClientOptedOut', { clientIds, optedOut, at: now })]);
  }
  const text = plainText(ctx, optedOut ? 'stopConfirmed' : 'startConfirmed');
  const replied = await reply(ctx, text, { force: true, stopConfirmation: optedOut });
  return optedOut
    ? { outcome: 'opted-out', intent: 'STOP', replied }
    : { outcome: 'opted-in', intent: 'START', replied };
}

/**
 * Which booking a CANCEL or REBOOK means: a reference code in the reply first (the family chose), then
 * the text they are answering, then the phone's only live booking. Several live bookings and no code →
 * ask them to choose; none → staff.
 */
async function resolveBooking(
  ctx: ReplyContext,
  ref: string | undefined,
  live: Booking[],
): Promise<{ booking: Booking } | { choose: Booking[] } | { none: 'unknown-reference' | 'nothing-live' }> {
  if (ref) {
    const match = live.find((b) => b.ref === ref);
    if (match) return { booking: match };
    // The code may belong to a booking already cancelled: answer "already cancelled", not "not found".
    const answered = await answeredBooking(ctx);
    if (answered && answered.ref === ref) return { booking: answered };
    return { none: 'unknown-reference' };
  }
  // End User Messaging names the last text sent to the phone as the one answered. With several live
  // bookings that is only a guess (a parent of two may mean the other child), so they choose by code.
  if (live.length > 1) return { choose: live };
  const answered = await answeredBooking(ctx);
  if (answered) return { booking: answered };
  if (live.length === 1) return { booking: live[0]! };
  return { none: 'nothing-live' };
}

async function answeredBooking(ctx: ReplyContext): Promise<Booking | undefined> {
  const previous = ctx.sms.previousPublishedMessageId;
  if (!previous) return undefined;
  const message = await messageByProviderId(ctx.deps.store, previous);
  if (!message?.bookingId || message.phone !== ctx.sms.from) return undefined;
  return getBooking(ctx.deps.store, message.bookingId);
}

async function choicesText(
  ctx: ReplyContext,
  keyword: 'CANCEL' | 'REBOOK',
  bookings: Booking[],
): Promise<RenderedText> {
  const { config } = ctx.deps;
  const names = new Map(ctx.clients.map((c) => [c.id, c.firstName]));
  const parts = bookings.map((b) => {
    const day = formatDay(
      b.startsAt,
      config.timeZone,
      templateFor(config, 'chooseBooking', ctx.language).language,
    );
    const time = formatTime(b.startsAt, config.timeZone);
    return `${keyword} ${b.ref} for ${names.get(b.clientId) ?? ''} on ${day} ${time}`.replace(
      ' for  on ',
      ' for ',
    );
  });
  return plainText(ctx, 'chooseBooking', { choices: `Reply ${parts.join(', or ')}.` });
}

async function cancelOrRebook(
  ctx: ReplyContext,
  intent: 'CANCEL' | 'REBOOK',
  ref: string | undefined,
  /** Why, when the parser could tell ("cant get there no bus": transport); recorded on the booking. */
  category?: CancelReason,
): Promise<ReplyResult> {
  const { deps } = ctx;
  const live = await liveBookingsByPhone(deps.store, ctx.sms.from);
  const target = await resolveBooking(ctx, ref, live);
  if ('choose' in target) {
    return toInbox(ctx, 'ambiguous', {
      bookings: target.choose,
      answer: await choicesText(ctx, intent, target.choose),
    });
  }
  if ('none' in target) {
    if (intent === 'REBOOK' && ctx.clients.length > 0) return rebookWithoutBooking(ctx);
    return toInbox(
      ctx,
      target.none === 'unknown-reference'
        ? 'unknown-reference'
        : ctx.clients.length
          ? 'free-text'
          : 'unmatched-number',
    );
  }

  const booking = target.booking;
  const client = ctx.clients.find((c) => c.id === booking.clientId) ?? ctx.clients[0];
  const clinic = await getClinic(deps.store, booking.clinicId);
  const about = {
    booking,
    client: client ?? { firstName: '', language: ctx.language },
    clinic: clinic ?? { venue: '' },
  };

  let alreadyCancelled = booking.status === 'CANCELLED';
  let late = false;
  if (booking.status === 'BOOKED') {
    const now = deps.now();
    const notice = cancellationNotice(deps, booking.startsAt, now);
    late = notice.late;
    try {
      await cancelBooking(
        deps.store,
        {
          bookingId: booking.id,
          by: `sms:${ctx.inbound.id}`,
          reason: intent === 'REBOOK' ? 'Family asked to rebook by text' : 'Family cancelled by text',
          now: now.toISOString(),
          noticeMinutes: notice.minutes,
          late: notice.late,
          ...(category && { category }),
        },
        booking,
      );
      await deps.events.publish([
        appointmentCancelled(booking, {
          by: 'sms',
          noticeMinutes: notice.minutes,
          late: notice.late,
          at: now.toISOString(),
        }),
      ]);
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      // A concurrent cancel (staff, or this same text delivered twice) got there first.
      alreadyCancelled = true;
    }
  } else if (booking.status !== 'CANCELLED') {
    // Attended or missed: nothing to cancel; a person should read it.
    return toInbox(ctx, 'free-text', { bookings: [booking] });
  }

  if (intent === 'REBOOK') {
    // Back on the short-notice list for the same contact; staff also see the request in the inbox.
    if (client) await addRebookRequest(deps, { client, type: booking.type, clinicId: booking.clinicId });
    await addReplyToInbox(ctx, {
      reason: 'rebook-request',
      intent,
      bookings: [booking],
      clientIds: [booking.clientId],
    });
    const replied = await reply(ctx, bookingText(deps, 'rebookRequested', about), { bookingId: booking.id });
    return { outcome: 'rebook-requested', intent, bookingId: booking.id, replied };
  }
  if (!alreadyCancelled && !category && saidWhy(ctx)) {
    // The family said why in words the parser cannot classify: staff read it and tag the reason.
    await addReplyToInbox(ctx, {
      reason: 'untagged-reason',
      intent,
      bookings: [booking],
      clientIds: [booking.clientId],
    });
  }
  const key: TemplateKey = alreadyCancelled
    ? 'alreadyCancelled'
    : late
      ? 'cancelConfirmedLate'
      : 'cancelConfirmed';
  const replied = await reply(ctx, bookingText(deps, key, about), { bookingId: booking.id });
  return {
    outcome: alreadyCancelled ? 'already-cancelled' : 'cancelled',
    intent,
    bookingId: booking.id,
    replied,
  };
}

/**
 * Whether a cancelling text says more than "cancel": three or more words the parser cannot explain
 * ("cancel, my mums in hospital again"), which is most likely a reason in words no lexicon knows.
 */
export const SAID_WHY_WORDS = 3;
function saidWhy(ctx: ReplyContext): boolean {
  return unexplainedWords(ctx.sms.body, ctx.deps.config.replies.keywords) >= SAID_WHY_WORDS;
}

async function rebookWithoutBooking(ctx: ReplyContext): Promise<ReplyResult> {
  await addReplyToInbox(ctx, { reason: 'rebook-request', intent: 'REBOOK', bookings: [] });
  const client = ctx.clients[0]!;
  const text = renderText(ctx.deps.config, {
    key: 'rebookRequested',
    language: ctx.language,
    vars: { name: client.firstName, type: 'appointment' },
  });
  const replied = await reply(ctx, {
    key: 'rebookRequested',
    body: text.body,
    segments: text.segments,
    encoding: text.encoding,
  });
  return { outcome: 'rebook-requested', intent: 'REBOOK', replied };
}

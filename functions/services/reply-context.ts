/** What every answer to a reply shares: the reply's context, its texts back, and the staff inbox. */
import { createHash } from 'node:crypto';
import type { TemplateKey } from '#core/config/templates.ts';
import type { Intent } from '#core/intent.ts';
import type { Booking, Client, Message } from '#core/model.ts';
import { renderText } from '#core/templates.ts';
import { addInboxItem, type InboxItem } from '#store/inbox.ts';
import type { ConsentReading } from './consent.ts';
import type { Deps } from './deps.ts';
import { type RenderedText, sendAndRecord } from './texts.ts';

export interface InboundSms {
  from: string;
  to: string;
  body: string;
  inboundMessageId: string;
  previousPublishedMessageId?: string;
}

export type ReplyOutcome =
  | 'cancelled'
  | 'already-cancelled'
  | 'rebook-requested'
  | 'opted-out'
  | 'opted-in'
  | 'help'
  | 'asked-to-choose'
  | 'to-inbox'
  | 'loop-guarded'
  | 'offer-accepted'
  | 'offer-taken'
  | 'offer-expired'
  | 'offer-declined'
  | 'wrong-number'
  /** A reply to the after-DNA question, recorded as the missed booking's reason (services/dna-follow-up.ts). */
  | 'dna-reason-recorded'
  /** A reply to the after-DNA question naming no reason Attend can read: for staff to tag. */
  | 'dna-reason-to-inbox';

export interface ReplyResult {
  outcome: ReplyOutcome;
  intent: Intent;
  bookingId?: string;
  replied: boolean;
}

/** Ids derived from the provider's id, so a redelivered message writes the same items, not new ones. */
export function derivedId(kind: string, inboundMessageId: string): string {
  return `${kind}-${createHash('sha256').update(inboundMessageId).digest('hex').slice(0, 24)}`;
}

export interface ReplyContext {
  deps: Deps;
  sms: InboundSms;
  inbound: Message;
  clients: Client[];
  language: string;
  optedOut: boolean;
  /**
   * The reading of the sender's number that `optedOut` came from, when it was read: an answer carries
   * it, and the guard takes it in place of its own read while it is fresh (a second).
   */
  consentRead?: ConsentReading;
  intent: Intent;
}

export function plainText(
  ctx: ReplyContext,
  key: TemplateKey,
  vars: Record<string, string> = {},
): RenderedText {
  const text = renderText(ctx.deps.config, { key, language: ctx.language, vars });
  return { key, body: text.body, segments: text.segments, encoding: text.encoding };
}

/** Answers the family, unless their number is opted out of texts (then only START and STOP are confirmed). */
export async function reply(
  ctx: ReplyContext,
  text: RenderedText,
  ids: { bookingId?: string; force?: boolean; stopConfirmation?: boolean } = {},
): Promise<boolean> {
  if (ctx.optedOut && !ids.force) return false;
  try {
    await sendAndRecord(
      ctx.deps,
      text,
      {
        to: ctx.sms.from,
        bookingId: ids.bookingId,
        clientId: ctx.clients[0]?.id,
        consentRead: ctx.consentRead,
      },
      { stopConfirmation: ids.stopConfirmation ?? false },
    );
    return true;
  } catch (err) {
    // The action stands; the parent can still call. Staff see the failure in the logs and metrics.
    ctx.deps.log.warn('reply text not sent', { messageId: ctx.inbound.id, error: (err as Error).name });
    return false;
  }
}

/** Puts the reply in the staff inbox, once per inbound message (its id derives from the provider's). */
export async function addReplyToInbox(
  ctx: ReplyContext,
  input: {
    reason: InboxItem['reason'];
    intent: string;
    bookings: readonly Booking[];
    /** The phone's clients unless given (a reply about one booking names its child only). */
    clientIds?: readonly string[];
  },
): Promise<void> {
  await addInboxItem(
    ctx.deps.store,
    {
      id: derivedId('inbox', ctx.sms.inboundMessageId),
      messageId: ctx.inbound.id,
      phone: ctx.sms.from,
      body: ctx.sms.body,
      receivedAt: ctx.inbound.at,
      reason: input.reason,
      intent: input.intent,
      clientIds: [...(input.clientIds ?? ctx.clients.map((c) => c.id))],
      bookingIds: input.bookings.map((b) => b.id),
    },
    ctx.deps.config.messages.retentionDays,
  );
}

export async function toInbox(
  ctx: ReplyContext,
  reason: InboxItem['reason'],
  extra: { bookings?: Booking[]; answer?: RenderedText } = {},
): Promise<ReplyResult> {
  await addReplyToInbox(ctx, { reason, intent: ctx.intent, bookings: extra.bookings ?? [] });
  const answer =
    extra.answer ?? plainText(ctx, reason === 'unmatched-number' ? 'nothingToAct' : 'notUnderstood');
  const replied = await reply(ctx, answer);
  return { outcome: extra.answer ? 'asked-to-choose' : 'to-inbox', intent: ctx.intent, replied };
}

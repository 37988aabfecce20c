/**
 * The texts an offer sends, each claimed before it is sent and marked after: the offer text itself, and
 * at most one notice ("that time has gone": taken, expired or withdrawn). A claim is a conditional
 * write with a lease, so two senders never both send, and a sender that dies mid-send leaves a claim
 * that lapses and is taken up by the offer sweep.
 */
import type { Message } from '#core/model.ts';
import type { NoticeKind, Offer, OfferNotice, OfferStatus } from '#core/waitlist.ts';
import { failedOn, put, transact, update, type Write, when, writeOne } from './conditions.ts';
import type { StoreContext } from './context.ts';
import { keys, offersByExpiry } from './keys.ts';
import { messageItems } from './messages.ts';
import { offerIs } from './offers.ts';

const offerUpdate = (
  ctx: StoreContext,
  offer: Pick<Offer, 'slotId' | 'id'>,
  spec: Parameters<typeof update>[3],
) => update(ctx, 'offer', keys.offer(offer.slotId, offer.id), spec);

async function attempt(ctx: StoreContext, write: Write): Promise<boolean> {
  try {
    await writeOne(ctx, write);
    return true;
  } catch (err) {
    if (failedOn(err, 'offer')) return false;
    throw err;
  }
}

const messageWrites = (ctx: StoreContext, message: Message, retentionDays: number): Write[] =>
  messageItems(ctx, message, retentionDays).map((item) => put(ctx, 'message', item));

// ---------------------------------------------------------------------------------------------------
// The offer text

const textClaimHeld = (claimedAt: string) =>
  when.allOf(
    'text-claim-held',
    when.equals('text-sending', 'textStatus', 'SENDING'),
    when.equals('text-claimed-then', 'textClaimedAt', claimedAt),
  );

/** Claims the offer's text for sending (PENDING, or a SENDING claim whose lease lapsed). */
export function claimOfferText(
  ctx: StoreContext,
  offer: Offer,
  now: string,
  leaseCutoff: string,
): Promise<boolean> {
  return attempt(
    ctx,
    offerUpdate(ctx, offer, {
      set: { textStatus: 'SENDING', textClaimedAt: now },
      increment: { textAttempts: 1 },
      when: [
        offerIs.pending,
        when.anyOf(
          'text-claimable',
          when.equals('text-pending', 'textStatus', 'PENDING'),
          when.allOf(
            'text-claim-lapsed',
            when.equals('text-sending', 'textStatus', 'SENDING'),
            when.before('claimed-before-cutoff', 'textClaimedAt', leaseCutoff),
          ),
        ),
      ],
    }),
  );
}

/**
 * Marks the offer text sent and records the message, together; the offer's place in the expiry index
 * moves from "text due" to "hold ends".
 */
export async function completeOfferText(
  ctx: StoreContext,
  input: { offer: Offer; claimedAt: string; message: Message; retentionDays: number },
): Promise<void> {
  const { offer } = input;
  await transact(ctx, [
    offerUpdate(ctx, offer, {
      set: {
        textStatus: 'SENT',
        messageId: input.message.id,
        ...offersByExpiry.entry(offer.id, offer.expiresAt),
      },
      when: [textClaimHeld(input.claimedAt)],
    }),
    ...messageWrites(ctx, input.message, input.retentionDays),
  ]);
}

/** Hands a claimed text back after a failed send (or gives up, after which the hold runs its course). */
export async function releaseOfferText(
  ctx: StoreContext,
  input: { offer: Offer; claimedAt: string; giveUp: boolean },
): Promise<void> {
  await attempt(
    ctx,
    offerUpdate(ctx, input.offer, {
      set: input.giveUp
        ? { textStatus: 'FAILED', expiryDueAt: input.offer.expiresAt }
        : { textStatus: 'PENDING' },
      when: [textClaimHeld(input.claimedAt)],
    }),
  );
}

// ---------------------------------------------------------------------------------------------------
// The notice

const noticeClaimLapsed = (leaseCutoff: string) =>
  when.allOf(
    'notice-claim-lapsed',
    when.equals('notice-sending', 'notice.state', 'SENDING'),
    when.before('notice-claimed-before-cutoff', 'notice.claimedAt', leaseCutoff),
  );

const noticeClaimHeld = (claimedAt: string) =>
  when.allOf(
    'notice-claim-held',
    when.equals('notice-sending', 'notice.state', 'SENDING'),
    when.equals('notice-claimed-then', 'notice.claimedAt', claimedAt),
  );

/**
 * Claims an ended offer's notice for sending. `due`: the notice its end marked DUE (or whose claim
 * lapsed), as the sweep and whoever ended the offer send it. `answer`: the answer to the family's own
 * YES, which also claims a notice nobody owed yet (a lapsed hold) or one that was dropped, but never
 * one that is sent or being sent. Returns the claimed notice, or undefined when it is not this caller's
 * to send (sent already, or another sender holds it).
 */
export async function claimNotice(
  ctx: StoreContext,
  offer: Offer,
  input: {
    mode: 'due' | 'answer';
    kind: NoticeKind;
    status: OfferStatus;
    now: string;
    leaseCutoff: string;
    leaseUntil: string;
  },
): Promise<OfferNotice | undefined> {
  const claimed: OfferNotice = {
    kind: offer.notice?.kind ?? input.kind,
    state: 'SENDING',
    dueAt: offer.notice?.dueAt ?? input.now,
    attempts: (offer.notice?.attempts ?? 0) + 1,
    claimedAt: input.now,
  };
  const claimable =
    input.mode === 'due'
      ? when.anyOf(
          'notice-due',
          when.equals('notice-is-due', 'notice.state', 'DUE'),
          noticeClaimLapsed(input.leaseCutoff),
        )
      : when.anyOf(
          'notice-not-sent',
          when.absent('no-notice-yet', 'notice'),
          when.oneOf('notice-unsent', 'notice.state', ['DUE', 'DROPPED', 'FAILED']),
          noticeClaimLapsed(input.leaseCutoff),
        );
  const ok = await attempt(
    ctx,
    offerUpdate(ctx, offer, {
      // While it is being sent the offer sits in the index at the lease's end, so a claim that lapses
      // (the sender died) is found by the sweep.
      set: { notice: claimed, ...offersByExpiry.entry(offer.id, input.leaseUntil) },
      when: [offerIs.ended(input.status), claimable],
    }),
  );
  return ok ? claimed : undefined;
}

/** Marks a claimed notice sent (its message is recorded by the send), and takes it out of the index. */
export async function completeNotice(
  ctx: StoreContext,
  offer: Pick<Offer, 'slotId' | 'id'>,
  input: { claimedAt: string; messageId: string; now: string },
): Promise<boolean> {
  return attempt(
    ctx,
    offerUpdate(ctx, offer, {
      set: { 'notice.state': 'SENT', 'notice.sentAt': input.now, 'notice.messageId': input.messageId },
      remove: ['expiryShard', 'expiryDueAt'],
      when: [noticeClaimHeld(input.claimedAt)],
    }),
  );
}

/**
 * After a failed send: DUE again for the next sweep, or given up (FAILED) after a few attempts, or
 * DROPPED for good (the number is suppressed: trying again never helps).
 */
export async function releaseNotice(
  ctx: StoreContext,
  offer: Pick<Offer, 'slotId' | 'id'>,
  input: { claimedAt: string; outcome: 'retry' | 'FAILED' | 'DROPPED'; reason?: string; retryAt: string },
): Promise<void> {
  const retry = input.outcome === 'retry';
  await attempt(
    ctx,
    offerUpdate(ctx, offer, {
      set: {
        'notice.state': retry ? 'DUE' : input.outcome,
        ...(input.reason ? { 'notice.reason': input.reason } : {}),
        ...(retry ? offersByExpiry.entry(offer.id, input.retryAt) : {}),
      },
      remove: retry ? [] : ['expiryShard', 'expiryDueAt'],
      when: [noticeClaimHeld(input.claimedAt)],
    }),
  );
}

/** A DUE notice that no longer matters (the slot has started; a newer notice went instead). */
export async function dropNotice(
  ctx: StoreContext,
  offer: Pick<Offer, 'slotId' | 'id'>,
  reason: string,
): Promise<boolean> {
  return attempt(
    ctx,
    offerUpdate(ctx, offer, {
      set: { 'notice.state': 'DROPPED', 'notice.reason': reason },
      remove: ['expiryShard', 'expiryDueAt'],
      when: [when.equals('notice-is-due', 'notice.state', 'DUE')],
    }),
  );
}

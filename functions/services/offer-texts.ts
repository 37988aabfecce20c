/**
 * What the short-notice list texts a family: the offer, and at most one notice per offer that the time
 * has gone (taken by another family, withdrawn by staff, or, in answer to a late YES, ended). Each is
 * claimed on the offer with a conditional write before it is sent and marked after, so ten YESes at
 * once, a winner telling the others and each loser's own YES, still tell each family once.
 */
import { randomUUID } from 'node:crypto';
import { isRecipientSuppressed } from '#core/errors.ts';
import { formatDay, formatTime } from '#core/local-time.ts';
import type { Client, Clinic, Slot } from '#core/model.ts';
import { ANSWER_TO_YES, NOTICE_TEMPLATE, noticeDropReason, noticeDueAt } from '#core/offer-run.ts';
import { isQuiet } from '#core/quiet-hours.ts';
import { renderText, templateFor } from '#core/templates.ts';
import type { NoticeKind, Offer, OfferStatus } from '#core/waitlist.ts';
import { failedOn } from '#store/conditions.ts';
import { recordMessage } from '#store/messages.ts';
import {
  claimNotice,
  claimOfferText,
  completeNotice,
  completeOfferText,
  dropNotice,
  releaseNotice,
  releaseOfferText,
} from '#store/offer-texts.ts';
import { type ConsentReading, readConsent } from './consent.ts';
import type { Deps } from './deps.ts';
import { linked, offerLink } from './parent-links.ts';
import { gsmFriendly, outboundMessage, type RenderedText, sendAndRecord } from './texts.ts';

const TEXT_LEASE_MINUTES = 10;
const MAX_TEXT_ATTEMPTS = 3;
const NOTICE_LEASE_MINUTES = 10;
const MAX_NOTICE_ATTEMPTS = 3;

export const minutesAfter = (iso: string, minutes: number) =>
  new Date(new Date(iso).getTime() + minutes * 60_000).toISOString();

// ---------------------------------------------------------------------------------------------------
// The offer text

function offerText(
  deps: Deps,
  offer: Offer,
  input: { slot: Slot; client: Client; clinic: Clinic | undefined },
): RenderedText {
  const { config } = deps;
  const language = templateFor(
    config,
    'offer',
    input.client.language || config.defaultLanguage,
    input.slot.type,
  ).language;
  const text = renderText(config, {
    key: 'offer',
    language,
    typeId: input.slot.type,
    vars: {
      name: gsmFriendly(input.client.firstName),
      day: formatDay(input.slot.startsAt, config.timeZone, language),
      time: formatTime(input.slot.startsAt, config.timeZone),
      venue: gsmFriendly(input.clinic?.venue ?? ''),
      ref: offer.ref,
      holdMinutes: String(offer.holdMinutes),
    },
  });
  return { key: 'offer', body: text.body, segments: text.segments, encoding: text.encoding, language };
}

/**
 * Claim → send → record, as for reminders; a failed send is retried by the expiry sweep. A number the
 * consent wrapper refuses is never tried again: the text is given up and the hold runs its course.
 * `consentRead` is the wave's reading of the number, when it has one: the guard may take it in place
 * of its own read.
 */
export async function sendOfferText(
  deps: Deps,
  offer: Offer,
  input: { slot: Slot; client: Client; clinic: Clinic | undefined; consentRead?: ConsentReading },
): Promise<boolean> {
  const now = deps.now().toISOString();
  const leaseCutoff = minutesAfter(now, -TEXT_LEASE_MINUTES);
  if (!(await claimOfferText(deps.store, offer, now, leaseCutoff))) return false;
  // With parentLinks on, the offer carries its own link (7 days), where the family can take it.
  const text = await linked(deps, offerText(deps, offer, input), () => offerLink(deps, offer));
  let providerMessageId: string;
  const id = randomUUID();
  try {
    ({ providerMessageId } = await deps.sms.send({
      to: offer.phone,
      body: text.body,
      ref: id,
      consentRead: input.consentRead,
    }));
  } catch (err) {
    await releaseOfferText(deps.store, {
      offer,
      claimedAt: now,
      giveUp: isRecipientSuppressed(err) || offer.textAttempts + 1 >= MAX_TEXT_ATTEMPTS,
    });
    deps.log.warn('offer text failed', { offerId: offer.id, error: (err as Error).name });
    return false;
  }
  const message = outboundMessage(text, {
    id,
    to: offer.phone,
    at: deps.now().toISOString(),
    providerMessageId,
    clientId: offer.clientId,
    offerId: offer.id,
    slotId: offer.slotId,
  });
  try {
    await completeOfferText(deps.store, {
      offer,
      claimedAt: now,
      message,
      retentionDays: deps.config.messages.retentionDays,
    });
  } catch (err) {
    // Our claim lapsed and another sender took it over: the text went, so it is recorded all the same.
    if (!failedOn(err, 'offer')) throw err;
    await recordMessage(deps.store, message, deps.config.messages.retentionDays);
  }
  return true;
}

// ---------------------------------------------------------------------------------------------------
// The notice

function noticeText(deps: Deps, kind: NoticeKind, client: Client, typeId: string | undefined): RenderedText {
  const key = NOTICE_TEMPLATE[kind];
  const text = renderText(deps.config, {
    key,
    language: client.language || deps.config.defaultLanguage,
    typeId,
    vars: {},
  });
  return { key, body: text.body, segments: text.segments, encoding: text.encoding };
}

export type NoticeOutcome = 'sent' | 'held' | 'dropped' | 'not-ours' | 'failed';

/** Sends a claimed notice through sendAndRecord and marks it; a refusal is retried or given up. */
async function sendClaimed(
  deps: Deps,
  offer: Offer,
  input: {
    kind: NoticeKind;
    claimedAt: string;
    attempts: number;
    client: Client;
    typeId: string | undefined;
    /** The caller's reading of the number, just before: the guard may take it in place of its own. */
    consentRead?: ConsentReading;
  },
): Promise<boolean> {
  try {
    const message = await sendAndRecord(deps, noticeText(deps, input.kind, input.client, input.typeId), {
      to: offer.phone,
      clientId: offer.clientId,
      offerId: offer.id,
      slotId: offer.slotId,
      consentRead: input.consentRead,
    });
    await completeNotice(deps.store, offer, {
      claimedAt: input.claimedAt,
      messageId: message.id,
      now: deps.now().toISOString(),
    });
    return true;
  } catch (err) {
    const suppressed = isRecipientSuppressed(err);
    await releaseNotice(deps.store, offer, {
      claimedAt: input.claimedAt,
      outcome: suppressed ? 'DROPPED' : input.attempts >= MAX_NOTICE_ATTEMPTS ? 'FAILED' : 'retry',
      reason: suppressed ? 'suppressed' : (err as Error).name,
      retryAt: noticeDueAt(deps.now().toISOString(), deps.config.quietHours, deps.config.timeZone),
    });
    deps.log.warn('offer notice not sent', { offerId: offer.id, error: (err as Error).name });
    return false;
  }
}

/**
 * Sends the notice an offer's end marked DUE, at most once: held in quiet hours (the sweep sends it
 * when they end), dropped once it no longer matters (the slot has started, a newer notice to the same
 * phone goes instead, the family opted out or was erased).
 */
export async function sendDueNotice(
  deps: Deps,
  offer: Offer,
  context: { slot: Slot | undefined; client: Client | undefined; supersededByNewer?: boolean },
): Promise<NoticeOutcome> {
  const notice = offer.notice;
  if (!notice || (notice.state !== 'DUE' && notice.state !== 'SENDING')) return 'not-ours';
  const now = deps.now().toISOString();
  const { config } = deps;
  const dropped =
    noticeDropReason({
      slotStartsAt: context.slot?.startsAt,
      now,
      supersededByNewer: context.supersededByNewer ?? false,
    }) ?? (!context.client ? 'no-client' : undefined);
  const consentRead = dropped ? undefined : await readConsent(deps, offer.phone);
  const drop = dropped ?? (consentRead?.consent ? 'opted-out' : undefined);
  if (drop) return (await dropNotice(deps.store, offer, drop)) ? 'dropped' : 'not-ours';
  if (isQuiet(now, config.quietHours, config.timeZone)) return 'held';
  const claimed = await claimNotice(deps.store, offer, {
    mode: 'due',
    kind: notice.kind,
    status: offer.status,
    now,
    leaseCutoff: minutesAfter(now, -NOTICE_LEASE_MINUTES),
    leaseUntil: minutesAfter(now, NOTICE_LEASE_MINUTES),
  });
  if (!claimed) return 'not-ours';
  const sent = await sendClaimed(deps, offer, {
    kind: claimed.kind,
    claimedAt: now,
    attempts: claimed.attempts,
    client: context.client!,
    typeId: context.slot?.type,
    consentRead,
  });
  return sent ? 'sent' : 'failed';
}

/**
 * Answers a YES to an offer that has already ended (taken, withdrawn, lapsed or declined) with that
 * offer's one notice: sent now if nobody has sent it yet (a reply is in the conversation the family just
 * started, so quiet hours do not hold it), and not at all if they have already been told.
 */
export async function answerWithNotice(
  deps: Deps,
  offer: Offer,
  input: {
    status: Exclude<OfferStatus, 'PENDING' | 'ACCEPTED'>;
    client: Client | undefined;
    typeId?: string;
  },
): Promise<boolean> {
  if (!input.client) return false;
  const consentRead = await readConsent(deps, offer.phone);
  if (consentRead.consent) return false;
  const now = deps.now().toISOString();
  const claimed = await claimNotice(deps.store, offer, {
    mode: 'answer',
    kind: ANSWER_TO_YES[input.status],
    status: input.status,
    now,
    leaseCutoff: minutesAfter(now, -NOTICE_LEASE_MINUTES),
    leaseUntil: minutesAfter(now, NOTICE_LEASE_MINUTES),
  });
  if (!claimed) return false;
  return sendClaimed(deps, offer, {
    kind: claimed.kind,
    claimedAt: now,
    attempts: claimed.attempts,
    client: input.client,
    typeId: input.typeId,
    consentRead,
  });
}

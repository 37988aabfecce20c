/**
 * Offers: made in a wave, read by slot, by phone and by when they need attention, and ended. The text
 * and notice claims of an offer are in offer-texts.ts.
 */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { NoticeKind, Offer, OfferNotice, OfferStatus, WaitlistEntry } from '#core/waitlist.ts';
import { offerSchema } from '#core/waitlist.ts';
import { failedOn, type Piece, put, transact, update, type Write, when } from './conditions.ts';
import type { StoreContext } from './context.ts';
import {
  byPhone,
  keys,
  offersByExpiry,
  slotCollection,
  waitlistByType,
  withoutStorageAttributes,
} from './keys.ts';
import { offerMadeWrite } from './slot-runs.ts';

export const toOffer = (item: Record<string, unknown>): Offer =>
  offerSchema.parse(withoutStorageAttributes(item));

/** Whether a notice is waiting to be sent (or its claim may have lapsed): it keeps a place in the index. */
const noticeOpen = (notice: OfferNotice | undefined) =>
  notice?.state === 'DUE' || notice?.state === 'SENDING';

export function offerItem(offer: Offer): Record<string, unknown> {
  const live = offer.status === 'PENDING';
  const dueAt = offer.textStatus === 'SENT' ? offer.expiresAt : offer.offeredAt;
  return {
    ...keys.offer(offer.slotId, offer.id),
    ...(live ? byPhone.liveOffer(offer.phone, offer.offeredAt, offer.id) : {}),
    // In the offersByExpiry index while the offer needs attention: its text, then its hold, then a notice.
    ...(live ? offersByExpiry.entry(offer.id, dueAt) : {}),
    ...(!live && noticeOpen(offer.notice) ? offersByExpiry.entry(offer.id, offer.notice!.dueAt) : {}),
    entity: 'Offer',
    ...offer,
  };
}

/** The named pieces of an offer's conditions. */
export const offerIs = {
  new: when.absent('offer-is-new'),
  pending: when.equals('offer-pending', 'status', 'PENDING'),
  ended: (status: OfferStatus) => when.equals(`offer-is-${status.toLowerCase()}`, 'status', status),
  holdOpen: (now: string) => when.after('offer-hold-open', 'expiresAt', now),
} as const;

export const entryIs = {
  waiting: when.equals('entry-waiting', 'status', 'WAITING'),
  offered: when.equals('entry-offered', 'status', 'OFFERED'),
} as const;

/** The entry's side of an offer being made: WAITING → OFFERED, out of the list's index. */
export function entryOfferedWrite(ctx: StoreContext, entry: Pick<WaitlistEntry, 'id'>, now: string): Write {
  return update(ctx, 'entry', keys.waitlistEntry(entry.id), {
    set: { status: 'OFFERED', updatedAt: now },
    remove: ['waitlistPk', 'waitlistScore'],
    when: [entryIs.waiting],
  });
}

/** The entry's side of a YES: OFFERED → BOOKED, out of the list for good. */
export function entryBookedWrite(ctx: StoreContext, entry: Pick<WaitlistEntry, 'id'>, now: string): Write {
  return update(ctx, 'entry', keys.waitlistEntry(entry.id), {
    set: { status: 'BOOKED', updatedAt: now },
    remove: ['waitlistPk', 'waitlistScore'],
    when: [entryIs.offered],
  });
}

/** The entry's side of an offer ending without a booking: OFFERED → WAITING, back in the index. */
export function entryBackToWaitingWrite(
  ctx: StoreContext,
  entry: Pick<WaitlistEntry, 'id' | 'type' | 'score'>,
  now: string,
): Write {
  const index = waitlistByType.entry(entry.type, entry.score);
  return update(ctx, 'entry', keys.waitlistEntry(entry.id), {
    set: {
      status: 'WAITING',
      updatedAt: now,
      waitlistPk: index.waitlistPk,
      waitlistScore: index.waitlistScore,
    },
    when: [entryIs.offered],
  });
}

export type CreateOfferResult = 'made' | 'offered-already' | 'entry-not-waiting' | 'run-ended';

/**
 * Records an offer, moves its entry WAITING → OFFERED and counts it on the slot's run, in one
 * transaction: a redelivered stream record, a family offered another slot meanwhile, or a run that
 * ended meanwhile (staff booked the slot) each make nothing.
 */
export async function createOffer(
  ctx: StoreContext,
  offer: Offer,
  entry: WaitlistEntry,
): Promise<CreateOfferResult> {
  try {
    await transact(ctx, [
      put(ctx, 'offer', offerItem(offer), [offerIs.new]),
      entryOfferedWrite(ctx, entry, offer.offeredAt),
      offerMadeWrite(ctx, offer.slotId, offer.runId),
    ]);
    return 'made';
  } catch (err) {
    if (failedOn(err, 'offer')) return 'offered-already';
    if (failedOn(err, 'entry')) return 'entry-not-waiting';
    if (failedOn(err, 'slot')) return 'run-ended';
    throw err;
  }
}

/** Pattern: every offer made for one slot (all runs), oldest first. */
export async function offersBySlot(ctx: StoreContext, slotId: string): Promise<Offer[]> {
  const offers: Offer[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ctx.db.send(
      new QueryCommand({
        TableName: ctx.table,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: {
          ':pk': slotCollection.partition(slotId),
          ':prefix': slotCollection.prefix.offer,
        },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    offers.push(...(out.Items ?? []).map(toOffer));
    start = out.LastEvaluatedKey;
  } while (start);
  return offers.sort((a, b) => (a.offeredAt < b.offeredAt ? -1 : a.offeredAt > b.offeredAt ? 1 : 0));
}

/** Pattern: one offer by its slot and id, as it is now. */
export async function getOffer(
  ctx: StoreContext,
  slotId: string,
  offerId: string,
): Promise<Offer | undefined> {
  const { Item } = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.offer(slotId, offerId), ConsistentRead: true }),
  );
  return Item ? toOffer(Item) : undefined;
}

/** Pattern: PENDING offers to one phone, newest first. */
export async function liveOffersByPhone(ctx: StoreContext, phone: string): Promise<Offer[]> {
  const out = await ctx.db.send(
    new QueryCommand({
      TableName: ctx.table,
      IndexName: 'byPhone',
      KeyConditionExpression: 'phonePk = :pk AND begins_with(phoneSk, :prefix)',
      ExpressionAttributeValues: { ':pk': byPhone.partition(phone), ':prefix': byPhone.prefix.liveOffer },
      ScanIndexForward: false,
    }),
  );
  return (out.Items ?? []).map(toOffer).filter((o) => o.status === 'PENDING');
}

/** Pattern: offers and slots needing attention at or before `now`, in one shard of offersByExpiry. */
export async function dueForExpiry(
  ctx: StoreContext,
  shard: string,
  now: string,
  cursor?: Record<string, unknown>,
): Promise<{ items: Record<string, unknown>[]; next?: Record<string, unknown> }> {
  const out = await ctx.db.send(
    new QueryCommand({
      TableName: ctx.table,
      IndexName: 'offersByExpiry',
      KeyConditionExpression: 'expiryShard = :shard AND expiryDueAt <= :now',
      ExpressionAttributeValues: { ':shard': shard, ':now': now },
      ExclusiveStartKey: cursor,
      Limit: 100,
    }),
  );
  return { items: out.Items ?? [], next: out.LastEvaluatedKey };
}

/** The earliest instant anything in the offersByExpiry index needs attention, across shards. */
export async function earliestExpiry(
  ctx: StoreContext,
  shards: readonly string[],
): Promise<string | undefined> {
  const firsts = await Promise.all(
    shards.map(async (shard) => {
      const out = await ctx.db.send(
        new QueryCommand({
          TableName: ctx.table,
          IndexName: 'offersByExpiry',
          KeyConditionExpression: 'expiryShard = :shard',
          ExpressionAttributeValues: { ':shard': shard },
          ProjectionExpression: 'expiryDueAt',
          Limit: 1,
        }),
      );
      return out.Items?.[0]?.expiryDueAt as string | undefined;
    }),
  );
  return firsts.filter((d): d is string => d !== undefined).sort()[0];
}

export type EndStatus = Exclude<OfferStatus, 'PENDING'>;

/**
 * The write that ends a PENDING offer. With `notice`, the family's "that time has gone" text is marked
 * DUE in the same write (and the offer keeps a place in the index until it is sent), so the notice is
 * owed exactly when the offer ended this way, and never twice.
 */
export function settleOfferWrite(
  ctx: StoreContext,
  offer: Pick<Offer, 'slotId' | 'id'>,
  status: EndStatus,
  now: string,
  options: { notice?: { kind: NoticeKind; dueAt: string }; when?: readonly Piece[] } = {},
): Write {
  const notice = options.notice;
  return update(ctx, 'offer', keys.offer(offer.slotId, offer.id), {
    set: {
      status,
      respondedAt: now,
      ...(notice
        ? {
            notice: {
              kind: notice.kind,
              state: 'DUE',
              dueAt: notice.dueAt,
              attempts: 0,
            } satisfies OfferNotice,
            ...offersByExpiry.entry(offer.id, notice.dueAt),
          }
        : {}),
    },
    remove: ['phonePk', 'phoneSk', ...(notice ? [] : ['expiryShard', 'expiryDueAt'])],
    when: [offerIs.pending, ...(options.when ?? [])],
  });
}

/**
 * Ends a PENDING offer without a booking and returns the family to the list, together. False when the
 * offer was no longer PENDING (someone else settled it first): nothing changed. An entry staff took off
 * the list meanwhile stays off it, and the offer ends alone.
 */
export async function settleOffer(
  ctx: StoreContext,
  offer: Pick<Offer, 'slotId' | 'id'>,
  entry: Pick<WaitlistEntry, 'id' | 'type' | 'score'> | undefined,
  status: Exclude<EndStatus, 'ACCEPTED'>,
  now: string,
  notice?: { kind: NoticeKind; dueAt: string },
): Promise<boolean> {
  const settle = settleOfferWrite(ctx, offer, status, now, { notice });
  try {
    await transact(ctx, entry ? [settle, entryBackToWaitingWrite(ctx, entry, now)] : [settle]);
    return true;
  } catch (err) {
    if (failedOn(err, 'offer')) return false;
    if (!failedOn(err, 'entry')) throw err;
  }
  try {
    await transact(ctx, [settle]);
    return true;
  } catch (err) {
    if (failedOn(err, 'offer')) return false;
    throw err;
  }
}

import {
  QueryCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Message } from '#core/model.ts';
import { type Offer, offerSchema, type WaitlistEntry } from '#core/waitlist.ts';
import { cancellationReasons, isConditionFailure } from './client.ts';
import type { StoreContext } from './context.ts';
import {
  byPhone,
  keys,
  offersByExpiry,
  slotCollection,
  waitlistByType,
  withoutStorageAttributes,
} from './keys.ts';
import { messageItems } from './messages.ts';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export const toOffer = (item: Record<string, unknown>): Offer =>
  offerSchema.parse(withoutStorageAttributes(item));

export function offerItem(offer: Offer): Record<string, unknown> {
  const live = offer.status === 'PENDING';
  const dueAt = offer.textStatus === 'SENT' ? offer.expiresAt : offer.offeredAt;
  return {
    ...keys.offer(offer.slotId, offer.id),
    ...(live ? byPhone.liveOffer(offer.phone, offer.offeredAt, offer.id) : {}),
    // In the offersByExpiry index while the offer needs attention: its text, then its hold.
    ...(live ? offersByExpiry.entry(offer.id, dueAt) : {}),
    entity: 'Offer',
    ...offer,
  };
}

/**
 * Records an offer and moves its waitlist entry WAITING → OFFERED in one transaction. Returns false when
 * either condition fails: the offer already exists (a redelivered stream record) or the entry is no
 * longer waiting (offered another slot meanwhile), so nobody is offered twice.
 */
export async function createOffer(ctx: StoreContext, offer: Offer, entry: WaitlistEntry): Promise<boolean> {
  try {
    await ctx.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName: ctx.table,
              Item: offerItem(offer),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            Update: {
              TableName: ctx.table,
              Key: keys.waitlistEntry(entry.id),
              UpdateExpression: 'SET #status = :offered, updatedAt = :now REMOVE waitlistPk, waitlistScore',
              ConditionExpression: '#status = :waiting',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':offered': 'OFFERED',
                ':waiting': 'WAITING',
                ':now': offer.offeredAt,
              },
            },
          },
        ],
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
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

/** Claims the offer's text for sending (PENDING, or a SENDING claim whose lease lapsed). */
export async function claimOfferText(
  ctx: StoreContext,
  offer: Offer,
  now: string,
  leaseCutoff: string,
): Promise<boolean> {
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.offer(offer.slotId, offer.id),
        UpdateExpression:
          'SET textStatus = :sending, textClaimedAt = :now, textAttempts = textAttempts + :one',
        ConditionExpression:
          '#status = :pending AND (textStatus = :textPending OR (textStatus = :sending AND textClaimedAt < :cutoff))',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':sending': 'SENDING',
          ':textPending': 'PENDING',
          ':pending': 'PENDING',
          ':now': now,
          ':one': 1,
          ':cutoff': leaseCutoff,
        },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
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
  const due = offersByExpiry.entry(offer.id, offer.expiresAt);
  await ctx.db.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: ctx.table,
            Key: keys.offer(offer.slotId, offer.id),
            UpdateExpression:
              'SET textStatus = :sent, messageId = :mid, expiryDueAt = :due, expiryShard = :shard',
            ConditionExpression: 'textStatus = :sending AND textClaimedAt = :claimedAt',
            ExpressionAttributeValues: {
              ':sent': 'SENT',
              ':sending': 'SENDING',
              ':claimedAt': input.claimedAt,
              ':mid': input.message.id,
              ':due': due.expiryDueAt,
              ':shard': due.expiryShard,
            },
          },
        },
        ...messageItems(ctx, input.message, input.retentionDays).map((Item) => ({
          Put: { TableName: ctx.table, Item },
        })),
      ],
    }),
  );
}

/** Hands a claimed text back after a failed send (or gives up, after which the hold runs its course). */
export async function releaseOfferText(
  ctx: StoreContext,
  input: { offer: Offer; claimedAt: string; giveUp: boolean },
): Promise<void> {
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.offer(input.offer.slotId, input.offer.id),
        UpdateExpression: input.giveUp
          ? 'SET textStatus = :failed, expiryDueAt = :expires'
          : 'SET textStatus = :textPending',
        ConditionExpression: 'textStatus = :sending AND textClaimedAt = :claimedAt',
        ExpressionAttributeValues: {
          ':sending': 'SENDING',
          ':claimedAt': input.claimedAt,
          ...(input.giveUp
            ? { ':failed': 'FAILED', ':expires': input.offer.expiresAt }
            : { ':textPending': 'PENDING' }),
        },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}

/** The transaction item that ends a PENDING offer (accepted, declined, expired, or taken by another). */
export function settleOfferItem(
  ctx: StoreContext,
  offer: Offer,
  status: 'ACCEPTED' | 'DECLINED' | 'EXPIRED' | 'TAKEN',
  now: string,
  extraCondition?: { expression: string; values: Record<string, unknown> },
): TransactItem {
  return {
    Update: {
      TableName: ctx.table,
      Key: keys.offer(offer.slotId, offer.id),
      UpdateExpression:
        'SET #status = :status, respondedAt = :now REMOVE phonePk, phoneSk, expiryShard, expiryDueAt',
      ConditionExpression: `#status = :pending${extraCondition ? ` AND ${extraCondition.expression}` : ''}`,
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':status': status,
        ':pending': 'PENDING',
        ':now': now,
        ...extraCondition?.values,
      },
    },
  };
}

/** The transaction item that puts an OFFERED entry back on the list with its place in the index. */
export function entryBackToWaitingItem(
  ctx: StoreContext,
  entry: Pick<WaitlistEntry, 'id' | 'type' | 'score'>,
  now: string,
): TransactItem {
  const index = waitlistByType.entry(entry.type, entry.score);
  return {
    Update: {
      TableName: ctx.table,
      Key: keys.waitlistEntry(entry.id),
      UpdateExpression: 'SET #status = :waiting, updatedAt = :now, waitlistPk = :pk, waitlistScore = :score',
      ConditionExpression: '#status = :offered',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: {
        ':waiting': 'WAITING',
        ':offered': 'OFFERED',
        ':now': now,
        ':pk': index.waitlistPk,
        ':score': index.waitlistScore,
      },
    },
  };
}

/**
 * Ends a PENDING offer without a booking and returns the family to the list, together. False when the
 * offer was no longer PENDING (someone else settled it first): nothing changed.
 */
export async function settleOffer(
  ctx: StoreContext,
  offer: Offer,
  entry: Pick<WaitlistEntry, 'id' | 'type' | 'score'>,
  status: 'DECLINED' | 'EXPIRED' | 'TAKEN',
  now: string,
): Promise<boolean> {
  try {
    await ctx.db.send(
      new TransactWriteCommand({
        TransactItems: [settleOfferItem(ctx, offer, status, now), entryBackToWaitingItem(ctx, entry, now)],
      }),
    );
    return true;
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    const [offerReason, entryReason] = cancellationReasons(err);
    if (offerReason === 'ConditionalCheckFailed' || entryReason !== 'ConditionalCheckFailed') return false;
  }
  // The entry was taken off the list meanwhile (staff removed it): end the offer alone.
  try {
    await ctx.db.send(
      new TransactWriteCommand({ TransactItems: [settleOfferItem(ctx, offer, status, now)] }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/**
 * Delivery status, stored: each text's status on its Message (applied by rank, conditionally, so events
 * may come twice and in any order), and per number the failed texts and the newest delivered one, from
 * which "three temporary failures in a row" is read. The per-number items are keyed by the number's
 * consent hash (core/consent.ts): they hold no number, name or client, and expire.
 */
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DELIVERY_RANK, type Delivery, type DeliveryStatus } from '#core/delivery-status.ts';
import { type Message, messageSchema } from '#core/model.ts';
import { isConditionFailure } from './client.ts';
import type { StoreContext } from './context.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { expiryEpoch } from './messages.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/** How long a number's failure history is kept: long enough for "three in a row" at reminder pace. */
const NUMBER_HISTORY_DAYS = 120;

export type ApplyResult =
  | { applied: true; message: Message; previous: DeliveryStatus | undefined }
  | { applied: false; reason: 'no-message' | 'outranked'; current?: DeliveryStatus };

/**
 * Applies a status to a message only when it outranks the one recorded, or has the same rank and is
 * newer (a second temporary failure). The same event again, or a "sent" after "delivered", fails the
 * condition and changes nothing. Returns the message as it was and its previous status; `no-message`
 * when there is no such message or it is not an outbound text (so a caller needs no read before).
 */
export async function applyDelivery(
  ctx: StoreContext,
  messageId: string,
  delivery: Delivery,
  /** When given, the message must have been sent with this provider id (else `no-message`). */
  providerMessageId?: string,
): Promise<ApplyResult> {
  const rank = DELIVERY_RANK[delivery.status];
  const sameText = providerMessageId === undefined ? '' : ' AND providerMessageId = :pid';
  try {
    const out = await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.message(messageId),
        UpdateExpression: 'SET delivery = :delivery, deliveryRank = :rank',
        ConditionExpression: `attribute_exists(pk) AND direction = :out${sameText} AND (attribute_not_exists(deliveryRank) OR deliveryRank < :rank OR (deliveryRank = :rank AND delivery.changedAt < :at))`,
        ExpressionAttributeValues: {
          ':delivery': delivery,
          ':rank': rank,
          ':at': delivery.changedAt,
          ':out': 'OUT',
          ...(providerMessageId === undefined ? {} : { ':pid': providerMessageId }),
        },
        ReturnValues: 'ALL_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    const message = messageSchema.parse(withoutStorageAttributes(out.Attributes ?? {}));
    return { applied: true, message, previous: message.delivery?.status };
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    // The SDK hands back the old item still in DynamoDB's wire format, even through the document client.
    const raw = (err as { Item?: Record<string, never> }).Item;
    if (!raw) return { applied: false, reason: 'no-message' };
    const old = messageSchema.parse(withoutStorageAttributes(unmarshall(raw)));
    // A family's own text (IN) has no delivery status: a report naming it is not about Attend's text;
    // nor is one whose provider id is another text's.
    if (old.direction !== 'OUT') return { applied: false, reason: 'no-message' };
    if (providerMessageId !== undefined && old.providerMessageId !== providerMessageId) {
      return { applied: false, reason: 'no-message' };
    }
    return { applied: false, reason: 'outranked', current: old.delivery?.status };
  }
}

/** Records that a text to the number failed; idempotent on the message. */
export async function recordNumberFailure(
  ctx: StoreContext,
  phoneHash: string,
  message: Pick<Message, 'id' | 'at'>,
  now: string,
): Promise<void> {
  await ctx.db.send(
    new PutCommand({
      TableName: ctx.table,
      Item: {
        ...keys.numberFailure(phoneHash, message.at, message.id),
        entity: 'NumberFailure',
        [TTL_ATTRIBUTE]: expiryEpoch(now, NUMBER_HISTORY_DAYS),
      },
    }),
  );
}

/**
 * Records a delivered text: failures of texts sent before it no longer count. Only ever moves forward,
 * so a late delivery receipt for an older text cannot hide newer failures.
 */
export async function recordNumberDelivered(
  ctx: StoreContext,
  phoneHash: string,
  messageAt: string,
  now: string,
): Promise<void> {
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.numberDelivery(phoneHash),
        UpdateExpression: 'SET clearedAt = :at, entity = :entity, #ttl = :ttl',
        ConditionExpression: 'attribute_not_exists(clearedAt) OR clearedAt < :at',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: {
          ':at': messageAt,
          ':entity': 'NumberDelivery',
          ':ttl': expiryEpoch(now, NUMBER_HISTORY_DAYS),
        },
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}

/** Pattern: how many texts to the number failed since the newest one delivered (at most `atMost`). */
export async function failuresSinceDelivered(
  ctx: StoreContext,
  phoneHash: string,
  atMost: number,
): Promise<number> {
  const base = keys.numberDelivery(phoneHash);
  const out = await ctx.db.send(
    new QueryCommand({
      TableName: ctx.table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': base.pk, ':from': 'CLEARED', ':to': 'FAIL#~' },
      ConsistentRead: true,
    }),
  );
  const items = out.Items ?? [];
  const cleared = items.find((i) => i.sk === 'CLEARED')?.clearedAt;
  const after = typeof cleared === 'string' ? `FAIL#${cleared}#~` : 'FAIL#';
  return Math.min(
    atMost,
    items.filter((i) => String(i.sk).startsWith('FAIL#') && String(i.sk) > after).length,
  );
}

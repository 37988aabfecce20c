/**
 * Delivery status, stored: each text's status on its Message (applied by rank, conditionally, so events
 * may come twice and in any order), and per number the failed texts, one NumberFailure item each, keyed
 * by the number's consent hash (core/consent.ts): they hold no number, name or client, and expire.
 * "Three temporary failures in a row" counts those sent after the number's newest delivered text, which
 * is read from the number's Messages when a failure comes, so a delivered receipt (the common case) is
 * the one write to its Message. (A per-number NumberDelivery item, `sk CLEARED`, used to hold the newest
 * delivered text, written on every delivered receipt; it is no longer written or read, and those left in
 * a deployed table expire by TTL.)
 */
import { PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { DELIVERY_RANK, type Delivery, type DeliveryStatus } from '#core/delivery-status.ts';
import { type Message, messageSchema } from '#core/model.ts';
import { isConditionFailure } from './client.ts';
import type { StoreContext } from './context.ts';
import { keys, numberFailures, withoutStorageAttributes } from './keys.ts';
import { expiryEpoch, newestDeliveredAt } from './messages.ts';
import { TTL_ATTRIBUTE } from './table.ts';

/**
 * How long a number's failure history is kept (and read, unless messages are kept for less): long enough
 * for "three in a row" at reminder pace.
 */
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
 * Pattern: how many texts to the number failed since the newest one delivered (at most `atMost`). The
 * newest delivered text is read from the number's own Messages (the byPhone index), only on this rare
 * path, so a delivered receipt writes nothing here. It is the newest by when the text was sent, whatever
 * order the receipts came in: a late receipt for an older text cannot hide newer failures. A failure
 * counts only while the Messages that could clear it are still held: the history read is
 * NUMBER_HISTORY_DAYS, or the messages' retention period when that is shorter (a delivered text gone
 * by TTL must not let the failures before it count again). Two reads: the newest `atMost` failures
 * (consistent), then the number's delivered texts, newest first, back to the oldest of those failures.
 */
export async function failuresSinceDelivered(
  ctx: StoreContext,
  number: { phone: string; hash: string },
  atMost: number,
  history: { now: string; messageRetentionDays: number },
): Promise<number> {
  const days = Math.min(NUMBER_HISTORY_DAYS, history.messageRetentionDays);
  const range = numberFailures.range(new Date(Date.parse(history.now) - days * 86_400_000).toISOString());
  const out = await ctx.db.send(
    new QueryCommand({
      TableName: ctx.table,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': numberFailures.partition(number.hash),
        ':from': range.from,
        ':to': range.to,
      },
      ProjectionExpression: 'sk',
      ScanIndexForward: false,
      Limit: atMost,
      ConsistentRead: true,
    }),
  );
  const failures = (out.Items ?? []).map((i) => String(i.sk));
  const oldest = failures.at(-1);
  if (oldest === undefined) return 0;
  // A delivered text sent before the oldest of these cannot change the count (it stops at `atMost`).
  const delivered = await newestDeliveredAt(ctx, number.phone, numberFailures.sentAt(oldest));
  if (delivered === undefined) return failures.length;
  const after = numberFailures.after(delivered);
  return failures.filter((sk) => sk > after).length;
}

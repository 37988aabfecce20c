import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { DeliveryStatus } from '#core/delivery-status.ts';
import { type Message, messageSchema } from '#core/model.ts';
import { decodeCursor, encodeCursor, type Page, type StoreContext } from './context.ts';
import { byPhone, keys, withoutStorageAttributes } from './keys.ts';
import { TTL_ATTRIBUTE } from './table.ts';

const toMessage = (item: Record<string, unknown>): Message =>
  messageSchema.parse(withoutStorageAttributes(item));

export function expiryEpoch(at: string, retentionDays: number): number {
  return Math.floor(new Date(at).getTime() / 1000) + retentionDays * 86_400;
}

/**
 * The items that record one message: the message itself (in the phone's history, newest first) and,
 * for a text the provider accepted, a pointer from the provider's id so a reply can find what it
 * answers. Both expire by TTL after the trust's retention period.
 */
export function messageItems(
  _ctx: StoreContext,
  message: Message,
  retentionDays: number,
): Record<string, unknown>[] {
  const ttl = { [TTL_ATTRIBUTE]: expiryEpoch(message.at, retentionDays) };
  const items: Record<string, unknown>[] = [
    {
      ...keys.message(message.id),
      ...byPhone.message(message.phone, message.at, message.id),
      entity: 'Message',
      ...message,
      ...ttl,
    },
  ];
  if (message.providerMessageId) {
    items.push({
      ...keys.providerMessage(message.providerMessageId),
      entity: 'MessagePointer',
      messageId: message.id,
      ...ttl,
    });
  }
  return items;
}

export async function recordMessage(
  ctx: StoreContext,
  message: Message,
  retentionDays: number,
): Promise<void> {
  for (const Item of messageItems(ctx, message, retentionDays)) {
    await ctx.db.send(new PutCommand({ TableName: ctx.table, Item }));
  }
}

/** Pattern: message by id. */
export async function getMessage(ctx: StoreContext, id: string): Promise<Message | undefined> {
  const { Item } = await ctx.db.send(new GetCommand({ TableName: ctx.table, Key: keys.message(id) }));
  return Item ? toMessage(Item) : undefined;
}

/** Pattern: the message a provider id refers to (what a reply answers). */
export async function messageByProviderId(
  ctx: StoreContext,
  providerMessageId: string,
): Promise<Message | undefined> {
  const messageId = await messageIdByProviderId(ctx, providerMessageId);
  return messageId === undefined ? undefined : getMessage(ctx, messageId);
}

/**
 * Pattern: the id of the message a provider id refers to, from its pointer item alone (one read); for a
 * caller whose own write reads or conditions on the message itself (a delivery receipt).
 */
export async function messageIdByProviderId(
  ctx: StoreContext,
  providerMessageId: string,
): Promise<string | undefined> {
  const { Item } = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.providerMessage(providerMessageId) }),
  );
  const messageId = Item?.messageId;
  return typeof messageId === 'string' ? messageId : undefined;
}

/** Pattern: one phone's messages, newest first; none for a family with no mobile (`phone` undefined). */
export async function messagesByPhone(
  ctx: StoreContext,
  phone: string | undefined,
  page: { limit?: number; cursor?: string; since?: string } = {},
): Promise<Page<Message>> {
  if (phone === undefined) return { items: [] };
  const range = byPhone.messageRange(page.since);
  const out = await ctx.db.send(
    new QueryCommand({
      TableName: ctx.table,
      IndexName: 'byPhone',
      KeyConditionExpression: 'phonePk = :pk AND phoneSk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': byPhone.partition(phone),
        ':from': range.from,
        ':to': range.to,
      },
      ScanIndexForward: false,
      Limit: page.limit ?? 50,
      ExclusiveStartKey: decodeCursor(page.cursor),
    }),
  );
  return { items: (out.Items ?? []).map(toMessage), cursor: encodeCursor(out.LastEvaluatedKey) };
}

/**
 * Pattern: when the newest of a phone's texts that were delivered was sent, among those sent from `since`
 * on (undefined when none was): the mark "three temporary failures in a row" counts from
 * (store/delivery.ts). Read newest first, stopping at the first page that has one; only outbound texts
 * carry a delivery status, and a delivered one stays delivered (it has the highest rank). The index is
 * eventually consistent: a receipt applied a moment before may not be seen yet.
 */
export async function newestDeliveredAt(
  ctx: StoreContext,
  phone: string,
  since: string,
): Promise<string | undefined> {
  const range = byPhone.messageRange(since);
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ctx.db.send(
      new QueryCommand({
        TableName: ctx.table,
        IndexName: 'byPhone',
        KeyConditionExpression: 'phonePk = :pk AND phoneSk BETWEEN :from AND :to',
        FilterExpression: '#delivery.#status = :delivered',
        ProjectionExpression: '#at',
        ExpressionAttributeNames: { '#delivery': 'delivery', '#status': 'status', '#at': 'at' },
        ExpressionAttributeValues: {
          ':pk': byPhone.partition(phone),
          ':from': range.from,
          ':to': range.to,
          ':delivered': 'delivered' satisfies DeliveryStatus,
        },
        ScanIndexForward: false,
        ExclusiveStartKey: start,
      }),
    );
    const at = out.Items?.[0]?.at;
    if (typeof at === 'string') return at;
    start = out.LastEvaluatedKey;
  } while (start);
  return undefined;
}

/**
 * Pattern: how many texts a phone sent us since `since`, counting up to `atMost` (the loop guard).
 * Only inbound messages count: our own answers sit in the same partition, and an auto-responder we
 * answer every time would otherwise never reach the limit.
 */
export async function countInboundSince(
  ctx: StoreContext,
  phone: string,
  since: string,
  atMost: number,
): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ctx.db.send(
      new QueryCommand({
        TableName: ctx.table,
        IndexName: 'byPhone',
        KeyConditionExpression: 'phonePk = :pk AND phoneSk BETWEEN :from AND :to',
        FilterExpression: 'direction = :in',
        ExpressionAttributeValues: {
          ':pk': byPhone.partition(phone),
          ':from': byPhone.messageRange(since).from,
          ':to': byPhone.messageRange(since).to,
          ':in': 'IN',
        },
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start && count < atMost);
  return count;
}

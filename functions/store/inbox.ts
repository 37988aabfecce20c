import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { CANCEL_REASONS } from '#core/cancel-reason.ts';
import { ConflictError, NotFoundError } from '#core/errors.ts';
import { e164Phone, id, isoInstant } from '#core/model.ts';
import * as z from '#core/zod.ts';
import { isConditionFailure } from './client.ts';
import { decodeCursor, encodeCursor, type Page, type StoreContext } from './context.ts';
import { keys, openByKind, withoutStorageAttributes } from './keys.ts';
import { expiryEpoch } from './messages.ts';
import { TTL_ATTRIBUTE } from './table.ts';

export const INBOX_REASONS = [
  'free-text',
  'unmatched-number',
  'ambiguous',
  'no-offer-to-answer',
  'rebook-request',
  'unknown-reference',
  /** Sent to a number that is not the trust's (functions/core/trust-numbers.ts): kept, not answered. */
  'wrong-number',
  /** A reason for cancelling the family wrote on the parent page ("other"). */
  'parent-page',
  /** Texts to the number fail (core/delivery-status.ts): staff check the number with the family. */
  'number-unreachable',
  /** A reply to the after-DNA question that names no reason Attend can read: staff tag it. */
  'dna-reason',
  /** A CANCEL text that gave a reason in words Attend cannot classify: staff tag it. */
  'untagged-reason',
] as const;

/** A reply staff need to read: kept open (in the openByKind index) until someone marks it handled. */
export const inboxItemSchema = z.object({
  id,
  messageId: id,
  /** The number it came from; absent for a parent-page note from a family with no mobile. */
  phone: z.optional(e164Phone),
  body: z.string(),
  receivedAt: isoInstant,
  reason: z.enum(INBOX_REASONS),
  intent: z.string(),
  clientIds: z._default(z.array(id), []),
  bookingIds: z._default(z.array(id), []),
  handledAt: z.optional(isoInstant),
  handledBy: z.optional(z.string()),
  note: z.optional(z.string()),
  /** The reason staff tagged for the booking this item is about (it then counts in metrics). */
  taggedReason: z.optional(z.enum(CANCEL_REASONS)),
  taggedBy: z.optional(z.string()),
});
export type InboxItem = z.infer<typeof inboxItemSchema>;

const toItem = (item: Record<string, unknown>): InboxItem =>
  inboxItemSchema.parse(withoutStorageAttributes(item));

/** Idempotent on the item id (callers derive it from the inbound message), so a redelivery adds nothing. */
export async function addInboxItem(ctx: StoreContext, item: InboxItem, retentionDays: number): Promise<void> {
  try {
    await ctx.db.send(
      new PutCommand({
        TableName: ctx.table,
        Item: {
          ...keys.inboxItem(item.id),
          ...openByKind.inbox(item.receivedAt, item.id),
          entity: 'InboxItem',
          ...item,
          [TTL_ATTRIBUTE]: expiryEpoch(item.receivedAt, retentionDays),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}

/** Pattern: open inbox items, newest first. */
export async function openInbox(
  ctx: StoreContext,
  page: { limit?: number; cursor?: string } = {},
): Promise<Page<InboxItem>> {
  const out = await ctx.db.send(
    new QueryCommand({
      TableName: ctx.table,
      IndexName: 'openByKind',
      KeyConditionExpression: 'openPk = :pk',
      ExpressionAttributeValues: { ':pk': openByKind.partition.inbox },
      ScanIndexForward: false,
      Limit: page.limit ?? 50,
      ExclusiveStartKey: decodeCursor(page.cursor),
    }),
  );
  return { items: (out.Items ?? []).map(toItem), cursor: encodeCursor(out.LastEvaluatedKey) };
}

export async function getInboxItem(ctx: StoreContext, itemId: string): Promise<InboxItem | undefined> {
  const { Item } = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.inboxItem(itemId), ConsistentRead: true }),
  );
  return Item ? toItem(Item) : undefined;
}

/** Marks an item handled and takes it out of the open list; handling it twice is a conflict. */
export async function markInboxHandled(
  ctx: StoreContext,
  input: { id: string; by: string; at: string; note?: string },
): Promise<InboxItem> {
  try {
    const out = await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.inboxItem(input.id),
        UpdateExpression: 'SET handledAt = :at, handledBy = :by, note = :note REMOVE openPk, openSk',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(handledAt)',
        ExpressionAttributeValues: { ':at': input.at, ':by': input.by, ':note': input.note ?? '' },
        ReturnValues: 'ALL_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return toItem(out.Attributes ?? {});
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    const old = (err as { Item?: Record<string, unknown> }).Item;
    if (!old) throw new NotFoundError(`Inbox item ${input.id} does not exist`);
    throw new ConflictError(`Inbox item ${input.id} was already handled`, 'ALREADY_HANDLED');
  }
}

/** Records on an inbox item the reason staff tagged for its booking (the booking itself is set apart). */
export async function tagInboxItem(
  ctx: StoreContext,
  input: { id: string; reason: string; by: string },
): Promise<InboxItem> {
  const out = await ctx.db.send(
    new UpdateCommand({
      TableName: ctx.table,
      Key: keys.inboxItem(input.id),
      UpdateExpression: 'SET taggedReason = :reason, taggedBy = :by',
      ConditionExpression: 'attribute_exists(pk)',
      ExpressionAttributeValues: { ':reason': input.reason, ':by': input.by },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return toItem(out.Attributes ?? {});
}

import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError, NotFoundError } from '#core/errors.ts';
import { type WaitlistEntry, waitlistEntrySchema } from '#core/waitlist.ts';
import { isConditionFailure } from './client.ts';
import { decodeCursor, encodeCursor, type Page, type StoreContext } from './context.ts';
import { keys, waitlistByType, withoutStorageAttributes } from './keys.ts';

export const toEntry = (item: Record<string, unknown>): WaitlistEntry =>
  waitlistEntrySchema.parse(withoutStorageAttributes(item));

/** One live entry per family and appointment type: the id is derived from both. */
export const entryIdFor = (clientId: string, type: string) => `${clientId}.${type}`;

export function entryItem(entry: WaitlistEntry): Record<string, unknown> {
  return {
    ...keys.waitlistEntry(entry.id),
    ...(entry.status === 'WAITING' ? waitlistByType.entry(entry.type, entry.score) : {}),
    entity: 'WaitlistEntry',
    ...entry,
  };
}

/**
 * Adds (or re-adds) a family to the list for a type. An entry that is already WAITING or OFFERED is a
 * conflict; a BOOKED or REMOVED one is replaced, so a family can come back to the list later.
 */
export async function putEntry(ctx: StoreContext, entry: WaitlistEntry): Promise<WaitlistEntry> {
  try {
    await ctx.db.send(
      new PutCommand({
        TableName: ctx.table,
        Item: entryItem(entry),
        ConditionExpression: 'attribute_not_exists(pk) OR #status IN (:booked, :removed)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':booked': 'BOOKED', ':removed': 'REMOVED' },
      }),
    );
  } catch (err) {
    if (isConditionFailure(err)) {
      throw new ConflictError(
        'This family is already on the list for that appointment type',
        'ALREADY_WAITING',
      );
    }
    throw err;
  }
  return entry;
}

/** Pattern: entry by id. */
export async function getEntry(ctx: StoreContext, id: string): Promise<WaitlistEntry | undefined> {
  const { Item } = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.waitlistEntry(id), ConsistentRead: true }),
  );
  return Item ? toEntry(Item) : undefined;
}

/** Pattern: WAITING entries of one type, highest stored score first (the top-K candidate read). */
export async function waitingByType(
  ctx: StoreContext,
  type: string,
  page: { limit?: number; cursor?: string; startKey?: Record<string, unknown> } = {},
): Promise<Page<WaitlistEntry> & { next?: Record<string, unknown>; read: number }> {
  const out = await ctx.db.send(
    new QueryCommand({
      TableName: ctx.table,
      IndexName: 'waitlistByType',
      KeyConditionExpression: 'waitlistPk = :pk',
      ExpressionAttributeValues: { ':pk': waitlistByType.partition(type) },
      ScanIndexForward: false,
      Limit: page.limit ?? 50,
      ExclusiveStartKey: page.startKey ?? decodeCursor(page.cursor),
    }),
  );
  return {
    items: (out.Items ?? []).map(toEntry),
    cursor: encodeCursor(out.LastEvaluatedKey),
    next: out.LastEvaluatedKey,
    read: out.Count ?? 0,
  };
}

/** Takes a family off the list (staff, or the family booked elsewhere); they leave the index. */
export async function removeEntry(ctx: StoreContext, id: string, now: string): Promise<WaitlistEntry> {
  try {
    const out = await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.waitlistEntry(id),
        UpdateExpression: 'SET #status = :removed, updatedAt = :now REMOVE waitlistPk, waitlistScore',
        ConditionExpression: 'attribute_exists(pk) AND #status IN (:waiting, :offered)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':removed': 'REMOVED',
          ':waiting': 'WAITING',
          ':offered': 'OFFERED',
          ':now': now,
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toEntry(out.Attributes ?? {});
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    const current = await getEntry(ctx, id);
    if (!current) throw new NotFoundError(`Waitlist entry ${id} does not exist`);
    throw new ConflictError(`Waitlist entry ${id} is ${current.status.toLowerCase()}`, 'NOT_WAITING');
  }
}

/**
 * A family already on the list asks again from its booking's parent page: the entry, while still WAITING
 * or OFFERED, names that booking as the one a short-notice time replaces (`currentBookingId`, unless it
 * names one already). Returns false when the entry is no longer on the list (a re-add then applies).
 */
export async function linkCurrentBooking(
  ctx: StoreContext,
  id: string,
  bookingId: string,
  now: string,
): Promise<boolean> {
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.waitlistEntry(id),
        UpdateExpression:
          'SET currentBookingId = if_not_exists(currentBookingId, :booking), updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND #status IN (:waiting, :offered)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':booking': bookingId,
          ':waiting': 'WAITING',
          ':offered': 'OFFERED',
          ':now': now,
        },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

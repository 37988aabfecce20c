import {
  DeleteCommand,
  GetCommand,
  ScanCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import {
  BOOKING_STATUSES,
  type BookingStatus,
  type Client,
  ERASED_PHONE,
  e164Phone,
  id,
  isoInstant,
} from '#core/model.ts';
import * as zm from '#core/zod.ts';
import { batchDelete } from './batch.ts';
import { cancellationReasons, isConditionFailure } from './client.ts';
import type { StoreContext } from './context.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import { releaseNhsNumberItem } from './nhs-numbers.ts';

/** What an erasure removed, counted as it goes (a resumed erasure adds to the same counts). */
export const ERASURE_REMOVED = [
  'bookingsCancelled',
  'bookingsStripped',
  'offersDeleted',
  'waitlistEntriesDeleted',
  'messagesDeleted',
  'providerPointersDeleted',
  'inboxItemsDeleted',
  'followUpsStripped',
] as const;
export type ErasureRemoved = Record<(typeof ERASURE_REMOVED)[number], number>;

const count = z.number().int().min(0);

/**
 * What is left of a client after a data-protection erasure: no name, phone, dates or health visitor,
 * only anonymised counts so the trust's metrics stay right. It sits beside where the client item was
 * (that item is deleted), so every reader of clients finds no client, and no booking can be made for
 * the id any more (bookings are created on the condition that the client item exists).
 */
export const clientTombstoneSchema = z.object({
  id,
  /** ERASING while the erasure runs (a repeated DELETE resumes it); ERASED once it is complete. */
  state: z.enum(['ERASING', 'ERASED']),
  erasedAt: isoInstant,
  erasedBy: z.string(),
  completedAt: zm.optional(isoInstant),
  /** Only while ERASING: how to find the phone's messages if the erasure has to be resumed. */
  phone: zm.optional(e164Phone),
  counts: z.object({
    bookings: z.record(z.enum(BOOKING_STATUSES), count),
    attended: count,
    dna: count,
    wnb: count,
  }),
  removed: z.object(
    Object.fromEntries(ERASURE_REMOVED.map((k) => [k, count])) as Record<keyof ErasureRemoved, typeof count>,
  ),
  /** Messages and inbox items on a phone a sibling still uses, kept because they are the sibling's too. */
  keptSharedPhoneItems: count.default(0),
  /** Items of other kinds that name the client, left in place (by entity), so staff know they exist. */
  otherItems: z.record(z.string(), count).default({}),
});
export type ClientTombstone = z.infer<typeof clientTombstoneSchema>;

const toTombstone = (item: Record<string, unknown>): ClientTombstone =>
  clientTombstoneSchema.parse(withoutStorageAttributes(item));

/** Pattern: an erased client's tombstone, by client id. */
export async function getTombstone(
  ctx: StoreContext,
  clientId: string,
): Promise<ClientTombstone | undefined> {
  const { Item } = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.clientTombstone(clientId), ConsistentRead: true }),
  );
  return Item ? toTombstone(Item) : undefined;
}

export type BeginErasureResult =
  | { outcome: 'begun'; tombstone: ClientTombstone }
  | { outcome: 'client-changed' | 'already-erasing' };

/**
 * Deletes the client item and writes its tombstone (ERASING, with the history counts) in one
 * transaction. The delete is conditional on the history being what was read, so the counts are
 * exact, and on no Was-Not-Brought follow-up being open: a safeguarding flag is never erased quietly.
 */
export async function beginErasure(
  ctx: StoreContext,
  client: Pick<Client, 'id' | 'phone' | 'history' | 'nhsNumber'>,
  input: { by: string; now: string },
): Promise<BeginErasureResult> {
  const tombstone: ClientTombstone = {
    id: client.id,
    state: 'ERASING',
    erasedAt: input.now,
    erasedBy: input.by,
    phone: client.phone,
    counts: {
      bookings: Object.fromEntries(
        BOOKING_STATUSES.map((s) => [s, 0]),
      ) as ClientTombstone['counts']['bookings'],
      attended: client.history.attended,
      dna: client.history.dna,
      wnb: client.history.wnb,
    },
    removed: Object.fromEntries(ERASURE_REMOVED.map((k) => [k, 0])) as ErasureRemoved,
    keptSharedPhoneItems: 0,
    otherItems: {},
  };
  try {
    await ctx.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: ctx.table,
              Key: keys.client(client.id),
              ConditionExpression:
                'attribute_exists(pk) AND history.attended = :attended AND history.dna = :dna AND ' +
                'history.wnb = :wnb AND (attribute_not_exists(openFollowUps) OR openFollowUps = :zero)',
              ExpressionAttributeValues: {
                ':attended': client.history.attended,
                ':dna': client.history.dna,
                ':wnb': client.history.wnb,
                ':zero': 0,
              },
            },
          },
          {
            Put: {
              TableName: ctx.table,
              Item: { ...keys.clientTombstone(client.id), entity: 'ClientTombstone', ...tombstone },
              // A client re-created under an erased id (and now erased again) replaces the old tombstone.
              ConditionExpression: 'attribute_not_exists(pk) OR #state = :erased',
              ExpressionAttributeNames: { '#state': 'state' },
              ExpressionAttributeValues: { ':erased': 'ERASED' },
            },
          },
          // The NHS number goes with the client: nothing is left to find them by.
          ...(client.nhsNumber ? [releaseNhsNumberItem(ctx, client.nhsNumber, client.id)] : []),
        ],
      }),
    );
    return { outcome: 'begun', tombstone };
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    const [, tombstoneReason] = cancellationReasons(err);
    return { outcome: tombstoneReason === 'ConditionalCheckFailed' ? 'already-erasing' : 'client-changed' };
  }
}

/** The attributes the erasure needs to decide what to do with an item that names the client. */
export interface NamingItem {
  pk: string;
  sk: string;
  entity?: string;
  id?: string;
  clientId?: string;
  status?: string;
  providerMessageId?: string;
  bookingId?: string;
  clientIds?: string[];
  bookingIds?: string[];
}

/**
 * Pattern: every item that names a client or their phone (bookings, offers, waitlist entries,
 * follow-ups, messages, inbox items). The design has no bookings-by-client index (a booking leaves
 * byPhone once it is no longer live), so this is a whole-table read: a parallel, strongly consistent
 * Scan that returns only the attributes the erasure needs. Erasure requests are rare (a handful a
 * year), so one read of the table per request costs less than an index kept on every booking.
 */
export async function itemsNaming(
  ctx: StoreContext,
  input: { clientId: string; phone: string | undefined },
  segments = 4,
): Promise<NamingItem[]> {
  const attributes = [
    'pk',
    'sk',
    'entity',
    'id',
    'clientId',
    'status',
    'providerMessageId',
    'bookingId',
    'clientIds',
    'bookingIds',
  ];
  const names = Object.fromEntries(attributes.map((a, i) => [`#a${i}`, a]));
  const nameOf = (a: string) => `#a${attributes.indexOf(a)}`;
  const pages = await Promise.all(
    Array.from({ length: segments }, async (_, segment) => {
      const found: NamingItem[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await ctx.db.send(
          new ScanCommand({
            TableName: ctx.table,
            Segment: segment,
            TotalSegments: segments,
            ConsistentRead: true,
            ProjectionExpression: Object.keys(names).join(', '),
            // A family with no mobile: only what names the client (no number to find messages by).
            FilterExpression:
              input.phone === undefined
                ? `${nameOf('clientId')} = :id OR contains(${nameOf('clientIds')}, :id)`
                : `${nameOf('clientId')} = :id OR #phone = :phone OR contains(${nameOf('clientIds')}, :id)`,
            ExpressionAttributeNames: input.phone === undefined ? names : { ...names, '#phone': 'phone' },
            ExpressionAttributeValues:
              input.phone === undefined
                ? { ':id': input.clientId }
                : { ':id': input.clientId, ':phone': input.phone },
            ExclusiveStartKey: start,
          }),
        );
        found.push(...((out.Items ?? []) as NamingItem[]));
        start = out.LastEvaluatedKey;
      } while (start);
      return found;
    }),
  );
  return pages.flat();
}

/** Deletes items by key, 25 a request, retrying (bounded, with backoff) what DynamoDB leaves unprocessed. */
export async function deleteItems(
  ctx: StoreContext,
  itemKeys: readonly { pk: string; sk: string }[],
): Promise<number> {
  for (let i = 0; i < itemKeys.length; i += 25) await batchDelete(ctx, itemKeys.slice(i, i + 25));
  return itemKeys.length;
}

/** Deletes items that may not exist, one at a time, and counts those that did. */
export async function deleteIfPresent(
  ctx: StoreContext,
  itemKeys: readonly { pk: string; sk: string }[],
): Promise<number> {
  let deleted = 0;
  for (const Key of itemKeys) {
    const out = await ctx.db.send(new DeleteCommand({ TableName: ctx.table, Key, ReturnValues: 'ALL_OLD' }));
    if (out.Attributes) deleted++;
  }
  return deleted;
}

/** What a cancelled booking's reason becomes: staff free text can name the family. */
export const ERASED_CANCEL_REASON = 'removed: data-protection erasure';

/**
 * Keeps a booking's non-personal fields (clinic, type, time, status, reminder plan) and drops the rest:
 * the phone becomes ERASED_PHONE, it leaves byPhone, and staff free text goes (the outcome note; a
 * cancelled booking's reason is replaced). Never a live booking (those are cancelled first); false
 * when there was nothing left to strip.
 */
export async function stripBooking(
  ctx: StoreContext,
  booking: { id: string; status: BookingStatus },
): Promise<boolean> {
  const cancelled = booking.status === 'CANCELLED';
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.booking(booking.id),
        UpdateExpression: cancelled
          ? 'SET phone = :erased, cancelReason = :reason REMOVE phonePk, phoneSk, outcomeNote'
          : 'SET phone = :erased REMOVE phonePk, phoneSk, outcomeNote, cancelReason',
        // A booking of a family with no mobile has no phone: it is stripped too (and then says erased).
        ConditionExpression:
          'attribute_exists(pk) AND #status = :status AND (attribute_not_exists(phone) OR phone <> :erased)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: {
          ':erased': ERASED_PHONE,
          ':status': booking.status,
          ...(cancelled ? { ':reason': ERASED_CANCEL_REASON } : {}),
        },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** A closed follow-up keeps its facts (when, which booking, why) but loses its note and health visitor. */
export async function stripFollowUp(ctx: StoreContext, followUpId: string): Promise<boolean> {
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.followUp(followUpId),
        UpdateExpression: 'SET erased = :true REMOVE note, namedHealthVisitor',
        ConditionExpression: 'attribute_exists(pk) AND #status = :closed AND attribute_not_exists(erased)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':true': true, ':closed': 'CLOSED' },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** Adds one pass's counts to the tombstone (while it is still ERASING). */
export async function addToTombstone(
  ctx: StoreContext,
  clientId: string,
  input: { removed: Partial<ErasureRemoved>; keptSharedPhoneItems: number },
): Promise<void> {
  const entries = Object.entries(input.removed).filter(([, n]) => (n ?? 0) > 0);
  if (entries.length === 0 && input.keptSharedPhoneItems === 0) return;
  const names = Object.fromEntries(entries.map(([k], i) => [`#r${i}`, k]));
  const values = Object.fromEntries(entries.map(([, n], i) => [`:r${i}`, n]));
  const adds = entries.map((_, i) => `removed.#r${i} :r${i}`);
  if (input.keptSharedPhoneItems > 0) adds.push('keptSharedPhoneItems :kept');
  await ctx.db.send(
    new UpdateCommand({
      TableName: ctx.table,
      Key: keys.clientTombstone(clientId),
      UpdateExpression: `ADD ${adds.join(', ')}`,
      ConditionExpression: '#state = :erasing',
      ExpressionAttributeNames: { ...names, '#state': 'state' },
      ExpressionAttributeValues: {
        ...values,
        ...(input.keptSharedPhoneItems > 0 ? { ':kept': input.keptSharedPhoneItems } : {}),
        ':erasing': 'ERASING',
      },
    }),
  );
}

/** Completes an erasure: the final counts go on, the phone comes off. Returns the tombstone as stored. */
export async function finishErasure(
  ctx: StoreContext,
  clientId: string,
  input: {
    bookings: ClientTombstone['counts']['bookings'];
    otherItems: Record<string, number>;
    now: string;
  },
): Promise<ClientTombstone> {
  const out = await ctx.db.send(
    new UpdateCommand({
      TableName: ctx.table,
      Key: keys.clientTombstone(clientId),
      UpdateExpression:
        'SET #state = :erased, completedAt = :now, counts.bookings = :bookings, otherItems = :other REMOVE phone',
      ConditionExpression: '#state = :erasing',
      ExpressionAttributeNames: { '#state': 'state' },
      ExpressionAttributeValues: {
        ':erased': 'ERASED',
        ':erasing': 'ERASING',
        ':now': input.now,
        ':bookings': input.bookings,
        ':other': input.otherItems,
      },
      ReturnValues: 'ALL_NEW',
    }),
  );
  return toTombstone(out.Attributes ?? {});
}

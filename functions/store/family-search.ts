/**
 * Reads for the staff app's family pages, each a Query of an index (store/table.ts), never a Scan:
 * - clients by name: the `lookup` index holds each client under its folded family name (or first name
 *   when it has none) and the `byClient` index under its folded first name, each partitioned by the
 *   first two letters;
 * - bookings by reference: the `lookup` index, under `REF#<ref>`;
 * - every booking of a set of children, and their misses in a year: the `byClient` index.
 *
 * Names are personal data: nothing here logs a query or a name.
 */
import { QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '#core/concurrency.ts';
import { type Booking, bookingSchema, type Client, clientSchema } from '#core/model.ts';
import type { StoreContext } from './context.ts';
import { byClient, foldName, lookup, withoutStorageAttributes } from './keys.ts';

export { foldName };

const toClient = (item: Record<string, unknown>): Client =>
  clientSchema.parse(withoutStorageAttributes(item));
const toBooking = (item: Record<string, unknown>): Booking =>
  bookingSchema.parse(withoutStorageAttributes(item));

/** Every page of a Query, or pages until `enough` says stop. */
async function queryAll(
  ctx: StoreContext,
  input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey'>,
  enough: (items: readonly Record<string, unknown>[]) => boolean = () => false,
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ctx.db.send(
      new QueryCommand({ ...input, TableName: ctx.table, ExclusiveStartKey: start }),
    );
    out.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start && !enough(out));
  return out;
}

const byFamilyThenFirst = (a: Client, b: Client) =>
  a.familyName.localeCompare(b.familyName, 'en-GB') || a.firstName.localeCompare(b.firstName, 'en-GB');

/**
 * Pattern (Query, lookup and byClient indexes): clients whose family name or first name starts with
 * one of the query's words, and whose "first family" name contains every word, ignoring case, accents
 * and punctuation; at most `limit`, by family name then first name. So "smith", "amelia", "amelia
 * smith" and "smith amel" find Amelia Smith.
 */
export async function clientsByName(ctx: StoreContext, query: string, limit = 50): Promise<Client[]> {
  const words = foldName(query).split(' ').filter(Boolean);
  const indexed = [...new Set(words.filter((w) => w.length >= 2))];
  if (indexed.length === 0) return [];
  const matches = (client: Client) => {
    const name = foldName(`${client.firstName} ${client.familyName}`);
    return words.every((word) => name.includes(word));
  };
  const found = new Map<string, Client>();
  // Each word is tried as the start of a family name (lookup) and of a first name (byClient).
  const searches = indexed.flatMap((word) => [
    { index: 'lookup', pkName: 'lookupPk', skName: 'lookupSk', ...lookup.namePrefix(word) },
    { index: 'byClient', pkName: 'clientPk', skName: 'clientSk', ...byClient.firstNamePrefix(word) },
  ]);
  const lists = await Promise.all(
    searches.map(async ({ index, pkName, skName, pk, prefix }) => {
      const items = await queryAll(
        ctx,
        {
          IndexName: index,
          KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
          ExpressionAttributeNames: { '#pk': pkName, '#sk': skName },
          ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix },
        },
        // Stop once `limit` of those read match every word.
        (read) => read.map(toClient).filter(matches).length >= limit,
      );
      return items.map(toClient).filter(matches);
    }),
  );
  for (const client of lists.flat()) found.set(client.id, client);
  return [...found.values()].sort(byFamilyThenFirst).slice(0, limit);
}

/** Pattern (Query, lookup index): bookings with this 4-digit reference (references repeat), newest first. */
export async function bookingsByRef(ctx: StoreContext, ref: string): Promise<Booking[]> {
  const items = await queryAll(ctx, {
    IndexName: 'lookup',
    KeyConditionExpression: 'lookupPk = :pk',
    ExpressionAttributeValues: { ':pk': lookup.refPartition(ref) },
    ScanIndexForward: false,
  });
  return items.map(toBooking);
}

/** Every booking of one child, in start order (byClient index), optionally filtered in DynamoDB. */
function bookingsOfClient(
  ctx: StoreContext,
  clientId: string,
  filter?: { expression: string; names: Record<string, string>; values: Record<string, unknown> },
): Promise<Record<string, unknown>[]> {
  return queryAll(ctx, {
    IndexName: 'byClient',
    KeyConditionExpression: 'clientPk = :pk AND begins_with(clientSk, :prefix)',
    ExpressionAttributeValues: {
      ':pk': byClient.partition(clientId),
      ':prefix': byClient.prefix.booking,
      ...filter?.values,
    },
    ...(filter && { FilterExpression: filter.expression, ExpressionAttributeNames: filter.names }),
  });
}

/** Pattern (Query per child, byClient index): every booking of these children (at most 100), in start order. */
export async function bookingsOfClients(ctx: StoreContext, clientIds: readonly string[]): Promise<Booking[]> {
  const ids = [...new Set(clientIds)].slice(0, 100);
  const lists = await mapWithConcurrency(ids, 8, (id) => bookingsOfClient(ctx, id));
  return lists
    .flat()
    .map(toBooking)
    .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

/**
 * Pattern (Query per child, byClient index): how many DNA and WNB outcomes each of these children had
 * on local days `from` to `before` (exclusive). Filtered and projected in DynamoDB, so only the misses
 * come back.
 */
export async function missesOfClients(
  ctx: StoreContext,
  clientIds: readonly string[],
  from: string,
  before: string,
): Promise<Map<string, number>> {
  const ids = [...new Set(clientIds)];
  const counts = new Map<string, number>();
  const lists = await mapWithConcurrency(ids, 16, (id) =>
    bookingsOfClient(ctx, id, {
      expression: '#status IN (:dna, :wnb) AND localDay >= :from AND localDay < :before',
      names: { '#status': 'status' },
      values: { ':dna': 'DNA', ':wnb': 'WNB', ':from': from, ':before': before },
    }),
  );
  ids.forEach((id, i) => {
    const n = lists[i]?.length ?? 0;
    if (n > 0) counts.set(id, n);
  });
  return counts;
}

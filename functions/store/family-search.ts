/**
 * Reads for the staff app's family pages that no index serves: clients by name, bookings by reference,
 * and every booking (past and cancelled too) of a set of children.
 *
 * Each is a filtered Scan, page by page, of the one table. That is fine for the demo trust and for a
 * trust of some thousands of families (a Scan of a few MB costs cents and a second or two), but it reads
 * the whole table: before a large trust uses family search every day, give clients a name index and
 * bookings a by-client index (see README, "Staff pages").
 */
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { type Booking, bookingSchema, type Client, clientSchema } from '#core/model.ts';
import type { StoreContext } from './context.ts';
import { withoutStorageAttributes } from './keys.ts';

const toClient = (item: Record<string, unknown>): Client =>
  clientSchema.parse(withoutStorageAttributes(item));
const toBooking = (item: Record<string, unknown>): Booking =>
  bookingSchema.parse(withoutStorageAttributes(item));

async function scanAll(
  ctx: StoreContext,
  filter: string,
  values: Record<string, unknown>,
  names: Record<string, string> = {},
): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ctx.db.send(
      new ScanCommand({
        TableName: ctx.table,
        FilterExpression: filter,
        ExpressionAttributeValues: values,
        ...(Object.keys(names).length > 0 && { ExpressionAttributeNames: names }),
        ExclusiveStartKey: start,
      }),
    );
    out.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

/** Lower-case, accents off, runs of spaces as one: how names are compared. */
export function foldName(value: string): string {
  return value.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Pattern (Scan): clients whose first name, family name or "first family" contains every word of the
 * query, ignoring case and accents, at most `limit`, by family name then first name.
 */
export async function clientsByName(ctx: StoreContext, query: string, limit = 50): Promise<Client[]> {
  const words = foldName(query).split(' ').filter(Boolean);
  if (words.length === 0) return [];
  const items = await scanAll(ctx, '#entity = :client', { ':client': 'Client' }, { '#entity': 'entity' });
  return items
    .map(toClient)
    .filter((client) => {
      const name = foldName(`${client.firstName} ${client.familyName}`);
      return words.every((word) => name.includes(word));
    })
    .sort(
      (a, b) =>
        a.familyName.localeCompare(b.familyName, 'en-GB') || a.firstName.localeCompare(b.firstName, 'en-GB'),
    )
    .slice(0, limit);
}

/** Pattern (Scan): bookings with this 4-digit reference (references repeat over time), newest first. */
export async function bookingsByRef(ctx: StoreContext, ref: string): Promise<Booking[]> {
  const items = await scanAll(
    ctx,
    '#entity = :booking AND #ref = :ref',
    { ':booking': 'Booking', ':ref': ref },
    { '#entity': 'entity', '#ref': 'ref' },
  );
  return items.map(toBooking).sort((a, b) => b.startsAt.localeCompare(a.startsAt));
}

/** Pattern (Scan): every booking of these children (at most 100), in start order. */
export async function bookingsOfClients(ctx: StoreContext, clientIds: readonly string[]): Promise<Booking[]> {
  const ids = [...new Set(clientIds)].slice(0, 100);
  if (ids.length === 0) return [];
  const values: Record<string, unknown> = { ':booking': 'Booking' };
  ids.forEach((id, i) => {
    values[`:c${i}`] = id;
  });
  const items = await scanAll(
    ctx,
    `#entity = :booking AND clientId IN (${ids.map((_, i) => `:c${i}`).join(', ')})`,
    values,
    { '#entity': 'entity' },
  );
  return items.map(toBooking).sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

/**
 * Pattern (Scan): how many DNA and WNB outcomes each of these children had on local days `from` to
 * `before` (exclusive). One Scan however many children: filtered and projected in DynamoDB, so only the
 * year's misses come back (their client ids), and counted here for the children asked about.
 */
export async function missesOfClients(
  ctx: StoreContext,
  clientIds: readonly string[],
  from: string,
  before: string,
): Promise<Map<string, number>> {
  const ids = new Set(clientIds);
  const counts = new Map<string, number>();
  if (ids.size === 0) return counts;
  const values: Record<string, unknown> = {
    ':booking': 'Booking',
    ':dna': 'DNA',
    ':wnb': 'WNB',
    ':from': from,
    ':before': before,
  };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ctx.db.send(
      new ScanCommand({
        TableName: ctx.table,
        FilterExpression:
          '#entity = :booking AND #status IN (:dna, :wnb) AND localDay >= :from AND localDay < :before',
        ProjectionExpression: 'clientId',
        ExpressionAttributeNames: { '#entity': 'entity', '#status': 'status' },
        ExpressionAttributeValues: values,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const id = String(item.clientId);
      if (ids.has(id)) counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return counts;
}

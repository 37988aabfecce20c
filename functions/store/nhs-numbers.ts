/**
 * NHS number → client: one pointer item per NHS number (`NHSNUMBER#<10 digits>`), holding the client id.
 *
 * A pointer item rather than an index on the client, because it does two jobs an index cannot: it is put
 * with `attribute_not_exists` in the same transaction as the client (or the change of number), so two
 * clients can never share an NHS number, and finding a client by number is a strongly consistent
 * GetItem. It is deleted with the client's number (a change, or erasure).
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGetMany } from './batch.ts';
import type { StoreContext } from './context.ts';
import { keys } from './keys.ts';
import type { TransactItem } from './transaction-grouper.ts';

/** The pointer for a client's NHS number, only if no client has that number. */
export function claimNhsNumberItem(ctx: StoreContext, nhsNumber: string, clientId: string): TransactItem {
  return {
    Put: {
      TableName: ctx.table,
      Item: { ...keys.nhsNumber(nhsNumber), entity: 'NhsNumber', clientId },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Removes the pointer, only while it is this client's. */
export function releaseNhsNumberItem(ctx: StoreContext, nhsNumber: string, clientId: string): TransactItem {
  return {
    Delete: {
      TableName: ctx.table,
      Key: keys.nhsNumber(nhsNumber),
      ConditionExpression: 'clientId = :clientId',
      ExpressionAttributeValues: { ':clientId': clientId },
    },
  };
}

/** Pattern: the client id with this NHS number, if any. */
export async function clientIdByNhsNumber(ctx: StoreContext, nhsNumber: string): Promise<string | undefined> {
  const { Item } = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.nhsNumber(nhsNumber), ConsistentRead: true }),
  );
  return typeof Item?.clientId === 'string' ? Item.clientId : undefined;
}

/** Pattern: NHS numbers → the clients that have them, 100 to a round trip (the import's patients). */
export async function clientIdsByNhsNumber(
  ctx: StoreContext,
  nhsNumbers: readonly string[],
): Promise<Record<string, string>> {
  const items = await batchGetMany(
    ctx,
    nhsNumbers.map((n) => keys.nhsNumber(n)),
  );
  const byPk = new Map(nhsNumbers.map((n) => [keys.nhsNumber(n).pk, n]));
  const found: Record<string, string> = {};
  for (const item of items) {
    const n = byPk.get(String(item.pk));
    if (n && typeof item.clientId === 'string') found[n] = item.clientId;
  }
  return found;
}

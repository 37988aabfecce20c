import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#core/errors.ts';
import { type Client, clientSchema } from '#core/model.ts';
import { batchGet } from './batch.ts';
import { isConditionFailure } from './client.ts';
import type { StoreContext } from './context.ts';
import { byPhone, keys, withoutStorageAttributes } from './keys.ts';

const toClient = (item: Record<string, unknown>): Client =>
  clientSchema.parse(withoutStorageAttributes(item));

export function clientItem(client: Client): Record<string, unknown> {
  return {
    ...keys.client(client.id),
    ...byPhone.client(client.phone, client.id),
    entity: 'Client',
    ...client,
  };
}

export async function createClient(ctx: StoreContext, client: Client): Promise<Client> {
  try {
    await ctx.db.send(
      new PutCommand({
        TableName: ctx.table,
        Item: clientItem(client),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (err) {
    if (isConditionFailure(err))
      throw new ConflictError(`Client ${client.id} already exists`, 'ALREADY_EXISTS');
    throw err;
  }
  return client;
}

/** Pattern: client by id. */
export async function getClient(ctx: StoreContext, id: string): Promise<Client | undefined> {
  const { Item } = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.client(id), ConsistentRead: true }),
  );
  return Item ? toClient(Item) : undefined;
}

/** Pattern: clients by id, in one round trip per 100 (the sweep reads each due booking's client). */
export async function getClients(ctx: StoreContext, ids: readonly string[]): Promise<Map<string, Client>> {
  const found = new Map<string, Client>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 100) {
    const items = await batchGet(
      ctx,
      unique.slice(i, i + 100).map((id) => keys.client(id)),
    );
    for (const item of items) {
      const client = toClient(item);
      found.set(client.id, client);
    }
  }
  return found;
}

/** Pattern: clients by phone (siblings share a parent's phone). */
export async function clientsByPhone(ctx: StoreContext, phone: string): Promise<Client[]> {
  const out = await ctx.db.send(
    new QueryCommand({
      TableName: ctx.table,
      IndexName: 'byPhone',
      KeyConditionExpression: 'phonePk = :pk AND begins_with(phoneSk, :prefix)',
      ExpressionAttributeValues: { ':pk': byPhone.partition(phone), ':prefix': byPhone.prefix.client },
    }),
  );
  return (out.Items ?? []).map(toClient);
}

/** Sets the opt-out flag on one client; idempotent. Returns whether it changed anything. */
export async function setOptOut(
  ctx: StoreContext,
  clientId: string,
  optedOut: boolean,
  now: string,
): Promise<boolean> {
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.client(clientId),
        UpdateExpression: 'SET optedOut = :v, updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND optedOut <> :v',
        ExpressionAttributeValues: { ':v': optedOut, ':now': now },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

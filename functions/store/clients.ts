import {
  GetCommand,
  PutCommand,
  type PutCommandInput,
  QueryCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#core/errors.ts';
import { type Client, clientSchema } from '#core/model.ts';
import { batchGet } from './batch.ts';
import { cancellationReasons, isConditionFailure } from './client.ts';
import type { StoreContext } from './context.ts';
import { byClient, byPhone, keys, lookup, withoutStorageAttributes } from './keys.ts';
import { claimNhsNumberItem, clientIdByNhsNumber } from './nhs-numbers.ts';
import type { TransactItem } from './transaction-grouper.ts';

const toClient = (item: Record<string, unknown>): Client =>
  clientSchema.parse(withoutStorageAttributes(item));

export function clientItem(client: Client): Record<string, unknown> {
  return {
    ...keys.client(client.id),
    ...(client.phone ? byPhone.client(client.phone, client.id) : {}),
    ...lookup.client(client.firstName, client.familyName, client.id),
    ...byClient.firstName(client.firstName, client.familyName, client.id),
    entity: 'Client',
    ...client,
  };
}

/**
 * The items that create a client: the client, only if new, and with an NHS number the pointer that
 * claims it (store/nhs-numbers.ts). Staff adding a family and the import both create clients with these.
 */
export function newClientItems(ctx: StoreContext, client: Client): TransactItem[] {
  return [
    {
      Put: {
        TableName: ctx.table,
        Item: clientItem(client),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ...(client.nhsNumber ? [claimNhsNumberItem(ctx, client.nhsNumber, client.id)] : []),
  ];
}

/** The error for a write whose NHS number pointer was already there; the number itself is never in it. */
export const nhsNumberInUse = (options?: { cause?: unknown }) =>
  new ConflictError('Another client in Attend already has this NHS number', 'NHS_NUMBER_IN_USE', options);

export async function createClient(ctx: StoreContext, client: Client): Promise<Client> {
  const items = newClientItems(ctx, client);
  try {
    // One item is a conditional Put; with an NHS number to claim, the two go in one transaction.
    if (items.length === 1) await ctx.db.send(new PutCommand(items[0]!.Put as PutCommandInput));
    else await ctx.db.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    const [put, nhs] = cancellationReasons(err);
    if (nhs === 'ConditionalCheckFailed' && put !== 'ConditionalCheckFailed')
      throw nhsNumberInUse({ cause: err });
    throw new ConflictError(`Client ${client.id} already exists`, 'ALREADY_EXISTS');
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
export async function getClients(
  ctx: StoreContext,
  ids: readonly string[],
  options: { consistentRead?: boolean } = {},
): Promise<Map<string, Client>> {
  const found = new Map<string, Client>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += 100) {
    const items = await batchGet(
      ctx,
      unique.slice(i, i + 100).map((id) => keys.client(id)),
      options,
    );
    for (const item of items) {
      const client = toClient(item);
      found.set(client.id, client);
    }
  }
  return found;
}

/** Pattern: the client with this NHS number (10 digits), if any. */
export async function clientByNhsNumber(ctx: StoreContext, nhsNumber: string): Promise<Client | undefined> {
  const id = await clientIdByNhsNumber(ctx, nhsNumber);
  return id ? getClient(ctx, id) : undefined;
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

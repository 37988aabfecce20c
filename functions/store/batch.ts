/**
 * BatchGetItem and BatchWriteItem hand back what they did not process (UnprocessedKeys,
 * UnprocessedItems) when a partition is throttled. What is left is sent again through the one retry
 * helper, with a jittered backoff and a bound: a batch still unprocessed after the last attempt fails
 * loudly rather than loop for ever, or return fewer items than asked for without a word.
 */
import { BatchGetCommand, BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '#core/concurrency.ts';
import { withRetry } from '#core/retry.ts';
import type { StoreContext } from './context.ts';

type Key = Record<string, unknown>;

/** DynamoDB left part of a batch unprocessed after every attempt. */
export class UnprocessedBatchError extends Error {
  constructor(
    readonly operation: 'BatchGetItem' | 'BatchWriteItem',
    readonly left: number,
  ) {
    super(`${operation} left ${left} item(s) unprocessed after retrying`);
    this.name = 'UnprocessedBatchError';
  }
}

const BATCH_ATTEMPTS = 6;

/** Reads up to 100 keys of one table, retrying the unprocessed ones; the items found, in no order. */
export async function batchGet(
  ctx: StoreContext,
  itemKeys: readonly Key[],
  options: { consistentRead?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  let left: Key[] = [...itemKeys];
  if (left.length === 0) return found;
  await withRetry(
    async () => {
      const out = await ctx.db.send(
        new BatchGetCommand({
          RequestItems: { [ctx.table]: { Keys: left, ConsistentRead: options.consistentRead } },
        }),
      );
      found.push(...(out.Responses?.[ctx.table] ?? []));
      left = (out.UnprocessedKeys?.[ctx.table]?.Keys ?? []) as Key[];
      if (left.length > 0) throw new UnprocessedBatchError('BatchGetItem', left.length);
    },
    { attempts: BATCH_ATTEMPTS, retryIf: (err) => err instanceof UnprocessedBatchError },
  );
  return found;
}

/** Deletes up to 25 items of one table by key, retrying the unprocessed ones. */
export async function batchDelete(
  ctx: StoreContext,
  itemKeys: readonly { pk: string; sk: string }[],
): Promise<void> {
  let left: unknown[] = itemKeys.map((Key) => ({ DeleteRequest: { Key: { pk: Key.pk, sk: Key.sk } } }));
  if (left.length === 0) return;
  await withRetry(
    async () => {
      const out = await ctx.db.send(new BatchWriteCommand({ RequestItems: { [ctx.table]: left as never } }));
      left = out.UnprocessedItems?.[ctx.table] ?? [];
      if (left.length > 0) throw new UnprocessedBatchError('BatchWriteItem', left.length);
    },
    { attempts: BATCH_ATTEMPTS, retryIf: (err) => err instanceof UnprocessedBatchError },
  );
}

/**
 * Reads any number of keys, 100 to a round trip and a few round trips at a time (the import reads the
 * slots, bookings and NHS numbers its records touch); strongly consistent. Duplicate keys are read once.
 */
export async function batchGetMany(
  ctx: StoreContext,
  itemKeys: readonly Key[],
): Promise<Record<string, unknown>[]> {
  const unique = [...new Map(itemKeys.map((k) => [`${String(k.pk)}|${String(k.sk)}`, k])).values()];
  const chunks = Array.from({ length: Math.ceil(unique.length / 100) }, (_, i) =>
    unique.slice(i * 100, i * 100 + 100),
  );
  const found = await mapWithConcurrency(chunks, 8, (chunk) =>
    batchGet(ctx, chunk, { consistentRead: true }),
  );
  return found.flat();
}

/**
 * Puts any number of new items of one table: 25 to a BatchWriteItem, a few batches at a time, retrying
 * the unprocessed ones. Unconditional: for items nothing else can be writing yet (the local demo seed
 * writes a fresh table behind its seeded marker). No two items may share a key.
 */
export async function batchPutMany(
  ctx: StoreContext,
  items: readonly Record<string, unknown>[],
  concurrency = 8,
): Promise<void> {
  const chunks = Array.from({ length: Math.ceil(items.length / 25) }, (_, i) =>
    items.slice(i * 25, i * 25 + 25),
  );
  await mapWithConcurrency(chunks, concurrency, async (chunk) => {
    let left: unknown[] = chunk.map((Item) => ({ PutRequest: { Item } }));
    await withRetry(
      async () => {
        const out = await ctx.db.send(
          new BatchWriteCommand({ RequestItems: { [ctx.table]: left as never } }),
        );
        left = out.UnprocessedItems?.[ctx.table] ?? [];
        if (left.length > 0) throw new UnprocessedBatchError('BatchWriteItem', left.length);
      },
      { attempts: BATCH_ATTEMPTS, retryIf: (err) => err instanceof UnprocessedBatchError },
    );
  });
}

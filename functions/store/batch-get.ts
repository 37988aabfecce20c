import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '#core/concurrency.ts';
import type { StoreContext } from './context.ts';

type Key = Record<string, unknown>;

/**
 * Reads items by key, 100 to a round trip, a few round trips at a time, until DynamoDB has answered for
 * every key (it may hand some back as unprocessed under load). Missing items are simply absent.
 */
export async function batchGetItems(
  ctx: StoreContext,
  wanted: readonly Key[],
): Promise<Record<string, unknown>[]> {
  const unique = [...new Map(wanted.map((k) => [`${String(k.pk)}|${String(k.sk)}`, k])).values()];
  const chunks = Array.from({ length: Math.ceil(unique.length / 100) }, (_, i) =>
    unique.slice(i * 100, i * 100 + 100),
  );
  const found: Record<string, unknown>[] = [];
  await mapWithConcurrency(chunks, 8, async (chunk) => {
    let request: Record<string, { Keys: Key[]; ConsistentRead: boolean }> | undefined = {
      [ctx.table]: { Keys: chunk, ConsistentRead: true },
    };
    while (request && Object.keys(request).length > 0) {
      const out = await ctx.db.send(new BatchGetCommand({ RequestItems: request }));
      found.push(...(out.Responses?.[ctx.table] ?? []));
      request = out.UnprocessedKeys as typeof request;
    }
  });
  return found;
}

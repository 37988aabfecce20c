/** The full read of a sparse, sharded index that an IndexMirror (local/index-mirror.ts) starts from. */
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { StoreContext } from '#store/context.ts';
import { type IndexDefinition, TABLE_KEYS } from '#store/table.ts';
import type { IndexEntry } from './index-mirror.ts';

/**
 * Every item of `index` in `shards`: its table key and the index's sort-key value (for dueReminders and
 * offersByExpiry, an ISO instant). One paged Query per shard (the shards read at once), projecting
 * only those three attributes.
 */
export async function readIndexEntries(
  ctx: StoreContext,
  index: IndexDefinition,
  shards: readonly string[],
): Promise<IndexEntry[]> {
  const pk = TABLE_KEYS.partitionKey.name;
  const sk = TABLE_KEYS.sortKey.name;
  const pages = await Promise.all(
    shards.map(async (shard) => {
      const entries: IndexEntry[] = [];
      let after: Record<string, unknown> | undefined;
      do {
        const out = await ctx.db.send(
          new QueryCommand({
            TableName: ctx.table,
            IndexName: index.name,
            KeyConditionExpression: '#shard = :shard',
            ExpressionAttributeNames: {
              '#shard': index.partitionKey.name,
              '#pk': pk,
              '#sk': sk,
              '#at': index.sortKey.name,
            },
            ExpressionAttributeValues: { ':shard': shard },
            ProjectionExpression: '#pk, #sk, #at',
            ExclusiveStartKey: after,
          }),
        );
        for (const item of out.Items ?? []) {
          entries.push({ pk: String(item[pk]), sk: String(item[sk]), at: String(item[index.sortKey.name]) });
        }
        after = out.LastEvaluatedKey;
      } while (after);
      return entries;
    }),
  );
  return pages.flat();
}

import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { DocClient } from '#store/client.ts';

/** Loads items with BatchWrite, 25 at a time, 16 requests in flight, retrying what comes back unprocessed. */
export async function batchWrite(
  db: DocClient,
  table: string,
  items: Record<string, unknown>[],
): Promise<void> {
  const chunks: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) chunks.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < chunks.length) {
      let request: Record<string, { PutRequest: { Item: Record<string, unknown> } }[]> | undefined = {
        [table]: chunks[next++]!.map((Item) => ({ PutRequest: { Item } })),
      };
      while (request && Object.keys(request).length) {
        const out = await db.send(new BatchWriteCommand({ RequestItems: request }));
        request = out.UnprocessedItems as typeof request;
      }
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
}

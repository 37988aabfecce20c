/**
 * EPR imports: pointers from a source record (kind, source system, source id) to the Attend record made
 * from it.
 *
 * A pointer is created with `attribute_not_exists` in the same transaction as the record it points to,
 * so two imports of the same file, even at the same moment, can never make two records for one source
 * record: the second transaction fails and its import re-reads the pointer. A pointer also keeps a
 * digest of what the source last said (`sourceHash`); it changes only on the condition that it still
 * holds the digest the import read.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '#core/concurrency.ts';
import { type SourceKey, type SourceKind, sourceKeyString } from '#core/import-model.ts';
import { type RefChange, type SourceRef, sourceRefSchema } from '#core/import-plan.ts';
import { batchGet } from './batch.ts';
import type { StoreContext } from './context.ts';
import { keys, withoutStorageAttributes } from './keys.ts';
import type { TransactItem } from './transaction-grouper.ts';

export type { SourceRef } from '#core/import-plan.ts';

const refKey = (kind: SourceKind, key: SourceKey) => keys.sourceRef(kind, key.system, key.id);

const toRef = (item: Record<string, unknown>): SourceRef =>
  sourceRefSchema.parse(withoutStorageAttributes(item));

/** Pattern: source records → their pointers, one round trip per 100 (keyed by `sourceKeyString`). */
export async function getSourceRefs(
  ctx: StoreContext,
  wanted: readonly { kind: SourceKind; key: SourceKey }[],
): Promise<Record<string, SourceRef>> {
  const found: Record<string, SourceRef> = {};
  const unique = [
    ...new Map(wanted.map((w) => [sourceKeyString(w.kind, w.key), refKey(w.kind, w.key)])).values(),
  ];
  const chunks = Array.from({ length: Math.ceil(unique.length / 100) }, (_, i) =>
    unique.slice(i * 100, i * 100 + 100),
  );
  // 5,000 rows are up to 150 round trips; a few at a time keeps the import inside its time limit.
  await mapWithConcurrency(chunks, 8, async (chunk) => {
    for (const item of await batchGet(ctx, chunk, { consistentRead: true })) {
      const ref = toRef(item);
      found[sourceKeyString(ref.kind, { system: ref.system, id: ref.sourceId })] = ref;
    }
  });
  return found;
}
/** Pattern: one source record → its pointer. */
export async function getSourceRef(
  ctx: StoreContext,
  kind: SourceKind,
  key: SourceKey,
): Promise<SourceRef | undefined> {
  const { Item } = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: refKey(kind, key), ConsistentRead: true }),
  );
  return Item ? toRef(Item) : undefined;
}

/** A new pointer, only if the source record has none. */
export function putRef(ctx: StoreContext, ref: SourceRef): TransactItem {
  return {
    Put: {
      TableName: ctx.table,
      Item: {
        ...keys.sourceRef(ref.kind, ref.system, ref.sourceId),
        entity: 'SourceRef',
        ...ref,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Moves a pointer on to a new digest (and record), only if it still holds what the import read. */
export function updateRef(ctx: StoreContext, change: RefChange): TransactItem {
  const set = ['sourceHash = :hash', 'updatedAt = :now'];
  const values: Record<string, unknown> = {
    ':hash': change.sourceHash,
    ':now': change.now,
    ':seenHash': change.seen.sourceHash,
    ':seenId': change.seen.attendId,
  };
  if (change.attendId) {
    set.push('attendId = :attendId');
    values[':attendId'] = change.attendId;
  }
  if (change.slotId) {
    set.push('slotId = :slotId');
    values[':slotId'] = change.slotId;
  }
  return {
    Update: {
      TableName: ctx.table,
      Key: refKey(change.kind, change.key),
      UpdateExpression: `SET ${set.join(', ')}`,
      ConditionExpression: 'sourceHash = :seenHash AND attendId = :seenId',
      ExpressionAttributeValues: values,
    },
  };
}

/** Records that the source changed in a way that needs nothing changed in Attend. */
export async function touchRef(ctx: StoreContext, change: RefChange): Promise<void> {
  const item = updateRef(ctx, change).Update!;
  await ctx.db.send(new UpdateCommand(item as ConstructorParameters<typeof UpdateCommand>[0]));
}

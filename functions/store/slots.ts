import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#core/errors.ts';
import { type Slot, slotSchema } from '#core/model.ts';
import { batchGetMany } from './batch.ts';
import { clinicDayPage } from './by-clinic-day.ts';
import { isConditionFailure } from './client.ts';
import type { Page, StoreContext } from './context.ts';
import { byClinicDay, keys, offersByExpiry, withoutStorageAttributes } from './keys.ts';

export const toSlot = (item: Record<string, unknown>): Slot =>
  slotSchema.parse(withoutStorageAttributes(item));

export function slotItem(slot: Slot): Record<string, unknown> {
  return {
    ...keys.slot(slot.id),
    ...byClinicDay.slot(slot.clinicId, slot.localDay, slot.startsAt, slot.id),
    entity: 'Slot',
    ...slot,
  };
}

/** Creates slots all-or-nothing (a clinic session), each only if its id is new. */
export async function createSlots(ctx: StoreContext, slots: readonly Slot[]): Promise<Slot[]> {
  for (let i = 0; i < slots.length; i += 100) {
    try {
      await ctx.db.send(
        new TransactWriteCommand({
          TransactItems: slots.slice(i, i + 100).map((slot) => ({
            Put: {
              TableName: ctx.table,
              Item: slotItem(slot),
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          })),
        }),
      );
    } catch (err) {
      if (isConditionFailure(err))
        throw new ConflictError('A slot with one of these ids already exists', 'ALREADY_EXISTS');
      throw err;
    }
  }
  return [...slots];
}

/** Pattern: slot by id. */
export async function getSlot(ctx: StoreContext, id: string): Promise<Slot | undefined> {
  const { Item } = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.slot(id), ConsistentRead: true }),
  );
  return Item ? toSlot(Item) : undefined;
}

/** Pattern: a clinic's slots on one local day, in start order. */
export async function slotsByClinicDay(
  ctx: StoreContext,
  clinicId: string,
  localDay: string,
  page: { limit?: number; cursor?: string } = {},
): Promise<Page<Slot>> {
  return clinicDayPage(ctx, 'slot', { clinicId, localDay, ...page }, toSlot);
}

/** Pattern: slots by id, 100 to a round trip (the import reads the slots its records touch). */
export async function getSlots(ctx: StoreContext, ids: readonly string[]): Promise<Slot[]> {
  return (
    await batchGetMany(
      ctx,
      ids.map((id) => keys.slot(id)),
    )
  ).map(toSlot);
}

/**
 * Pattern: slots whose short-notice run is open (OFFERING or WAITING_FOR_DAYTIME), soonest first. A slot
 * with an open run sits in the offersByExpiry index with its next check, so this reads that sparse
 * index's shards (offers share them and are filtered out) rather than any slots of ordinary bookings.
 */
export async function slotsUnderOffer(ctx: StoreContext): Promise<Slot[]> {
  const found = await Promise.all(
    offersByExpiry.allShards().map(async (shard) => {
      const slots: Slot[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const out = await ctx.db.send(
          new QueryCommand({
            TableName: ctx.table,
            IndexName: 'offersByExpiry',
            KeyConditionExpression: 'expiryShard = :shard',
            FilterExpression: 'entity = :slot',
            ExpressionAttributeValues: { ':shard': shard, ':slot': 'Slot' },
            ExclusiveStartKey: start,
          }),
        );
        slots.push(...(out.Items ?? []).map(toSlot));
        start = out.LastEvaluatedKey;
      } while (start);
      return slots;
    }),
  );
  // A run that has just ended stays in the index until its settling is done: only open ones count.
  return found
    .flat()
    .filter((slot) => slot.backfill?.state === 'OFFERING' || slot.backfill?.state === 'WAITING_FOR_DAYTIME')
    .sort((a, b) => (a.startsAt < b.startsAt ? -1 : a.startsAt > b.startsAt ? 1 : 0));
}

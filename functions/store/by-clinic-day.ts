import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { decodeCursor, encodeCursor, type Page, type StoreContext } from './context.ts';
import { byClinicDay } from './keys.ts';

/** One page of a clinic's items of one kind (slots or bookings) on a local day, in start order. */
export async function clinicDayPage<T>(
  ctx: StoreContext,
  kind: keyof typeof byClinicDay.prefix,
  input: { clinicId: string; localDay: string; limit?: number; cursor?: string },
  parse: (item: Record<string, unknown>) => T,
): Promise<Page<T>> {
  const out = await ctx.db.send(
    new QueryCommand({
      TableName: ctx.table,
      IndexName: 'byClinicDay',
      KeyConditionExpression: 'clinicDayPk = :pk AND begins_with(clinicDaySk, :prefix)',
      ExpressionAttributeValues: {
        ':pk': byClinicDay.partition(input.clinicId, input.localDay),
        ':prefix': byClinicDay.prefix[kind],
      },
      Limit: input.limit ?? 100,
      ExclusiveStartKey: decodeCursor(input.cursor),
    }),
  );
  return { items: (out.Items ?? []).map(parse), cursor: encodeCursor(out.LastEvaluatedKey) };
}

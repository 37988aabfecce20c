import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { id, isoInstant } from '#core/model.ts';
import { decodeCursor, encodeCursor, type Page, type StoreContext } from './context.ts';
import { keys, withoutStorageAttributes } from './keys.ts';

/** One staff change: who, what, which record, when. Field names only, never values (they hold personal data). */
export const auditEntrySchema = z.object({
  id,
  at: isoInstant,
  actor: z.string(),
  action: z.string(),
  path: z.string(),
  recordId: z.string().optional(),
  status: z.number().int(),
  fields: z.array(z.string()).default([]),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export async function recordAudit(ctx: StoreContext, entry: AuditEntry): Promise<void> {
  await ctx.db.send(
    new PutCommand({
      TableName: ctx.table,
      Item: { ...keys.audit(entry.at, entry.id), entity: 'Audit', ...entry },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** Pattern: the audit trail of one UTC day, newest first. */
export async function auditByDay(
  ctx: StoreContext,
  day: string,
  page: { limit?: number; cursor?: string } = {},
): Promise<Page<AuditEntry>> {
  const out = await ctx.db.send(
    new QueryCommand({
      TableName: ctx.table,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.auditPartition(day) },
      ScanIndexForward: false,
      Limit: page.limit ?? 100,
      ExclusiveStartKey: decodeCursor(page.cursor),
    }),
  );
  return {
    items: (out.Items ?? []).map((item) => auditEntrySchema.parse(withoutStorageAttributes(item))),
    cursor: encodeCursor(out.LastEvaluatedKey),
  };
}

import { PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { id, isoInstant } from '#core/model.ts';
import type { Caller } from '#core/roles.ts';
import { decodeCursor, encodeCursor, type Page, type StoreContext } from './context.ts';
import { keys, withoutStorageAttributes } from './keys.ts';

/**
 * One staff change or sign-in event: who, what, which record, when. Field names only, never values (they
 * hold personal data). `actor` is the caller's subject (OIDC `sub`, the IAM principal ARN, or `local-dev`
 * for the local runtime's unsigned calls); `actorName` is who that is, as people read it.
 */
export const auditEntrySchema = z.object({
  id,
  at: isoInstant,
  actor: z.string(),
  actorKind: z.enum(['oidc', 'iam', 'local']).optional(),
  actorName: z.string().optional(),
  /** The signed-in session the change was made in (its public handle, never the cookie). */
  sessionId: z.string().optional(),
  action: z.string(),
  /** The request path and answer status, for changes made through an HTTP route. */
  path: z.string().optional(),
  recordId: z.string().optional(),
  status: z.number().int().optional(),
  fields: z.array(z.string()).default([]),
  /** Why, for sign-in events (e.g. "no mapped role"); never personal data. */
  detail: z.string().optional(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

/** The audit fields that say who acted. */
export function auditActor(
  caller: Caller,
): Pick<AuditEntry, 'actor' | 'actorKind' | 'actorName' | 'sessionId'> {
  return {
    actor: caller.subject,
    actorKind: caller.kind,
    actorName: caller.name,
    ...(caller.sessionId ? { sessionId: caller.sessionId } : {}),
  };
}

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

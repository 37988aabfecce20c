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
 *
 * `at` is when the entry is written (the runtime's clock, UTC, to the millisecond): for a change, once it
 * is made and its answer is ready; for a refusal, when it is refused; for a sign-in or sign-out, once the
 * session is made or ended. So the trail is in the order things happened, not the order requests began:
 * of two requests at once, the one that finished first is listed first. Within one millisecond, entries
 * one process wrote keep the order it wrote them in (`recordAudit`); entries from two processes (two
 * Lambda instances) in one millisecond have an order that is arbitrary but always the same.
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

/** How many audit entries this process has begun to write: the tie-break within a millisecond. */
let written = 0;

/**
 * Writes one entry. Its place on the trail is its `at`, then the order this process wrote it in, counted
 * here before the first await: callers take `at` just before calling, so within a process a later call
 * never sorts before an earlier one (the local runtime's clock never goes back by itself either).
 */
export async function recordAudit(ctx: StoreContext, entry: AuditEntry): Promise<void> {
  written += 1;
  await ctx.db.send(
    new PutCommand({
      TableName: ctx.table,
      Item: { ...keys.audit(entry.at, written, entry.id), entity: 'Audit', ...entry },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/** Pattern: the audit trail of one UTC day, newest first (by `at`, then the order written: see above). */
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

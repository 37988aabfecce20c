import { createHash } from 'node:crypto';
import { GetCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { ConflictError, NotFoundError } from '#core/errors.ts';
import { id, isoInstant } from '#core/model.ts';
import * as zm from '#core/zod.ts';
import { cancellationReasons, isConditionFailure } from './client.ts';
import { decodeCursor, encodeCursor, type Page, type StoreContext } from './context.ts';
import { keys, openByKind, withoutStorageAttributes } from './keys.ts';

/** Why a Was-Not-Brought follow-up was opened. */
export const FOLLOW_UP_REASONS = ['repeated-wnb', 'vulnerable-wnb'] as const;
export type FollowUpReason = (typeof FOLLOW_UP_REASONS)[number];

/**
 * A child who was not brought, flagged to their named health visitor. It stays in the openByKind index
 * (newest first) until someone closes it with a note; nothing closes it, or discharges the child, on
 * its own.
 */
export const followUpSchema = z.object({
  id,
  clientId: id,
  /** The WNB booking that opened it; the follow-up id is derived from it. */
  bookingId: id,
  namedHealthVisitor: z.string().max(120).optional(),
  reason: z.enum(FOLLOW_UP_REASONS),
  consecutiveWnb: z.number().int().min(1),
  vulnerable: z.boolean(),
  status: z.enum(['OPEN', 'CLOSED']),
  openedAt: isoInstant,
  openedBy: z.string(),
  /** Set once WasNotBroughtEscalation is on the bus; a retried outcome request re-publishes until then. */
  announcedAt: zm.optional(isoInstant),
  closedAt: zm.optional(isoInstant),
  closedBy: z.string().optional(),
  note: z.string().max(1000).optional(),
  /** The client's personal data was erased: the note and health visitor went with it. */
  erased: z.boolean().optional(),
});
export type FollowUp = z.infer<typeof followUpSchema>;

/** One follow-up per WNB booking: the id comes from the booking id, so a retry can never open two. */
export function followUpIdFor(bookingId: string): string {
  return `wnb-${createHash('sha256').update(bookingId).digest('hex').slice(0, 32)}`;
}

const toFollowUp = (item: Record<string, unknown>): FollowUp =>
  followUpSchema.parse(withoutStorageAttributes(item));

export function followUpItem(followUp: FollowUp): Record<string, unknown> {
  return {
    ...keys.followUp(followUp.id),
    ...(followUp.status === 'OPEN' ? openByKind.followUp(followUp.openedAt, followUp.id) : {}),
    entity: 'FollowUp',
    ...followUp,
  };
}

/** Pattern: follow-up by id. */
export async function getFollowUp(ctx: StoreContext, followUpId: string): Promise<FollowUp | undefined> {
  const { Item } = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.followUp(followUpId), ConsistentRead: true }),
  );
  return Item ? toFollowUp(Item) : undefined;
}

/** Pattern: open follow-ups, newest first. */
export async function openFollowUps(
  ctx: StoreContext,
  page: { limit?: number; cursor?: string } = {},
): Promise<Page<FollowUp>> {
  const out = await ctx.db.send(
    new QueryCommand({
      TableName: ctx.table,
      IndexName: 'openByKind',
      KeyConditionExpression: 'openPk = :pk',
      ExpressionAttributeValues: { ':pk': openByKind.partition.followUp },
      ScanIndexForward: false,
      Limit: page.limit ?? 50,
      ExclusiveStartKey: decodeCursor(page.cursor),
    }),
  );
  return { items: (out.Items ?? []).map(toFollowUp), cursor: encodeCursor(out.LastEvaluatedKey) };
}

/**
 * Records that the escalation event went out; only the first call changes anything. Returns `at` (an ISO
 * instant) when this call set it, or undefined when the follow-up was already announced (or is not there).
 */
export async function markAnnounced(
  ctx: StoreContext,
  followUpId: string,
  at: string,
): Promise<string | undefined> {
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.followUp(followUpId),
        UpdateExpression: 'SET announcedAt = :at',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(announcedAt)',
        ExpressionAttributeValues: { ':at': at },
      }),
    );
    return at;
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    return undefined;
  }
}

/**
 * Closes an open follow-up with a note and takes it out of the open list; the client's count of open
 * follow-ups goes down in the same transaction (while it is above zero the client cannot be erased).
 * Closing it twice is a conflict.
 */
export async function closeFollowUp(
  ctx: StoreContext,
  input: { id: string; by: string; at: string; note: string },
): Promise<FollowUp> {
  const current = await getFollowUp(ctx, input.id);
  if (!current) throw new NotFoundError(`Follow-up ${input.id} does not exist`);
  try {
    await ctx.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName: ctx.table,
              Key: keys.followUp(input.id),
              UpdateExpression:
                'SET #status = :closed, closedAt = :at, closedBy = :by, note = :note REMOVE openPk, openSk',
              ConditionExpression: '#status = :open',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: {
                ':closed': 'CLOSED',
                ':open': 'OPEN',
                ':at': input.at,
                ':by': input.by,
                ':note': input.note,
              },
            },
          },
          {
            Update: {
              TableName: ctx.table,
              Key: keys.client(current.clientId),
              UpdateExpression: 'SET openFollowUps = openFollowUps - :one',
              ConditionExpression: 'openFollowUps > :zero',
              ExpressionAttributeValues: { ':one': 1, ':zero': 0 },
            },
          },
        ],
      }),
    );
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    const [followUpReason] = cancellationReasons(err);
    if (followUpReason === 'ConditionalCheckFailed') {
      throw new ConflictError(`Follow-up ${input.id} is already closed`, 'ALREADY_CLOSED', { cause: err });
    }
    throw new ConflictError('The follow-up could not be closed; please try again', 'TRANSACTION_CONFLICT', {
      cause: err,
    });
  }
  const closed = { ...current, status: 'CLOSED' as const, closedAt: input.at, closedBy: input.by };
  return (await getFollowUp(ctx, input.id)) ?? { ...closed, note: input.note };
}

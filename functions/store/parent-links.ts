/**
 * Parent links (one item per token hash, pointing to a booking or an offer, with the link's own state:
 * wrong date-of-birth tries, the lock, a rebook made through it) and parent sessions. Every change to a
 * link's state is one conditional write, so the counters hold across Lambda instances.
 */
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { isoInstant } from '#core/model.ts';
import { MAX_WRONG_TRIES } from '#core/parent-links.ts';
import * as z from '#core/zod.ts';
import { isConditionFailure } from './client.ts';
import type { StoreContext } from './context.ts';
import { keys, parentLinkKeys, withoutStorageAttributes } from './keys.ts';
import { TTL_ATTRIBUTE } from './table.ts';

const epochSeconds = (iso: string) => Math.ceil(Date.parse(iso) / 1000);
/** A link item is kept a month past its expiry (a family opening an old text is told it has ended). */
const KEEP_DAYS = 30;

export const parentLinkSchema = z.object({
  kind: z.enum(['booking', 'offer']),
  bookingId: z.optional(z.string()),
  slotId: z.optional(z.string()),
  offerId: z.optional(z.string()),
  createdAt: isoInstant,
  /** After this the link shows only "this link has ended" (a booking: its start; an offer: 7 days on). */
  expiresAt: isoInstant,
  wrongTries: z._default(z.number().check(z.int(), z.gte(0)), 0),
  lockedUntil: z.optional(isoInstant),
  /** A rebook made through this link: a link rebooks once. */
  rebookedAt: z.optional(isoInstant),
  rebookedTo: z.optional(z.string()),
});
export type ParentLink = z.infer<typeof parentLinkSchema>;

/** Writes the link item unless it exists already (a link's state is never reset by writing it again). */
export async function ensureParentLink(ctx: StoreContext, hash: string, link: ParentLink): Promise<boolean> {
  const parsed = parentLinkSchema.parse(link);
  try {
    await ctx.db.send(
      new PutCommand({
        TableName: ctx.table,
        Item: {
          ...parentLinkKeys.link(hash),
          entity: 'ParentLink',
          ...parsed,
          [TTL_ATTRIBUTE]: epochSeconds(parsed.expiresAt) + KEEP_DAYS * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** Pattern: a link by its token's hash, strongly consistent (the lock must be read as written). */
export async function getParentLink(ctx: StoreContext, hash: string): Promise<ParentLink | undefined> {
  const { Item } = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: parentLinkKeys.link(hash), ConsistentRead: true }),
  );
  return Item ? parentLinkSchema.parse(withoutStorageAttributes(Item)) : undefined;
}

export type WrongTryResult = { state: 'counted'; wrongTries: number } | { state: 'locked'; until: string };

/**
 * Counts a wrong answer. The count goes up only while the link is not locked (one conditional ADD);
 * the answer that reaches MAX_WRONG_TRIES locks the link until `lockUntil` and starts the count again.
 */
export async function recordWrongTry(
  ctx: StoreContext,
  hash: string,
  now: string,
  lockUntil: string,
): Promise<WrongTryResult> {
  let tries: number;
  try {
    const out = await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: parentLinkKeys.link(hash),
        UpdateExpression: 'ADD wrongTries :one',
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now)',
        ExpressionAttributeValues: { ':one': 1, ':now': now },
        ReturnValues: 'ALL_NEW',
      }),
    );
    tries = Number(out.Attributes?.wrongTries ?? 0);
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    const link = await getParentLink(ctx, hash);
    return { state: 'locked', until: link?.lockedUntil ?? lockUntil };
  }
  if (tries < MAX_WRONG_TRIES) return { state: 'counted', wrongTries: tries };
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: parentLinkKeys.link(hash),
        UpdateExpression: 'SET lockedUntil = :until, wrongTries = :zero',
        ConditionExpression: 'wrongTries >= :max',
        ExpressionAttributeValues: { ':until': lockUntil, ':zero': 0, ':max': MAX_WRONG_TRIES },
      }),
    );
  } catch (err) {
    // Another wrong answer locked it a moment ago.
    if (!isConditionFailure(err)) throw err;
  }
  return { state: 'locked', until: lockUntil };
}

/** A right answer starts the count again, unless the link is locked (then it changes nothing). */
export async function clearWrongTries(ctx: StoreContext, hash: string, now: string): Promise<boolean> {
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: parentLinkKeys.link(hash),
        UpdateExpression: 'SET wrongTries = :zero',
        ConditionExpression:
          'attribute_exists(pk) AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :now)',
        ExpressionAttributeValues: { ':zero': 0, ':now': now },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** Claims the link's one rebook; false if it has rebooked already. */
export async function claimRebook(ctx: StoreContext, hash: string, now: string): Promise<boolean> {
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: parentLinkKeys.link(hash),
        UpdateExpression: 'SET rebookedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(rebookedAt)',
        ExpressionAttributeValues: { ':now': now },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

/** Records where the rebook went, or hands the claim back when the move did not happen. */
export async function finishRebook(
  ctx: StoreContext,
  hash: string,
  input: { claimedAt: string; movedTo?: string },
): Promise<void> {
  await ctx.db.send(
    new UpdateCommand({
      TableName: ctx.table,
      Key: parentLinkKeys.link(hash),
      UpdateExpression: input.movedTo ? 'SET rebookedTo = :to' : 'REMOVE rebookedAt',
      ConditionExpression: 'rebookedAt = :at',
      ExpressionAttributeValues: { ':at': input.claimedAt, ...(input.movedTo && { ':to': input.movedTo }) },
    }),
  );
}

export const parentSessionSchema = z.object({
  /** The link this session was opened from: it acts on that link's booking or offer only. */
  linkHash: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  /** False until the date of birth (or due date) has been given. */
  verified: z.boolean(),
  csrfSecret: z.string().check(z.regex(/^[A-Za-z0-9_-]{43}$/)),
  createdAt: isoInstant,
  expiresAt: isoInstant,
});
export type ParentSession = z.infer<typeof parentSessionSchema>;

export async function putParentSession(
  ctx: StoreContext,
  sessionHash: string,
  session: ParentSession,
): Promise<void> {
  const parsed = parentSessionSchema.parse(session);
  await ctx.db.send(
    new PutCommand({
      TableName: ctx.table,
      Item: {
        ...parentLinkKeys.session(sessionHash),
        entity: 'ParentSession',
        ...parsed,
        [TTL_ATTRIBUTE]: epochSeconds(parsed.expiresAt),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

export async function getParentSession(
  ctx: StoreContext,
  sessionHash: string,
): Promise<ParentSession | undefined> {
  const { Item } = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: parentLinkKeys.session(sessionHash), ConsistentRead: true }),
  );
  return Item ? parentSessionSchema.parse(withoutStorageAttributes(Item)) : undefined;
}

export async function deleteParentSession(ctx: StoreContext, sessionHash: string): Promise<void> {
  await ctx.db.send(new DeleteCommand({ TableName: ctx.table, Key: parentLinkKeys.session(sessionHash) }));
}

/** "We'll be there", on the booking itself (where staff see it), while it is still booked. */
export async function recordParentConfirmation(
  ctx: StoreContext,
  bookingId: string,
  now: string,
): Promise<boolean> {
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: keys.booking(bookingId),
        UpdateExpression: 'SET parentConfirmedAt = :now, updatedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND #status = :booked',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':now': now, ':booked': 'BOOKED' },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

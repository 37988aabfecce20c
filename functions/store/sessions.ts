/**
 * Staff sessions and sign-ins in progress. A session is two items written and removed together: the
 * session itself (by id) and its entry in the STAFFSESSIONS partition (by person), see keys.ts.
 */

import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { isoInstant } from '#core/model.ts';
import { roleSchema } from '#core/roles.ts';
import { SESSION_END_REASONS } from '#core/session-end.ts';
import * as zm from '#core/zod.ts';
import { isConditionFailure } from './client.ts';
import type { StoreContext } from './context.ts';
import { staffSessions, withoutStorageAttributes } from './keys.ts';
import { TTL_ATTRIBUTE } from './table.ts';

const epochSeconds = (iso: string) => Math.ceil(Date.parse(iso) / 1000);

export const staffSessionSchema = z.object({
  /** The SHA-256 of the cookie token (base64url): a handle safe to show and store, never the token. */
  id: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  kind: z.literal('oidc'),
  issuer: z.string(),
  subject: z.string().min(1),
  name: z.string(),
  roles: z.array(roleSchema),
  /** CIS2: the role the person chose at sign-in (`selected_roleid`). */
  selectedRoleId: z.string().optional(),
  /** Per-session secret the web layer derives and checks CSRF tokens with (base64url, 256 bits). */
  csrfSecret: z.string().regex(/^[A-Za-z0-9_-]{43}$/),
  createdAt: isoInstant,
  lastSeenAt: isoInstant,
  idleExpiresAt: isoInstant,
  absoluteExpiresAt: isoInstant,
  /** When the person last authenticated at the identity provider (`auth_time`). */
  authTime: zm.optional(isoInstant),
});
export type StaffSessionRecord = z.infer<typeof staffSessionSchema>;

const entrySchema = z.object({ sessionId: z.string(), subject: z.string() });
export type StaffSessionEntry = z.infer<typeof entrySchema>;

/** Writes a new session and its by-person entry in one transaction; the id must be new. */
export async function createSession(ctx: StoreContext, session: StaffSessionRecord): Promise<void> {
  const parsed = staffSessionSchema.parse(session);
  await ctx.db.send(
    new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: ctx.table,
            Item: {
              ...staffSessions.session(parsed.id),
              entity: 'StaffSession',
              ...parsed,
              [TTL_ATTRIBUTE]: epochSeconds(parsed.idleExpiresAt),
            },
            ConditionExpression: 'attribute_not_exists(pk)',
          },
        },
        {
          Put: {
            TableName: ctx.table,
            Item: {
              ...staffSessions.entry(parsed.subject, parsed.id),
              entity: 'StaffSessionEntry',
              sessionId: parsed.id,
              subject: parsed.subject,
              [TTL_ATTRIBUTE]: epochSeconds(parsed.absoluteExpiresAt),
            },
          },
        },
      ],
    }),
  );
}

/** Pattern: a session by id. Strongly consistent, so a session ended a moment ago is never read as live. */
export async function getSession(
  ctx: StoreContext,
  sessionId: string,
): Promise<StaffSessionRecord | undefined> {
  const { Item } = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: staffSessions.session(sessionId), ConsistentRead: true }),
  );
  return Item ? staffSessionSchema.parse(withoutStorageAttributes(Item)) : undefined;
}

/**
 * Slides the idle expiry of a live session. It writes nothing if the session has ended or already
 * expired in the meantime, so a request racing a sign-out cannot bring the session back.
 */
export async function touchSession(
  ctx: StoreContext,
  sessionId: string,
  at: string,
  idleExpiresAt: string,
): Promise<boolean> {
  try {
    await ctx.db.send(
      new UpdateCommand({
        TableName: ctx.table,
        Key: staffSessions.session(sessionId),
        UpdateExpression: 'SET lastSeenAt = :at, idleExpiresAt = :idle, #ttl = :ttl',
        ConditionExpression: 'attribute_exists(pk) AND idleExpiresAt > :at AND absoluteExpiresAt > :at',
        ExpressionAttributeNames: { '#ttl': TTL_ATTRIBUTE },
        ExpressionAttributeValues: { ':at': at, ':idle': idleExpiresAt, ':ttl': epochSeconds(idleExpiresAt) },
      }),
    );
    return true;
  } catch (err) {
    if (isConditionFailure(err)) return false;
    throw err;
  }
}

const endedSchema = z.object({ reason: z.enum(SESSION_END_REASONS), endedAt: isoInstant });
export type EndedSession = z.infer<typeof endedSchema>;

/**
 * How long the reason is kept. The cookie lasts as long as the browser, but after a day "your session has
 * ended" without the reason says enough (and a session the table's TTL removed leaves no reason at all).
 */
const ENDED_KEPT_MS = 24 * 3_600_000;

/**
 * Removes a session and its by-person entry. True if the session was still there (and, with `live`,
 * still live at `ended.endedAt`: an expired one is left for its TTL and not counted). With `ended`, the
 * same transaction keeps why it ended (keyed by the session's id, beside it), so the next request with
 * its cookie can say so; the first reason stands, as a session already gone writes nothing.
 */
export async function deleteSession(
  ctx: StoreContext,
  entry: { sessionId: string; subject: string },
  ended?: EndedSession,
  options: { live?: boolean } = {},
): Promise<boolean> {
  try {
    await ctx.db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Delete: {
              TableName: ctx.table,
              Key: staffSessions.session(entry.sessionId),
              // `live`: only a session still live is ended: one past its idle or absolute expiry has ended
              // already (its next request says so, as idle or the time limit) and is neither counted nor
              // given someone else's reason.
              ...(ended && options.live
                ? {
                    ConditionExpression:
                      'attribute_exists(pk) AND idleExpiresAt > :at AND absoluteExpiresAt > :at',
                    ExpressionAttributeValues: { ':at': ended.endedAt },
                  }
                : { ConditionExpression: 'attribute_exists(pk)' }),
            },
          },
          { Delete: { TableName: ctx.table, Key: staffSessions.entry(entry.subject, entry.sessionId) } },
          ...(ended
            ? [
                {
                  Put: {
                    TableName: ctx.table,
                    Item: {
                      ...staffSessions.ended(entry.sessionId),
                      entity: 'StaffSessionEnded',
                      ...endedSchema.parse(ended),
                      [TTL_ATTRIBUTE]: epochSeconds(
                        new Date(Date.parse(ended.endedAt) + ENDED_KEPT_MS).toISOString(),
                      ),
                    },
                  },
                },
              ]
            : []),
        ],
      }),
    );
    return true;
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    // Already gone (ended elsewhere, or removed by TTL): make sure no stale entry is left behind.
    await ctx.db.send(
      new DeleteCommand({ TableName: ctx.table, Key: staffSessions.entry(entry.subject, entry.sessionId) }),
    );
    return false;
  }
}

/** Pattern: why a session ended, by its id, if it ended within the last day with a reason kept. */
export async function endedSession(ctx: StoreContext, sessionId: string): Promise<EndedSession | undefined> {
  const { Item } = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: staffSessions.ended(sessionId), ConsistentRead: true }),
  );
  if (!Item) return undefined;
  const parsed = endedSchema.safeParse(withoutStorageAttributes(Item));
  return parsed.success ? parsed.data : undefined;
}

async function queryEntries(ctx: StoreContext, prefix: string | undefined): Promise<StaffSessionEntry[]> {
  const found: StaffSessionEntry[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ctx.db.send(
      new QueryCommand({
        TableName: ctx.table,
        KeyConditionExpression: prefix ? 'pk = :pk AND begins_with(sk, :prefix)' : 'pk = :pk',
        ExpressionAttributeValues: prefix
          ? { ':pk': staffSessions.partition, ':prefix': prefix }
          : { ':pk': staffSessions.partition },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) found.push(entrySchema.parse(item));
    start = out.LastEvaluatedKey;
  } while (start);
  return found;
}

/** Pattern: every live session of one person (their item collection in STAFFSESSIONS). */
export function sessionsOfPerson(ctx: StoreContext, subject: string): Promise<StaffSessionEntry[]> {
  return queryEntries(ctx, staffSessions.personPrefix(subject));
}

/** Pattern: every live staff session of the trust (the whole STAFFSESSIONS partition). */
export function allSessions(ctx: StoreContext): Promise<StaffSessionEntry[]> {
  return queryEntries(ctx, undefined);
}

// ---- Sign-ins in progress ------------------------------------------------------------------------

export const signInRecordSchema = z.object({
  state: z.string().min(22),
  nonce: z.string().min(22),
  codeVerifier: z.string().min(43),
  /** SHA-256 of the browser's sign-in cookie: the callback must come from the browser that started it. */
  browserBinding: z.string(),
  /** Where to go after signing in: a path on this origin. */
  returnTo: z.string().startsWith('/'),
  /** The authorization request sent `prompt=login`: the provider was told to ask for credentials. */
  forceLogin: zm.optional(z.boolean()),
  createdAt: isoInstant,
  expiresAt: isoInstant,
});
export type SignInRecord = z.infer<typeof signInRecordSchema>;

export async function putSignIn(ctx: StoreContext, record: SignInRecord): Promise<void> {
  const parsed = signInRecordSchema.parse(record);
  await ctx.db.send(
    new PutCommand({
      TableName: ctx.table,
      Item: {
        ...staffSessions.signIn(parsed.state),
        entity: 'SignIn',
        ...parsed,
        [TTL_ATTRIBUTE]: epochSeconds(parsed.expiresAt),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
}

/**
 * Pattern: take a sign-in by its `state`, once. The delete returns what was there, so two callbacks
 * with the same state (a replayed redirect) cannot both use it.
 */
export async function takeSignIn(ctx: StoreContext, state: string): Promise<SignInRecord | undefined> {
  try {
    const out = await ctx.db.send(
      new DeleteCommand({
        TableName: ctx.table,
        Key: staffSessions.signIn(state),
        ConditionExpression: 'attribute_exists(pk)',
        ReturnValues: 'ALL_OLD',
      }),
    );
    return out.Attributes ? signInRecordSchema.parse(withoutStorageAttributes(out.Attributes)) : undefined;
  } catch (err) {
    if (isConditionFailure(err)) return undefined;
    throw err;
  }
}

// ---- "Authenticate again" markers -----------------------------------------------------------------

/**
 * When a manager or administrator ends someone's sessions, that person's browser may still hold the
 * identity provider's session, which would sign them straight back in. Attend cannot end the provider's
 * session for them, so it marks the person (by subject) with the time: a sign-in whose authentication
 * (`auth_time`) is older than the mark, and whose request did not send `prompt=login`, is sent round
 * again with it. A later sign-in removes the mark. The time is real time (epoch ms), as `auth_time` is
 * the provider's. A mark only matters while an authentication from before it could still be accepted,
 * at most `maxAuthAgeMinutes` (24 hours at most), so TTL removes it after a day.
 */
const REAUTH_MARKER_MS = 24 * 3_600_000;

export async function markReauthentication(ctx: StoreContext, subject: string, atMs: number): Promise<void> {
  await ctx.db.send(
    new PutCommand({
      TableName: ctx.table,
      Item: {
        ...staffSessions.reauth(subject),
        entity: 'Reauthenticate',
        subject,
        atMs,
        [TTL_ATTRIBUTE]: Math.ceil((atMs + REAUTH_MARKER_MS) / 1000),
      },
    }),
  );
}

/** When the person's sessions were last ended by someone else (epoch ms), if they are marked. */
export async function reauthenticationMark(ctx: StoreContext, subject: string): Promise<number | undefined> {
  const out = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: staffSessions.reauth(subject), ConsistentRead: true }),
  );
  const atMs = out.Item?.atMs;
  return typeof atMs === 'number' ? atMs : undefined;
}

export async function clearReauthentication(ctx: StoreContext, subject: string): Promise<void> {
  await ctx.db.send(new DeleteCommand({ TableName: ctx.table, Key: staffSessions.reauth(subject) }));
}

/**
 * Consent records: one per opted-out phone number, keyed by the number's keyed hash (core/consent.ts).
 * They hold no phone number, name or client id, so the erasure's scan for items naming a client or a
 * phone never finds them: an opt-out outlives the erasure of every family that used the number.
 */
import { BatchGetCommand, DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type Consent, type ConsentReason, consentSchema } from '#core/consent.ts';
import { isConditionFailure } from './client.ts';
import type { StoreContext } from './context.ts';
import { keys, withoutStorageAttributes } from './keys.ts';

const toConsent = (item: Record<string, unknown>): Consent =>
  consentSchema.parse(withoutStorageAttributes(item));

export function consentItem(phoneHash: string, consent: Consent): Record<string, unknown> {
  return { ...keys.consent(phoneHash), entity: 'Consent', ...consent };
}

/** Pattern: a number's consent, by its hash. Strongly consistent: a STOP a moment ago must count. */
export async function getConsent(ctx: StoreContext, phoneHash: string): Promise<Consent | undefined> {
  const { Item } = await ctx.db.send(
    new GetCommand({ TableName: ctx.table, Key: keys.consent(phoneHash), ConsistentRead: true }),
  );
  return Item ? toConsent(Item) : undefined;
}

/** Pattern: the consent of many numbers at once (a page of due reminders, a page of candidates). */
export async function getConsents(
  ctx: StoreContext,
  phoneHashes: readonly string[],
): Promise<Map<string, Consent>> {
  const found = new Map<string, Consent>();
  const unique = [...new Set(phoneHashes)];
  for (let i = 0; i < unique.length; i += 100) {
    let request: Record<string, { Keys: Record<string, unknown>[]; ConsistentRead: boolean }> | undefined = {
      [ctx.table]: { Keys: unique.slice(i, i + 100).map((h) => keys.consent(h)), ConsistentRead: true },
    };
    while (request && Object.keys(request).length > 0) {
      const out = await ctx.db.send(new BatchGetCommand({ RequestItems: request }));
      for (const item of out.Responses?.[ctx.table] ?? []) {
        found.set(String(item.pk).slice('CONSENT#'.length), toConsent(item));
      }
      request = out.UnprocessedKeys as typeof request;
    }
  }
  return found;
}

/**
 * Records an opt-out. A STOP takes over any other reason (only START lifts it, so it must be what the
 * record says); any other reason never replaces one already recorded, so a staff opt-out cannot turn a
 * STOP into something staff could lift. Returns whether the number was opted in before.
 */
export async function putOptOut(
  ctx: StoreContext,
  phoneHash: string,
  input: { reason: ConsentReason; at: string },
): Promise<{ changed: boolean; wasOptedIn: boolean }> {
  try {
    const out = await ctx.db.send(
      new PutCommand({
        TableName: ctx.table,
        Item: consentItem(phoneHash, { state: 'opted-out', reason: input.reason, since: input.at }),
        ConditionExpression:
          input.reason === 'stop-text'
            ? 'attribute_not_exists(pk) OR reason <> :stop'
            : 'attribute_not_exists(pk)',
        ...(input.reason === 'stop-text' ? { ExpressionAttributeValues: { ':stop': 'stop-text' } } : {}),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return { changed: true, wasOptedIn: out.Attributes === undefined };
  } catch (err) {
    if (isConditionFailure(err)) return { changed: false, wasOptedIn: false };
    throw err;
  }
}

/**
 * Lifts a number's opt-out: any reason for a START from the number; for staff, anything but a STOP.
 * Returns what was lifted, 'none' when there was nothing, or 'refused' (a STOP, asked by staff).
 */
export async function deleteOptOut(
  ctx: StoreContext,
  phoneHash: string,
  by: 'start-text' | 'staff',
): Promise<'lifted' | 'none' | 'refused'> {
  try {
    const out = await ctx.db.send(
      new DeleteCommand({
        TableName: ctx.table,
        Key: keys.consent(phoneHash),
        ...(by === 'staff'
          ? {
              ConditionExpression: 'attribute_not_exists(pk) OR reason <> :stop',
              ExpressionAttributeValues: { ':stop': 'stop-text' },
            }
          : {}),
        ReturnValues: 'ALL_OLD',
      }),
    );
    return out.Attributes ? 'lifted' : 'none';
  } catch (err) {
    if (isConditionFailure(err)) return 'refused';
    throw err;
  }
}

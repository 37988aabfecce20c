import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ConflictError } from '#core/errors.ts';
import { type Clinic, clinicSchema } from '#core/model.ts';
import { isConditionFailure } from './client.ts';
import type { StoreContext } from './context.ts';
import { keys, withoutStorageAttributes } from './keys.ts';

const toClinic = (item: Record<string, unknown>): Clinic =>
  clinicSchema.parse(withoutStorageAttributes(item));

export function clinicItem(clinic: Clinic): Record<string, unknown> {
  return { ...keys.clinic(clinic.id), entity: 'Clinic', ...clinic };
}

export async function createClinic(ctx: StoreContext, clinic: Clinic): Promise<Clinic> {
  try {
    await ctx.db.send(
      new PutCommand({
        TableName: ctx.table,
        Item: clinicItem(clinic),
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (err) {
    if (isConditionFailure(err))
      throw new ConflictError(`Clinic ${clinic.id} already exists`, 'ALREADY_EXISTS');
    throw err;
  }
  return clinic;
}

/** Pattern: clinic by id. */
export async function getClinic(ctx: StoreContext, id: string): Promise<Clinic | undefined> {
  const { Item } = await ctx.db.send(new GetCommand({ TableName: ctx.table, Key: keys.clinic(id) }));
  return Item ? toClinic(Item) : undefined;
}

/** Clinic names as people read them (case and accents are not ranked above the letters). */
const byName = new Intl.Collator('en-GB');

/**
 * Pattern: every clinic of the trust (one small partition), by name (then id, for two of one name):
 * the API's list and every Clinic dropdown read in this order, whatever the ids (a UUID when none was given).
 */
export async function listClinics(ctx: StoreContext): Promise<Clinic[]> {
  const clinics: Clinic[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await ctx.db.send(
      new QueryCommand({
        TableName: ctx.table,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': keys.clinicsPartition },
        ExclusiveStartKey: start,
      }),
    );
    clinics.push(...(page.Items ?? []).map(toClinic));
    start = page.LastEvaluatedKey;
  } while (start);
  return clinics.sort((a, b) => byName.compare(a.name, b.name) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

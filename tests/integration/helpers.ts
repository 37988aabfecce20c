/**
 * Shared steps for the integration tests: seeding a fresh table, reading index items straight from
 * DynamoDB Local (so a test checks what is stored, not what a repository function chose to return),
 * and running the sweep at a given instant.
 */
import { GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mapWithConcurrency } from '#core/concurrency.ts';
import type { Client, Clinic, Slot } from '#core/model.ts';
import { bookSlot } from '#services/bookings.ts';
import { runReminderSweep, type SweepReport } from '#services/reminders.ts';
import { createClient } from '#store/clients.ts';
import { createClinic } from '#store/clinics.ts';
import type { StoreContext } from '#store/context.ts';
import { byPhone, dueReminders, keys } from '#store/keys.ts';
import { createSlots } from '#store/slots.ts';
import { aClient, aSlotFor } from '#tests/support/builders.ts';
import type { TestDeps } from '#tests/support/dynamo.ts';

export async function seed(
  store: StoreContext,
  input: { clinic?: Clinic; clients?: readonly Client[]; slots?: readonly Slot[] },
): Promise<void> {
  if (input.clinic) await createClinic(store, input.clinic);
  await mapWithConcurrency(input.clients ?? [], 4, (client) => createClient(store, client));
  if (input.slots?.length) await createSlots(store, input.slots);
}

/** The raw stored item, index and TTL attributes included. */
export async function rawItem(
  store: StoreContext,
  key: { pk: string; sk: string },
): Promise<Record<string, unknown> | undefined> {
  const { Item } = await store.db.send(
    new GetCommand({ TableName: store.table, Key: key, ConsistentRead: true }),
  );
  return Item;
}

/** Every booking in the dueReminders index, read from all shards: id → nextDueAt. */
export async function dueIndex(store: StoreContext): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const shard of dueReminders.allShards()) {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await store.db.send(
        new QueryCommand({
          TableName: store.table,
          IndexName: 'dueReminders',
          KeyConditionExpression: 'dueShard = :shard',
          ExpressionAttributeValues: { ':shard': shard },
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) found.set(String(item.id), String(item.nextDueAt));
      start = out.LastEvaluatedKey;
    } while (start);
  }
  return found;
}

/** Every stored item of one entity (a whole-table read: for checking a small test table only). */
export async function scanEntity(store: StoreContext, entity: string): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await store.db.send(
      new ScanCommand({
        TableName: store.table,
        FilterExpression: 'entity = :entity',
        ExpressionAttributeValues: { ':entity': entity },
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Ids of the bookings filed under a phone in the byPhone index (the live-bookings pattern). */
export async function liveBookingIdsInPhoneIndex(store: StoreContext, phone: string): Promise<string[]> {
  const out = await store.db.send(
    new QueryCommand({
      TableName: store.table,
      IndexName: 'byPhone',
      KeyConditionExpression: 'phonePk = :pk AND begins_with(phoneSk, :prefix)',
      ExpressionAttributeValues: { ':pk': byPhone.partition(phone), ':prefix': byPhone.prefix.liveBooking },
    }),
  );
  return (out.Items ?? []).map((item) => String(item.id));
}

export const bookingKey = (id: string) => keys.booking(id);
export const slotKey = (id: string) => keys.slot(id);
export const messageKey = (id: string) => keys.message(id);

/** Moves the test clock to `iso` and runs one sweep there. */
export async function sweepAt(deps: TestDeps, iso: string): Promise<SweepReport> {
  deps.clock.set(iso);
  return runReminderSweep(deps);
}

/** `minutes` after an ISO instant, as an ISO instant. */
export function plusMinutes(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

/**
 * Books a family that may be written to but not texted (an address, texts off for "risk at home") into a
 * new slot at `clinic`, `daysAhead` days after `day` (yyyy-mm-dd) at `time` (hh:mm UTC): 8 days ahead is
 * a booking letter on `day`. For the letter and GOV.UK Notify tests.
 */
export async function postOnlyBooking(
  world: { store: StoreContext; deps: TestDeps; clinic: Clinic; day: string },
  firstName: string,
  time: string,
  daysAhead = 8,
) {
  const client: Client = aClient({
    firstName,
    address: { lines: ['12 Mill Lane'], town: 'Maidstone', postcode: 'ME14 1XX' },
    contact: { sms: { on: false, reason: 'risk at home' }, letter: { on: true } },
  });
  const at = new Date(Date.parse(`${world.day}T00:00:00Z`) + daysAhead * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const slot = aSlotFor(world.clinic, { startsAt: `${at}T${time}:00.000Z` });
  await seed(world.store, { clients: [client], slots: [slot] });
  return bookSlot(world.deps, { slotId: slot.id, clientId: client.id, by: 'staff:sched-1', source: 'staff' });
}

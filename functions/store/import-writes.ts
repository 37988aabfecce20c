/**
 * The writes that create or change an imported record together with its pointer, each in one
 * transaction (see source-refs.ts for why the pointer goes with the record).
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { NotFoundError } from '#core/errors.ts';
import type { ClientChanges, RefChange, SourceRef } from '#core/import-plan.ts';
import type { Booking, Client, Slot } from '#core/model.ts';
import { bookingItem } from './bookings.ts';
import { newClientItems } from './clients.ts';
import { failedOn, raw as rawWrite, transact as transactNamed } from './conditions.ts';
import type { StoreContext } from './context.ts';
import { byClient, byClinicDay, byPhone, keys, lookup } from './keys.ts';
import { claimNhsNumberItem, releaseNhsNumberItem } from './nhs-numbers.ts';
import { statusChange } from './slot-runs.ts';
import { slotItem } from './slots.ts';
import { putRef, updateRef } from './source-refs.ts';
import type { TransactItem } from './transaction-grouper.ts';

async function transact(ctx: StoreContext, items: TransactItem[]): Promise<void> {
  await ctx.db.send(new TransactWriteCommand({ TransactItems: items }));
}

/** A new client (and the pointer claiming its NHS number) and its source pointer, together. */
export function importedClientItems(ctx: StoreContext, client: Client, ref: SourceRef): TransactItem[] {
  return [...newClientItems(ctx, client), putRef(ctx, ref)];
}

export async function createImportedClient(ctx: StoreContext, client: Client, ref: SourceRef): Promise<void> {
  await transact(ctx, importedClientItems(ctx, client, ref));
}

/**
 * Changes an imported client and moves its pointer on, in one transaction. A new mobile also moves the
 * client's live bookings to it (reminders go to the booking's phone), each only while it is still
 * BOOKED on the old number, so a booking cancelled meanwhile makes the whole change fail and be re-read.
 */
export async function updateImportedClient(
  ctx: StoreContext,
  input: {
    client: Client;
    changes: ClientChanges;
    liveBookings: readonly Booking[];
    ref: RefChange;
  },
): Promise<void> {
  const { client, changes, ref } = input;
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = { ':now': ref.now };
  // A family with no mobile yet: the condition is that they still have none.
  const samePhone = client.phone === undefined ? 'attribute_not_exists(phone)' : 'phone = :oldPhone';
  if (client.phone !== undefined) values[':oldPhone'] = client.phone;
  const set = ['updatedAt = :now'];
  const remove: string[] = [];
  /** An index entry's two key attributes: set from the entry, or removed when there is none. */
  const setOrRemove = (entry: Record<string, string> | undefined, names: readonly [string, string]) => {
    if (!entry) return void remove.push(...names);
    for (const name of names) {
      set.push(`${name} = :${name}`);
      values[`:${name}`] = entry[name];
    }
  };
  Object.entries(changes).forEach(([path, value], i) => {
    const parts = path.split('.');
    const name = parts.map((p, j) => {
      names[`#f${i}_${j}`] = p;
      return `#f${i}_${j}`;
    });
    if (value === null) {
      remove.push(name.join('.'));
    } else {
      set.push(`${name.join('.')} = :v${i}`);
      values[`:v${i}`] = value;
    }
  });
  const newPhone = changes.phone;
  if (newPhone) {
    const index = byPhone.client(newPhone, client.id);
    set.push('phonePk = :phonePk', 'phoneSk = :phoneSk');
    values[':phonePk'] = index.phonePk;
    values[':phoneSk'] = index.phoneSk;
  }
  if (changes.firstName !== undefined || changes.familyName !== undefined) {
    // The name index entry follows the name (store/keys.ts lookup); a name too short to index has none.
    const entry = lookup.client(
      changes.firstName ?? client.firstName,
      changes.familyName ?? client.familyName,
      client.id,
    );
    setOrRemove(entry, ['lookupPk', 'lookupSk']);
    setOrRemove(
      byClient.firstName(
        changes.firstName ?? client.firstName,
        changes.familyName ?? client.familyName,
        client.id,
      ),
      ['clientPk', 'clientSk'],
    );
  }
  if (input.liveBookings.length > 90) {
    throw new Error(`Client ${client.id} has too many live bookings to move to a new phone in one change`);
  }
  const items: TransactItem[] = [
    {
      Update: {
        TableName: ctx.table,
        Key: keys.client(client.id),
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: `attribute_exists(pk) AND ${samePhone}`,
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      },
    },
    updateRef(ctx, ref),
  ];
  if (newPhone) {
    for (const b of input.liveBookings) {
      const index = byPhone.liveBooking(newPhone, b.startsAt, b.id);
      items.push({
        Update: {
          TableName: ctx.table,
          Key: keys.booking(b.id),
          UpdateExpression: 'SET phone = :phone, phonePk = :pk, phoneSk = :sk, updatedAt = :now',
          ConditionExpression: `#status = :booked AND ${samePhone}`,
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':phone': newPhone,
            ':pk': index.phonePk,
            ':sk': index.phoneSk,
            ':now': ref.now,
            ':booked': 'BOOKED',
            ...(client.phone !== undefined ? { ':oldPhone': client.phone } : {}),
          },
        },
      });
    }
  }
  if (changes.nhsNumber !== undefined) {
    // A new NHS number is claimed only if no other client has it; the old one is let go.
    const update = items[0]!.Update!;
    if (client.nhsNumber) {
      update.ConditionExpression += ' AND nhsNumber = :oldNhs';
      values[':oldNhs'] = client.nhsNumber;
      items.push(releaseNhsNumberItem(ctx, client.nhsNumber, client.id));
    } else {
      update.ConditionExpression += ' AND attribute_not_exists(nhsNumber)';
    }
    if (changes.nhsNumber !== null) items.push(claimNhsNumberItem(ctx, changes.nhsNumber, client.id));
  }
  await transact(ctx, items);
}

/** A new slot and its pointer, together. */
export async function createImportedSlot(ctx: StoreContext, slot: Slot, ref: SourceRef): Promise<void> {
  await transact(ctx, [
    { Put: { TableName: ctx.table, Item: slotItem(slot), ConditionExpression: 'attribute_not_exists(pk)' } },
    putRef(ctx, ref),
  ]);
}

/**
 * Changes an imported slot's clinic, type, time or duration, or withdraws or reopens it, with its pointer.
 * The status changes only as the slot state machine allows (store/slot-runs.ts): withdrawing a slot
 * under offer ends its short-notice run in the same write, and a booked slot keeps the time its family
 * was given. Conditional on the slot being as the import read it.
 */
export async function updateImportedSlot(
  ctx: StoreContext,
  input: {
    slot: Slot;
    fields: Pick<Slot, 'clinicId' | 'type' | 'startsAt' | 'durationMinutes' | 'localDay'>;
    status: Slot['status'];
    /** Kept for callers; the condition is the slot as read (its status included). */
    from?: readonly Slot['status'][];
    ref: RefChange;
  },
): Promise<void> {
  const { fields, ref } = input;
  const index = byClinicDay.slot(fields.clinicId, fields.localDay, fields.startsAt, input.slot.id);
  await transactNamed(ctx, [
    statusChange(ctx, input.slot, input.status, {
      now: ref.now,
      by: 'import',
      set: {
        clinicId: fields.clinicId,
        type: fields.type,
        startsAt: fields.startsAt,
        durationMinutes: fields.durationMinutes,
        localDay: fields.localDay,
        clinicDayPk: index.clinicDayPk,
        clinicDaySk: index.clinicDaySk,
      },
    }),
    rawWrite('pointer', updateRef(ctx, ref), 'pointer-unchanged'),
  ]);
}

/**
 * A booking in a slot that is new to Attend: slot (already BOOKED, so the short-notice list never sees
 * it free), booking and pointers in one transaction, on the condition that the client still exists.
 */
export function bookingInNewSlotItems(
  ctx: StoreContext,
  input: { slot: Slot; booking: Booking; refs: TransactItem[] },
): TransactItem[] {
  return [
    {
      Put: {
        TableName: ctx.table,
        Item: slotItem(input.slot),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      Put: {
        TableName: ctx.table,
        Item: bookingItem(input.booking),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    {
      ConditionCheck: {
        TableName: ctx.table,
        Key: keys.client(input.booking.clientId),
        ConditionExpression: 'attribute_exists(pk)',
      },
    },
    ...input.refs,
  ];
}

export async function createBookingInNewSlot(
  ctx: StoreContext,
  input: { slot: Slot; booking: Booking; refs: TransactItem[] },
): Promise<void> {
  const [slot, booking, client, ...refs] = bookingInNewSlotItems(ctx, input);
  try {
    await transactNamed(ctx, [
      rawWrite('slot', slot!, 'slot-is-new'),
      rawWrite('booking', booking!, 'booking-is-new'),
      rawWrite('client', client!, 'client-exists'),
      ...refs.map((r) => rawWrite('pointer', r, 'pointer-unchanged')),
    ]);
  } catch (err) {
    if (failedOn(err, 'client')) throw new NotFoundError(`Client ${input.booking.clientId} does not exist`);
    // Any other failed condition (a ConflictError) makes the import read again and plan afresh.
    throw err;
  }
}

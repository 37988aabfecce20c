/**
 * Staff changing a family's contact details (PATCH /clients/{id}): the mobile, the postal address and
 * the contact channels, in one transaction with the client's live bookings when the mobile changes.
 * A booking carries its family's mobile (reminders go to the booking's phone, and the byPhone index
 * finds a number's live bookings for "CANCEL 4821"), so a new mobile moves them with it, and a cleared
 * mobile takes it off them: their later reminders are then skipped as `no-phone`.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { ContactChannels } from '#core/contact-channels.ts';
import { ConflictError } from '#core/errors.ts';
import type { Booking, Client } from '#core/model.ts';
import type { PostalAddress } from '#core/postal-address.ts';
import { liveBookingsByPhone } from './bookings.ts';
import { isConditionFailure } from './client.ts';
import type { StoreContext } from './context.ts';
import { bookingsOfClients } from './family-search.ts';
import { byPhone, keys } from './keys.ts';
import type { TransactItem } from './transaction-grouper.ts';

/**
 * Pattern: a client's live (BOOKED) bookings. With a mobile, the byPhone index; with none, the byClient
 * index (every booking of the child, store/family-search.ts), as the family page reads them.
 */
export async function liveBookingsOfClient(
  ctx: StoreContext,
  client: Pick<Client, 'id' | 'phone'>,
): Promise<Booking[]> {
  const all =
    client.phone !== undefined
      ? await liveBookingsByPhone(ctx, client.phone)
      : await bookingsOfClients(ctx, [client.id]);
  return all.filter((b) => b.clientId === client.id && b.status === 'BOOKED');
}

/** What changes: each field given is set, `null` clears it; a field left out is kept. */
export interface ContactChange {
  phone?: string | null;
  address?: PostalAddress | null;
  contact?: ContactChannels;
}

/** The most bookings moved in one change (a transaction holds 100 items). */
const MAX_MOVED_BOOKINGS = 90;

/**
 * Writes the change, on the condition that the client's mobile is still the one read (so a booking made
 * or a number changed meanwhile cannot be missed): a ConflictError asks the caller to read again.
 */
export async function changeClientContact(
  ctx: StoreContext,
  input: { client: Client; change: ContactChange; liveBookings: readonly Booking[]; now: string },
): Promise<void> {
  const { client, change, now } = input;
  const values: Record<string, unknown> = { ':now': now };
  const names: Record<string, string> = {};
  const set = ['updatedAt = :now'];
  const remove: string[] = [];
  const samePhone = client.phone === undefined ? 'attribute_not_exists(phone)' : 'phone = :oldPhone';
  if (client.phone !== undefined) values[':oldPhone'] = client.phone;

  const phoneChanges = change.phone !== undefined && (change.phone ?? undefined) !== client.phone;
  if (phoneChanges && change.phone) {
    const index = byPhone.client(change.phone, client.id);
    set.push('phone = :phone', 'phonePk = :phonePk', 'phoneSk = :phoneSk');
    values[':phone'] = change.phone;
    values[':phonePk'] = index.phonePk;
    values[':phoneSk'] = index.phoneSk;
  } else if (phoneChanges) {
    remove.push('phone', 'phonePk', 'phoneSk');
  }
  if (change.address !== undefined) {
    names['#address'] = 'address';
    if (change.address === null) remove.push('#address');
    else {
      set.push('#address = :address');
      values[':address'] = change.address;
    }
  }
  if (change.contact !== undefined) {
    names['#contact'] = 'contact';
    set.push('#contact = :contact');
    values[':contact'] = change.contact;
  }
  const bookings = phoneChanges ? input.liveBookings : [];
  if (bookings.length > MAX_MOVED_BOOKINGS) {
    throw new ConflictError(
      `Client ${client.id} has more than ${MAX_MOVED_BOOKINGS} live bookings to move to a new mobile at once`,
      'TOO_MANY_BOOKINGS',
    );
  }
  const items: TransactItem[] = [
    {
      Update: {
        TableName: ctx.table,
        Key: keys.client(client.id),
        UpdateExpression: `SET ${set.join(', ')}${remove.length ? ` REMOVE ${remove.join(', ')}` : ''}`,
        ConditionExpression: `attribute_exists(pk) AND ${samePhone}`,
        ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}),
        ExpressionAttributeValues: values,
      },
    },
  ];
  for (const b of bookings) {
    const bookingValues: Record<string, unknown> = { ':now': now, ':booked': 'BOOKED' };
    if (client.phone !== undefined) bookingValues[':oldPhone'] = client.phone;
    let update: string;
    if (change.phone) {
      const index = byPhone.liveBooking(change.phone, b.startsAt, b.id);
      update = 'SET phone = :phone, phonePk = :pk, phoneSk = :sk, updatedAt = :now';
      bookingValues[':phone'] = change.phone;
      bookingValues[':pk'] = index.phonePk;
      bookingValues[':sk'] = index.phoneSk;
    } else {
      update = 'SET updatedAt = :now REMOVE phone, phonePk, phoneSk';
    }
    items.push({
      Update: {
        TableName: ctx.table,
        Key: keys.booking(b.id),
        UpdateExpression: update,
        ConditionExpression: `#status = :booked AND ${samePhone}`,
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: bookingValues,
      },
    });
  }
  try {
    await ctx.db.send(new TransactWriteCommand({ TransactItems: items }));
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    throw new ConflictError(
      'The family’s record or bookings changed while this was being saved; read it again and retry',
      'CHANGED_MEANWHILE',
      { cause: err },
    );
  }
}

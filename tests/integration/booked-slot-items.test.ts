/**
 * The local demo seed writes its upcoming bookings in bulk (BatchWriteItem) instead of one booking
 * transaction each. This checks that the bulk items are exactly what the booking transaction leaves:
 * the same slot item and the same booking item, read back from DynamoDB Local. If bookByStaffWrite
 * ever sets something more, this fails and the seed must follow.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { batchPutMany } from '#store/batch.ts';
import { bookingItem, createBooking } from '#store/bookings.ts';
import type { StoreContext } from '#store/context.ts';
import { keys } from '#store/keys.ts';
import { bookedFreshSlot } from '#store/slot-runs.ts';
import { slotItem } from '#store/slots.ts';
import { aBookingFor, aClient, aClinic, aSlotFor } from '#tests/support/builders.ts';
import { freshTable } from '#tests/support/dynamo.ts';
import { rawItem, seed } from './helpers.ts';

let store: StoreContext;

beforeAll(async () => {
  store = await freshTable();
});

describe('bookedFreshSlot (the demo seed writing bookings in bulk)', () => {
  it('gives the very slot and booking items the booking transaction writes', async () => {
    const clinic = aClinic();
    const client = aClient();
    const [viaTransaction, viaBulk] = [aSlotFor(clinic), aSlotFor(clinic)];
    await seed(store, { clinic, clients: [client], slots: [viaTransaction, viaBulk] });
    const bookedAt = '2026-11-20T10:00:00.000Z';
    const first = aBookingFor(viaTransaction, client, { bookedAt });
    const second = aBookingFor(viaBulk, client, { bookedAt });

    await createBooking(store, first, { slot: viaTransaction });
    await batchPutMany(store, [slotItem(bookedFreshSlot(viaBulk, second)), bookingItem(second)]);

    const read = async (key: { pk: string; sk: string }, id: string) => {
      const item = await rawItem(store, key);
      expect(item).toBeDefined();
      // The ids (and the keys made from them) differ by construction; everything else must match.
      return JSON.parse(JSON.stringify(item).replaceAll(id, '<id>')) as Record<string, unknown>;
    };
    const slotTx = await read(keys.slot(viaTransaction.id), viaTransaction.id);
    const slotBulk = await read(keys.slot(viaBulk.id), viaBulk.id);
    expect(slotBulk).toEqual({ ...slotTx, bookingId: expect.any(String) });
    expect(slotTx.status).toBe('BOOKED');
    expect(slotBulk.bookingId).toBe(second.id);
    // The booking transaction writes the booking as bookingItem makes it, which is what the seed writes.
    const plain = (item: Record<string, unknown>) => JSON.parse(JSON.stringify(item)) as unknown;
    expect(await rawItem(store, keys.booking(first.id))).toEqual(plain(bookingItem(first)));
    expect(await rawItem(store, keys.booking(second.id))).toEqual(plain(bookingItem(second)));
  });

  it('refuses a slot that has been freed (its run must be settled by the transaction)', () => {
    const slot = aSlotFor(aClinic(), { freedAt: '2026-11-19T10:00:00.000Z' });
    expect(() => bookedFreshSlot(slot, { id: 'b-1', bookedAt: '2026-11-20T10:00:00.000Z' })).toThrow(
      /not a fresh free slot/,
    );
  });

  it('refuses a slot that is already booked', () => {
    const slot = aSlotFor(aClinic(), { status: 'BOOKED' });
    expect(() => bookedFreshSlot(slot, { id: 'b-1', bookedAt: '2026-11-20T10:00:00.000Z' })).toThrow(
      /not a fresh free slot/,
    );
  });
});

/**
 * Conditions are named pieces (store/conditions.ts): a write DynamoDB Local refuses comes back as a
 * ConditionFailedError naming the record and the piece that failed, judged on the item as it was
 * (ALL_OLD), never by its position in a transaction. And the retries around those writes are bounded:
 * a YES whose transaction is cancelled as a conflict every time gives up after a few tries, as does a
 * batch read DynamoDB never finishes.
 */
import { BatchGetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import { ConditionFailedError, ConflictError, WriteConflictError } from '#core/errors.ts';
import type { Client, Clinic, Slot } from '#core/model.ts';
import type { Offer } from '#core/waitlist.ts';
import { acceptOffer, startBackfill } from '#services/backfill.ts';
import { bookSlot, cancelByStaff } from '#services/bookings.ts';
import { addToWaitlist } from '#services/waitlist.ts';
import { UnprocessedBatchError } from '#store/batch.ts';
import { bookSlotItems, cancelItems, getBooking } from '#store/bookings.ts';
import { getClients } from '#store/clients.ts';
import { transact, type Write } from '#store/conditions.ts';
import type { StoreContext } from '#store/context.ts';
import { entryOfferedWrite, offerIs, offersBySlot, settleOfferWrite } from '#store/offers.ts';
import { acceptWrite, bookByStaffWrite, freeWrite, offerMadeWrite, withdrawWrite } from '#store/slot-runs.ts';
import { getSlot } from '#store/slots.ts';
import { getEntry } from '#store/waitlist.ts';
import { aBookingFor, aClient, aClinic, aSlotFor, aWaitlistRequestFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { plusMinutes, seed } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London (GMT). */
const NOW = '2026-11-23T10:00:00.000Z';
const THURSDAY = '2026-11-26T14:00:00.000Z';
const BORN = '2026-10-05';

let store: StoreContext;
let clinic: Clinic;
let deps: TestDeps;

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic();
  await seed(store, { clinic });
  deps = testDeps(store, NOW);
});

async function refused(writes: Write[]): Promise<ConditionFailedError> {
  const err = await transact(store, writes).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ConditionFailedError);
  return err as ConditionFailedError;
}

async function aBookedSlot(): Promise<{ slot: Slot; client: Client; bookingId: string }> {
  const client = aClient({ dateOfBirth: BORN });
  const slot = aSlotFor(clinic, { startsAt: THURSDAY });
  await seed(store, { clients: [client], slots: [slot] });
  const booking = await bookSlot(deps, { slotId: slot.id, clientId: client.id, by: 'hv', source: 'staff' });
  return { slot, client, bookingId: booking.id };
}

/** A freed slot offered to three families: its offers, and the slot as it is now. */
async function aSlotUnderOffer(): Promise<{ slot: Slot; offers: Offer[] }> {
  for (let i = 0; i < 3; i++) {
    const child = aClient({ dateOfBirth: BORN });
    await seed(store, { clients: [child] });
    deps.clock.set('2026-11-19T10:00:00.000Z');
    await addToWaitlist(deps, aWaitlistRequestFor(child, clinic));
    deps.clock.set(NOW);
  }
  const { bookingId, slot } = await aBookedSlot();
  await cancelByStaff(deps, { bookingId, by: 'hv', reason: 'off sick', notify: false });
  await startBackfill(deps, slot.id);
  return { slot: (await getSlot(store, slot.id))!, offers: await offersBySlot(store, slot.id) };
}

describe('each named condition says what failed', () => {
  it('slot-exists: a write to a slot that is not there', async () => {
    const ghost = aSlotFor(clinic, { id: 'ghost' });
    const err = await refused([withdrawWrite(store, ghost, { now: NOW, by: 'hv' })]);
    expect(err).toMatchObject({ record: 'slot', condition: 'slot-exists', current: undefined });
    expect(err.message).toBe('The slot did not meet the condition "slot-exists"');
  });

  it('slot-is-free-or-offering: withdrawing a slot read as FREE that has been booked since', async () => {
    const slot = aSlotFor(clinic, { startsAt: THURSDAY });
    const client = aClient();
    await seed(store, { clients: [client], slots: [slot] });
    await bookSlot(deps, { slotId: slot.id, clientId: client.id, by: 'hv', source: 'staff' });

    const err = await refused([withdrawWrite(store, slot, { now: NOW, by: 'hv' })]);

    expect(err).toMatchObject({
      record: 'slot',
      condition: 'slot-is-free-or-offering',
      code: 'CONDITION_FAILED',
    });
    expect(err.message).toBe('The slot did not meet the condition "slot-is-free-or-offering"');
    expect(err.current?.status).toBe('BOOKED');
    expect(err).toBeInstanceOf(ConflictError);
  });

  it('run-not-started: staff booking a freeing whose run the stream started (not offered) since it was read', async () => {
    const { slot, bookingId } = await aBookedSlot();
    await cancelByStaff(deps, { bookingId, by: 'hv', reason: 'off sick', notify: false });
    const freed = (await getSlot(store, slot.id))!;
    // Read FREE with its run not started; then the stream records it too far ahead to offer.
    deps.clock.set('2026-10-01T10:00:00.000Z');
    expect(await startBackfill(deps, slot.id)).toBe('not-offered');
    deps.clock.set(NOW);

    const err = await refused([
      bookByStaffWrite(store, freed, { id: 'b-late', bookedAt: NOW, source: 'staff' }, 'booked-by-staff'),
    ]);

    expect(err).toMatchObject({ record: 'slot', condition: 'run-not-started' });
    expect(err.current).toMatchObject({ status: 'FREE', backfill: { state: 'NOT_OFFERED' } });
  });

  it('run-is-current: a YES for another run of the slot', async () => {
    const { slot } = await aSlotUnderOffer();
    const err = await refused([
      acceptWrite(store, { slotId: slot.id, runId: 'an-older-run', bookingId: 'b', now: NOW }),
    ]);
    expect(err).toMatchObject({ record: 'slot', condition: 'run-is-current' });
  });

  it('slot-is-offering: an offer made for a run that has just ended', async () => {
    const { slot } = await aSlotUnderOffer();
    const walkIn = aClient();
    await seed(store, { clients: [walkIn] });
    await bookSlot(deps, { slotId: slot.id, clientId: walkIn.id, by: 'hv', source: 'staff' });
    const err = await refused([offerMadeWrite(store, slot.id, slot.backfill!.runId)]);
    expect(err).toMatchObject({ record: 'slot', condition: 'slot-is-offering' });
    expect(err.current).toMatchObject({ status: 'BOOKED', backfill: { state: 'FILLED_BY_STAFF' } });
  });

  it('slot-holds-booking: freeing a slot for a booking that is not the one in it', async () => {
    const { slot, client } = await aBookedSlot();
    const err = await refused([
      freeWrite(store, { slotId: slot.id, bookingId: 'another', clientId: client.id, now: NOW, by: 'hv' }),
    ]);
    expect(err).toMatchObject({ record: 'freed slot', condition: 'slot-holds-booking' });
  });

  it('offer-pending and offer-hold-open: a YES to an offer already answered, and one whose hold lapsed', async () => {
    const { offers } = await aSlotUnderOffer();
    const [first, second] = offers;
    await transact(store, [settleOfferWrite(store, first!, 'DECLINED', NOW)]);

    const answered = await refused([settleOfferWrite(store, first!, 'ACCEPTED', NOW)]);
    const lapsed = await refused([
      settleOfferWrite(store, second!, 'ACCEPTED', plusMinutes(NOW, 500), {
        when: [offerIs.holdOpen(plusMinutes(NOW, 500))],
      }),
    ]);

    expect(answered).toMatchObject({
      record: 'offer',
      condition: 'offer-pending',
      current: { status: 'DECLINED' },
    });
    expect(lapsed).toMatchObject({ record: 'offer', condition: 'offer-hold-open' });
    expect(lapsed.message).toBe('The offer did not meet the condition "offer-hold-open"');
  });

  it('entry-waiting: offering a family whose entry is already offered', async () => {
    const { offers } = await aSlotUnderOffer();
    const entry = (await getEntry(store, offers[0]!.entryId))!;
    const err = await refused([entryOfferedWrite(store, entry, NOW)]);
    expect(err).toMatchObject({
      record: 'entry',
      condition: 'entry-waiting',
      current: { status: 'OFFERED' },
    });
  });

  it('booking-is-booked and client-exists: cancelling a cancelled booking; booking for an erased client', async () => {
    const { slot, bookingId } = await aBookedSlot();
    const booking = (await getBooking(store, bookingId))!;
    await cancelByStaff(deps, { bookingId, by: 'hv', reason: 'off sick', notify: false });
    const cancelTwice = await refused(
      cancelItems(store, { booking, by: 'hv', reason: 'again', now: NOW, noticeMinutes: 100, late: false }),
    );
    const ghost = aBookingFor((await getSlot(store, slot.id))!, aClient({ id: 'erased-client' }), {
      bookedAt: NOW,
    });
    const noClient = await refused(bookSlotItems(store, ghost, (await getSlot(store, slot.id))!));

    expect(cancelTwice).toMatchObject({ record: 'booking', condition: 'booking-is-booked' });
    // Every item that failed is listed; the slot is freed again, so only the client is missing.
    expect(noClient).toMatchObject({
      record: 'client',
      condition: 'client-exists',
      failed: ['client:client-exists'],
    });
  });
});

describe('bounded retries', () => {
  it('gives up on a YES whose transaction is cancelled as a conflict every time, after four tries', async () => {
    // Prepare: every transaction write is cancelled as DynamoDB does when another transaction holds an
    // item (injected at the client's edge; every other call goes to DynamoDB Local)
    const { slot, offers } = await aSlotUnderOffer();
    let attempts = 0;
    const conflicted = withSend(store, async (command, real) => {
      if (command instanceof TransactWriteCommand) {
        attempts++;
        throw Object.assign(new Error('Transaction cancelled'), {
          name: 'TransactionCanceledException',
          CancellationReasons: command.input.TransactItems!.map((_, i) => ({
            Code: i === 1 ? 'TransactionConflict' : 'None',
          })),
        });
      }
      return real(command as never);
    });

    // Act
    const err = await acceptOffer({ ...deps, store: conflicted }, offers[0]!).catch((e: unknown) => e);

    // Assess: exhausted, nothing written, and the error says to try again
    expect(attempts).toBe(4);
    expect(err).toBeInstanceOf(WriteConflictError);
    expect(err).toMatchObject({ code: 'TRANSACTION_CONFLICT' });
    expect((await getSlot(store, slot.id))?.status).toBe('OFFERING');
    expect((await offersBySlot(store, slot.id)).map((o) => o.status)).toEqual([
      'PENDING',
      'PENDING',
      'PENDING',
    ]);
  });

  it('gives up on a batch read DynamoDB never finishes, rather than loop for ever', async () => {
    // Prepare: every BatchGetItem comes back with all its keys unprocessed (throttled)
    const client = aClient();
    await seed(store, { clients: [client] });
    let calls = 0;
    const throttled = withSend(store, async (command, real) => {
      if (command instanceof BatchGetCommand) {
        calls++;
        return { Responses: {}, UnprocessedKeys: command.input.RequestItems };
      }
      return real(command as never);
    });

    // Act
    const err = await getClients(throttled, [client.id]).catch((e: unknown) => e);

    // Assess
    expect(err).toBeInstanceOf(UnprocessedBatchError);
    expect((err as Error).message).toBe('BatchGetItem left 1 item(s) unprocessed after retrying');
    expect(calls).toBe(6);
    expect((await getClients(store, [client.id])).get(client.id)?.id).toBe(client.id);
  });
});

/** The store with its client's `send` wrapped, to inject a fault at the SDK's edge. */
function withSend(
  ctx: StoreContext,
  send: (command: unknown, real: (command: never) => Promise<unknown>) => Promise<unknown>,
): StoreContext {
  const real = (command: never) => ctx.db.send(command);
  const db = new Proxy(ctx.db, {
    get: (target, prop, receiver) =>
      prop === 'send' ? (command: never) => send(command, real) : Reflect.get(target, prop, receiver),
  });
  return { ...ctx, db };
}

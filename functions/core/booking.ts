/**
 * The one builder of a new Booking: a BOOKED booking of a slot for a client. Staff booking and moves,
 * the import, an accepted offer and the demo seed all make bookings here; each works out its own
 * reference and reminder plan (they differ on purpose: an accepted offer's YES is its confirmation, an
 * import may not confirm) and hands them in.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { Booking, Client, Slot, SourceRecord } from './model.ts';

export interface NewBookingInput {
  slot: Pick<Slot, 'id' | 'clinicId' | 'type' | 'startsAt' | 'durationMinutes' | 'localDay'>;
  client: Pick<Client, 'id' | 'phone'>;
  source: Booking['source'];
  /** Who booked it: a staff caller, the import, `offer:<id>`. */
  by: string;
  /** When it was booked (bookedAt and updatedAt). */
  now: string;
  /** The reference the family quotes in replies; the caller picks one not in use on the phone. */
  ref: string;
  tiers: Booking['tiers'];
  /** A fresh random id unless given (the demo seed uses stable ids). */
  id?: string;
  horizonOverridden?: boolean;
  sourceRecord?: SourceRecord;
}

export function newBooking(input: NewBookingInput): Booking {
  const { slot, client, now } = input;
  return {
    id: input.id ?? randomUUID(),
    ref: input.ref,
    slotId: slot.id,
    clientId: client.id,
    clinicId: slot.clinicId,
    type: slot.type,
    startsAt: slot.startsAt,
    durationMinutes: slot.durationMinutes,
    localDay: slot.localDay,
    phone: client.phone,
    status: 'BOOKED',
    source: input.source,
    bookedAt: now,
    bookedBy: input.by,
    tiers: input.tiers,
    ...(input.horizonOverridden ? { horizonOverridden: true } : {}),
    ...(input.sourceRecord ? { sourceRecord: input.sourceRecord } : {}),
    updatedAt: now,
  };
}

/** A four-digit reference not in `taken` (the phone's other live bookings), so "CANCEL 4821" is never ambiguous. */
export function pickRef(taken: ReadonlySet<string>): string {
  for (;;) {
    const ref = String(randomInt(1000, 10_000));
    if (!taken.has(ref)) return ref;
  }
}

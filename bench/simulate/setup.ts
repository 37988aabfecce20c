/**
 * Writes the simulated trust into the table before the runtime's stream pollers start, in bulk with the
 * store's own item builders: clinics, families, the month's slots, the bookings made before the clock
 * starts (with their confirmation already sent, as a recorded text) and the short-notice list.
 *
 * Like the demo's history (local/demo-history.ts), the stream never sees these items, so their
 * counters are written here from the same pure function the metrics consumer uses (incrementsFor): the
 * totals are what the live flow would have counted. From the clock's start everything goes through
 * the system's own doors.
 */

import { batchWrite } from '#bench/load.ts';
import { newBooking } from '#core/booking.ts';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { scoreEntry } from '#core/eligibility.ts';
import { bookingFacts, type Increment, incrementsFor, mergeIncrements, messageFacts } from '#core/metrics.ts';
import type { Booking, Clinic, TierState } from '#core/model.ts';
import type { WaitlistEntry } from '#core/waitlist.ts';
import { metricsTableOf } from '#local/tables.ts';
import { reminderTiers } from '#services/bookings.ts';
import { bookingText, outboundMessage } from '#services/texts.ts';
import { bookingItem } from '#store/bookings.ts';
import type { DocClient } from '#store/client.ts';
import { clientItem } from '#store/clients.ts';
import { clinicItem } from '#store/clinics.ts';
import { messageItems } from '#store/messages.ts';
import { applyIncrements } from '#store/metrics.ts';
import { slotItem } from '#store/slots.ts';
import { entryIdFor, entryItem } from '#store/waitlist.ts';
import type { Population } from './population.ts';
import { hashKey } from './random.ts';

/** The most cells one transaction takes with its applied marker (DynamoDB allows 100 items). */
const CELLS_PER_WRITE = 90;

export interface SetUpSummary {
  items: number;
  clients: number;
  slots: number;
  bookings: number;
  /** Confirmations of set-up bookings, sent before the clock starts (recorded, not simulated). */
  earlierTexts: number;
  waiting: number;
  ms: number;
}

/** A four-digit reference unique among the phone's bookings, the same in every run. */
function refFor(bookingId: string, taken: Set<string>): string {
  for (let salt = 0; ; salt++) {
    const ref = String(1000 + (hashKey(bookingId, salt) % 9000));
    if (!taken.has(ref)) {
      taken.add(ref);
      return ref;
    }
  }
}

export async function writeSetUp(
  db: DocClient,
  table: string,
  config: TrustConfig,
  population: Population,
): Promise<{
  summary: SetUpSummary;
  bookings: Booking[];
  /** Every entity item written (not the metrics cells): the table's state before the stream starts. */
  items: Record<string, unknown>[];
}> {
  const started = Date.now();
  const store = { db, table, metricsTable: metricsTableOf(table) };
  const simStart = population.calendar.simStart.toISOString();
  const items: Record<string, unknown>[] = [];
  const increments: Increment[] = [];
  const clinics = new Map<string, Clinic>(population.clinics.map((c) => [c.id, c]));
  const refsByPhone = new Map<string, Set<string>>();
  let earlierTexts = 0;

  for (const clinic of population.clinics) items.push(clinicItem(clinic));
  for (const child of population.children.values()) items.push(clientItem(child.client));

  const bookings: Booking[] = [];
  const bookedSlots = new Map<string, string>();
  for (const planned of population.bookings.filter((b) => b.setUp)) {
    const child = population.children.get(planned.clientId)!;
    const { client } = child;
    const tiers: Record<string, TierState> = reminderTiers(
      { config },
      {
        startsAt: planned.slot.startsAt,
        bookedAt: planned.bookedAt,
        tiers: config.appointmentTypes[planned.slot.type]!.tiers,
      },
    );
    const taken = refsByPhone.get(client.phone!) ?? new Set<string>();
    refsByPhone.set(client.phone!, taken);
    const booking = newBooking({
      id: planned.id,
      slot: planned.slot,
      client,
      source: 'staff',
      by: 'simulation-set-up',
      now: planned.bookedAt,
      ref: refFor(planned.id, taken),
      tiers,
    });
    // Texts due before the clock starts went out then: recorded as sent, with their message.
    for (const [tierId, tier] of Object.entries(tiers)) {
      if (tier.status !== 'PENDING' || tier.dueAt >= simStart) continue;
      const text = bookingText({ config }, tier.kind, {
        booking,
        client,
        clinic: clinics.get(booking.clinicId)!,
      });
      const message = outboundMessage(text, {
        id: `earlier-${booking.id}-${tierId}`,
        to: client.phone!,
        at: tier.dueAt,
        providerMessageId: `earlier-${booking.id}-${tierId}`,
        bookingId: booking.id,
        clientId: client.id,
      });
      tiers[tierId] = { ...tier, status: 'SENT', sentAt: tier.dueAt, messageId: message.id };
      items.push(...messageItems(store, message, config.messages.retentionDays));
      increments.push(
        ...incrementsFor({ entity: 'Message', new: messageFacts.parse(message) }, config.timeZone),
      );
      earlierTexts++;
    }
    bookings.push(booking);
    bookedSlots.set(planned.slot.id, booking.id);
    items.push(bookingItem(booking));
    increments.push(
      ...incrementsFor(
        { entity: 'Booking', new: bookingFacts.parse(booking), imdDecile: client.flags.imdDecile },
        config.timeZone,
      ),
    );
  }
  for (const slot of population.slots) {
    const bookingId = bookedSlots.get(slot.id);
    items.push(slotItem(bookingId ? { ...slot, status: 'BOOKED', bookingId } : slot));
  }

  for (const family of population.waiting) {
    const { client } = population.children.get(family.clientId)!;
    const typeConfig = config.appointmentTypes[family.type]!;
    const draft: WaitlistEntry = {
      id: entryIdFor(client.id, family.type),
      clientId: client.id,
      type: family.type,
      acceptableClinicIds: family.acceptableClinicIds,
      availability: family.availability,
      consentToShortNotice: family.consentToShortNotice,
      priorityInputs: {
        imdDecile: client.flags.imdDecile,
        needsCarer: client.flags.needsCarer,
        parentalMentalHealth: client.flags.parentalMentalHealth,
        vulnerable: client.flags.vulnerable,
      },
      rebookRequests: 0,
      ...(family.currentBookingId ? { currentBookingId: family.currentBookingId } : {}),
      status: 'WAITING',
      addedAt: simStart,
      updatedAt: simStart,
      score: 0,
    };
    const { score } = scoreEntry(draft, client, typeConfig, config, simStart);
    items.push(entryItem({ ...draft, score }));
  }

  await batchWrite(db, table, items);
  const cells = mergeIncrements(increments);
  for (let i = 0; i < cells.length; i += CELLS_PER_WRITE) {
    await applyIncrements(
      store,
      `simulation-set-up#${i / CELLS_PER_WRITE}`,
      cells.slice(i, i + CELLS_PER_WRITE),
      population.calendar.simStart,
    );
  }
  return {
    bookings,
    items,
    summary: {
      items: items.length,
      clients: population.children.size,
      slots: population.slots.length,
      bookings: bookings.length,
      earlierTexts,
      waiting: population.waiting.length,
      ms: Date.now() - started,
    },
  };
}

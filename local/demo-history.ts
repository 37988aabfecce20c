/**
 * Two weeks of history for the demo trust, so GET /metrics has something to show on a first start:
 * the weekday mornings of the fourteen days before the demo began, with outcomes recorded (attended,
 * DNA, WNB), some cancellations at varied notice, the freed slots offered on (filled or not), and a
 * reminder text per appointment.
 *
 * The seed writes straight into the table before the stream pollers start, so the stream never sees
 * these items. Their counters are therefore written here, from the very same pure function the stream
 * consumer uses (incrementsFor), with each item counted as if it had just been created in its final
 * state: the totals are the ones the live flow would have produced.
 */

import { newBooking } from '#core/booking.ts';
import { localDay, localToUtc } from '#core/local-time.ts';
import {
  bookingFacts,
  type Increment,
  incrementsFor,
  mergeIncrements,
  messageFacts,
  slotFacts,
} from '#core/metrics.ts';
import { type Booking, type Client, ERASED_PHONE, type Slot } from '#core/model.ts';
import { analyseSms } from '#core/sms-segments.ts';
import type { Deps } from '#services/deps.ts';
import { outboundMessage } from '#services/texts.ts';
import { batchPutMany } from '#store/batch.ts';
import { bookingItem } from '#store/bookings.ts';
import { messageItems } from '#store/messages.ts';
import { applyIncrements } from '#store/metrics.ts';
import { slotItem } from '#store/slots.ts';
import { fitsType, typeFor } from './demo-ages.ts';

export const HISTORY_TIMES = ['09:00', '09:30', '10:00', '10:30', '11:00'] as const;
/** Notice given by the history's cancellations, in minutes: 3 h, 15 h, 33 h, 67 h and 8 days. */
const NOTICES = [180, 900, 1980, 4020, 11_520] as const;
/** Minutes a filled short-notice run took. */
const FILL_MINUTES = [10, 25, 40, 90, 200, 600] as const;
const MIN = 60_000;
/** The most cells one transaction takes with its applied marker (DynamoDB allows 100 items). */
export const CELLS_PER_WRITE = 90;

export interface HistorySummary {
  slots: number;
  bookings: number;
  texts: number;
}

export async function seedDemoHistory(
  deps: Deps,
  input: { clinicIds: readonly string[]; clients: readonly Client[]; random: () => number },
): Promise<HistorySummary> {
  const { store, config } = deps;
  const { random, clients } = input;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const now = deps.now();
  const nowIso = now.toISOString();
  const types = Object.keys(config.appointmentTypes);
  const retentionDays = config.messages.retentionDays;
  const increments: Increment[] = [];
  const imdOf = new Map(clients.map((c) => [c.id, c.flags.imdDecile]));
  // Items are collected and written together at the end, many at once: start-up time matters more
  // than the order of writes, and nothing reads them until the seed has finished.
  const pending: Record<string, unknown>[] = [];
  const put = async (Item: Record<string, unknown>) => {
    pending.push(Item);
  };
  const count = { slots: 0, bookings: 0, texts: 0 };
  let clientTurn = 0;
  const nextClient = () => clients[(clientTurn++ * 7) % clients.length]!;
  /**
   * The next family (in turn) whose child's age fits a contact on `day`, with that contact's type: the
   * slot's own if it fits, else one that does (demo-ages.ts). Each child's dates are fitted to its
   * upcoming bookings, so its past ones are of a type its age fitted then.
   */
  const nextFitting = (day: string, type: string) => {
    for (let tries = 0; tries < clients.length; tries++) {
      const client = nextClient();
      const fitting = typeFor(config, client, day, type);
      if (fitting !== undefined) return { client, type: fitting };
    }
    return undefined;
  };
  /** The next family whose child fits exactly this type on `day` (a short-notice taker), if any. */
  const nextTaker = (day: string, type: string, canceller: string) => {
    for (let tries = 0; tries < clients.length; tries++) {
      const client = nextClient();
      if (client.id !== canceller && fitsType(config, type, client, day)) return client;
    }
    return undefined;
  };

  const writeBooking = async (booking: Booking) => {
    await put(bookingItem(booking));
    count.bookings++;
    increments.push(
      ...incrementsFor(
        { entity: 'Booking', new: bookingFacts.parse(booking), imdDecile: imdOf.get(booking.clientId) },
        config.timeZone,
      ),
    );
    // One reminder two days ahead (texts count on the day they were sent); none for a family with no mobile.
    if (booking.phone === undefined || booking.phone === ERASED_PHONE) return;
    const at = new Date(Date.parse(booking.startsAt) - 2 * 1440 * MIN).toISOString();
    const body = `Reminder: health visitor appointment on ${booking.localDay} at ${booking.startsAt.slice(11, 16)}. Reply CANCEL if you cannot come.`;
    const { segments, encoding } = analyseSms(body);
    const message = outboundMessage(
      { key: 'reminder', body, segments, encoding },
      {
        id: `demo-history-text-${booking.id}`,
        to: booking.phone,
        at,
        bookingId: booking.id,
        clientId: booking.clientId,
      },
    );
    for (const item of messageItems(store, message, retentionDays)) await put(item);
    count.texts++;
    increments.push(
      ...incrementsFor({ entity: 'Message', new: messageFacts.parse(message) }, config.timeZone),
    );
  };

  // Why some families cancelled or missed (the metrics page's reasons charts), picked by booking number
  // so the random sequence, and with it the rest of the demo, stays as it was.
  const DEMO_REASONS = [
    'work',
    'childcare',
    'transport',
    undefined,
    'unwell',
    'forgot',
    'transport',
  ] as const;
  const reasonFor = (k: number, status: Booking['status']) => {
    const reason =
      status === 'ATTENDED' || status === 'BOOKED' ? undefined : DEMO_REASONS[k % DEMO_REASONS.length];
    return reason ? { cancelCategory: reason } : {};
  };

  const outcomeOf = (): Booking['status'] => {
    const r = random();
    return r < 0.08 ? 'DNA' : r < 0.13 ? 'WNB' : 'ATTENDED';
  };

  let n = 0;
  for (let d = 14; d >= 1; d--) {
    const day = localDay(new Date(now.getTime() - d * 1440 * MIN), config.timeZone);
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (const clinicId of input.clinicIds) {
      for (const time of HISTORY_TIMES) {
        const startsAt = localToUtc(day, time, config.timeZone);
        const start = Date.parse(startsAt);
        let slot: Slot = {
          id: `demo-history-slot-${clinicId}-${day}-${time.replace(':', '')}`,
          clinicId,
          type: pick(types),
          startsAt,
          durationMinutes: 30,
          localDay: day,
          status: 'FREE',
          createdAt: new Date(start - 28 * 1440 * MIN).toISOString(),
          updatedAt: nowIso,
        };
        // About one slot in ten was never booked.
        const fitting = random() < 0.1 ? undefined : nextFitting(day, slot.type);
        if (fitting === undefined) {
          await put(slotItem(slot));
          count.slots++;
          continue;
        }
        const { client } = fitting;
        slot = { ...slot, type: fitting.type };
        const bookedAt = new Date(start - (3 + Math.floor(random() * 18)) * 1440 * MIN).toISOString();
        const base = newBooking({
          id: `demo-history-booking-${String(++n).padStart(3, '0')}`,
          slot,
          client,
          source: 'import',
          by: 'demo-seed',
          now: bookedAt,
          ref: String(1000 + ((n * 4099) % 9000)),
          tiers: {},
        });
        const outcomeAt = new Date(start + 60 * MIN).toISOString();
        if (random() >= 0.12) {
          const status = outcomeOf();
          await writeBooking({
            ...base,
            status,
            ...reasonFor(n, status),
            outcomeAt,
            outcomeBy: 'demo-seed',
            updatedAt: outcomeAt,
          });
          slot = { ...slot, status: 'BOOKED', bookingId: base.id };
        } else {
          // Cancelled: the slot was freed and, with enough notice, offered to the short-notice list.
          const notice = Math.min(pick(NOTICES), Math.floor((start - Date.parse(bookedAt)) / MIN) - 60);
          const cancelledAt = new Date(start - notice * MIN).toISOString();
          await writeBooking({
            ...base,
            status: 'CANCELLED',
            ...reasonFor(n, 'CANCELLED'),
            cancelledAt,
            cancelledBy: 'parent',
            cancelReason: 'CANCEL by text',
            cancelNoticeMinutes: notice,
            lateCancellation: notice < config.replies.lateCancellationMinutes,
            updatedAt: cancelledAt,
          });
          const offered = notice > config.shortNotice.cutoffMinutes + 60;
          const fillMinutes = pick(FILL_MINUTES);
          const taker =
            offered && random() < 0.6 && fillMinutes < notice - config.shortNotice.cutoffMinutes
              ? nextTaker(day, slot.type, client.id)
              : undefined;
          const run = {
            runId: cancelledAt,
            wave: 1,
            offersMade: offered ? 1 + Math.floor(random() * 5) : 0,
            startedAt: cancelledAt,
          };
          if (taker) {
            const endedAt = new Date(Date.parse(cancelledAt) + fillMinutes * MIN).toISOString();
            const refill: Booking = {
              ...base,
              id: `demo-history-booking-${String(++n).padStart(3, '0')}`,
              ref: String(1000 + ((n * 4099) % 9000)),
              clientId: taker.id,
              phone: taker.phone,
              source: 'offer',
              bookedAt: endedAt,
              bookedBy: 'offer:demo',
              status: outcomeOf(),
              outcomeAt,
              outcomeBy: 'demo-seed',
              updatedAt: outcomeAt,
            };
            await writeBooking(refill);
            slot = {
              ...slot,
              status: 'BOOKED',
              bookingId: refill.id,
              freedAt: cancelledAt,
              freedBy: 'parent',
              backfill: { ...run, state: 'FILLED', endedAt, bookingId: refill.id },
            };
          } else {
            const endedAt = offered
              ? new Date(start - config.shortNotice.cutoffMinutes * MIN).toISOString()
              : cancelledAt;
            slot = {
              ...slot,
              freedAt: cancelledAt,
              freedBy: 'parent',
              backfill: { ...run, state: 'UNFILLED', endedAt, reason: offered ? 'no-takers' : 'past-cutoff' },
            };
          }
        }
        await put(slotItem(slot));
        count.slots++;
        increments.push(...incrementsFor({ entity: 'Slot', new: slotFacts.parse(slot) }, config.timeZone));
      }
    }
  }

  // 25 items to a round trip: the seed's start-up time is mostly round trips to DynamoDB Local.
  await batchPutMany(store, pending);
  const cells = mergeIncrements(increments);
  for (let i = 0; i < cells.length; i += CELLS_PER_WRITE) {
    await applyIncrements(
      store,
      `demo-seed#history#${i / CELLS_PER_WRITE}`,
      cells.slice(i, i + CELLS_PER_WRITE),
      now,
    );
  }
  return count;
}

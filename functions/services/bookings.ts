import { randomInt, randomUUID } from 'node:crypto';
import { domainEvent } from '#core/events.ts';
import type { Booking, Client, TierState } from '#core/model.ts';
import { isQuiet } from '#core/quiet-hours.ts';
import { planReminders } from '#core/reminder-plan.ts';
import { ConflictError, NotFoundError, ValidationError } from '#runtime/errors.ts';
import { cancelBooking, createBooking, getBooking, liveBookingsByPhone } from '#store/bookings.ts';
import { getClient } from '#store/clients.ts';
import { getClinic } from '#store/clinics.ts';
import { getSlot } from '#store/slots.ts';
import type { Deps } from './deps.ts';
import { sendDueForBooking } from './reminders.ts';
import { bookingText, sendAndRecord } from './texts.ts';

/** A reference not used by the phone's other live bookings, so "CANCEL 4821" is never ambiguous. */
function pickRef(taken: ReadonlySet<string>): string {
  for (;;) {
    const ref = String(randomInt(1000, 10_000));
    if (!taken.has(ref)) return ref;
  }
}

export interface BookInput {
  slotId: string;
  clientId: string;
  by: string;
  source: Booking['source'];
}

/**
 * Books a client into a free slot: computes the reminder plan (confirmation first), writes slot and
 * booking in one transaction, announces AppointmentBooked and sends the confirmation at once when it
 * is due (otherwise the sweep sends it when quiet hours end).
 */
export async function bookSlot(deps: Deps, input: BookInput): Promise<Booking> {
  const { config, store } = deps;
  const [slot, client] = await Promise.all([getSlot(store, input.slotId), getClient(store, input.clientId)]);
  if (!slot) throw new NotFoundError(`Slot ${input.slotId} does not exist`);
  if (!client) throw new NotFoundError(`Client ${input.clientId} does not exist`);
  if (slot.status !== 'FREE' && slot.status !== 'OFFERING') {
    throw new ConflictError(`Slot ${slot.id} is ${slot.status.toLowerCase()}, not free`, 'SLOT_NOT_FREE');
  }
  const type = config.appointmentTypes[slot.type];
  if (!type)
    throw new ValidationError(`Slot ${slot.id} has an appointment type this trust does not configure`);
  const now = deps.now().toISOString();
  if (slot.startsAt <= now) {
    throw new ValidationError('That slot has already started', [
      { field: 'slotId', message: 'slot is in the past' },
    ]);
  }

  const plan = planReminders({
    startsAt: slot.startsAt,
    bookedAt: now,
    tiers: type.tiers,
    quietHours: config.quietHours,
    timeZone: config.timeZone,
    sweepIntervalMinutes: config.reminders.sweepIntervalMinutes,
  });
  const tiers: Record<string, TierState> = {};
  for (const t of plan.planned)
    tiers[t.id] = { kind: t.kind, dueAt: t.dueAt, status: 'PENDING', attempts: 0 };
  for (const s of plan.skipped) {
    // Recorded so staff can see why a family got no 7-day text (booked 3 days ahead, say).
    tiers[s.id] = {
      kind: s.id === 'confirmation' ? 'confirmation' : 'reminder',
      dueAt: now,
      status: 'SKIPPED',
      attempts: 0,
      skipReason: s.reason,
    };
  }

  const live = await liveBookingsByPhone(store, client.phone);
  const booking: Booking = {
    id: randomUUID(),
    ref: pickRef(new Set(live.map((b) => b.ref))),
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
    tiers,
    updatedAt: now,
  };
  await createBooking(store, booking);
  await deps.events.publish([
    domainEvent('AppointmentBooked', {
      bookingId: booking.id,
      slotId: slot.id,
      clientId: client.id,
      clinicId: slot.clinicId,
      appointmentType: slot.type,
      startsAt: slot.startsAt,
      source: input.source,
      bookedAt: now,
    }),
  ]);
  try {
    await sendDueForBooking(deps, booking, client);
  } catch (err) {
    // The booking stands; the confirmation stays due and the next sweep sends it.
    deps.log.warn('confirmation not sent at booking; the sweep will retry', {
      bookingId: booking.id,
      error: (err as Error).name,
    });
  }
  return (await getBooking(store, booking.id)) ?? booking;
}

export interface CancelResult {
  booking: Booking;
  notified: boolean;
  /** Why the family was not texted, so staff know to call instead. */
  notNotifiedReason?: 'not-requested' | 'opted-out' | 'do-not-text' | 'quiet-hours' | 'send-failed';
}

/** Minutes of notice a cancellation gives, and whether that is inside the trust's late threshold. */
export function cancellationNotice(
  deps: Pick<Deps, 'config'>,
  startsAt: string,
  now: Date,
): { minutes: number; late: boolean } {
  const minutes = Math.floor((new Date(startsAt).getTime() - now.getTime()) / 60_000);
  return { minutes, late: minutes < deps.config.replies.lateCancellationMinutes };
}

/**
 * Staff cancel a booking: booking → CANCELLED and slot → FREE in one transaction (the stream then
 * offers the slot on), AppointmentCancelled is announced, and the family is told unless staff ask not
 * to, they opted out, or it is quiet hours (then the result says so, so staff can phone instead).
 */
export async function cancelByStaff(
  deps: Deps,
  input: { bookingId: string; by: string; reason: string; notify: boolean },
): Promise<CancelResult> {
  const { store } = deps;
  const booking = await getBooking(store, input.bookingId);
  if (!booking) throw new NotFoundError(`Booking ${input.bookingId} does not exist`);
  const now = deps.now();
  const notice = cancellationNotice(deps, booking.startsAt, now);
  const cancelled = await cancelBooking(
    store,
    {
      bookingId: booking.id,
      by: input.by,
      reason: input.reason,
      now: now.toISOString(),
      noticeMinutes: notice.minutes,
      late: notice.late,
    },
    booking,
  );
  await deps.events.publish([
    domainEvent('AppointmentCancelled', {
      bookingId: booking.id,
      slotId: booking.slotId,
      clientId: booking.clientId,
      clinicId: booking.clinicId,
      appointmentType: booking.type,
      startsAt: booking.startsAt,
      cancelledBy: 'staff',
      noticeMinutes: notice.minutes,
      late: notice.late,
      cancelledAt: now.toISOString(),
    }),
  ]);
  if (!input.notify) return { booking: cancelled, notified: false, notNotifiedReason: 'not-requested' };
  const client = await getClient(store, booking.clientId);
  const reason = whyNotText(deps, client, now);
  if (reason || !client)
    return { booking: cancelled, notified: false, notNotifiedReason: reason ?? 'opted-out' };
  const clinic = await getClinic(store, booking.clinicId);
  try {
    await sendAndRecord(
      deps,
      bookingText(deps, 'cancelledByStaff', { booking, client, clinic: clinic ?? { venue: '' } }),
      {
        to: booking.phone,
        bookingId: booking.id,
        clientId: client.id,
      },
    );
  } catch (err) {
    deps.log.warn('cancellation text not sent', { bookingId: booking.id, error: (err as Error).name });
    return { booking: cancelled, notified: false, notNotifiedReason: 'send-failed' };
  }
  return { booking: cancelled, notified: true };
}

function whyNotText(deps: Deps, client: Client | undefined, now: Date): CancelResult['notNotifiedReason'] {
  if (!client || client.optedOut) return 'opted-out';
  if (client.flags.doNotText) return 'do-not-text';
  if (isQuiet(now, deps.config.quietHours, deps.config.timeZone)) return 'quiet-hours';
  return undefined;
}

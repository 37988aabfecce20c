import { newBooking, pickRef } from '#core/booking.ts';
import type { CancelReason } from '#core/cancel-reason.ts';
import { textsOffReason } from '#core/client.ts';
import type { ReminderTierConfig } from '#core/config/reminders.ts';
import { plusLocalDays } from '#core/dates.ts';
import { ConflictError, NotFoundError, RecipientSuppressedError, ValidationError } from '#core/errors.ts';
import { appointmentBooked, appointmentCancelled } from '#core/events.ts';
import { type Booking, type Client, ERASED_PHONE, type Slot, type TierState } from '#core/model.ts';
import { isQuiet } from '#core/quiet-hours.ts';
import { planReminders, reminderPlanInput } from '#core/reminder-plan.ts';
import { withRetry } from '#core/retry.ts';
import { cancelBooking, createBooking, getBooking, liveBookingsByPhone } from '#store/bookings.ts';
import { getClient } from '#store/clients.ts';
import { getClinic } from '#store/clinics.ts';
import { type MoveWriteResult, moveBooking as moveBookingTx } from '#store/moves.ts';
import { getSlot } from '#store/slots.ts';
import { type ConsentReading, readConsent } from './consent.ts';
import type { Deps } from './deps.ts';
import { confirmNewBooking } from './reminders.ts';
import { settleRunAfterChange } from './slot-changes.ts';
import { bookingText, sendAndRecord } from './texts.ts';

export interface BookInput {
  slotId: string;
  clientId: string;
  by: string;
  source: Booking['source'];
  /** Book a slot beyond the trust's booking horizon anyway (recorded on the booking). */
  overrideHorizon?: boolean;
}

/**
 * The trust's "not booking too far ahead": a slot starting more than `booking.horizonDays` days from
 * now is refused unless staff override it. Returns whether the booking goes ahead on an override.
 */
export function checkHorizon(
  deps: Pick<Deps, 'config'>,
  slot: Pick<Slot, 'startsAt'>,
  now: Date,
  override = false,
): boolean {
  const days = deps.config.booking.horizonDays;
  // Calendar days on the trust's clock: 42 days after 10:00 is 10:00, even across a clock change.
  if (Date.parse(slot.startsAt) <= plusLocalDays(now, days, deps.config.timeZone).getTime()) return false;
  if (override) return true;
  throw new ValidationError(`That slot is beyond the trust's ${days}-day booking horizon`, [
    {
      field: 'slotId',
      message: `the slot starts more than ${days} days ahead (the booking horizon); send "overrideHorizon": true to book it anyway`,
    },
  ]);
}

/**
 * The reminder plan for a booking made at `bookedAt`: the confirmation first, then each tier configured
 * for the type. Tiers that will not be sent are kept, SKIPPED with the reason.
 */
export function reminderTiers(
  deps: Pick<Deps, 'config'>,
  input: { startsAt: string; bookedAt: string; tiers: readonly ReminderTierConfig[] },
): Record<string, TierState> {
  const plan = planReminders(reminderPlanInput(deps.config, input));
  const tiers: Record<string, TierState> = {};
  for (const t of plan.planned)
    tiers[t.id] = { kind: t.kind, dueAt: t.dueAt, status: 'PENDING', attempts: 0 };
  for (const s of plan.skipped) {
    // Recorded so staff can see why a family got no 7-day text (booked 3 days ahead, say).
    tiers[s.id] = {
      kind: s.id === 'confirmation' ? 'confirmation' : 'reminder',
      dueAt: input.bookedAt,
      status: 'SKIPPED',
      attempts: 0,
      skipReason: s.reason,
    };
  }
  return tiers;
}

/** A new BOOKED booking of `slot` for `client`, with its reminder plan, as bookSlot and a move make it. */
function draftBooking(
  deps: Deps,
  input: {
    slot: Slot;
    client: Client;
    by: string;
    source: Booking['source'];
    ref: string;
    now: string;
    horizonOverridden: boolean;
  },
): Booking {
  const { slot, now } = input;
  const type = deps.config.appointmentTypes[slot.type];
  if (!type)
    throw new ValidationError(`Slot ${slot.id} has an appointment type this trust does not configure`);
  return newBooking({
    ...input,
    tiers: reminderTiers(deps, { startsAt: slot.startsAt, bookedAt: now, tiers: type.tiers }),
  });
}

function refuseStarted(slot: Slot, now: string): void {
  if (slot.startsAt <= now) {
    throw new ValidationError('That slot has already started', [
      { field: 'slotId', message: 'slot is in the past' },
    ]);
  }
}

/**
 * Books a client into a free slot: computes the reminder plan (confirmation first), writes slot and
 * booking in one transaction, announces AppointmentBooked and sends the confirmation at once when it
 * is due (otherwise the sweep sends it when quiet hours end). A slot beyond the booking horizon needs
 * `overrideHorizon`; a booking from an accepted offer never does (the short-notice list only offers
 * slots that came up soon).
 */
export async function bookSlot(deps: Deps, input: BookInput): Promise<Booking> {
  const { config, store } = deps;
  const [slot, client] = await Promise.all([getSlot(store, input.slotId), getClient(store, input.clientId)]);
  if (!slot) throw new NotFoundError(`Slot ${input.slotId} does not exist`);
  if (!client) throw new NotFoundError(`Client ${input.clientId} does not exist`);
  if (slot.status !== 'FREE' && slot.status !== 'OFFERING') {
    throw new ConflictError(`Slot ${slot.id} is ${slot.status.toLowerCase()}, not free`, 'SLOT_NOT_FREE');
  }
  if (!config.appointmentTypes[slot.type])
    throw new ValidationError(`Slot ${slot.id} has an appointment type this trust does not configure`);
  const nowDate = deps.now();
  const now = nowDate.toISOString();
  refuseStarted(slot, now);
  const horizonOverridden =
    input.source !== 'offer' && checkHorizon(deps, slot, nowDate, input.overrideHorizon);

  const live = await liveBookingsByPhone(store, client.phone);
  const booking = draftBooking(deps, {
    slot,
    client,
    by: input.by,
    source: input.source,
    ref: pickRef(new Set(live.map((b) => b.ref))),
    now,
    horizonOverridden,
  });
  await createBooking(store, booking, { slot });
  await deps.events.publish([appointmentBooked(booking)]);
  // A slot under offer: its run ended FILLED_BY_STAFF in the booking's own write; its offers end now.
  await settleRunAfterChange(deps, slot);
  return confirmNewBooking(deps, booking, client, 'booking');
}

export interface MoveInput {
  bookingId: string;
  slotId: string;
  reason: string;
  by: string;
  overrideHorizon?: boolean;
  /** Who moved it, for AppointmentCancelled: staff (the default), or the family on the parent page. */
  movedBy?: 'staff' | 'parent-page';
}

export interface MoveResult {
  /** The old booking, now CANCELLED ("moved: …") with `movedTo`. */
  from: Booking;
  /** The new booking, with a fresh reminder plan, `movedFrom`, and the old reference where it can. */
  to: Booking;
}

/**
 * Moves a booking to another slot of the same type, in one transaction: the old booking is cancelled
 * and leaves the live indexes, its slot is freed (the stream offers it on), the new slot is booked and
 * the new booking created. If the new slot has gone, nothing changes. AppointmentCancelled and
 * AppointmentBooked go out, and the family gets the confirmation for the new time.
 */
export async function moveBooking(deps: Deps, input: MoveInput): Promise<MoveResult> {
  const { store } = deps;
  const booking = await getBooking(store, input.bookingId);
  if (!booking) throw new NotFoundError(`Booking ${input.bookingId} does not exist`);
  if (booking.status !== 'BOOKED') throw notBooked(booking);
  if (input.slotId === booking.slotId) {
    throw new ValidationError('Request body is invalid', [
      { field: 'slotId', message: 'the booking is already in that slot' },
    ]);
  }
  const [slot, client] = await Promise.all([
    getSlot(store, input.slotId),
    getClient(store, booking.clientId),
  ]);
  if (!slot) throw new NotFoundError(`Slot ${input.slotId} does not exist`);
  if (!client) throw new NotFoundError(`Client ${booking.clientId} does not exist`);
  if (slot.type !== booking.type) {
    throw new ValidationError('Request body is invalid', [
      { field: 'slotId', message: `that is a ${slot.type} slot; the booking is for a ${booking.type}` },
    ]);
  }
  if (slot.status !== 'FREE' && slot.status !== 'OFFERING') {
    throw new ConflictError(`Slot ${slot.id} is ${slot.status.toLowerCase()}, not free`, 'SLOT_NOT_FREE');
  }
  const nowDate = deps.now();
  const now = nowDate.toISOString();
  refuseStarted(slot, now);
  if (booking.startsAt <= now) throw startedAlready(booking);
  const horizonOverridden = checkHorizon(deps, slot, nowDate, input.overrideHorizon);

  // The family keeps quoting the reference they know, unless another live booking of theirs has it.
  const taken = new Set(
    (await liveBookingsByPhone(store, client.phone)).filter((b) => b.id !== booking.id).map((b) => b.ref),
  );
  const moved = {
    ...draftBooking(deps, {
      slot,
      client,
      by: input.by,
      source: 'staff',
      ref: taken.has(booking.ref) ? pickRef(taken) : booking.ref,
      now,
      horizonOverridden,
    }),
    movedFrom: booking.id,
  };
  const notice = cancellationNotice(deps, booking.startsAt, nowDate);
  // The new slot may change between the read and the write (its short-notice run starts or ends): the
  // move is written on the slot as read, and tried again on a fresh read while the slot is still free.
  const outcome = await withRetry(
    async (attempt) => {
      const target = attempt === 1 ? slot : ((await getSlot(store, slot.id)) ?? slot);
      const result = await moveBookingTx(store, {
        from: booking,
        to: moved,
        slot: target,
        by: input.by,
        reason: `moved: ${input.reason}`,
        now,
        noticeMinutes: notice.minutes,
        late: notice.late,
      });
      if (result === 'conflict') throw new MoveRace(result);
      if (result === 'slot-taken') {
        const fresh = await getSlot(store, slot.id);
        if (fresh && fresh !== target && (fresh.status === 'FREE' || fresh.status === 'OFFERING')) {
          if (fresh.updatedAt !== target.updatedAt) throw new MoveRace(result);
        }
      }
      return result;
    },
    { attempts: 3, retryIf: (err) => err instanceof MoveRace },
  ).catch((err: unknown) => {
    if (err instanceof MoveRace) return err.result;
    throw err;
  });
  if (outcome !== 'moved') {
    const current = await getBooking(store, booking.id);
    if (outcome === 'booking-changed' && current?.status !== 'BOOKED') throw notBooked(current ?? booking);
    if (outcome === 'booking-changed') throw startedAlready(booking);
    if (outcome === 'slot-taken') {
      throw new ConflictError(`Slot ${slot.id} was taken meanwhile; nothing changed`, 'SLOT_NOT_FREE');
    }
    if (outcome === 'client-gone') throw new NotFoundError(`Client ${booking.clientId} does not exist`);
    throw new ConflictError('The booking could not be moved; please try again', 'TRANSACTION_CONFLICT');
  }
  await deps.events.publish([
    appointmentCancelled(booking, {
      by: input.movedBy ?? 'staff',
      noticeMinutes: notice.minutes,
      late: notice.late,
      at: now,
    }),
    appointmentBooked(moved),
  ]);
  await settleRunAfterChange(deps, slot);
  // The new booking as its confirmation's writes left it (read back only when that is not known). The
  // old one is read back: the transaction cannot answer with it, and what else it holds (a tier the
  // sweep claimed after our read, say) is only known by reading it.
  const to = await confirmNewBooking(deps, moved, client, 'booking');
  const from = await getBooking(store, booking.id);
  return { from: from ?? booking, to };
}

/** A move that lost a race it may still win: tried again on a fresh read. */
class MoveRace extends Error {
  constructor(readonly result: MoveWriteResult) {
    super(result);
  }
}

function notBooked(booking: Booking): ConflictError {
  return new ConflictError(
    `Booking ${booking.id} is ${booking.status.toLowerCase()}, not booked`,
    booking.status === 'CANCELLED' ? 'ALREADY_CANCELLED' : 'NOT_BOOKED',
  );
}

function startedAlready(booking: Booking): ConflictError {
  return new ConflictError(
    `Booking ${booking.id} has already started; record its outcome instead of moving it`,
    'ALREADY_STARTED',
  );
}

export interface CancelResult {
  booking: Booking;
  notified: boolean;
  /** Why the family was not texted, so staff know to call instead. */
  notNotifiedReason?:
    | 'not-requested'
    | 'no-phone'
    | 'opted-out'
    | 'do-not-text'
    | 'sms-off'
    | 'quiet-hours'
    | 'send-failed';
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
  input: { bookingId: string; by: string; reason: string; notify: boolean; category?: CancelReason },
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
      ...(input.category && { category: input.category }),
    },
    booking,
  );
  await deps.events.publish([
    appointmentCancelled(booking, {
      by: 'staff',
      noticeMinutes: notice.minutes,
      late: notice.late,
      at: now.toISOString(),
    }),
  ]);
  if (!input.notify) return { booking: cancelled, notified: false, notNotifiedReason: 'not-requested' };
  const client = await getClient(store, booking.clientId);
  const { reason, consentRead } = await whyNotText(deps, booking, client, now);
  if (reason || !client || !booking.phone)
    return { booking: cancelled, notified: false, notNotifiedReason: reason ?? 'opted-out' };
  const clinic = await getClinic(store, booking.clinicId);
  try {
    await sendAndRecord(
      deps,
      // A family whose appointment is no longer needed is not told they will be rebooked.
      bookingText(deps, input.category === 'no-longer-needed' ? 'cancelledNotNeeded' : 'cancelledByStaff', {
        booking,
        client,
        clinic: clinic ?? { venue: '' },
      }),
      {
        to: booking.phone,
        bookingId: booking.id,
        clientId: client.id,
        consentRead,
      },
    );
  } catch (err) {
    deps.log.warn('cancellation text not sent', { bookingId: booking.id, error: (err as Error).name });
    const reason = err instanceof RecipientSuppressedError ? 'opted-out' : 'send-failed';
    return { booking: cancelled, notified: false, notNotifiedReason: reason };
  }
  return { booking: cancelled, notified: true };
}

/** Why the family is not to be told, or undefined; with the reading of their number, when it was read. */
async function whyNotText(
  deps: Deps,
  booking: Booking,
  client: Client | undefined,
  now: Date,
): Promise<{ reason: CancelResult['notNotifiedReason']; consentRead?: ConsentReading }> {
  if (booking.phone === undefined || booking.phone === ERASED_PHONE) return { reason: 'no-phone' };
  if (!client) return { reason: 'opted-out' };
  const consentRead = await readConsent(deps, booking.phone);
  if (consentRead.consent) return { reason: 'opted-out' };
  const off = textsOffReason(client);
  if (off) return { reason: off };
  if (isQuiet(now, deps.config.quietHours, deps.config.timeZone)) return { reason: 'quiet-hours' };
  return { reason: undefined, consentRead };
}

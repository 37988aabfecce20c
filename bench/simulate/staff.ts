/**
 * What staff do, through the admin API as a trust's staff would: book the planned appointments on the
 * day the request comes in, cancel when a family phones, record each clinic day's outcomes, read the
 * inbox, and phone back families who asked to rebook.
 */
import { DateTime } from 'luxon';
import { mapWithConcurrency } from '#core/concurrency.ts';
import type { Booking, Slot } from '#core/model.ts';
import type { InboxItem } from '#store/inbox.ts';
import type { Agenda } from './agenda.ts';
import type { Doors } from './doors.ts';
import type { BookingState, Families } from './families.ts';
import { PARAMETERS } from './parameters.ts';
import type { PlannedBooking, Population } from './population.ts';

const ZONE = 'Europe/London';
const CONCURRENCY = 8;

export interface StaffLog {
  booked: number;
  refused: number;
  outcomes: Record<'ATTENDED' | 'DNA' | 'WNB', number>;
  cancelledByPhone: number;
  inboxHandled: number;
  rebooked: number;
  /** Calls the API answered with a 5xx, or with a 4xx nothing in the simulation should cause. */
  errors: { call: string; status: number; body: string }[];
}

export class Staff {
  readonly log: StaffLog = {
    booked: 0,
    refused: 0,
    outcomes: { ATTENDED: 0, DNA: 0, WNB: 0 },
    cancelledByPhone: 0,
    inboxHandled: 0,
    rebooked: 0,
    errors: [],
  };
  /** Slots planned for a booking staff have yet to make: never offered to someone else meanwhile. */
  readonly reserved = new Set<string>();
  private readonly plans = new Map<string, PlannedBooking>();
  private readonly slots = new Map<string, Slot>();

  constructor(
    private readonly doors: Doors,
    private readonly families: Families,
    private readonly agenda: Agenda,
    private readonly population: Population,
  ) {
    for (const slot of population.slots) this.slots.set(slot.id, slot);
    for (const plan of population.bookings) {
      if (plan.setUp) continue;
      this.plans.set(plan.id, plan);
      this.reserved.add(plan.slot.id);
    }
  }

  private fail(call: string, status: number, body: unknown): void {
    this.log.errors.push({ call, status, body: JSON.stringify(body).slice(0, 300) });
  }

  async book(planIds: readonly string[]): Promise<void> {
    await mapWithConcurrency(planIds, CONCURRENCY, async (planId) => {
      const plan = this.plans.get(planId)!;
      this.reserved.delete(plan.slot.id);
      const booked = await this.bookInto(plan.slot.id, plan.clientId);
      if (!booked) this.log.refused++;
    });
  }

  /** POST /bookings; the family learns the booking (and its reference) from the answer. */
  private async bookInto(slotId: string, clientId: string): Promise<Booking | undefined> {
    const res = await this.doors.api<Booking>('POST', '/bookings', { slotId, clientId });
    if (res.status === 409) return undefined;
    if (res.status !== 201) {
      this.fail(`POST /bookings ${slotId}`, res.status, res.body);
      return undefined;
    }
    const b = res.body;
    this.families.register({
      id: b.id,
      phone: b.phone!,
      ref: b.ref,
      clientId: b.clientId,
      slotId: b.slotId,
      type: b.type,
      startsAt: b.startsAt,
      bookedAt: b.bookedAt,
      source: 'staff',
    });
    this.log.booked++;
    return b;
  }

  /** A family phones to cancel: staff find the booking and cancel it, without a text (they are on the phone). */
  async phoneCancel(state: BookingState, rebook: boolean, now: number): Promise<void> {
    const id = state.id ?? (await this.findBooking(state))?.id;
    if (!id) return;
    const res = await this.doors.api('POST', `/bookings/${id}/cancel`, {
      reason: `family phoned: ${state.fate.reason}`,
      notify: false,
    });
    if (res.status === 409) return;
    if (res.status !== 200) return this.fail(`POST /bookings/${id}/cancel`, res.status, res.body);
    state.cancelled = true;
    this.log.cancelledByPhone++;
    this.families.log.phoneCancels++;
    if (rebook) this.scheduleRebook(state.clientId, state.type, this.slots.get(state.slotId)!.clinicId, now);
  }

  private async findBooking(state: BookingState): Promise<Booking | undefined> {
    const slot = this.slots.get(state.slotId)!;
    return (await this.clinicDay(slot.clinicId, slot.localDay)).find(
      (b) => b.phone === state.phone && b.ref === state.ref,
    );
  }

  private async clinicDay(clinicId: string, day: string): Promise<Booking[]> {
    const all: Booking[] = [];
    let cursor: string | undefined;
    do {
      const q = new URLSearchParams({ clinicId, date: day, limit: '200', ...(cursor ? { cursor } : {}) });
      const res = await this.doors.api<{ items: Booking[]; cursor?: string }>('GET', `/bookings?${q}`);
      if (res.status !== 200) {
        this.fail('GET /bookings', res.status, res.body);
        return all;
      }
      all.push(...res.body.items);
      cursor = res.body.cursor;
    } while (cursor);
    return all;
  }

  /** The end of a clinic day: every booking still BOOKED gets its outcome. */
  async outcomes(clinicId: string, day: string): Promise<void> {
    const booked = (await this.clinicDay(clinicId, day)).filter((b) => b.status === 'BOOKED');
    await mapWithConcurrency(booked, CONCURRENCY, async (b) => {
      const outcome = this.families.outcomeFor(this.families.state(b.phone!, b.ref), {
        id: b.id,
        phone: b.phone!,
        ref: b.ref,
        clientId: b.clientId,
        slotId: b.slotId,
        type: b.type,
        startsAt: b.startsAt,
        bookedAt: b.bookedAt,
        source: b.source,
      });
      const res = await this.doors.api('POST', `/bookings/${b.id}/outcome`, { outcome });
      if (res.status !== 200) return this.fail(`POST /bookings/${b.id}/outcome`, res.status, res.body);
      this.log.outcomes[outcome]++;
    });
  }

  /** The morning inbox: everything is read and marked handled; rebook requests get a call back. */
  async inbox(now: number): Promise<void> {
    for (let round = 0; round < 50; round++) {
      const res = await this.doors.api<{ items: InboxItem[] }>('GET', '/inbox?limit=200');
      if (res.status !== 200) return this.fail('GET /inbox', res.status, res.body);
      if (res.body.items.length === 0) return;
      await mapWithConcurrency(res.body.items, CONCURRENCY, async (item) => {
        const done = await this.doors.api('POST', `/inbox/${item.id}/handled`, {
          note: 'read by the simulation',
        });
        if (done.status !== 200) return this.fail(`POST /inbox/${item.id}/handled`, done.status, done.body);
        this.log.inboxHandled++;
        const bookingId = item.reason === 'rebook-request' ? item.bookingIds[0] : undefined;
        if (!bookingId) return;
        const booking = await this.doors.api<Booking>('GET', `/bookings/${bookingId}`);
        if (booking.status === 200)
          this.scheduleRebook(booking.body.clientId, booking.body.type, booking.body.clinicId, now);
      });
    }
  }

  private scheduleRebook(clientId: string, type: string, clinicId: string, now: number): void {
    let day = DateTime.fromMillis(now, { zone: ZONE }).set({ hour: 10, minute: 0 });
    for (let n = 0; n < PARAMETERS.staff.rebookCallDays.value; ) {
      day = day.plus({ days: 1 });
      if (day.weekday <= 5) n++;
    }
    this.agenda.add(day.toMillis(), { kind: 'staff-rebook', clientId, type, clinicId });
  }

  /** Staff phone the family back and book the first free slot of the type at their clinic, 1-14 days on. */
  async rebook(clientId: string, type: string, clinicId: string, now: number): Promise<void> {
    const entryId = `${clientId}.${type}`;
    const entry = await this.doors.api<{ status: string }>('GET', `/waitlist/${entryId}`);
    // Already booked from the short-notice list, or never on it (asked by phone): only a waiting family is called.
    if (entry.status === 200 && entry.body.status !== 'WAITING') return;
    const today = DateTime.fromMillis(now, { zone: ZONE });
    for (let d = 1; d <= 14; d++) {
      const day = today.plus({ days: d }).toISODate()!;
      if (!this.population.calendar.days.includes(day)) continue;
      const res = await this.doors.api<{ items: Slot[] }>(
        'GET',
        `/slots?clinicId=${clinicId}&date=${day}&limit=500`,
      );
      if (res.status !== 200) return this.fail('GET /slots', res.status, res.body);
      for (const slot of res.body.items) {
        if (slot.type !== type || slot.status !== 'FREE' || this.reserved.has(slot.id)) continue;
        if (await this.bookInto(slot.id, clientId)) {
          this.log.rebooked++;
          if (entry.status === 200) await this.doors.api('DELETE', `/waitlist/${entryId}`);
          return;
        }
      }
    }
  }
}

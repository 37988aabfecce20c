/**
 * The demo data (`npm start`) against DynamoDB Local, as a tester would find it: every child's age fits
 * each of its appointments' Healthy Child Programme windows (an antenatal contact is for a baby not yet
 * born: a due date in the future and no date of birth), and every upcoming booking's parent page
 * (`/p/{token}/rebook`) has at least one free time of the same type to move to. Each booking is walked
 * through the service behind that page (rebookChoices), not one sample. The demo starts on a Friday
 * evening just before the clocks go forward: the next days are a weekend, and the windows cross the change.
 */
import { describe, expect, it } from 'vitest';
import { addDays, daysBetween } from '#core/dates.ts';
import { localDay } from '#core/local-time.ts';
import { type Booking, bookingSchema, type Client, clientSchema } from '#core/model.ts';
import { waitlistEntrySchema } from '#core/waitlist.ts';
import { seedDemoData } from '#local/demo-data.ts';
import { rebookChoices } from '#services/parent-pages.ts';
import { exampleConfig, freshTable, testDeps } from '#tests/support/dynamo.ts';
import { scanEntity } from './helpers.ts';

const config = exampleConfig;
const DRAMA_RANGE = /^\+447700900\d{3}$/;

/** Why this child's dates do not fit a `type` contact on local `day` (independently of local/demo-ages.ts). */
function misfit(client: Client, type: string, day: string, today: string): string | undefined {
  const window = config.appointmentTypes[type]?.ageWindowDays;
  const { dateOfBirth: born, dueDate: due } = client;
  if (window && window.from < 0) {
    if (born !== undefined) return `antenatal but has a date of birth ${born}`;
    if (due === undefined) return 'antenatal with no due date';
    if (due <= today) return `due date ${due} not in the future`;
    const before = daysBetween(day, due);
    return before >= -window.to && before <= -window.from ? undefined : `due ${due}, ${before} days after`;
  }
  if (born === undefined) return 'no date of birth';
  if (born >= today) return `born ${born}, not before today`;
  const age = daysBetween(born, day);
  if (window === undefined) return age >= 0 ? undefined : `born ${born}, after the visit`;
  return age >= window.from && age <= window.to
    ? undefined
    : `aged ${age} days, window ${window.from}–${window.to}`;
}

// One start only, to keep the suite's time: a Monday morning (the e2e files' 2026-11-23T09:00Z) passes too.
describe.each([['a Friday evening before the clocks go forward', '2027-03-26T17:30:00.000Z']])(
  'the demo data seeded on %s',
  (_, start) => {
    it('gives each child an age that fits every booking, and each upcoming booking a free time to rebook to', async () => {
      // Prepare: the whole demo, as npm start seeds it, in a fresh table
      const store = await freshTable();
      const deps = testDeps(store, start);
      const today = localDay(deps.now(), config.timeZone);

      // Act
      const summary = await seedDemoData(deps);
      const clients = new Map(
        (await scanEntity(store, 'Client')).map((item) => {
          const client = clientSchema.parse(item);
          return [client.id, client] as const;
        }),
      );
      const bookings: Booking[] = (await scanEntity(store, 'Booking')).map((item) =>
        bookingSchema.parse(item),
      );

      // Assess: the counts, names and numbers the README and the other tests rely on
      expect(summary).toMatchObject({ clinics: 4, clients: 242, bookings: 322 });
      expect(clients.size).toBe(242);
      expect(clients.get('demo-client-dead-number')).toMatchObject({
        firstName: 'Poppy',
        familyName: 'Walsh',
      });
      expect(clients.get('demo-client-no-mobile')).toMatchObject({ firstName: 'Rosie', familyName: 'Hart' });
      expect(clients.get('demo-client-no-mobile')?.phone).toBeUndefined();
      for (const client of clients.values()) {
        if (client.phone !== undefined) expect(client.phone).toMatch(DRAMA_RANGE);
      }

      // Every booking, upcoming and in the history, fits its child's age on its day
      const misfits = bookings.flatMap((b) => {
        const why = misfit(clients.get(b.clientId)!, b.type, b.localDay, today);
        return why ? [`${b.id} (${b.type} on ${b.localDay}): ${why}`] : [];
      });
      expect(misfits).toEqual([]);
      // Every child is born before today, or due after it
      const undated = [...clients.values()].filter((c) => {
        const born = c.dateOfBirth !== undefined && c.dateOfBirth < today;
        const due = c.dueDate !== undefined && c.dueDate > today;
        return born === due;
      });
      expect(undated.map((c) => c.id)).toEqual([]);
      // Each type with an age window is in use, so the check above covers every window
      const typesBooked = new Set(bookings.map((b) => b.type));
      expect([...typesBooked].sort()).toEqual(Object.keys(config.appointmentTypes).sort());
      expect(bookings.some((b) => clients.get(b.clientId)?.dueDate !== undefined)).toBe(true);

      // Every upcoming booking's rebook page offers at least one free time of the same type, in the window
      const upcoming = bookings.filter((b) => b.status === 'BOOKED' && b.startsAt > start);
      expect(upcoming).toHaveLength(322);
      const horizonEnd = addDays(today, config.booking.horizonDays);
      const stuck: string[] = [];
      for (const booking of upcoming) {
        const client = clients.get(booking.clientId)!;
        const choices = await rebookChoices(deps, {
          client,
          clinic: undefined,
          type: booking.type,
          startsAt: booking.startsAt,
          durationMinutes: booking.durationMinutes,
          booking,
        });
        if (choices.length === 0) stuck.push(`${booking.id} (${booking.type} at ${booking.clinicId})`);
        for (const slot of choices) {
          expect(slot.type).toBe(booking.type);
          expect(slot.localDay <= horizonEnd).toBe(true);
          expect(misfit(client, slot.type, slot.localDay, today)).toBeUndefined();
        }
      }
      expect(stuck).toEqual([]);

      // A family on the list with an upcoming booking of that type carries it as currentBookingId (the
      // soonest), so taking an offer moves it rather than booking the child twice
      const entries = (await scanEntity(store, 'WaitlistEntry')).map((item) =>
        waitlistEntrySchema.parse(item),
      );
      const withBooking = entries.flatMap((entry) => {
        const own = upcoming
          .filter((b) => b.clientId === entry.clientId && b.type === entry.type)
          .sort((a, b) => a.startsAt.localeCompare(b.startsAt));
        return own.length > 0 ? [{ entry: entry.id, want: own[0]!.id, got: entry.currentBookingId }] : [];
      });
      expect(withBooking.length).toBeGreaterThan(0);
      expect(withBooking.filter((e) => e.got !== e.want)).toEqual([]);
    }, 240_000);
  },
);

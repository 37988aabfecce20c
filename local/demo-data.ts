/**
 * A fictional demo trust for the local runtime: a few clinics, families with varied languages and
 * equity flags, and a few hundred bookings over the next three weeks. Phone numbers come only from
 * Ofcom's drama range (07700 900000–900999), which is never allocated to a real phone.
 */

import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { newBooking } from '#core/booking.ts';
import { newClient } from '#core/client.ts';
import { mapWithConcurrency } from '#core/concurrency.ts';
import { addDays, daysBetween, plusLocalDays } from '#core/dates.ts';
import { localDay, localToUtc } from '#core/local-time.ts';
import { bookingFacts, incrementsFor, mergeIncrements } from '#core/metrics.ts';
import type { Booking, Client, Clinic, Slot, TierState } from '#core/model.ts';
import { planReminders, reminderPlanInput } from '#core/reminder-plan.ts';
import { newSlot } from '#core/slot.ts';
import { bookSlot } from '#services/bookings.ts';
import type { Deps } from '#services/deps.ts';
import { addToWaitlist } from '#services/waitlist.ts';
import { batchPutMany } from '#store/batch.ts';
import { bookingItem } from '#store/bookings.ts';
import { createClient, newClientItems } from '#store/clients.ts';
import { createClinic } from '#store/clinics.ts';
import { keys } from '#store/keys.ts';
import { applyIncrements } from '#store/metrics.ts';
import { bookedFreshSlot } from '#store/slot-runs.ts';
import { slotItem } from '#store/slots.ts';
import { type Birth, fitDemoAges, fitsType } from './demo-ages.ts';
import { CELLS_PER_WRITE, seedDemoHistory } from './demo-history.ts';

const SEEDED_KEY = keys.localState('SEEDED');

const CLINICS: Omit<Clinic, 'createdAt'>[] = [
  {
    id: 'riverside',
    name: "Riverside Children's Centre",
    venue: "Riverside Children's Centre",
    address: '1 Quay Street, Maidstone',
    area: 'Maidstone',
  },
  {
    id: 'oakwood',
    name: 'Oakwood Health Centre',
    venue: 'Oakwood Health Centre',
    address: '12 Oakwood Road, Ashford',
    area: 'Ashford',
  },
  {
    id: 'harbour',
    name: 'Harbour Family Hub',
    venue: 'Harbour Family Hub',
    address: '3 Marine Parade, Dover',
    area: 'Dover',
  },
  {
    id: 'meadow',
    name: 'Meadow Lane Clinic',
    venue: 'Meadow Lane Clinic',
    address: '40 Meadow Lane, Canterbury',
    area: 'Canterbury',
  },
];

/**
 * A fictional postal address for demo family `i`, in one of the clinics' towns (no random draw, so the
 * seed's random sequence, and so every other demo fact, is unchanged). Families who cannot be texted
 * (do-not-text) therefore get letters in the demo rather than a call.
 */
const DEMO_STREETS = ['Mill Lane', 'Church Road', 'Station Road', 'Orchard Close', 'High Street'];
const DEMO_TOWNS = [
  { town: 'Maidstone', postcode: 'ME14 1XX' },
  { town: 'Ashford', postcode: 'TN23 1XX' },
  { town: 'Dover', postcode: 'CT16 1XX' },
  { town: 'Canterbury', postcode: 'CT1 2XX' },
] as const;
function demoAddress(i: number): NonNullable<Client['address']> {
  const place = DEMO_TOWNS[i % DEMO_TOWNS.length]!;
  return {
    lines: [`${1 + (i % 97)} ${DEMO_STREETS[i % DEMO_STREETS.length]}`],
    town: place.town,
    postcode: place.postcode,
  };
}

const FIRST_NAMES = [
  'Amelia',
  'Oliver',
  'Isla',
  'Noah',
  'Ava',
  'Muhammad',
  'Freya',
  'Leo',
  'Ivy',
  'George',
  'Maja',
  'Jakub',
  'Zofia',
  'Andrei',
  'Ioana',
  'Elena',
  'Cerys',
  'Osian',
  'Seren',
  'Dylan',
  'Aisha',
  'Yusuf',
  'Priya',
  'Arjun',
  'Grace',
  'Harry',
  'Lily',
  'Jack',
  'Poppy',
  'Alfie',
  'Mia',
  'Theo',
  'Sofia',
  'Oscar',
  'Evie',
  'Archie',
];
const FAMILY_NAMES = [
  'Smith',
  'Jones',
  'Taylor',
  'Brown',
  'Williams',
  'Nowak',
  'Kowalski',
  'Popescu',
  'Ionescu',
  'Evans',
  'Davies',
  'Khan',
  'Patel',
  'Begum',
  'Wilson',
  'Thomas',
  'Roberts',
  'Walker',
  'Wright',
  'Hughes',
  'Edwards',
  'Green',
];

/** Deterministic, so every fresh start shows the same demo. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeedSummary {
  clinics: number;
  clients: number;
  slots: number;
  bookings: number;
  waitlisted: number;
  /** Past appointments with outcomes, cancellations and short-notice fills (see demo-history.ts). */
  history: { slots: number; bookings: number; texts: number };
}

/** Seeds once: a marker item records that it ran, so a persisted database is never seeded twice. */
export async function seedDemoData(
  deps: Deps,
  options: { families?: number; bookings?: number } = {},
): Promise<SeedSummary | undefined> {
  const { store, config } = deps;
  const marker = await store.db.send(new GetCommand({ TableName: store.table, Key: SEEDED_KEY }));
  if (marker.Item) return undefined;

  const random = prng(20261122);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const now = deps.now();
  const nowIso = now.toISOString();

  await Promise.all(CLINICS.map((clinic) => createClinic(store, { ...clinic, createdAt: nowIso })));

  const familyCount = options.families ?? 240;
  const today = localDay(now, config.timeZone);
  // Each child's dates are fitted to its bookings below (demo-ages.ts); `born` is the date of birth of
  // a child with no booking that has an age window (a child health clinic visit only).
  const drafts: { client: Client; born: string }[] = [];
  for (let i = 0; i < familyCount; i++) {
    const language = random() < 0.78 ? 'en' : pick(['cy', 'pl', 'ro']);
    // About one family in eight has two children sharing a parent's phone.
    const phoneIndex = i % 8 === 7 && i > 0 ? i - 1 : i;
    const imd = 1 + Math.floor(random() * 10);
    const ageDays = Math.floor(random() * 900);
    const client = newClient(
      {
        firstName: pick(FIRST_NAMES),
        familyName: pick(FAMILY_NAMES),
        phone: `+447700900${String(phoneIndex % 1000).padStart(3, '0')}`,
        language,
        flags: {
          imdDecile: imd,
          needsCarer: random() < 0.08,
          parentalMentalHealth: random() < 0.12,
          vulnerable: random() < 0.07,
          doNotText: random() < 0.02,
        },
        // Grace Adeyemi is the local demo health visitor (health-visitor@example.nhs.uk): her follow-ups list first for her.
        namedHealthVisitor: pick(['Sarah Collins', 'Dafydd Rees', 'Anita Shah', 'Grace Adeyemi']),
        address: demoAddress(i),
      },
      {
        id: `demo-client-${String(i + 1).padStart(3, '0')}`,
        now: nowIso,
        defaultLanguage: config.defaultLanguage,
      },
    );
    drafts.push({ client, born: addDays(today, -(1 + ageDays)) });
  }

  // Weekday sessions for the next three weeks, morning and afternoon, every 30 minutes.
  const types = Object.keys(config.appointmentTypes);
  const grid: Slot[] = [];
  for (let d = 1; d <= 21; d++) {
    const day = localDay(plusLocalDays(now, d, config.timeZone), config.timeZone);
    const weekday = new Date(`${day}T12:00:00Z`).getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    for (const clinic of CLINICS) {
      for (const time of [
        '09:00',
        '09:30',
        '10:00',
        '10:30',
        '11:00',
        '11:30',
        '13:30',
        '14:00',
        '14:30',
        '15:00',
        '15:30',
      ]) {
        const type = pick(types);
        const startsAt = localToUtc(day, time, config.timeZone);
        grid.push(
          newSlot({
            id: `demo-slot-${clinic.id}-${day}-${time.replace(':', '')}`,
            clinicId: clinic.id,
            type,
            startsAt,
            durationMinutes: 30,
            timeZone: config.timeZone,
            now: nowIso,
          }),
        );
      }
    }
  }

  // Book most slots, as a busy service would be, with bookings made 1–14 days ago.
  const wanted = Math.min(options.bookings ?? 320, grid.length);
  const drawn = [...grid].sort(() => random() - 0.5).slice(0, wanted);

  // The two named families below are booked by the service after the rest; their slots are chosen now,
  // so that their children's dates are fitted with everyone else's.
  const taken = new Set(drawn.map((s) => s.id));
  // 4 to 6 days ahead: too soon for a booking letter (letters.minLeadDays), inside the reminder letter's
  // window, so once the number is marked unreachable the next day's batch holds her reminder letter.
  const openAt = (s: Slot) => !taken.has(s.id) && s.type !== 'antenatal';
  const deadNumberSlot =
    grid.find(
      (s) => openAt(s) && daysBetween(today, s.localDay) >= 4 && daysBetween(today, s.localDay) <= 6,
    ) ?? grid.find(openAt);
  const letterFrom = addDays(today, config.letters.minLeadDays);
  const noMobileSlot = grid.find((s) => openAt(s) && s.id !== deadNumberSlot?.id && s.localDay >= letterFrom);

  // Each child's age fits every one of its bookings' Healthy Child Programme windows, and each booking
  // has a free time of its type to rebook to (tests/integration/demo-data.test.ts walks every one).
  const fitted = fitDemoAges({
    config,
    today,
    slots: grid,
    bookings: [
      ...drawn.map((slot, i) => ({ slotId: slot.id, owner: drafts[i % drafts.length]!.client.id })),
      ...(deadNumberSlot ? [{ slotId: deadNumberSlot.id, owner: 'demo-client-dead-number' }] : []),
      ...(noMobileSlot ? [{ slotId: noMobileSlot.id, owner: 'demo-client-no-mobile' }] : []),
    ],
    // Its own random sequence, so the rest of the demo is drawn as before.
    random: prng(20261130),
  });
  const slots = fitted.slots;
  const slotOf = new Map(slots.map((slot) => [slot.id, slot]));
  const chosen = drawn.map((slot) => slotOf.get(slot.id)!);
  const withBirth = (client: Client, birth: Birth | undefined, born: string): Client => {
    const { dateOfBirth: _, dueDate: __, ...rest } = client;
    return { ...rest, ...(birth ?? { dateOfBirth: born }) };
  };
  const clients = drafts.map(({ client, born }) => withBirth(client, fitted.births.get(client.id), born));
  // The very items createClient writes, 25 to a round trip (a fresh table: nothing to conflict with).
  await batchPutMany(
    store,
    clients.flatMap((client) =>
      newClientItems(store, client).map((item) => (item.Put as { Item: Record<string, unknown> }).Item),
    ),
  );

  const bookings: Booking[] = [];
  for (const [i, slot] of chosen.entries()) {
    const client = clients[i % clients.length]!;
    const drawnAt = plusLocalDays(now, -(1 + Math.floor(random() * 14)), config.timeZone).toISOString();
    // A new baby's visit is booked once the baby is born.
    const bornAt = client.dateOfBirth && localToUtc(client.dateOfBirth, '12:00', config.timeZone);
    const bookedAt = bornAt && bornAt > drawnAt ? bornAt : drawnAt;
    const plan = planReminders(
      reminderPlanInput(config, {
        startsAt: slot.startsAt,
        bookedAt,
        tiers: config.appointmentTypes[slot.type]!.tiers,
      }),
    );
    const tiers: Record<string, TierState> = {};
    for (const t of plan.planned) {
      // Texts that would have gone out before the demo began are history, not something to send now.
      tiers[t.id] =
        t.dueAt <= nowIso
          ? { kind: t.kind, dueAt: t.dueAt, status: 'SKIPPED', attempts: 0, skipReason: 'before-demo-start' }
          : { kind: t.kind, dueAt: t.dueAt, status: 'PENDING', attempts: 0 };
    }
    bookings.push(
      newBooking({
        id: `demo-booking-${String(i + 1).padStart(3, '0')}`,
        slot,
        client,
        source: 'import',
        by: 'demo-seed',
        now: bookedAt,
        ref: String(1000 + ((i * 7919) % 9000)),
        tiers,
      }),
    );
  }
  // The slots and bookings are written together, 25 items to a round trip: each booked slot as the
  // booking transaction leaves a fresh slot (bookedFreshSlot; tests/integration/booked-slot-items.test.ts
  // checks the two agree). One transaction per booking made this the slowest part of every start.
  const bookingOf = new Map(bookings.map((booking) => [booking.slotId, booking]));
  await batchPutMany(store, [
    ...slots.map((slot) => {
      const booking = bookingOf.get(slot.id);
      return slotItem(booking ? bookedFreshSlot(slot, booking) : slot);
    }),
    ...bookings.map((booking) => bookingItem(booking)),
  ]);
  const booked = bookings.length;

  // About a third of families are on the short-notice list, for a contact their child is due for
  // (or a child health clinic visit), so a cancellation in the demo is offered to someone at once.
  const waiting = clients.filter((_, i) => i % 3 === 0);
  const soon = addDays(today, 7);
  // A child's booked clinic for each type: its entry for that type lists it, so the parent page's
  // rebook (which looks at the entry's clinics) finds the free time kept for the booking there.
  const bookedClinic = new Map(bookings.map((b) => [`${b.clientId}#${b.type}`, b.clinicId] as const));
  // And its upcoming booking of that type (the soonest): the entry carries it as `currentBookingId`, as
  // the parent page's "Text me if a time comes up" does, so taking an offer moves it (a swap).
  const bookedId = new Map(
    bookings
      .filter((b) => b.startsAt > nowIso)
      .sort((a, b) => b.startsAt.localeCompare(a.startsAt))
      .map((b) => [`${b.clientId}#${b.type}`, b.id] as const),
  );
  // The entries are drawn in order (the same random sequence as ever), then written many at a time.
  const entries: { client: Client; input: Parameters<typeof addToWaitlist>[1] }[] = [];
  for (const client of waiting) {
    const fits = (name: string) => fitsType(config, name, client, soon);
    const due = Object.entries(config.appointmentTypes).find(([name, t]) => t.ageWindowDays && fits(name));
    const type = due?.[0] ?? (config.appointmentTypes.clinic && fits('clinic') ? 'clinic' : undefined);
    if (!type) continue;
    const home = CLINICS[Math.floor(random() * CLINICS.length)]!;
    const other = CLINICS[Math.floor(random() * CLINICS.length)]!;
    entries.push({
      client,
      input: {
        clientId: client.id,
        type,
        acceptableClinicIds: [...new Set([bookedClinic.get(`${client.id}#${type}`) ?? home.id, other.id])],
        availability:
          random() < 0.3 ? [{ days: ['MON', 'TUE', 'WED', 'THU', 'FRI'], from: '09:00', to: '12:00' }] : [],
        consentToShortNotice: random() < 0.9,
        currentBookingId: bookedId.get(`${client.id}#${type}`),
      },
    });
  }
  await mapWithConcurrency(entries, 16, ({ client, input }) => addToWaitlist(deps, input, client));
  const waitlisted = entries.length;

  // A family whose number no longer works: Ofcom's drama-range block 07700 900990–900999, which the local
  // outbox's simulated carrier fails for good (INVALID). Booked through the service as staff would, so its
  // confirmation goes now, fails a few virtual seconds later, the number is marked unreachable and staff
  // find a task in the inbox to check it with the family (README, "Delivery status and unreachable numbers").
  const deadNumber = newClient(
    {
      firstName: 'Poppy',
      familyName: 'Walsh',
      phone: '+447700900990',
      language: 'en',
      ...(fitted.births.get('demo-client-dead-number') ?? { dateOfBirth: addDays(today, -200) }),
      flags: {
        imdDecile: 1,
        needsCarer: false,
        parentalMentalHealth: false,
        vulnerable: false,
        doNotText: false,
      },
      namedHealthVisitor: 'HV Sarah Collins',
      // With an address, the dead number's family falls back to letters (README, "Letters").
      address: { lines: ['7 Harbour Road'], town: 'Dover', postcode: 'CT17 9XX' },
    },
    { id: 'demo-client-dead-number', now: nowIso, defaultLanguage: config.defaultLanguage },
  );
  await createClient(store, deadNumber);
  const open = deadNumberSlot;
  const bookedBySeed: Booking[] = [];
  if (open) {
    bookedBySeed.push(
      await bookSlot(deps, { slotId: open.id, clientId: deadNumber.id, by: 'demo-seed', source: 'staff' }),
    );
  }

  // A family with no mobile and a postal address: letters are their route (issue 14). Booked at least
  // `letters.minLeadDays` ahead, so the letters' daily batch can hold their booking letter; nothing is ever
  // texted to them (each reminder tier reads "not sent (no mobile)" on Today).
  const noMobile = newClient(
    {
      firstName: 'Rosie',
      familyName: 'Hart',
      language: 'en',
      ...(fitted.births.get('demo-client-no-mobile') ?? { dateOfBirth: addDays(today, -250) }),
      address: { lines: ['12 Mill Lane'], town: 'Maidstone', postcode: 'ME14 1XX' },
      flags: {
        imdDecile: 2,
        needsCarer: false,
        parentalMentalHealth: false,
        vulnerable: false,
        doNotText: false,
      },
      namedHealthVisitor: 'HV Sarah Collins',
    },
    { id: 'demo-client-no-mobile', now: nowIso, defaultLanguage: config.defaultLanguage },
  );
  await createClient(store, noMobile);
  const forLetter = noMobileSlot;
  if (forLetter) {
    bookedBySeed.push(
      await bookSlot(deps, { slotId: forLetter.id, clientId: noMobile.id, by: 'demo-seed', source: 'staff' }),
    );
  }

  // The stream is read only from after the seed (local/runtime.ts), so the metrics counters of what the
  // seed booked are written here, from the same pure function the stream consumer uses (as the history
  // does): otherwise the upcoming weeks' "booked" would count only what happened after start.
  const imdOf = new Map([...clients, deadNumber, noMobile].map((c) => [c.id, c.flags.imdDecile] as const));
  const upcoming = mergeIncrements(
    [...bookings, ...bookedBySeed].flatMap((booking) =>
      incrementsFor(
        { entity: 'Booking', new: bookingFacts.parse(booking), imdDecile: imdOf.get(booking.clientId) },
        config.timeZone,
      ),
    ),
  );
  for (let i = 0; i < upcoming.length; i += CELLS_PER_WRITE) {
    await applyIncrements(
      store,
      `demo-seed#upcoming#${i / CELLS_PER_WRITE}`,
      upcoming.slice(i, i + CELLS_PER_WRITE),
      now,
    );
  }

  // Its own random sequence, so the upcoming bookings and the waitlist above are as they were before.
  const history = await seedDemoHistory(deps, {
    clinicIds: CLINICS.map((c) => c.id),
    clients,
    random: prng(20261115),
  });

  await store.db.send(new PutCommand({ TableName: store.table, Item: { ...SEEDED_KEY, at: nowIso } }));
  return {
    history,
    clinics: CLINICS.length,
    clients: clients.length + 2,
    slots: slots.length,
    bookings: booked + (open ? 1 : 0) + (forLetter ? 1 : 0),
    waitlisted,
  };
}

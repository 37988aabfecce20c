/**
 * The match stage: reads what Attend holds that the import's records touch, all at once and in batches
 * (pointers, clients, bookings, slots, free slots on the days rows book, references in use), into the
 * plain `Holdings` the planner works from. `rematch` reads one record's part again, after the apply
 * found it changed.
 */
import { mapWithConcurrency } from '#core/concurrency.ts';
import { type AppointmentInput, type PatientInput, sourceKeyString } from '#core/import-model.ts';
import { emptyHoldings, type Holdings, type RecordPlan } from '#core/import-plan.ts';
import { freeSlotsKey, type PlanContext, type PlanState } from '#core/import-planning.ts';
import type { ImportRecords } from '#core/import-records.ts';
import { localDay } from '#core/local-time.ts';
import { getBooking, getBookings, liveBookingsByPhone } from '#store/bookings.ts';
import { liveBookingsOfClient } from '#store/client-contact.ts';
import { getClient, getClients } from '#store/clients.ts';
import { listClinics } from '#store/clinics.ts';
import { clientIdByNhsNumber, clientIdsByNhsNumber } from '#store/nhs-numbers.ts';
import { getSlot, getSlots, slotsByClinicDay } from '#store/slots.ts';
import { getSourceRef, getSourceRefs } from '#store/source-refs.ts';
import type { Deps } from './deps.ts';

/** Reads running at once: enough to keep a 5,000-row import inside its time limit, few enough to be polite. */
const READS_AT_ONCE = 8;

export interface MatchOptions {
  /**
   * A dry run does not read what only the writes need: references in use on each phone, and the live
   * bookings that move with a changed mobile.
   */
  dryRun: boolean;
}

export async function matchImport(
  deps: Deps,
  records: ImportRecords,
  options: MatchOptions,
): Promise<Holdings> {
  const { store, config } = deps;
  const held = emptyHoldings();
  const all = [...records.patients, ...records.slots, ...records.appointments];
  const kinds = [
    ...records.patients.map(() => 'Patient' as const),
    ...records.slots.map(() => 'Slot' as const),
    ...records.appointments.map(() => 'Appointment' as const),
  ];
  const nhsNumbers = records.patients.flatMap((p) => p.input.fields.nhsNumber ?? []);
  const [refs, clinics, nhsHolders] = await Promise.all([
    getSourceRefs(
      store,
      all.map((r, i) => ({ kind: kinds[i]!, key: r.key })),
    ),
    listClinics(store),
    clientIdsByNhsNumber(store, nhsNumbers),
  ]);
  held.nhsNumbers = nhsHolders;
  held.refs = refs;
  held.clinics = clinics.map((c) => c.id);
  const refOf = (k: string) => refs[k];

  const [clients, bookings] = await Promise.all([
    getClients(
      store,
      records.patients.flatMap((p) => refOf(p.k)?.attendId ?? []),
    ),
    getBookings(
      store,
      records.appointments.flatMap((a) => refOf(a.k)?.attendId ?? []),
    ),
  ]);
  held.clients = Object.fromEntries(clients);
  held.bookings = Object.fromEntries(bookings.map((b) => [b.id, b]));
  const slotIds = [
    ...records.slots.flatMap((s) => refOf(s.k)?.attendId ?? []),
    ...bookings.map((b) => b.slotId),
  ];
  held.slots = Object.fromEntries((await getSlots(store, slotIds)).map((s) => [s.id, s]));

  // CSV rows that may book: the free slots on their clinic's day, which a row at the same time takes.
  const days = new Set<string>();
  for (const a of records.appointments) {
    const ref = refOf(a.k);
    if (a.input.status !== 'booked' || !('fields' in a.input.slot) || ref?.sourceHash === a.hash) continue;
    const { clinicId, startsAt } = a.input.slot.fields;
    days.add(freeSlotsKey(clinicId, localDay(startsAt, config.timeZone)));
  }
  await mapWithConcurrency([...days], READS_AT_ONCE, async (k) => {
    const [clinicId, day] = k.split('|') as [string, string];
    await readFreeSlots(deps, held, clinicId, day);
  });
  if (options.dryRun) return held;

  // A booking's reference must not be one its phone already has.
  const patientPhone = new Map(records.patients.map((p) => [p.k, p.input.fields.phone]));
  const phones = new Set<string>();
  for (const a of records.appointments) {
    if (a.input.status !== 'booked' || refOf(a.k)?.sourceHash === a.hash) continue;
    const phone = patientPhone.get(sourceKeyString('Patient', a.input.patient));
    if (phone) phones.add(phone);
  }
  await mapWithConcurrency([...phones], READS_AT_ONCE, (phone) => readRefsInUse(deps, held, phone));

  // A family's new mobile takes their live bookings (and so their reminders) with it.
  const moving = records.patients.flatMap((p) => {
    const ref = refOf(p.k);
    const client = ref && ref.sourceHash !== p.hash ? held.clients[ref.attendId] : undefined;
    const phone = p.input.fields.phone;
    return client && phone !== undefined && client.phone !== phone ? [client] : [];
  });
  await mapWithConcurrency(moving, READS_AT_ONCE, async (client) => {
    held.liveBookings[client.id] = await liveBookingsOfClient(store, client);
  });
  return held;
}

/** Reads one record's part of Attend again (its pointer and what it points to) into `state.held`. */
export async function rematch(
  deps: Deps,
  ctx: PlanContext,
  state: PlanState,
  plan: RecordPlan,
): Promise<void> {
  const { store } = deps;
  const { held } = state;
  const record = ctx.record(plan.kind, plan.key);
  if (!record) return;
  const ref = await getSourceRef(store, plan.kind, record.key);
  if (ref) held.refs[plan.key] = ref;
  else delete held.refs[plan.key];

  if (plan.kind === 'Patient') {
    const { nhsNumber } = (record.input as PatientInput).fields;
    if (nhsNumber) {
      const holder = await clientIdByNhsNumber(store, nhsNumber);
      if (holder) held.nhsNumbers[nhsNumber] = holder;
      else delete held.nhsNumbers[nhsNumber];
    }
    if (!ref) return;
    const client = await getClient(store, ref.attendId);
    if (!client) {
      delete held.clients[ref.attendId];
      return;
    }
    held.clients[client.id] = client;
    const { phone } = (record.input as PatientInput).fields;
    if (phone !== undefined && client.phone !== phone) {
      held.liveBookings[client.id] = await liveBookingsOfClient(store, client);
    }
    return;
  }
  if (plan.kind === 'Slot') {
    if (ref) await refreshSlot(deps, held, ref.attendId);
    return;
  }
  const input = (record as { input: AppointmentInput }).input;
  if (ref) {
    const booking = await getBooking(store, ref.attendId);
    if (booking) {
      held.bookings[booking.id] = booking;
      await refreshSlot(deps, held, booking.slotId);
    } else {
      delete held.bookings[ref.attendId];
    }
  }
  if ('key' in input.slot) {
    const slotKey = sourceKeyString('Slot', input.slot.key);
    const slotRef = await getSourceRef(store, 'Slot', input.slot.key);
    if (slotRef) {
      held.refs[slotKey] = slotRef;
      state.slotIds[slotKey] = slotRef.attendId;
      await refreshSlot(deps, held, slotRef.attendId);
    }
  }
  const clientId = state.outcomes[sourceKeyString('Patient', input.patient)]?.id;
  const client = clientId ? await getClient(store, clientId) : undefined;
  if (client) {
    held.clients[client.id] = client;
    if (client.phone) await readRefsInUse(deps, held, client.phone);
  }
}

async function refreshSlot(deps: Deps, held: Holdings, id: string): Promise<void> {
  const slot = await getSlot(deps.store, id);
  if (slot) held.slots[id] = slot;
  else delete held.slots[id];
}

async function readFreeSlots(deps: Deps, held: Holdings, clinicId: string, day: string): Promise<void> {
  const free: string[] = [];
  let cursor: string | undefined;
  do {
    const page = await slotsByClinicDay(deps.store, clinicId, day, { limit: 200, cursor });
    for (const s of page.items) {
      if (s.status !== 'FREE' && s.status !== 'OFFERING') continue;
      held.slots[s.id] = s;
      free.push(s.id);
    }
    cursor = page.cursor;
  } while (cursor);
  held.freeSlots[freeSlotsKey(clinicId, day)] = free;
}

async function readRefsInUse(deps: Deps, held: Holdings, phone: string): Promise<void> {
  const live = await liveBookingsByPhone(deps.store, phone);
  held.refsInUse[phone] = [...new Set([...(held.refsInUse[phone] ?? []), ...live.map((b) => b.ref)])];
}

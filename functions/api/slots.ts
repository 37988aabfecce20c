import * as z from 'zod';
import { calendarDate } from '#core/dates.ts';
import { NotFoundError, ValidationError } from '#core/errors.ts';
import { formatTime, localDay, localToUtc } from '#core/local-time.ts';
import type { Slot } from '#core/model.ts';
import { slotSchema } from '#core/model.ts';
import { newSlot } from '#core/slot.ts';
import * as zm from '#core/zod.ts';
import type { Deps } from '#services/deps.ts';
import { offerSlotAtShortNotice, withdrawSlot } from '#services/slot-changes.ts';
import { getClinic } from '#store/clinics.ts';
import { createSlots, getSlot, slotsByClinicDay } from '#store/slots.ts';
import { forStaff } from './access.ts';
import { clinicDayPage, clinicDayQuery } from './bookings.ts';
import { actedBy, appointmentTypeId, defineRoute, idParams, list, page, recordId } from './route.ts';

/** Whole minutes within [min, max], one message for every way a number can be wrong (NaN included). */
const wholeMinutes = (min: number, max: number) => {
  const message = `must be a whole number of minutes from ${min} to ${max}`;
  return z.number({ error: message }).int(message).min(min, message).max(max, message);
};

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected local time as HH:MM');

export const createSlotBody = z
  .object({
    clinicId: recordId,
    type: appointmentTypeId,
    /** Either a UTC instant… */
    startsAt: z.iso.datetime({ offset: true }).optional(),
    /** …or the clinic's local date and time (Europe/London). */
    date: zm.optional(calendarDate),
    time: hhmm.optional(),
    durationMinutes: wholeMinutes(5, 480).optional(),
    /** Offer it straight away to the short-notice list (a slot that came up at short notice). */
    shortNotice: z.boolean().default(false),
  })
  .refine((b) => b.startsAt !== undefined || (b.date !== undefined && b.time !== undefined), {
    message: 'give either startsAt, or date and time',
    path: ['startsAt'],
  })
  // Both forms at once may disagree: which one was meant is not for Attend to guess.
  .refine((b) => b.startsAt === undefined || (b.date === undefined && b.time === undefined), {
    message: 'give either startsAt, or date and time, not both',
    path: ['startsAt'],
  });

export const createSessionBody = z
  .object({
    clinicId: recordId,
    type: appointmentTypeId,
    date: calendarDate,
    from: hhmm,
    to: hhmm,
    everyMinutes: wholeMinutes(5, 240),
    durationMinutes: wholeMinutes(5, 480).optional(),
  })
  .refine((b) => b.from < b.to, { message: 'must be after from', path: ['to'] });

async function checkClinicAndType(deps: Deps, clinicId: string, type: string): Promise<number> {
  const typeConfig = deps.config.appointmentTypes[type];
  if (!typeConfig) {
    const allowed = Object.keys(deps.config.appointmentTypes).join(', ');
    throw new ValidationError('Request body is invalid', [
      { field: 'type', message: `unknown appointment type; one of: ${allowed}` },
    ]);
  }
  if (!(await getClinic(deps.store, clinicId))) {
    throw new ValidationError('Request body is invalid', [
      { field: 'clinicId', message: `no clinic with id ${clinicId}` },
    ]);
  }
  return typeConfig.durationMinutes;
}

function toUtc(deps: Deps, date: string, time: string, field: string): string {
  try {
    return localToUtc(date, time, deps.config.timeZone);
  } catch (err) {
    throw new ValidationError('Request body is invalid', [{ field, message: (err as Error).message }]);
  }
}

/**
 * A slot made through the API is one families may still book, so it starts after now. Historic slots
 * come in by import (services/import-apply.ts writes them through the store, not this route).
 */
function futureOrFail(deps: Deps, startsAt: string, field: string): void {
  const now = deps.now().toISOString();
  if (startsAt <= now) {
    throw new ValidationError('Request body is invalid', [
      {
        field,
        message: `must be in the future (it is now ${localDay(now, deps.config.timeZone)} ${formatTime(now, deps.config.timeZone)}); a slot that has started cannot be booked`,
      },
    ]);
  }
}

async function createSlot(deps: Deps, body: z.output<typeof createSlotBody>): Promise<Slot> {
  const defaultDuration = await checkClinicAndType(deps, body.clinicId, body.type);
  const startsAt = body.startsAt
    ? new Date(body.startsAt).toISOString()
    : toUtc(deps, body.date!, body.time!, 'time');
  futureOrFail(deps, startsAt, body.startsAt ? 'startsAt' : 'time');
  const [slot] = await createSlots(deps.store, [
    newSlot({
      clinicId: body.clinicId,
      type: body.type,
      startsAt,
      durationMinutes: body.durationMinutes ?? defaultDuration,
      shortNotice: body.shortNotice,
      timeZone: deps.config.timeZone,
      now: deps.now().toISOString(),
    }),
  ]);
  return slot!;
}

async function createSession(deps: Deps, body: z.output<typeof createSessionBody>): Promise<Slot[]> {
  const defaultDuration = await checkClinicAndType(deps, body.clinicId, body.type);
  const duration = body.durationMinutes ?? body.everyMinutes ?? defaultDuration;
  const [fh, fm] = body.from.split(':').map(Number) as [number, number];
  const [th, tm] = body.to.split(':').map(Number) as [number, number];
  const slots: Slot[] = [];
  for (let m = fh * 60 + fm; m + duration <= th * 60 + tm; m += body.everyMinutes) {
    const time = `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
    slots.push(
      newSlot({
        clinicId: body.clinicId,
        type: body.type,
        startsAt: toUtc(deps, body.date, time, 'from'),
        durationMinutes: duration,
        timeZone: deps.config.timeZone,
        now: deps.now().toISOString(),
      }),
    );
  }
  if (slots.length === 0) {
    throw new ValidationError('Request body is invalid', [
      { field: 'to', message: 'the session is too short for one appointment' },
    ]);
  }
  futureOrFail(deps, slots[0]!.startsAt, 'from');
  return createSlots(deps.store, slots);
}

export const slotRoutes = [
  defineRoute({
    id: 'createSlot',
    method: 'POST',
    path: '/slots',
    tag: 'slots',
    summary: 'Create one slot, at a local date and time or a UTC instant',
    roles: forStaff('scheduler'),
    body: { name: 'CreateSlotRequest', schema: createSlotBody },
    response: { status: 201, name: 'Slot', schema: slotSchema, description: 'The slot' },
    errors: [400, 409, 413],
    handler: async ({ deps, body }) => createSlot(deps, body),
  }),
  defineRoute({
    id: 'createSession',
    method: 'POST',
    path: '/slots/session',
    tag: 'slots',
    summary: 'Create a clinic session: slots from `from` to `to` every `everyMinutes`',
    roles: forStaff('scheduler'),
    body: { name: 'CreateSessionRequest', schema: createSessionBody },
    response: { status: 201, name: 'SlotList', schema: list(slotSchema), description: 'The slots created' },
    errors: [400, 409, 413],
    handler: async ({ deps, body }) => ({ items: await createSession(deps, body) }),
  }),
  defineRoute({
    id: 'listSlots',
    method: 'GET',
    path: '/slots',
    tag: 'slots',
    summary: "A clinic's slots on a local day",
    // Health visitors book too (POST /bookings), so they read the slots they book.
    roles: forStaff('scheduler', 'health-visitor'),
    query: clinicDayQuery,
    response: { status: 200, name: 'SlotPage', schema: page(slotSchema), description: 'One page of slots' },
    errors: [400, 404],
    // An unknown clinic is a 404, as GET /clinics/{id}/day answers, not an empty day.
    handler: ({ deps, query }) => clinicDayPage(deps, query, slotsByClinicDay),
  }),
  defineRoute({
    id: 'withdrawSlot',
    method: 'POST',
    path: '/slots/{id}/withdraw',
    tag: 'slots',
    summary: 'Withdraw a slot (the clinic is cancelled): it can no longer be booked or offered',
    description:
      'FREE or OFFERING → WITHDRAWN. A slot under short-notice offer ends its run as WITHDRAWN in the same ' +
      'write, and each family with a pending offer is told once that the time has gone (outside quiet ' +
      'hours). Withdrawing a withdrawn slot changes nothing. 409 `SLOT_BOOKED` for a booked slot (cancel ' +
      'or move its booking first). Slots are never deleted.',
    roles: forStaff('scheduler'),
    params: idParams,
    response: { status: 200, name: 'Slot', schema: slotSchema, description: 'The withdrawn slot' },
    errors: [400, 404, 409],
    handler: async ({ deps, params, caller }) =>
      withdrawSlot(deps, { slotId: params.id, by: actedBy(caller) }),
  }),
  defineRoute({
    id: 'offerSlotAtShortNotice',
    method: 'POST',
    path: '/slots/{id}/short-notice',
    tag: 'slots',
    summary: 'Offer a free slot to the short-notice list now',
    description:
      'A new freeing of a FREE slot that is not under offer; its short-notice run starts at once (offers now, in ' +
      'the morning after quiet hours, or not at all when the slot is too far ahead or past the cutoff, as for ' +
      'a cancellation). 409 `SLOT_NOT_FREE` (booked, withdrawn or under offer), `ALREADY_OFFERED`, `ALREADY_STARTED`.',
    roles: forStaff('scheduler'),
    params: idParams,
    response: { status: 200, name: 'Slot', schema: slotSchema, description: 'The slot, with its run' },
    errors: [400, 404, 409],
    handler: async ({ deps, params }) => offerSlotAtShortNotice(deps, { slotId: params.id }),
  }),
  defineRoute({
    id: 'getSlot',
    method: 'GET',
    path: '/slots/{id}',
    tag: 'slots',
    summary: 'Read a slot',
    // Health visitors book too (POST /bookings), so they read the slots they book.
    roles: forStaff('scheduler', 'health-visitor'),
    params: idParams,
    response: { status: 200, name: 'Slot', schema: slotSchema, description: 'The slot' },
    errors: [400, 404],
    handler: async ({ deps, params }) => {
      const slot = await getSlot(deps.store, params.id);
      if (!slot) throw new NotFoundError(`Slot ${params.id} does not exist`);
      return slot;
    },
  }),
] as const;

import * as z from 'zod';
import { calendarDate } from '#core/dates.ts';
import { NotFoundError, ValidationError } from '#core/errors.ts';
import { localToUtc } from '#core/local-time.ts';
import type { Slot } from '#core/model.ts';
import { newSlot } from '#core/slot.ts';
import { json, readJson, readQuery } from '#runtime/http.ts';
import type { Deps } from '#services/deps.ts';
import { withdrawSlot } from '#services/slot-changes.ts';
import { getClinic } from '#store/clinics.ts';
import { createSlots, getSlot, slotsByClinicDay } from '#store/slots.ts';
import { callerOf, type RegisterRoutes } from './context.ts';

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected local time as HH:MM');

export const createSlotBody = z
  .object({
    clinicId: z.string().min(1),
    type: z.string().min(1),
    /** Either a UTC instant… */
    startsAt: z.iso.datetime({ offset: true }).optional(),
    /** …or the clinic's local date and time (Europe/London). */
    date: calendarDate.optional(),
    time: hhmm.optional(),
    durationMinutes: z.number().int().min(5).max(480).optional(),
    /** Offer it straight away to the short-notice list (a slot that came up at short notice). */
    shortNotice: z.boolean().default(false),
  })
  .refine((b) => b.startsAt !== undefined || (b.date !== undefined && b.time !== undefined), {
    message: 'give either startsAt, or date and time',
    path: ['startsAt'],
  });

export const createSessionBody = z
  .object({
    clinicId: z.string().min(1),
    type: z.string().min(1),
    date: calendarDate,
    from: hhmm,
    to: hhmm,
    everyMinutes: z.number().int().min(5).max(240),
    durationMinutes: z.number().int().min(5).max(480).optional(),
  })
  .refine((b) => b.from < b.to, { message: 'must be after from', path: ['to'] });

export const listSlotsQuery = z.object({
  clinicId: z.string().min(1),
  date: calendarDate,
  limit: z.coerce.number().int().min(1).max(500).optional(),
  cursor: z.string().optional(),
});

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

export const registerSlotRoutes: RegisterRoutes = (router, deps) => {
  router.post('/slots', async ({ req }) => {
    const body = await readJson(req, createSlotBody);
    const defaultDuration = await checkClinicAndType(deps, body.clinicId, body.type);
    const startsAt = body.startsAt
      ? new Date(body.startsAt).toISOString()
      : toUtc(deps, body.date!, body.time!, 'time');
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
    return json(201, slot);
  });

  router.post('/slots/session', async ({ req }) => {
    const body = await readJson(req, createSessionBody);
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
    return json(201, { items: await createSlots(deps.store, slots) });
  });

  router.get('/slots', async ({ req }) => {
    const q = readQuery(req, listSlotsQuery);
    return json(
      200,
      await slotsByClinicDay(deps.store, q.clinicId, q.date, { limit: q.limit, cursor: q.cursor }),
    );
  });

  router.post('/slots/:id/withdraw', async ({ params, event }) => {
    return json(200, await withdrawSlot(deps, { slotId: params.id!, by: callerOf(event) }));
  });

  router.get('/slots/:id', async ({ params }) => {
    const slot = await getSlot(deps.store, params.id!);
    if (!slot) throw new NotFoundError(`Slot ${params.id} does not exist`);
    return json(200, slot);
  });
};

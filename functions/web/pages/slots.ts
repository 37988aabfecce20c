/**
 * `/staff/slots`: a clinic's slots on a day, and (for schedulers, managers and administrators) the forms
 * that create a clinic session (from, to, every N minutes) or a single slot, which may go straight to the
 * short-notice list, and a button that withdraws a free slot. Health visitors read slots (they book) and
 * see no buttons. Every read and change is a route called in-process (`GET /slots`, `POST /slots`,
 * `POST /slots/session`, `POST /slots/{id}/withdraw`), so its permission check and audit apply.
 */
import { DateTime } from 'luxon';
import * as z from 'zod';
import { echo } from '#web/form-messages.ts';
import { errorStatus, type PageContext, type RegisterPages, redirect } from '#web/router.ts';
import { clinicNames, fieldErrors, localFormat, typeNames } from './planning.ts';
import { addressClinicError, addressDayError, addressParamError, isoDay } from './staff-kit.ts';

const READERS = ['scheduler', 'health-visitor', 'manager', 'admin'] as const;
const CHANGERS = ['scheduler', 'manager', 'admin'] as const;

const STATUS_TAGS: Readonly<Record<string, { text: string; classes: string }>> = {
  FREE: { text: 'Free', classes: 'nhsuk-tag--green' },
  OFFERING: { text: 'Offered at short notice', classes: 'nhsuk-tag--yellow' },
  BOOKED: { text: 'Booked', classes: 'nhsuk-tag--blue' },
  WITHDRAWN: { text: 'Withdrawn', classes: 'nhsuk-tag--grey' },
};

const SESSION_FIELDS = {
  clinicId: { id: 'session-type', name: 'Clinic' },
  type: { id: 'session-type', name: 'Appointment type' },
  date: { id: 'session-from', name: 'Date' },
  from: { id: 'session-from', name: 'From' },
  to: { id: 'session-to', name: 'To' },
  everyMinutes: { id: 'session-every', name: 'Every' },
  durationMinutes: { id: 'session-duration', name: 'Length' },
} as const;

const SLOT_FIELDS = {
  clinicId: { id: 'slot-type', name: 'Clinic' },
  type: { id: 'slot-type', name: 'Appointment type' },
  date: { id: 'slot-time', name: 'Date' },
  time: { id: 'slot-time', name: 'Time' },
  startsAt: { id: 'slot-time', name: 'Time' },
  durationMinutes: { id: 'slot-duration', name: 'Length' },
} as const;

/** What the Slots page's address may carry: the clinic (`clinic` too), the day, and the after-a-change flags. */
const SLOTS_ADDRESS = z.object({
  clinicId: z.string(),
  clinic: z.string(),
  date: z.string(),
  created: z.string(),
  withdrawn: z.string(),
  offered: z.string(),
});

const minutes = (value: string | null | undefined) => {
  const text = (value ?? '').trim();
  return text === '' ? undefined : /^\d+$/.test(text) ? Number(text) : Number.NaN;
};

export const registerSlotPages: RegisterPages = (router, deps) => {
  const format = localFormat(deps);
  const types = typeNames(deps);
  const typeItems = (selected?: string) =>
    Object.entries(types).map(([value, text]) => ({ value, text, selected: value === selected }));
  const mayChange = (page: PageContext) =>
    page.staff?.roles.some((r) => (CHANGERS as readonly string[]).includes(r)) ?? false;
  const today = () => DateTime.fromJSDate(deps.now()).setZone(deps.config.timeZone).toISODate()!;

  const renderDay = async (
    page: PageContext,
    input: { clinicId?: string; date?: string; form?: 'session' | 'slot'; values?: Record<string, unknown> },
    errors?: ReturnType<typeof fieldErrors>,
  ) => {
    const clinics = await clinicNames(page);
    const clinicIds = Object.keys(clinics);
    const clinicId = input.clinicId && input.clinicId in clinics ? input.clinicId : clinicIds[0];
    // A date that is not a real one (a hand-edited 30 February) shows today; the route's 400 says why.
    const date = isoDay(input.date) ?? today();
    let slots: {
      id: string;
      time: string;
      type: string;
      length: string;
      status: { text: string; classes: string };
      run?: string;
      mayWithdraw: boolean;
    }[] = [];
    if (clinicId) {
      const found = await page.invoke('listSlots', { query: { clinicId, date, limit: 500 } });
      if (!found.ok) return errorStatus(found.status);
      slots = found.body.items.map((slot) => ({
        id: slot.id,
        time: format.time(slot.startsAt),
        type: types[slot.type] ?? slot.type,
        length: `${slot.durationMinutes} min`,
        status: STATUS_TAGS[slot.status] ?? { text: slot.status, classes: 'nhsuk-tag--grey' },
        ...(slot.backfill && {
          run: `Short-notice run: ${slot.backfill.state.toLowerCase().replaceAll('_', ' ')}`,
        }),
        mayWithdraw: slot.status === 'FREE' || slot.status === 'OFFERING',
        // Free, not waiting for a run already, and still to come: POST /slots/{id}/short-notice takes it.
        mayOffer:
          slot.status === 'FREE' &&
          (!slot.freedAt || slot.backfill?.runId === slot.freedAt) &&
          Date.parse(slot.startsAt) > deps.now().getTime(),
      }));
    }
    const values = input.values ?? {};
    return page.render(
      'pages/slots.njk',
      {
        clinicId,
        clinicName: clinicId ? clinics[clinicId] : undefined,
        date,
        dayText: format.day(date),
        clinicItems: Object.entries(clinics).map(([value, text]) => ({
          value,
          text,
          selected: value === clinicId,
        })),
        sessionTypeItems: typeItems(input.form === 'session' ? (values.type as string) : undefined),
        slotTypeItems: typeItems(input.form === 'slot' ? (values.type as string) : undefined),
        slots,
        mayChange: mayChange(page),
        form: input.form,
        values,
        errors: errors?.list ?? [],
        errorById: errors?.byId ?? {},
        created: page.url.searchParams.get('created') ?? undefined,
        withdrawn: page.url.searchParams.get('withdrawn') ? true : undefined,
        offered: page.url.searchParams.get('offered') ? true : undefined,
      },
      errors ? { status: 400 } : undefined,
    );
  };

  const back = (clinicId: string, date: string, extra: string) =>
    redirect(
      `/staff/slots?clinicId=${encodeURIComponent(clinicId)}&date=${encodeURIComponent(date)}&${extra}`,
    );

  router.page({
    method: 'GET',
    path: '/staff/slots',
    summary: "A clinic's slots on a day, with forms to create a session or a slot and to withdraw one",
    access: READERS,
    nav: { label: 'Slots', order: 80 },
    handler: async (page) => {
      const q = page.url.searchParams;
      // `clinic` is the name the Today page's address uses: a link or a person typing it gets the same
      // clinic here. Both, naming different clinics, is said so rather than one quietly winning.
      const named = [...new Set([q.get('clinicId') || '', q.get('clinic') || ''].filter(Boolean))];
      const clinicId = named[0];
      const date = q.get('date') || undefined;
      // A day or clinic in the address that is not one is said so, not quietly replaced by another; and
      // so is a parameter the page does not take (a misspelt `clinc=` would otherwise show the first clinic).
      const clinics = await clinicNames(page);
      const clinicError =
        named.length > 1
          ? `Clinic: the address names two clinics, “${echo(named[0] ?? '')}” and “${echo(named[1] ?? '')}”; choose one from the list`
          : addressClinicError(clinicId, Object.keys(clinics));
      const dateError = addressDayError(date, today());
      const unknownError = addressParamError(q, SLOTS_ADDRESS);
      if (!clinicError && !dateError && !unknownError) return renderDay(page, { clinicId, date });
      return page.render(
        'pages/slots.njk',
        {
          date,
          // A real clinic named beside a bad day stays chosen, to show once the day is corrected.
          clinicItems: Object.entries(clinics).map(([value, text]) => ({
            value,
            text,
            selected: !clinicError && value === clinicId,
          })),
          errors: [
            ...(unknownError ? [{ text: unknownError, href: '#clinicId' }] : []),
            ...(clinicError ? [{ text: clinicError, href: '#clinicId' }] : []),
            ...(dateError ? [{ text: dateError, href: '#date' }] : []),
          ],
          errorById: {},
          clinicError,
          dateError,
        },
        { status: 400 },
      );
    },
  });

  router.page({
    method: 'POST',
    path: '/staff/slots/session',
    summary: 'Creates a clinic session (POST /slots/session)',
    access: CHANGERS,
    handler: async (page) => {
      const f = page.form!.fields;
      const values = {
        type: f.get('type') ?? '',
        from: f.get('from') ?? '',
        to: f.get('to') ?? '',
        every: f.get('every') ?? '',
        duration: f.get('duration') ?? '',
      };
      const clinicId = f.get('clinicId') ?? '';
      const date = f.get('date') ?? '';
      const result = await page.invoke('createSession', {
        body: {
          clinicId,
          type: values.type,
          date,
          from: values.from,
          to: values.to,
          everyMinutes: minutes(values.every) as number,
          ...(minutes(values.duration) !== undefined && { durationMinutes: minutes(values.duration) }),
        },
      });
      if (!result.ok) {
        if (result.status === 403) return errorStatus(403);
        return renderDay(
          page,
          { clinicId, date, form: 'session', values },
          fieldErrors(result.error.fields, result.error.message, SESSION_FIELDS),
        );
      }
      return back(clinicId, date, `created=${result.body.items.length}`);
    },
  });

  router.page({
    method: 'POST',
    path: '/staff/slots/single',
    summary: 'Creates one slot, which may go straight to the short-notice list (POST /slots)',
    access: CHANGERS,
    handler: async (page) => {
      const f = page.form!.fields;
      const values = {
        type: f.get('type') ?? '',
        time: f.get('time') ?? '',
        duration: f.get('duration') ?? '',
        shortNotice: f.get('shortNotice') === 'yes',
      };
      const clinicId = f.get('clinicId') ?? '';
      const date = f.get('date') ?? '';
      const result = await page.invoke('createSlot', {
        body: {
          clinicId,
          type: values.type,
          date,
          time: values.time,
          shortNotice: values.shortNotice,
          ...(minutes(values.duration) !== undefined && { durationMinutes: minutes(values.duration) }),
        },
      });
      if (!result.ok) {
        if (result.status === 403) return errorStatus(403);
        return renderDay(
          page,
          { clinicId, date, form: 'slot', values },
          fieldErrors(result.error.fields, result.error.message, SLOT_FIELDS),
        );
      }
      return back(clinicId, date, 'created=1');
    },
  });

  router.page({
    method: 'POST',
    path: '/staff/slots/:id/short-notice',
    summary: 'Offers a free slot to the short-notice list now (POST /slots/{id}/short-notice)',
    access: CHANGERS,
    handler: async (page) => {
      const id = page.params.id!;
      const result = await page.invoke('offerSlotAtShortNotice', { params: { id } });
      if (result.ok) return back(result.body.clinicId, result.body.localDay, 'offered=1');
      if (result.status !== 409) return errorStatus(result.status === 400 ? 404 : result.status);
      const slot = await page.invoke('getSlot', { params: { id } });
      if (!slot.ok) return errorStatus(slot.status);
      return renderDay(
        page,
        { clinicId: slot.body.clinicId, date: slot.body.localDay },
        { list: [{ text: result.error.message, href: '#slots' }], byId: {} },
      );
    },
  });

  router.page({
    method: 'POST',
    path: '/staff/slots/:id/withdraw',
    summary: 'Withdraws a slot: it can no longer be booked or offered (POST /slots/{id}/withdraw)',
    access: CHANGERS,
    handler: async (page) => {
      const result = await page.invoke('withdrawSlot', { params: { id: page.params.id! } });
      if (!result.ok) return errorStatus(result.status === 400 ? 404 : result.status);
      return back(result.body.clinicId, result.body.localDay, 'withdrawn=1');
    },
  });
};

/**
 * `/staff/short-notice` (schedulers, managers, administrators): the short-notice list of an appointment
 * type (each family's score now with its breakdown, availability and dates) with a button to take a
 * family off it; the runs of offers under way (the slot, the wave, each family offered, their hold and
 * what they said); and `/staff/short-notice/add`, the form that puts a family on the list. Every read and
 * change is a route of the admin API called in-process (`GET /short-notice`, `GET /short-notice/runs`,
 * `POST /waitlist`, `DELETE /waitlist/{id}`), so its permission check and audit apply.
 */
import { DAYS_OF_WEEK } from '#core/waitlist.ts';
import { echo, type FieldWords } from '#web/form-messages.ts';
import { errorStatus, type PageContext, type RegisterPages, redirect } from '#web/router.ts';
import { clinicNames, fieldErrors, localFormat, typeNames } from './planning.ts';

const ACCESS = ['scheduler', 'manager', 'admin'] as const;

const DAY_NAMES: Readonly<Record<string, string>> = {
  MON: 'Monday',
  TUE: 'Tuesday',
  WED: 'Wednesday',
  THU: 'Thursday',
  FRI: 'Friday',
  SAT: 'Saturday',
  SUN: 'Sunday',
};

/** What an offer's status means to the person reading the run. */
const ANSWERS: Readonly<Record<string, string>> = {
  PENDING: 'Waiting for an answer',
  ACCEPTED: 'Yes: booked',
  DECLINED: 'No',
  EXPIRED: 'No answer in time',
  TAKEN: 'Too late: another family took it',
  WITHDRAWN: 'Offer withdrawn',
};

const RUN_STATES: Readonly<Record<string, string>> = {
  OFFERING: 'Offering',
  WAITING_FOR_DAYTIME: 'Waiting for the morning (quiet hours)',
};

/** The form's fields by the route's body field names, for error messages (form-messages.ts). */
const ADD_FIELDS: Readonly<Record<string, FieldWords>> = {
  clientId: {
    id: 'family',
    name: 'Family',
    say: { any: "Enter the family's mobile number or their Attend id" },
  },
  type: { id: 'type', name: 'Appointment type', say: { any: 'Choose an appointment type' } },
  acceptableClinicIds: {
    id: 'clinics',
    name: 'Clinics',
    say: { any: 'Choose at least one clinic', tooMany: 'Choose no more than 50 clinics' },
  },
  availability: {
    id: 'days',
    name: 'Availability',
    say: { notAChoice: 'Choose the days they can come' },
  },
  earliestDate: { id: 'earliestDate', name: 'Earliest date' },
  latestDate: {
    id: 'latestDate',
    name: 'Latest date',
    say: { other: 'The latest date must be the same as or after the earliest date' },
  },
  consentToShortNotice: { id: 'consent', name: 'Consent' },
  currentBookingId: { id: 'family', name: 'Current booking' },
};

const looksLikePhone = (value: string) => /^[+\d][\d\s()-]{6,}$/.test(value.trim());

export const registerShortNoticePages: RegisterPages = (router, deps) => {
  const format = localFormat(deps);
  const types = typeNames(deps);
  const typeIds = Object.keys(types);
  const chosenType = (page: PageContext, value?: string | null) => {
    const type = value ?? page.url.searchParams.get('type') ?? '';
    return type in types ? type : typeIds[0]!;
  };
  const mayChange = (page: PageContext) =>
    page.staff?.roles.some((r) => r === 'scheduler' || r === 'manager' || r === 'admin') ?? false;

  router.page({
    method: 'GET',
    path: '/staff/short-notice',
    summary: 'The short-notice list of a type, with each score explained, and the offers going out now',
    access: ACCESS,
    nav: { label: 'Short-notice', order: 40 },
    handler: async (page) => {
      // A type in the address that is not one is said so, not quietly replaced by the first type.
      const asked = page.url.searchParams.get('type') ?? '';
      if (asked && !(asked in types)) {
        const typeError = `Appointment type: there is no appointment type “${echo(asked)}”; choose one from the list`;
        return page.render(
          'pages/short-notice.njk',
          {
            typeError,
            addressErrors: [{ text: typeError, href: '#type' }],
            typeItems: typeIds.map((id) => ({ value: id, text: types[id] })),
          },
          { status: 400 },
        );
      }
      const type = chosenType(page);
      const [list, runs, clinics] = await Promise.all([
        page.invoke('listShortNotice', { query: { type, limit: 200 } }),
        page.invoke('listShortNoticeRuns', {}),
        clinicNames(page),
      ]);
      if (!list.ok) return errorStatus(list.status);
      if (!runs.ok) return errorStatus(runs.status);
      const added = page.url.searchParams.get('added');
      const removed = page.url.searchParams.get('removed');
      return page.render('pages/short-notice.njk', {
        type,
        typeName: types[type],
        typeItems: typeIds.map((id) => ({ value: id, text: types[id], selected: id === type })),
        mayChange: mayChange(page),
        added: added ? list.body.items.find((e) => e.id === added) : undefined,
        removed: removed ?? undefined,
        entries: list.body.items.map((entry) => ({
          id: entry.id,
          name: `${[entry.firstName ?? 'Unknown', entry.familyName].filter(Boolean).join(' ')}${
            entry.noMobile ? ' (no mobile: ring them, never offered by text)' : ''
          }`,
          score: entry.scoreNow.toFixed(1),
          breakdown: entry.breakdown.map((p) => ({
            points: `${p.points >= 0 ? '+' : ''}${p.points.toFixed(1)}`,
            detail: p.detail,
          })),
          availability:
            entry.availability.length === 0
              ? ['Any time']
              : entry.availability.map(
                  (w) =>
                    `${w.days.map((d) => DAY_NAMES[d]?.slice(0, 3) ?? d).join(', ')} ${w.from} to ${w.to}`,
                ),
          dates: entry.dates.ageUnknown
            ? 'Not known: add a date of birth or dates'
            : entry.dates.earliest && entry.dates.latest
              ? `${format.day(entry.dates.earliest)} to ${format.day(entry.dates.latest)}`
              : entry.dates.latest
                ? `Until ${format.day(entry.dates.latest)}`
                : entry.dates.earliest
                  ? `From ${format.day(entry.dates.earliest)}`
                  : 'Any date',
          clinics: entry.acceptableClinicIds.map((id) => clinics[id] ?? id).join(', '),
          consent: entry.consentToShortNotice,
        })),
        runs: runs.body.items.map(({ slot, offers }) => ({
          slotId: slot.id,
          title: `${types[slot.type] ?? slot.type}, ${clinics[slot.clinicId] ?? slot.clinicId}, ${format.when(slot.startsAt)}`,
          state: RUN_STATES[slot.backfill?.state ?? ''] ?? slot.backfill?.state ?? '',
          wave: slot.backfill?.wave ?? 0,
          offersMade: slot.backfill?.offersMade ?? 0,
          startedAt: slot.backfill ? format.when(slot.backfill.startedAt) : '',
          offers: offers.map((o) => ({
            name: o.firstName ?? 'Unknown',
            wave: o.wave,
            score: o.score.toFixed(1),
            offeredAt: format.time(o.offeredAt),
            holdUntil: format.time(o.expiresAt),
            answer: ANSWERS[o.status] ?? o.status,
            answeredAt: o.respondedAt ? format.time(o.respondedAt) : '',
          })),
        })),
      });
    },
  });

  const renderAdd = async (
    page: PageContext,
    values: Record<string, unknown>,
    errors?: ReturnType<typeof fieldErrors>,
    children?: { value: string; text: string }[],
  ) => {
    const clinics = await clinicNames(page);
    const type = chosenType(page, values.type as string | undefined);
    const checkedClinics = (values.clinics as string[] | undefined) ?? [];
    const checkedDays = (values.days as string[] | undefined) ?? [];
    return page.render(
      'pages/short-notice-add.njk',
      {
        values,
        errors: errors?.list ?? [],
        errorById: errors?.byId ?? {},
        children,
        typeItems: typeIds.map((id) => ({ value: id, text: types[id], selected: id === type })),
        clinicItems: Object.entries(clinics).map(([id, name]) => ({
          value: id,
          text: name,
          checked: checkedClinics.includes(id),
        })),
        dayItems: DAYS_OF_WEEK.map((d) => ({
          value: d,
          text: DAY_NAMES[d],
          checked: checkedDays.includes(d),
        })),
      },
      errors ? { status: 400 } : undefined,
    );
  };

  router.page({
    method: 'GET',
    path: '/staff/short-notice/add',
    summary: 'The form that puts a family on the short-notice list',
    access: ACCESS,
    handler: (page) =>
      renderAdd(page, {
        family: page.url.searchParams.get('clientId') ?? '',
        type: chosenType(page),
        consent: false,
      }),
  });

  router.page({
    method: 'POST',
    path: '/staff/short-notice/add',
    summary: 'Puts a family on the short-notice list (POST /waitlist)',
    access: ACCESS,
    handler: async (page) => {
      const form = page.form!.fields;
      const values = {
        family: (form.get('clientId') ?? form.get('family') ?? '').trim(),
        type: form.get('type') ?? '',
        clinics: form.getAll('clinics'),
        days: form.getAll('days'),
        from: form.get('from') ?? '',
        to: form.get('to') ?? '',
        earliestDate: form.get('earliestDate') ?? '',
        latestDate: form.get('latestDate') ?? '',
        consent: form.get('consent') === 'yes',
      };
      // A mobile number finds the family; with several children on it, staff choose which.
      let clientId = values.family;
      if (!form.get('clientId') && looksLikePhone(values.family)) {
        const found = await page.invoke('findClientsByPhone', { query: { phone: values.family } });
        if (!found.ok && found.status !== 400) return errorStatus(found.status);
        const items = found.ok ? found.body.items.filter((c) => !('erased' in c && c.erased)) : [];
        if (items.length !== 1) {
          // A number that cannot be a mobile is said so, with why, not looked up as if it could be.
          const badNumber = found.ok
            ? undefined
            : found.error.fields?.find((f) => f.field === 'query.phone')?.message;
          const message = !found.ok
            ? `This is not a valid UK mobile number. ${badNumber ?? ''}`.trim()
            : items.length === 0
              ? 'No family has this mobile number'
              : 'Several children share this mobile number: choose one';
          return renderAdd(
            page,
            values,
            fieldErrors([{ field: 'clientId', message }], message, ADD_FIELDS),
            items.length > 1
              ? items.map((c) => ({
                  value: c.id,
                  text: `${c.firstName} ${c.familyName ?? ''}${c.dateOfBirth ? `, born ${format.day(c.dateOfBirth)}` : ''}`.trim(),
                }))
              : undefined,
          );
        }
        clientId = items[0]!.id;
      }
      const window =
        values.days.length > 0 || values.from || values.to
          ? [{ days: values.days, from: values.from, to: values.to }]
          : [];
      const result = await page.invoke('addToWaitlist', {
        body: {
          clientId,
          type: values.type,
          acceptableClinicIds: values.clinics,
          availability: window,
          ...(values.earliestDate && { earliestDate: values.earliestDate }),
          ...(values.latestDate && { latestDate: values.latestDate }),
          consentToShortNotice: values.consent,
        } as never,
      });
      if (!result.ok) {
        if (result.status === 403) return errorStatus(403);
        const fields =
          result.status === 404
            ? [{ field: 'clientId', message: 'there is no family with this record id' }]
            : result.error.fields;
        return renderAdd(page, values, fieldErrors(fields, result.error.message, ADD_FIELDS));
      }
      return redirect(
        `/staff/short-notice?type=${encodeURIComponent(result.body.type)}&added=${encodeURIComponent(result.body.id)}`,
      );
    },
  });

  router.page({
    method: 'POST',
    path: '/staff/short-notice/:id/remove',
    summary: 'Takes a family off the short-notice list (DELETE /waitlist/{id})',
    access: ACCESS,
    handler: async (page) => {
      const result = await page.invoke('removeWaitlistEntry', { params: { id: page.params.id! } });
      if (!result.ok) return errorStatus(result.status === 400 ? 404 : result.status);
      return redirect(
        `/staff/short-notice?type=${encodeURIComponent(result.body.type)}&removed=${encodeURIComponent(result.body.id)}`,
      );
    },
  });
};

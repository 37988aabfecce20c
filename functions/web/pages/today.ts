/**
 * `/staff/today`: a clinic's day (pick the clinic and the day) with each booking's child, type, time,
 * status, reminders and replies; the outcome in one click; move or cancel with a reason; and the
 * families to call before tomorrow. Every action is a route of the table called as the signed-in person
 * (`page.invoke`), so its permission check and audit are the API's own.
 */

import * as z from 'zod';
import { CANCEL_REASONS, type CancelReason } from '#core/cancel-reason.ts';
import type { NoLetterReason, NoSmsReason } from '#core/contact-channels.ts';
import { echo } from '#web/form-messages.ts';
import { errorStatus, type PageContext, type RegisterPages, redirect } from '#web/router.ts';
import { ROLES } from '#web/staff-session.ts';
import { REASON_LABELS } from './metrics.ts';
import {
  addDays,
  addressClinicError,
  addressDayError,
  addressParamError,
  formats,
  isoDay,
  may,
  STATUS_LABELS,
  seesSensitiveFlags,
  typeName,
} from './staff-kit.ts';

const OUTCOME_ERRORS: Readonly<Record<string, string>> = {
  NOT_STARTED: 'That appointment has not started yet: record its outcome once it has.',
  OUTCOME_ALREADY_RECORDED: 'That appointment already has an outcome.',
  BOOKING_CANCELLED: 'That booking was cancelled, so it has no outcome.',
};

const OUTCOME_LABELS: Readonly<Record<string, string>> = {
  ATTENDED: 'attended',
  DNA: 'did not attend',
  WNB: 'was not brought',
};

const TIER_STATUS: Readonly<Record<string, string>> = {
  PENDING: 'due',
  SENDING: 'sending',
  SENT: 'sent',
  SKIPPED: 'not sent',
};

/** Tiers skipped for reasons nobody need see: booked too late for them, or not for this booking. */
const QUIET_SKIPS = new Set(['past-at-booking', 'not-applicable']);
/** Why a text was not sent, in words (an unknown code is shown as it is). */
export const SKIP_WORDS: Readonly<Record<string, string>> = {
  'no-phone': 'no mobile',
  'opted-out': 'the number is opted out of texts',
  'do-not-text': 'do not text',
  'sms-off': 'texts are off for this family',
  'appointment-started': 'the appointment had started',
  'after-start': 'it would have gone after the appointment started',
  superseded: 'a later text replaced it',
  'past-at-booking': 'booked too late for it',
  'not-applicable': 'not for this appointment time',
  'send-failed': 'sending failed',
  'offer-accepted-text': 'the reply to their YES confirmed it',
  'not-requested': 'not asked for when imported',
  'before-demo-start': "before the demo's start",
};

/** Why a text cannot go, in words (`optOut` says how a number came to be opted out). */
const NO_SMS_WORDS: Readonly<Record<NoSmsReason, string>> = {
  'no-phone': 'No mobile number',
  'sms-off': 'Texts are off for this family',
  'opted-out': 'Cannot be texted (opted out)',
  unreachable: 'Number cannot get texts',
};
const OPT_OUT_WORDS: Readonly<Record<string, string>> = {
  'stop-text': 'Cannot be texted (texted STOP)',
  staff: 'Cannot be texted (asked staff to stop texts)',
};
/** Why a letter cannot go, in words. */
const NO_LETTER_WORDS: Readonly<Record<NoLetterReason, string>> = {
  'letters-disabled': 'this service sends no letters',
  'letter-off': 'letters are off for this family',
  'no-address': 'no postal address',
};

interface ToCallItem {
  misses: number;
  why: readonly string[];
  cannotReach?: { noSms: NoSmsReason; noLetter: NoLetterReason; optOut?: string };
}

/**
 * Why a family is on the list to call, in plain words: "2 missed appointments in the last year, no reply
 * to texts"; "Flagged vulnerable, no reply"; "Cannot be texted (texted STOP) and no postal address". A
 * scheduler is not told a family is flagged vulnerable (the families page keeps that flag from them too):
 * they read that the health visitor flagged the family, and ask them why.
 */
export function callReasons(item: ToCallItem, sensitive: boolean): string[] {
  const risk = [
    ...(item.why.includes('missed')
      ? [`${item.misses} missed appointment${item.misses === 1 ? '' : 's'} in the last year`]
      : []),
    // A scheduler's answer says `flagged`, not `vulnerable` (functions/api/sensitive.ts).
    ...(item.why.includes('vulnerable') || item.why.includes('flagged')
      ? [
          sensitive && item.why.includes('vulnerable')
            ? 'flagged vulnerable'
            : 'flagged by the health visitor',
        ]
      : []),
  ];
  const reasons: string[] = [];
  if (risk.length) {
    const text = `${risk.join(' and ')}, no reply${item.why.includes('missed') ? ' to texts' : ''}`;
    reasons.push(text.charAt(0).toUpperCase() + text.slice(1));
  }
  const c = item.cannotReach;
  if (c) {
    const sms = (c.noSms === 'opted-out' && c.optOut && OPT_OUT_WORDS[c.optOut]) || NO_SMS_WORDS[c.noSms];
    reasons.push(
      c.noSms === 'sms-off' && c.noLetter === 'letter-off'
        ? 'Texts and letters are off for this family'
        : `${sms} and ${NO_LETTER_WORDS[c.noLetter]}`,
    );
  }
  return reasons;
}

/**
 * What the Today page's address may carry: the clinic and the day, and what `back` adds after a change
 * (what was done, a refused outcome's code, the outcome recorded, a follow-up opened).
 */
const TODAY_ADDRESS = z.object({
  clinic: z.string(),
  date: z.string(),
  done: z.string(),
  error: z.string(),
  outcome: z.string(),
  followUp: z.string(),
});

function back(
  clinic: string | undefined,
  date: string | undefined,
  extra: Record<string, string> = {},
): string {
  const query = new URLSearchParams();
  if (clinic) query.set('clinic', clinic);
  if (date) query.set('date', date);
  for (const [k, v] of Object.entries(extra)) query.set(k, v);
  const text = query.toString();
  return `/staff/today${text ? `?${text}` : ''}`;
}

function field(page: PageContext, name: string): string {
  return page.form?.fields.get(name)?.trim() ?? '';
}

/**
 * The route's own words on a refused reason (too long names its limit), as the page says them; a
 * blank reason asks for one.
 */
function reasonError(
  fields: readonly { field: string; message: string }[] | undefined,
  reason: string,
  blank: string,
): string | undefined {
  if (!reason) return blank;
  const issue = fields?.find((f) => f.field === 'reason');
  return issue ? `The reason ${issue.message} (it has ${reason.length})` : undefined;
}

export const registerTodayPages: RegisterPages = (router, deps) => {
  const f = formats(deps);

  router.page({
    method: 'GET',
    path: '/staff/today',
    summary: "A clinic's day: bookings, reminders, replies, outcomes; and the families to call",
    access: ROLES,
    nav: { label: 'Today', order: 10 },
    handler: async (page) => {
      if (!may(page, 'getClinicDay')) return page.render('pages/today.njk', { noAccess: true });
      // Families to call does not depend on the clinic picked: it starts with the clinic list.
      // One list, one route: the high-risk families who have not replied and (`include=cannot-reach`) those
      // neither a text nor a letter can reach, from one read of tomorrow (as the signed-in person).
      const toCallPending = page.invoke('listFamiliesToCall', { query: { include: 'cannot-reach' } });
      const clinics = await page.invoke('listClinics', {});
      if (!clinics.ok) {
        await toCallPending.catch(() => undefined);
        return errorStatus(clinics.status);
      }
      const q = page.url.searchParams;
      const today = f.today();
      // A day or clinic in the address that is not one is said so, not quietly replaced by another.
      const asked = { date: q.get('date') ?? '', clinic: q.get('clinic') ?? '' };
      const dateError = addressDayError(asked.date, today);
      const clinicError = addressClinicError(
        asked.clinic,
        clinics.body.items.map((c) => c.id),
      );
      // A parameter the page does not take (a misspelt `clinc=`) is said so, not quietly ignored.
      const unknownError = addressParamError(q, TODAY_ADDRESS);
      if (dateError || clinicError || unknownError) {
        await toCallPending.catch(() => undefined);
        return page.render(
          'pages/today.njk',
          {
            clinics: clinics.body.items.map((c) => ({ value: c.id, text: c.name })),
            date: echo(asked.date, 100),
            dateError,
            clinicError,
            addressErrors: [
              ...(unknownError ? [{ text: unknownError, href: '#clinic' }] : []),
              ...(clinicError ? [{ text: clinicError, href: '#clinic' }] : []),
              ...(dateError ? [{ text: dateError, href: '#date' }] : []),
            ],
          },
          { status: 400 },
        );
      }
      const date = isoDay(asked.date) ?? today;
      const clinicId = clinics.body.items.find((c) => c.id === asked.clinic)?.id ?? clinics.body.items[0]?.id;
      const [day, toCall] = await Promise.all([
        clinicId ? page.invoke('getClinicDay', { params: { id: clinicId }, query: { date } }) : undefined,
        toCallPending,
      ]);
      if (day && !day.ok) return errorStatus(day.status);
      const now = deps.now().toISOString();
      const canCancel = may(page, 'cancelBooking');
      const canMove = may(page, 'moveBooking');
      const canOutcome = may(page, 'recordOutcome');
      const sensitive = seesSensitiveFlags(page);
      const bookings = (day?.ok ? day.body.items : []).map((item) => {
        const b = item.booking;
        const live = b.status === 'BOOKED';
        const started = b.startsAt <= now;
        return {
          id: b.id,
          ref: b.ref,
          time: f.time(b.startsAt),
          name: item.firstName || '(erased)',
          type: typeName(deps, b.type),
          status: STATUS_LABELS[b.status] ?? { text: b.status, colour: 'grey' },
          note: b.cancelReason ?? b.outcomeNote,
          reminders: item.reminders
            .filter((r) => !QUIET_SKIPS.has(r.skipReason ?? ''))
            .map((r) => ({
              text: `${r.kind === 'confirmation' ? 'Confirmation' : 'Reminder'} ${TIER_STATUS[r.status] ?? r.status} ${
                r.sentAt ? f.dayTime(r.sentAt) : f.dayTime(r.dueAt)
              }${r.skipReason ? ` (${SKIP_WORDS[r.skipReason] ?? r.skipReason})` : ''}`,
            })),
          replies: item.replies.map((r) => ({ at: f.dayTime(r.at), body: r.body })),
          outcome: live && started && canOutcome,
          cancel: live && !started && canCancel,
          move: live && !started && canMove,
          clientId: b.clientId,
          // A family with no mobile: no text goes, so staff see it next to the name.
          noMobile: b.phone === undefined,
        };
      });
      const done = q.get('done');
      const error = q.get('error');
      return page.render('pages/today.njk', {
        clinics: clinics.body.items.map((c) => ({ value: c.id, text: c.name, selected: c.id === clinicId })),
        clinicId,
        clinicName: day?.ok ? day.body.clinic.name : undefined,
        date,
        dateLabel: f.longDate(date),
        isToday: date === today,
        previous: back(clinicId, addDays(date, -1)),
        next: back(clinicId, addDays(date, 1)),
        bookings,
        sensitive,
        toCall: toCall.ok
          ? {
              dateLabel: f.longDate(toCall.body.date),
              items: toCall.body.items.map((c) => ({
                clientId: c.booking.clientId,
                name: `${c.firstName} ${c.familyName}`.trim(),
                when: f.time(c.booking.startsAt),
                clinic: c.clinicName,
                type: typeName(deps, c.booking.type),
                why: callReasons(c, sensitive),
              })),
            }
          : undefined,
        done: done && /^[a-z]+$/.test(done) ? done : undefined,
        doneOutcome: OUTCOME_LABELS[q.get('outcome') ?? ''],
        followUpOpened: q.get('followUp') === '1',
        error: error
          ? (OUTCOME_ERRORS[error] ?? 'That could not be done. Refresh the page and try again.')
          : undefined,
      });
    },
  });

  router.page({
    method: 'POST',
    path: '/staff/today/bookings/:id/outcome',
    summary: 'Record an outcome: attended, did not attend or was not brought',
    access: ROLES,
    handler: async (page) => {
      const clinic = field(page, 'clinic') || undefined;
      const date = isoDay(field(page, 'date'));
      const outcome = field(page, 'outcome');
      const result = await page.invoke('recordOutcome', {
        params: { id: page.params.id ?? '' },
        body: { outcome: outcome as 'ATTENDED' },
      });
      if (!result.ok) {
        if (result.status === 403 || result.status === 404) return errorStatus(result.status);
        return redirect(back(clinic, date, { error: result.error.code }));
      }
      return redirect(
        back(clinic, date, {
          done: 'outcome',
          outcome,
          ...(result.body.followUp && { followUp: '1' }),
        }),
      );
    },
  });

  // Cancel: a page asking why, then the route.
  const cancelPage = async (
    page: PageContext,
    errors?: Record<string, string>,
    values?: Record<string, string>,
  ) => {
    const booking = await page.invoke('getBooking', { params: { id: page.params.id ?? '' } });
    if (!booking.ok) return errorStatus(booking.status);
    const b = booking.body;
    return page.render(
      'pages/booking-cancel.njk',
      {
        booking: { id: b.id, ref: b.ref, when: f.dayTime(b.startsAt), type: typeName(deps, b.type) },
        backHref: back(b.clinicId, b.localDay),
        clinic: b.clinicId,
        date: b.localDay,
        errors,
        values: values ?? { notify: 'yes' },
        // The family's reason, as the reasons charts count it (optional: staff may not know it).
        categories: CANCEL_REASONS.map((value) => ({ value, text: REASON_LABELS[value] })),
      },
      errors ? { status: 400 } : {},
    );
  };

  router.page({
    method: 'GET',
    path: '/staff/today/bookings/:id/cancel',
    summary: 'Cancel a booking: say why',
    access: ROLES,
    handler: async (page) => (may(page, 'cancelBooking') ? cancelPage(page) : errorStatus(403)),
  });

  router.page({
    method: 'POST',
    path: '/staff/today/bookings/:id/cancel',
    summary: 'Cancel a booking with a reason',
    access: ROLES,
    handler: async (page) => {
      const reason = field(page, 'reason');
      const notify = field(page, 'notify') === 'yes';
      const given = field(page, 'category');
      const category = (CANCEL_REASONS as readonly string[]).includes(given)
        ? (given as CancelReason)
        : undefined;
      // A reason not on the list (an edited form) is said, not dropped while the booking is cancelled.
      if (given && !category)
        return cancelPage(
          page,
          {
            category: 'Choose the family’s reason from the list, or leave it',
            ...(!reason && { reason: 'Enter why the booking is cancelled' }),
          },
          { reason, notify: notify ? 'yes' : '', category: '' },
        );
      const result = await page.invoke('cancelBooking', {
        params: { id: page.params.id ?? '' },
        body: { reason, notify, ...(category && { category }) },
      });
      if (!result.ok) {
        const values = { reason, notify: notify ? 'yes' : '', category: category ?? '' };
        if (result.status === 400) {
          const blank = 'Enter why the booking is cancelled';
          return cancelPage(
            page,
            { reason: reasonError(result.error.fields, reason, blank) ?? result.error.message },
            values,
          );
        }
        if (result.status === 409) return cancelPage(page, { reason: result.error.message }, values);
        return errorStatus(result.status);
      }
      const b = result.body.booking;
      return redirect(back(b.clinicId, b.localDay, { done: 'cancelled' }));
    },
  });

  const SLOT_NOT_FREE =
    'That time is no longer free (someone may have just booked it); choose one of the free times below';
  const NO_SUCH_SLOT =
    'The time you chose is not a real slot (it may no longer exist); choose one of the free times below';

  // Move: pick a free slot of the same type (at the booking's clinic, on a day chosen), and say why.
  const movePage = async (page: PageContext, day?: string, errors?: Record<string, string>, reason = '') => {
    const booking = await page.invoke('getBooking', { params: { id: page.params.id ?? '' } });
    if (!booking.ok) return errorStatus(booking.status);
    const b = booking.body;
    // A day in the address that is not one is said so (the booking's own day is shown instead).
    const asked = day ? '' : (page.url.searchParams.get('date') ?? '');
    if (asked && !isoDay(asked)) {
      errors = {
        ...errors,
        date: `Day: “${echo(asked)}” is not a real date; enter it as yyyy-mm-dd. Showing free times on the booking's own day.`,
      };
    }
    const date = day ?? isoDay(asked) ?? b.localDay;
    const slots = await page.invoke('listSlots', { query: { clinicId: b.clinicId, date, limit: 500 } });
    const now = deps.now().toISOString();
    const free = slots.ok
      ? slots.body.items.filter(
          (s) => s.type === b.type && (s.status === 'FREE' || s.status === 'OFFERING') && s.startsAt > now,
        )
      : [];
    return page.render(
      'pages/booking-move.njk',
      {
        booking: { id: b.id, ref: b.ref, when: f.dayTime(b.startsAt), type: typeName(deps, b.type) },
        backHref: back(b.clinicId, b.localDay),
        date,
        askedDate: errors?.date ? echo(asked, 100) : undefined,
        dateLabel: f.longDate(date),
        slots: free.map((s) => ({ value: s.id, text: f.time(s.startsAt) })),
        errors,
        reason,
      },
      errors ? { status: 400 } : {},
    );
  };

  router.page({
    method: 'GET',
    path: '/staff/today/bookings/:id/move',
    summary: 'Move a booking: pick a free slot of the same type',
    access: ROLES,
    handler: async (page) => (may(page, 'moveBooking') ? movePage(page) : errorStatus(403)),
  });

  router.page({
    method: 'POST',
    path: '/staff/today/bookings/:id/move',
    summary: 'Move a booking to another slot, with a reason',
    access: ROLES,
    handler: async (page) => {
      const slotId = field(page, 'slotId');
      const reason = field(page, 'reason');
      const date = isoDay(field(page, 'date'));
      if (!slotId || !reason) {
        return movePage(
          page,
          date,
          {
            ...(!slotId && { slotId: 'Choose a new time' }),
            ...(!reason && { reason: 'Enter why the booking is moved' }),
          },
          reason,
        );
      }
      const result = await page.invoke('moveBooking', {
        params: { id: page.params.id ?? '' },
        body: { slotId, reason },
      });
      if (!result.ok) {
        const tooLong = reasonError(result.error.fields, reason, '');
        if (result.status === 400 && tooLong) return movePage(page, date, { reason: tooLong }, reason);
        // A time someone else has just booked (or withdrawn) is said in words, not as the API's slot id.
        if (result.status === 409 && result.error.code === 'SLOT_NOT_FREE')
          return movePage(page, date, { slotId: SLOT_NOT_FREE }, reason);
        if (result.status === 400 || result.status === 409)
          return movePage(page, date, { slotId: result.error.message }, reason);
        // A 404 for a chosen time that is no slot (an old or edited form, a typed id) is said on the
        // time, with the free times again; not "Page not found", which is kept for a booking that does
        // not exist (movePage answers that 404 itself).
        if (result.status === 404) {
          const slot = await page.invoke('getSlot', { params: { id: slotId } });
          if (!slot.ok && slot.status === 404) return movePage(page, date, { slotId: NO_SUCH_SLOT }, reason);
        }
        return errorStatus(result.status);
      }
      const to = result.body.to;
      return redirect(back(to.clinicId, to.localDay, { done: 'moved' }));
    },
  });
};

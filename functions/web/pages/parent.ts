import { CANCEL_REASONS, type CancelReason } from '#core/cancel-reason.ts';
import { type Booking, type Client, type Clinic, ERASED_PHONE, type Slot } from '#core/model.ts';
import { contactRouteOf } from '#services/contact.ts';
import type { Deps } from '#services/deps.ts';
import {
  cancelFromPage,
  checkIdentity,
  confirmAttendance,
  declineOfferFromPage,
  endParentSession,
  identityQuestion,
  joinListFromPage,
  type LinkSubject,
  loadSubject,
  PARENT_NOTE_MAX as OTHER_MAX,
  offerHeldUntil,
  offerIsOver,
  openLink,
  readParentSession,
  rebookChoices,
  rebookFromPage,
  startParentSession,
  takeOfferFromPage,
} from '#services/parent-pages.ts';
import { getBooking } from '#store/bookings.ts';
import { getClinic } from '#store/clinics.ts';
import type { ParentSession } from '#store/parent-links.ts';
import { errorStatus, redirect, type WebRouter, withCookies } from '#web/router.ts';

import {
  type Ctx,
  context,
  cookieNames,
  ended,
  fill,
  type Gate,
  gate,
  holdUntil,
  locked,
  lockedFor,
  message,
  readDate,
  render,
  sessionCookie,
  showCheck,
  summary,
  useFamilyLanguage,
} from './parent-kit.ts';

/**
 * What the page may promise about texts for a booking: a reminder only when a reminder tier is still
 * to go (a time booked for the next day often has none: past at booking, or not applicable), else the
 * confirmation (sent, or still to go after quiet hours), and nothing when the family cannot be texted
 * (no mobile, texts switched off by staff, or the number opted out).
 */
async function textsPromise(
  ctx: Ctx,
  booking: Booking | undefined,
  client: Client,
): Promise<string | undefined> {
  const t = ctx.texts;
  if (!booking || booking.phone === undefined || booking.phone === ERASED_PHONE) return undefined;
  // The one decision of how a family hears (services/contact.ts): texts off, do not text, opted out.
  if ((await contactRouteOf(ctx.deps, client)).route !== 'sms') return undefined;
  const tiers = Object.values(booking.tiers);
  const open = (s: string) => s === 'PENDING' || s === 'SENDING';
  if (tiers.some((tier) => tier.kind === 'reminder' && open(tier.status))) return t.textReminder;
  const confirmation = tiers.find((tier) => tier.kind === 'confirmation');
  if (confirmation?.status === 'SENT') return t.textDetailsSent;
  if (confirmation && open(confirmation.status)) return t.textDetailsDue;
  return undefined;
}

const sentences = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(' ') || undefined;

async function appointmentPage(
  ctx: Ctx,
  subject: LinkSubject,
  done?: string,
  session?: ParentSession,
): Promise<Response> {
  const t = ctx.texts;
  const now = ctx.deps.now().toISOString();
  if (subject.offer) return offerPage(ctx, subject, done, session);
  const booking = subject.booking as Booking;
  if (booking.status === 'CANCELLED' && booking.movedTo) {
    const moved = await getBooking(ctx.deps.store, booking.movedTo);
    if (moved) {
      const clinic = await getClinic(ctx.deps.store, moved.clinicId);
      return render(ctx, 'pages/parent/appointment.njk', {
        title: t.movedTitle,
        lead: sentences(t.movedBody, await textsPromise(ctx, moved, subject.client)),
        appointment: summary(ctx, { type: moved.type, startsAt: moved.startsAt, clinic }),
        actions: false,
        moved: true,
      });
    }
  }
  if (booking.status === 'CANCELLED') {
    return done === 'cancelled'
      ? message(ctx, t.cancelledTitle, t.cancelledBody, { asPanel: true })
      : message(ctx, t.notBookedTitle, t.notBookedBody);
  }
  if (booking.status !== 'BOOKED' || booking.startsAt <= now) return message(ctx, t.passedTitle, t.help);
  return render(ctx, 'pages/parent/appointment.njk', {
    title: t.appointmentTitle,
    appointment: summary(ctx, { type: booking.type, startsAt: booking.startsAt, clinic: subject.clinic }),
    confirmed: booking.parentConfirmedAt !== undefined,
    justConfirmed: done === 'confirmed',
    joined: done === 'joined',
    actions: true,
  });
}

/** `session`: the verified session the page is shown in, to say whether the date will be asked again. */
async function offerPage(
  ctx: Ctx,
  subject: LinkSubject,
  done?: string,
  session?: ParentSession,
): Promise<Response> {
  const t = ctx.texts;
  const offer = subject.offer!;
  const appointment = summary(ctx, {
    type: subject.type,
    startsAt: subject.startsAt,
    clinic: subject.clinic,
  });
  if (offer.status === 'ACCEPTED') {
    const bookingId = subject.slot?.bookingId;
    const booking = bookingId ? await getBooking(ctx.deps.store, bookingId) : undefined;
    const ours = booking?.clientId === offer.clientId ? booking : undefined;
    return render(ctx, 'pages/parent/appointment.njk', {
      title: t.offerTakenTitle,
      lead: await textsPromise(ctx, ours, subject.client),
      appointment,
      actions: false,
      asPanel: done === 'accepted',
    });
  }
  if (done === 'gone' || offer.status === 'TAKEN' || offer.status === 'WITHDRAWN')
    return message(ctx, t.offerGoneTitle, t.offerGoneBody);
  if (offer.status === 'DECLINED')
    return message(ctx, t.offerDeclinedTitle, t.offerDeclinedBody, { asPanel: done === 'declined' });
  if (offer.status !== 'PENDING' || offer.expiresAt <= ctx.deps.now().toISOString() || done === 'expired')
    return message(ctx, t.offerEndedTitle, t.offerEndedBody);
  // A session checked while the time was held lasts until the hold ends: say so, so nobody hurries.
  const lastsTheHold = session !== undefined && session.expiresAt >= offer.expiresAt;
  const hold = holdUntil(ctx, offer.expiresAt);
  return render(ctx, 'pages/parent/offer.njk', {
    title: t.offerTitle,
    appointment,
    hold: lastsTheHold ? `${hold} ${t.offerHoldSession}` : hold,
  });
}

function slotChoice(ctx: Ctx, slot: Slot, clinics: Map<string, Clinic | undefined>) {
  const s = summary(ctx, { type: slot.type, startsAt: slot.startsAt, clinic: clinics.get(slot.clinicId) });
  return { value: slot.id, text: `${s.day}, ${s.time}`, hint: s.venue };
}

export function registerParentPages(router: WebRouter, deps: Deps): void {
  const csrfSecret = async (request: Request) => {
    const url = new URL(request.url);
    const header = request.headers.get('cookie') ?? '';
    const name = cookieNames(url).session;
    const value = header
      .split(';')
      .map((c) => c.trim())
      .find((c) => c.startsWith(`${name}=`))
      ?.slice(name.length + 1);
    return (await readParentSession(deps, value))?.csrfSecret;
  };
  // A form posted after its session ended (the phone put down past the session, cookies cleared) goes
  // back to its link, which asks the date again and then shows the same offer or appointment, or says
  // kindly that the offer has ended; not to an error page.
  const sessionGone = (params: Readonly<Record<string, string>>) =>
    redirect(`/p/${encodeURIComponent(params.token ?? '')}`);

  router.page({
    method: 'GET',
    path: '/p/:token',
    summary: 'Parent page: the date check, then the appointment or the offer',
    access: 'public',
    csrfSecret,
    handler: async (page) => {
      const ctx = context(page, deps);
      const g = await gate(ctx, true);
      if ('response' in g) return g.response;
      // The family's language from here on, the date check included (it shows nothing personal).
      useFamilyLanguage(ctx, g.subject);
      if (!g.sessionToken) {
        // An offer that has ended (and was not taken by this family) is said kindly at once: that page
        // shows nothing personal, so a parent coming back after the hold is not asked for the date first.
        if (offerIsOver(deps, g.subject)) return offerPage(ctx, g.subject);
        return showCheck(ctx, g.opened, g.subject);
      }
      return appointmentPage(ctx, g.subject, page.url.searchParams.get('done') ?? undefined, g.session);
    },
  });

  router.page({
    method: 'POST',
    path: '/p/:token/check',
    summary: "Parent page: check the child's date of birth (or due date)",
    access: 'public',
    csrfSecret,
    sessionGone,
    handler: async (page) => {
      const ctx = context(page, deps);
      const opened = await openLink(deps, ctx.token);
      if (opened.state === 'ended') return ended(ctx);
      if (opened.state === 'locked') return lockedFor(ctx, opened.link);
      const subject = await loadSubject(deps, opened.link);
      if (!subject) return ended(ctx);
      // The check's errors, and the lock it may end in, in the family's language.
      useFamilyLanguage(ctx, subject);
      const name = cookieNames(page.url).session;
      const current = await readParentSession(deps, page.cookies[name]);
      if (current?.linkHash !== opened.hash) return redirect(ctx.base);
      const { date, values } = readDate(page.form!.fields);
      if (!date) return showCheck(ctx, opened, subject, 'invalid', values);
      const result = await checkIdentity(deps, opened, identityQuestion(deps, subject)?.date, date);
      if (result === 'locked') return locked(ctx);
      if (result === 'wrong') return showCheck(ctx, opened, subject, 'wrong');
      // A new session id after the check, so a cookie planted before it is worth nothing after.
      await endParentSession(deps, page.cookies[name]);
      // On an offer's link the session lasts while the time is held (bounded), so coming back within the
      // hold needs no second check.
      const started = await startParentSession(deps, opened.hash, true, offerHeldUntil(deps, subject));
      const seconds = Math.round((Date.parse(started.session.expiresAt) - deps.now().getTime()) / 1000);
      return withCookies(redirect(ctx.base), [
        ...ctx.cookies,
        sessionCookie(page.url, started.token, seconds),
      ]);
    },
  });

  const action = (
    path: string,
    summaryText: string,
    run: (ctx: Ctx, g: Exclude<Gate, { response: Response }>) => Promise<Response>,
  ) =>
    router.page({
      method: 'POST',
      path: `/p/:token/${path}`,
      summary: summaryText,
      access: 'public',
      csrfSecret,
      sessionGone,
      handler: async (page) => {
        const ctx = context(page, deps);
        const g = await gate(ctx);
        if ('response' in g) return g.response;
        useFamilyLanguage(ctx, g.subject);
        return run(ctx, g);
      },
    });

  action('confirm', "Parent page: we'll be there", async (ctx, g) => {
    const result = await confirmAttendance(deps, g.subject);
    return redirect(result === 'confirmed' ? `${ctx.base}?done=confirmed` : ctx.base);
  });

  /** The cancel form; after a refused post, with what was chosen and typed, and the error (a 400). */
  const cancelForm = (
    ctx: Ctx,
    g: Exclude<Gate, { response: Response }>,
    posted?: { reason: string; other: string; tooLong: number },
  ) => {
    const booking = g.subject.booking!;
    const t = ctx.texts;
    const otherError = posted
      ? fill(t.otherTooLong, { max: String(OTHER_MAX), count: String(posted.tooLong) })
      : undefined;
    return render(
      ctx,
      'pages/parent/cancel.njk',
      {
        title: t.cancelTitle,
        appointment: summary(ctx, {
          type: booking.type,
          startsAt: booking.startsAt,
          clinic: g.subject.clinic,
        }),
        reasons: CANCEL_REASONS.map((r) => ({
          value: r,
          text: t[`reason_${r}`],
          checked: posted?.reason === r,
        })),
        other: posted?.other,
        otherHint: fill(t.otherHint, { max: String(OTHER_MAX) }),
        otherError,
        errors: otherError ? [{ text: otherError, href: '#other' }] : undefined,
      },
      posted ? 400 : 200,
    );
  };

  router.page({
    method: 'GET',
    path: '/p/:token/cancel',
    summary: 'Parent page: cancel, with an optional reason',
    access: 'public',
    csrfSecret,
    handler: async (page) => {
      const ctx = context(page, deps);
      const g = await gate(ctx);
      if ('response' in g) return g.response;
      useFamilyLanguage(ctx, g.subject);
      if (g.subject.booking?.status !== 'BOOKED') return redirect(ctx.base);
      return cancelForm(ctx, g);
    },
  });

  action('cancel', 'Parent page: cancel the appointment', async (ctx, g) => {
    const fields = ctx.page.form!.fields;
    const reason = fields.get('reason') ?? '';
    const category = (CANCEL_REASONS as readonly string[]).includes(reason)
      ? (reason as CancelReason)
      : undefined;
    // No reason is allowed (the family may skip the question); a reason the form never offers is not.
    if (reason !== '' && !category) return errorStatus(400);
    // Words over the limit are not cut short: the form comes back with them and says the limit.
    const other = fields.get('other') ?? '';
    const length = other.trim().length;
    if (length > OTHER_MAX) {
      if (g.subject.booking?.status !== 'BOOKED') return redirect(ctx.base);
      return cancelForm(ctx, g, { reason, other, tooLong: length });
    }
    const result = await cancelFromPage(deps, g.subject, {
      ...(category && { reason: category }),
      otherText: other,
    });
    return redirect(result === 'cancelled' ? `${ctx.base}?done=cancelled` : ctx.base);
  });

  router.page({
    method: 'GET',
    path: '/p/:token/rebook',
    summary: 'Parent page: choose a new time',
    access: 'public',
    csrfSecret,
    handler: async (page) => {
      const ctx = context(page, deps);
      const g = await gate(ctx);
      if ('response' in g) return g.response;
      useFamilyLanguage(ctx, g.subject);
      const booking = g.subject.booking;
      if (booking?.status !== 'BOOKED') return redirect(ctx.base);
      const t = ctx.texts;
      if (g.opened.link.rebookedAt) return message(ctx, t.usedTitle, t.usedBody);
      const slots = (await rebookChoices(deps, g.subject)).slice(0, 30);
      // Each clinic once, all at once; the booking's own clinic is already loaded.
      const ids = [...new Set(slots.map((s) => s.clinicId))];
      const clinics = new Map<string, Clinic | undefined>(
        await Promise.all(
          ids.map(
            async (id) =>
              [id, id === g.subject.clinic?.id ? g.subject.clinic : await getClinic(deps.store, id)] as const,
          ),
        ),
      );
      const error = page.url.searchParams.get('error');
      return render(ctx, 'pages/parent/rebook.njk', {
        title: t.rebookTitle,
        choices: slots.map((s) => slotChoice(ctx, s, clinics)),
        taken: error === 'taken',
        unavailable: error === 'unavailable',
        choose: error === 'choose',
        tooSoon: error === 'soon',
        tooSoonBody: fill(t.rebookTooSoonBody, { phone: deps.config.servicePhone }),
        hasErrors: error !== null,
      });
    },
  });

  action('rebook', 'Parent page: move to the chosen time', async (ctx, g) => {
    const slotId = ctx.page.form!.fields.get('slotId');
    if (!slotId) return redirect(`${ctx.base}/rebook?error=choose`);
    const result = await rebookFromPage(deps, g.opened, g.subject, slotId);
    const t = ctx.texts;
    switch (result.outcome) {
      case 'moved':
        return redirect(ctx.base);
      case 'used':
        return message(ctx, t.usedTitle, t.usedBody, {}, 409);
      case 'too-soon':
        return redirect(`${ctx.base}/rebook?error=soon`);
      case 'slot-taken':
        return redirect(`${ctx.base}/rebook?error=taken`);
      case 'not-offered':
        // Not a time we offer (a made-up or old id, a withdrawn time): not "another family took it".
        return redirect(`${ctx.base}/rebook?error=unavailable`);
      case 'not-booked':
        return redirect(ctx.base);
    }
  });

  action('waitlist', 'Parent page: join the short-notice list', async (ctx, g) => {
    const result = await joinListFromPage(deps, g.subject);
    return redirect(result === 'joined' ? `${ctx.base}?done=joined` : ctx.base);
  });

  action('take', 'Parent page: take a short-notice offer', async (ctx, g) => {
    const result = await takeOfferFromPage(deps, g.subject);
    const done =
      result.outcome === 'accepted' || result.outcome === 'already-accepted' ? 'accepted' : result.outcome;
    return redirect(`${ctx.base}?done=${done}`);
  });

  action('decline', 'Parent page: decline a short-notice offer (as a NO by text)', async (ctx, g) => {
    const result = await declineOfferFromPage(deps, g.subject);
    const done = result.outcome === 'already-accepted' ? 'accepted' : result.outcome;
    return redirect(`${ctx.base}?done=${done}`);
  });
}

/**
 * The parent pages at /p/{token}: the family's own link from a text or a letter. Nothing personal is
 * shown until the child's date of birth (or the due date) is given; five wrong answers lock the link
 * for an hour. A token never made, and a link that has ended, get the same page. After the check, a
 * short server-side session (a random cookie, bound to this link) and a CSRF token on every form.
 * Every action goes through the services the texts and staff use (services/parent-pages.ts).
 */
import { stringifySetCookie } from 'cookie';
import { DateTime } from 'luxon';
import { CANCEL_REASONS, type CancelReason } from '#core/cancel-reason.ts';
import { calendarDate } from '#core/dates.ts';
import { formatTime, inZone } from '#core/local-time.ts';
import type { Booking, Clinic, Slot } from '#core/model.ts';
import { PARENT_SESSION_MINUTES } from '#core/parent-links.ts';
import { appointmentTypeName } from '#core/templates.ts';
import type { Deps } from '#services/deps.ts';
import {
  cancelFromPage,
  checkIdentity,
  confirmAttendance,
  endParentSession,
  identityQuestion,
  joinListFromPage,
  type LinkSubject,
  loadSubject,
  type OpenedLink,
  openLink,
  readParentSession,
  rebookChoices,
  rebookFromPage,
  startParentSession,
  takeOfferFromPage,
} from '#services/parent-pages.ts';
import { getBooking } from '#store/bookings.ts';
import { getClinic } from '#store/clinics.ts';
import { csrfToken } from '#web/csrf.ts';
import { PAGE_LANGUAGES, type ParentTexts, parentTexts } from '#web/parent-texts/index.ts';
import { type PageContext, redirect, type WebRouter, withCookies } from '#web/router.ts';

const LANGUAGE_COOKIE = 'attend-lang';

function cookieNames(url: URL): { session: string; secure: boolean } {
  return url.protocol === 'https:'
    ? { session: '__Host-attend-parent', secure: true }
    : { session: 'attend-parent', secure: false };
}

function sessionCookie(url: URL, value: string, maxAge?: number): string {
  const { session, secure } = cookieNames(url);
  return stringifySetCookie({
    name: session,
    value,
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    ...(maxAge !== undefined && { maxAge }),
  });
}

function languageCookie(url: URL, language: string): string {
  return stringifySetCookie({
    name: LANGUAGE_COOKIE,
    value: language,
    path: '/p',
    httpOnly: true,
    sameSite: 'lax',
    secure: url.protocol === 'https:',
    maxAge: 365 * 86_400,
  });
}

/** Fills {phone}, {…} in a text. */
function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (m, key: string) => values[key] ?? m);
}

interface Ctx {
  readonly page: PageContext;
  readonly deps: Deps;
  readonly token: string;
  readonly base: string;
  language: string;
  texts: ParentTexts;
  /** The language the family chose on the switch (query or cookie), if any. */
  readonly chosen: string | undefined;
  readonly cookies: string[];
}

function context(page: PageContext, deps: Deps): Ctx {
  const token = page.params.token ?? '';
  const asked = page.url.searchParams.get('lang') ?? undefined;
  const queryLanguage = asked && PAGE_LANGUAGES.includes(asked) ? asked : undefined;
  const cookieLanguage = page.cookies[LANGUAGE_COOKIE];
  const chosen =
    queryLanguage ?? (cookieLanguage && PAGE_LANGUAGES.includes(cookieLanguage) ? cookieLanguage : undefined);
  const { language, texts } = parentTexts(chosen);
  const cookies = queryLanguage ? [languageCookie(page.url, queryLanguage)] : [];
  return { page, deps, token, base: `/p/${encodeURIComponent(token)}`, language, texts, chosen, cookies };
}

/** The family's own language, once we know who they are, unless they chose one on the switch. */
function useFamilyLanguage(ctx: Ctx, subject: LinkSubject): void {
  if (ctx.chosen) return;
  const { language, texts } = parentTexts(subject.client.language);
  ctx.language = language;
  ctx.texts = texts;
}

function render(ctx: Ctx, template: string, data: Record<string, unknown>, status = 200): Response {
  const switchTo = PAGE_LANGUAGES.filter((l) => l !== ctx.language).map((l) => ({
    code: l,
    name: parentTexts(l).texts.languageName,
    // Relative, so the page names no token: a guessed link's page and an ended one's are the same.
    href: `?lang=${l}`,
  }));
  const t = ctx.texts;
  const phone = ctx.deps.config.servicePhone;
  const response = ctx.page.render(
    template,
    {
      htmlLang: ctx.language,
      t,
      help: fill(t.help, { phone }),
      phone,
      base: ctx.base,
      languages: switchTo,
      ...data,
    },
    { status },
  );
  return withCookies(response, ctx.cookies);
}

function message(
  ctx: Ctx,
  title: string,
  body: string,
  extra: Record<string, unknown> = {},
  status = 200,
): Response {
  const phone = ctx.deps.config.servicePhone;
  return render(ctx, 'pages/parent/message.njk', { title, body: fill(body, { phone }), ...extra }, status);
}

/** The one answer for a token never made and a link that has ended: the same page, status and words. */
const ended = (ctx: Ctx) => message(ctx, ctx.texts.endedTitle, ctx.texts.endedBody, {}, 404);
const locked = (ctx: Ctx) => message(ctx, ctx.texts.lockedTitle, ctx.texts.lockedBody, {}, 423);

/** The appointment in plain words: type, day, time, venue with its address, and a map link. */
function summary(ctx: Ctx, input: { type: string; startsAt: string; clinic: Clinic | undefined }) {
  const { config } = ctx.deps;
  const locale = ctx.language === 'ne' ? 'en-GB' : ctx.language;
  const day = inZone(input.startsAt, config.timeZone).setLocale(locale).toFormat('cccc d LLLL yyyy');
  const clinic = input.clinic;
  const address = clinic?.address ?? '';
  const where = [clinic?.name, address].filter(Boolean).join(', ');
  const type = appointmentTypeName(config, input.type, ctx.language);
  const time = formatTime(input.startsAt, config.timeZone);
  const t = ctx.texts;
  const row = (key: string, value: string) => ({ key: { text: key }, value: { text: value } });
  return {
    type,
    day,
    time,
    venue: clinic?.venue ?? '',
    address,
    rows: [
      row(t.whatLabel, type),
      row(t.dayLabel, day),
      row(t.timeLabel, time),
      row(t.placeLabel, clinic?.venue ?? ''),
      ...(address ? [row(t.addressLabel, address)] : []),
    ],
    mapHref: where
      ? `https://www.openstreetmap.org/search?query=${encodeURIComponent(address || where)}`
      : undefined,
  };
}

type Gate =
  | { readonly response: Response }
  | {
      readonly opened: Extract<OpenedLink, { state: 'open' }>;
      readonly subject: LinkSubject;
      readonly sessionToken: string | undefined;
    };

/**
 * Opens the link and checks the session belongs to it and is past the check. `allowUnverified` (the
 * main page) lets the caller show the date check instead of being sent there.
 */
async function gate(ctx: Ctx, allowUnverified = false): Promise<Gate> {
  const opened = await openLink(ctx.deps, ctx.token);
  if (opened.state === 'ended') return { response: ended(ctx) };
  if (opened.state === 'locked') return { response: locked(ctx) };
  const subject = await loadSubject(ctx.deps, opened.link);
  if (!subject) return { response: ended(ctx) };
  const sessionToken = ctx.page.cookies[cookieNames(ctx.page.url).session];
  const session = await readParentSession(ctx.deps, sessionToken);
  const ours = session?.linkHash === opened.hash;
  if (ctx.page.request.method === 'POST' && !ours) {
    // A session from another family's link (or none) cannot act on this one.
    ctx.deps.log.warn('parent page post refused: the session is not this link’s', {
      route: ctx.base.slice(0, 3),
    });
    return { response: message(ctx, ctx.texts.endedTitle, ctx.texts.endedBody, {}, 403) };
  }
  if (!ours || !session?.verified) {
    if (allowUnverified) return { opened, subject, sessionToken: undefined };
    return { response: redirect(ctx.base) };
  }
  return { opened, subject, sessionToken };
}

async function showCheck(
  ctx: Ctx,
  opened: { hash: string },
  subject: LinkSubject,
  error?: 'wrong' | 'invalid',
  values: Record<string, string> = {},
): Promise<Response> {
  const question = identityQuestion(ctx.deps, subject);
  if (!question) return message(ctx, ctx.texts.checkTitle, ctx.texts.checkImpossible);
  // A pre-check session carries the form's CSRF secret; it is replaced by a new one once the date is right.
  const token = ctx.page.cookies[cookieNames(ctx.page.url).session];
  let session = await readParentSession(ctx.deps, token);
  if (!session || session.linkHash !== opened.hash) {
    const started = await startParentSession(ctx.deps, opened.hash, false);
    session = started.session;
    ctx.cookies.push(sessionCookie(ctx.page.url, started.token));
  }
  return render(
    ctx,
    'pages/parent/check.njk',
    {
      title: ctx.texts.checkTitle,
      question: question.kind === 'due' ? ctx.texts.checkDue : ctx.texts.checkDob,
      error:
        error === 'wrong' ? ctx.texts.checkWrong : error === 'invalid' ? ctx.texts.checkInvalid : undefined,
      hasErrors: error !== undefined,
      values,
      csrfToken: csrfToken(session.csrfSecret),
    },
    200,
  );
}

function readDate(fields: URLSearchParams): { date?: string; values: Record<string, string> } {
  const values = {
    day: (fields.get('day') ?? '').trim().slice(0, 4),
    month: (fields.get('month') ?? '').trim().slice(0, 4),
    year: (fields.get('year') ?? '').trim().slice(0, 6),
  };
  if (!/^\d{1,2}$/.test(values.day) || !/^\d{1,2}$/.test(values.month) || !/^\d{4}$/.test(values.year))
    return { values };
  const iso = `${values.year}-${values.month.padStart(2, '0')}-${values.day.padStart(2, '0')}`;
  const dt = DateTime.fromISO(iso);
  return dt.isValid && calendarDate.safeParse(iso).success ? { date: iso, values } : { values };
}

async function appointmentPage(ctx: Ctx, subject: LinkSubject, done?: string): Promise<Response> {
  const t = ctx.texts;
  const now = ctx.deps.now().toISOString();
  if (subject.offer) return offerPage(ctx, subject, done);
  const booking = subject.booking as Booking;
  if (booking.status === 'CANCELLED' && booking.movedTo) {
    const moved = await getBooking(ctx.deps.store, booking.movedTo);
    if (moved) {
      const clinic = await getClinic(ctx.deps.store, moved.clinicId);
      return render(ctx, 'pages/parent/appointment.njk', {
        title: t.movedTitle,
        lead: t.movedBody,
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

async function offerPage(ctx: Ctx, subject: LinkSubject, done?: string): Promise<Response> {
  const t = ctx.texts;
  const offer = subject.offer!;
  const appointment = summary(ctx, {
    type: subject.type,
    startsAt: subject.startsAt,
    clinic: subject.clinic,
  });
  if (offer.status === 'ACCEPTED')
    return render(ctx, 'pages/parent/appointment.njk', {
      title: t.offerTakenTitle,
      lead: t.offerTakenBody,
      appointment,
      actions: false,
      asPanel: done === 'accepted',
    });
  if (done === 'gone' || offer.status === 'TAKEN' || offer.status === 'WITHDRAWN')
    return message(ctx, t.offerGoneTitle, t.offerGoneBody);
  if (offer.status !== 'PENDING' || offer.expiresAt <= ctx.deps.now().toISOString() || done === 'expired')
    return message(ctx, t.offerEndedTitle, t.offerEndedBody);
  return render(ctx, 'pages/parent/offer.njk', { title: t.offerTitle, appointment });
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
      if (!g.sessionToken) return showCheck(ctx, g.opened, g.subject);
      useFamilyLanguage(ctx, g.subject);
      return appointmentPage(ctx, g.subject, page.url.searchParams.get('done') ?? undefined);
    },
  });

  router.page({
    method: 'POST',
    path: '/p/:token/check',
    summary: "Parent page: check the child's date of birth (or due date)",
    access: 'public',
    csrfSecret,
    handler: async (page) => {
      const ctx = context(page, deps);
      const opened = await openLink(deps, ctx.token);
      if (opened.state === 'ended') return ended(ctx);
      if (opened.state === 'locked') return locked(ctx);
      const subject = await loadSubject(deps, opened.link);
      if (!subject) return ended(ctx);
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
      const started = await startParentSession(deps, opened.hash, true);
      return withCookies(redirect(ctx.base), [
        ...ctx.cookies,
        sessionCookie(page.url, started.token, PARENT_SESSION_MINUTES * 60),
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
      const booking = g.subject.booking;
      if (!booking || booking.status !== 'BOOKED') return redirect(ctx.base);
      const t = ctx.texts;
      return render(ctx, 'pages/parent/cancel.njk', {
        title: t.cancelTitle,
        appointment: summary(ctx, {
          type: booking.type,
          startsAt: booking.startsAt,
          clinic: g.subject.clinic,
        }),
        reasons: CANCEL_REASONS.map((r) => ({ value: r, text: t[`reason_${r}`] })),
      });
    },
  });

  action('cancel', 'Parent page: cancel the appointment', async (ctx, g) => {
    const fields = ctx.page.form!.fields;
    const reason = fields.get('reason') ?? '';
    const category = (CANCEL_REASONS as readonly string[]).includes(reason)
      ? (reason as CancelReason)
      : undefined;
    const result = await cancelFromPage(deps, g.subject, {
      ...(category && { reason: category }),
      otherText: (fields.get('other') ?? '').slice(0, 500),
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
      if (!booking || booking.status !== 'BOOKED') return redirect(ctx.base);
      const t = ctx.texts;
      if (g.opened.link.rebookedAt) return message(ctx, t.usedTitle, t.usedBody);
      const slots = (await rebookChoices(deps, g.subject)).slice(0, 30);
      const clinics = new Map<string, Clinic | undefined>();
      for (const id of new Set(slots.map((s) => s.clinicId)))
        clinics.set(id, await getClinic(deps.store, id));
      const error = page.url.searchParams.get('error');
      return render(ctx, 'pages/parent/rebook.njk', {
        title: t.rebookTitle,
        choices: slots.map((s) => slotChoice(ctx, s, clinics)),
        taken: error === 'taken',
        choose: error === 'choose',
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
      case 'slot-taken':
      case 'not-offered':
        return redirect(`${ctx.base}/rebook?error=taken`);
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
}

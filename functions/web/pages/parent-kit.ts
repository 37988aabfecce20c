/** What the parent pages share: their cookies, the page context in the family's language, rendering, and the gate every page passes (a live link, then the identity check). */
import { stringifySetCookie } from 'cookie';
import { DateTime } from 'luxon';
import { calendarDate } from '#core/dates.ts';
import { formatTime } from '#core/local-time.ts';
import type { Clinic } from '#core/model.ts';
import { appointmentTypeName } from '#core/templates.ts';
import { inZone } from '#core/zoned-date-time.ts';
import type { Deps } from '#services/deps.ts';
import {
  identityQuestion,
  type LinkSubject,
  loadSubject,
  type OpenedLink,
  openLink,
  readParentSession,
  startParentSession,
} from '#services/parent-pages.ts';
import type { ParentLink, ParentSession } from '#store/parent-links.ts';
import { csrfToken } from '#web/csrf.ts';
import { PAGE_LANGUAGES, type ParentTexts, parentTexts } from '#web/parent-texts/index.ts';
import { type PageContext, redirect, withCookies } from '#web/router.ts';

export const LANGUAGE_COOKIE = 'attend-lang';

export function cookieNames(url: URL): { session: string; secure: boolean } {
  return url.protocol === 'https:'
    ? { session: '__Host-attend-parent', secure: true }
    : { session: 'attend-parent', secure: false };
}

export function sessionCookie(url: URL, value: string, maxAge?: number): string {
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

export function languageCookie(url: URL, language: string): string {
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
export function fill(text: string, values: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (m, key: string) => values[key] ?? m);
}

export interface Ctx {
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

export function context(page: PageContext, deps: Deps): Ctx {
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

/**
 * The family's own language, once the link is known to be theirs (the date check too, and the locked
 * page, are asked in it: the language shows nothing the link's holder should not see), unless they
 * chose one on the switch. Never for an ended link, whose page must be a guessed token's.
 */
export function useFamilyLanguage(ctx: Ctx, subject: LinkSubject): void {
  if (ctx.chosen) return;
  const { language, texts } = parentTexts(subject.client.language);
  ctx.language = language;
  ctx.texts = texts;
}

export function render(ctx: Ctx, template: string, data: Record<string, unknown>, status = 200): Response {
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

export function message(
  ctx: Ctx,
  title: string,
  body: string,
  extra: Record<string, unknown> = {},
  status = 200,
): Response {
  const phone = ctx.deps.config.servicePhone;
  // A message that gives the number itself ("Please call …") needs no "If you need help, call …" under it.
  const filled = fill(body, { phone });
  const help = filled.includes(phone) ? { help: undefined } : {};
  return render(ctx, 'pages/parent/message.njk', { title, body: filled, ...help, ...extra }, status);
}

/** The one answer for a token never made and a link that has ended: the same page, status and words. */
export const ended = (ctx: Ctx) => message(ctx, ctx.texts.endedTitle, ctx.texts.endedBody, {}, 404);
export const locked = (ctx: Ctx) => message(ctx, ctx.texts.lockedTitle, ctx.texts.lockedBody, {}, 423);

/**
 * The locked page in the family's language: a locked link is a real one (a guess is never locked), so
 * saying it in their language tells a holder of the link nothing the page did not already.
 */
export async function lockedFor(ctx: Ctx, link: ParentLink): Promise<Response> {
  const subject = await loadSubject(ctx.deps, link);
  if (subject) useFamilyLanguage(ctx, subject);
  return locked(ctx);
}

/** The appointment in plain words: type, day, time, venue with its address, and a map link. */
export function summary(ctx: Ctx, input: { type: string; startsAt: string; clinic: Clinic | undefined }) {
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

export type Gate =
  | { readonly response: Response }
  | {
      readonly opened: Extract<OpenedLink, { state: 'open' }>;
      readonly subject: LinkSubject;
      readonly sessionToken: string | undefined;
      /** The verified session, when there is one. */
      readonly session?: ParentSession;
    };

/**
 * Opens the link and checks the session belongs to it and is past the check. `allowUnverified` (the
 * main page) lets the caller show the date check instead of being sent there.
 */
export async function gate(ctx: Ctx, allowUnverified = false): Promise<Gate> {
  const sessionToken = ctx.page.cookies[cookieNames(ctx.page.url).session];
  // The session depends only on the cookie: read it alongside the link and its subject, not after them.
  const [opened, session] = await Promise.all([
    openLink(ctx.deps, ctx.token),
    readParentSession(ctx.deps, sessionToken),
  ]);
  if (opened.state === 'ended') return { response: ended(ctx) };
  if (opened.state === 'locked') return { response: await lockedFor(ctx, opened.link) };
  const subject = await loadSubject(ctx.deps, opened.link);
  if (!subject) return { response: ended(ctx) };
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
  return { opened, subject, sessionToken, session };
}

export async function showCheck(
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
    // A refused form (a date that is not a real one, or does not match) is a 400, as on the staff pages.
    error ? 400 : 200,
  );
}

export function readDate(fields: URLSearchParams): { date?: string; values: Record<string, string> } {
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

/**
 * Until when an offer is held, in the family's words on the trust's clock: "until 15:45 today", "until
 * 09:15 tomorrow", or "until 10:00 on Friday 27 November" (Europe/London, so right across a clock change).
 */
export function holdUntil(ctx: Ctx, expiresAt: string): string {
  const { timeZone } = ctx.deps.config;
  const t = ctx.texts;
  const locale = ctx.language === 'ne' ? 'en-GB' : ctx.language;
  const until = inZone(expiresAt, timeZone).setLocale(locale);
  const today = inZone(ctx.deps.now(), timeZone).startOf('day');
  const days = Math.round(until.startOf('day').diff(today, 'days').days);
  const when =
    days === 0
      ? t.offerHoldToday
      : days === 1
        ? t.offerHoldTomorrow
        : fill(t.offerHoldOn, { day: until.toFormat('cccc d LLLL') });
  return fill(t.offerHold, { time: formatTime(expiresAt, timeZone), when });
}

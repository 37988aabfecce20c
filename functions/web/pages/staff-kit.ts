/**
 * Small helpers shared by the Today, Families, Inbox and Follow-ups pages: whether the signed-in person's
 * roles allow a route (so a page shows only the buttons they may use; the route still refuses a forged
 * post), and the trust's local day and time formats.
 */

import type * as z from 'zod';
import { mayUse } from '#api/access.ts';
import { type RouteId, routeById } from '#api/routes.ts';
import { seesSensitiveFlags as seesFlags } from '#api/sensitive.ts';
import { unknownFields } from '#api/unknown-fields.ts';
import { localDay } from '#core/local-time.ts';
import type { Role } from '#core/roles.ts';
import type { Deps } from '#services/deps.ts';
import { echo } from '#web/form-messages.ts';
import type { PageContext } from '#web/router.ts';

/** Whether this person's roles may use the route (the route itself checks again). */
export function may(page: PageContext, routeId: RouteId): boolean {
  const route = routeById(routeId);
  return route !== undefined && page.staff !== undefined && mayUse(page.staff.roles, route.roles);
}

/** The roles a route allows: a page that only shows that route opens to them (and is in their navigation). */
export function rolesOf(routeId: RouteId): readonly Role[] {
  return routeById(routeId)?.roles ?? [];
}

/**
 * Whether this person may read the safeguarding flags (vulnerable, parental mental health): health
 * visitors, managers and admins do; a scheduler sees that a family must not be texted, not why (a
 * domestic-abuse risk, say), nor the safeguarding flags behind it. The rule is `seesSensitiveFlags` in
 * functions/api/sensitive.ts, which also redacts every route's answer.
 */
export function seesSensitiveFlags(page: PageContext): boolean {
  return page.staff !== undefined && seesFlags(page.staff.roles);
}

export interface Formats {
  /** "14:30" */
  time(iso: string): string;
  /** "Tue 1 Dec" */
  day(iso: string): string;
  /** "Tue 1 Dec, 14:30" */
  dayTime(iso: string): string;
  /** "Tuesday 1 December 2026" for a yyyy-mm-dd */
  longDate(day: string): string;
  /** Today, yyyy-mm-dd, in the trust's time zone. */
  today(): string;
}

export function formats(deps: Deps): Formats {
  const timeZone = deps.config.timeZone;
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' });
  const day = new Intl.DateTimeFormat('en-GB', {
    timeZone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
  });
  const long = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
  });
  return {
    time: (iso) => time.format(new Date(iso)),
    day: (iso) => day.format(new Date(iso)),
    dayTime: (iso) => `${day.format(new Date(iso))}, ${time.format(new Date(iso))}`,
    longDate: (d) => long.format(new Date(`${d}T12:00:00Z`)),
    today: () => localDay(deps.now().toISOString(), timeZone),
  };
}

/** A yyyy-mm-dd that is a real date, or undefined. */
export function isoDay(value: string | null | undefined): string | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const date = new Date(`${value}T12:00:00Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value ? undefined : value;
}

/**
 * The message for a day in a page's address that is not a real yyyy-mm-dd (shown in the error summary
 * and on the Day field), or undefined when `asked` is empty or a real day. `today`: yyyy-mm-dd, the
 * trust's local day, given as the example.
 */
export function addressDayError(asked: string | null | undefined, today: string): string | undefined {
  return asked && !isoDay(asked)
    ? `Day: “${echo(asked)}” is not a real date; enter it as yyyy-mm-dd, for example ${today}`
    : undefined;
}

/**
 * The message for a clinic in a page's address that is not one of `clinicIds` (the clinics the person
 * may choose from), or undefined when `asked` is empty or one of them.
 */
export function addressClinicError(
  asked: string | null | undefined,
  clinicIds: readonly string[],
): string | undefined {
  return asked && !clinicIds.includes(asked)
    ? `Clinic: there is no clinic “${echo(asked)}”; choose one from the list`
    : undefined;
}

/**
 * The message for parameters in a page's address that the page does not take, found by the same
 * unknownFields walk the API's doors use for a query (api/unknown-fields.ts), or undefined when there
 * are none: a misspelt parameter is said so, not quietly ignored.
 */
export function addressParamError(query: URLSearchParams, schema: z.core.$ZodType): string | undefined {
  const unknown = unknownFields(schema, Object.fromEntries(query));
  if (unknown.length === 0) return undefined;
  const names = unknown.map((u) => `“${echo(u.field)}”`).join(', ');
  const one = unknown.length === 1;
  return `Address: ${names} ${one ? 'is not a parameter' : 'are not parameters'} of this page; expected ${unknown[0]!.known.join(', ')}`;
}

/** The day `n` days after a yyyy-mm-dd. */
export function addDays(day: string, n: number): string {
  const date = new Date(`${day}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + n);
  return date.toISOString().slice(0, 10);
}

export const STATUS_LABELS: Readonly<Record<string, { text: string; colour: string }>> = {
  BOOKED: { text: 'Booked', colour: 'blue' },
  CANCELLED: { text: 'Cancelled', colour: 'grey' },
  ATTENDED: { text: 'Attended', colour: 'green' },
  DNA: { text: 'Did not attend', colour: 'orange' },
  WNB: { text: 'Was not brought', colour: 'red' },
};

/** An appointment type's English name from the trust config, or its id. */
export function typeName(deps: Deps, typeId: string): string {
  return deps.config.appointmentTypes[typeId]?.names.en ?? typeId;
}

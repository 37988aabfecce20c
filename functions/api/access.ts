/**
 * Who may use what, as issue 11 gives the four roles:
 * - scheduler: clinics, slots and sessions, bookings, moves, cancellations, outcomes, the inbox, the
 *   waitlist and offers, template preview;
 * - health-visitor: outcomes, the inbox, follow-ups (their own first), clients and bookings;
 * - manager: what both can do, plus metrics and the audit trail;
 * - admin: erasure and import (and ending staff sessions), plus everything else.
 *
 * Routes name their roles with these, so the rule "a manager can do what a scheduler or a health
 * visitor can, and an admin everything" is written once, here.
 */
import { ROLES, type Role } from '#core/roles.ts';

type FrontLineRole = 'scheduler' | 'health-visitor';

/** A route for schedulers and/or health visitors: managers and admins may use it too. */
export function forStaff(...roles: readonly FrontLineRole[]): readonly Role[] {
  const allowed = new Set<Role>([...roles, 'manager', 'admin']);
  return ROLES.filter((role) => allowed.has(role));
}

/** Every role: reads every member of staff needs (the API's own health and document). */
export const EVERYONE: readonly Role[] = ROLES;

/** Metrics and the audit trail. */
export const MANAGERS: readonly Role[] = ['manager', 'admin'];

/** Erasure, import and ending other people's sessions. */
export const ADMINS: readonly Role[] = ['admin'];

/** Whether a caller holding `held` may use a route open to `allowed` (deny by default). */
export function mayUse(held: readonly Role[], allowed: readonly Role[]): boolean {
  return held.some((role) => allowed.includes(role));
}

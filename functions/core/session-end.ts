/**
 * Why a staff session ended, as its owner is told at their next page (never who ended it):
 * - `signed-out`: the person signed out (the header's button);
 * - `ended-by-you`: the person ended their own sessions (the sessions page, or "end every session");
 * - `ended-by-administrator`: someone else ended them (an administrator, or the admin API);
 * - `idle`: no request for the idle time; `time-limit`: the absolute limit since sign-in.
 * The store keeps one of these beside an ended session (store/sessions.ts); the web page adds `unknown`
 * for a session the table no longer knows (web/staff-session.ts).
 */
export const SESSION_END_REASONS = [
  'signed-out',
  'ended-by-you',
  'ended-by-administrator',
  'idle',
  'time-limit',
] as const;
export type SessionEndReason = (typeof SESSION_END_REASONS)[number];

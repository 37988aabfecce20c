/**
 * What the planning pages (Short-notice, Slots, Import, Metrics) share: the names staff read for
 * appointment types and clinics, local dates and times, and a route's 400 answer as an error summary.
 */
import type { Deps } from '#services/deps.ts';
import type { PageContext } from '#web/router.ts';

/** An appointment type's English name, capitalised ("6-8 week baby review"). */
export function typeNames(deps: Deps): Record<string, string> {
  return Object.fromEntries(
    Object.entries(deps.config.appointmentTypes).map(([id, t]) => {
      const en = t.names.en ?? id;
      return [id, en.charAt(0).toUpperCase() + en.slice(1)];
    }),
  );
}

/** The clinics, as select or checkbox items and by id. */
export async function clinicNames(page: PageContext): Promise<Record<string, string>> {
  const clinics = await page.invoke('listClinics', {});
  return clinics.ok ? Object.fromEntries(clinics.body.items.map((c) => [c.id, c.name])) : {};
}

/** Formats instants and local days in the trust's time zone. */
export function localFormat(deps: Deps) {
  const zone = deps.config.timeZone;
  const when = new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  const time = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit' });
  const day = new Intl.DateTimeFormat('en-GB', {
    timeZone: 'UTC',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });
  return {
    /** "Thu 26 Nov, 14:00" */
    when: (iso: string) => when.format(new Date(iso)),
    /** "14:00" */
    time: (iso: string) => time.format(new Date(iso)),
    /** A yyyy-mm-dd local day: "Thu 26 Nov 2026" */
    day: (date: string) => day.format(new Date(`${date}T00:00:00Z`)),
  };
}

// A route's 400 answer as an error summary and a message per field, in plain words.
export { type FieldError, fieldErrors } from '#web/form-messages.ts';

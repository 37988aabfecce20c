/**
 * A luxon DateTime for an instant in a zone, for the web pages and letters that format with luxon. Kept
 * apart from core/local-time.ts so the event-path functions, which use that, never reach luxon
 * (dependency-cruiser's `event-path-stays-small`; README "Small, quick Lambdas").
 */
import { DateTime } from 'luxon';
import { HAS_OFFSET, type Instant } from './local-time.ts';

/** The instant as a luxon DateTime in `timeZone`; throws on an invalid instant or zone. */
export function inZone(instant: Instant, timeZone: string): DateTime {
  let dt: DateTime;
  if (typeof instant === 'string') {
    if (!HAS_OFFSET.test(instant)) {
      throw new Error(`Instant "${instant}" has no UTC offset; expected e.g. "2026-12-03T10:30:00.000Z"`);
    }
    dt = DateTime.fromISO(instant, { zone: timeZone });
  } else {
    dt = DateTime.fromJSDate(instant, { zone: timeZone });
  }
  if (!dt.isValid) {
    throw new Error(
      `Invalid instant ${String(instant)} in time zone "${timeZone}": ${dt.invalidExplanation}`,
    );
  }
  return dt;
}

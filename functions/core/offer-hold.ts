/**
 * How long a family has to answer a short-notice offer, and whether an offer may be sent now.
 */

import type { EventPathConfig } from '#core/config/event-path-config.ts';
import { isQuiet } from '#core/quiet-hours.ts';

export type ShortNoticeConfig = Pick<
  EventPathConfig['shortNotice'],
  'maxHoldMinutes' | 'minHoldMinutes' | 'cutoffMinutes'
>;
export type QuietHours = EventPathConfig['quietHours'];

/** From this far out the full hold applies: a family has time to arrange childcare or transport. */
export const FULL_HOLD_LEAD_MINUTES = 48 * 60;

const MINUTE_MS = 60_000;

function instantMs(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not an ISO instant: ${iso}`);
  return ms;
}

/**
 * Whole minutes an offer made at `now` stays open. The hold shrinks linearly from maxHoldMinutes (slot
 * 48 h or more away) to minHoldMinutes (slot at the cutoff), so that a slot close at hand can still
 * go through several waves. It never runs past the cutoff, because a slot accepted after the cutoff
 * could not be prepared for; near the cutoff that wins over minHoldMinutes, and 0 means no time is left.
 */
export function holdMinutes(now: string, slotStartsAt: string, cfg: ShortNoticeConfig): number {
  const leadMinutes = (instantMs(slotStartsAt, 'slotStartsAt') - instantMs(now, 'now')) / MINUTE_MS;
  const untilCutoff = leadMinutes - cfg.cutoffMinutes;
  if (untilCutoff <= 0) return 0;

  const longest = Math.max(cfg.maxHoldMinutes, cfg.minHoldMinutes);
  const span = FULL_HOLD_LEAD_MINUTES - cfg.cutoffMinutes;
  const progress = span <= 0 ? 1 : Math.min(1, untilCutoff / span);
  const sliding = cfg.minHoldMinutes + progress * (longest - cfg.minHoldMinutes);
  // Rounded down so the hold can only end before the cutoff, never a part-minute after it.
  return Math.floor(Math.min(sliding, untilCutoff));
}

/** The instant the hold on an offer made at `now` ends. */
export function holdExpiresAt(now: string, slotStartsAt: string, cfg: ShortNoticeConfig): string {
  const minutes = holdMinutes(now, slotStartsAt, cfg);
  return new Date(instantMs(now, 'now') + minutes * MINUTE_MS).toISOString();
}

export type OfferWindow = { open: true } | { open: false; reason: 'past-cutoff' | 'quiet-hours' };

/**
 * Whether a wave of offers may go out at `now`. Past-cutoff is checked first because it is final,
 * whereas quiet hours only defer the wave. "Past the cutoff" includes having under a minute left, since
 * an offer with no hold could not be accepted.
 */
export function offerWindowOpen(
  now: string,
  slotStartsAt: string,
  cfg: ShortNoticeConfig,
  quietHours: QuietHours,
  timeZone: string,
): OfferWindow {
  if (holdMinutes(now, slotStartsAt, cfg) < 1) return { open: false, reason: 'past-cutoff' };
  if (isQuiet(now, quietHours, timeZone)) return { open: false, reason: 'quiet-hours' };
  return { open: true };
}

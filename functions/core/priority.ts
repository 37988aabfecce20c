/**
 * The short-notice priority score. It decides which families hear about a freed slot first, so every
 * point must be explainable to a manager: the breakdown names each factor that scored and why.
 */
import type { EventPathConfig } from '#core/config/event-path-config.ts';
import { wholeLocalDaysBetween } from '#core/dates.ts';
import type { PriorityInputs, ScorePart } from '#core/waitlist.ts';
import { parseIsoInstant, utcMs, wallTimeAt } from '#core/wall-clock.ts';

export type PriorityWeights = EventPathConfig['shortNotice']['priorityWeights'];

export const PRIORITY_FACTORS = [
  'imd-decile-1-2',
  'imd-decile-3-4',
  'needs-carer',
  'parental-mental-health',
  'vulnerable',
  'window-closing-soon',
  'days-waiting',
  'rebook-requests',
] as const;
export type PriorityFactor = (typeof PRIORITY_FACTORS)[number];

/** Capped so that texting REBOOK again and again cannot lift a family above others in greater need. */
export const MAX_REBOOK_REQUESTS_COUNTED = 3;

export interface ScoreInputs extends PriorityInputs {
  addedAt: string;
  rebookRequests: number;
  /** The last local date (yyyy-MM-dd) the contact is due, when there is one. */
  latestDate?: string;
}

export interface PriorityScore {
  score: number;
  breakdown: (ScorePart & { factor: PriorityFactor })[];
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function instantMs(iso: string, what: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`${what} is not an ISO instant: ${iso}`);
  return ms;
}

/** Whole local calendar days from `now` to `date`; negative once the date has passed. */
function localDaysUntil(date: string, now: string, timeZone: string): number {
  const targetMs = parseIsoInstant(date, timeZone);
  if (Number.isNaN(targetMs)) throw new RangeError(`latestDate is not a yyyy-MM-dd date: ${date}`);
  const nowMs = parseIsoInstant(now, 'UTC');
  if (Number.isNaN(nowMs)) return Number.NaN;
  // Calendar days between the two local dates: a day with a clock change is still one day.
  const midnight = (ms: number): number => {
    const t = wallTimeAt(ms, timeZone);
    return utcMs(t.year, t.month, t.day);
  };
  return Math.round((midnight(targetMs) - midnight(nowMs)) / 86_400_000);
}

/**
 * Scores one waiting family at `now`. The calendar factor (window closing soon) is judged on the trust's
 * local dates, so a family whose window closes "tomorrow" in London is not a day out at midnight UTC.
 */
export function scorePriority(
  inputs: ScoreInputs,
  weights: PriorityWeights,
  now: string,
  timeZone = 'Europe/London',
): PriorityScore {
  const parts: PriorityScore['breakdown'] = [];
  const add = (factor: PriorityFactor, points: number, detail: string): void => {
    // A factor the trust weights at zero did not affect the order, so it would only mislead an auditor.
    if (points > 0) parts.push({ factor, points: round2(points), detail });
  };

  const decile = inputs.imdDecile;
  if (decile !== undefined && decile <= 2) {
    add('imd-decile-1-2', weights.imdDecile1to2, `IMD decile ${decile} (most deprived 20%)`);
  } else if (decile !== undefined && decile <= 4) {
    add('imd-decile-3-4', weights.imdDecile3to4, `IMD decile ${decile} (most deprived 20-40%)`);
  }
  if (inputs.needsCarer) add('needs-carer', weights.needsCarer, 'Family needs a carer');
  if (inputs.parentalMentalHealth) {
    add('parental-mental-health', weights.parentalMentalHealth, 'Parent has a mental health condition');
  }
  if (inputs.vulnerable) add('vulnerable', weights.vulnerable, 'Vulnerable family or safeguarding concern');

  if (inputs.latestDate !== undefined) {
    const daysLeft = localDaysUntil(inputs.latestDate, now, timeZone);
    if (daysLeft >= 0 && daysLeft <= weights.windowClosingSoonDays) {
      const when = daysLeft === 0 ? 'today' : `in ${plural(daysLeft, 'day')}`;
      add(
        'window-closing-soon',
        weights.windowClosingSoon,
        `Healthy Child Programme window closes ${when} (${inputs.latestDate})`,
      );
    }
  }

  // Whole days on the trust's clock, so a family added at 10:00 has waited a day at 10:00 the next
  // day, even when the clocks changed overnight.
  const daysWaiting = Math.max(0, wholeLocalDaysBetween(inputs.addedAt, now, timeZone));
  const daysCounted = Math.min(daysWaiting, weights.maxDaysWaiting);
  add(
    'days-waiting',
    daysCounted * weights.perDayWaiting,
    `Waiting ${plural(daysWaiting, 'day')} at ${weights.perDayWaiting} points a day` +
      (daysWaiting > daysCounted ? `, counted up to ${weights.maxDaysWaiting}` : ''),
  );

  const requests = Math.max(0, inputs.rebookRequests);
  const requestsCounted = Math.min(requests, MAX_REBOOK_REQUESTS_COUNTED);
  add(
    'rebook-requests',
    requestsCounted * weights.rebookRequest,
    `${plural(requests, 'rebook request')}` +
      (requests > requestsCounted ? `, counted up to ${MAX_REBOOK_REQUESTS_COUNTED}` : ''),
  );

  // Summing the rounded parts keeps the total equal to what the breakdown shows, to the penny.
  return { score: round2(parts.reduce((sum, p) => sum + p.points, 0)), breakdown: parts };
}

/**
 * Orders waiting families for offering: highest score first, then whoever joined the list earlier, then
 * by id, so two runs over the same list always offer in the same order.
 */
export function compareByPriority(
  a: { score: number; addedAt: string; id: string },
  b: { score: number; addedAt: string; id: string },
): number {
  if (a.score !== b.score) return b.score - a.score;
  const byAdded = instantMs(a.addedAt, 'addedAt') - instantMs(b.addedAt, 'addedAt');
  if (byAdded !== 0) return byAdded;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

/**
 * The safeguarding flags (a family flagged vulnerable, a parent with a mental health condition) are read
 * by health visitors, managers and admins; a scheduler alone is not shown them, and is told to ask the
 * health visitor why a family is called or ranked high (README, "Do not text and safeguarding flags").
 *
 * The rule is applied once, to every route's answer, in `runRoute` (dispatch.ts), so the IAM door, the
 * browser door and the staff pages' in-process calls all get the same answer for the same roles. For a
 * caller who may not see the flags, the answer is rewritten like this:
 * - the keys `vulnerable` and `parentalMentalHealth` are left out wherever they hold a boolean (a
 *   client's `flags`, a waitlist entry's `priorityInputs`, a family to call, a follow-up);
 * - a `why` list says `flagged` (flagged by the health visitor) instead of `vulnerable`;
 * - a follow-up's `reason` says `flagged-wnb` instead of `vulnerable-wnb`;
 * - a score `breakdown`'s lines for the two flags become one line, factor `health-visitor-priority`,
 *   with their points summed: "Priority set by the health visitor (ask them why)". The score and the
 *   order stay as they are: the order is the point of the equity weighting.
 * Nothing here logs anything.
 */
import type { Role } from '#core/roles.ts';

/** The roles that read the safeguarding flags: every role but scheduler. */
export const SEES_SENSITIVE_FLAGS: readonly Role[] = ['health-visitor', 'manager', 'admin'];

/** Whether a caller holding `roles` may read the safeguarding flags. */
export function seesSensitiveFlags(roles: readonly Role[]): boolean {
  return roles.some((role) => SEES_SENSITIVE_FLAGS.includes(role));
}

/** The keys left out of any object for a caller who may not see the flags. */
export const SENSITIVE_FLAG_KEYS = ['vulnerable', 'parentalMentalHealth'] as const;

/** The score factors that name a sensitive flag (core/priority.ts). */
export const SENSITIVE_FACTORS: readonly string[] = ['vulnerable', 'parental-mental-health'];

/** The one breakdown line the sensitive factors become. */
export const HEALTH_VISITOR_PRIORITY = {
  factor: 'health-visitor-priority',
  detail: 'Priority set by the health visitor (ask them why)',
} as const;

/** `why` and follow-up `reason` values as a caller who may not see the flags reads them. */
export const FLAGGED_REASON = 'flagged';
export const FLAGGED_WNB_REASON = 'flagged-wnb';

/** A plain object (JSON's kind): anything else (a Date, a Buffer) is passed on as it is. */
function isRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

interface ScorePartLike {
  factor: string;
  points: number;
  detail: string;
}

function isScorePart(value: unknown): value is ScorePartLike {
  return (
    isRecord(value) &&
    typeof value.factor === 'string' &&
    typeof value.points === 'number' &&
    typeof value.detail === 'string'
  );
}

/** A score breakdown with the sensitive lines folded into one, where the first of them was. */
export function neutralBreakdown<P extends ScorePartLike>(parts: readonly P[]): P[] {
  const sensitive = parts.filter((p) => SENSITIVE_FACTORS.includes(p.factor));
  if (sensitive.length === 0) return [...parts];
  const points = Math.round(sensitive.reduce((sum, p) => sum + p.points, 0) * 100) / 100;
  const out: P[] = [];
  let placed = false;
  for (const part of parts) {
    if (!SENSITIVE_FACTORS.includes(part.factor)) out.push(part);
    else if (!placed) {
      out.push({ ...part, ...HEALTH_VISITOR_PRIORITY, points });
      placed = true;
    }
  }
  return out;
}

function redact(value: unknown, key: string | undefined): unknown {
  if (Array.isArray(value)) {
    if (key === 'breakdown' && value.every(isScorePart)) return neutralBreakdown(value);
    if (key === 'why' && value.every((v) => typeof v === 'string')) {
      return [...new Set(value.map((v) => (v === 'vulnerable' ? FLAGGED_REASON : v)))];
    }
    return value.map((item) => redact(item, undefined));
  }
  if (!isRecord(value)) {
    if (key === 'reason' && value === 'vulnerable-wnb') return FLAGGED_WNB_REASON;
    return value;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if ((SENSITIVE_FLAG_KEYS as readonly string[]).includes(k) && typeof v === 'boolean') continue;
    out[k] = redact(v, k);
  }
  return out;
}

/**
 * A route's answer as a caller holding `roles` may read it: unchanged for one who sees the flags, and
 * rewritten as this file's comment says for one who does not. Returns a copy; the input is not changed.
 */
export function answerForRoles<T>(answer: T, roles: readonly Role[]): T {
  return seesSensitiveFlags(roles) ? answer : (redact(answer, undefined) as T);
}

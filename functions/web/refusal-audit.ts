/**
 * The audit record of a browser request refused before it reached a route: a form post or browser API
 * call without a valid CSRF token, or from another origin. The route table audits its own refusals (a
 * role that may not use a route); these are refused earlier, so they are recorded here, with the same
 * fields: who (the signed-in person, else `anonymous` for a parent page or a signed-out caller), the
 * action (`POST /staff/inbox/{id}/reply`: the page's pattern, so a parent link's token never reaches the
 * audit), status 403 and why. Never a field value or a token.
 */
import { randomUUID } from 'node:crypto';
import type { Deps } from '#services/deps.ts';
import { auditActor, recordAudit } from '#store/audit.ts';
import { callerOfStaff, type StaffMember } from './staff-session.ts';

/** Why a request was refused before its route. */
export type EarlyRefusal = 'csrf-token' | 'cross-origin';

const DETAIL: Record<EarlyRefusal, string> = {
  'csrf-token': 'refused: no valid CSRF token',
  'cross-origin': 'refused: sent from another origin',
};

/**
 * Records one early refusal. A failure to write it is logged (without personal data) and swallowed: the
 * request is refused either way.
 */
export async function auditEarlyRefusal(
  deps: Pick<Deps, 'store' | 'now' | 'log'> | undefined,
  staff: StaffMember | undefined,
  refusal: { readonly method: string; readonly pattern: string; readonly why: EarlyRefusal },
): Promise<void> {
  if (!deps) return;
  try {
    await recordAudit(deps.store, {
      id: randomUUID(),
      at: deps.now().toISOString(),
      ...(staff ? auditActor(callerOfStaff(staff)) : { actor: 'anonymous' }),
      action: `${refusal.method} ${refusal.pattern}`,
      path: refusal.pattern,
      status: 403,
      fields: [],
      detail: DETAIL[refusal.why],
    });
  } catch (err) {
    deps.log.error('audit record of a refused request not written', {
      why: refusal.why,
      error: err as Error,
    });
  }
}

/**
 * The reminder plan of an imported booking. An import usually brings bookings the family already knows
 * about (the EPR sent the appointment letter), so by default no confirmation text is sent: the
 * confirmation tier is recorded as skipped and only the reminder tiers go out.
 */
import type { TierState } from './model.ts';
import { CONFIRMATION_TIER_ID, planReminders, type ReminderPlanInput } from './reminder-plan.ts';

export const NOT_REQUESTED = 'not-requested';

export function importedTiers(
  input: ReminderPlanInput,
  options: { confirm: boolean },
): Record<string, TierState> {
  const plan = planReminders(input);
  const tiers: Record<string, TierState> = {};
  for (const t of plan.planned)
    tiers[t.id] = { kind: t.kind, dueAt: t.dueAt, status: 'PENDING', attempts: 0 };
  for (const s of plan.skipped) {
    tiers[s.id] = {
      kind: s.id === CONFIRMATION_TIER_ID ? 'confirmation' : 'reminder',
      dueAt: input.bookedAt,
      status: 'SKIPPED',
      attempts: 0,
      skipReason: s.reason,
    };
  }
  if (options.confirm) return tiers;

  const confirmation = plan.planned.find((t) => t.id === CONFIRMATION_TIER_ID);
  tiers[CONFIRMATION_TIER_ID] = {
    kind: 'confirmation',
    dueAt: input.bookedAt,
    status: 'SKIPPED',
    attempts: 0,
    skipReason: NOT_REQUESTED,
  };
  if (!confirmation || confirmation.dueAt === input.bookedAt) return tiers;

  // Booked in quiet hours, the confirmation waits for their end, and planReminders drops a reminder due
  // at that same moment because the confirmation would say the same. Without the confirmation that
  // reminder is the family's text, so it is put back. Every other time in between is quiet, so such a
  // tier is due exactly when the confirmation was; a tier that is still dropped when planned on its own
  // was dropped for the confirmation, not for another tier at the same time.
  const atConfirmation = plan.planned.some((t) => t.kind === 'reminder' && t.dueAt === confirmation.dueAt);
  if (atConfirmation) return tiers;
  const restored = input.tiers
    .filter((tier) => tiers[tier.id]?.skipReason === 'superseded')
    .filter((tier) =>
      planReminders({ ...input, tiers: [tier] }).skipped.some(
        (s) => s.id === tier.id && s.reason === 'superseded',
      ),
    )
    .at(-1);
  if (restored) {
    tiers[restored.id] = { kind: 'reminder', dueAt: confirmation.dueAt, status: 'PENDING', attempts: 0 };
  }
  return tiers;
}

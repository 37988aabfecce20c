/**
 * Why a family cancelled or missed an appointment. One list for every place a reason comes from: the
 * parent page, a CANCEL text (classified by the reply parser when it can be), and staff (outcome notes,
 * the inbox). Metrics count by these values, so adding one is a change to reports as well.
 */
export const CANCEL_REASONS = [
  'work',
  /** Childcare, or caring for someone else. */
  'childcare',
  'transport',
  'unwell',
  'forgot',
  'no-longer-needed',
  'other',
] as const;
export type CancelReason = (typeof CANCEL_REASONS)[number];

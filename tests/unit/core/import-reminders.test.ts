import { describe, expect, it } from 'vitest';
import { importedTiers, NOT_REQUESTED } from '#core/import-reminders.ts';
import type { ReminderPlanInput } from '#core/reminder-plan.ts';
import { aTrustConfig } from '#tests/support/builders-waitlist.ts';

const config = aTrustConfig();
const TYPE = config.appointmentTypes['six-to-eight-week-review']!;

/** Thursday 3 December 2026, 14:00 in London (GMT): 7-day, 2-day and morning-of tiers all apply. */
const plan = (bookedAt: string): ReminderPlanInput => ({
  startsAt: '2026-12-03T14:00:00.000Z',
  bookedAt,
  tiers: TYPE.tiers,
  quietHours: config.quietHours,
  timeZone: config.timeZone,
  sweepIntervalMinutes: 5,
});

describe('importedTiers', () => {
  it('by default records the confirmation as not requested and keeps every reminder', () => {
    // Act
    const tiers = importedTiers(plan('2026-11-23T10:00:00.000Z'), { confirm: false });

    // Assess
    expect(tiers.confirmation).toMatchObject({ status: 'SKIPPED', skipReason: NOT_REQUESTED });
    expect(tiers['7d']).toMatchObject({ status: 'PENDING', dueAt: '2026-11-26T10:00:00.000Z' });
    expect(tiers['2d']).toMatchObject({ status: 'PENDING', dueAt: '2026-12-01T10:00:00.000Z' });
    expect(tiers['morning-of']).toMatchObject({ status: 'PENDING', dueAt: '2026-12-03T08:00:00.000Z' });
  });

  it('with confirm plans the confirmation as a booking by staff would', () => {
    // Act
    const tiers = importedTiers(plan('2026-11-23T10:00:00.000Z'), { confirm: true });

    // Assess
    expect(tiers.confirmation).toMatchObject({ status: 'PENDING', dueAt: '2026-11-23T10:00:00.000Z' });
    expect(tiers['7d']?.status).toBe('PENDING');
  });

  it('imported in quiet hours without a confirmation, keeps the reminder due when quiet hours end', () => {
    // Prepare: 21:00 the evening before. The confirmation would wait until 08:00 and say what the
    // morning-of text says, so a booking by staff drops the morning-of text.
    const input = plan('2026-12-02T21:00:00.000Z');

    // Act
    const withConfirmation = importedTiers(input, { confirm: true });
    const without = importedTiers(input, { confirm: false });

    // Assess
    expect(withConfirmation.confirmation).toMatchObject({
      status: 'PENDING',
      dueAt: '2026-12-03T08:00:00.000Z',
    });
    expect(withConfirmation['morning-of']).toMatchObject({ status: 'SKIPPED', skipReason: 'superseded' });
    expect(without.confirmation).toMatchObject({ status: 'SKIPPED', skipReason: NOT_REQUESTED });
    expect(without['morning-of']).toMatchObject({ status: 'PENDING', dueAt: '2026-12-03T08:00:00.000Z' });
    expect(without['2d']).toMatchObject({ status: 'SKIPPED', skipReason: 'past-at-booking' });
  });
});

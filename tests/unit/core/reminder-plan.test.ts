import { describe, expect, it } from 'vitest';
import type { ReminderTierConfig } from '#core/config/reminders.ts';
import { planReminders, type ReminderPlanInput } from '#core/reminder-plan.ts';

// The tiers every appointment type in config/trusts/example.json uses.
const SEVEN_DAYS: ReminderTierConfig = { id: '7d', kind: 'daysBefore', days: 7, at: '10:00' };
const TWO_DAYS: ReminderTierConfig = { id: '2d', kind: 'daysBefore', days: 2, at: '10:00' };
const MORNING_OF: ReminderTierConfig = {
  id: 'morning-of',
  kind: 'daysBefore',
  days: 0,
  at: '08:00',
  onlyIfStartsAtOrAfter: '12:00',
};
const DEFAULT_TIERS = [SEVEN_DAYS, TWO_DAYS, MORNING_OF];

function hoursBefore(id: string, hours: number): ReminderTierConfig {
  return { id, kind: 'hoursBefore', hours };
}

function aPlanInput(overrides: Partial<ReminderPlanInput> = {}): ReminderPlanInput {
  return {
    startsAt: '2026-12-03T09:30:00.000Z',
    bookedAt: '2026-11-20T14:00:00.000Z',
    tiers: DEFAULT_TIERS,
    quietHours: { start: '20:00', end: '08:00' },
    timeZone: 'Europe/London',
    sweepIntervalMinutes: 5,
    ...overrides,
  };
}

function confirmation(dueAt: string) {
  return { id: 'confirmation', kind: 'confirmation', dueAt };
}

function reminder(id: string, dueAt: string) {
  return { id, kind: 'reminder', dueAt };
}

describe('planReminders with the default tiers', () => {
  it.each([
    {
      name: 'a winter morning appointment: no morning-of text',
      startsAt: '2026-12-03T09:30:00.000Z',
      planned: [
        confirmation('2026-11-20T14:00:00.000Z'),
        reminder('7d', '2026-11-26T10:00:00.000Z'),
        reminder('2d', '2026-12-01T10:00:00.000Z'),
      ],
      skipped: [{ id: 'morning-of', reason: 'not-applicable' }],
    },
    {
      name: 'a winter afternoon appointment: a morning-of text at 08:00',
      startsAt: '2026-12-03T14:30:00.000Z',
      planned: [
        confirmation('2026-11-20T14:00:00.000Z'),
        reminder('7d', '2026-11-26T10:00:00.000Z'),
        reminder('2d', '2026-12-01T10:00:00.000Z'),
        reminder('morning-of', '2026-12-03T08:00:00.000Z'),
      ],
      skipped: [],
    },
    {
      name: 'an appointment at exactly 12:00 counts as afternoon',
      startsAt: '2026-12-03T12:00:00.000Z',
      planned: [
        confirmation('2026-11-20T14:00:00.000Z'),
        reminder('7d', '2026-11-26T10:00:00.000Z'),
        reminder('2d', '2026-12-01T10:00:00.000Z'),
        reminder('morning-of', '2026-12-03T08:00:00.000Z'),
      ],
      skipped: [],
    },
    {
      name: 'a summer afternoon appointment: local times are BST',
      startsAt: '2027-07-15T13:00:00.000Z',
      planned: [
        confirmation('2026-11-20T14:00:00.000Z'),
        reminder('7d', '2027-07-08T09:00:00.000Z'),
        reminder('2d', '2027-07-13T09:00:00.000Z'),
        reminder('morning-of', '2027-07-15T07:00:00.000Z'),
      ],
      skipped: [],
    },
  ])('$name', ({ startsAt, planned, skipped }) => {
    // Prepare
    const input = aPlanInput({ startsAt });

    // Act
    const plan = planReminders(input);

    // Assess
    expect(plan).toEqual({ planned, skipped });
  });

  it('sorts the plan by due time whatever the order of the tiers in config', () => {
    // Prepare
    const input = aPlanInput({
      startsAt: '2026-12-03T14:30:00.000Z',
      tiers: [MORNING_OF, TWO_DAYS, SEVEN_DAYS],
    });

    // Act
    const plan = planReminders(input);

    // Assess
    expect(plan.planned.map((t) => t.id)).toEqual(['confirmation', '7d', '2d', 'morning-of']);
  });
});

describe('planReminders across the clock changes in Europe/London', () => {
  // Clocks go forward at 01:00 UTC on Sunday 28 March 2027 and back at 01:00 UTC on Sunday 25 October 2026.
  it.each([
    {
      name: 'Monday after spring forward, 10:00 BST: 7d and 2d fall before the change, at 10:00 GMT',
      startsAt: '2027-03-29T09:00:00.000Z',
      tiers: [...DEFAULT_TIERS, hoursBefore('48h', 48)],
      planned: [
        confirmation('2027-03-01T12:00:00.000Z'),
        reminder('7d', '2027-03-22T10:00:00.000Z'),
        // 48 hours back crosses the change, so it lands at 09:00 on the wall clock, not 10:00.
        reminder('48h', '2027-03-27T09:00:00.000Z'),
        reminder('2d', '2027-03-27T10:00:00.000Z'),
      ],
      skipped: [{ id: 'morning-of', reason: 'not-applicable' }],
    },
    {
      name: 'Tuesday after spring forward, 14:00 BST: 2d lands on the change day itself, at 10:00 BST',
      startsAt: '2027-03-30T13:00:00.000Z',
      tiers: DEFAULT_TIERS,
      planned: [
        confirmation('2027-03-01T12:00:00.000Z'),
        reminder('7d', '2027-03-23T10:00:00.000Z'),
        reminder('2d', '2027-03-28T09:00:00.000Z'),
        reminder('morning-of', '2027-03-30T07:00:00.000Z'),
      ],
      skipped: [],
    },
    {
      name: 'Monday after fall back, 10:00 GMT: 7d and 2d fall before the change, at 10:00 BST',
      startsAt: '2026-10-26T10:00:00.000Z',
      tiers: [...DEFAULT_TIERS, hoursBefore('48h', 48)],
      planned: [
        confirmation('2026-10-01T12:00:00.000Z'),
        reminder('7d', '2026-10-19T09:00:00.000Z'),
        reminder('2d', '2026-10-24T09:00:00.000Z'),
        // 48 hours back crosses the change, so it lands at 11:00 BST on the wall clock.
        reminder('48h', '2026-10-24T10:00:00.000Z'),
      ],
      skipped: [{ id: 'morning-of', reason: 'not-applicable' }],
    },
    {
      name: 'Tuesday after fall back, 14:00 GMT: 2d lands on the change day itself, at 10:00 GMT',
      startsAt: '2026-10-27T14:00:00.000Z',
      tiers: DEFAULT_TIERS,
      planned: [
        confirmation('2026-10-01T12:00:00.000Z'),
        reminder('7d', '2026-10-20T09:00:00.000Z'),
        reminder('2d', '2026-10-25T10:00:00.000Z'),
        reminder('morning-of', '2026-10-27T08:00:00.000Z'),
      ],
      skipped: [],
    },
  ])('$name', ({ startsAt, tiers, planned, skipped }) => {
    // Prepare
    const bookedAt = startsAt.startsWith('2027') ? '2027-03-01T12:00:00.000Z' : '2026-10-01T12:00:00.000Z';
    const input = aPlanInput({ startsAt, bookedAt, tiers });

    // Act
    const plan = planReminders(input);

    // Assess
    expect(plan).toEqual({ planned, skipped });
  });

  it.each([
    {
      name: 'spring: 12h before 09:00 BST Monday is 21:00 BST Sunday, moved to 19:55 BST',
      startsAt: '2027-03-29T08:00:00.000Z',
      bookedAt: '2027-03-01T12:00:00.000Z',
      expected: '2027-03-28T18:55:00.000Z',
    },
    {
      name: 'autumn: 30h before 09:00 GMT Monday is 03:00 GMT Sunday, moved to 19:55 BST Saturday',
      startsAt: '2026-10-26T09:00:00.000Z',
      bookedAt: '2026-10-01T12:00:00.000Z',
      hours: 30,
      expected: '2026-10-24T18:55:00.000Z',
    },
  ])('$name', ({ startsAt, bookedAt, hours = 12, expected }) => {
    // Prepare
    const input = aPlanInput({ startsAt, bookedAt, tiers: [hoursBefore('early', hours)] });

    // Act
    const plan = planReminders(input);

    // Assess
    expect(plan.planned).toContainEqual(reminder('early', expected));
  });
});

describe('planReminders and quiet hours', () => {
  it('moves a tier due in quiet hours to just before they start, so the sweep still catches it', () => {
    // Prepare: 2 hours before a 09:00 appointment is 07:00, inside quiet hours.
    const input = aPlanInput({ startsAt: '2026-12-03T09:00:00.000Z', tiers: [hoursBefore('2h', 2)] });

    // Act
    const plan = planReminders(input);

    // Assess
    expect(plan.planned).toContainEqual(reminder('2h', '2026-12-02T19:55:00.000Z'));
  });

  it.each([
    { sweepIntervalMinutes: 5, expected: '2026-12-02T19:55:00.000Z' },
    { sweepIntervalMinutes: 15, expected: '2026-12-02T19:45:00.000Z' },
  ])(
    'pulls a tier due within $sweepIntervalMinutes minutes of quiet hours back, as the next sweep would be too late',
    ({ sweepIntervalMinutes, expected }) => {
      // Prepare: 14 hours before 09:58 is 19:58, two minutes before quiet hours.
      const input = aPlanInput({
        startsAt: '2026-12-03T09:58:00.000Z',
        tiers: [hoursBefore('14h', 14)],
        sweepIntervalMinutes,
      });

      // Act
      const plan = planReminders(input);

      // Assess
      expect(plan.planned).toContainEqual(reminder('14h', expected));
    },
  );

  it('keeps the tier meant for nearest the appointment when two tiers move onto the same instant', () => {
    // Prepare: 2h (07:00) and 12h (21:00 the evening before) both move to 19:55 the evening before.
    const input = aPlanInput({
      startsAt: '2026-12-03T09:00:00.000Z',
      tiers: [hoursBefore('2h', 2), hoursBefore('12h', 12), hoursBefore('24h', 24)],
    });

    // Act
    const plan = planReminders(input);

    // Assess
    expect(plan).toEqual({
      planned: [
        confirmation('2026-11-20T14:00:00.000Z'),
        reminder('24h', '2026-12-02T09:00:00.000Z'),
        reminder('2h', '2026-12-02T19:55:00.000Z'),
      ],
      skipped: [{ id: '12h', reason: 'superseded' }],
    });
  });

  it('sends the confirmation for a booking made during quiet hours when they end', () => {
    // Prepare
    const input = aPlanInput({ startsAt: '2026-12-03T14:30:00.000Z', bookedAt: '2026-11-20T22:15:00.000Z' });

    // Act
    const plan = planReminders(input);

    // Assess
    expect(plan.planned).toEqual([
      confirmation('2026-11-21T08:00:00.000Z'),
      reminder('7d', '2026-11-26T10:00:00.000Z'),
      reminder('2d', '2026-12-01T10:00:00.000Z'),
      reminder('morning-of', '2026-12-03T08:00:00.000Z'),
    ]);
  });

  it('drops a reminder that would go at the same moment as a delayed confirmation', () => {
    // Prepare: booked at 22:15 the night before a 14:30 appointment; both texts would go at 08:00.
    const input = aPlanInput({ startsAt: '2026-12-03T14:30:00.000Z', bookedAt: '2026-12-02T22:15:00.000Z' });

    // Act
    const plan = planReminders(input);

    // Assess
    expect(plan).toEqual({
      planned: [confirmation('2026-12-03T08:00:00.000Z')],
      skipped: [
        { id: '7d', reason: 'past-at-booking' },
        { id: '2d', reason: 'past-at-booking' },
        { id: 'morning-of', reason: 'superseded' },
      ],
    });
  });
});

describe('planReminders for appointments at midnight', () => {
  it('plans 00:00 on the appointment day against that local day', () => {
    // Prepare: 00:00 GMT on Thursday 3 December.
    const input = aPlanInput({
      startsAt: '2026-12-03T00:00:00.000Z',
      tiers: [
        ...DEFAULT_TIERS,
        { id: 'same-day', kind: 'daysBefore', days: 0, at: '08:00' },
        hoursBefore('2h', 2),
      ],
    });

    // Act
    const plan = planReminders(input);

    // Assess
    expect(plan).toEqual({
      planned: [
        confirmation('2026-11-20T14:00:00.000Z'),
        reminder('7d', '2026-11-26T10:00:00.000Z'),
        reminder('2d', '2026-12-01T10:00:00.000Z'),
        reminder('2h', '2026-12-02T19:55:00.000Z'),
      ],
      skipped: [
        { id: 'morning-of', reason: 'not-applicable' },
        { id: 'same-day', reason: 'after-start' },
      ],
    });
  });

  it('plans 00:30 BST by the local day, which is a day after the UTC day', () => {
    // Prepare: 00:30 BST on Wednesday 15 July 2026 is 23:30 UTC on Tuesday 14 July.
    const input = aPlanInput({ startsAt: '2026-07-14T23:30:00.000Z', bookedAt: '2026-06-01T12:00:00.000Z' });

    // Act
    const plan = planReminders(input);

    // Assess
    expect(plan).toEqual({
      planned: [
        confirmation('2026-06-01T12:00:00.000Z'),
        reminder('7d', '2026-07-08T09:00:00.000Z'),
        reminder('2d', '2026-07-13T09:00:00.000Z'),
      ],
      skipped: [{ id: 'morning-of', reason: 'not-applicable' }],
    });
  });
});

describe('planReminders for late bookings', () => {
  it.each([
    {
      name: 'booked ten minutes before a morning appointment: only the confirmation',
      startsAt: '2026-12-03T10:00:00.000Z',
      bookedAt: '2026-12-03T09:50:00.000Z',
      planned: [confirmation('2026-12-03T09:50:00.000Z')],
      skipped: [
        { id: '7d', reason: 'past-at-booking' },
        { id: '2d', reason: 'past-at-booking' },
        { id: 'morning-of', reason: 'not-applicable' },
      ],
    },
    {
      name: 'booked ten minutes before an afternoon appointment: the morning-of text has gone by',
      startsAt: '2026-12-03T14:30:00.000Z',
      bookedAt: '2026-12-03T14:20:00.000Z',
      planned: [confirmation('2026-12-03T14:20:00.000Z')],
      skipped: [
        { id: '7d', reason: 'past-at-booking' },
        { id: '2d', reason: 'past-at-booking' },
        { id: 'morning-of', reason: 'past-at-booking' },
      ],
    },
    {
      name: 'booked at 23:50 for 00:30: quiet hours last past the start, so nothing is sent',
      startsAt: '2026-12-03T00:30:00.000Z',
      bookedAt: '2026-12-02T23:50:00.000Z',
      tiers: [...DEFAULT_TIERS, hoursBefore('1h', 1)],
      planned: [],
      skipped: [
        { id: 'confirmation', reason: 'after-start' },
        { id: '7d', reason: 'past-at-booking' },
        { id: '2d', reason: 'past-at-booking' },
        { id: 'morning-of', reason: 'not-applicable' },
        { id: '1h', reason: 'past-at-booking' },
      ],
    },
    {
      name: 'booked three days ahead: the 7-day tier has already gone by',
      startsAt: '2026-12-03T14:30:00.000Z',
      bookedAt: '2026-11-30T12:00:00.000Z',
      planned: [
        confirmation('2026-11-30T12:00:00.000Z'),
        reminder('2d', '2026-12-01T10:00:00.000Z'),
        reminder('morning-of', '2026-12-03T08:00:00.000Z'),
      ],
      skipped: [{ id: '7d', reason: 'past-at-booking' }],
    },
    {
      name: 'booked exactly when the 2-day tier falls due: it counts as past',
      startsAt: '2026-12-03T09:30:00.000Z',
      bookedAt: '2026-12-01T10:00:00.000Z',
      planned: [confirmation('2026-12-01T10:00:00.000Z')],
      skipped: [
        { id: '7d', reason: 'past-at-booking' },
        { id: '2d', reason: 'past-at-booking' },
        { id: 'morning-of', reason: 'not-applicable' },
      ],
    },
    {
      name: 'recorded after the appointment started (a late EPR import): nothing is sent',
      startsAt: '2026-12-03T09:30:00.000Z',
      bookedAt: '2026-12-03T09:45:00.000Z',
      planned: [],
      skipped: [
        { id: 'confirmation', reason: 'after-start' },
        { id: '7d', reason: 'past-at-booking' },
        { id: '2d', reason: 'past-at-booking' },
        { id: 'morning-of', reason: 'not-applicable' },
      ],
    },
  ])('$name', ({ startsAt, bookedAt, tiers = DEFAULT_TIERS, planned, skipped }) => {
    // Prepare
    const input = aPlanInput({ startsAt, bookedAt, tiers });

    // Act
    const plan = planReminders(input);

    // Assess
    expect(plan).toEqual({ planned, skipped });
  });
});

describe('planReminders input checks', () => {
  it('refuses a tier that reuses the confirmation id, which would overwrite it in the stored plan', () => {
    // Prepare
    const input = aPlanInput({ tiers: [{ id: 'confirmation', kind: 'hoursBefore', hours: 24 }] });

    // Act / Assess
    expect(() => planReminders(input)).toThrow(/reserved for the booking confirmation/);
  });

  it.each([
    { startsAt: '2026-12-03T09:30:00', field: 'startsAt' },
    { startsAt: 'soon', field: 'startsAt' },
  ])('refuses $field "$startsAt"', ({ startsAt, field }) => {
    // Prepare
    const input = aPlanInput({ startsAt });

    // Act / Assess
    expect(() => planReminders(input)).toThrow(new RegExp(`^${field} "${startsAt}" is not an ISO instant`));
  });
});

describe('planReminders with confirmations off (reminders.confirmation false)', () => {
  it('plans no confirmation and keeps the reminders', () => {
    const plan = planReminders(aPlanInput({ confirmation: false }));
    expect(plan.planned).toEqual([
      reminder('7d', '2026-11-26T10:00:00.000Z'),
      reminder('2d', '2026-12-01T10:00:00.000Z'),
    ]);
    expect(plan.skipped).toContainEqual({ id: 'confirmation', reason: 'not-applicable' });
  });

  it('keeps a reminder due when the confirmation would have gone, which it would otherwise supersede', () => {
    // Booked at 21:00, in quiet hours: the confirmation would wait for 08:00, the 3-hour tier's time too.
    const input = aPlanInput({
      bookedAt: '2026-12-02T21:00:00.000Z',
      startsAt: '2026-12-03T11:00:00.000Z',
      tiers: [hoursBefore('3h', 3)],
    });
    expect(planReminders(input).skipped).toContainEqual({ id: '3h', reason: 'superseded' });
    expect(planReminders({ ...input, confirmation: false }).planned).toEqual([
      reminder('3h', '2026-12-03T08:00:00.000Z'),
    ]);
  });
});

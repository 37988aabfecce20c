/**
 * Issue 9, item 15: the day-of reminder says "today", the day before says "tomorrow", the others name
 * the day. Decided in the trust's calendar days (Europe/London) at the moment the text is sent, which
 * may be late (a sweep catching up), and right across the clock changes.
 */
import { describe, expect, it } from 'vitest';
import { reminderTemplateKey } from '#core/reminder-wording.ts';

const LONDON = 'Europe/London';

describe('reminderTemplateKey', () => {
  it.each([
    {
      when: 'on the morning of a 14:30 appointment',
      sentAt: '2026-12-10T08:00:00Z',
      startsAt: '2026-12-10T14:30:00Z',
      key: 'reminderToday',
    },
    {
      when: 'the day before',
      sentAt: '2026-12-09T10:00:00Z',
      startsAt: '2026-12-10T14:30:00Z',
      key: 'reminderTomorrow',
    },
    {
      when: 'two days before',
      sentAt: '2026-12-08T10:00:00Z',
      startsAt: '2026-12-10T14:30:00Z',
      key: 'reminder',
    },
    {
      when: 'seven days before',
      sentAt: '2026-12-03T10:00:00Z',
      startsAt: '2026-12-10T14:30:00Z',
      key: 'reminder',
    },
    {
      when: 'a 2-day tier sent late, the day before',
      sentAt: '2026-12-09T09:05:00Z',
      startsAt: '2026-12-10T14:30:00Z',
      key: 'reminderTomorrow',
    },
    {
      when: 'a morning tier sent late, the same day',
      sentAt: '2026-12-10T13:55:00Z',
      startsAt: '2026-12-10T14:30:00Z',
      key: 'reminderToday',
    },
    {
      when: 'late at night the day before, 23:59',
      sentAt: '2026-12-09T23:59:00Z',
      startsAt: '2026-12-10T00:30:00Z',
      key: 'reminderTomorrow',
    },
  ])('$when: $key', ({ sentAt, startsAt, key }) => {
    // Act / Assess
    expect(reminderTemplateKey(startsAt, sentAt, LONDON)).toBe(key);
  });

  it.each([
    {
      when: 'in summer time, 00:30 BST is already the appointment’s day (23:30 UTC the day before)',
      sentAt: '2026-07-01T23:30:00Z',
      startsAt: '2026-07-02T13:30:00Z',
      key: 'reminderToday',
    },
    {
      when: 'in summer time, 23:30 BST is still the day before',
      sentAt: '2026-07-01T22:30:00Z',
      startsAt: '2026-07-02T13:30:00Z',
      key: 'reminderTomorrow',
    },
    {
      when: 'across the spring change, Saturday for Sunday is tomorrow although 22 hours away',
      sentAt: '2026-03-28T10:00:00Z',
      startsAt: '2026-03-29T08:00:00Z',
      key: 'reminderTomorrow',
    },
    {
      when: 'across the spring change, Saturday for Monday is two days although under 47 hours away',
      sentAt: '2026-03-28T10:00:00Z',
      startsAt: '2026-03-30T08:30:00Z',
      key: 'reminder',
    },
    {
      when: 'on the autumn change, 00:30 BST on Sunday for 14:30 GMT on Sunday is today',
      sentAt: '2026-10-24T23:30:00Z',
      startsAt: '2026-10-25T14:30:00Z',
      key: 'reminderToday',
    },
    {
      when: 'across the autumn change, 23:30 BST Saturday for 00:10 GMT Monday is two days although 26 hours away',
      sentAt: '2026-10-24T22:30:00Z',
      startsAt: '2026-10-26T00:10:00Z',
      key: 'reminder',
    },
  ])('$when', ({ sentAt, startsAt, key }) => {
    // Act / Assess
    expect(reminderTemplateKey(startsAt, sentAt, LONDON)).toBe(key);
  });
});

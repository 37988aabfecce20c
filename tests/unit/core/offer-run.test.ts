/** The short-notice state machine's table: which events a slot allows, and what they do to its run. */
import { describe, expect, it } from 'vitest';
import type { Slot } from '#core/model.ts';
import {
  allows,
  NOTICE_ON_END,
  noticeDropReason,
  noticeDueAt,
  OFFER_END_FOR_RUN,
  runPhase,
  SLOT_EVENTS,
  type SlotEventName,
  settlementFor,
} from '#core/offer-run.ts';

const FREED = '2026-11-23T09:00:00.000Z';
const NOW = '2026-11-23T10:00:00.000Z';
type SlotState = Pick<Slot, 'status' | 'freedAt' | 'backfill'>;
const run = (
  state: NonNullable<Slot['backfill']>['state'],
  runId = FREED,
): NonNullable<Slot['backfill']> => ({
  runId,
  state,
  wave: 1,
  offersMade: 3,
  startedAt: FREED,
});

const slots: Record<string, SlotState> = {
  neverFreed: { status: 'FREE' },
  freedNotStarted: { status: 'FREE', freedAt: FREED },
  offering: { status: 'OFFERING', freedAt: FREED, backfill: run('OFFERING') },
  waiting: { status: 'OFFERING', freedAt: FREED, backfill: run('WAITING_FOR_DAYTIME') },
  unfilled: { status: 'FREE', freedAt: FREED, backfill: run('UNFILLED') },
  booked: { status: 'BOOKED', freedAt: FREED, backfill: run('FILLED') },
  withdrawn: { status: 'WITHDRAWN' },
};

describe('the slot table', () => {
  it.each([
    ['neverFreed', 'none'],
    ['freedNotStarted', 'unstarted'],
    ['offering', 'open'],
    ['waiting', 'open'],
    ['unfilled', 'ended'],
    ['booked', 'ended'],
    ['withdrawn', 'none'],
  ])('a %s slot is in run phase %s', (name, phase) => {
    expect(runPhase(slots[name]!)).toBe(phase);
  });

  const expected: Record<SlotEventName, string[]> = {
    free: ['booked'],
    startOffering: ['freedNotStarted'],
    startNotOffering: ['freedNotStarted'],
    claimWave: ['offering', 'waiting'],
    waitForDaytime: ['offering', 'waiting'],
    endUnfilled: ['offering', 'waiting'],
    acceptOffer: ['offering', 'waiting'],
    bookByStaff: ['neverFreed', 'freedNotStarted', 'offering', 'waiting', 'unfilled'],
    withdraw: ['neverFreed', 'freedNotStarted', 'offering', 'waiting', 'unfilled'],
    reopen: ['withdrawn'],
  };
  it.each(Object.keys(SLOT_EVENTS) as SlotEventName[])('%s is allowed exactly from its rows', (event) => {
    const allowed = Object.entries(slots)
      .filter(([, slot]) => allows(event, slot))
      .map(([name]) => name);
    expect(allowed).toEqual(expected[event]);
  });

  it('staff booking ends an open run, records an unstarted one at once, and leaves an ended one alone', () => {
    const input = { now: NOW, reason: 'booked-by-staff', bookingId: 'b-1' };
    expect(settlementFor('bookByStaff', slots.offering!, input)).toEqual({
      kind: 'end-open',
      runId: FREED,
      state: 'FILLED_BY_STAFF',
    });
    expect(settlementFor('bookByStaff', slots.freedNotStarted!, input)).toEqual({
      kind: 'record-unstarted',
      run: {
        runId: FREED,
        state: 'FILLED_BY_STAFF',
        wave: 0,
        offersMade: 0,
        startedAt: FREED,
        endedAt: NOW,
        reason: 'booked-by-staff',
        bookingId: 'b-1',
      },
    });
    expect(settlementFor('bookByStaff', slots.unfilled!, input)).toEqual({ kind: 'none' });
    expect(settlementFor('withdraw', slots.neverFreed!, input)).toEqual({ kind: 'none' });
    expect(settlementFor('withdraw', slots.waiting!, input)).toMatchObject({
      kind: 'end-open',
      state: 'WITHDRAWN',
    });
  });
});

describe('offers and notices', () => {
  it('ends pending offers as the run ended, and owes a notice only when the time went to someone else', () => {
    expect(OFFER_END_FOR_RUN).toEqual({
      FILLED: 'TAKEN',
      FILLED_BY_STAFF: 'WITHDRAWN',
      WITHDRAWN: 'WITHDRAWN',
      UNFILLED: 'EXPIRED',
      NOT_OFFERED: 'EXPIRED',
    });
    expect(NOTICE_ON_END).toEqual({ TAKEN: 'TAKEN', WITHDRAWN: 'WITHDRAWN' });
  });

  it('holds a notice owed in quiet hours until they end, in Europe/London (BST here)', () => {
    const quiet = { start: '20:00', end: '08:00' };
    expect(noticeDueAt('2027-06-14T19:30:00.000Z', quiet, 'Europe/London')).toBe('2027-06-15T07:00:00.000Z');
    expect(noticeDueAt('2027-06-14T12:00:00.000Z', quiet, 'Europe/London')).toBe('2027-06-14T12:00:00.000Z');
  });

  it('drops a notice once its slot has started, or when a newer one to the phone goes instead', () => {
    expect(noticeDropReason({ slotStartsAt: NOW, now: NOW, supersededByNewer: false })).toBe('slot-started');
    expect(noticeDropReason({ slotStartsAt: undefined, now: NOW, supersededByNewer: false })).toBe(
      'slot-started',
    );
    expect(
      noticeDropReason({ slotStartsAt: '2026-11-24T10:00:00.000Z', now: NOW, supersededByNewer: true }),
    ).toBe('superseded');
    expect(
      noticeDropReason({ slotStartsAt: '2026-11-24T10:00:00.000Z', now: NOW, supersededByNewer: false }),
    ).toBeUndefined();
  });
});

/**
 * Each of the simulation's invariant checkers catches a hand-made breach, and passes the same records
 * without it (so no check can pass by looking at nothing).
 */
import { describe, expect, it } from 'vitest';
import {
  type BookingRecord,
  checkAll,
  checkBlockedNumbers,
  checkDeadLetters,
  checkIdenticalTexts,
  checkMetrics,
  checkOffersOncePerRun,
  checkOffersSettled,
  checkQuietHours,
  checkRunsEnded,
  checkSlotsBookedOnce,
  type InvariantInput,
  type SentText,
  type SlotRecord,
  sameWordsForTwoPurposes,
} from '#bench/simulate/invariants.ts';

const ZONE = 'Europe/London';
const QUIET = { start: '20:00', end: '08:00' };
const A = '+447700900101';
const B = '+447700900102';
const text = (index: number, at: string, to = A, body = `text ${index}`, extra: Partial<SentText> = {}) => ({
  index,
  at,
  to,
  body,
  ...extra,
});

describe('simulation invariants', () => {
  it('quiet hours: an unprompted text at 21:30 local is a breach; one at 10:00, or an answer at 21:30, is not', () => {
    // 20:30 UTC is 21:30 in London in October (BST).
    const late = text(1, '2026-10-05T20:30:00.000Z');
    expect(checkQuietHours([late], QUIET, ZONE)).toEqual([
      expect.objectContaining({ invariant: 'quiet-hours' }),
    ]);
    expect(checkQuietHours([text(2, '2026-10-05T09:00:00.000Z')], QUIET, ZONE)).toEqual([]);
    expect(checkQuietHours([{ ...late, answers: 'in-1' }], QUIET, ZONE)).toEqual([]);
    // 07:59 local (06:59 UTC in BST) is still quiet; 08:00 is not.
    expect(checkQuietHours([text(3, '2026-10-05T06:59:00.000Z')], QUIET, ZONE)).toHaveLength(1);
    expect(checkQuietHours([text(4, '2026-10-05T07:00:00.000Z')], QUIET, ZONE)).toHaveLength(0);
  });

  it('identical text: the same tier sent twice is a breach; two tiers with the same words, or to two phones, are not', () => {
    const t1 = text(1, '2026-10-05T09:00:00.000Z', A, 'Reminder: Mon 12 Oct', { purpose: 'b1#7d' });
    const t2 = text(2, '2026-10-07T09:00:00.000Z', A, 'Reminder: Mon 12 Oct', { purpose: 'b1#7d' });
    expect(checkIdenticalTexts([t1, t2])).toEqual([
      expect.objectContaining({ invariant: 'identical-text-twice' }),
    ]);
    const t3 = { ...t2, purpose: 'b1#2d' };
    expect(checkIdenticalTexts([t1, t3])).toEqual([]);
    expect(sameWordsForTwoPurposes([t1, t3])).toBe(1);
    expect(checkIdenticalTexts([t1, { ...t2, to: B }])).toEqual([]);
    // With no purpose known, the same words twice to one phone are a breach.
    const u1 = text(5, '2026-10-05T09:00:00.000Z', A, 'Sorry, that time has gone');
    const u2 = text(6, '2026-10-05T10:00:00.000Z', A, 'Sorry, that time has gone');
    expect(checkIdenticalTexts([u1, u2])).toHaveLength(1);
    // Two answers to two different texts from the family may read the same.
    expect(
      checkIdenticalTexts([
        { ...u1, answers: 'in-1' },
        { ...u2, answers: 'in-2' },
      ]),
    ).toEqual([]);
    expect(
      checkIdenticalTexts([
        { ...u1, answers: 'in-1' },
        { ...u2, answers: 'in-1' },
      ]),
    ).toHaveLength(1);
  });

  it('opted out or unreachable: a text inside a STOP span or after unreachable is a breach', () => {
    const texts = [
      text(1, '2026-10-05T09:00:00.000Z'),
      text(2, '2026-10-05T09:05:00.000Z', A, 'You will get no more texts', { answers: 'stop-1' }),
      text(3, '2026-10-06T09:00:00.000Z'),
      text(4, '2026-10-08T09:00:00.000Z'),
    ];
    const stop = { phone: A, reason: 'stop-text' as const, fromIndex: 1, toIndex: 4 };
    expect(checkBlockedNumbers(texts, [stop]).map((b) => b.detail)).toEqual([
      expect.stringContaining('text #3'),
    ]);
    expect(checkBlockedNumbers(texts, [{ ...stop, toIndex: 3 }])).toEqual([]);
    const gone = { phone: A, reason: 'unreachable' as const, since: '2026-10-07T00:00:00.000Z' };
    expect(checkBlockedNumbers(texts, [gone]).map((b) => b.detail)).toEqual([
      expect.stringContaining('text #4'),
    ]);
    expect(checkBlockedNumbers(texts, [{ ...gone, phone: B }])).toEqual([]);
  });

  it('slot booked twice: two live bookings of one slot, or a BOOKED slot naming another, is a breach', () => {
    const bookings: BookingRecord[] = [
      { id: 'b1', slotId: 's1', status: 'ATTENDED' },
      { id: 'b2', slotId: 's1', status: 'CANCELLED' },
      { id: 'b3', slotId: 's2', status: 'BOOKED' },
    ];
    const slots: SlotRecord[] = [
      { id: 's1', status: 'BOOKED', bookingId: 'b1' },
      { id: 's2', status: 'BOOKED', bookingId: 'b3' },
    ];
    expect(checkSlotsBookedOnce(bookings, slots)).toEqual([]);
    const twice = [...bookings, { id: 'b4', slotId: 's2', status: 'DNA' }];
    expect(checkSlotsBookedOnce(twice, slots).map((b) => b.invariant)).toContain('slot-booked-twice');
    expect(checkSlotsBookedOnce(bookings, [{ id: 's1', status: 'BOOKED', bookingId: 'b2' }])).toHaveLength(1);
  });

  it('offer runs and offers: an open run or a PENDING offer left at the end is a breach', () => {
    expect(
      checkRunsEnded([{ id: 's1', status: 'BOOKED', backfill: { runId: 'r', state: 'FILLED' } }]),
    ).toEqual([]);
    expect(
      checkRunsEnded([{ id: 's1', status: 'OFFERING', backfill: { runId: 'r', state: 'OFFERING' } }]),
    ).toHaveLength(1);
    expect(
      checkRunsEnded([{ id: 's1', status: 'FREE', backfill: { runId: 'r', state: 'WAITING_FOR_DAYTIME' } }]),
    ).toHaveLength(1);
    expect(checkOffersSettled([{ id: 'o1', slotId: 's1', status: 'TAKEN' }])).toEqual([]);
    expect(checkOffersSettled([{ id: 'o1', slotId: 's1', status: 'PENDING' }])).toHaveLength(1);
  });

  it('one run offers its slot to a family once: the same slot twice in one run is a breach, in two runs it is not', () => {
    const o1 = { id: 'o1', slotId: 's1', status: 'DECLINED', clientId: 'c1', runId: 'r1' };
    const o2 = { ...o1, id: 'o2', status: 'EXPIRED' };
    expect(checkOffersOncePerRun([o1, o2])).toEqual([
      expect.objectContaining({ invariant: 'identical-text-twice' }),
    ]);
    expect(checkOffersOncePerRun([o1, { ...o2, runId: 'r2' }])).toEqual([]);
    expect(checkOffersOncePerRun([o1, { ...o2, clientId: 'c2' }])).toEqual([]);
  });

  it('two siblings sharing a phone offered one slot in one run is a breach: the phone reads the same offer twice', () => {
    const o1 = {
      id: 'o1',
      slotId: 's1',
      status: 'DECLINED',
      clientId: 'c1',
      runId: 'r1',
      phone: '+447700900123',
    };
    const sibling = { ...o1, id: 'o2', clientId: 'c2', status: 'EXPIRED' };
    expect(checkOffersOncePerRun([o1, sibling])).toEqual([
      expect.objectContaining({
        invariant: 'identical-text-twice',
        detail: expect.stringContaining('one phone'),
      }),
    ]);
    // Their own phones, or another run: not the same text twice.
    expect(checkOffersOncePerRun([o1, { ...sibling, phone: '+447700900124' }])).toEqual([]);
    expect(checkOffersOncePerRun([o1, { ...sibling, runId: 'r2' }])).toEqual([]);
    // One child offered twice is reported once, not once per key.
    expect(checkOffersOncePerRun([o1, { ...o1, id: 'o3' }])).toHaveLength(1);
  });

  it('dead letters and metrics: any dead letter, or a figure that differs from the table, is a breach', () => {
    expect(checkDeadLetters([])).toEqual([]);
    expect(checkDeadLetters([{ queue: 'metrics stream', id: 'e1', reason: 'boom' }])).toHaveLength(1);
    expect(checkMetrics([{ name: 'appointments.dna', metrics: 3, truth: 3 }])).toEqual([]);
    expect(checkMetrics([{ name: 'appointments.dna', metrics: 3, truth: 4 }])).toEqual([
      { invariant: 'metrics-differ', detail: 'appointments.dna: /metrics says 3, the table says 4' },
    ]);
  });

  it('checkAll runs every checker', () => {
    const clean: InvariantInput = {
      texts: [],
      quiet: QUIET,
      timeZone: ZONE,
      blocks: [],
      bookings: [],
      slots: [],
      offers: [],
      deadLetters: [],
      metrics: [],
    };
    expect(checkAll(clean)).toEqual([]);
    const broken: InvariantInput = {
      ...clean,
      texts: [text(1, '2026-10-05T20:30:00.000Z'), text(2, '2026-10-05T20:31:00.000Z', A, 'text 1')],
      blocks: [{ phone: A, reason: 'staff', since: '2026-10-01T00:00:00.000Z' }],
      bookings: [
        { id: 'b1', slotId: 's1', status: 'BOOKED' },
        { id: 'b2', slotId: 's1', status: 'BOOKED' },
      ],
      slots: [{ id: 's2', status: 'OFFERING' }],
      offers: [{ id: 'o1', slotId: 's2', status: 'PENDING' }],
      deadLetters: [{ queue: 'backfill stream', id: 'e1', reason: 'boom' }],
      metrics: [{ name: 'texts.sent', metrics: 1, truth: 2 }],
    };
    expect(new Set(checkAll(broken).map((b) => b.invariant))).toEqual(
      new Set([
        'quiet-hours',
        'identical-text-twice',
        'opted-out-or-unreachable',
        'slot-booked-twice',
        'offer-run-not-ended',
        'offer-not-settled',
        'dead-letter',
        'metrics-differ',
      ]),
    );
  });
});

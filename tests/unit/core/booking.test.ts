import { describe, expect, it } from 'vitest';
import { newBooking, pickRef } from '#core/booking.ts';
import type { TierState } from '#core/model.ts';
import { newSlot } from '#core/slot.ts';

const slot = newSlot({
  id: 'slot-1',
  clinicId: 'riverside',
  type: 'six-to-eight-week-review',
  // 23:30 UTC on 31 May is 00:30 on 1 June in London (BST).
  startsAt: '2026-05-31T23:30:00.000Z',
  durationMinutes: 30,
  timeZone: 'Europe/London',
  now: '2026-05-01T09:00:00.000Z',
});
const client = { id: 'client-1', phone: '+447700900123' };
const tiers: Record<string, TierState> = {
  '2d': { kind: 'reminder', dueAt: '2026-05-29T09:00:00.000Z', status: 'PENDING', attempts: 0 },
};

describe('newSlot', () => {
  it('files a slot under the clinic local day, FREE, made now', () => {
    expect(slot).toEqual({
      id: 'slot-1',
      clinicId: 'riverside',
      type: 'six-to-eight-week-review',
      startsAt: '2026-05-31T23:30:00.000Z',
      durationMinutes: 30,
      localDay: '2026-06-01',
      status: 'FREE',
      createdAt: '2026-05-01T09:00:00.000Z',
      updatedAt: '2026-05-01T09:00:00.000Z',
    });
  });

  it('marks a short-notice slot as freed now, and gives each slot a fresh id unless told', () => {
    const input = { ...slot, timeZone: 'Europe/London', now: '2026-05-02T10:00:00.000Z' };
    const { id: _, ...withoutId } = input;
    const a = newSlot({ ...withoutId, shortNotice: true });
    const b = newSlot(withoutId);
    expect(a).toMatchObject({ freedAt: '2026-05-02T10:00:00.000Z', freedBy: 'short-notice', status: 'FREE' });
    expect(b).not.toHaveProperty('freedAt');
    expect(a.id).not.toBe(b.id);
  });
});

describe('newBooking', () => {
  it('books the slot for the client, with the reference and plan it is given', () => {
    const booking = newBooking({
      slot,
      client,
      source: 'staff',
      by: 'staff:hv-1',
      now: '2026-05-02T10:00:00.000Z',
      ref: '4821',
      tiers,
    });
    expect(booking).toEqual({
      id: expect.any(String),
      ref: '4821',
      slotId: 'slot-1',
      clientId: 'client-1',
      clinicId: 'riverside',
      type: 'six-to-eight-week-review',
      startsAt: '2026-05-31T23:30:00.000Z',
      durationMinutes: 30,
      localDay: '2026-06-01',
      phone: '+447700900123',
      status: 'BOOKED',
      source: 'staff',
      bookedAt: '2026-05-02T10:00:00.000Z',
      bookedBy: 'staff:hv-1',
      tiers,
      updatedAt: '2026-05-02T10:00:00.000Z',
    });
  });

  it('records an overridden horizon and the EPR record only when there is one', () => {
    const base = {
      slot,
      client,
      source: 'import' as const,
      by: 'import',
      now: slot.createdAt,
      ref: '1000',
      tiers,
    };
    expect(
      newBooking({ ...base, id: 'b1', horizonOverridden: true, sourceRecord: { system: 'epr', id: 'A1' } }),
    ).toMatchObject({ id: 'b1', horizonOverridden: true, sourceRecord: { system: 'epr', id: 'A1' } });
    const plain = newBooking({ ...base, horizonOverridden: false });
    expect(plain).not.toHaveProperty('horizonOverridden');
    expect(plain).not.toHaveProperty('sourceRecord');
  });
});

describe('pickRef', () => {
  it('picks a four-digit reference the phone is not using', () => {
    const taken = new Set(
      Array.from({ length: 9000 }, (_, i) => String(1000 + i)).filter((r) => r !== '5555'),
    );
    expect(pickRef(taken)).toBe('5555');
    expect(pickRef(new Set())).toMatch(/^\d{4}$/);
  });
});

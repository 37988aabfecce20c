/**
 * The admin API routes for outcomes, follow-ups, moves, the booking horizon and erasure, called as the
 * function URL calls them (real router, real table): each route's bad input, unknown ids and state
 * conflicts get the one error shape and the right status, and each change records who made it.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Booking, Client, Clinic, Slot } from '#core/model.ts';
import type { OutcomeResult } from '#services/outcomes.ts';
import type { StoreContext } from '#store/context.ts';
import type { FollowUp } from '#store/follow-ups.ts';
import { aClient, aClinic, aSlotFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi, type ErrorResult, STAFF_ARN } from '#tests/support/function-url.ts';
import { seed } from './helpers.ts';

/** Monday 23 November 2026, 10:00 in London. */
const NOW = '2026-11-23T10:00:00.000Z';
const TUESDAY = '2026-11-24T10:00:00.000Z';
const AFTERWARDS = '2026-11-25T09:00:00.000Z';

let store: StoreContext;
let clinic: Clinic;
let client: Client;
let deps: TestDeps;

beforeEach(async () => {
  store = await freshTable();
  clinic = aClinic();
  const flags = { needsCarer: false, parentalMentalHealth: false, vulnerable: true, doNotText: false };
  client = aClient({ flags, namedHealthVisitor: 'Priya Shah' });
  await seed(store, { clinic, clients: [client] });
  deps = testDeps(store, NOW);
});

async function aSlot(startsAt: string): Promise<Slot> {
  const slot = aSlotFor(clinic, { startsAt });
  await seed(store, { slots: [slot] });
  return slot;
}

async function booked(startsAt = TUESDAY): Promise<Booking> {
  const slot = await aSlot(startsAt);
  const res = await callApi<Booking>(deps, 'POST', '/bookings', { slotId: slot.id, clientId: client.id });
  expect(res.status).toBe(201);
  return res.body;
}

const fieldsOf = (body: unknown) => (body as ErrorResult).error.fields?.map((f) => f.field);
const codeOf = (body: unknown) => (body as ErrorResult).error.code;

describe('POST /bookings/{id}/outcome', () => {
  it('records the outcome with the IAM caller and answers the history and any follow-up', async () => {
    // Prepare
    const booking = await booked();
    deps.clock.set(AFTERWARDS);

    // Act
    const res = await callApi<OutcomeResult>(deps, 'POST', `/bookings/${booking.id}/outcome`, {
      outcome: 'WNB',
      note: 'No answer at the door',
    });

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.booking).toMatchObject({ status: 'WNB', outcomeBy: STAFF_ARN });
    expect(res.body.history).toEqual({ attended: 0, dna: 0, wnb: 1, consecutiveWnb: 1 });
    expect(res.body.followUp).toMatchObject({
      status: 'OPEN',
      openedBy: STAFF_ARN,
      reason: 'vulnerable-wnb',
    });
  });

  it.each([
    { case: 'no outcome', body: {}, fields: ['outcome'] },
    { case: 'an unknown outcome', body: { outcome: 'MAYBE' }, fields: ['outcome'] },
    { case: 'a lower-case outcome', body: { outcome: 'attended' }, fields: ['outcome'] },
    {
      case: 'a note over 1000 characters',
      body: { outcome: 'DNA', note: 'x'.repeat(1001) },
      fields: ['note'],
    },
    { case: 'a body that is not JSON', body: '{"outcome":', fields: ['(body)'] },
  ])('refuses $case with a 400 naming the field', async ({ body, fields }) => {
    // Prepare
    const booking = await booked();
    deps.clock.set(AFTERWARDS);

    // Act
    const res = await callApi(deps, 'POST', `/bookings/${booking.id}/outcome`, body);

    // Assess
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(fields);
  });

  it('answers 404 for an unknown booking and 409 with a code for each state conflict', async () => {
    // Prepare
    const booking = await booked();

    // Act
    const unknown = await callApi(deps, 'POST', '/bookings/nope/outcome', { outcome: 'DNA' });
    const early = await callApi(deps, 'POST', `/bookings/${booking.id}/outcome`, { outcome: 'DNA' });
    deps.clock.set(AFTERWARDS);
    await callApi(deps, 'POST', `/bookings/${booking.id}/outcome`, { outcome: 'ATTENDED' });
    const twice = await callApi(deps, 'POST', `/bookings/${booking.id}/outcome`, { outcome: 'ATTENDED' });

    // Assess
    expect([unknown.status, codeOf(unknown.body)]).toEqual([404, 'NOT_FOUND']);
    expect([early.status, codeOf(early.body)]).toEqual([409, 'NOT_STARTED']);
    expect([twice.status, codeOf(twice.body)]).toEqual([409, 'OUTCOME_ALREADY_RECORDED']);
  });
});

describe('follow-ups', () => {
  async function anOpenFollowUp(): Promise<FollowUp> {
    const booking = await booked();
    deps.clock.set(AFTERWARDS);
    const res = await callApi<OutcomeResult>(deps, 'POST', `/bookings/${booking.id}/outcome`, {
      outcome: 'WNB',
    });
    return res.body.followUp!;
  }

  it('lists open ones, reads one, and closes it once with a note and the caller', async () => {
    // Prepare
    const followUp = await anOpenFollowUp();

    // Act
    const list = await callApi<{ items: FollowUp[] }>(deps, 'GET', '/follow-ups');
    const one = await callApi<FollowUp>(deps, 'GET', `/follow-ups/${followUp.id}`);
    const closed = await callApi<FollowUp>(deps, 'POST', `/follow-ups/${followUp.id}/close`, {
      note: 'Spoke to dad; rebooked',
    });
    const again = await callApi(deps, 'POST', `/follow-ups/${followUp.id}/close`, { note: 'again' });
    const after = await callApi<{ items: FollowUp[] }>(deps, 'GET', '/follow-ups');

    // Assess
    expect(list.body.items.map((f) => f.id)).toEqual([followUp.id]);
    expect(one.body).toMatchObject({ id: followUp.id, namedHealthVisitor: 'Priya Shah' });
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({
      status: 'CLOSED',
      closedBy: STAFF_ARN,
      note: 'Spoke to dad; rebooked',
    });
    expect([again.status, codeOf(again.body)]).toEqual([409, 'ALREADY_CLOSED']);
    expect(after.body.items).toEqual([]);
  });

  it('refuses bad input with a 400 and unknown ids with a 404', async () => {
    // Prepare
    const followUp = await anOpenFollowUp();

    // Act
    const noNote = await callApi(deps, 'POST', `/follow-ups/${followUp.id}/close`, {});
    const blankNote = await callApi(deps, 'POST', `/follow-ups/${followUp.id}/close`, { note: '   ' });
    const badLimit = await callApi(deps, 'GET', '/follow-ups?limit=0');
    const badCursor = await callApi(deps, 'GET', '/follow-ups?cursor=not-a-cursor');
    const unknownRead = await callApi(deps, 'GET', '/follow-ups/nope');
    const unknownClose = await callApi(deps, 'POST', '/follow-ups/nope/close', { note: 'n' });

    // Assess
    expect([noNote.status, fieldsOf(noNote.body)]).toEqual([400, ['note']]);
    expect([blankNote.status, fieldsOf(blankNote.body)]).toEqual([400, ['note']]);
    expect([badLimit.status, fieldsOf(badLimit.body)]).toEqual([400, ['query.limit']]);
    expect([badCursor.status, fieldsOf(badCursor.body)]).toEqual([400, ['query.cursor']]);
    expect(unknownRead.status).toBe(404);
    expect(unknownClose.status).toBe(404);
    expect((await callApi<FollowUp>(deps, 'GET', `/follow-ups/${followUp.id}`)).body.status).toBe('OPEN');
  });
});

describe('POST /bookings/{id}/move and the booking horizon', () => {
  it('moves a booking, recording the caller', async () => {
    // Prepare
    const booking = await booked();
    const target = await aSlot('2026-11-27T10:00:00.000Z');

    // Act
    const res = await callApi<{ from: Booking; to: Booking }>(deps, 'POST', `/bookings/${booking.id}/move`, {
      slotId: target.id,
      reason: 'clinic room double-booked',
    });

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.from).toMatchObject({ status: 'CANCELLED', cancelledBy: STAFF_ARN });
    expect(res.body.to).toMatchObject({ status: 'BOOKED', slotId: target.id, bookedBy: STAFF_ARN });
  });

  it.each([
    { case: 'no slotId', body: { reason: 'r' }, fields: ['slotId'] },
    { case: 'no reason', body: { slotId: 's' }, fields: ['reason'] },
    { case: 'a blank reason', body: { slotId: 's', reason: '  ' }, fields: ['reason'] },
    {
      case: 'a non-boolean overrideHorizon',
      body: { slotId: 's', reason: 'r', overrideHorizon: 'yes' },
      fields: ['overrideHorizon'],
    },
  ])('refuses $case with a 400 naming the field', async ({ body, fields }) => {
    // Prepare
    const booking = await booked();

    // Act
    const res = await callApi(deps, 'POST', `/bookings/${booking.id}/move`, body);

    // Assess
    expect(res.status).toBe(400);
    expect(fieldsOf(res.body)).toEqual(fields);
  });

  it('answers 404 for an unknown booking or slot and 409 for a taken slot', async () => {
    // Prepare
    const booking = await booked();
    const other = await booked('2026-11-27T10:00:00.000Z');

    // Act
    const unknownBooking = await callApi(deps, 'POST', '/bookings/nope/move', { slotId: 's', reason: 'r' });
    const unknownSlot = await callApi(deps, 'POST', `/bookings/${booking.id}/move`, {
      slotId: 'nope',
      reason: 'r',
    });
    const taken = await callApi(deps, 'POST', `/bookings/${booking.id}/move`, {
      slotId: other.slotId,
      reason: 'r',
    });

    // Assess
    expect(unknownBooking.status).toBe(404);
    expect(unknownSlot.status).toBe(404);
    expect([taken.status, codeOf(taken.body)]).toEqual([409, 'SLOT_NOT_FREE']);
  });

  it('POST /bookings refuses a slot beyond the horizon unless overrideHorizon is true', async () => {
    // Prepare: a slot 50 days ahead
    const far = await aSlot('2027-01-12T10:00:00.000Z');

    // Act
    const badFlag = await callApi(deps, 'POST', '/bookings', {
      slotId: far.id,
      clientId: client.id,
      overrideHorizon: 'yes',
    });
    const refused = await callApi(deps, 'POST', '/bookings', { slotId: far.id, clientId: client.id });
    const overridden = await callApi<Booking>(deps, 'POST', '/bookings', {
      slotId: far.id,
      clientId: client.id,
      overrideHorizon: true,
    });

    // Assess
    expect([badFlag.status, fieldsOf(badFlag.body)]).toEqual([400, ['overrideHorizon']]);
    expect([refused.status, fieldsOf(refused.body)]).toEqual([400, ['slotId']]);
    expect(overridden.status).toBe(201);
    expect(overridden.body.horizonOverridden).toBe(true);
  });
});

describe('DELETE /clients/{id}', () => {
  it('erases, answers the same summary again, and GET /clients/{id} then shows an erased record', async () => {
    // Prepare
    await booked('2026-11-27T10:00:00.000Z');

    // Act
    const first = await callApi<{ erasedBy: string; state: string }>(deps, 'DELETE', `/clients/${client.id}`);
    const second = await callApi(deps, 'DELETE', `/clients/${client.id}`);
    const read = await callApi<Record<string, unknown>>(deps, 'GET', `/clients/${client.id}`);

    // Assess
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ state: 'ERASED', erasedBy: STAFF_ARN });
    expect(second).toEqual(first);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: client.id, erased: true, erasedAt: NOW });
    expect(read.body).not.toHaveProperty('firstName');
    expect(read.body).not.toHaveProperty('phone');
  });

  it('answers 404 for an unknown client and 409 while a follow-up is open', async () => {
    // Prepare: a vulnerable child not brought, so a follow-up is open
    const booking = await booked();
    deps.clock.set(AFTERWARDS);
    await callApi(deps, 'POST', `/bookings/${booking.id}/outcome`, { outcome: 'WNB' });

    // Act
    const unknown = await callApi(deps, 'DELETE', '/clients/nope');
    const blocked = await callApi(deps, 'DELETE', `/clients/${client.id}`);

    // Assess
    expect([unknown.status, codeOf(unknown.body)]).toEqual([404, 'NOT_FOUND']);
    expect([blocked.status, codeOf(blocked.body)]).toEqual([409, 'OPEN_FOLLOW_UPS']);
    expect((await callApi<Client>(deps, 'GET', `/clients/${client.id}`)).body.firstName).toBe(
      client.firstName,
    );
  });
});

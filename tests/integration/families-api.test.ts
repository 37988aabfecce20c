/**
 * The routes behind the staff app's Today, Families and Inbox pages, called as the function URL calls
 * them (real router, real table in DynamoDB Local): family search by name, mobile and reference; a
 * family's record with the number's consent; a clinic's day with reminders and replies; the families to
 * call; and a staff text reply, which is previewed without sending, sanitised, and refused for an
 * opted-out or do-not-text number exactly as every other text is.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import type { Booking, Client, Clinic, Message } from '#core/model.ts';
import { optOutNumber } from '#services/consent.ts';
import { handleInboundSms } from '#services/replies.ts';
import { createBooking } from '#store/bookings.ts';
import type { StoreContext } from '#store/context.ts';
import type { InboxItem } from '#store/inbox.ts';
import { openInbox } from '#store/inbox.ts';
import type { ClientWithPhone } from '#tests/support/builders.ts';
import { aBookingFor, aClient, aClinic, anInboundSms, aSlotFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi, type ErrorResult, IAM_CALLER_ARNS } from '#tests/support/function-url.ts';
import { seed } from './helpers.ts';

/** Monday 23 November 2026, 09:00 in London. */
const NOW = '2026-11-23T09:00:00.000Z';
const SCHEDULER = IAM_CALLER_ARNS.scheduler;

let store: StoreContext;
let deps: TestDeps;
let clinic: Clinic;

beforeEach(async () => {
  store = await freshTable();
  deps = testDeps(store, NOW);
  clinic = aClinic();
  await seed(store, { clinic });
});

async function aFamily(overrides: Partial<Client> = {}): Promise<ClientWithPhone> {
  const client = aClient(overrides);
  await seed(store, { clients: [client] });
  return client;
}

async function aBooking(
  client: ClientWithPhone,
  startsAt: string,
  overrides: Partial<Booking> = {},
): Promise<Booking> {
  const slot = aSlotFor(clinic, { startsAt, localDay: startsAt.slice(0, 10), type: 'clinic' });
  await seed(store, { slots: [slot] });
  return createBooking(store, aBookingFor(slot, client, overrides));
}

const get = <T>(path: string) => callApi<T>(deps, 'GET', path, undefined, SCHEDULER);
const post = <T>(path: string, body: unknown) => callApi<T>(deps, 'POST', path, body, SCHEDULER);
const codeOf = (body: unknown) => (body as ErrorResult).error.code;

describe('GET /families', () => {
  it('finds by name ignoring case and accents, by mobile in any form, and by booking reference', async () => {
    // Prepare
    const zoe = await aFamily({ firstName: 'Zoë', familyName: 'Ångström', phone: '+447700900301' });
    const sibling = await aFamily({ firstName: 'Max', familyName: 'Ångström', phone: '+447700900301' });
    const other = await aFamily({ firstName: 'Oliver', familyName: 'Smith', phone: '+447700900302' });
    const booking = await aBooking(other, '2026-11-24T10:00:00.000Z', { ref: '4821' });

    // Act
    const byName = await get<{ items: ClientWithPhone[]; kind: string }>('/families?q=zoe%20angstrom');
    const byPhone = await get<{ items: ClientWithPhone[]; kind: string }>('/families?q=07700%20900301');
    const byRef = await get<{ items: ClientWithPhone[]; kind: string }>(`/families?q=${booking.ref}`);

    // Assess
    expect(byName.body).toMatchObject({ kind: 'name', items: [{ id: zoe.id }] });
    expect(byPhone.body.kind).toBe('phone');
    expect(byPhone.body.items.map((c) => c.id).sort()).toEqual([zoe.id, sibling.id].sort());
    expect(byRef.body).toMatchObject({ kind: 'ref', items: [{ id: other.id }] });
  });

  it('finds by NHS number, written with spaces', async () => {
    // Prepare: a client registered with an NHS number (the pointer that keeps it unique is the index).
    const created = await callApi<ClientWithPhone>(
      deps,
      'POST',
      '/clients',
      { firstName: 'Ava', phone: '07700 900341', nhsNumber: '943 476 5919' },
      IAM_CALLER_ARNS['health-visitor'],
    );
    expect(created.status).toBe(201);

    // Act
    const res = await get<{ items: ClientWithPhone[]; kind: string }>('/families?q=943%20476%205919');

    // Assess
    expect(res.body).toMatchObject({
      kind: 'nhs-number',
      items: [{ id: created.body.id, firstName: 'Ava' }],
    });
  });

  it('refuses a one-character query with a 400 on query.q', async () => {
    const res = await get('/families?q=a');
    expect(res.status).toBe(400);
    expect((res.body as ErrorResult).error.fields?.map((f) => f.field)).toEqual(['query.q']);
  });

  it.each(['/families-to-call?date=2026-02-30', '/clinics/{id}/day?date=2026-02-30'])(
    '%s: a date that is not on the calendar says so, as every other route does',
    async (path) => {
      const res = await get(path.replace('{id}', clinic.id));
      expect(res.status).toBe(400);
      expect((res.body as ErrorResult).error.fields).toEqual([
        { field: 'query.date', message: 'is not a real calendar date' },
      ]);
    },
  );

  it.each(['/families', '/call-list'])(
    '%s without its query parameter says which one is required, not zod’s "received undefined"',
    async (path) => {
      const res = await get(path);
      expect(res.status).toBe(400);
      const { error } = res.body as ErrorResult;
      const name = path === '/families' ? 'q' : 'date';
      expect(error.message).toBe(`Query parameter ${name} is required`);
      expect(error.fields).toEqual([{ field: `query.${name}`, message: 'is required' }]);
    },
  );
});

describe('GET /families/{id}', () => {
  it("answers the number's children, every booking (cancelled too), the thread oldest first and the consent", async () => {
    // Prepare
    const amelia = await aFamily({ phone: '+447700900311' });
    const brother = await aFamily({ firstName: 'Jack', phone: '+447700900311' });
    const first = await aBooking(amelia, '2026-11-24T10:00:00.000Z');
    await aBooking(brother, '2026-11-25T10:00:00.000Z', { status: 'CANCELLED' });
    await handleInboundSms(deps, anInboundSms(amelia.phone, 'Is there parking?'));
    deps.clock.set('2026-11-23T09:05:00.000Z');
    await handleInboundSms(deps, anInboundSms(amelia.phone, 'STOP'));

    // Act
    const res = await get<{
      children: ClientWithPhone[];
      bookings: Booking[];
      messages: Message[];
      consent: { state: string; reason?: string };
    }>(`/families/${brother.id}`);

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.children.map((c) => c.id).sort()).toEqual([amelia.id, brother.id].sort());
    expect(res.body.bookings.map((b) => [b.id === first.id, b.status])).toEqual([
      [true, 'BOOKED'],
      [false, 'CANCELLED'],
    ]);
    const inbound = res.body.messages.filter((m) => m.direction === 'IN').map((m) => m.body);
    expect(inbound).toEqual(['Is there parking?', 'STOP']);
    expect(res.body.consent).toMatchObject({ state: 'opted-out', reason: 'stop-text' });
  });

  it('is a 404 for a client that does not exist', async () => {
    const res = await get('/families/nobody-here');
    expect(res.status).toBe(404);
  });
});

describe('GET /clinics/{id}/day', () => {
  it("answers each booking's child, reminders in due order and the family's replies since booking", async () => {
    // Prepare
    const amelia = await aFamily({ firstName: 'Amelia', phone: '+447700900321' });
    const booking = await aBooking(amelia, '2026-11-23T14:00:00.000Z', {
      bookedAt: '2026-11-20T10:00:00.000Z',
    });
    await handleInboundSms(deps, anInboundSms(amelia.phone, 'We will be 5 minutes late'));

    // Act
    const res = await get<{
      items: {
        booking: Booking;
        firstName: string;
        reminders: { tier: string }[];
        replies: { body: string }[];
      }[];
    }>(`/clinics/${clinic.id}/day?date=2026-11-23`);

    // Assess
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
    expect(res.body.items[0]).toMatchObject({
      booking: { id: booking.id },
      firstName: 'Amelia',
      reminders: [{ tier: '2d' }],
      replies: [{ body: 'We will be 5 minutes late' }],
    });
  });
});

describe('GET /families-to-call', () => {
  it("lists tomorrow's families with two misses in a year or flagged vulnerable, unless they replied", async () => {
    // Prepare
    const vulnerable = { needsCarer: false, parentalMentalHealth: false, vulnerable: true, doNotText: false };
    const quiet = await aFamily({ firstName: 'Quiet', flags: vulnerable });
    const replied = await aFamily({ firstName: 'Replied', flags: vulnerable });
    const twice = await aFamily({ firstName: 'Twice' });
    const once = await aFamily({ firstName: 'Once' });
    for (const [client, day] of [
      [twice, '2026-03-02'],
      [twice, '2026-09-07'],
      [once, '2026-09-07'],
      [once, '2025-09-01'], // more than a year ago
    ] as const) {
      await aBooking(client, `${day}T10:00:00.000Z`, { status: 'DNA' });
    }
    for (const client of [quiet, replied, twice, once]) await aBooking(client, '2026-11-24T10:00:00.000Z');
    await handleInboundSms(deps, anInboundSms(replied.phone, 'Yes we will be there'));

    // Act
    type ToCall = {
      date: string;
      items: { firstName: string; misses: number; vulnerable?: boolean; why: string[] }[];
    };
    const res = await get<ToCall>('/families-to-call');
    const asHealthVisitor = await callApi<ToCall>(
      deps,
      'GET',
      '/families-to-call',
      undefined,
      IAM_CALLER_ARNS['health-visitor'],
    );

    // Assess: a scheduler is told the health visitor flagged Quiet, not that Quiet is vulnerable (README,
    // "Do not text and safeguarding flags"); a health visitor sees the flag.
    expect(res.body.date).toBe('2026-11-24');
    expect(res.body.items.map((c) => [c.firstName, c.misses, c.vulnerable, c.why]).sort()).toEqual([
      ['Quiet', 0, undefined, ['flagged']],
      ['Twice', 2, undefined, ['missed']],
    ]);
    expect(asHealthVisitor.body.items.map((c) => [c.firstName, c.misses, c.vulnerable]).sort()).toEqual([
      ['Quiet', 0, true],
      ['Twice', 2, false],
    ]);
  });
});

describe('POST /inbox/{id}/reply', () => {
  async function anInboxItem(client: ClientWithPhone): Promise<InboxItem> {
    await handleInboundSms(deps, anInboundSms(client.phone, 'Can we come later?'));
    const open = await openInbox(store);
    const item = open.items.find((i) => i.phone === client.phone);
    if (!item) throw new Error('no inbox item');
    return item;
  }

  const sentTo = (phone: string) => deps.outbox.entries.filter((t) => t.to === phone).map((t) => t.body);

  it('previews the segments and cost without sending, then sends the sanitised text and records it', async () => {
    // Prepare
    const family = await aFamily({ phone: '+447700900331' });
    const item = await anInboxItem(family);
    const before = sentTo(family.phone).length;
    const text = 'Yes – come at 11:30 “any time”';

    // Act
    const preview = await post<{ sent: boolean; text: { body: string; segments: number; costGbp: number } }>(
      `/inbox/${item.id}/reply`,
      { text, preview: true },
    );
    const afterPreview = sentTo(family.phone).length;
    deps.clock.set('2026-11-23T09:10:00.000Z');
    const sent = await post<{ sent: boolean; messageId: string }>(`/inbox/${item.id}/reply`, { text });

    // Assess
    expect(preview.body).toMatchObject({
      sent: false,
      text: { body: 'Yes - come at 11:30 "any time"', segments: 1, costGbp: 0.0364 },
    });
    expect(afterPreview).toBe(before);
    expect(sent.body.sent).toBe(true);
    expect(sentTo(family.phone).slice(before)).toEqual(['Yes - come at 11:30 "any time"']);
    const thread = await get<{ messages: Message[] }>(`/families/${family.id}`);
    expect(thread.body.messages.at(-1)).toMatchObject({ direction: 'OUT', kind: 'staffReply' });
  });

  it('sends a fixed reply with the trust’s name and number', async () => {
    const family = await aFamily({ phone: '+447700900332' });
    const item = await anInboxItem(family);
    const res = await post<{ text: { body: string } }>(`/inbox/${item.id}/reply`, { template: 'call-us' });
    expect(res.status).toBe(200);
    expect(res.body.text.body).toBe(
      `Thank you for your message. Please call us on ${deps.config.servicePhone} and we will help. ${deps.config.shortName}`,
    );
  });

  it('refuses an opted-out number (409 OPTED_OUT) and a do-not-text family (409 DO_NOT_TEXT); nothing is sent', async () => {
    // Prepare
    const optedOut = await aFamily({ phone: '+447700900333' });
    const optedOutItem = await anInboxItem(optedOut);
    await optOutNumber(deps, optedOut.phone, { reason: 'staff', at: NOW });
    const flags = { needsCarer: false, parentalMentalHealth: false, vulnerable: false, doNotText: true };
    const dnt = await aFamily({ phone: '+447700900334', flags });
    const dntItem = await anInboxItem(dnt);
    const before = deps.outbox.entries.length;

    // Act
    const a = await post(`/inbox/${optedOutItem.id}/reply`, { template: 'noted' });
    const b = await post(`/inbox/${dntItem.id}/reply`, { template: 'noted' });

    // Assess
    expect([a.status, codeOf(a.body)]).toEqual([409, 'OPTED_OUT']);
    expect([b.status, codeOf(b.body)]).toEqual([409, 'DO_NOT_TEXT']);
    expect(deps.outbox.entries.length).toBe(before);
  });

  it('tells staff a dead number cannot be texted, not that the family opted out', async () => {
    // Prepare
    const dead = await aFamily({ phone: '+447700900335' });
    const item = await anInboxItem(dead);
    await optOutNumber(deps, dead.phone, { reason: 'unreachable', at: NOW });
    const before = deps.outbox.entries.length;

    // Act
    const res = await post<{ error: { message: string } }>(`/inbox/${item.id}/reply`, { template: 'noted' });

    // Assess
    expect([res.status, codeOf(res.body)]).toEqual([409, 'OPTED_OUT']);
    expect(res.body.error.message).toMatch(/cannot be delivered: call the family and check their number/);
    expect(deps.outbox.entries.length).toBe(before);
  });

  it('uses the trust config’s fixed replies, in the family’s language, and refuses a key it does not have', async () => {
    // Prepare: a trust with its own replies, one with a Welsh text.
    deps = testDeps(store, NOW, {
      ...deps.config,
      staffReplies: {
        'see-you': {
          label: 'See you soon',
          texts: { en: 'See you soon. {trust}', cy: 'Welwn ni chi cyn bo hir. {trust}' },
        },
      },
    });
    const welsh = await aFamily({ phone: '+447700900336', language: 'cy' });
    const english = await aFamily({ phone: '+447700900337' });
    const welshItem = await anInboxItem(welsh);
    const englishItem = await anInboxItem(english);

    // Act
    const cy = await post<{ text: { body: string } }>(`/inbox/${welshItem.id}/reply`, {
      template: 'see-you',
      preview: true,
    });
    const en = await post<{ text: { body: string } }>(`/inbox/${englishItem.id}/reply`, {
      template: 'see-you',
      preview: true,
    });
    const gone = await post(`/inbox/${englishItem.id}/reply`, { template: 'call-us', preview: true });

    // Assess
    expect(cy.body.text.body).toBe(`Welwn ni chi cyn bo hir. ${deps.config.shortName}`);
    expect(en.body.text.body).toBe(`See you soon. ${deps.config.shortName}`);
    expect(gone.status).toBe(400);
    expect((gone.body as ErrorResult).error.fields?.map((f) => f.field)).toEqual(['template']);
  });

  it('refuses an empty reply and one over 6 segments with a 400 on text', async () => {
    const family = await aFamily({ phone: '+447700900335' });
    const item = await anInboxItem(family);
    const empty = await post(`/inbox/${item.id}/reply`, { text: '   ' });
    const long = await post(`/inbox/${item.id}/reply`, { text: 'x'.repeat(919) });
    expect(empty.status).toBe(400);
    expect(long.status).toBe(400);
    expect((long.body as ErrorResult).error.fields?.map((f) => f.field)).toEqual(['text']);
  });
});

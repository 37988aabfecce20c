/**
 * What the staff app's Today, Families and Inbox pages read and do, beyond the single-record routes:
 * finding a family, a family's whole record (children, bookings, the text thread), a clinic's day with
 * each booking's reminders and replies, the families to call before tomorrow, and a text reply from
 * staff to a family, sent through the same send path (and refusals) as every other text.
 */
import { randomUUID } from 'node:crypto';
import { mapWithConcurrency } from '#core/concurrency.ts';
import { type Consent, type ConsentView, consentView } from '#core/consent.ts';
import { decideContactRoute, type NoLetterReason, type NoSmsReason } from '#core/contact-channels.ts';
import { ConflictError, NotFoundError, ValidationError } from '#core/errors.ts';
import { parseReply } from '#core/intent.ts';
import { localDay } from '#core/local-time.ts';
import type { Booking, Client, Clinic, Message } from '#core/model.ts';
import { parseNhsNumber } from '#core/nhs-number.ts';
import { normaliseMobile } from '#core/phone.ts';
import { type StaffReplyText, staffReplyKeys, staffReplyText } from '#core/staff-replies.ts';
import { bookingsByClinicDay } from '#store/bookings.ts';
import { clientsByPhone, getClient, getClients } from '#store/clients.ts';
import { getClinic, listClinics } from '#store/clinics.ts';
import { bookingsByRef, bookingsOfClients, clientsByName, missesOfClients } from '#store/family-search.ts';
import { getInboxItem, type InboxItem } from '#store/inbox.ts';
import { messagesByPhone, recordMessage } from '#store/messages.ts';
import { clientIdByNhsNumber } from '#store/nhs-numbers.ts';
import { consentOf, consentsOf, noMobile, readConsent } from './consent.ts';
import { contactFacts } from './contact.ts';
import type { Deps } from './deps.ts';

/** How a search reads its query: a booking reference, an NHS number, a mobile number, or a name. */
export type SearchKind = 'ref' | 'nhs-number' | 'phone' | 'name';

export function searchKindOf(q: string): SearchKind {
  const compact = q.replace(/[\s()-]/g, '');
  if (/^\d{4}$/.test(compact)) return 'ref';
  // Ten digits with a valid check digit; a mobile written without its 0 is ten digits too, but one in
  // eleven passes the check, so a number that is not an NHS number is still tried as a mobile.
  if (/^\d{10}$/.test(compact) && parseNhsNumber(compact).ok) return 'nhs-number';
  if (/^\+?\d{7,15}$/.test(compact)) return 'phone';
  return 'name';
}

/** Families by booking reference, NHS number, mobile number or name; each client at most once. */
export async function searchFamilies(deps: Deps, q: string): Promise<{ kind: SearchKind; items: Client[] }> {
  const kind = searchKindOf(q);
  if (kind === 'ref') {
    const bookings = await bookingsByRef(deps.store, q.replace(/\s/g, ''));
    const found = await getClients(
      deps.store,
      bookings.map((b) => b.clientId),
    );
    return {
      kind,
      items: [...new Set(bookings.map((b) => b.clientId))].flatMap((id) => found.get(id) ?? []),
    };
  }
  if (kind === 'nhs-number') {
    const id = await clientIdByNhsNumber(deps.store, q.replace(/[\s()-]/g, ''));
    const client = id ? await getClient(deps.store, id) : undefined;
    if (client) return { kind, items: [client] };
    // Not anyone's NHS number: it may be a mobile written without its leading 0.
    const phone = normaliseMobile(q, deps.config.allowedCountries);
    return { kind, items: phone.ok ? await clientsByPhone(deps.store, phone.e164) : [] };
  }
  if (kind === 'phone') {
    const phone = normaliseMobile(q, deps.config.allowedCountries);
    if (!phone.ok) throw new ValidationError('Invalid query', [{ field: 'query.q', message: phone.reason }]);
    return { kind, items: await clientsByPhone(deps.store, phone.e164) };
  }
  return { kind, items: await clientsByName(deps.store, q) };
}

export interface FamilyRecord {
  /** The client asked for. */
  client: Client;
  /** Everyone on the same mobile (the client too), oldest record first. */
  children: Client[];
  /** Every booking of those children, past and cancelled too, in start order. */
  bookings: Booking[];
  /** The number's texts, both ways, oldest first (the most recent 200). */
  messages: Message[];
  /** The number's consent: opted in, or opted out with why and since when. */
  consent: ConsentView;
}

export async function familyRecord(deps: Deps, clientId: string): Promise<FamilyRecord> {
  const client = await getClient(deps.store, clientId);
  if (!client) throw new NotFoundError(`Client ${clientId} does not exist`);
  // Siblings share a parent's mobile; a family with no mobile is the one child.
  const children = (client.phone ? await clientsByPhone(deps.store, client.phone) : []).sort((a, b) =>
    a.createdAt.localeCompare(b.createdAt),
  );
  if (!children.some((c) => c.id === client.id)) children.push(client);
  const [bookings, messages] = await Promise.all([
    bookingsOfClients(
      deps.store,
      children.map((c) => c.id),
    ),
    messagesByPhone(deps.store, client.phone, { limit: 200 }),
  ]);
  const consent = consentView(await consentOf(deps, client.phone));
  return { client, children, bookings, messages: messages.items.slice().reverse(), consent };
}

export interface ClinicDayBooking {
  booking: Booking;
  /** The child's first name ('' once erased). */
  firstName: string;
  /** Each reminder tier: its kind, when it is due, and whether it was sent or skipped (and why). */
  reminders: {
    tier: string;
    kind: string;
    dueAt: string;
    status: string;
    sentAt?: string;
    skipReason?: string;
  }[];
  /** Texts the family sent since the booking was made, oldest first. */
  replies: { at: string; body: string }[];
}

/** A clinic's bookings on a local day, each with its child's first name, reminders and replies. */
export async function clinicDay(
  deps: Deps,
  clinicId: string,
  date: string,
): Promise<{ clinic: Clinic; items: ClinicDayBooking[] }> {
  // The clinic and its day's first page at once (an unknown clinic has no bookings to read).
  const [clinic, first] = await Promise.all([
    getClinic(deps.store, clinicId),
    bookingsByClinicDay(deps.store, clinicId, date, { limit: 200 }),
  ]);
  if (!clinic) throw new NotFoundError(`Clinic ${clinicId} does not exist`);
  const bookings: Booking[] = [...first.items];
  let cursor = first.cursor;
  while (cursor) {
    const page = await bookingsByClinicDay(deps.store, clinicId, date, { limit: 200, cursor });
    bookings.push(...page.items);
    cursor = page.cursor;
  }
  const clients = await getClients(
    deps.store,
    bookings.map((b) => b.clientId),
  );
  const items = await Promise.all(
    bookings.map(async (booking): Promise<ClinicDayBooking> => {
      const replies =
        booking.phone === 'erased'
          ? []
          : (await messagesByPhone(deps.store, booking.phone, { since: booking.bookedAt, limit: 50 })).items
              .filter((m) => m.direction === 'IN')
              .reverse()
              .map((m) => ({ at: m.at, body: m.body }));
      return {
        booking,
        firstName: clients.get(booking.clientId)?.firstName ?? '',
        reminders: Object.entries(booking.tiers)
          .sort(([, a], [, b]) => a.dueAt.localeCompare(b.dueAt))
          .map(([tier, state]) => ({
            tier,
            kind: state.kind,
            dueAt: state.dueAt,
            status: state.status,
            ...(state.sentAt && { sentAt: state.sentAt }),
            ...(state.skipReason && { skipReason: state.skipReason }),
          })),
        replies,
      };
    }),
  );
  return { clinic, items };
}

/** Why a booking is on the list of families to call. */
export type CallReason = 'missed' | 'vulnerable' | 'cannot-reach';

export interface FamilyToCall {
  booking: Booking;
  clinicName: string;
  firstName: string;
  familyName: string;
  /** DNA and WNB outcomes in the 365 days before the day. */
  misses: number;
  vulnerable: boolean;
  /**
   * Why the booking is on the list: `missed` (two or more misses) and `vulnerable` when the family has
   * not replied since the booking was made; `cannot-reach` when neither a text nor a letter can reach
   * them (asked for with `cannotReach`).
   */
  why: CallReason[];
  /** Why neither a text nor a letter can go, for a `cannot-reach` booking (as `GET /call-list` says it). */
  cannotReach?: {
    noSms: NoSmsReason;
    noLetter: NoLetterReason;
    /** For `opted-out`: whether the number texted STOP or staff recorded the opt-out. */
    optOut?: 'stop-text' | 'staff';
  };
}

/**
 * Whether a family's text counts as a reply for the list of families to call: anything but STOP and
 * HELP. Those two are answered by the system, not about the appointment, and a high-risk family who
 * texts STOP has just stopped the reminders, so they are called rather than taken as confirmed.
 */
function isAnswer(deps: Deps, body: string): boolean {
  const { intent } = parseReply(body, deps.config.replies.keywords);
  return intent !== 'STOP' && intent !== 'HELP';
}

/** The day after `today` in the trust's time zone. */
export function tomorrowOf(deps: Deps): string {
  const today = localDay(deps.now().toISOString(), deps.config.timeZone);
  const next = new Date(`${today}T12:00:00Z`);
  next.setUTCDate(next.getUTCDate() + 1);
  return next.toISOString().slice(0, 10);
}

/**
 * The day's live bookings (every clinic) of families with two or more misses (DNA or WNB) in the last
 * year, or flagged vulnerable, who have not confirmed: the family has sent no text since the booking was
 * made, STOP and HELP aside (isAnswer). The service calls these families personally. With `cannotReach`, also the day's bookings that
 * neither a text nor a letter can reach (`decideContactRoute` says `call`, as `GET /call-list` lists
 * them), from the same reads of the day plus one batch read of the numbers' consent; a booking that is
 * both is listed once, with both reasons.
 */
export async function familiesToCall(
  deps: Deps,
  date: string,
  options: { cannotReach?: boolean } = {},
): Promise<FamilyToCall[]> {
  const clinics = await listClinics(deps.store);
  const names = new Map(clinics.map((c) => [c.id, c.name]));
  // Every clinic's day at once (one byClinicDay Query each), kept in clinic order.
  const perClinic = await mapWithConcurrency(clinics, 16, async (clinic) => {
    const found: Booking[] = [];
    let cursor: string | undefined;
    do {
      const page = await bookingsByClinicDay(deps.store, clinic.id, date, { limit: 200, cursor });
      found.push(...page.items.filter((b) => b.status === 'BOOKED' && b.phone !== 'erased'));
      cursor = page.cursor;
    } while (cursor);
    return found;
  });
  const live = perClinic.flat();
  if (live.length === 0) return [];
  const yearBefore = new Date(`${date}T12:00:00Z`);
  yearBefore.setUTCDate(yearBefore.getUTCDate() - 365);
  const from = yearBefore.toISOString().slice(0, 10);
  // The children and their misses together (one BatchGet; one byClient Query a child, filtered in
  // DynamoDB), then the replies of only the families who would be called: those who replied since
  // booking have confirmed, and are not called.
  const ids = live.map((b) => b.clientId);
  const [clients, misses] = await Promise.all([
    getClients(deps.store, ids),
    missesOfClients(deps.store, ids, from, date),
  ]);
  const highRisk = (client: Client) => (misses.get(client.id) ?? 0) >= 2 || client.flags.vulnerable;
  const candidates = live.filter((booking) => {
    const client = clients.get(booking.clientId);
    return client && highRisk(client);
  });
  // The candidates' replies, and (only when the unreachable are asked for) the numbers' consent in one
  // batch read per 100 numbers, at the same time.
  const [replied, consents] = await Promise.all([
    mapWithConcurrency(candidates, 16, async (booking) => {
      const since = await messagesByPhone(deps.store, booking.phone, { since: booking.bookedAt, limit: 20 });
      return since.items.some((m) => m.direction === 'IN' && isAnswer(deps, m.body));
    }),
    options.cannotReach
      ? consentsOf(
          deps,
          [...clients.values()].flatMap((c) => (c.phone ? [c.phone] : [])),
        )
      : new Map<string, Consent>(),
  ]);
  const unconfirmed = new Set(candidates.filter((_, i) => !replied[i]).map((b) => b.id));
  const out: FamilyToCall[] = [];
  for (const booking of live) {
    const client = clients.get(booking.clientId);
    if (!client) continue;
    const missed = misses.get(client.id) ?? 0;
    const why: CallReason[] = [];
    if (unconfirmed.has(booking.id)) {
      if (missed >= 2) why.push('missed');
      if (client.flags.vulnerable) why.push('vulnerable');
    }
    let cannotReach: FamilyToCall['cannotReach'];
    if (options.cannotReach) {
      const consent = client.phone ? consents.get(client.phone) : undefined;
      const decision = decideContactRoute(contactFacts(deps, client, consent));
      if (decision.route === 'call') {
        why.push('cannot-reach');
        cannotReach = {
          noSms: decision.noSms,
          noLetter: decision.noLetter,
          ...(decision.noSms === 'opted-out' &&
            consent &&
            consent.reason !== 'unreachable' && { optOut: consent.reason }),
        };
      }
    }
    if (why.length === 0) continue;
    out.push({
      booking,
      clinicName: names.get(booking.clinicId) ?? booking.clinicId,
      firstName: client.firstName,
      familyName: client.familyName,
      misses: missed,
      vulnerable: client.flags.vulnerable,
      why,
      ...(cannotReach && { cannotReach }),
    });
  }
  return out.sort((a, b) => a.booking.startsAt.localeCompare(b.booking.startsAt));
}

export interface InboxConversation {
  item: InboxItem;
  clients: Client[];
  /** The number's texts, both ways, oldest first (the most recent 50). */
  messages: Message[];
}

export async function inboxConversation(deps: Deps, itemId: string): Promise<InboxConversation> {
  const item = await getInboxItem(deps.store, itemId);
  if (!item) throw new NotFoundError(`Inbox item ${itemId} does not exist`);
  const [clients, messages] = await Promise.all([
    item.phone
      ? clientsByPhone(deps.store, item.phone)
      : getClients(deps.store, item.clientIds).then((m) => [...m.values()]),
    messagesByPhone(deps.store, item.phone, { limit: 50 }),
  ]);
  return { item, clients, messages: messages.items.slice().reverse() };
}

export interface StaffReplyResult {
  text: StaffReplyText;
  /** False for a preview: nothing was sent. */
  sent: boolean;
  messageId?: string;
}

/**
 * Texts the family who sent an inbox item, as staff wrote or picked it. A preview only counts and
 * prices it. Refused (409) when the number has opted out of texts or a child on it is marked do-not-text,
 * 400 when it is empty or over 6 segments; the send itself goes through the same sender as every text.
 */
export async function replyToInboxItem(
  deps: Deps,
  input: { itemId: string; template?: string; text?: string; preview: boolean },
): Promise<StaffReplyResult> {
  if (input.template !== undefined && !staffReplyKeys(deps.config).includes(input.template)) {
    throw new ValidationError('Request body is invalid', [
      { field: 'template', message: `expected one of: ${staffReplyKeys(deps.config).join(', ')}` },
    ]);
  }
  const item = await getInboxItem(deps.store, input.itemId);
  if (!item) throw new NotFoundError(`Inbox item ${input.itemId} does not exist`);
  const clients = item.phone
    ? await clientsByPhone(deps.store, item.phone)
    : [...(await getClients(deps.store, item.clientIds)).values()];
  const language = clients[0]?.language ?? deps.config.defaultLanguage;
  const text = staffReplyText(deps.config, { ...input, language });
  if (text.body === '')
    throw new ValidationError('Request body is invalid', [{ field: 'text', message: 'write a reply' }]);
  if (text.tooLong) {
    throw new ValidationError('Request body is invalid', [
      {
        field: 'text',
        message: `the reply is ${text.segments} segments: Attend sends at most 6 (918 GSM-7 or 402 UCS-2 characters)`,
      },
    ]);
  }
  if (input.preview) return { text, sent: false };
  // A note from a family with no mobile (the parent page) cannot be answered by text.
  if (item.phone === undefined) throw noMobile();
  const consentRead = await readConsent(deps, item.phone);
  const consent = consentRead.consent;
  if (consent?.reason === 'unreachable') {
    throw new ConflictError(
      'Texts to this number cannot be delivered: call the family and check their number instead',
      'OPTED_OUT',
    );
  }
  if (consent)
    throw new ConflictError('This number has opted out of texts: call the family instead', 'OPTED_OUT');
  if (clients.some((c) => c.flags.doNotText))
    throw new ConflictError('A child on this number is marked do not text: call instead', 'DO_NOT_TEXT');
  // deps.sms is the consent guard every text goes through (a STOP landing meanwhile is refused there,
  // 422 RECIPIENT_SUPPRESSED, unless it lands within a second of the reading above, which the guard
  // takes in place of its own); the message is recorded as staff-written.
  const id = randomUUID();
  const { providerMessageId } = await deps.sms.send({
    to: item.phone,
    body: text.body,
    ref: id,
    consentRead,
  });
  const message: Message = {
    id,
    direction: 'OUT',
    phone: item.phone,
    body: text.body,
    at: deps.now().toISOString(),
    kind: 'staffReply',
    segments: text.segments,
    encoding: text.encoding,
    providerMessageId,
    ...(clients[0] && { clientId: clients[0].id }),
  };
  await recordMessage(deps.store, message, deps.config.messages.retentionDays);
  return { text, sent: true, messageId: message.id };
}

/**
 * How each family hears about a booking: the facts about the family (phone, channels, the number's
 * consent, an address) handed to the one decision, `decideContactRoute` (core/contact-channels.ts), and
 * the staff list of families to call: those whose booking can reach them neither by text nor by letter.
 */

import { textsSwitchedOff } from '#core/client.ts';
import type { Consent } from '#core/consent.ts';
import {
  type ContactDecision,
  type ContactFacts,
  decideContactRoute,
  type NoLetterReason,
  type NoSmsReason,
} from '#core/contact-channels.ts';
import type { Client } from '#core/model.ts';
import { bookingsByClinicDay } from '#store/bookings.ts';
import { getClients } from '#store/clients.ts';
import { listClinics } from '#store/clinics.ts';
import { consentOf } from './consent.ts';
import type { Deps } from './deps.ts';

/** The facts one family's route is decided from. */
export function contactFacts(
  deps: Pick<Deps, 'config'>,
  client: Client,
  consent: Consent | undefined,
): ContactFacts {
  return {
    hasPhone: client.phone !== undefined,
    smsOn: !textsSwitchedOff(client),
    optedOut: consent !== undefined && consent.reason !== 'unreachable',
    unreachable: consent?.reason === 'unreachable',
    letterOn: client.contact?.letter.on ?? true,
    hasAddress: client.address !== undefined,
    lettersEnabled: deps.config.letters.enabled,
  };
}

/** The route for one family, reading their number's consent. */
export async function contactRouteOf(deps: Deps, client: Client): Promise<ContactDecision> {
  return decideContactRoute(contactFacts(deps, client, await consentOf(deps, client.phone)));
}

export interface CallListEntry {
  bookingId: string;
  clientId: string;
  clinicId: string;
  type: string;
  startsAt: string;
  /** Why neither a text nor a letter can go (never the staff's own words: those stay on the client). */
  noSms: NoSmsReason;
  noLetter: NoLetterReason;
}

/**
 * Pattern: the families to call for one local day's bookings (every clinic, BOOKED only), in start
 * order. One page per clinic's day, one batch read of the clients, one consent read per number.
 */
export async function callList(deps: Deps, day: string): Promise<CallListEntry[]> {
  const bookings = [];
  for (const clinic of await listClinics(deps.store)) {
    let cursor: string | undefined;
    do {
      const page = await bookingsByClinicDay(deps.store, clinic.id, day, { limit: 500, cursor });
      bookings.push(...page.items.filter((b) => b.status === 'BOOKED'));
      cursor = page.cursor;
    } while (cursor);
  }
  const clients = await getClients(deps.store, [...new Set(bookings.map((b) => b.clientId))]);
  const consents = new Map<string, Consent | undefined>();
  for (const client of clients.values()) {
    if (client.phone && !consents.has(client.phone))
      consents.set(client.phone, await consentOf(deps, client.phone));
  }
  const entries: CallListEntry[] = [];
  for (const b of bookings) {
    const client = clients.get(b.clientId);
    if (!client) continue;
    const consent = client.phone ? consents.get(client.phone) : undefined;
    const decision = decideContactRoute(contactFacts(deps, client, consent));
    if (decision.route !== 'call') continue;
    entries.push({
      bookingId: b.id,
      clientId: client.id,
      clinicId: b.clinicId,
      type: b.type,
      startsAt: b.startsAt,
      noSms: decision.noSms,
      noLetter: decision.noLetter,
    });
  }
  return entries.sort((a, b) => a.startsAt.localeCompare(b.startsAt));
}

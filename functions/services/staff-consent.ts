/**
 * Staff record or lift an opt-out for a client's number (the family asked by phone, say). It is the
 * number's consent, as with STOP: every child on the number is covered, now and later.
 */
import { ConflictError, NotFoundError } from '#core/errors.ts';
import { domainEvent } from '#core/events.ts';
import type { Client } from '#core/model.ts';
import { clientsByPhone, getClient } from '#store/clients.ts';
import { type ClientView, clientView, consentOf, noMobile, optInNumber, optOutNumber } from './consent.ts';
import type { Deps } from './deps.ts';

async function clientOrFail(deps: Deps, clientId: string): Promise<Client & { phone: string }> {
  const client = await getClient(deps.store, clientId);
  if (!client) throw new NotFoundError(`Client ${clientId} does not exist`);
  // Consent belongs to a number: a family with no mobile has none to opt out or in.
  if (client.phone === undefined) throw noMobile();
  return { ...client, phone: client.phone };
}

async function announce(deps: Deps, phone: string, optedOut: boolean, at: string): Promise<void> {
  const clientIds = (await clientsByPhone(deps.store, phone)).map((c) => c.id);
  if (clientIds.length > 0) {
    await deps.events.publish([domainEvent('ClientOptedOut', { clientIds, optedOut, at })]);
  }
}

/** Opts the client's number out of texts (reason `staff`); a number already opted out stays as it is. */
export async function optOutByStaff(deps: Deps, clientId: string): Promise<ClientView> {
  const client = await clientOrFail(deps, clientId);
  const at = deps.now().toISOString();
  const { wasOptedIn, consent } = await optOutNumber(deps, client.phone, { reason: 'staff', at });
  if (wasOptedIn) await announce(deps, client.phone, true, at);
  return clientView(client, consent);
}

/**
 * Lifts a staff-recorded opt-out (or an unreachable mark). A STOP is the family's own word: only a
 * START texted from the number lifts it, so staff get a 409 saying so.
 */
export async function optInByStaff(deps: Deps, clientId: string): Promise<ClientView> {
  const client = await clientOrFail(deps, clientId);
  const outcome = await optInNumber(deps, client.phone, 'staff');
  if (outcome === 'refused') {
    throw new ConflictError(
      'This number texted STOP: only the family can turn texts back on, by texting START to the service number',
      'OPTED_OUT_BY_TEXT',
    );
  }
  if (outcome === 'lifted') await announce(deps, client.phone, false, deps.now().toISOString());
  return clientView(client, await consentOf(deps, client.phone));
}

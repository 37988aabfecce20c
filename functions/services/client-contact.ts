/**
 * Staff changing a family's contact details (`PATCH /clients/{id}`, and the form on the staff family
 * page): the mobile (set or cleared), the postal address (set or cleared) and the contact channels
 * (texts and letters on or off, with a reason).
 *
 * - A family needs a mobile or an address: with neither, nothing (not even a call) can reach them.
 * - A new mobile takes the client's live bookings with it; a cleared one takes it off them, and their
 *   later reminders are skipped as `no-phone` (store/client-contact.ts).
 * - Consent belongs to the number (services/consent.ts), so a new number starts from its own record.
 *   When the number given is one marked unreachable, staff have just checked it with the family: the
 *   mark is lifted through the staff opt-in (services/staff-consent.ts), which never lifts a STOP or a
 *   staff opt-out.
 */
import type { ContactChannel, ContactChannels } from '#core/contact-channels.ts';
import { NotFoundError, ValidationError } from '#core/errors.ts';
import type { PostalAddress } from '#core/postal-address.ts';
import { changeClientContact, liveBookingsOfClient } from '#store/client-contact.ts';
import { getClient } from '#store/clients.ts';
import { type ClientView, clientView, consentOf } from './consent.ts';
import type { Deps } from './deps.ts';
import { optInByStaff } from './staff-consent.ts';

/** What staff change: a field given is set (`null` clears it); a field left out is kept. */
export interface ContactDetailsChange {
  /** A UK mobile already in E.164 (the API checks it), or null to clear it. */
  phone?: string | null;
  address?: PostalAddress | null;
  /** Each channel given replaces that channel; the other is kept. */
  contact?: { sms?: ContactChannel; letter?: ContactChannel };
}

/** A channel switched on needs no reason: a reason is kept only while the channel is off. */
const tidyChannel = (channel: ContactChannel): ContactChannel =>
  channel.on ? { on: true } : { on: false, ...(channel.reason ? { reason: channel.reason } : {}) };

export async function changeContactDetails(
  deps: Deps,
  clientId: string,
  change: ContactDetailsChange,
): Promise<ClientView> {
  const client = await getClient(deps.store, clientId);
  if (!client) throw new NotFoundError(`Client ${clientId} does not exist`);
  const phone = change.phone === undefined ? client.phone : (change.phone ?? undefined);
  const address = change.address === undefined ? client.address : (change.address ?? undefined);
  if (phone === undefined && address === undefined) {
    throw new ValidationError('Request body is invalid', [
      {
        field: change.phone === null ? 'phone' : 'address',
        message: 'a family needs a mobile number or a postal address: with neither, nothing can reach them',
      },
    ]);
  }
  let contact: ContactChannels | undefined;
  if (change.contact) {
    const current = client.contact ?? { sms: { on: true }, letter: { on: true } };
    contact = {
      sms: tidyChannel(change.contact.sms ?? current.sms),
      letter: tidyChannel(change.contact.letter ?? current.letter),
    };
  }
  const phoneChanges = change.phone !== undefined && phone !== client.phone;
  await changeClientContact(deps.store, {
    client,
    change: {
      ...(phoneChanges ? { phone: phone ?? null } : {}),
      ...(change.address !== undefined ? { address: change.address } : {}),
      ...(contact ? { contact } : {}),
    },
    liveBookings: phoneChanges ? await liveBookingsOfClient(deps.store, client) : [],
    now: deps.now().toISOString(),
  });
  // The number given was checked with the family: an unreachable mark on it is lifted (nothing else is).
  if (change.phone && (await consentOf(deps, change.phone))?.reason === 'unreachable') {
    return optInByStaff(deps, clientId);
  }
  const updated = await getClient(deps.store, clientId);
  if (!updated) throw new NotFoundError(`Client ${clientId} does not exist`);
  return clientView(updated, await consentOf(deps, updated.phone));
}

import { scoreEntry } from '#core/eligibility.ts';
import { ConflictError, NotFoundError, ValidationError } from '#core/errors.ts';
import type { Client } from '#core/model.ts';
import type { AvailabilityWindow, WaitlistEntry } from '#core/waitlist.ts';
import { getClient } from '#store/clients.ts';
import { listClinics } from '#store/clinics.ts';
import { entryIdFor, putEntry } from '#store/waitlist.ts';
import type { Deps } from './deps.ts';

export interface AddToWaitlist {
  clientId: string;
  type: string;
  acceptableClinicIds: string[];
  availability?: AvailabilityWindow[];
  earliestDate?: string;
  latestDate?: string;
  consentToShortNotice: boolean;
  currentBookingId?: string;
  rebookRequests?: number;
}

/**
 * Puts a family on the short-notice list for a type. The score is worked out now from the client's
 * current flags and stored on the entry, which orders the waitlistByType index; offers re-score at the
 * moment of offering, so waiting time and a window closing soon count when it matters.
 */
export async function addToWaitlist(
  deps: Deps,
  input: AddToWaitlist,
  knownClient?: Client,
): Promise<WaitlistEntry> {
  const typeConfig = deps.config.appointmentTypes[input.type];
  if (!typeConfig) {
    throw new ValidationError('Request body is invalid', [
      {
        field: 'type',
        message: `unknown appointment type; one of: ${Object.keys(deps.config.appointmentTypes).join(', ')}`,
      },
    ]);
  }
  // An entry naming only clinics that do not exist could never be offered a slot, and would block
  // adding the family properly (ALREADY_WAITING): every id must be a clinic of the trust.
  const clinicIds = new Set((await listClinics(deps.store)).map((c) => c.id));
  const unknown = [...new Set(input.acceptableClinicIds)].filter((id) => !clinicIds.has(id));
  if (unknown.length > 0) {
    throw new ValidationError('Request body is invalid', [
      {
        field: 'acceptableClinicIds',
        message: `no clinic with id ${unknown.join(', ')}`,
      },
    ]);
  }
  const client = knownClient ?? (await getClient(deps.store, input.clientId));
  if (!client) throw new NotFoundError(`Client ${input.clientId} does not exist`);
  const now = deps.now().toISOString();
  const draft: WaitlistEntry = {
    id: entryIdFor(client.id, input.type),
    clientId: client.id,
    type: input.type,
    acceptableClinicIds: input.acceptableClinicIds,
    availability: input.availability ?? [],
    earliestDate: input.earliestDate,
    latestDate: input.latestDate,
    consentToShortNotice: input.consentToShortNotice,
    priorityInputs: {
      imdDecile: client.flags.imdDecile,
      needsCarer: client.flags.needsCarer,
      parentalMentalHealth: client.flags.parentalMentalHealth,
      vulnerable: client.flags.vulnerable,
    },
    rebookRequests: input.rebookRequests ?? 0,
    currentBookingId: input.currentBookingId,
    status: 'WAITING',
    addedAt: now,
    updatedAt: now,
    score: 0,
  };
  const { score } = scoreEntry(draft, client, typeConfig, deps.config, now);
  return putEntry(deps.store, { ...draft, score });
}

/** REBOOK by text: the child goes back on the list for the same contact (already there: left as is). */
export async function addRebookRequest(
  deps: Deps,
  input: { client: Client; type: string; clinicId: string },
): Promise<WaitlistEntry | undefined> {
  try {
    return await addToWaitlist(
      deps,
      {
        clientId: input.client.id,
        type: input.type,
        acceptableClinicIds: [input.clinicId],
        // Asking to rebook by text is consent to be texted a new time.
        consentToShortNotice: true,
        rebookRequests: 1,
      },
      input.client,
    );
  } catch (err) {
    if (err instanceof ConflictError) return undefined;
    throw err;
  }
}

/**
 * A data-protection erasure request (`DELETE /clients/{id}`): the client's personal data and messages go,
 * anonymised counts stay so the trust's metrics are still right.
 */

import { ConflictError, NotFoundError } from '#core/errors.ts';
import { appointmentCancelled } from '#core/events.ts';
import { BOOKING_STATUSES, type BookingStatus } from '#core/model.ts';
import { withRetry } from '#core/retry.ts';
import { cancelBooking, getBooking } from '#store/bookings.ts';
import { isConditionFailure } from '#store/client.ts';
import { clientsByPhone, getClient } from '#store/clients.ts';
import {
  addToTombstone,
  beginErasure,
  type ClientTombstone,
  deleteIfPresent,
  deleteItems,
  type ErasureRemoved,
  finishErasure,
  getTombstone,
  itemsNaming,
  type NamingItem,
  stripBooking,
  stripFollowUp,
} from '#store/erasure.ts';
import { keys } from '#store/keys.ts';
import { entryIdFor } from '#store/waitlist.ts';
import { cancellationNotice } from './bookings.ts';
import type { Deps } from './deps.ts';

export const ERASURE_CANCEL_REASON = 'data-protection erasure';

/** What DELETE /clients/{id} answers, the first time and every time after. */
export interface ErasureSummary {
  clientId: string;
  state: ClientTombstone['state'];
  erasedAt: string;
  erasedBy: string;
  completedAt?: string;
  counts: ClientTombstone['counts'];
  removed: ClientTombstone['removed'];
  keptSharedPhoneItems: number;
  otherItems: Record<string, number>;
}

export function erasureSummary(t: ClientTombstone): ErasureSummary {
  return {
    clientId: t.id,
    state: t.state,
    erasedAt: t.erasedAt,
    erasedBy: t.erasedBy,
    completedAt: t.completedAt,
    counts: t.counts,
    removed: t.removed,
    keptSharedPhoneItems: t.keptSharedPhoneItems,
    otherItems: t.otherItems,
  };
}

/** What GET /clients/{id} shows for an erased client: that it was erased, when, and the counts. */
export function erasedClientView(t: ClientTombstone) {
  return { id: t.id, erased: true, erasedAt: t.erasedAt, completedAt: t.completedAt, counts: t.counts };
}

const MAX_ATTEMPTS = 5;

/**
 * Erases a client. In order:
 * 1. the client item is deleted and a tombstone written, in one transaction (refused while a
 *    Was-Not-Brought follow-up is open); from then on no booking can be made for the id;
 * 2. their waitlist entries are deleted, so no pending offer can be accepted for them any more;
 * 3. everything else that names them is found (one Scan): live bookings are cancelled and their
 *    slots freed (AppointmentCancelled goes out; the family is not texted), then every booking keeps
 *    only non-personal fields; their offers are deleted (each holds the phone and the child's equity
 *    factors); the phone's messages and their provider pointers, and inbox items, are deleted, except
 *    what a sibling on the same phone still shares; closed follow-ups lose their note;
 * 4. the tombstone gets the final counts and loses the phone.
 * Idempotent: a repeated call on a finished erasure returns the same summary; on one that stopped
 * half-way (a timeout, say) it carries on from the tombstone.
 */
export async function eraseClient(
  deps: Deps,
  input: { clientId: string; by: string },
): Promise<ErasureSummary> {
  const { store } = deps;
  // The client item is deleted on the condition that its history is what was read; another change
  // landing first (an outcome recorded) makes it read again, a few times at most.
  const tombstone: ClientTombstone | undefined = await withRetry(
    async () => {
      const client = await getClient(store, input.clientId);
      if (!client) {
        const found = await getTombstone(store, input.clientId);
        if (!found) throw new NotFoundError(`Client ${input.clientId} does not exist`);
        return found;
      }
      if ((client.openFollowUps ?? 0) > 0) {
        throw new ConflictError(
          `Client ${client.id} has ${client.openFollowUps} open Was-Not-Brought follow-up(s); ` +
            'the named health visitor must close them (with a note) before the client can be erased',
          'OPEN_FOLLOW_UPS',
        );
      }
      const begun = await beginErasure(store, client, { by: input.by, now: deps.now().toISOString() });
      if (begun.outcome === 'begun') return begun.tombstone;
      if (begun.outcome === 'already-erasing') return getTombstone(store, input.clientId);
      throw new ConflictError(
        'The client kept changing during erasure; please try again',
        'TRANSACTION_CONFLICT',
      );
    },
    {
      attempts: MAX_ATTEMPTS,
      retryIf: (err) => err instanceof ConflictError && err.code === 'TRANSACTION_CONFLICT',
    },
  );
  // A family with no mobile has no phone on the tombstone: the erasure runs all the same.
  if (!tombstone || tombstone.state === 'ERASED') {
    return erasureSummary(tombstone ?? (await getTombstone(store, input.clientId))!);
  }
  const phone = tombstone.phone;
  deps.log.info('client erasure started', { clientId: input.clientId });

  // 2. Waitlist entries have ids derived from the client and type: gone before anything is looked up.
  const entryKeys = Object.keys(deps.config.appointmentTypes).map((type) =>
    keys.waitlistEntry(entryIdFor(input.clientId, type)),
  );
  const removed: Partial<ErasureRemoved> = {
    waitlistEntriesDeleted: await deleteIfPresent(store, entryKeys),
  };

  // 3.
  const found = await itemsNaming(store, { clientId: input.clientId, phone });
  const bump = (k: keyof ErasureRemoved, n = 1) => {
    removed[k] = (removed[k] ?? 0) + n;
  };
  const mine = (i: NamingItem) => i.clientId === input.clientId;
  const bookings = found.filter((i) => i.entity === 'Booking' && mine(i));
  const bookingIds = new Set(bookings.map((b) => b.id));
  const statuses = new Map<string, BookingStatus>(
    bookings.map((b) => [String(b.id), b.status as BookingStatus]),
  );

  for (const item of bookings.filter((b) => b.status === 'BOOKED')) {
    const bookingId = String(item.id);
    if (await cancelLive(deps, bookingId, input.by)) bump('bookingsCancelled');
    // Cancelled here, or meanwhile by a text from the family: either way it is no longer live.
    const current = await getBooking(store, bookingId);
    if (current) statuses.set(bookingId, current.status);
  }
  for (const [bookingId, status] of statuses) {
    if (status !== 'BOOKED' && (await stripBooking(store, { id: bookingId, status })))
      bump('bookingsStripped');
  }

  const siblings = (phone ? await clientsByPhone(store, phone) : []).filter((c) => c.id !== input.clientId);
  const shared = siblings.length > 0;
  // With a sibling still on the phone, only what is plainly about this child goes: the rest of the
  // conversation is the sibling's too.
  const ours = (i: NamingItem) =>
    !shared ||
    mine(i) ||
    (i.bookingId !== undefined && bookingIds.has(i.bookingId)) ||
    (i.bookingIds ?? []).some((b) => bookingIds.has(b)) ||
    (i.clientIds !== undefined && i.clientIds.length > 0 && i.clientIds.every((c) => c === input.clientId));

  const toDelete: { pk: string; sk: string }[] = [];
  const other: Record<string, number> = {};
  let kept = 0;
  for (const item of found) {
    const key = { pk: item.pk, sk: item.sk };
    switch (item.entity) {
      case 'Booking':
      case 'Client':
      case 'ClientTombstone':
        break; // bookings are stripped above; a sibling's client item is theirs
      case 'Offer':
      case 'WaitlistEntry':
        if (!mine(item)) break;
        toDelete.push(key);
        bump(item.entity === 'Offer' ? 'offersDeleted' : 'waitlistEntriesDeleted');
        break;
      case 'Message':
        if (!ours(item)) {
          kept++;
          break;
        }
        toDelete.push(key);
        bump('messagesDeleted');
        if (item.providerMessageId) {
          toDelete.push(keys.providerMessage(item.providerMessageId));
          bump('providerPointersDeleted');
        }
        break;
      case 'InboxItem':
        if (!ours(item)) {
          kept++;
          break;
        }
        toDelete.push(key);
        bump('inboxItemsDeleted');
        break;
      case 'FollowUp':
        if (mine(item) && item.id && (await stripFollowUp(store, item.id))) bump('followUpsStripped');
        break;
      default:
        if (mine(item)) other[item.entity ?? 'unknown'] = (other[item.entity ?? 'unknown'] ?? 0) + 1;
    }
  }
  await deleteItems(store, toDelete);
  await tolerateFinished(addToTombstone(store, input.clientId, { removed, keptSharedPhoneItems: kept }));

  // 4.
  const byStatus = Object.fromEntries(BOOKING_STATUSES.map((s) => [s, 0])) as Record<BookingStatus, number>;
  for (const status of statuses.values()) if (status in byStatus) byStatus[status]++;
  let finished: ClientTombstone;
  try {
    finished = await finishErasure(store, input.clientId, {
      bookings: byStatus,
      otherItems: other,
      now: deps.now().toISOString(),
    });
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
    // Another request finished the same erasure first.
    finished = (await getTombstone(store, input.clientId))!;
  }
  deps.log.info('client erased', { clientId: input.clientId, ...finished.removed });
  return erasureSummary(finished);
}

/** Cancels a live booking and frees its slot; false if it was no longer live (cancelled meanwhile). */
async function cancelLive(deps: Deps, bookingId: string, by: string): Promise<boolean> {
  const booking = await getBooking(deps.store, bookingId);
  if (booking?.status !== 'BOOKED') return false;
  const now = deps.now();
  const notice = cancellationNotice(deps, booking.startsAt, now);
  try {
    await cancelBooking(
      deps.store,
      {
        bookingId,
        by,
        reason: ERASURE_CANCEL_REASON,
        now: now.toISOString(),
        noticeMinutes: notice.minutes,
        late: notice.late,
      },
      booking,
    );
  } catch (err) {
    if (err instanceof ConflictError) return false;
    throw err;
  }
  await deps.events.publish([
    appointmentCancelled(
      { ...booking, id: bookingId },
      { by: 'staff', noticeMinutes: notice.minutes, late: notice.late, at: now.toISOString() },
    ),
  ]);
  return true;
}

/** A write conditional on the erasure still running: a concurrent request that finished it is fine. */
async function tolerateFinished(write: Promise<void>): Promise<void> {
  try {
    await write;
  } catch (err) {
    if (!isConditionFailure(err)) throw err;
  }
}

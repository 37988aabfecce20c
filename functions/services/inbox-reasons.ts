/**
 * Staff tag why a family cancelled or missed, from the inbox: a reply whose reason Attend could not
 * classify (a CANCEL text's own words, an answer to the after-DNA question, the parent page's "other")
 * is read by a person, who picks one of the reasons metrics count. The tag is written on the cancelled
 * or missed booking the item is about, replacing any reason recorded before (staff read the words), so
 * the metrics stream counts it like every other reason.
 */
import type { CancelReason } from '#core/cancel-reason.ts';
import { ConflictError, NotFoundError } from '#core/errors.ts';
import { getBooking } from '#store/bookings.ts';
import { getInboxItem, type InboxItem, tagInboxItem } from '#store/inbox.ts';
import { setMissReason } from '#store/miss-reasons.ts';
import type { Deps } from './deps.ts';

const MISSED = new Set(['CANCELLED', 'DNA', 'WNB']);

export async function tagInboxReason(
  deps: Deps,
  input: { itemId: string; reason: CancelReason; by: string },
): Promise<InboxItem> {
  const item = await getInboxItem(deps.store, input.itemId);
  if (!item) throw new NotFoundError(`Inbox item ${input.itemId} does not exist`);
  const bookings = await Promise.all(item.bookingIds.map((id) => getBooking(deps.store, id)));
  const missed = bookings.filter((b) => b && MISSED.has(b.status));
  if (missed.length === 0) {
    throw new ConflictError(
      'This reply is not about a cancelled or missed appointment, so there is no reason to tag',
      'NOTHING_TO_TAG',
    );
  }
  const now = deps.now().toISOString();
  for (const booking of missed) {
    const landed = await setMissReason(deps.store, {
      bookingId: booking!.id,
      reason: input.reason,
      by: `staff:${input.by}`,
      now,
      onlyIfUnknown: false,
    });
    if (!landed)
      throw new ConflictError('The appointment changed meanwhile; please try again', 'NOTHING_TO_TAG');
  }
  deps.log.info('reason tagged', { itemId: item.id, reason: input.reason, bookings: missed.length });
  return tagInboxItem(deps.store, { id: item.id, reason: input.reason, by: input.by });
}

/** Whether an inbox item is about a booking that could carry a reason (the page shows the tag form). */
export function mayCarryReason(item: Pick<InboxItem, 'bookingIds'>): boolean {
  return item.bookingIds.length > 0;
}

/**
 * Whether tagging the item can work: it is about a booking that is cancelled or missed now (a booking
 * still BOOKED has no reason to tag: the API answers 409 NOTHING_TO_TAG). `bookingOf` reads one booking.
 */
export async function hasReasonToTag(
  item: Pick<InboxItem, 'bookingIds'>,
  bookingOf: (id: string) => Promise<{ status: string } | undefined>,
): Promise<boolean> {
  if (!mayCarryReason(item)) return false;
  const bookings = await Promise.all(item.bookingIds.map(bookingOf));
  return bookings.some((b) => b !== undefined && MISSED.has(b.status));
}

/**
 * Delivery status of every text, and what follows from it: the Message records its status; a failure is
 * announced (TextDeliveryFailed); a permanent failure about the number, or three temporary ones in a row,
 * marks the number unreachable. Unreachable is the number's Consent record with reason `unreachable`
 * (one source of truth, as for STOP): the consent guard then refuses every text to it, the contact
 * decision sends the family letters instead, and staff get an inbox task to check the number.
 *
 * Every step is idempotent, so a redelivered or reordered event never double-counts: the status is a
 * conditional write by rank, failures are one item per message, the opt-out is a conditional put and
 * the inbox task's id is derived from the message.
 *
 * A delivered receipt, the common case, is that one conditional write (and, for a receipt without the
 * text's Context, the read of the provider-id pointer before it): nothing is recorded per number. "In a
 * row" is worked out only when a temporary failure comes, from the number's failed texts and the newest
 * of its Messages that was delivered (store/delivery.ts `failuresSinceDelivered`).
 */
import {
  type DeliveryReport,
  isPermanentNumberFailure,
  TEMPORARY_FAILURES_FOR_UNREACHABLE,
} from '#core/delivery-status.ts';
import { domainEvent } from '#core/events.ts';
import { unreachableIncrements } from '#core/metrics.ts';
import type { Message } from '#core/model.ts';
import { clientsByPhone } from '#store/clients.ts';
import { applyDelivery, failuresSinceDelivered, recordNumberFailure } from '#store/delivery.ts';
import { addInboxItem } from '#store/inbox.ts';
import { messageIdByProviderId } from '#store/messages.ts';
import { applyIncrements } from '#store/metrics.ts';
import { optOutNumber } from './consent.ts';
import type { Deps } from './deps.ts';

export type DeliveryOutcome =
  | { outcome: 'unknown-message' }
  | { outcome: 'unchanged' }
  | { outcome: 'applied'; status: DeliveryReport['status']; unreachable: boolean };

/** Applies one status report; safe to call again with the same report, or with reports out of order. */
export async function applyDeliveryReport(deps: Deps, report: DeliveryReport): Promise<DeliveryOutcome> {
  // The text's own Context names the message (OutboundSms.ref); older texts and other providers are
  // found through the provider-id pointer.
  const messageId = report.messageId ?? (await messageIdByProviderId(deps.store, report.providerMessageId));
  // A text older than the retention period, or not Attend's (another app on the same configuration set).
  if (messageId === undefined) return { outcome: 'unknown-message' };
  // The write itself checks that the message exists, is outbound and, when the event named it, was sent
  // with the event's provider id (no read before it).
  const result = await applyDelivery(
    deps.store,
    messageId,
    { status: report.status, reason: report.reason, changedAt: report.changedAt },
    report.messageId === undefined ? undefined : report.providerMessageId,
  );
  if (!result.applied) {
    return result.reason === 'no-message' ? { outcome: 'unknown-message' } : { outcome: 'unchanged' };
  }
  const message = result.message;
  const wasFailed = result.previous === 'failed-temporary' || result.previous === 'failed-permanent';
  let unreachable = false;

  // A delivered text needs nothing more: the failure count reads the number's delivered texts from its
  // Messages, which the write above has just updated.
  if (report.status === 'failed-temporary' || report.status === 'failed-permanent') {
    if (!wasFailed) {
      await deps.events.publish([
        domainEvent('TextDeliveryFailed', {
          messageId: message.id,
          ...(message.clientId ? { clientId: message.clientId } : {}),
          ...(message.bookingId ? { bookingId: message.bookingId } : {}),
          permanent: report.status === 'failed-permanent',
          carrierStatus: report.reason.split(':')[0]!.slice(0, 60),
          at: report.changedAt,
        }),
      ]);
    }
    if (report.numberFault) {
      const now = deps.now().toISOString();
      const hash = await deps.phoneHash(message.phone);
      await recordNumberFailure(deps.store, hash, message, now);
      if (isPermanentNumberFailure(report)) {
        unreachable = await markUnreachable(deps, message, hash, 'permanent-failure');
      } else {
        const inARow = await failuresSinceDelivered(
          deps.store,
          { phone: message.phone, hash },
          TEMPORARY_FAILURES_FOR_UNREACHABLE,
          { now, messageRetentionDays: deps.config.messages.retentionDays },
        );
        if (inARow >= TEMPORARY_FAILURES_FOR_UNREACHABLE) {
          unreachable = await markUnreachable(deps, message, hash, 'temporary-failures');
        }
      }
    }
  }
  deps.log.info('delivery status applied', {
    messageId: message.id,
    status: report.status,
    previous: result.previous,
    unreachable,
  });
  return { outcome: 'applied', status: report.status, unreachable };
}

/**
 * Marks the number unreachable (unless it is already opted out for another reason: a STOP stays a STOP),
 * then tells staff and the bus. The inbox task's id comes from the number's mark, so however many
 * failures arrive for it, and however often, there is one task per mark; the event goes once, with the mark.
 */
async function markUnreachable(
  deps: Deps,
  message: Message,
  hash: string,
  reason: 'permanent-failure' | 'temporary-failures',
): Promise<boolean> {
  const since = deps.now().toISOString();
  const { wasOptedIn, consent } = await optOutNumber(deps, message.phone, {
    reason: 'unreachable',
    at: since,
  });
  if (consent.reason !== 'unreachable') return false;
  const clients = await clientsByPhone(deps.store, message.phone);
  const clientIds = clients.map((c) => c.id);
  await addInboxItem(
    deps.store,
    {
      id: `unreachable-${hash.slice(0, 24)}-${consent.since.replace(/[^0-9]/g, '')}`,
      messageId: message.id,
      phone: message.phone,
      body:
        reason === 'permanent-failure'
          ? 'Texts to this number cannot be delivered. Please check the number with the family; until it changes, they get letters (or go on the call list).'
          : 'Three texts in a row to this number did not arrive. Please check the number with the family; until it changes, they get letters (or go on the call list).',
      receivedAt: consent.since,
      reason: 'number-unreachable',
      intent: 'number-unreachable',
      clientIds,
      bookingIds: message.bookingId ? [message.bookingId] : [],
    },
    deps.config.messages.retentionDays,
  );
  // Counted once per mark (the id names the mark), in the quintile of the families on the number.
  const decile = clients.find((c) => c.flags.imdDecile !== undefined)?.flags.imdDecile;
  await applyIncrements(
    deps.store,
    `unreachable-${hash.slice(0, 24)}-${consent.since}`,
    unreachableIncrements(consent.since, deps.config.timeZone, decile),
    deps.now(),
  );
  if (wasOptedIn) {
    await deps.events.publish([
      domainEvent('NumberUnreachable', { clientIds, messageId: message.id, reason, at: consent.since }),
    ]);
    deps.log.warn('number marked unreachable', { messageId: message.id, reason, clients: clientIds.length });
  }
  return true;
}

/**
 * Delivery status of an outbound text, from AWS End User Messaging's own events (a configuration set's
 * event destination: an SNS topic). Events arrive at least once and in any order, so each status has a
 * rank, and a status is applied only over a lower rank (or the same rank seen earlier): a late "sent"
 * never overwrites "delivered", and the same event twice changes nothing.
 */
import * as z from '#core/zod.ts';

export const DELIVERY_STATUSES = ['sent', 'failed-temporary', 'failed-permanent', 'delivered'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/**
 * Higher wins. A carrier may report a temporary failure and then deliver on its own retry, so delivered
 * outranks both failures; a permanent failure is final and outranks a temporary one.
 */
export const DELIVERY_RANK: Readonly<Record<DeliveryStatus, number>> = {
  sent: 1,
  'failed-temporary': 2,
  'failed-permanent': 3,
  delivered: 4,
};

export const deliverySchema = z.object({
  status: z.enum(DELIVERY_STATUSES),
  /** The carrier's reason as End User Messaging reports it (its messageStatus and description). */
  reason: z.string().check(z.maxLength(300)),
  /** When the status changed, as the provider reports it (UTC ISO). */
  changedAt: z.iso.datetime({ offset: false }),
});
export type Delivery = z.infer<typeof deliverySchema>;

/** The key of a text's Context under which Attend sends its Message id (OutboundSms.ref). */
export const MESSAGE_REF_CONTEXT_KEY = 'attendMessageId';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One status report about one text, provider-neutral: what the delivery-status handler acts on. */
export interface DeliveryReport {
  readonly providerMessageId: string;
  /**
   * Attend's Message id, when the event carries it (the Context sent with the text): the handler then
   * needs no look-up by provider id, and the write still requires the message's provider id to match.
   */
  readonly messageId?: string;
  readonly status: DeliveryStatus;
  readonly reason: string;
  readonly changedAt: string;
  /**
   * Whether the failure says something about the number (invalid, blocked for that recipient, phone
   * off), rather than about the text (spam filtering, an invalid body): only these count towards
   * marking a number unreachable.
   */
  readonly numberFault: boolean;
}

/**
 * End User Messaging's SMS messageStatus values (AWS End User Messaging SMS User Guide, "Event types for
 * SMS, MMS, and voice") and what each means here. SUCCESSFUL is "accepted by the recipient's carrier";
 * in some countries it is the last word (DELIVERED and SUCCESSFUL "may be used interchangeably"), so a
 * SUCCESSFUL marked isFinal counts as delivered.
 */
const EUM_STATUS: Readonly<Record<string, { status: DeliveryStatus; numberFault: boolean }>> = {
  PENDING: { status: 'sent', numberFault: false },
  QUEUED: { status: 'sent', numberFault: false },
  SUCCESSFUL: { status: 'sent', numberFault: false },
  DELIVERED: { status: 'delivered', numberFault: false },
  /** The destination number is not valid: a dead or mistyped number. */
  INVALID: { status: 'failed-permanent', numberFault: true },
  /** The recipient's device or carrier blocks texts to that recipient. */
  BLOCKED: { status: 'failed-permanent', numberFault: true },
  OPTED_OUT: { status: 'failed-permanent', numberFault: true },
  /** The device is off or not on the network: worth trying again, three in a row is a pattern. */
  UNREACHABLE: { status: 'failed-temporary', numberFault: true },
  CARRIER_UNREACHABLE: { status: 'failed-temporary', numberFault: true },
  TTL_EXPIRED: { status: 'failed-temporary', numberFault: true },
  /** "May be temporary or permanent": treated as temporary, so three in a row still catch a dead number. */
  UNKNOWN: { status: 'failed-temporary', numberFault: true },
  /** Failures about the text, not the number: recorded, never held against the family's number. */
  INVALID_MESSAGE: { status: 'failed-permanent', numberFault: false },
  CARRIER_BLOCKED: { status: 'failed-permanent', numberFault: false },
  SPAM: { status: 'failed-permanent', numberFault: false },
  PROTECT_BLOCKED: { status: 'failed-permanent', numberFault: false },
};

/**
 * An SMS event as End User Messaging publishes it to a configuration set's SNS destination (the "SMS
 * example log" of the user guide). Only the fields Attend reads are required; the phone numbers are in
 * it, so nothing of it is ever logged.
 */
export const eumSmsEventSchema = z.looseObject({
  eventType: z.string().check(z.startsWith('TEXT_')),
  eventTimestamp: z.number().check(z.int(), z.positive()),
  isFinal: z.optional(z.boolean()),
  messageId: z.string().check(z.minLength(1), z.maxLength(200)),
  messageStatus: z.string().check(z.minLength(1), z.maxLength(60)),
  messageStatusDescription: z.optional(z.string().check(z.maxLength(500))),
  /** The Context sent with the text, as given (values read only when they are what Attend sent). */
  context: z.optional(z.record(z.string(), z.unknown())),
});
export type EumSmsEvent = z.infer<typeof eumSmsEventSchema>;

/** Reads one End User Messaging SMS event; undefined for a status Attend does not know (logged by name). */
export function deliveryReportFromEum(event: EumSmsEvent): DeliveryReport | undefined {
  const known = EUM_STATUS[event.messageStatus];
  if (!known) return undefined;
  const status = event.messageStatus === 'SUCCESSFUL' && event.isFinal === true ? 'delivered' : known.status;
  const description = event.messageStatusDescription ? `: ${event.messageStatusDescription}` : '';
  const ref = event.context?.[MESSAGE_REF_CONTEXT_KEY];
  return {
    providerMessageId: event.messageId,
    ...(typeof ref === 'string' && UUID.test(ref) ? { messageId: ref.toLowerCase() } : {}),
    status,
    reason: `${event.messageStatus}${description}`.slice(0, 300),
    changedAt: new Date(event.eventTimestamp).toISOString(),
    numberFault: known.numberFault,
  };
}

/** How many temporary failures in a row, with no delivery between, make a number unreachable. */
export const TEMPORARY_FAILURES_FOR_UNREACHABLE = 3;

/** Whether a report makes the number unreachable at once (a permanent failure about the number). */
export function isPermanentNumberFailure(report: Pick<DeliveryReport, 'status' | 'numberFault'>): boolean {
  return report.numberFault && report.status === 'failed-permanent';
}

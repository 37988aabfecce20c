/**
 * Event-source filter patterns for the metrics stream consumer, shared by CDK (the event source
 * mapping's FilterCriteria) and the local stream poller, as SLOT_FREED_FILTER_PATTERNS is for backfill.
 *
 * They pass the records that can move a counter and drop the rest before Lambda is invoked, above all
 * the many updates of a booking that is still BOOKED (reminder tiers being claimed and sent):
 * - a booking created, or changed while its status is anything but BOOKED (cancelled, outcome recorded);
 * - a slot that has been freed at some point (a freeing, and the end of its short-notice run);
 * - an outbound text recorded, and a change of its delivery status.
 * Lambda allows five patterns per mapping by default; these are five.
 */
export const METRICS_FILTER_PATTERNS: readonly Record<string, unknown>[] = [
  {
    eventName: ['INSERT'],
    dynamodb: { NewImage: { entity: { S: ['Booking'] } } },
  },
  {
    eventName: ['MODIFY'],
    dynamodb: { NewImage: { entity: { S: ['Booking'] }, status: { S: [{ 'anything-but': ['BOOKED'] }] } } },
  },
  {
    eventName: ['INSERT', 'MODIFY'],
    dynamodb: { NewImage: { entity: { S: ['Slot'] }, freedAt: { S: [{ exists: true }] } } },
  },
  {
    eventName: ['INSERT'],
    dynamodb: { NewImage: { entity: { S: ['Message'] }, direction: { S: ['OUT'] } } },
  },
  {
    eventName: ['MODIFY'],
    dynamodb: { NewImage: { entity: { S: ['Message'] }, deliveryRank: { N: [{ exists: true }] } } },
  },
];

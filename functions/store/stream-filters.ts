/**
 * Event-source filter patterns for the table stream, shared by CDK (Lambda event source mapping
 * FilterCriteria) and the local stream poller, so both hand the backfill handler the same records.
 *
 * Only slots whose status *changed to* FREE are wanted: a newly created FREE slot (INSERT) or a slot
 * whose old image was not FREE (MODIFY). Lambda filters cannot compare old and new images, so the two
 * cases are two patterns (a record matching either passes).
 */
export const SLOT_FREED_FILTER_PATTERNS: readonly Record<string, unknown>[] = [
  {
    eventName: ['INSERT'],
    dynamodb: { NewImage: { entity: { S: ['Slot'] }, status: { S: ['FREE'] } } },
  },
  {
    eventName: ['MODIFY'],
    dynamodb: {
      NewImage: { entity: { S: ['Slot'] }, status: { S: ['FREE'] } },
      OldImage: { status: { S: [{ 'anything-but': ['FREE'] }] } },
    },
  },
];

import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import {
  type FilterPattern,
  InvalidFilterPatternError,
  matchesAny,
  matchesFilter,
} from '#local/event-filter.ts';
import { SLOT_FREED_FILTER_PATTERNS } from '#store/stream-filters.ts';

type Image = Record<string, AttributeValue>;

/** A stream record in the JSON form Lambda delivers (and filters). */
function aRecord(input: {
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE';
  newImage?: Image;
  oldImage?: Image;
}): DynamoDBRecord {
  const keys = { pk: { S: 'SLOT#s1' }, sk: { S: 'SLOT#s1' } };
  return {
    eventID: 'a1b2c3',
    eventName: input.eventName,
    eventVersion: '1.1',
    eventSource: 'aws:dynamodb',
    awsRegion: 'eu-west-2',
    dynamodb: {
      ApproximateCreationDateTime: 1_795_359_120,
      Keys: keys,
      ...(input.newImage && { NewImage: { ...keys, ...input.newImage } }),
      ...(input.oldImage && { OldImage: { ...keys, ...input.oldImage } }),
      SequenceNumber: '000000000000000000042',
      SizeBytes: 64,
      StreamViewType: 'NEW_AND_OLD_IMAGES',
    },
    eventSourceARN: 'arn:aws:dynamodb:ddblocal:000000000000:table/attend-test/stream/2026-11-22T14:52:51.796',
  };
}

function aSlot(status: string | undefined, overrides: Image = {}): Image {
  return {
    entity: { S: 'Slot' },
    ...(status !== undefined && { status: { S: status } }),
    startsAt: { S: '2026-12-10T14:00:00.000Z' },
    ...overrides,
  };
}

describe('SLOT_FREED_FILTER_PATTERNS', () => {
  it.each([
    {
      case: 'INSERT of a FREE slot',
      record: aRecord({ eventName: 'INSERT', newImage: aSlot('FREE') }),
      expected: true,
    },
    {
      case: 'INSERT of a BOOKED slot',
      record: aRecord({ eventName: 'INSERT', newImage: aSlot('BOOKED') }),
      expected: false,
    },
    {
      case: 'MODIFY BOOKED → FREE',
      record: aRecord({ eventName: 'MODIFY', oldImage: aSlot('BOOKED'), newImage: aSlot('FREE') }),
      expected: true,
    },
    {
      case: 'MODIFY OFFERING → FREE',
      record: aRecord({ eventName: 'MODIFY', oldImage: aSlot('OFFERING'), newImage: aSlot('FREE') }),
      expected: true,
    },
    {
      case: 'MODIFY FREE → FREE (another attribute changed)',
      record: aRecord({
        eventName: 'MODIFY',
        oldImage: aSlot('FREE'),
        newImage: aSlot('FREE', { durationMinutes: { N: '45' } }),
      }),
      expected: false,
    },
    {
      case: 'MODIFY FREE → BOOKED',
      record: aRecord({ eventName: 'MODIFY', oldImage: aSlot('FREE'), newImage: aSlot('BOOKED') }),
      expected: false,
    },
    {
      // Lambda's anything-but needs the field to be present, so a status set for the first time is not "freed".
      case: 'MODIFY from an old image without status → FREE',
      record: aRecord({ eventName: 'MODIFY', oldImage: aSlot(undefined), newImage: aSlot('FREE') }),
      expected: false,
    },
    {
      case: 'INSERT of a non-slot item whose status is FREE',
      record: aRecord({ eventName: 'INSERT', newImage: { entity: { S: 'Offer' }, status: { S: 'FREE' } } }),
      expected: false,
    },
    {
      case: 'MODIFY of a non-slot item BOOKED → FREE',
      record: aRecord({
        eventName: 'MODIFY',
        oldImage: { entity: { S: 'Booking' }, status: { S: 'BOOKED' } },
        newImage: { entity: { S: 'Booking' }, status: { S: 'FREE' } },
      }),
      expected: false,
    },
    {
      case: 'REMOVE of a FREE slot',
      record: aRecord({ eventName: 'REMOVE', oldImage: aSlot('FREE') }),
      expected: false,
    },
  ])('$case → $expected', ({ record, expected }) => {
    // Act
    const matched = matchesAny(record, SLOT_FREED_FILTER_PATTERNS);

    // Assess
    expect(matched).toBe(expected);
  });
});

describe('matchesFilter', () => {
  const record = {
    eventName: 'MODIFY',
    count: 3,
    flag: false,
    nothing: null,
    empty: '',
    tags: ['urgent', 'welsh'],
    dynamodb: { NewImage: { status: { S: 'FREE' }, clinic: { S: 'CLINIC#north' } } },
  };

  it.each<{ case: string; pattern: FilterPattern; expected: boolean }>([
    { case: 'exact string', pattern: { eventName: ['MODIFY'] }, expected: true },
    { case: 'any of several values', pattern: { eventName: ['INSERT', 'MODIFY'] }, expected: true },
    { case: 'none of several values', pattern: { eventName: ['INSERT', 'REMOVE'] }, expected: false },
    { case: 'exact number', pattern: { count: [3] }, expected: true },
    { case: 'number is not its string', pattern: { count: ['3'] }, expected: false },
    { case: 'boolean', pattern: { flag: [false] }, expected: true },
    { case: 'null', pattern: { nothing: [null] }, expected: true },
    { case: 'empty string', pattern: { empty: [''] }, expected: true },
    { case: 'nested keys', pattern: { dynamodb: { NewImage: { status: { S: ['FREE'] } } } }, expected: true },
    {
      case: 'every key must match',
      pattern: { eventName: ['MODIFY'], dynamodb: { NewImage: { status: { S: ['BOOKED'] } } } },
      expected: false,
    },
    {
      case: 'nested key absent',
      pattern: { dynamodb: { OldImage: { status: { S: ['FREE'] } } } },
      expected: false,
    },
    { case: 'value rule on an absent field', pattern: { missing: ['x'] }, expected: false },
    { case: 'anything-but a value', pattern: { eventName: [{ 'anything-but': 'INSERT' }] }, expected: true },
    {
      case: 'anything-but the value itself',
      pattern: { eventName: [{ 'anything-but': ['MODIFY'] }] },
      expected: false,
    },
    {
      case: 'anything-but a list',
      pattern: { eventName: [{ 'anything-but': ['INSERT', 'REMOVE'] }] },
      expected: true,
    },
    { case: 'anything-but a number', pattern: { count: [{ 'anything-but': [4] }] }, expected: true },
    {
      case: 'anything-but on an absent field',
      pattern: { missing: [{ 'anything-but': ['x'] }] },
      expected: false,
    },
    {
      case: 'anything-but a prefix that matches',
      pattern: { dynamodb: { NewImage: { clinic: { S: [{ 'anything-but': { prefix: 'CLINIC#' } }] } } } },
      expected: false,
    },
    {
      case: 'anything-but a prefix that does not match',
      pattern: { dynamodb: { NewImage: { clinic: { S: [{ 'anything-but': { prefix: 'SLOT#' } }] } } } },
      expected: true,
    },
    {
      case: 'prefix',
      pattern: { dynamodb: { NewImage: { clinic: { S: [{ prefix: 'CLINIC#' }] } } } },
      expected: true,
    },
    {
      case: 'prefix miss',
      pattern: { dynamodb: { NewImage: { clinic: { S: [{ prefix: 'SLOT#' }] } } } },
      expected: false,
    },
    { case: 'prefix on a number', pattern: { count: [{ prefix: '3' }] }, expected: false },
    { case: 'exists true on a present leaf', pattern: { eventName: [{ exists: true }] }, expected: true },
    { case: 'exists true on an absent field', pattern: { missing: [{ exists: true }] }, expected: false },
    { case: 'exists false on an absent field', pattern: { missing: [{ exists: false }] }, expected: true },
    { case: 'exists false on a present leaf', pattern: { eventName: [{ exists: false }] }, expected: false },
    { case: 'exists true on a null leaf', pattern: { nothing: [{ exists: true }] }, expected: true },
    {
      case: 'exists false under an absent parent',
      pattern: { dynamodb: { OldImage: { status: { S: [{ exists: false }] } } } },
      expected: true,
    },
    {
      // EventBridge flattens events to leaves; `status` holds an object, so it is not a leaf.
      case: 'exists true on an object node',
      pattern: { dynamodb: { NewImage: { status: [{ exists: true }] } } },
      expected: false,
    },
    { case: 'any element of an array', pattern: { tags: ['welsh'] }, expected: true },
    { case: 'no element of an array', pattern: { tags: ['english'] }, expected: false },
    { case: 'an operator or a value', pattern: { eventName: ['INSERT', { prefix: 'MOD' }] }, expected: true },
  ])('$case → $expected', ({ pattern, expected }) => {
    // Act
    const matched = matchesFilter(record, pattern);

    // Assess
    expect(matched).toBe(expected);
  });

  it.each<{ case: string; pattern: FilterPattern }>([
    { case: 'a bare value instead of a list', pattern: { eventName: 'INSERT' } },
    { case: 'an empty list', pattern: { eventName: [] } },
    { case: 'an unsupported operator', pattern: { count: [{ numeric: ['>', 0] }] } },
    { case: 'two operators in one rule', pattern: { eventName: [{ prefix: 'M', exists: true }] } },
    { case: 'exists without a boolean', pattern: { eventName: [{ exists: 'yes' }] } },
    { case: 'prefix without a string', pattern: { eventName: [{ prefix: 1 }] } },
    { case: 'anything-but with a suffix', pattern: { eventName: [{ 'anything-but': { suffix: 'Y' } }] } },
    { case: 'a nested list inside a list', pattern: { tags: [['welsh']] } },
  ])('refuses $case', ({ pattern }) => {
    // Act
    const act = () => matchesFilter(record, pattern);

    // Assess
    expect(act).toThrow(InvalidFilterPatternError);
  });
});

describe('matchesAny', () => {
  it('matches when any one pattern matches', () => {
    // Prepare
    const patterns = [{ eventName: ['INSERT'] }, { eventName: ['MODIFY'] }];

    // Act
    const matched = matchesAny({ eventName: 'MODIFY' }, patterns);

    // Assess
    expect(matched).toBe(true);
  });

  it('matches nothing with no patterns', () => {
    // Act
    const matched = matchesAny({ eventName: 'MODIFY' }, []);

    // Assess
    expect(matched).toBe(false);
  });
});

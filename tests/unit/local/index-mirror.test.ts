import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { IndexMirror } from '#local/index-mirror.ts';

type Image = Record<string, AttributeValue>;

const SHARDS = ['DUE#0', 'DUE#1'];
const mirrorOf = () => new IndexMirror({ partitionKey: 'dueShard', sortKey: 'nextDueAt', shards: SHARDS });

/** A booking's stream record (Lambda's JSON form) with the images given (the key is added to each). */
function aRecord(
  id: string,
  eventName: 'INSERT' | 'MODIFY' | 'REMOVE',
  images: { old?: Image; new?: Image },
  ttl = false,
): DynamoDBRecord {
  const keys = { pk: { S: `BOOKING#${id}` }, sk: { S: `BOOKING#${id}` } };
  return {
    eventID: `e-${id}`,
    eventName,
    eventSource: 'aws:dynamodb',
    dynamodb: {
      Keys: keys,
      ...(images.new && { NewImage: { ...keys, ...images.new } }),
      ...(images.old && { OldImage: { ...keys, ...images.old } }),
    },
    ...(ttl && { userIdentity: { type: 'Service', principalId: 'dynamodb.amazonaws.com' } }),
  };
}

const due = (at: string, shard = 'DUE#0'): Image => ({
  dueShard: { S: shard },
  nextDueAt: { S: at },
  status: { S: 'BOOKED' },
});
const notDue: Image = { status: { S: 'BOOKED' } };

/** A mirror loaded with nothing, ready to follow records. */
function loadedEmpty(): IndexMirror {
  const m = mirrorOf();
  m.beginLoad();
  m.finishLoad([]);
  return m;
}

describe('IndexMirror', () => {
  it('answers the least sort-key value of the items in the index, undefined when empty', () => {
    const m = loadedEmpty();
    expect(m.earliest()).toBeUndefined();
    m.apply(aRecord('b1', 'INSERT', { new: due('2026-03-02T09:00:00.000Z') }));
    m.apply(aRecord('b2', 'INSERT', { new: due('2026-03-01T09:00:00.000Z', 'DUE#1') }));
    m.apply(aRecord('b3', 'INSERT', { new: notDue }));
    expect(m.earliest()).toBe('2026-03-01T09:00:00.000Z');
    expect(m.size).toBe(2);
  });

  it('starts from a seeded load, and follows records after it', () => {
    const m = mirrorOf();
    m.beginLoad();
    m.finishLoad([
      { pk: 'BOOKING#b1', sk: 'BOOKING#b1', at: '2026-03-05T09:00:00.000Z' },
      { pk: 'BOOKING#b2', sk: 'BOOKING#b2', at: '2026-03-04T09:00:00.000Z' },
    ]);
    expect(m.earliest()).toBe('2026-03-04T09:00:00.000Z');
    // b2's reminder is sent: its next tier is later.
    m.apply(
      aRecord('b2', 'MODIFY', { old: due('2026-03-04T09:00:00.000Z'), new: due('2026-03-06T09:00:00.000Z') }),
    );
    expect(m.earliest()).toBe('2026-03-05T09:00:00.000Z');
  });

  it('drops an item whose modify removes the index key (its last tier sent)', () => {
    const m = loadedEmpty();
    m.apply(aRecord('b1', 'INSERT', { new: due('2026-03-01T09:00:00.000Z') }));
    m.apply(aRecord('b2', 'INSERT', { new: due('2026-03-02T09:00:00.000Z') }));
    m.apply(aRecord('b1', 'MODIFY', { old: due('2026-03-01T09:00:00.000Z'), new: notDue }));
    expect(m.earliest()).toBe('2026-03-02T09:00:00.000Z');
    expect(m.size).toBe(1);
  });

  it('drops an item on REMOVE, and on a TTL delete', () => {
    const m = loadedEmpty();
    m.apply(aRecord('b1', 'INSERT', { new: due('2026-03-01T09:00:00.000Z') }));
    m.apply(aRecord('b2', 'INSERT', { new: due('2026-03-02T09:00:00.000Z') }));
    m.apply(aRecord('b1', 'REMOVE', { old: due('2026-03-01T09:00:00.000Z') }));
    expect(m.earliest()).toBe('2026-03-02T09:00:00.000Z');
    m.apply(aRecord('b2', 'REMOVE', { old: due('2026-03-02T09:00:00.000Z') }, true));
    expect(m.earliest()).toBeUndefined();
  });

  it('moves an item earlier or later by its latest image', () => {
    const m = loadedEmpty();
    m.apply(aRecord('b1', 'INSERT', { new: due('2026-03-03T09:00:00.000Z') }));
    m.apply(aRecord('b2', 'INSERT', { new: due('2026-03-04T09:00:00.000Z') }));
    m.apply(
      aRecord('b2', 'MODIFY', { old: due('2026-03-04T09:00:00.000Z'), new: due('2026-03-01T09:00:00.000Z') }),
    );
    expect(m.earliest()).toBe('2026-03-01T09:00:00.000Z');
    m.apply(
      aRecord('b2', 'MODIFY', { old: due('2026-03-01T09:00:00.000Z'), new: due('2026-03-09T09:00:00.000Z') }),
    );
    expect(m.earliest()).toBe('2026-03-03T09:00:00.000Z');
  });

  it('leaves out items in a shard the owner does not read, as its Query would', () => {
    const m = loadedEmpty();
    m.apply(aRecord('b1', 'INSERT', { new: due('2026-03-01T09:00:00.000Z', 'DUE#9') }));
    expect(m.earliest()).toBeUndefined();
  });

  it('applies records seen during a load on top of it, and drops those from before it', () => {
    const m = mirrorOf();
    // Before the load began: already in what the load reads (b0 was removed since).
    m.apply(aRecord('b0', 'INSERT', { new: due('2026-02-01T09:00:00.000Z') }));
    m.beginLoad();
    expect(m.loaded).toBe(false);
    // While the load reads: b1 leaves the index after the load read it there.
    m.apply(aRecord('b1', 'MODIFY', { old: due('2026-03-01T09:00:00.000Z'), new: notDue }));
    m.finishLoad([{ pk: 'BOOKING#b1', sk: 'BOOKING#b1', at: '2026-03-01T09:00:00.000Z' }]);
    expect(m.loaded).toBe(true);
    expect(m.earliest()).toBeUndefined();
  });

  it("ends in an item's latest state when records older than the load are replayed in order", () => {
    const m = mirrorOf();
    m.beginLoad();
    // The load read b1 at its second state; the stream then delivers both of its records.
    m.finishLoad([{ pk: 'BOOKING#b1', sk: 'BOOKING#b1', at: '2026-03-05T09:00:00.000Z' }]);
    m.apply(aRecord('b1', 'INSERT', { new: due('2026-03-01T09:00:00.000Z') }));
    m.apply(
      aRecord('b1', 'MODIFY', { old: due('2026-03-01T09:00:00.000Z'), new: due('2026-03-05T09:00:00.000Z') }),
    );
    expect(m.earliest()).toBe('2026-03-05T09:00:00.000Z');
  });

  it('changes its version on records that touch the index only, and refuses to answer unloaded', () => {
    const m = mirrorOf();
    expect(() => m.earliest()).toThrow();
    const v0 = m.version;
    m.apply(aRecord('b1', 'INSERT', { new: notDue }));
    expect(m.version).toBe(v0);
    m.apply(aRecord('b1', 'MODIFY', { old: notDue, new: due('2026-03-01T09:00:00.000Z') }));
    expect(m.version).toBeGreaterThan(v0);
    m.beginLoad();
    m.finishLoad([]);
    const v1 = m.version;
    m.reset();
    expect(m.loaded).toBe(false);
    expect(m.version).toBeGreaterThan(v1);
  });
});

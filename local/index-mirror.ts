/**
 * An in-memory copy of one sparse, sharded index of the table (dueReminders, offersByExpiry), kept
 * from the table's stream, so the local scheduler can ask "when is the earliest entry?" without a
 * DynamoDB Query per shard (local/runtime.ts, the `reminder-sweep` and `offer-expiry` schedules).
 *
 * An item is in a sparse index while it carries the index's partition and sort key attributes (as
 * strings); a Query over the index's shards (`shards`) sees exactly those whose partition key is one of
 * them. The copy holds, for each such item (table key pk|sk), its sort-key value (an ISO instant), and
 * `earliest()` answers the least of them, as `earliestDue`/`earliestExpiry` over every shard would
 * (they filter nothing but the shard).
 *
 * It is right only from a load: a full read of the index made after the stream poller is positioned.
 * `beginLoad()` before the read starts, `finishLoad(entries)` with what it read: records applied
 * before `beginLoad` are older than the read and are dropped; records applied during the read are
 * applied again, in order, on top of it. Applying a record sets the item to that record's new image
 * (idempotent by key), so replaying a record older than the read leaves an item briefly behind, and the
 * item's later records, which the stream still delivers, bring it to its latest state. Until a load
 * finishes (`loaded` false) the owner asks DynamoDB instead.
 *
 * Pure: no I/O. Images are the Lambda record's JSON attribute values ({ S: '…' }).
 */
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';

export interface MirroredIndex {
  /** The index's partition-key attribute (e.g. `dueShard`). */
  readonly partitionKey: string;
  /** The index's sort-key attribute (e.g. `nextDueAt`): an ISO instant string. */
  readonly sortKey: string;
  /** Every shard (partition-key value) the owner's Query would read. */
  readonly shards: readonly string[];
  /** The table's partition- and sort-key attributes. @default { pk: 'pk', sk: 'sk' } */
  readonly tableKeys?: { readonly pk: string; readonly sk: string };
}

/** One item of the index as a full read returns it: the table key and the index's sort-key value. */
export interface IndexEntry {
  readonly pk: string;
  readonly sk: string;
  /** The index's sort-key value (ISO instant). */
  readonly at: string;
}

type State = 'unloaded' | 'loading' | 'loaded';

export class IndexMirror {
  /**
   * Changes whenever the answer of `earliest()` (or, unloaded, of the owner's Query) may have changed:
   * on every record that touches the index (either image carries its partition key), a load and a
   * reset. For the scheduler's `workVersion`.
   */
  version = 0;
  private entries = new Map<string, string>();
  private state: State = 'unloaded';
  /** Records applied while a load is under way, applied again on top of what it read. */
  private duringLoad: DynamoDBRecord[] = [];
  /** The least value in `entries` when `minKnown`; recomputed lazily after its holder left or grew. */
  private min: string | undefined;
  private minKnown = true;
  private readonly shards: ReadonlySet<string>;
  private readonly pk: string;
  private readonly sk: string;

  constructor(readonly index: MirroredIndex) {
    this.shards = new Set(index.shards);
    this.pk = index.tableKeys?.pk ?? 'pk';
    this.sk = index.tableKeys?.sk ?? 'sk';
  }

  /** True once a load finished and until `reset()`: `earliest()` may be asked. */
  get loaded(): boolean {
    return this.state === 'loaded';
  }

  /** How many items the copy holds (loaded). */
  get size(): number {
    return this.entries.size;
  }

  /** Follows one stream record (any table item; those outside the index leave the copy as it was). */
  apply(record: DynamoDBRecord): void {
    const { Keys, OldImage, NewImage } = record.dynamodb ?? {};
    const key = this.keyOf(Keys ?? NewImage ?? OldImage);
    if (key === undefined) return;
    const touches =
      OldImage?.[this.index.partitionKey] !== undefined || NewImage?.[this.index.partitionKey] !== undefined;
    if (!touches) return;
    this.version++;
    if (this.state === 'unloaded') return;
    if (this.state === 'loading') {
      this.duringLoad.push(record);
      return;
    }
    this.applyImage(key, record.eventName === 'REMOVE' ? undefined : NewImage);
  }

  /** A full read of the index is about to start (after the stream poller is positioned). */
  beginLoad(): void {
    this.state = 'loading';
    this.duringLoad = [];
    this.version++;
  }

  /** The read finished with these entries: the copy is them, with the records seen meanwhile applied on top. */
  finishLoad(read: Iterable<IndexEntry>): void {
    if (this.state !== 'loading') throw new Error('finishLoad without beginLoad');
    this.entries = new Map();
    this.min = undefined;
    this.minKnown = true;
    for (const e of read) this.set(`${e.pk}\u0000${e.sk}`, e.at);
    this.state = 'loaded';
    const replay = this.duringLoad;
    this.duringLoad = [];
    for (const record of replay) {
      const { Keys, OldImage, NewImage } = record.dynamodb ?? {};
      const key = this.keyOf(Keys ?? NewImage ?? OldImage);
      if (key !== undefined) this.applyImage(key, record.eventName === 'REMOVE' ? undefined : NewImage);
    }
    this.version++;
  }

  /** Forgets the copy (the database went, or a load failed): unloaded until the next load. */
  reset(): void {
    this.state = 'unloaded';
    this.entries = new Map();
    this.duringLoad = [];
    this.min = undefined;
    this.minKnown = true;
    this.version++;
  }

  /** The least sort-key value in the index (ISO instant), or undefined when it is empty. Loaded only. */
  earliest(): string | undefined {
    if (this.state !== 'loaded') throw new Error('the index copy is not loaded');
    if (!this.minKnown) {
      let least: string | undefined;
      for (const at of this.entries.values()) if (least === undefined || at < least) least = at;
      this.min = least;
      this.minKnown = true;
    }
    return this.min;
  }

  private keyOf(image: Record<string, AttributeValue> | undefined): string | undefined {
    const pk = image?.[this.pk]?.S;
    const sk = image?.[this.sk]?.S;
    return pk === undefined || sk === undefined ? undefined : `${pk}\u0000${sk}`;
  }

  /** Sets the item to what `image` says of the index: in it with its sort key, or out of it. */
  private applyImage(key: string, image: Record<string, AttributeValue> | undefined): void {
    const shard = image?.[this.index.partitionKey]?.S;
    const at = image?.[this.index.sortKey]?.S;
    if (shard !== undefined && at !== undefined && this.shards.has(shard)) this.set(key, at);
    else this.delete(key);
  }

  private set(key: string, at: string): void {
    const before = this.entries.get(key);
    this.entries.set(key, at);
    if (!this.minKnown) return;
    if (before !== undefined && before === this.min && at > before) this.minKnown = false;
    else if (this.min === undefined || at < this.min) this.min = at;
  }

  private delete(key: string): void {
    const before = this.entries.get(key);
    if (before === undefined) return;
    this.entries.delete(key);
    if (this.minKnown && before === this.min) this.minKnown = false;
  }
}

/**
 * The local stand-in for the table stream's Lambda event source mapping. It reads DynamoDB Local's
 * stream through the real Streams API (DescribeStream, GetShardIterator, GetRecords), drops records
 * that the filter criteria would drop, and hands the handler batches shaped as Lambda delivers them.
 *
 * As in the mapping (lib/trust-stack.ts): it starts at LATEST, sends at most `batchSize` records per
 * invocation, honours ReportBatchItemFailures (records before the first reported failure are done),
 * bisects a batch when the handler throws, and after `maxRetries` retries puts a record in dead letters
 * and moves on, so one poison record never blocks the shard.
 *
 * Where it differs from Lambda, on purpose:
 * - Retries are counted per record, and only for the record known to have failed: the first record a
 *   handler reports, or the only record of a batch that threw. A throw from a larger batch is not
 *   counted against anyone; it splits the batch until the failing record stands alone. So a poison
 *   record is tried alone 1 + maxRetries times, and the records batched with it are not punished.
 * - A dead letter keeps the record itself (Lambda's SQS destination only points at the batch).
 * - MaximumRecordAge is not applied: local time is virtual, and DynamoDB Local keeps records 24 h.
 *
 * DynamoDB Local's streams behave as the service's do in the ways that matter here: shards roll over
 * (every 4 hours there), iterators expire after 15 minutes, and shards and records are trimmed after
 * 24 hours. So the poller keeps its place by sequence number, reads a shard that appeared after it
 * started from TRIM_HORIZON once its parent is finished, and gets a fresh iterator when one expires.
 * One way they differ: DynamoDB Local answers the first read of a LATEST iterator taken on an empty
 * shard as trimmed once another write in the database came before the shard's first record (local
 * tables are made with a write to the metrics table); the poller then reads that shard from its start,
 * which holds only records written since (see `recover`).
 *
 * One poller can stand for several mappings on the same stream (`also`), as the backfill and the metrics
 * stream are in AWS: the stream is then read once, and each page goes to every mapping, with its own
 * filters, batch size, retries and dead letters. The mappings take a page at the same time, as Lambda
 * runs each mapping on its own; the poller reads on when all of them are done with it.
 *
 * The shard list (DescribeStream) is read again only when it may have changed: when a shard ran out (no
 * next iterator), when a read names a shard that is gone or trimmed, and otherwise at most every
 * `shardListMaxAgeMs` of wall time (a shard may also appear beside one still open). Each shard keeps
 * its iterator between drains, so a drain that finds nothing costs one GetRecords per open shard. With
 * a write watch (opt-in, for a process that is the table's only writer: the simulator), a drain when
 * nothing can have been written since the last pass found nothing costs none, and a drain ends once
 * every shard has been read to its end after the last write landed, without a further pass to find the
 * stream empty (`writeWatch`).
 */
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  type GetRecordsCommandOutput,
  GetShardIteratorCommand,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { LOCAL_AWS } from './dynamodb-local.ts';
import { assertValidPattern, type FilterPattern, matchesAny } from './event-filter.ts';
import { toLambdaRecord } from './stream-record.ts';
import type { WriteMark, WriteWatch } from './write-watch.ts';

/** Lambda's DynamoDBStreamHandler without the context: a batch response, or nothing for "all done". */
export type StreamHandler = (
  event: DynamoDBStreamEvent,
  // biome-ignore lint/suspicious/noConfusingVoidType: an async handler that returns nothing is Promise<void>, as in aws-lambda's own type.
) => Promise<DynamoDBBatchResponse | void>;

export interface DeadLetter {
  /** The mapping whose handler failed on it (StreamMappingOptions.name). */
  readonly mapping: string;
  readonly record: DynamoDBRecord;
  readonly reason: string;
}

/** Only ids and sequence numbers are logged, never images: they hold names and phone numbers. */
export interface StreamPollerLog {
  warn(message: string, details?: Record<string, unknown>): void;
}

/** One event source mapping: which records reach which handler, in what batches, with what retries. */
export interface StreamMappingOptions {
  /** Names the mapping in logs and in its dead letters (a function's name). @default 'stream' */
  name?: string;
  /** Lambda FilterCriteria patterns; a record passes if it matches any. None lets every record pass. */
  filters: readonly FilterPattern[];
  handler: StreamHandler;
  /** @default 10 */
  batchSize?: number;
  /** Retries of a failing record before it goes to dead letters. @default 3 */
  maxRetries?: number;
  onDeadLetter?: (record: DynamoDBRecord, reason: string) => void;
}

export interface StreamPollerOptions extends StreamMappingOptions {
  /** DynamoDB Local's endpoint; the Streams API is served on the same one. */
  endpoint: string;
  tableName: string;
  /** Further mappings on the same stream, read once with this one's (see the top). */
  also?: readonly StreamMappingOptions[];
  log?: StreamPollerLog;
  /**
   * Passes over the shards one drain may make. A handler that writes to the table causes more records,
   * so a drain repeats until a pass finds nothing; this stops a cascade that never settles.
   * @default 50
   */
  maxPasses?: number;
  /** While this answers true (the database is away), background polling skips its ticks. */
  paused?: () => boolean;
  /**
   * Asked when a handler fails: resolves true if the database is away. Then the failure is not the
   * record's (no retry counted, nothing dead-lettered) and the drain stops with DatabaseAwayError, to
   * read the page again when the database is back. @default `paused`
   */
  databaseAway?: () => Promise<boolean>;
  /**
   * Sees every record read, in stream order, before the filters and before the handler (the local
   * scheduler counts writes to the indexes it asks about). It must not throw.
   */
  onRecord?: (record: DynamoDBRecord) => void;
  /**
   * Wall-clock milliseconds a shard list is trusted without news that it changed (see the top).
   * @default 1000
   */
  shardListMaxAgeMs?: number;
  /**
   * Opt-in, for a process that is the table's only writer (the simulator): its write requests, counted
   * (local/write-watch.ts). A drain is then skipped, with no GetRecords, when the last pass found
   * nothing, no write was in flight as it began, and no write has started since, as long as that pass
   * began less than `maxQuietMs` of wall time ago (DynamoDB's own TTL deletes are not counted). Omit it
   * (`npm start`, tests) when another process may write to the same DynamoDB Local.
   */
  writeWatch?: { watch: Pick<WriteWatch, 'mark' | 'wroteSince'>; maxQuietMs?: number };
}

/** GetRecords' own maximum. */
const PAGE_LIMIT = 1000;
/** Pages read from one shard in one pass, so a handler that writes for ever cannot hold a pass. */
const MAX_PAGES_PER_SHARD_PASS = 100;

interface ShardState {
  readonly id: string;
  readonly parentId: string | undefined;
  /** Where to begin when nothing has been read yet and there is no iterator. */
  startAt: 'LATEST' | 'TRIM_HORIZON';
  /** The shard has an ending sequence number: it takes no new records. */
  closed: boolean;
  /** Closed and read to its end. */
  finished: boolean;
  iterator: string | undefined;
  lastSequence: string | undefined;
}

type Outcome = { kind: 'ok' } | { kind: 'partial'; firstFailed: number } | { kind: 'error'; reason: string };

export class StreamPoller {
  /** Records every mapping gave up on, in the order they were given up. */
  readonly deadLetters: DeadLetter[] = [];
  private readonly streams: DynamoDBStreamsClient;
  private readonly shards = new Map<string, ShardState>();
  private readonly mappings: Mapping[];
  private readonly maxPasses: number;
  private readonly log: StreamPollerLog;
  private ready: Promise<string> | undefined;
  /** Set by reconnect(): the next drain checks the stream is still the table's before reading on. */
  private reconnecting = false;
  private queue: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private timer: NodeJS.Timeout | undefined;
  /** performance.now() when the shard list was last read; -Infinity before the first read. */
  private shardsReadAt = Number.NEGATIVE_INFINITY;
  /** A read met a sign that the shard list changed (a shard ran out or is gone): read it again. */
  private shardsStale = false;
  private readonly shardListMaxAgeMs: number;
  /** Where the write count stood as the last pass, which found nothing, began (writeWatch only). */
  private quiet: WriteMark | undefined;
  /** Drains skipped because nothing can have been written (writeWatch only). */
  skippedDrains = 0;

  constructor(private readonly options: StreamPollerOptions) {
    // A pattern Lambda would reject fails here (in Mapping), at start-up, not on the first record.
    this.maxPasses = options.maxPasses ?? 50;
    this.shardListMaxAgeMs = options.shardListMaxAgeMs ?? 1000;
    if (this.maxPasses < 1) throw new RangeError('maxPasses must be at least 1');
    this.log = options.log ?? { warn() {} };
    this.mappings = [options, ...(options.also ?? [])].map(
      (m) =>
        new Mapping(
          m,
          this.log,
          (letter) => this.deadLetters.push(letter),
          options.databaseAway ?? (async () => options.paused?.() ?? false),
        ),
    );
    this.streams = new DynamoDBStreamsClient({ ...LOCAL_AWS, endpoint: options.endpoint });
  }

  /**
   * Fixes the starting position: records written from now on are delivered, earlier ones never (a
   * persisted database's history is not replayed). The first drain or start calls it if you have not.
   * Resolves with the stream's ARN.
   */
  init(): Promise<string> {
    this.ready ??= this.position().catch((err: unknown) => {
      this.ready = undefined;
      throw err;
    });
    return this.ready;
  }

  /**
   * Delivers every record available now, including those the handlers' own writes cause, and resolves
   * with the number of records the handlers accepted (a record two mappings take counts twice). Drains
   * run one at a time, in call order.
   */
  drain(): Promise<number> {
    this.queued++;
    const run = this.queue.then(() => this.drainNow());
    const settled = run.finally(() => {
      this.queued--;
    });
    this.queue = settled.catch(() => undefined);
    return settled;
  }

  /** Polls in the background (for a clock that flows in real time); resolves once positioned. */
  async start(intervalMs = 250): Promise<void> {
    await this.init();
    if (this.timer) return;
    this.timer = setInterval(() => {
      // A slow drain is not stacked on: the next tick after it finishes picks up what arrived. While the
      // owner says the database is away, there is nothing to read.
      if (this.queued > 0 || this.options.paused?.()) return;
      this.drain().catch((err: unknown) => {
        // Nothing is lost: the position only moves past records that were handled or dead-lettered.
        this.log.warn('stream poll failed; retrying on the next tick', { error: errorMessage(err) });
      });
    }, intervalMs);
    this.timer.unref();
  }

  /**
   * After the database stopped and came back: iterators taken before are not trusted, so each shard is
   * read on from its last sequence number with a fresh one (records of a shard read from LATEST before
   * anything arrived are not replayed). If the table's stream is a new one (an in-memory database
   * started afresh), the poller starts on it from LATEST, as on first start.
   */
  reconnect(): Promise<void> {
    this.reconnecting = true;
    this.quiet = undefined;
    // Queued behind any drain in progress; positioned before it resolves, so a change made after it
    // resolves is read, even on a stream that is new.
    const run = this.queue.then(async () => {
      if (this.reconnecting) await this.resume();
      await this.init();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stops background polling and waits for a drain in progress. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.queue;
  }

  /** Stops and releases the Streams client's sockets. */
  async close(): Promise<void> {
    await this.stop();
    this.streams.destroy();
  }

  private async position(): Promise<string> {
    const streamArn = await this.latestStreamArn();
    if (!streamArn) throw new Error(`Table ${this.options.tableName} has no stream to poll`);
    this.shardsReadAt = performance.now();
    for (const shard of await this.describeShards(streamArn)) {
      const state = this.track(shard, 'LATEST');
      // A closed shard holds only history. An open one is read from LATEST, and the iterator is taken
      // now, so that records written between now and the first drain are not skipped.
      if (state.closed) state.finished = true;
      else state.iterator = await this.iteratorFor(streamArn, state);
    }
    return streamArn;
  }

  private async drainNow(): Promise<number> {
    const writes = this.options.writeWatch;
    const quiet = this.quiet;
    this.quiet = undefined;
    if (
      writes &&
      quiet &&
      !this.reconnecting &&
      !writes.watch.wroteSince(quiet) &&
      performance.now() - quiet.at < (writes.maxQuietMs ?? 1000)
    ) {
      this.quiet = quiet;
      this.skippedDrains++;
      return 0;
    }
    if (this.reconnecting) await this.resume();
    const streamArn = await this.init();
    let delivered = 0;
    for (let pass = 0; pass < this.maxPasses; pass++) {
      if (this.shardsStale || performance.now() - this.shardsReadAt >= this.shardListMaxAgeMs) {
        await this.refreshShards(streamArn);
      }
      // Before any shard is read: a write in flight now may reach the stream after its shard was read.
      const mark = writes?.watch.mark();
      let read = 0;
      /** Every shard this pass could read was read to its end (an empty page on an open shard). */
      let caughtUp = true;
      /** The earliest of those ends' write marks, each taken as its empty page was asked for. */
      let ends: WriteMark | undefined;
      // Shard ids begin with their creation time, so a parent sorts before its children.
      for (const shard of [...this.shards.values()].sort((a, b) => a.id.localeCompare(b.id))) {
        if (shard.finished) continue;
        if (!this.parentFinished(shard)) {
          caughtUp = false;
          continue;
        }
        const result = await this.readShard(streamArn, shard);
        read += result.read;
        delivered += result.delivered;
        if (!result.end) caughtUp = false;
        else if (!ends || result.end.started < ends.started) ends = result.end;
      }
      // Nothing read: done, unless a shard ran out and the list, read again, has something new to read.
      if (read === 0 && !(this.shardsStale && (await this.refreshShards(streamArn)))) {
        if (mark?.settled) this.quiet = mark;
        return delivered;
      }
      // Every open shard was read to its end after every write there is had landed (no write in flight
      // as the first of those empty pages was asked for, none started since): what the handlers wrote,
      // they wrote before that, and it was read. Another pass would find nothing.
      if (caughtUp && ends?.settled && !this.shardsStale && writes && !writes.watch.wroteSince(ends)) {
        this.quiet = ends;
        return delivered;
      }
    }
    this.log.warn('stream drain stopped after its pass limit; the rest is read by the next drain', {
      table: this.options.tableName,
      passes: this.maxPasses,
    });
    return delivered;
  }

  private async resume(): Promise<void> {
    const current = await this.latestStreamArn();
    const known = this.ready ? await this.ready.catch(() => undefined) : undefined;
    if (current !== known) {
      this.shards.clear();
      this.ready = undefined;
    } else {
      for (const shard of this.shards.values()) shard.iterator = undefined;
    }
    this.shardsStale = true;
    this.reconnecting = false;
  }

  private async latestStreamArn(): Promise<string | undefined> {
    const ddb = new DynamoDBClient({ ...LOCAL_AWS, endpoint: this.options.endpoint });
    try {
      const { Table } = await ddb.send(new DescribeTableCommand({ TableName: this.options.tableName }));
      return Table?.LatestStreamArn;
    } finally {
      ddb.destroy();
    }
  }

  /** Reads the shard list again; resolves true if it changed (a shard appeared, closed or went). */
  private async refreshShards(streamArn: string): Promise<boolean> {
    this.shardsStale = false;
    this.shardsReadAt = performance.now();
    const described = await this.describeShards(streamArn);
    const present = new Set(described.map((s) => s.ShardId));
    let changed = false;
    for (const shard of described) {
      const known = this.shards.get(shard.ShardId ?? '');
      // A shard that appeared after the poller started holds only new records: read all of it.
      if (known) {
        changed ||= known.closed !== isClosed(shard);
        known.closed = isClosed(shard);
      } else {
        this.track(shard, 'TRIM_HORIZON');
        changed = true;
      }
    }
    // Shards older than the stream's retention are gone from the list; so is their place.
    for (const id of this.shards.keys()) {
      if (!present.has(id)) {
        this.shards.delete(id);
        changed = true;
      }
    }
    return changed;
  }

  private track(shard: Shard, startAt: ShardState['startAt']): ShardState {
    const state: ShardState = {
      id: shard.ShardId ?? '',
      parentId: shard.ParentShardId,
      startAt,
      closed: isClosed(shard),
      finished: false,
      iterator: undefined,
      lastSequence: undefined,
    };
    this.shards.set(state.id, state);
    return state;
  }

  private parentFinished(shard: ShardState): boolean {
    const parent = shard.parentId ? this.shards.get(shard.parentId) : undefined;
    return !parent || parent.finished;
  }

  private async readShard(
    streamArn: string,
    shard: ShardState,
  ): Promise<{ read: number; delivered: number; end?: WriteMark }> {
    let read = 0;
    let delivered = 0;
    /** With a write watch: its mark as the page that showed the shard's end (empty, open shard) was asked for. */
    let end: WriteMark | undefined;
    for (let page = 0; page < MAX_PAGES_PER_SHARD_PASS && this.shards.has(shard.id); page++) {
      shard.iterator ??= await this.iteratorFor(streamArn, shard);
      if (!shard.iterator) break;
      let response: GetRecordsCommandOutput;
      const asked = this.options.writeWatch?.watch.mark();
      try {
        response = await this.streams.send(
          new GetRecordsCommand({ ShardIterator: shard.iterator, Limit: PAGE_LIMIT }),
        );
      } catch (err) {
        this.recover(shard, err);
        continue;
      }
      const records = response.Records ?? [];
      if (records.length > 0) {
        const all = records.map((r) => toLambdaRecord(r, streamArn));
        if (this.options.onRecord) for (const r of all) this.options.onRecord(r);
        const accepted = await Promise.all(this.mappings.map((m) => m.deliver(all)));
        delivered += accepted.reduce((sum, n) => sum + n, 0);
        read += records.length;
        shard.lastSequence = records.at(-1)?.dynamodb?.SequenceNumber ?? shard.lastSequence;
      }
      shard.iterator = response.NextShardIterator;
      if (!shard.iterator) {
        // No next iterator means the shard is closed and read to its end. Some local emulators also
        // drop it on an open shard that is caught up; then the next read resumes by sequence number.
        // A shard not yet known to be closed sends the poller to read the shard list again.
        shard.finished = shard.closed;
        if (!shard.closed) this.shardsStale = true;
        break;
      }
      // An open shard that returned nothing is caught up. A closed one may return empty pages before
      // its end, so it is read on until the iterator runs out (or the page limit).
      if (records.length === 0 && !shard.closed) {
        end = asked;
        break;
      }
    }
    return { read, delivered, ...(end && { end }) };
  }

  /** Handles the errors a long-lived position meets, so that the next read can go on; rethrows others. */
  private recover(shard: ShardState, err: unknown): void {
    const name = (err as { name?: string }).name;
    if (name === 'ExpiredIteratorException') {
      // Iterators last 15 minutes; a spell without drains (a frozen clock left alone) outlives them.
      shard.iterator = undefined;
    } else if (name === 'TrimmedDataAccessException' && shard.startAt === 'LATEST' && !shard.lastSequence) {
      // Not a trim: DynamoDB Local numbers the records of every table from one counter, and its LATEST on
      // an empty shard is the shard's starting number; once any other write took a number before the
      // shard's first record, that iterator reads as older than the oldest record. Nothing was read here
      // yet, so all the shard holds came after the position (as after a real trim past it): it is read
      // from its start. The shard list is as it was (no re-read, no warning).
      shard.iterator = undefined;
      shard.startAt = 'TRIM_HORIZON';
    } else if (name === 'TrimmedDataAccessException') {
      this.shardsStale = true;
      this.log.warn('stream position was trimmed; reading on from the oldest record kept', {
        shard: shard.id,
      });
      shard.iterator = undefined;
      shard.lastSequence = undefined;
      shard.startAt = 'TRIM_HORIZON';
    } else if (name === 'ResourceNotFoundException') {
      // The shard was trimmed away (24 h retention) since the last DescribeStream.
      this.shards.delete(shard.id);
      this.shardsStale = true;
      shard.iterator = undefined;
    } else {
      throw err;
    }
  }

  private async iteratorFor(streamArn: string, shard: ShardState): Promise<string | undefined> {
    for (let attempt = 0; attempt < 2 && this.shards.has(shard.id); attempt++) {
      const from = shard.lastSequence
        ? ({ ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: shard.lastSequence } as const)
        : // Before any record is read, an expired LATEST iterator can only be replaced by LATEST.
          ({ ShardIteratorType: shard.startAt } as const);
      try {
        const { ShardIterator } = await this.streams.send(
          new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.id, ...from }),
        );
        return ShardIterator;
      } catch (err) {
        this.recover(shard, err);
      }
    }
    return undefined;
  }

  private async describeShards(streamArn: string): Promise<Shard[]> {
    const shards: Shard[] = [];
    let after: string | undefined;
    do {
      const { StreamDescription } = await this.streams.send(
        new DescribeStreamCommand({ StreamArn: streamArn, ExclusiveStartShardId: after }),
      );
      shards.push(...(StreamDescription?.Shards ?? []));
      after = StreamDescription?.LastEvaluatedShardId;
    } while (after);
    return shards;
  }
}

/** A drain stopped because the database went away while a handler ran; nothing was blamed or lost. */
export class DatabaseAwayError extends Error {
  override readonly name = 'DatabaseAwayError';
  constructor(mapping: string) {
    super(`the database went away while the ${mapping} handler ran; the page is read again when it is back`);
  }
}

/** One mapping's delivery: its filters, batches, bisection, retries and dead letters. */
class Mapping {
  readonly name: string;
  private readonly batchSize: number;
  private readonly maxRetries: number;

  constructor(
    private readonly options: StreamMappingOptions,
    private readonly log: StreamPollerLog,
    private readonly onDeadLetter: (letter: DeadLetter) => void,
    private readonly databaseAway: () => Promise<boolean>,
  ) {
    for (const pattern of options.filters) assertValidPattern(pattern);
    this.name = options.name ?? 'stream';
    this.batchSize = options.batchSize ?? 10;
    this.maxRetries = options.maxRetries ?? 3;
    if (this.batchSize < 1 || this.maxRetries < 0) {
      throw new RangeError('batchSize must be at least 1, maxRetries at least 0');
    }
  }

  /**
   * Hands the records its filters pass to the handler in order, in batches; resolves with how many it
   * accepted.
   */
  async deliver(all: readonly DynamoDBRecord[]): Promise<number> {
    const filters = this.options.filters;
    let pending = filters.length === 0 ? all : all.filter((r) => matchesAny(r, filters));
    let size = this.batchSize;
    let accepted = 0;
    const failures = new Map<DynamoDBRecord, number>();
    const blame = (record: DynamoDBRecord, reason: string) => {
      const count = (failures.get(record) ?? 0) + 1;
      failures.set(record, count);
      if (count <= this.maxRetries) return;
      this.deadLetter(record, reason);
      pending = pending.slice(1);
      size = this.batchSize;
    };
    while (pending.length > 0) {
      const batch = pending.slice(0, size);
      const outcome = await this.invoke(batch);
      // A handler that failed because the database went away is not the record's fault: no retry is
      // counted and nothing is dead-lettered. The drain stops without moving the position past the
      // page, which is read again (by every mapping: handlers take records at least once, as in
      // Lambda) when the database is back.
      if (outcome.kind !== 'ok' && (await this.databaseAway())) throw new DatabaseAwayError(this.name);
      if (outcome.kind === 'ok') {
        accepted += batch.length;
        pending = pending.slice(batch.length);
        size = this.batchSize;
      } else if (outcome.kind === 'partial') {
        // Lambda checkpoints before the first reported failure and retries from there.
        accepted += outcome.firstFailed;
        pending = pending.slice(outcome.firstFailed);
        size = this.batchSize;
        blame(pending[0]!, 'the handler reported it as a batch item failure');
      } else if (batch.length > 1) {
        // Bisect on error: halve the batch until the record that makes the handler throw stands alone.
        size = Math.ceil(batch.length / 2);
        this.log.warn('stream handler failed; splitting the batch', {
          mapping: this.name,
          records: batch.length,
          error: outcome.reason,
        });
      } else {
        blame(batch[0]!, outcome.reason);
      }
    }
    return accepted;
  }

  private async invoke(batch: readonly DynamoDBRecord[]): Promise<Outcome> {
    let result: Awaited<ReturnType<StreamHandler>>;
    try {
      // Each invocation gets its own copy, as each Lambda invocation gets its own parsed event.
      result = await this.options.handler({ Records: structuredClone([...batch]) });
    } catch (err) {
      return { kind: 'error', reason: `the handler threw: ${errorMessage(err)}` };
    }
    const reported = result?.batchItemFailures ?? [];
    if (reported.length === 0) return { kind: 'ok' };
    const positions = reported.map((f) =>
      batch.findIndex((r) => r.dynamodb?.SequenceNumber === f.itemIdentifier),
    );
    // Lambda treats an itemIdentifier that names no record of the batch as a failure of the whole batch.
    if (positions.some((p) => p < 0)) {
      return { kind: 'error', reason: 'the handler reported an itemIdentifier that is not in the batch' };
    }
    return { kind: 'partial', firstFailed: Math.min(...positions) };
  }

  private deadLetter(record: DynamoDBRecord, reason: string): void {
    this.onDeadLetter({ mapping: this.name, record, reason });
    this.log.warn('stream record sent to dead letters after its retries', {
      mapping: this.name,
      eventID: record.eventID,
      sequenceNumber: record.dynamodb?.SequenceNumber,
      reason,
    });
    this.options.onDeadLetter?.(record, reason);
  }
}

function isClosed(shard: Shard): boolean {
  return shard.SequenceNumberRange?.EndingSequenceNumber !== undefined;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Keeps the local runtime honest about its database. It asks DynamoDB Local every second whether the
 * table answers, and is told at once when anything else finds it unreachable (a failed tick, a stream
 * drain that could not follow a change). On losing it, it says so once, plainly, with what happens now
 * and what to do; the schedules pause (they would only fail); /health answers 503 by its own check; API
 * calls answer 503 DATABASE_UNAVAILABLE. When the table answers again it runs `onBack` (tables checked,
 * stream pollers reconnected) and says so.
 *
 * A DynamoDB Local that the runtime started itself is restarted by the runtime (see local/runtime.ts);
 * one it was pointed at (`dynamoEndpoint`) has to be started again by whoever owns it.
 */
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { TABLE_KEYS } from '#store/table.ts';
import { LOCAL_AWS } from './dynamodb-local.ts';

export interface DatabaseWatchOptions {
  endpoint: string;
  table: string;
  print: (line: string) => void;
  /** What to tell the developer to do while it is down (the runtime's own restart, or "start it again"). */
  whileDown: string;
  /** Runs once each time the table answers again, before the watch reports it back. */
  onBack: () => Promise<void>;
  /** @default 1000 */
  intervalMs?: number;
  /**
   * How long one check waits for an answer. Generous: a DynamoDB Local just started, on a busy laptop,
   * can take seconds over its first requests, and a false alarm would pause the schedules. @default 5000
   */
  timeoutMs?: number;
  /**
   * How many checks in a row must time out before the database is called lost. A timeout alone is a
   * database that is slow (a loaded machine), not gone: calling it lost would turn every request away
   * with 503 while it is merely slow. A refused connection or a missing table is lost at once. @default 3
   */
  slowChecksBeforeLost?: number;
}

/** Reasons (reasonOf) that say the database was slow to answer rather than that it is not there. */
const SLOW = new Set(['TimeoutError', 'AbortError', 'RequestTimeout', 'ETIMEDOUT']);

export class DatabaseWatch {
  private state: 'up' | 'down' | 'recovering' = 'up';
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private checking: Promise<void> | undefined;
  private readonly client: DynamoDBClient;
  /** The last set-up failure printed, so a failure that repeats each second is said once. */
  private lastSetUpFailure: string | undefined;
  /** Checks in a row that timed out (reset by any answer). */
  private slowChecks = 0;

  constructor(private readonly options: DatabaseWatchOptions) {
    // One attempt per check: the watch's own interval is the retry.
    this.client = new DynamoDBClient({ ...LOCAL_AWS, endpoint: options.endpoint, maxAttempts: 1 });
  }

  /** Whether the table answered at the last look (false from the first failure until it is back). */
  get up(): boolean {
    return this.state === 'up';
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.check(), this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  /**
   * Stops watching. A recovery in progress (the demo data being seeded again) is not waited for: the
   * runtime is going away, and whatever it was doing fails quietly against the stopped database.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.client.destroy();
  }

  /** Something else found the database unreachable: report it now rather than at the next check. */
  lost(reason: string): void {
    if (this.state !== 'up' || this.stopped) return;
    this.state = 'down';
    this.options.print(
      `[database] DynamoDB Local at ${this.options.endpoint} is not answering (${reason}). ` +
        'Until it is back, GET /health answers 503, API changes answer 503 DATABASE_UNAVAILABLE, ' +
        `and the schedules and the stream are paused. ${this.options.whileDown}`,
    );
  }

  /**
   * Something else failed to reach the database with `reason` (reasonOf). A refused or broken
   * connection is lost at once; a timeout asks the watch to look now, and only timeouts on its own
   * checks, `slowChecksBeforeLost` in a row, call it lost.
   */
  failed(reason: string): void {
    if (SLOW.has(reason)) void this.check();
    else this.lost(reason);
  }

  /** One look at the table; never rejects. Concurrent calls share the look in progress. */
  check(): Promise<void> {
    this.checking ??= this.look().finally(() => {
      this.checking = undefined;
    });
    return this.checking;
  }

  private async look(): Promise<void> {
    try {
      // A read of one key that is never written: it answers ResourceNotFoundException when the table is
      // gone, as DescribeTable does, but costs the same however large the table grows (DescribeTable
      // reports the item count, and in the simulator took about 0.3 s a call, once a second).
      await this.client.send(
        new GetItemCommand({
          TableName: this.options.table,
          Key: {
            [TABLE_KEYS.partitionKey.name]: { S: 'LOCAL#DATABASE-WATCH' },
            [TABLE_KEYS.sortKey.name]: { S: 'LOCAL#DATABASE-WATCH' },
          },
        }),
        { abortSignal: AbortSignal.timeout(this.options.timeoutMs ?? 5000) },
      );
      this.slowChecks = 0;
    } catch (err) {
      const reason = reasonOf(err);
      if (SLOW.has(reason) && this.state === 'up') {
        this.slowChecks++;
        if (this.slowChecks < (this.options.slowChecksBeforeLost ?? 3)) return;
        this.lost(`${this.slowChecks} checks in a row took over ${this.options.timeoutMs ?? 5000} ms`);
        return;
      }
      if (reason !== 'ResourceNotFoundException') {
        this.lost(reason);
        return;
      }
      this.slowChecks = 0;
      // DynamoDB answered, but the table is gone (an in-memory database started afresh, or someone
      // deleted it): onBack makes it again.
      if (this.state === 'up') this.lost('its table is missing');
    }
    if (this.state !== 'down') return;
    this.state = 'recovering';
    try {
      await this.options.onBack();
      if (this.stopped) return;
      this.state = 'up';
      this.lastSetUpFailure = undefined;
      this.options.print(
        '[database] DynamoDB Local is answering again; the schedules and the stream carry on.',
      );
    } catch (err) {
      // It answered, then failed again part-way: still down; the next check tries once more.
      this.state = 'down';
      const reason = reasonOf(err);
      if (reason !== this.lastSetUpFailure && !this.stopped)
        this.options.print(`[database] DynamoDB Local answered but could not be set up again: ${reason}`);
      this.lastSetUpFailure = reason;
    }
  }
}

/** An error code or name only: messages from the SDK can carry request details. */
export function reasonOf(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown } | undefined;
  return String(e?.code ?? e?.name ?? 'unknown error');
}

/**
 * Counts the write requests this process sends to DynamoDB Local, so the stream poller can tell that
 * nothing can have reached the stream since its last empty pass (StreamPollerOptions.writeWatch). Only
 * sound when this process is the table's only writer: the simulator's, not `npm start`'s (another
 * process may write to the same DynamoDB Local). DynamoDB's own deletes (TTL) are not seen: the
 * poller bounds how long it trusts a quiet stream (`maxQuietMs`).
 *
 * It sees each request as it starts (dynamodb-requests.ts: Node's diagnostics channel and the
 * `X-Amz-Target` header, as bench/simulate/load-meter.ts counts calls), so no client is touched. A write
 * is in flight from its request's start until its response arrives (DynamoDB Local answers after the
 * write, and its stream record, are made) or the request closes. A request that closed without a
 * response may still be carried out: for `uncertainMs` after it, the stream is never called quiet.
 */
import type { ClientRequest } from 'node:http';
import { onDynamoDbRequests } from './dynamodb-requests.ts';

/** The operations that change items, hence the stream: DynamoDB_20120810.<operation>. */
const WRITE_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'TransactWriteItems',
  'BatchWriteItem',
]);

/** Where the count stood when a stream pass began. */
export interface WriteMark {
  /** Write requests started before the mark. */
  readonly started: number;
  /** No write was in flight (nor lately uncertain): every write started before is in the stream. */
  readonly settled: boolean;
  /** performance.now() at the mark (ms). */
  readonly at: number;
}

export class WriteWatch {
  private started = 0;
  private inFlight = 0;
  /** performance.now() until which a write that closed unanswered may still land. */
  private uncertainUntil = Number.NEGATIVE_INFINITY;
  private readonly stop: () => void;

  /**
   * @param endpoint DynamoDB Local's endpoint (http://host:port).
   * @param uncertainMs Wall-clock ms after a write closed without an answer during which no mark is settled.
   */
  constructor(
    endpoint: string,
    private readonly uncertainMs = 5000,
  ) {
    this.stop = onDynamoDbRequests(endpoint, (operation, request) => this.onRequest(operation, request));
  }

  private onRequest(operation: string, request: ClientRequest): void {
    if (!WRITE_OPERATIONS.has(operation)) return;
    this.started++;
    this.inFlight++;
    let done = false;
    const finish = (answered: boolean) => {
      if (done) return;
      done = true;
      this.inFlight--;
      if (!answered) this.uncertainUntil = performance.now() + this.uncertainMs;
    };
    request.once('response', () => finish(true));
    request.once('close', () => finish(false));
  }

  /** Taken as a pass over the stream begins. */
  mark(): WriteMark {
    const at = performance.now();
    return { started: this.started, settled: this.inFlight === 0 && at >= this.uncertainUntil, at };
  }

  /** True if a write request started since `mark` was taken. */
  wroteSince(mark: WriteMark): boolean {
    return this.started !== mark.started;
  }

  /** Stops listening. */
  close(): void {
    this.stop();
  }
}

import { randomUUID } from 'node:crypto';
import { MESSAGE_REF_CONTEXT_KEY } from '#core/delivery-status.ts';
import { analyseSms } from '#core/sms-segments.ts';
import type { OutboundSms, SmsSender } from './sms-sender.ts';

export interface OutboxEntry {
  id: string;
  /** OutboundSms.ref: the Message id the sender gave, returned in the receipt's context. */
  ref?: string;
  to: string;
  body: string;
  at: string;
  segments: number;
  encoding: 'GSM-7' | 'UCS-2';
}

/** A delivery-status event the outbox will report, as End User Messaging would (core/delivery-status.ts). */
export interface SimulatedReceipt {
  dueAt: string;
  event: {
    eventType: string;
    eventVersion: '1.0';
    eventTimestamp: number;
    isFinal: boolean;
    originationPhoneNumber: string;
    destinationPhoneNumber: string;
    messageId: string;
    messageStatus: string;
    messageStatusDescription: string;
    context?: Record<string, string>;
  };
}

/** How long after a send the simulated carrier reports on it, in virtual time. */
export const SIMULATED_RECEIPT_DELAY_MS = 5_000;

/**
 * The local outbox's simulated carrier. Numbers in the drama-range block 07700 900990–900999 fail
 * permanently (INVALID, as a dead number does); every other number is delivered. A test may set what a
 * number's next texts do (a temporary CARRIER_UNREACHABLE, say).
 */
export function simulatedStatus(phone: string): { status: string; description: string } {
  return /^\+44770090099\d$/.test(phone)
    ? { status: 'INVALID', description: 'Destination phone number is not valid (local simulation)' }
    : { status: 'DELIVERED', description: 'Message has been accepted by phone (local simulation)' };
}

/**
 * Where the local runtime keeps a log's entries between runs (local/jsonl-file.ts: a file in the data
 * folder). Without one (`--in-memory`, tests, the simulator) the entries live in memory only.
 */
export interface LocalJournal<T> {
  /** The entries kept by earlier runs, oldest first. */
  readAll(): T[];
  append(entry: T): void;
}

/**
 * The local runtime's SMS provider: keeps every text in memory for GET /dev/sms/outbox and prints it;
 * with a journal, also on disk, so a restart shows the texts sent before it. A test can make the next
 * sends fail to exercise the retry path.
 */
export class LocalOutbox implements SmsSender {
  readonly entries: OutboxEntry[] = [];
  private failuresToInject = 0;
  /** Delivery-status events still to come, earliest first (the local scheduler hands them over). */
  private receipts: SimulatedReceipt[] = [];
  private readonly outcomes = new Map<string, string[]>();

  constructor(
    private readonly now: () => Date,
    private readonly print: (line: string) => void = () => {},
    private readonly journal?: LocalJournal<OutboxEntry>,
  ) {
    if (journal) this.entries.push(...journal.readAll());
  }

  failNext(count = 1): void {
    this.failuresToInject += count;
  }

  /** The next texts to `phone` get these End User Messaging statuses, in turn (then the usual one). */
  setDeliveryOutcomes(phone: string, statuses: string[]): void {
    this.outcomes.set(phone, [...statuses]);
  }

  /** When the next simulated delivery status is due, or undefined. */
  nextReceiptAt(): string | undefined {
    return this.receipts[0]?.dueAt;
  }

  /** Takes the simulated delivery-status events due by `now`. */
  takeDueReceipts(now: Date): SimulatedReceipt['event'][] {
    const due = this.receipts.filter((r) => r.dueAt <= now.toISOString());
    this.receipts = this.receipts.filter((r) => r.dueAt > now.toISOString());
    return due.map((r) => r.event);
  }

  private simulateReceipt(entry: OutboxEntry): void {
    const queued = this.outcomes.get(entry.to);
    const forced = queued?.shift();
    const usual = simulatedStatus(entry.to);
    const status = forced ?? usual.status;
    const dueAt = new Date(new Date(entry.at).getTime() + SIMULATED_RECEIPT_DELAY_MS).toISOString();
    this.receipts.push({
      dueAt,
      event: {
        eventType: `TEXT_${status}`,
        eventVersion: '1.0',
        eventTimestamp: new Date(dueAt).getTime(),
        isFinal: true,
        originationPhoneNumber: '+447700900000',
        destinationPhoneNumber: entry.to,
        messageId: entry.id,
        messageStatus: status,
        messageStatusDescription: forced ? 'Simulated by a test (local)' : usual.description,
        ...(entry.ref ? { context: { [MESSAGE_REF_CONTEXT_KEY]: entry.ref } } : {}),
      },
    });
    this.receipts.sort((a, b) => a.dueAt.localeCompare(b.dueAt));
  }

  async send(sms: OutboundSms): Promise<{ providerMessageId: string }> {
    if (this.failuresToInject > 0) {
      this.failuresToInject--;
      throw new Error('Injected outbox failure');
    }
    const { segments, encoding } = analyseSms(sms.body);
    const entry: OutboxEntry = {
      id: randomUUID(),
      ...(sms.ref ? { ref: sms.ref } : {}),
      to: sms.to,
      body: sms.body,
      at: this.now().toISOString(),
      segments,
      encoding,
    };
    this.entries.push(entry);
    this.journal?.append(entry);
    this.simulateReceipt(entry);
    this.print(consoleLine(entry));
    return { providerMessageId: entry.id };
  }
}

/** Ofcom's drama range (07700 900000–900999): numbers set aside for fiction, which no one holds. */
export function isDramaNumber(phone: string): boolean {
  return /^\+447700900\d{3}$/.test(phone);
}

/**
 * What the local console shows of a text. A trust may try Attend on real data, so only a text to a
 * fictional number (Ofcom's drama range) is printed in full; for any other, the console shows the
 * message id, segments and encoding, never the number or the words (GET /dev/sms/outbox has them, on
 * the developer's own machine).
 */
export function consoleLine(entry: OutboxEntry): string {
  const size = `${entry.segments} ${entry.encoding} segment${entry.segments === 1 ? '' : 's'}`;
  return isDramaNumber(entry.to)
    ? `[sms ${entry.at}] → ${entry.to} (${size}): ${entry.body}`
    : `[sms ${entry.at}] message ${entry.id} (${size}) to a number outside the drama range: not shown`;
}

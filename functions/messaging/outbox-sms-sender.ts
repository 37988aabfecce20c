import { randomUUID } from 'node:crypto';
import { analyseSms } from '#core/sms-segments.ts';
import type { OutboundSms, SmsSender } from './sms-sender.ts';

export interface OutboxEntry {
  id: string;
  to: string;
  body: string;
  at: string;
  segments: number;
  encoding: 'GSM-7' | 'UCS-2';
}

/**
 * The local runtime's SMS provider: keeps every text in memory for GET /dev/sms/outbox and prints it.
 * A test can make the next sends fail to exercise the retry path.
 */
export class LocalOutbox implements SmsSender {
  readonly entries: OutboxEntry[] = [];
  private failuresToInject = 0;

  constructor(
    private readonly now: () => Date,
    private readonly print: (line: string) => void = () => {},
  ) {}

  failNext(count = 1): void {
    this.failuresToInject += count;
  }

  async send(sms: OutboundSms): Promise<{ providerMessageId: string }> {
    if (this.failuresToInject > 0) {
      this.failuresToInject--;
      throw new Error('Injected outbox failure');
    }
    const { segments, encoding } = analyseSms(sms.body);
    const entry: OutboxEntry = {
      id: randomUUID(),
      to: sms.to,
      body: sms.body,
      at: this.now().toISOString(),
      segments,
      encoding,
    };
    this.entries.push(entry);
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

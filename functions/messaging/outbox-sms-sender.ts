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
    this.print(
      `[sms ${entry.at}] → ${displayNumber(entry.to)} (${segments} ${encoding} segment${segments === 1 ? '' : 's'}): ${sms.body}`,
    );
    return { providerMessageId: entry.id };
  }
}

/** Ofcom's drama range is fictional, so the local console may show it; any other number is masked. */
function displayNumber(phone: string): string {
  return /^\+447700900\d{3}$/.test(phone) ? phone : `${phone.slice(0, 3)}******${phone.slice(-3)}`;
}

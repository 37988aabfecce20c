import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { type DomainEvent, EVENT_SOURCE } from '#core/events.ts';
import type { LocalJournal } from './outbox-sms-sender.ts';

/** The port for domain events. Adapters: EventBridge (AWS) and an in-process bus (local). */
export interface EventPublisher {
  publish(events: readonly DomainEvent[]): Promise<void>;
}

export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly client: EventBridgeClient,
    private readonly busName: string,
    private readonly trustId: string,
  ) {}

  async publish(events: readonly DomainEvent[]): Promise<void> {
    // PutEvents takes at most 10 entries per call.
    for (let i = 0; i < events.length; i += 10) {
      const batch = events.slice(i, i + 10);
      const out = await this.client.send(
        new PutEventsCommand({
          Entries: batch.map((e) => ({
            EventBusName: this.busName,
            Source: `${EVENT_SOURCE}.${this.trustId}`,
            DetailType: e.type,
            Detail: JSON.stringify(e.detail),
          })),
        }),
      );
      if (out.FailedEntryCount) {
        const codes = (out.Entries ?? []).map((e) => e.ErrorCode).filter(Boolean);
        throw new Error(`EventBridge rejected ${out.FailedEntryCount} event(s): ${codes.join(', ')}`);
      }
    }
  }
}

export interface RecordedEvent {
  type: DomainEvent['type'];
  detail: DomainEvent['detail'];
  at: string;
}

/**
 * Local runtime: keeps events for GET /dev/events; with a journal (the data folder's), also on disk, so
 * a restart shows the events from before it.
 */
export class LocalEventBus implements EventPublisher {
  readonly events: RecordedEvent[] = [];
  constructor(
    private readonly now: () => Date,
    private readonly journal?: LocalJournal<RecordedEvent>,
  ) {
    if (journal) this.events.push(...journal.readAll());
  }
  async publish(events: readonly DomainEvent[]): Promise<void> {
    for (const e of events) {
      const recorded: RecordedEvent = { type: e.type, detail: e.detail, at: this.now().toISOString() };
      this.events.push(recorded);
      this.journal?.append(recorded);
    }
  }
}

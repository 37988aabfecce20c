import type { TrustConfig } from '#lib/trust-config.ts';
import type { EventPublisher } from '#messaging/event-publisher.ts';
import type { SmsSender } from '#messaging/sms-sender.ts';
import type { Log } from '#runtime/powertools.ts';
import type { StoreContext } from '#store/context.ts';

/** Everything the application services need, built once per cold start (or per test). */
export interface Deps {
  readonly store: StoreContext;
  readonly config: TrustConfig;
  readonly sms: SmsSender;
  readonly events: EventPublisher;
  readonly now: () => Date;
  readonly log: Log;
}

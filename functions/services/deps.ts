import type { Logger } from '@aws-lambda-powertools/logger';
import type { TrustConfig } from '#core/config/trust-config.ts';
import type { EventPublisher } from '#messaging/event-publisher.ts';
import type { SmsSender } from '#messaging/sms-sender.ts';
import type { StoreContext } from '#store/context.ts';

/** The slice of a logger the services use, so tests and the local runtime can pass their own. */
export type Log = Pick<Logger, 'info' | 'warn' | 'error'>;

/** Everything the application services need, built once per cold start (or per test). */
export interface Deps {
  readonly store: StoreContext;
  readonly config: TrustConfig;
  readonly sms: SmsSender;
  readonly events: EventPublisher;
  readonly now: () => Date;
  readonly log: Log;
}

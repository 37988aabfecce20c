import type { Logger } from '@aws-lambda-powertools/logger';
import type { EventPathConfig } from '#core/config/event-path-config.ts';
import type { PhoneHasher } from '#core/consent.ts';
import type { LinkTokenMaker } from '#core/parent-links.ts';
import type { EventPublisher } from '#messaging/event-publisher.ts';
import type { LetterFiles } from '#messaging/letter-files.ts';
import type { StoreContext } from '#store/context.ts';
import type { GuardedSmsSender } from './consent.ts';

/** The slice of a logger the services use, so tests and the local runtime can pass their own. */
export type Log = Pick<Logger, 'info' | 'warn' | 'error'>;

/**
 * Everything the application services need, built once per cold start (or per test). The config is
 * the event path's view of the trust config unless `C` says more: the web and admin functions' deps
 * hold the whole TrustConfig (`Deps<TrustConfig>`), which the staff sign-in reads.
 */
export interface Deps<C extends EventPathConfig = EventPathConfig> {
  readonly store: StoreContext;
  readonly config: C;
  /** Every text goes through the consent guard (guardSms): a plain adapter does not fit here. */
  readonly sms: GuardedSmsSender;
  /** A phone number's consent key: HMAC-SHA-256 with the trust's secret (core/consent.ts). */
  readonly phoneHash: PhoneHasher;
  /** A booking's or offer's parent-link token (core/parent-links.ts), keyed with the trust's secret. */
  readonly linkToken: LinkTokenMaker;
  readonly events: EventPublisher;
  readonly now: () => Date;
  /**
   * The time staff sessions are measured in (sign-in, idle and absolute limits): real time. In AWS the
   * same as `now`; locally `now` is the virtual clock, which must not sign staff out when it is moved.
   * Absent: `now` (tests that move one clock for both).
   */
  readonly sessionNow?: () => Date;
  readonly log: Log;
  /** Where letter batches are stored and read back (messaging/letter-files.ts); absent without letters. */
  readonly letters?: LetterFiles;
}

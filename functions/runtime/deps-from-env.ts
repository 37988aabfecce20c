/**
 * Builds the services' dependencies from the environment, once per cold start. The adapters are chosen
 * here: SNS and EventBridge in AWS; the local runtime registers its outbox and in-process bus first.
 */
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import type { EventPathConfig } from '#core/config/event-path-config.ts';
import { messagesPerSecond } from '#core/config/sender.ts';
import { realTimer, SendRateLimiter, type Timer } from '#core/send-rate.ts';
import { EumSmsSender } from '#messaging/eum-sms-sender.ts';
import { EventBridgePublisher, type EventPublisher } from '#messaging/event-publisher.ts';
import type { LetterFiles } from '#messaging/letter-files.ts';
import { RateLimitedSmsSender } from '#messaging/rate-limited-sms-sender.ts';
import type { SmsSender } from '#messaging/sms-sender.ts';
import { SnsSmsSender } from '#messaging/sns-sms-sender.ts';
import { guardSms } from '#services/consent.ts';
import type { Deps } from '#services/deps.ts';
import { traced } from './aws-clients.ts';
import { clock, sessionClock } from './clock.ts';
import { linkTokenMakerFromEnv, phoneHasherFromEnv } from './consent-key.ts';
import { docClientFromEnv } from './dynamodb.ts';
import { type Env, parseEnv } from './env.ts';
import { logger } from './powertools.ts';

interface LocalAdapters {
  sms: SmsSender;
  events: EventPublisher;
  /** The time the send rate is kept in (the simulator's virtual time); the wall clock if absent. */
  sendTimer?: Timer;
}

let localAdapters: LocalAdapters | undefined;

/** Called by the local runtime before it loads any handler. */
export function registerLocalAdapters(adapters: LocalAdapters): void {
  localAdapters = adapters;
}

function local(name: string): LocalAdapters {
  if (!localAdapters) throw new Error(`${name} is 'local' but no local runtime registered its adapters`);
  return localAdapters;
}

/**
 * Only the SMS client the environment selects is loaded, and at import, inside the function's init
 * phase: each texting function used to load both the SNS and the End User Messaging client and use one
 * (README "Small, quick Lambdas"). `import()` of an `@aws-sdk/*` package stays a real dynamic import in
 * the bundle (the SDK is external), where a static one would be hoisted and always run.
 */
// Unset is SNS, as the environment's schema (env.ts) defaults it.
const chosenAdapter = process.env.SMS_ADAPTER ?? 'sns';
const smsSdk = {
  sns: chosenAdapter === 'sns' ? await import('@aws-sdk/client-sns') : undefined,
  eum: chosenAdapter === 'eum' ? await import('@aws-sdk/client-pinpoint-sms-voice-v2') : undefined,
};

function loaded<T>(sdk: T | undefined, adapter: string): T {
  if (!sdk) {
    throw new Error(
      `SMS_ADAPTER ${adapter} was chosen after deps-from-env was imported; set it in the process environment first`,
    );
  }
  return sdk;
}

function smsProvider(env: Env): SmsSender {
  if (env.SMS_ADAPTER === 'sns') {
    const sdk = loaded(smsSdk.sns, 'sns');
    return new SnsSmsSender(traced(new sdk.SNSClient({})), env.trust.sender, sdk);
  }
  if (env.SMS_ADAPTER === 'eum') {
    const sdk = loaded(smsSdk.eum, 'eum');
    if (!env.SMS_ORIGINATION_IDENTITY || !env.SMS_CONFIGURATION_SET) {
      throw new Error(
        'Invalid environment:\n  SMS_ORIGINATION_IDENTITY, SMS_CONFIGURATION_SET: required with SMS_ADAPTER eum',
      );
    }
    return new EumSmsSender(
      traced(new sdk.PinpointSMSVoiceV2Client({})),
      {
        originationIdentity: env.SMS_ORIGINATION_IDENTITY,
        configurationSetName: env.SMS_CONFIGURATION_SET,
        messageType: env.trust.sender.smsType === 'Promotional' ? 'PROMOTIONAL' : 'TRANSACTIONAL',
      },
      sdk,
    );
  }
  return local('SMS_ADAPTER').sms;
}

/**
 * One bucket per process and rate: every handler and every send in flight in this Lambda instance (or
 * the whole local runtime) shares it. Across instances nothing is shared: the sweep, which sends the
 * peaks, runs as one instance at a time (reserved concurrency 1); see README "Throughput".
 */
const limiters = new WeakMap<Timer, Map<number, SendRateLimiter>>();

export function sendRateLimiter(perSecond: number, timer: Timer = realTimer): SendRateLimiter {
  let byRate = limiters.get(timer);
  if (!byRate) {
    byRate = new Map();
    limiters.set(timer, byRate);
  }
  let limiter = byRate.get(perSecond);
  if (!limiter) {
    limiter = new SendRateLimiter(perSecond, timer);
    byRate.set(perSecond, limiter);
  }
  return limiter;
}

/** What a function adds to its deps beyond the common ones. */
export interface DepsOptions {
  /**
   * Where the function reads and writes letter batches (runtime/letters-from-env.ts). Only the functions
   * that make or download batches pass it, so the S3 and GOV.UK Notify clients stay out of the
   * event-path bundles (README, "Small, quick Lambdas").
   */
  readonly letters?: (env: Env) => LetterFiles | undefined;
}

/**
 * With no environment given, the event path's: its config is parsed without `staffAccess` and
 * `frontDoor`. The web and admin functions pass `parseEnv(process.env, parseTrustConfig)`.
 */
export function depsFromEnv<C extends EventPathConfig>(
  env: Env<C>,
  options?: DepsOptions,
): Deps<C> & { env: Env<C> };
export function depsFromEnv(env?: Env, options?: DepsOptions): Deps & { env: Env };
export function depsFromEnv(env: Env = parseEnv(), options: DepsOptions = {}): Deps & { env: Env } {
  const db = docClientFromEnv(env);
  const store = { db, table: env.TABLE_NAME, metricsTable: env.METRICS_TABLE_NAME };
  const phoneHash = phoneHasherFromEnv(
    env,
    env.CONSENT_KEY_SECRET_ARN ? traced(new SecretsManagerClient({})) : undefined,
  );
  const linkToken = linkTokenMakerFromEnv(
    env,
    env.CONSENT_KEY_SECRET_ARN ? traced(new SecretsManagerClient({})) : undefined,
  );
  const adapter: SmsSender = smsProvider(env);
  const real = env.SMS_ADAPTER === 'sns' || env.SMS_ADAPTER === 'eum';
  const timer = real ? realTimer : (localAdapters?.sendTimer ?? realTimer);
  // Every text, from every handler, waits for its segments at the number's rate.
  const provider = new RateLimitedSmsSender(
    adapter,
    sendRateLimiter(messagesPerSecond(env.trust.sender), timer),
  );
  let events: EventPublisher;
  if (env.EVENTS_ADAPTER === 'eventbridge') {
    if (!env.EVENT_BUS_NAME)
      throw new Error('Invalid environment:\n  EVENT_BUS_NAME: required with EventBridge');
    events = new EventBridgePublisher(
      traced(new EventBridgeClient({})),
      env.EVENT_BUS_NAME,
      env.trust.trustId,
    );
  } else {
    events = local('EVENTS_ADAPTER').events;
  }
  const letters = options.letters?.(env);
  return {
    env,
    store,
    config: env.trust,
    // The consent guard goes round whichever provider was chosen, in Lambda and locally alike.
    sms: guardSms(provider, { store, phoneHash }),
    phoneHash,
    linkToken,
    events,
    now: clock.now,
    sessionNow: sessionClock.now,
    log: logger,
    ...(letters && { letters }),
  };
}

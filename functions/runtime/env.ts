/**
 * Environment for every handler, parsed once at cold start: a missing or malformed variable fails the
 * init, not a request halfway through.
 */

import { type EventPathConfig, parseEventPathConfig } from '#core/config/event-path-config.ts';
import * as z from '#core/zod.ts';

const envSchema = z.object({
  TABLE_NAME: z.string().check(z.minLength(3, 'TABLE_NAME must name the Attend table')),
  METRICS_TABLE_NAME: z.string().check(z.minLength(3, 'METRICS_TABLE_NAME must name the metrics table')),
  IDEMPOTENCY_TABLE_NAME: z.optional(z.string().check(z.minLength(3))),
  EVENT_BUS_NAME: z.optional(z.string().check(z.minLength(1))),
  /** Set only by the local runtime and tests, to point the SDK at DynamoDB Local. */
  DYNAMODB_ENDPOINT: z.optional(z.url()),
  SMS_ADAPTER: z._default(z.enum(['sns', 'eum', 'outbox']), 'sns'),
  /** With SMS_ADAPTER eum: the number or pool texts go from (ARN or E.164), and the configuration set. */
  SMS_ORIGINATION_IDENTITY: z.optional(z.string().check(z.minLength(3))),
  SMS_CONFIGURATION_SET: z.optional(z.string().check(z.minLength(1))),
  EVENTS_ADAPTER: z._default(z.enum(['eventbridge', 'local']), 'eventbridge'),
  /** The validated trust config; inlined into each bundle by CDK at synth, set directly when local. */
  ATTEND_TRUST_CONFIG: z
    .string()
    .check(z.minLength(2, 'ATTEND_TRUST_CONFIG must hold the trust config JSON')),
  /** Set only by the local runtime: unsigned API calls act as the local admin. Never set in AWS. */
  ATTEND_LOCAL_CALLER: z.optional(z.enum(['admin'])),
  /**
   * The Secrets Manager secret whose value keys the page cursors the API hands out (CDK: CursorKey); read
   * by the admin API and the web function.
   */
  CURSOR_KEY_SECRET_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  /** Set only by the local runtime: the cursor key it generated and keeps in its data folder (never in AWS). */
  ATTEND_LOCAL_CURSOR_KEY: z.optional(z.string().check(z.minLength(16))),
  /**
   * The Secrets Manager secret whose value keys the hash of each phone number's consent record
   * (CDK: ConsentKey). Required in AWS by every function that texts or creates clients.
   */
  CONSENT_KEY_SECRET_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  /** Set only by the local runtime and tests: a fixed, non-secret consent key (never in AWS). */
  ATTEND_LOCAL_CONSENT_KEY: z.optional(z.string().check(z.minLength(16))),
  /** The staff web app's public origin (https://…; http://localhost:<port> locally), for sign-in. */
  WEB_ORIGIN: z.optional(z.url()),
  /** The letters bucket (CDK LettersBucket); with LETTERS_KEY_ARN the function may also store batches. */
  LETTERS_BUCKET_NAME: z.optional(z.string().check(z.minLength(3))),
  LETTERS_KEY_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
  /** Set only by the local runtime: the folder whose `letters/` holds the batches (never in AWS). */
  ATTEND_LETTERS_ROOT: z.optional(z.string().check(z.minLength(1))),
  /**
   * The secret holding the trust's GOV.UK Notify API key (letters.notify.apiKeySecretArn), set by CDK on
   * the letter-batch function only: with it, that function posts letters through Notify.
   */
  NOTIFY_API_KEY_SECRET_ARN: z.optional(z.string().check(z.startsWith('arn:'))),
});

/**
 * The environment with its parsed trust config: by default the event path's view of it (every section
 * but `staffAccess` and `frontDoor`); the web and admin functions parse the whole config (TrustConfig).
 */
export type Env<C extends EventPathConfig = EventPathConfig> = z.infer<typeof envSchema> & { trust: C };

/** Parses the trust config JSON, throwing an error that names each field at fault. */
export type TrustConfigParser<C extends EventPathConfig> = (raw: unknown, source: string) => C;

/**
 * Parses the environment and the inlined trust config. The event-path functions take the default
 * parser (event-path-config.ts), so the schemas of the sections they never read stay out of their
 * bundles; the web and admin functions pass parseTrustConfig (core/config/trust-config.ts).
 */
export function parseEnv(source?: NodeJS.ProcessEnv): Env;
export function parseEnv<C extends EventPathConfig>(
  source: NodeJS.ProcessEnv,
  parseTrust: TrustConfigParser<C>,
): Env<C>;
export function parseEnv(
  source: NodeJS.ProcessEnv = process.env,
  parseTrust: TrustConfigParser<EventPathConfig> = parseEventPathConfig,
): Env {
  // CDK inlines the config by replacing the literal expression `process.env.ATTEND_TRUST_CONFIG` at
  // bundle time (it is too large for Lambda's 4 KB of environment), so it must be spelled out here.
  const result = envSchema.safeParse({
    ...source,
    ATTEND_TRUST_CONFIG: source.ATTEND_TRUST_CONFIG ?? process.env.ATTEND_TRUST_CONFIG,
  });
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`).join('\n');
    throw new Error(`Invalid environment:\n${lines}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(result.data.ATTEND_TRUST_CONFIG);
  } catch {
    throw new Error('Invalid environment:\n  ATTEND_TRUST_CONFIG: not valid JSON');
  }
  return { ...result.data, trust: parseTrust(raw, 'ATTEND_TRUST_CONFIG') };
}

/** `sender`: how texts go out (SNS) and the two-way number replies come back to. */
import * as z from '#core/zod.ts';
import { countryCode, e164 } from './primitives.ts';
import type { TemplateKey } from './templates.ts';

/** An End User Messaging phone number or pool; group 1 is its region. */
const SMS_VOICE_ARN = /^arn:aws[a-z-]*:sms-voice:([a-z0-9-]+):\d{12}:(phone-number|pool)\/[A-Za-z0-9_-]+$/;

/**
 * The two-way number's End User Messaging resources: `create` has the stack request a dedicated number
 * wired to the inbound topic with self-managed opt-outs; `arn` names a number or pool the trust already
 * has (set up by hand, see the deploy guide). Leaving it out means the same as `arn`, without the checks.
 */
export const phoneNumberSchema = z
  .strictObject({
    create: z.optional(
      z.strictObject({
        /** The number's country: a dedicated number texts only phones of its own country. */
        isoCountryCode: z._default(countryCode, 'GB'),
        /** LONG_CODE is a real number; SIMULATOR (US only, as of 2026) texts only AWS's simulator numbers. */
        numberType: z._default(z.enum(['LONG_CODE', 'SIMULATOR']), 'LONG_CODE'),
      }),
    ),
    arn: z.optional(
      z
        .string()
        .check(
          z.regex(
            SMS_VOICE_ARN,
            'expected the ARN of an End User Messaging phone number or pool, e.g. "arn:aws:sms-voice:eu-west-2:111122223333:phone-number/phone-0123abcd"',
          ),
        ),
    ),
  })
  .check(
    z.superRefine((value, ctx) => {
      if ((value.create === undefined) === (value.arn === undefined)) {
        ctx.addIssue({
          code: 'custom',
          message:
            'set exactly one of "create" (the stack requests a new number) or "arn" (a number or pool the trust already has)',
        });
      }
    }),
  );
export type PhoneNumberConfig = z.infer<typeof phoneNumberSchema>;

/** Placeholders a keyword reply can fill: AWS stores it once per number, with no family or booking. */
const KEYWORD_REPLY_PLACEHOLDERS = ['trust', 'servicePhone'] as const;
/** The templates a created number also carries as its HELP and STOP keyword replies. */
export const KEYWORD_REPLY_TEMPLATES = { HELP: 'help', STOP: 'stopConfirmed' } as const;

export const senderSection = z.object({
  /** The two-way origination number (E.164); required for replies to reach Attend. */
  originationNumber: z.optional(e164),
  /**
   * With a pool (sender.phoneNumber.arn naming `pool/…`): the pool's other numbers (E.164), which
   * replies may also come to. A reply to any number that is neither this nor originationNumber goes to
   * staff, unanswered (see trustNumbers in functions/core/trust-numbers.ts).
   * @default []
   */
  poolNumbers: z._default(z.array(e164), []),
  /** Alphanumeric sender ID (not two-way; used only where the trust chooses one-way texts). */
  senderId: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9]{1,11}$/, 'expected up to 11 letters and digits')),
  ),
  smsType: z._default(z.enum(['Transactional', 'Promotional']), 'Transactional'),
  maxSendsPerSecond: z._default(z.number().check(z.int(), z.gte(1), z.lte(100)), 10),
  /**
   * Message parts (segments, not texts) a second that the number or pool takes: every text waits for
   * its segments in a bucket of this size (functions/core/send-rate.ts). A UK long code takes about 10;
   * a pool takes the sum of its numbers'. When absent, the older key maxSendsPerSecond is used.
   * @default 10
   */
  messagesPerSecond: z.optional(z.number().check(z.int(), z.gte(1), z.lte(1000))),
  /**
   * The number's End User Messaging resources: `{"create": {...}}` or `{"arn": "..."}`.
   * @default - none: the trust sets up two-way and self-managed opt-outs by hand
   */
  phoneNumber: z.optional(phoneNumberSchema),
});

/** The parts of a parsed config that sender.phoneNumber is checked against. */
interface PhoneNumberContext {
  readonly region: string;
  readonly allowedCountries: readonly string[];
  readonly sender: { readonly phoneNumber?: PhoneNumberConfig; readonly originationNumber?: string };
  readonly templates: Readonly<Record<string, Partial<Record<TemplateKey, string>>>>;
}

/** The checks on sender.phoneNumber that need the rest of the config. */
export function checkPhoneNumber(cfg: PhoneNumberContext, ctx: z.RefinementCtx): void {
  const { phoneNumber, originationNumber } = cfg.sender;
  if (phoneNumber?.create) {
    const { isoCountryCode } = phoneNumber.create;
    if (!cfg.allowedCountries.includes(isoCountryCode)) {
      ctx.addIssue({
        code: 'custom',
        path: ['sender', 'phoneNumber', 'create', 'isoCountryCode'],
        message: `"${isoCountryCode}" is not in allowedCountries (${cfg.allowedCountries.join(', ')}); a dedicated number texts only phones of its own country`,
      });
    }
    for (const [keyword, key] of Object.entries(KEYWORD_REPLY_TEMPLATES)) {
      const text = cfg.templates.en?.[key] ?? '';
      for (const match of text.matchAll(/\{([^}]*)\}/g)) {
        const placeholder = match[1] ?? '';
        if (!(KEYWORD_REPLY_PLACEHOLDERS as readonly string[]).includes(placeholder)) {
          ctx.addIssue({
            code: 'custom',
            path: ['templates', 'en', key],
            message: `{${placeholder}} cannot be used here: with sender.phoneNumber.create this text is also the number's ${keyword} keyword reply, which can fill only {trust} and {servicePhone}`,
          });
        }
      }
    }
  }
  if (phoneNumber?.arn) {
    const region = SMS_VOICE_ARN.exec(phoneNumber.arn)?.[1];
    if (region !== cfg.region) {
      ctx.addIssue({
        code: 'custom',
        path: ['sender', 'phoneNumber', 'arn'],
        message: `is in ${region}, but the stack deploys to ${cfg.region}; End User Messaging numbers and pools are regional`,
      });
    }
    if (!originationNumber) {
      ctx.addIssue({
        code: 'custom',
        path: ['sender', 'originationNumber'],
        message:
          'required with sender.phoneNumber.arn: texts go out through SNS, which takes the number itself (E.164), not an ARN',
      });
    }
  }
}

/** The parts a second texts go out at: sender.messagesPerSecond, else the older maxSendsPerSecond (10). */
export function messagesPerSecond(sender: {
  readonly messagesPerSecond?: number | undefined;
  readonly maxSendsPerSecond: number;
}): number {
  return sender.messagesPerSecond ?? sender.maxSendsPerSecond;
}

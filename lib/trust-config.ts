/**
 * The per-trust configuration: one JSON file per trust in config/trusts/<id>.json.
 *
 * This module is pure zod (no CDK imports) because the Lambda handlers and the local runtime parse the
 * same document at start-up: CDK inlines it into each bundle at synth time, so a deployed function can
 * never run with a config that `cdk synth` did not validate.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { staffAccessSection } from '../functions/core/config/staff-access.ts';

const hhmm = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a 24-hour local time as HH:MM, e.g. "09:30"');

const e164 = z.string().regex(/^\+[1-9]\d{7,14}$/, 'expected an E.164 phone number, e.g. "+447700900123"');

const countryCode = z.string().regex(/^[A-Z]{2}$/, 'expected an ISO 3166 alpha-2 country code such as "GB"');

/** An End User Messaging phone number or pool; group 1 is its region. */
const SMS_VOICE_ARN = /^arn:aws[a-z-]*:sms-voice:([a-z0-9-]+):\d{12}:(phone-number|pool)\/[A-Za-z0-9_-]+$/;

/**
 * The two-way number's End User Messaging resources: `create` has the stack request a dedicated number
 * wired to the inbound topic with self-managed opt-outs; `arn` names a number or pool the trust already
 * has (set up by hand, see the deploy guide). Leaving it out means the same as `arn`, without the checks.
 */
export const phoneNumberSchema = z
  .strictObject({
    create: z
      .strictObject({
        /** The number's country: a dedicated number texts only phones of its own country. */
        isoCountryCode: countryCode.default('GB'),
        /** LONG_CODE is a real number; SIMULATOR (US only, as of 2026) texts only AWS's simulator numbers. */
        numberType: z.enum(['LONG_CODE', 'SIMULATOR']).default('LONG_CODE'),
      })
      .optional(),
    arn: z
      .string()
      .regex(
        SMS_VOICE_ARN,
        'expected the ARN of an End User Messaging phone number or pool, e.g. "arn:aws:sms-voice:eu-west-2:111122223333:phone-number/phone-0123abcd"',
      )
      .optional(),
  })
  .superRefine((value, ctx) => {
    if ((value.create === undefined) === (value.arn === undefined)) {
      ctx.addIssue({
        code: 'custom',
        message:
          'set exactly one of "create" (the stack requests a new number) or "arn" (a number or pool the trust already has)',
      });
    }
  });
export type PhoneNumberConfig = z.infer<typeof phoneNumberSchema>;

/** Placeholders a keyword reply can fill: AWS stores it once per number, with no family or booking. */
const KEYWORD_REPLY_PLACEHOLDERS = ['trust', 'servicePhone'] as const;
/** The templates a created number also carries as its HELP and STOP keyword replies. */
export const KEYWORD_REPLY_TEMPLATES = { HELP: 'help', STOP: 'stopConfirmed' } as const;

export const LANGUAGES = ['en', 'cy', 'pl', 'ro'] as const;
export const languageSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'expected a language code such as "en", "cy", "pl" or "ro"');
export type Language = z.infer<typeof languageSchema>;

/**
 * A reminder tier. `daysBefore` tiers go out at a local time of day N days before the appointment;
 * `hoursBefore` tiers go out a fixed time before it. `onlyIfStartsAtOrAfter` restricts a tier to
 * appointments starting at or after a local time (the morning-of text for afternoon appointments).
 */
export const reminderTierSchema = z.discriminatedUnion('kind', [
  z.object({
    id: z.string().regex(/^[a-z0-9-]{1,24}$/, 'expected a short id of lower-case letters, digits and dashes'),
    kind: z.literal('daysBefore'),
    days: z.number().int().min(0).max(28),
    at: hhmm,
    onlyIfStartsAtOrAfter: hhmm.optional(),
  }),
  z.object({
    id: z.string().regex(/^[a-z0-9-]{1,24}$/, 'expected a short id of lower-case letters, digits and dashes'),
    kind: z.literal('hoursBefore'),
    hours: z
      .number()
      .positive()
      .max(24 * 28),
    onlyIfStartsAtOrAfter: hhmm.optional(),
  }),
]);
export type ReminderTierConfig = z.infer<typeof reminderTierSchema>;

/** Every text Attend sends. Placeholders are written {name}; unknown placeholders fail validation. */
export const TEMPLATE_KEYS = [
  'confirmation',
  'reminder',
  'cancelledByStaff',
  'cancelConfirmed',
  'cancelConfirmedLate',
  'alreadyCancelled',
  'rebookRequested',
  'chooseBooking',
  'stopConfirmed',
  'startConfirmed',
  'help',
  'notUnderstood',
  'nothingToAct',
  'offer',
  'offerAccepted',
  'offerTaken',
  'offerDeclined',
  'offerExpired',
] as const;
export type TemplateKey = (typeof TEMPLATE_KEYS)[number];

export const TEMPLATE_PLACEHOLDERS = [
  'name',
  'type',
  'day',
  'time',
  'venue',
  'ref',
  'servicePhone',
  'trust',
  'choices',
  'holdMinutes',
] as const;

const templateText = z
  .string()
  .min(1)
  .max(1600)
  .superRefine((text, ctx) => {
    for (const match of text.matchAll(/\{([^}]*)\}/g)) {
      const key = match[1] ?? '';
      if (!(TEMPLATE_PLACEHOLDERS as readonly string[]).includes(key)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown placeholder {${key}}; allowed: ${TEMPLATE_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`,
        });
      }
    }
  });

const templateSetSchema = z.object(
  Object.fromEntries(TEMPLATE_KEYS.map((k) => [k, templateText])) as Record<TemplateKey, typeof templateText>,
);
const partialTemplateSetSchema = templateSetSchema.partial();
export type TemplateSet = z.infer<typeof templateSetSchema>;

export const appointmentTypeSchema = z.object({
  /** Plain words used in texts, per language. Never clinical detail. */
  names: z.record(languageSchema, z.string().min(1).max(40)).refine((n) => 'en' in n, {
    message: 'an English ("en") name is required',
  }),
  durationMinutes: z.number().int().min(5).max(480).default(30),
  tiers: z.array(reminderTierSchema).max(6),
  /** Per-language overrides of the trust-wide templates for this type. */
  templates: z.record(languageSchema, partialTemplateSetSchema).default({}),
  /**
   * The Healthy Child Programme window for this contact, as the child's age (negative for weeks of
   * pregnancy before the due date is expressed from the expected date of delivery).
   */
  ageWindowDays: z.object({ from: z.number().int(), to: z.number().int() }).optional(),
});
export type AppointmentTypeConfig = z.infer<typeof appointmentTypeSchema>;

const priorityWeightsSchema = z.object({
  imdDecile1to2: z.number().min(0).default(30),
  imdDecile3to4: z.number().min(0).default(15),
  needsCarer: z.number().min(0).default(20),
  parentalMentalHealth: z.number().min(0).default(20),
  vulnerable: z.number().min(0).default(25),
  windowClosingSoon: z.number().min(0).default(20),
  windowClosingSoonDays: z.number().int().min(1).default(7),
  perDayWaiting: z.number().min(0).default(0.5),
  maxDaysWaiting: z.number().int().min(0).default(60),
  rebookRequest: z.number().min(0).default(10),
});

export const trustConfigSchema = z
  .object({
    trustId: z
      .string()
      .regex(
        /^[a-z][a-z0-9-]{1,30}$/,
        'expected lower-case letters, digits and dashes, starting with a letter',
      ),
    trustName: z.string().min(3).max(120),
    /** The short name used in texts, e.g. "KCHFT". */
    shortName: z.string().min(2).max(20),
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'expected an AWS region such as "eu-west-2"'),
    account: z
      .string()
      .regex(/^\d{12}$/, 'expected a 12-digit AWS account id')
      .optional(),
    timeZone: z.string().refine(
      (tz) => {
        try {
          new Intl.DateTimeFormat('en-GB', { timeZone: tz });
          return true;
        } catch {
          return false;
        }
      },
      { message: 'expected an IANA time zone such as "Europe/London"' },
    ),
    quietHours: z.object({ start: hhmm, end: hhmm }),
    defaultLanguage: languageSchema.default('en'),
    /** ISO 3166 alpha-2 countries whose mobile numbers may be texted. */
    allowedCountries: z
      .array(z.string().regex(/^[A-Z]{2}$/))
      .min(1)
      .default(['GB']),
    servicePhone: z.string().min(5).max(20),
    sender: z.object({
      /** The two-way origination number (E.164); required for replies to reach Attend. */
      originationNumber: e164.optional(),
      /** Alphanumeric sender ID (not two-way; used only where the trust chooses one-way texts). */
      senderId: z
        .string()
        .regex(/^[A-Za-z0-9]{1,11}$/, 'expected up to 11 letters and digits')
        .optional(),
      smsType: z.enum(['Transactional', 'Promotional']).default('Transactional'),
      maxSendsPerSecond: z.number().int().min(1).max(100).default(10),
      /**
       * The number's End User Messaging resources: `{"create": {...}}` or `{"arn": "..."}`.
       * @default - none: the trust sets up two-way and self-managed opt-outs by hand
       */
      phoneNumber: phoneNumberSchema.optional(),
    }),
    reminders: z
      .object({
        sweepIntervalMinutes: z.number().int().min(1).max(60).default(5),
        /** Texts in flight at once during a sweep. */
        sendConcurrency: z.number().int().min(1).max(50).default(8),
      })
      .default({ sweepIntervalMinutes: 5, sendConcurrency: 8 }),
    appointmentTypes: z
      .record(z.string().regex(/^[a-z0-9-]{2,40}$/), appointmentTypeSchema)
      .refine((t) => Object.keys(t).length > 0, { message: 'at least one appointment type is required' }),
    templates: z.record(languageSchema, partialTemplateSetSchema).refine((t) => 'en' in t, {
      message: 'English ("en") templates are required',
    }),
    messages: z
      .object({
        retentionDays: z.number().int().min(1).max(3650).default(90),
      })
      .default({ retentionDays: 90 }),
    replies: z
      .object({
        lateCancellationMinutes: z
          .number()
          .int()
          .min(0)
          .default(24 * 60),
        maxInboundPerHour: z.number().int().min(1).default(10),
        /** Extra keywords per language, merged over the built-in table. */
        keywords: z
          .record(
            languageSchema,
            // partialRecord: a trust may add words for some intents only.
            z.partialRecord(
              z.enum(['CANCEL', 'REBOOK', 'YES', 'NO', 'STOP', 'START', 'HELP']),
              z.array(z.string().min(1)),
            ),
          )
          .default({}),
      })
      .default({ lateCancellationMinutes: 1440, maxInboundPerHour: 10, keywords: {} }),
    shortNotice: z
      .object({
        waveSize: z.number().int().min(1).max(20).default(3),
        /** Hold time for an offer when the slot is far away; it shortens as the slot nears. */
        maxHoldMinutes: z.number().int().min(5).default(120),
        minHoldMinutes: z.number().int().min(5).default(15),
        cutoffMinutes: z.number().int().min(0).default(120),
        /** Slots freed further ahead than this are left for schedulers to book in the usual way. */
        maxLeadDays: z.number().int().min(1).max(90).default(14),
        priorityWeights: priorityWeightsSchema.default(priorityWeightsSchema.parse({})),
      })
      .default({
        waveSize: 3,
        maxHoldMinutes: 120,
        minHoldMinutes: 15,
        cutoffMinutes: 120,
        maxLeadDays: 14,
        priorityWeights: priorityWeightsSchema.parse({}),
      }),
    booking: z
      .object({
        horizonDays: z.number().int().min(1).max(365).default(42),
        wnbEscalationThreshold: z.number().int().min(1).default(2),
      })
      .default({ horizonDays: 42, wnbEscalationThreshold: 2 }),
    costs: z
      .object({ pricePerSegmentGbp: z.number().min(0).default(0.0364) })
      .default({ pricePerSegmentGbp: 0.0364 }),
    infrastructure: z
      .object({
        /** IAM role ARNs allowed to call the admin function URL. */
        staffRoleArns: z.array(z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/)).default([]),
        alarmEmail: z.string().email().optional(),
        /** "create" makes a new inbound topic; otherwise the ARN of the topic End User Messaging publishes to. */
        inboundTopicArn: z
          .union([z.literal('create'), z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:.+$/)])
          .default('create'),
        logRetentionDays: z.number().int().default(90),
      })
      .default({ staffRoleArns: [], inboundTopicArn: 'create', logRetentionDays: 90 }),
    staffAccess: staffAccessSection,
  })
  .superRefine((cfg, ctx) => {
    for (const [typeId, type] of Object.entries(cfg.appointmentTypes)) {
      const seen = new Set<string>();
      type.tiers.forEach((tier, i) => {
        if (seen.has(tier.id)) {
          ctx.addIssue({
            code: 'custom',
            path: ['appointmentTypes', typeId, 'tiers', i, 'id'],
            message: `duplicate tier id "${tier.id}"`,
          });
        }
        seen.add(tier.id);
      });
    }
    const en = cfg.templates.en ?? {};
    for (const key of TEMPLATE_KEYS) {
      if (!en[key]) {
        ctx.addIssue({
          code: 'custom',
          path: ['templates', 'en', key],
          message: 'every English template is required (other languages fall back to English)',
        });
      }
    }
    checkPhoneNumber(cfg, ctx);
  });

/** The parts of a parsed config that sender.phoneNumber is checked against. */
interface PhoneNumberContext {
  readonly region: string;
  readonly allowedCountries: readonly string[];
  readonly sender: { readonly phoneNumber?: PhoneNumberConfig; readonly originationNumber?: string };
  readonly templates: Readonly<Record<string, Partial<Record<TemplateKey, string>>>>;
}

/** The checks on sender.phoneNumber that need the rest of the config. */
function checkPhoneNumber(cfg: PhoneNumberContext, ctx: z.RefinementCtx): void {
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

export type TrustConfig = z.infer<typeof trustConfigSchema>;

export class TrustConfigError extends Error {
  override readonly name = 'TrustConfigError';
}

/** Formats zod issues as "field.path: message" lines, so a bad config names the field at fault. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path
        .map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`))
        .join('');
      return `  ${path || '(root)'}: ${issue.message}`;
    })
    .join('\n');
}

export function parseTrustConfig(raw: unknown, source = 'trust config'): TrustConfig {
  const result = trustConfigSchema.safeParse(raw);
  if (!result.success) {
    throw new TrustConfigError(`Invalid ${source}:\n${describeIssues(result.error)}`);
  }
  return result.data;
}

export function trustConfigPath(trustId: string, dir = 'config/trusts'): string {
  if (!/^[a-z][a-z0-9-]{1,30}$/.test(trustId)) {
    throw new TrustConfigError(
      `Invalid trust id "${trustId}": expected lower-case letters, digits and dashes`,
    );
  }
  return `${dir}/${trustId}.json`;
}

/** Reads and validates config/trusts/<id>.json; every failure names the file and, where it can, the field. */
export function loadTrustConfig(trustId: string, dir = 'config/trusts'): TrustConfig {
  const file = trustConfigPath(trustId, dir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new TrustConfigError(`No config for trust "${trustId}": ${file} does not exist`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TrustConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseTrustConfig(raw, file);
}

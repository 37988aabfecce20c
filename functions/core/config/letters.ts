/**
 * The `letters` section of a trust's config: letters for families who cannot get texts (no mobile,
 * do-not-text, a number that stopped working), made once a day per clinic as one PDF to print, or sent
 * through GOV.UK Notify. Its own file, so the schema can grow a section at a time.
 */

import { postalAddressSchema } from '#core/postal-address.ts';
import * as z from '#core/zod.ts';

/** A Secrets Manager secret ARN in any partition; the secret holds the GOV.UK Notify API key as plain text. */
const SECRET_ARN = /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/;

export const NOTIFY_POSTAGE = ['first', 'second', 'economy'] as const;

export const notifyLettersConfigSchema = z.strictObject({
  /**
   * The Secrets Manager secret whose value is the trust's GOV.UK Notify API key (a live key: Notify
   * posts precompiled letters only for live services). With it, letters go through Notify instead of
   * being stored for staff to print.
   */
  apiKeySecretArn: z
    .string()
    .check(
      z.regex(
        SECRET_ARN,
        'expected a Secrets Manager secret ARN, e.g. "arn:aws:secretsmanager:eu-west-2:111122223333:secret:attend/notify-AbCdEf"',
      ),
    ),
  /**
   * Royal Mail postage Notify uses: "second" arrives 2 working days after dispatch, "first" 1, "economy"
   * up to 8 (too slow for most booking letters).
   * @default 'second'
   */
  postage: z._default(z.enum(NOTIFY_POSTAGE), 'second'),
  /**
   * A letter whose send was never settled (the run stopped after claiming it, or Notify's answer was
   * lost) and that Notify does not list by its reference is sent again only once its claim is this many
   * minutes old: long enough for any request of the run that claimed it to have ended (the letter-batch
   * function times out after 5 minutes) and for Notify to list what it took. Until then it is left.
   * @default 15
   */
  resendAfterMinutes: z._default(z.number().check(z.int(), z.gte(10), z.lte(1440)), 15),
  /**
   * How many days GOV.UK Notify keeps the service's letters (its data retention, 7 days unless the
   * service changed it). Notify lists nothing older, so an unsettled letter claimed longer ago than this
   * is never sent again because Notify does not list it: staff settle it by hand.
   * @default 7
   */
  dataRetentionDays: z._default(z.number().check(z.int(), z.gte(3), z.lte(90)), 7),
});
export type NotifyLettersConfig = z.infer<typeof notifyLettersConfigSchema>;

export const lettersConfigSchema = z
  .strictObject({
    /**
     * Whether Attend writes to families it cannot text. Off, they go on the staff "families to call"
     * list instead. Needs `returnAddress`.
     * @default false
     */
    enabled: z._default(z.boolean(), false),
    /**
     * A booking letter is made only when the appointment is at least this many days after the booking:
     * second-class post takes 2 to 3 working days, and a letter that lands after the day helps nobody
     * (the family goes on the call list instead).
     * @default 7
     */
    minLeadDays: z._default(z.number().check(z.int(), z.gte(1), z.lte(90)), 7),
    /**
     * The reminder letter goes in the batch this many days before the appointment.
     * @default 10
     */
    reminderDaysBefore: z._default(z.number().check(z.int(), z.gte(3), z.lte(90)), 10),
    /**
     * A reminder letter is not made for an appointment fewer than this many days after the batch day:
     * second-class post takes 2 to 3 working days. Between this and `reminderDaysBefore`, a family who
     * became letter-only late (a number that stopped working) still gets its reminder in the next batch.
     * @default 3
     */
    reminderLatestDaysBefore: z._default(z.number().check(z.int(), z.gte(1), z.lte(90)), 3),
    /**
     * The local time (in the trust's zone) the daily batches are made, one per clinic: staff print them
     * when they come in.
     * @default '07:00'
     */
    batchAt: z._default(
      z.string().check(z.regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'expected a local time, HH:mm')),
      '07:00',
    ),
    /**
     * What one letter costs, for the cost figures in GET /metrics. The default is Royal Mail's
     * second-class stamp (87p from 7 April 2025) plus about 8p of paper, envelope and toner; a trust
     * using GOV.UK Notify should put Notify's price for a 1- or 2-sheet second-class letter here.
     * @default 0.95
     */
    costPerLetterGbp: z._default(z.number().check(z.gte(0), z.lte(20)), 0.95),
    /**
     * Days a day's batch PDF is kept (S3 lifecycle rule; local files are the developer's own), long
     * enough to reprint a lost batch.
     * @default 30
     */
    retentionDays: z._default(z.number().check(z.int(), z.gte(1), z.lte(3650)), 30),
    /**
     * The service's own address, printed at the top right of every letter (the first line is usually
     * the team's name, e.g. "Health Visiting Service").
     * @default - none; required when `enabled`
     */
    returnAddress: z.optional(postalAddressSchema),
    /**
     * Welsh alongside English: a letter in English or Welsh carries both, Welsh first, as the Welsh
     * Language Standards expect of a body in Wales. Letters in other languages are unchanged.
     * @default false
     */
    bilingualWelsh: z._default(z.boolean(), false),
    /**
     * Send letters through GOV.UK Notify (precompiled PDF letters) instead of printing them.
     * @default - none; batches are stored for staff to print
     */
    notify: z.optional(notifyLettersConfigSchema),
  })
  .check(
    z.superRefine((letters, ctx) => {
      if (letters.enabled && letters.returnAddress === undefined) {
        ctx.addIssue({
          code: 'custom',
          path: ['returnAddress'],
          message: 'required when letters are enabled: every letter shows the service’s own address',
        });
      }
    }),
  );
export type LettersConfig = z.output<typeof lettersConfigSchema>;

/** What a trust gets when its config has no `letters` section: no letters, families without texts are called. */
export const LETTERS_DEFAULTS: LettersConfig = lettersConfigSchema.parse({});

import * as z from '#core/zod.ts';

/**
 * What AWS End User Messaging publishes to the inbound SNS topic for each reply (a JSON string in
 * Records[].Sns.Message).
 */
export const inboundSmsSchema = z.object({
  originationNumber: z.string().check(z.regex(/^\+[1-9]\d{6,14}$/, 'expected the sender as E.164')),
  destinationNumber: z.string().check(z.minLength(3)),
  messageKeyword: z._default(z.optional(z.string()), ''),
  messageBody: z.string().check(z.maxLength(1600)),
  inboundMessageId: z.string().check(z.minLength(1)),
  previousPublishedMessageId: z.optional(z.string()),
});
export type InboundSmsPayload = z.infer<typeof inboundSmsSchema>;

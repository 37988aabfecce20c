import * as z from 'zod';

/**
 * What AWS End User Messaging publishes to the inbound SNS topic for each reply (a JSON string in
 * Records[].Sns.Message).
 */
export const inboundSmsSchema = z.object({
  originationNumber: z.string().regex(/^\+[1-9]\d{6,14}$/, 'expected the sender as E.164'),
  destinationNumber: z.string().min(3),
  messageKeyword: z.string().optional().default(''),
  messageBody: z.string().max(1600),
  inboundMessageId: z.string().min(1),
  previousPublishedMessageId: z.string().optional(),
});
export type InboundSmsPayload = z.infer<typeof inboundSmsSchema>;

/**
 * The schemas of the AWS events the event-path functions read: an SNS notification (inbound SMS) and a
 * DynamoDB stream record (backfill, metrics). They read what Powertools Parser's built-in schemas read,
 * written here with `import * as z from 'zod'` because Parser's own modules import `{ z }` from zod,
 * which drags every zod locale (about 350 KB) into each bundle (README, "Small, quick Lambdas").
 * The images are unmarshalled with the same Powertools helper Parser uses.
 */
import { unmarshallDynamoDB } from '@aws-lambda-powertools/commons/utils/unmarshallDynamoDB';
import * as z from '#core/zod.ts';

/** A string holding JSON, parsed, then read with `schema`. */
export function jsonStringified<T extends z.ZodType>(schema: T) {
  return z.pipe(
    z.pipe(
      z.string(),
      z.transform((text, ctx): unknown => {
        try {
          return JSON.parse(text);
        } catch {
          z.addIssue(ctx, { message: 'not valid JSON' });
          return z.NEVER;
        }
      }),
    ),
    schema,
  );
}

const snsNotification = z.object({
  Type: z.literal('Notification'),
  TopicArn: z.string(),
  MessageId: z.string(),
  Message: z.string(),
  Subject: z.nullish(z.string()),
  Timestamp: z.iso.datetime(),
  MessageAttributes: z.optional(z.record(z.string(), z.object({ Type: z.string(), Value: z.string() }))),
});

/** An SNS event as Lambda receives it from a topic subscription. */
export const snsEvent = z.object({
  Records: z
    .array(
      z.object({
        EventSource: z.literal('aws:sns'),
        EventVersion: z.string(),
        EventSubscriptionArn: z.string(),
        Sns: snsNotification,
      }),
    )
    .check(z.minLength(1)),
});

type AttributeMap = Record<string, unknown>;
const image = z.record(z.string(), z.any());

/** A DynamoDB stream record, its Keys and images unmarshalled into plain values. */
export const dynamoDbStreamRecord = z.object({
  eventID: z.string(),
  eventName: z.enum(['INSERT', 'MODIFY', 'REMOVE']),
  eventVersion: z.string(),
  eventSource: z.literal('aws:dynamodb'),
  awsRegion: z.string(),
  eventSourceARN: z.string(),
  dynamodb: z.pipe(
    z.object({
      ApproximateCreationDateTime: z.optional(z.number()),
      Keys: image,
      NewImage: z.optional(image),
      OldImage: z.optional(image),
      SequenceNumber: z.string(),
      SizeBytes: z.number(),
      StreamViewType: z.enum(['NEW_IMAGE', 'OLD_IMAGE', 'NEW_AND_OLD_IMAGES', 'KEYS_ONLY']),
    }),
    z.transform((change, ctx) => {
      const read = (name: 'Keys' | 'NewImage' | 'OldImage'): AttributeMap | undefined => {
        const value = change[name];
        if (value === undefined) return undefined;
        try {
          return unmarshallDynamoDB(value as never) as AttributeMap;
        } catch {
          z.addIssue(ctx, { message: `Could not unmarshall ${name}`, path: [name] });
          return undefined;
        }
      };
      const Keys = read('Keys') ?? {};
      const NewImage = read('NewImage');
      const OldImage = read('OldImage');
      return {
        ...change,
        Keys,
        ...(NewImage !== undefined && { NewImage: NewImage as Record<string, any> }),
        ...(OldImage !== undefined && { OldImage: OldImage as Record<string, any> }),
      };
    }),
  ),
  userIdentity: z.optional(z.object({ type: z.enum(['Service']), principalId: z.string() })),
});

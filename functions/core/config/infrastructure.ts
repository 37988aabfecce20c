/** `infrastructure`: settings only CDK reads (who may call the API, alarms, topics, log retention). */
import * as z from '#core/zod.ts';

export const infrastructureSection = z._default(
  z.object({
    /** IAM role ARNs allowed to call the admin function URL. */
    staffRoleArns: z._default(
      z.array(z.string().check(z.regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/))),
      [],
    ),
    alarmEmail: z.optional(z.string().check(z.email())),
    /** "create" makes a new inbound topic; otherwise the ARN of the topic End User Messaging publishes to. */
    inboundTopicArn: z._default(
      z.union([z.literal('create'), z.string().check(z.regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:.+$/))]),
      'create',
    ),
    logRetentionDays: z._default(z.number().check(z.int()), 90),
  }),
  { staffRoleArns: [], inboundTopicArn: 'create', logRetentionDays: 90 },
);

/** `infrastructure`: settings only CDK reads (who may call the API, alarms, topics, log retention). */
import * as z from 'zod';

export const infrastructureSection = z
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
  .default({ staffRoleArns: [], inboundTopicArn: 'create', logRetentionDays: 90 });

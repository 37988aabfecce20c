/**
 * What EventBridge Scheduler says about a run (the stack's schedules send its context attributes; see
 * lib/trust-stack.ts). Only read for the logs: a sweep does the same work whatever it is sent, so an
 * invocation in any other shape (a test, the local scheduler, a manual invoke) runs it just the same.
 */
import * as z from '#core/zod.ts';

const scheduledRunSchema = z.object({
  scheduledTime: z.optional(z.string()),
  executionId: z.optional(z.string()),
  attemptNumber: z.optional(z.coerce.number().check(z.int())),
});

export type ScheduledRun = z.infer<typeof scheduledRunSchema>;

export function scheduledRun(event: unknown): ScheduledRun {
  const parsed = scheduledRunSchema.safeParse(event);
  return parsed.success ? parsed.data : {};
}

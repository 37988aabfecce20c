/**
 * What EventBridge Scheduler says about a run (the stack's schedules send its context attributes; see
 * lib/trust-stack.ts). Only read for the logs: a sweep does the same work whatever it is sent, so an
 * invocation in any other shape (a test, the local scheduler, a manual invoke) runs it just the same.
 */
import * as z from 'zod';

const scheduledRunSchema = z.object({
  scheduledTime: z.string().optional(),
  executionId: z.string().optional(),
  attemptNumber: z.coerce.number().int().optional(),
});

export type ScheduledRun = z.infer<typeof scheduledRunSchema>;

export function scheduledRun(event: unknown): ScheduledRun {
  const parsed = scheduledRunSchema.safeParse(event);
  return parsed.success ? parsed.data : {};
}

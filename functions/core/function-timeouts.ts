/**
 * Each Lambda function's timeout, in seconds: the one table both sides read. The stack gives each function
 * this timeout (lib/constructs/attend-function.ts), and the local runtime tells each
 * handler it has this long, counting down in real time (local/lambda-http.ts `lambdaContext`), so that a
 * handler's `getRemainingTimeInMillis` (the reminder sweep stops claiming on it) and middy's early
 * timeout behave locally as they do in AWS.
 */
export const FUNCTION_NAMES = [
  'reminder-sweep',
  'offer-expiry',
  'admin-api',
  'inbound-sms',
  'backfill',
  'metrics-stream',
  'delivery-status',
  'letter-batch',
  'web-app',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

/** Lambda's own limit: 15 minutes. */
export const LAMBDA_MAX_TIMEOUT_SECONDS = 900;

/**
 * Seconds. The reminder sweep may run for one sweep interval (minutes, from the trust config), so the
 * next sweep never overlaps it, up to Lambda's 15 minutes; the others are fixed.
 */
export function functionTimeoutSeconds(name: FunctionName, sweepIntervalMinutes: number): number {
  switch (name) {
    case 'reminder-sweep':
      return Math.min(sweepIntervalMinutes * 60, LAMBDA_MAX_TIMEOUT_SECONDS);
    case 'offer-expiry':
      return 60;
    // A first import of 5,000 EPR rows is CPU-bound SDK work: two minutes (with a full vCPU).
    case 'admin-api':
      return 120;
    case 'inbound-sms':
      return 30;
    case 'backfill':
      return 60;
    case 'metrics-stream':
      return 60;
    case 'delivery-status':
      return 30;
    // Every clinic's batch for the day, rendered and stored.
    case 'letter-batch':
      return 300;
    // Under API Gateway's 29-second integration limit, so the gateway never answers before the function.
    case 'web-app':
      return 29;
  }
}

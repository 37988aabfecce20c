/**
 * The local runtime's Lambda context: each invocation's remaining time counts down from its function's
 * own timeout, as the stack sets it, so the reminder sweep's stop margin and middy's early timeout act
 * locally as in AWS (a constant 30 s had middy abort a long sweep mid-way, and the sweep never stopped
 * claiming on its own).
 */
import { describe, expect, it } from 'vitest';
import { FUNCTION_NAMES, functionTimeoutSeconds } from '#core/function-timeouts.ts';
import { lambdaContext } from '#local/lambda-http.ts';
import { STOP_MARGIN_MS } from '#services/reminders.ts';

describe('lambdaContext', () => {
  it('counts the remaining time down from the timeout, in real time, and never below nought', () => {
    let now = 1_000_000;
    const context = lambdaContext('attend-reminder-sweep', 300, () => now);
    expect(context.functionName).toBe('attend-reminder-sweep');
    expect(context.getRemainingTimeInMillis()).toBe(300_000);
    now += 120_500;
    expect(context.getRemainingTimeInMillis()).toBe(179_500);
    now += 400_000;
    expect(context.getRemainingTimeInMillis()).toBe(0);
  });

  it('starts each invocation with its whole time', () => {
    let now = 0;
    const first = lambdaContext('attend-offer-expiry', 60, () => now);
    now += 45_000;
    const second = lambdaContext('attend-offer-expiry', 60, () => now);
    expect(first.getRemainingTimeInMillis()).toBe(15_000);
    expect(second.getRemainingTimeInMillis()).toBe(60_000);
  });
});

describe('functionTimeoutSeconds', () => {
  it('gives the sweep one sweep interval, within Lambda’s 15 minutes, and more than its stop margin', () => {
    expect(functionTimeoutSeconds('reminder-sweep', 5)).toBe(300);
    expect(functionTimeoutSeconds('reminder-sweep', 60)).toBe(900);
    expect(functionTimeoutSeconds('reminder-sweep', 1) * 1000).toBeGreaterThan(STOP_MARGIN_MS);
  });

  it('gives every function a timeout Lambda accepts', () => {
    for (const name of FUNCTION_NAMES) {
      const seconds = functionTimeoutSeconds(name, 5);
      expect(seconds, name).toBeGreaterThanOrEqual(1);
      expect(seconds, name).toBeLessThanOrEqual(900);
    }
    // Under API Gateway's 29-second integration limit.
    expect(functionTimeoutSeconds('web-app', 5)).toBeLessThanOrEqual(29);
  });
});

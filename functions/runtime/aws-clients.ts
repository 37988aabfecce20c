/**
 * How the AWS SDK clients the runtime makes are instrumented. By default they are not: the event-path
 * functions leave Powertools Tracer out, because it brings aws-xray-sdk-core (about 110 KB minified
 * and a slower cold start) into every bundle; Lambda's active tracing still records their invocations
 * (README, "Small, quick Lambdas"). A function that wants Tracer's per-call subsegments imports
 * functions/runtime/tracer.ts, which registers Tracer here before the function makes its clients.
 */
export type ClientCapture = <T>(client: T) => T;

let capture: ClientCapture = (client) => client;

/** Called once, at import, by functions/runtime/tracer.ts. */
export function captureAwsClientsWith(fn: ClientCapture): void {
  capture = fn;
}

/** The client, instrumented if a tracer is registered (see captureAwsClientsWith), else as it is. */
export function traced<T>(client: T): T {
  return capture(client);
}

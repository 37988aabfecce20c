/**
 * Every request this process sends to one DynamoDB (Local) endpoint, seen as it starts: through Node's
 * `http.client.request.start` diagnostics channel, its operation read from the `X-Amz-Target` header
 * (`DynamoDB_20120810.GetItem` → `GetItem`, `DynamoDBStreams_20120810.GetRecords` → `GetRecords`), so no
 * client or handler is touched. What counts the simulator's calls (bench/simulate/load-meter.ts), what
 * tells the stream poller a write may be on its way (write-watch.ts), and tests that count calls.
 */
import diagnostics from 'node:diagnostics_channel';
import type { ClientRequest } from 'node:http';

/**
 * Calls `onRequest` with the operation of each request to `endpoint` (http://host:port) from now on;
 * requests to another host, or with no `X-Amz-Target`, are not passed on. Returns the function that
 * stops listening.
 */
export function onDynamoDbRequests(
  endpoint: string,
  onRequest: (operation: string, request: ClientRequest) => void,
): () => void {
  const host = new URL(endpoint).host;
  const onStart = (message: unknown) => {
    const request = (message as { request: ClientRequest }).request;
    const target = request.getHeader('x-amz-target');
    // Only DynamoDB Local's: the SDK signs the Host header, so every request to it carries it.
    if (typeof target !== 'string' || request.getHeader('host') !== host) return;
    onRequest(target.slice(target.indexOf('.') + 1), request);
  };
  diagnostics.subscribe('http.client.request.start', onStart);
  return () => diagnostics.unsubscribe('http.client.request.start', onStart);
}

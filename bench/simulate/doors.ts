/**
 * The doors families and staff use, called in-process: the admin API as its function URL delivers a
 * request (payload 2.0), and a family's text as End User Messaging delivers it (an SNS event, with the
 * last text sent to that number as `previousPublishedMessageId`, exactly as POST /dev/sms/inbound does).
 * The handlers are the modules the local runtime loaded, so this is the same code the HTTP server
 * runs; only the transport is skipped, and the stream is followed once per batch rather than per call
 * (`settle`), which is what lets a month run in minutes.
 */
import { randomUUID } from 'node:crypto';
import type {
  APIGatewayProxyEventV2,
  APIGatewayProxyStructuredResultV2,
  Context,
  SNSEvent,
} from 'aws-lambda';
import type { LocalRuntime } from '#local/runtime.ts';
import { inboundSnsEvent } from '#local/sns-event.ts';

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

export interface ApiResponse<T = unknown> {
  status: number;
  body: T;
}

export interface Doors {
  api<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<ApiResponse<T>>;
  /** A family's text; resolves with the outbox entries the handler sent while it ran. */
  text(from: string, body: string): Promise<{ inboundMessageId: string; sent: number[] }>;
  /** Follows the table stream (backfill, then metrics) until nothing is left, as the runtime does after a call. */
  settle(): Promise<void>;
}

export async function openDoors(runtime: LocalRuntime, originationNumber: string): Promise<Doors> {
  // Loaded by startLocal already: these imports return the very modules (and handlers) it runs.
  const admin = (await import('#entries/admin-api.ts')).handler as unknown as Handler<
    APIGatewayProxyEventV2,
    APIGatewayProxyStructuredResultV2
  >;
  const inbound = (await import('#entries/inbound-sms.ts')).handler as unknown as Handler<SNSEvent, unknown>;
  const host = `localhost:${runtime.port}`;
  /** The last text sent to each number, kept up to date as the outbox grows. */
  const lastTo = new Map<string, string>();
  let indexed = 0;
  const lastTextTo = (phone: string) => {
    const entries = runtime.outbox.entries;
    for (; indexed < entries.length; indexed++) lastTo.set(entries[indexed]!.to, entries[indexed]!.id);
    return lastTo.get(phone);
  };

  return {
    async api(method, pathAndQuery, body) {
      const url = new URL(pathAndQuery, `http://${host}`);
      const now = runtime.clock.now();
      const event: APIGatewayProxyEventV2 = {
        version: '2.0',
        routeKey: '$default',
        rawPath: url.pathname,
        rawQueryString: url.searchParams.toString(),
        headers: { host, 'content-type': 'application/json', 'user-agent': 'attend-simulation' },
        queryStringParameters: url.searchParams.size
          ? Object.fromEntries(url.searchParams.entries())
          : undefined,
        requestContext: {
          accountId: 'local',
          apiId: 'local',
          domainName: host,
          domainPrefix: 'localhost',
          http: {
            method,
            path: url.pathname,
            protocol: 'HTTP/1.1',
            sourceIp: '127.0.0.1',
            userAgent: 'attend-simulation',
          },
          requestId: randomUUID(),
          routeKey: '$default',
          stage: '$default',
          time: now.toUTCString(),
          timeEpoch: now.getTime(),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        isBase64Encoded: false,
      };
      const result = await admin(event, runtime.contextFor('admin-api'));
      const text = typeof result.body === 'string' ? result.body : '';
      return { status: result.statusCode ?? 200, body: (text ? JSON.parse(text) : undefined) as never };
    },

    async text(from, body) {
      const before = runtime.outbox.entries.length;
      const inboundMessageId = randomUUID();
      const event = inboundSnsEvent({
        from,
        to: originationNumber,
        body,
        inboundMessageId,
        previousPublishedMessageId: lastTextTo(from),
        at: runtime.clock.now(),
      });
      await inbound(event, runtime.contextFor('inbound-sms'));
      const sent: number[] = [];
      for (let i = before; i < runtime.outbox.entries.length; i++) sent.push(i);
      return { inboundMessageId, sent };
    },

    async settle() {
      await runtime.poller.drain();
    },
  };
}

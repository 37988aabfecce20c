/**
 * The local runtime's development endpoints, `/dev/…`: the virtual clock, the outbox, the event bus and
 * a text "from" a family, and the import samples moved to today's dates. Present only locally, never in a
 * Lambda.
 */
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import type { Context, SNSEvent } from 'aws-lambda';
import { DateTime, Duration } from 'luxon';
import * as z from 'zod';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { bodyNotJson } from '#core/errors.ts';
import type { FunctionName } from '#core/function-timeouts.ts';
import { normaliseMobile } from '#core/phone.ts';
import type { LocalEventBus } from '#messaging/event-publisher.ts';
import type { LocalOutbox } from '#messaging/outbox-sms-sender.ts';
import { importSampleBundle, importSampleCsv } from './import-samples.ts';
import { send } from './lambda-http.ts';
import type { Scheduler } from './scheduler.ts';
import { inboundSnsEvent } from './sns-event.ts';
import type { VirtualClock } from './virtual-clock.ts';

/**
 * `POST /dev/clock`: `{now}` (an ISO date-time) moves the virtual clock to that instant; `{advance}` (an ISO
 * duration such as `P2D` or `PT90M`) moves it on from where it is, so examples need no fixed dates.
 */
/** The furthest one POST /dev/clock moves the virtual clock, either way (days). */
export const MAX_CLOCK_MOVE_DAYS = 366;

const clockBody = z.union([
  z.object({ now: z.iso.datetime({ offset: true }) }),
  z.object({ advance: z.iso.duration() }),
]);
const inboundBody = z.object({
  from: z.string().min(1),
  body: z.string().max(1600),
  /** The provider id of the text being answered (an outbox entry's id). */
  inReplyTo: z.string().optional(),
  /** Deliver the same message again, as SNS may. */
  inboundMessageId: z.string().optional(),
  /** The number the family texted; default the trust's origination number. Any other goes to staff. */
  to: z.string().min(3).optional(),
});

/** A body that is not JSON at all: told apart from one whose fields are wrong, as the admin API does. */
const NOT_JSON = Symbol('not JSON');

/** The body read against `schema`: its data, undefined if a field is wrong, or NOT_JSON. */
function parseJson<S extends z.ZodType>(schema: S, body: string): z.infer<S> | undefined | typeof NOT_JSON {
  let json: unknown;
  try {
    // An empty body reads as {}, as in the admin API.
    json = JSON.parse(body.trim() === '' ? '{}' : body);
  } catch {
    return NOT_JSON;
  }
  const result = schema.safeParse(json);
  return result.success ? result.data : undefined;
}

function validationFailure(res: ServerResponse, fields: { field: string; message: string }[]): void {
  send(res, 400, { error: { code: 'VALIDATION_FAILED', message: 'Request body is invalid', fields } });
}

/** The admin API's answer to a body that is not JSON (core/errors.ts bodyNotJson). */
function notJson(res: ServerResponse): void {
  const { code, message, fields } = bodyNotJson('expected a JSON object');
  send(res, 400, { error: { code, message, fields } });
}

export interface DevEndpointsContext {
  readonly clock: VirtualClock;
  readonly scheduler: Scheduler;
  /** Keeps the clock's time in the table, so a restart carries on from it. */
  readonly persistClock: () => Promise<unknown>;
  readonly outbox: LocalOutbox;
  readonly events: LocalEventBus;
  /** The inbound-SMS Lambda handler. */
  readonly inbound: (event: SNSEvent, context: Context) => Promise<unknown>;
  /** Follows every change through the table streams. */
  readonly settle: () => Promise<unknown>;
  readonly reportFailure: (where: string, err: unknown) => void;
  readonly config: TrustConfig;
  /** A new invocation's Lambda context, with the function's own timeout (runtime.ts). */
  readonly contextFor: (name: FunctionName) => Context;
}

/** The handler of `/dev/…` requests. */
export function devEndpoints(ctx: DevEndpointsContext) {
  const {
    clock,
    scheduler,
    persistClock,
    outbox,
    events,
    inbound,
    settle,
    reportFailure,
    config,
    contextFor,
  } = ctx;
  return async (path: string, method: string, body: string, res: ServerResponse): Promise<void> => {
    if (path === '/dev/clock' && method === 'GET') return send(res, 200, { now: clock.now().toISOString() });
    if (path === '/dev/clock' && method === 'POST') {
      const parsed = parseJson(clockBody, body);
      if (parsed === NOT_JSON) return notJson(res);
      if (!parsed) {
        return validationFailure(res, [
          {
            // Named as the caller named it: `{"advance":"banana"}` is a bad `advance`.
            field: /"advance"\s*:/.test(body) ? 'advance' : 'now',
            message:
              'expected {now}, an ISO date-time such as 2026-12-01T09:00:00Z, or {advance}, an ISO duration such as P2D',
          },
        ]);
      }
      const duration = 'advance' in parsed ? Duration.fromISO(parsed.advance) : undefined;
      if (duration && !(duration.isValid && duration.toMillis() > 0)) {
        return validationFailure(res, [
          { field: 'advance', message: 'expected a positive ISO duration such as P2D or PT90M' },
        ]);
      }
      // A move runs every schedule due on the way (and a move back, then forward again, runs them all
      // again), so a move of years would take many minutes and fill the table with empty letter batches.
      const span =
        'now' in parsed ? Math.abs(Date.parse(parsed.now) - clock.now().getTime()) : duration!.toMillis();
      if (span > MAX_CLOCK_MOVE_DAYS * 86_400_000) {
        return validationFailure(res, [
          {
            field: 'now' in parsed ? 'now' : 'advance',
            message: `the clock moves at most ${MAX_CLOCK_MOVE_DAYS} days at a time, from ${clock.now().toISOString()}; for another year, start again with --in-memory`,
          },
        ]);
      }
      // A duration is added when this move's turn comes, after any move queued before it.
      const target =
        'now' in parsed
          ? new Date(parsed.now)
          : () => DateTime.fromJSDate(clock.now()).plus(duration!).toJSDate();
      const result = await scheduler.advanceTo(target);
      await persistClock();
      return send(res, 200, { now: clock.now().toISOString(), ticks: result.ticks });
    }
    // The import samples, their first appointment three local days after the virtual clock's today.
    if (path === '/dev/samples/import.csv' && method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/csv; charset=utf-8' });
      return void res.end(importSampleCsv(clock.now()));
    }
    if (path === '/dev/samples/bundle.json' && method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/fhir+json' });
      return void res.end(importSampleBundle(clock.now()));
    }
    if (path === '/dev/sms/outbox' && method === 'GET') return send(res, 200, { items: outbox.entries });
    if (path === '/dev/events' && method === 'GET') return send(res, 200, { items: events.events });
    if (path === '/dev/sms/inbound' && method === 'POST') {
      const parsed = parseJson(inboundBody, body);
      if (parsed === NOT_JSON) return notJson(res);
      if (!parsed)
        return validationFailure(res, [{ field: '(body)', message: 'expected {from, body, inReplyTo?}' }]);
      const phone = normaliseMobile(parsed.from, config.allowedCountries);
      const from = phone.ok ? phone.e164 : parsed.from.replace(/\s+/g, '');
      const before = outbox.entries.length;
      const inboundMessageId = parsed.inboundMessageId ?? randomUUID();
      const event = inboundSnsEvent({
        from,
        to: parsed.to ?? config.sender.originationNumber ?? '+447700900000',
        body: parsed.body,
        inboundMessageId,
        // As End User Messaging does: the last text sent to this number, unless the caller names one.
        previousPublishedMessageId: parsed.inReplyTo ?? outbox.entries.findLast((e) => e.to === from)?.id,
        at: clock.now(),
      });
      const result = await inbound(event, contextFor('inbound-sms'));
      await settle().catch((err: unknown) => reportFailure('stream', err));
      // `replies` are the texts back to the sender; `sent` is every text the reply caused (offers taken, …).
      const sent = outbox.entries.slice(before);
      return send(res, 200, { inboundMessageId, result, replies: sent.filter((e) => e.to === from), sent });
    }
    return send(res, 404, { error: { code: 'NOT_FOUND', message: `No dev endpoint ${method} ${path}` } });
  };
}

import { mkdtempSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type {
  APIGatewayProxyEvent,
  APIGatewayProxyEventV2,
  APIGatewayProxyResult,
  APIGatewayProxyStructuredResultV2,
  Context,
  DynamoDBRecord,
} from 'aws-lambda';
import { mapWithConcurrency } from '#core/concurrency.ts';
import {
  PARENT_LINK_OFFER_WORDING_DEFAULTS,
  PARENT_LINK_WORDING_DEFAULTS,
} from '#core/config/parent-links.ts';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { type FunctionName, functionTimeoutSeconds } from '#core/function-timeouts.ts';
import { LocalEventBus, type RecordedEvent } from '#messaging/event-publisher.ts';
import { LocalOutbox, type OutboxEntry } from '#messaging/outbox-sms-sender.ts';
import { useClock, useSessionClock } from '#runtime/clock.ts';
import { DATABASE_UNAVAILABLE, isDatabaseUnreachable } from '#runtime/http.ts';
import { createDocClient, type DocClient } from '#store/client.ts';
import { dueReminders, keys, offersByExpiry } from '#store/keys.ts';
import { METRICS_FILTER_PATTERNS } from '#store/metrics-stream-filters.ts';
import { SLOT_FREED_FILTER_PATTERNS } from '#store/stream-filters.ts';
import { INDEXES } from '#store/table.ts';
import { buildWebAssets } from '#web/asset-build.ts';
import { registerWebAdapters, type WebAdapters } from '#web/registry.ts';
import { localCursorKey } from './cursor-key.ts';
import { type DataLock, lockDataDir } from './data-lock.ts';
import { DatabaseWatch, reasonOf } from './database-watch.ts';
import { seedDemoData } from './demo-data.ts';
import { devEndpoints } from './dev-endpoints.ts';
import { type DynamoDbLocal, LOCAL_AWS, startDynamoDbLocal } from './dynamodb-local.ts';
import { readIndexEntries } from './index-load.ts';
import { IndexMirror } from './index-mirror.ts';
import { JsonLinesFile } from './jsonl-file.ts';
import { functionUrlEvent, lambdaContext, readBody, send } from './lambda-http.ts';
import { moveMetricsCellsOnce } from './metrics-move.ts';
import { type LocalIdp, startLocalIdp } from './oidc-provider.ts';
import { isWebPath, restApiEvent, writeRestResult } from './rest-api-event.ts';
import { Scheduler } from './scheduler.ts';
import { snsEventOf } from './sns-event.ts';
import { PortInUseError, StartRefusedError } from './start-refused.ts';
import { DatabaseAwayError, type StreamHandler, StreamPoller } from './stream-poller.ts';
import { ensureTables, metricsTableOf } from './tables.ts';
import { VirtualClock } from './virtual-clock.ts';
import { WriteWatch } from './write-watch.ts';

export interface LocalOptions {
  config: TrustConfig;
  port?: number;
  /** Keep data under this folder; omit for an in-memory database that is discarded on exit. */
  dataDir?: string;
  /** Use an already-running DynamoDB (tests share one); the runtime then does not start or stop it. */
  dynamoEndpoint?: string;
  tableName?: string;
  seed?: boolean;
  /** A frozen clock moves only when set (tests); otherwise it flows with real time. */
  frozenClock?: boolean;
  startAt?: Date;
  print?: (line: string) => void;
  /**
   * Shown every table stream record as the runtime reads it, before any consumer's filter (the simulator
   * keeps the table's final state from them rather than scanning it). It must not throw.
   */
  onStreamRecord?: (record: DynamoDBRecord) => void;
  /**
   * This process is the only writer to the table (the simulator): the stream poller counts this
   * process's write requests (local/write-watch.ts) and skips a drain when none can have reached the
   * stream since its last empty pass. Off by default: another process may write to the same DynamoDB
   * Local (a developer's script, a second runtime), and its writes would wait for one of ours.
   */
  writesOnlyFromThisProcess?: boolean;
  /**
   * What the web function gets instead of its deployed defaults (tests: a session port, extra pages).
   * Read once, when the web function's module is first loaded in this process.
   */
  web?: WebAdapters;
}

export interface LocalRuntime {
  url: string;
  port: number;
  clock: VirtualClock;
  outbox: LocalOutbox;
  events: LocalEventBus;
  scheduler: Scheduler;
  /**
   * The table stream's two mappings, as in AWS: the backfill's (freed slots) and the metrics stream's,
   * each with its own filters, batches and dead letters, fed from one read of the stream.
   */
  poller: StreamPoller;
  /** The local OpenID Connect provider at /oidc (demo staff accounts; local only). */
  idp: LocalIdp;
  /** Whether the table answers, as the runtime last saw it (see local/database-watch.ts). */
  database: DatabaseWatch;
  /** The DynamoDB Local this runtime started and supervises (restarted if it stops); none with dynamoEndpoint. */
  dynamoDbLocal(): DynamoDbLocal | undefined;
  /**
   * A Lambda context for a new invocation of one of the stack's functions, its remaining time counting
   * down from that function's timeout (core/function-timeouts.ts), for callers that invoke a handler
   * themselves (the simulator's doors).
   */
  contextFor(name: FunctionName): Context;
  stop(): Promise<void>;
}

/**
 * Listens on the loopback port (any free one for 0), or says in one line why it cannot: a port in use
 * is most often an Attend already running.
 */
async function listenOn(server: Server, port: number): Promise<void> {
  await new Promise<void>((done, fail) => {
    const failed = (err: NodeJS.ErrnoException) => {
      if (err.code === 'EADDRINUSE') fail(new PortInUseError(port));
      else if (err.code === 'EACCES')
        fail(
          new StartRefusedError(`Port ${port} needs privileges this user does not have: use another port`),
        );
      else fail(err);
    };
    server.once('error', failed);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', failed);
      done();
    });
  });
}

/** What a request is answered while the runtime is still starting (the port is held from the first). */
const STARTING = {
  error: { code: 'STARTING', message: 'Attend is starting; try again in a few seconds.' },
} as const;

type Handler<E, R> = (event: E, context: Context) => Promise<R>;

const CLOCK_KEY = keys.localState('CLOCK');

/** Not a secret: it keys the consent hashes of the local demo only, and is in the source. */
export const LOCAL_CONSENT_KEY = 'attend-local-consent-key-not-a-secret';

/** Delivery receipts handed to the delivery-status function at once (SNS invokes it concurrently). */
const RECEIPT_CONCURRENCY = 8;

/** Restarts of a DynamoDB Local that stopped, before the runtime gives up and says what to do. */
const RESTART_ATTEMPTS = 5;

/**
 * Starts the local runtime. The port is taken first and held from then on (a request before the
 * runtime is ready is answered 503 STARTING), then the data folder is locked (local/data-lock.ts),
 * and only then is DynamoDB Local started: a second `npm start` on a port in use, or on a data folder
 * in use, is refused (StartRefusedError) with nothing started. A start that fails part-way stops what
 * it had started.
 */
export async function startLocal(options: LocalOptions): Promise<LocalRuntime> {
  let handle: RequestListener = (_req, res) => send(res, 503, STARTING);
  const server = createServer((req, res) => handle(req, res));
  await listenOn(server, options.port ?? 0);
  const undo: (() => unknown)[] = [
    () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  ];
  try {
    const port = (server.address() as AddressInfo).port;
    const lock = options.dataDir ? lockDataDir(options.dataDir, port) : undefined;
    if (lock) undo.push(() => lock.release());
    return await startOn(options, server, port, (listener) => (handle = listener), undo, lock);
  } catch (err) {
    for (const step of undo.reverse()) await Promise.resolve(step()).catch(() => undefined);
    throw err;
  }
}

/**
 * The rest of the start, on a server listening on `port`: `serve` hands it the request listener once
 * the runtime is ready; `undo` collects what to stop should the start fail.
 */
async function startOn(
  options: LocalOptions,
  server: Server,
  port: number,
  serve: (listener: RequestListener) => void,
  undo: (() => unknown)[],
  lock: DataLock | undefined,
): Promise<LocalRuntime> {
  const print = options.print ?? (() => {});
  // The local identity provider's issuer names the port, so the port is taken first; the trust's
  // browser sign-in is then pointed at that provider (the trust's real issuer is never called locally).
  const origin = `http://localhost:${port}`;
  const idp = await startLocalIdp({ issuer: `${origin}/oidc`, appOrigin: origin });
  const config: TrustConfig = {
    ...options.config,
    staffAccess: { ...options.config.staffAccess, oidc: idp.oidcConfig },
    // The demo turns parent links on (the example config leaves them off): texts link to this server.
    ...(!options.config.parentLinks &&
      (options.seed ?? true) && {
        parentLinks: {
          baseUrl: origin,
          wording: { ...PARENT_LINK_WORDING_DEFAULTS },
          offerWording: { ...PARENT_LINK_OFFER_WORDING_DEFAULTS },
        },
      }),
    // The demo asks why after a DNA (the example config leaves the question off).
    ...((options.seed ?? true) && { dnaFollowUp: { ...options.config.dnaFollowUp, enabled: true } }),
  };
  let ddb: DynamoDbLocal | undefined = options.dynamoEndpoint
    ? undefined
    : await startDynamoDbLocal({ dataDir: options.dataDir });
  const endpoint = options.dynamoEndpoint ?? ddb!.endpoint;
  let stopping = false;
  undo.push(() => {
    stopping = true;
    return ddb?.stop();
  });
  const tableName = options.tableName ?? `attend-${config.trustId}`;
  const idempotencyTable = `${tableName}-idempotency`;
  const metricsTable = metricsTableOf(tableName);
  const raw = new DynamoDBClient({ ...LOCAL_AWS, endpoint });
  await ensureTables(raw, { table: tableName, metricsTable, idempotencyTable });
  const db: DocClient = createDocClient({ ...LOCAL_AWS, endpoint });
  // Counters an earlier Attend kept in the main table go to the metrics table, before the stream is read.
  const { moved } = await moveMetricsCellsOnce(db, { table: tableName, metricsTable });
  if (moved > 0)
    print(`Moved ${moved} metrics counter cell${moved === 1 ? '' : 's'} into the metrics table.`);

  // The virtual clock resumes where it was left, so persisted demo data and the clock stay in step.
  const saved = await db.send(new GetCommand({ TableName: tableName, Key: CLOCK_KEY }));
  const savedNow = typeof saved.Item?.now === 'string' ? new Date(saved.Item.now) : undefined;
  const clock = new VirtualClock(options.startAt ?? savedNow ?? new Date(), options.frozenClock ?? false);
  useClock(() => clock.now());
  // Staff sessions are timed in real time: moving the virtual clock (for the schedules) signs no one out.
  useSessionClock(() => new Date());
  // With a data folder, the outbox's texts and the event log are kept there too (JSON Lines), so a
  // restart shows them again; in memory (--in-memory, tests, the simulator) they go with the process.
  const outbox = new LocalOutbox(
    () => clock.now(),
    print,
    options.dataDir ? new JsonLinesFile<OutboxEntry>(join(options.dataDir, 'sms-outbox.jsonl')) : undefined,
  );
  const events = new LocalEventBus(
    () => clock.now(),
    options.dataDir ? new JsonLinesFile<RecordedEvent>(join(options.dataDir, 'events.jsonl')) : undefined,
  );
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    METRICS_TABLE_NAME: metricsTable,
    IDEMPOTENCY_TABLE_NAME: idempotencyTable,
    DYNAMODB_ENDPOINT: endpoint,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.credentials.secretAccessKey,
    SMS_ADAPTER: 'outbox',
    EVENTS_ADAPTER: 'local',
    ATTEND_TRUST_CONFIG: JSON.stringify(config),
    POWERTOOLS_METRICS_DISABLED: 'true',
    POWERTOOLS_TRACE_ENABLED: 'false',
    POWERTOOLS_LOG_LEVEL: process.env.ATTEND_LOG_LEVEL ?? 'WARN',
    // Local only: unsigned API calls are the local admin; the OIDC client secret comes from this map.
    ATTEND_LOCAL_CALLER: 'admin',
    ATTEND_LOCAL_SECRETS: JSON.stringify(idp.secrets),
    // Local only: the page cursor key, generated and kept in the data folder (in AWS, the CursorKey secret).
    ATTEND_LOCAL_CURSOR_KEY: localCursorKey(options.dataDir),
    // Local only: a fixed, public key for the consent hashes (in AWS, the trust's ConsentKey secret).
    ATTEND_LOCAL_CONSENT_KEY: LOCAL_CONSENT_KEY,
    WEB_ORIGIN: origin,
    // Local only: letter batches go under .attend/letters/ (beside the data folder), or a temporary
    // folder for an in-memory runtime (in AWS, the encrypted letters bucket).
    ATTEND_LETTERS_ROOT: options.dataDir
      ? dirname(options.dataDir)
      : mkdtempSync(join(tmpdir(), 'attend-letters-')),
  });

  // Handlers (and Powertools) are loaded only now, because they read the environment and adapters at
  // module scope.
  const { registerLocalAdapters, depsFromEnv } = await import('#runtime/deps-from-env.ts');
  // The outbox is no carrier: the send-rate bucket keeps the virtual clock's time and never waits, so
  // a clock moved by days sends its reminders at once (README, "Throughput: the number's rate").
  registerLocalAdapters({
    sms: outbox,
    events,
    sendTimer: { now: () => clock.now().getTime(), sleep: async () => {} },
  });
  const admin = (await import('#entries/admin-api.ts')).handler as unknown as Handler<
    APIGatewayProxyEventV2,
    APIGatewayProxyStructuredResultV2
  >;
  const inbound = (await import('#entries/inbound-sms.ts')).handler as unknown as Handler<unknown, unknown>;
  /** A new invocation's context for one of the stack's functions, with that function's timeout. */
  const contextFor = (name: FunctionName) =>
    lambdaContext(`attend-${name}`, functionTimeoutSeconds(name, config.reminders.sweepIntervalMinutes));
  const sweepModule = await import('#entries/reminder-sweep.ts');
  const sweepHandler = sweepModule.handler as unknown as Handler<unknown, unknown>;
  const { nextReminderDue } = await import('#services/reminders.ts');
  const offerExpiry = (await import('#entries/offer-expiry.ts')).handler as unknown as Handler<
    unknown,
    unknown
  >;
  const backfill = (await import('#entries/backfill.ts')).handler as unknown as Handler<unknown, unknown>;
  const metricsStream = (await import('#entries/metrics-stream.ts')).handler as unknown as Handler<
    unknown,
    unknown
  >;
  const { nextOfferWork } = await import('#services/backfill.ts');
  const letterBatch = (await import('#entries/letter-batch.ts')).handler as unknown as Handler<
    unknown,
    unknown
  >;
  const { nextLetterRunAt } = await import('#services/letters.ts');
  const { localDay, localToUtc } = await import('#core/local-time.ts');
  /** The local day whose letter batches the local scheduler last made (they are made once a day). */
  let lettersMadeFor: string | undefined;
  const runLetterBatches = async () => {
    const day = localDay(clock.now(), config.timeZone);
    await letterBatch({ source: 'aws.scheduler' }, contextFor('letter-batch'));
    lettersMadeFor = day;
  };
  /** Today's batch time while today's batches are not made yet (catching up after a start), else the next. */
  const nextLetterWork = async (): Promise<string | undefined> => {
    if (!config.letters.enabled) return undefined;
    const now = clock.now();
    const today = localDay(now, config.timeZone);
    const todayAt = localToUtc(today, config.letters.batchAt, config.timeZone);
    if (lettersMadeFor !== today && Date.parse(todayAt) <= now.getTime()) return todayAt;
    return nextLetterRunAt(config, now);
  };
  const deliveryStatus = (await import('#entries/delivery-status.ts')).handler as unknown as Handler<
    unknown,
    unknown
  >;
  // The web function reads its built stylesheets and scripts at cold start (the CDK bundling hook builds
  // them for Lambda).
  await buildWebAssets();
  registerWebAdapters(options.web ?? {});
  const web = (await import('#entries/web-app.ts')).handler as unknown as Handler<
    APIGatewayProxyEvent,
    APIGatewayProxyResult
  >;
  const deps = depsFromEnv();

  if (options.seed ?? true) {
    const seeded = await seedDemoData(deps);
    if (seeded)
      print(
        `Seeded the demo trust: ${seeded.clinics} clinics, ${seeded.clients} families, ${seeded.bookings} bookings, ${seeded.waitlisted} on the short-notice list, and two weeks of history (${seeded.history.bookings} past appointments; see GET /metrics).`,
      );
  }

  // The indexes the schedules ask "when is your next work?", copied in memory from the stream, so the
  // answer costs no Query per shard (local/index-mirror.ts). Each copy is loaded once the poller is
  // positioned (below, and again when the database is back); until then the schedule asks DynamoDB.
  // Its version changes with every record that touches the index: while it stands, the scheduler
  // reuses the last answer (local/scheduler.ts).
  const mirrors = {
    dueReminders: new IndexMirror({
      partitionKey: INDEXES.dueReminders.partitionKey.name,
      sortKey: INDEXES.dueReminders.sortKey.name,
      shards: dueReminders.allShards(),
    }),
    offersByExpiry: new IndexMirror({
      partitionKey: INDEXES.offersByExpiry.partitionKey.name,
      sortKey: INDEXES.offersByExpiry.sortKey.name,
      shards: offersByExpiry.allShards(),
    }),
  };
  /** Reads each index in full into its copy; records the poller reads meanwhile are applied on top. */
  const loadMirrors = () =>
    Promise.all(
      (['dueReminders', 'offersByExpiry'] as const).map(async (name) => {
        const mirror = mirrors[name];
        mirror.beginLoad();
        try {
          mirror.finishLoad(await readIndexEntries(deps.store, INDEXES[name], mirror.index.shards));
        } catch (err) {
          mirror.reset();
          throw err;
        }
      }),
    );
  // The stream starts now, after the demo seed: its ordinary slots are not freed slots anyway.
  const writeWatch = options.writesOnlyFromThisProcess ? new WriteWatch(endpoint) : undefined;
  const poller = new StreamPoller({
    ...(writeWatch && { writeWatch: { watch: writeWatch } }),
    onRecord: (record) => {
      mirrors.dueReminders.apply(record);
      mirrors.offersByExpiry.apply(record);
      options.onStreamRecord?.(record);
    },
    endpoint,
    tableName,
    name: 'backfill',
    filters: SLOT_FREED_FILTER_PATTERNS,
    handler: (event) => backfill(event, contextFor('backfill')) as ReturnType<StreamHandler>,
    onDeadLetter: (record, reason) => print(`[stream] record ${record.eventID} dead-lettered: ${reason}`),
    also: [
      {
        name: 'metrics-stream',
        filters: METRICS_FILTER_PATTERNS,
        handler: (event) => metricsStream(event, contextFor('metrics-stream')) as ReturnType<StreamHandler>,
        batchSize: 50,
        maxRetries: 5,
        onDeadLetter: (record, reason) =>
          print(`[metrics-stream] record ${record.eventID} dead-lettered: ${reason}`),
      },
    ],
    paused: () => !database.up,
    // A handler that failed may have failed because the database just went: look now, rather than
    // count retries against the record until the watch's next look.
    databaseAway: async () => {
      await database.check();
      return !database.up;
    },
  });
  await poller.init();
  // Read after the poller is positioned, so every write the read may miss is in the stream after it.
  await loadMirrors();
  // A drain reads on until a pass finds nothing, so the metrics count the backfill's own writes (offers
  // sent, slots filled) before the caller reads anything.
  const settle = () => poller.drain().then(() => undefined);

  const scheduler = new Scheduler(
    clock,
    [
      {
        name: 'reminder-sweep',
        everyMinutes: config.reminders.sweepIntervalMinutes,
        run: () => sweepHandler({ source: 'aws.scheduler' }, contextFor('reminder-sweep')),
        nextWorkAt: async () =>
          mirrors.dueReminders.loaded ? mirrors.dueReminders.earliest() : nextReminderDue(deps),
        workVersion: () => mirrors.dueReminders.version,
      },
      {
        // The simulated carrier's delivery receipts (LocalOutbox), a few virtual seconds after each send,
        // through the same handler End User Messaging's SNS event destination invokes in AWS.
        name: 'delivery-receipts',
        everyMinutes: 0.1,
        // SNS invokes the function for each event, concurrently (the handler applies reports in any
        // order), so a peak's receipts are handed over 8 at a time rather than one after another.
        run: async () => {
          await mapWithConcurrency(outbox.takeDueReceipts(clock.now()), RECEIPT_CONCURRENCY, (receipt) =>
            deliveryStatus(snsEventOf(receipt, clock.now()), contextFor('delivery-status')),
          );
        },
        nextWorkAt: async () => outbox.nextReceiptAt(),
      },
      {
        // Once a day at letters.batchAt local time (EventBridge Scheduler's cron in AWS).
        name: 'letter-batch',
        everyMinutes: 5,
        run: runLetterBatches,
        nextWorkAt: nextLetterWork,
      },
      {
        name: 'offer-expiry',
        everyMinutes: 1,
        run: () => offerExpiry({ source: 'aws.scheduler' }, contextFor('offer-expiry')),
        nextWorkAt: async () =>
          mirrors.offersByExpiry.loaded ? mirrors.offersByExpiry.earliest() : nextOfferWork(deps),
        workVersion: () => mirrors.offersByExpiry.version,
      },
    ],
    settle,
    (name, err) => print(`[scheduler] ${name} failed: ${(err as Error).message}`),
  );

  // With a flowing clock (npm start), a start after today's batch time makes today's batches at once,
  // so the demo has letters to print from its first minute.
  if (!options.frozenClock && (options.seed ?? true)) {
    const due = await nextLetterWork();
    if (due !== undefined && Date.parse(due) <= clock.now().getTime()) {
      await runLetterBatches().catch((err: unknown) => print(`[letters] ${(err as Error).message}`));
    }
  }

  const persistClock = () =>
    db.send(new PutCommand({ TableName: tableName, Item: { ...CLOCK_KEY, now: clock.now().toISOString() } }));

  // ---- Losing the database, and getting it back -----------------------------------------------------
  const seedOn = options.seed ?? true;
  const database = new DatabaseWatch({
    endpoint,
    table: tableName,
    print,
    whileDown: ddb
      ? options.dataDir
        ? `Attend is restarting it on the same port; the data in ${options.dataDir} is kept.`
        : 'Attend is restarting it; it ran in memory, so its data is gone: the tables are made again' +
          (seedOn ? ' and the demo data seeded again.' : '.')
      : `Start it again at ${endpoint}; Attend carries on by itself when it answers.`,
    async onBack() {
      // The table may be new (an in-memory database started afresh) and seeded: no copy from before stands.
      mirrors.dueReminders.reset();
      mirrors.offersByExpiry.reset();
      await ensureTables(raw, { table: tableName, metricsTable, idempotencyTable });
      if (seedOn) await seedDemoData(deps);
      // Positioned before the doors reopen (the watch says "up" only after this), so no change made
      // through them is missed, and the seed's own writes are not replayed (as at start-up).
      await poller.reconnect();
      await loadMirrors();
    },
  });
  /** A background failure: the database going away is the watch's to report (once); anything else is printed. */
  const reportFailure = (where: string, err: unknown) => {
    if (isDatabaseUnreachable(err)) database.failed(reasonOf(err));
    // The stream stopped for the database: the watch, which found it away, has said so already.
    else if (err instanceof DatabaseAwayError) return;
    else print(`[${where}] ${(err as Error).message}`);
  };

  /** Restarts a DynamoDB Local the runtime started, on the same port and data folder, if it stops. */
  const supervise = (current: DynamoDbLocal) => {
    current.exited
      .then(async ({ code, signal }) => {
        if (stopping) return;
        database.lost(signal ? `its process ended on ${signal}` : `its process exited with code ${code}`);
        for (let attempt = 1; attempt <= RESTART_ATTEMPTS && !stopping; attempt++) {
          try {
            ddb = await startDynamoDbLocal({ dataDir: options.dataDir, port: current.port });
            if (stopping) return void (await ddb.stop());
            print(`[database] DynamoDB Local restarted on port ${current.port}.`);
            supervise(ddb);
            return void (await database.check());
          } catch (err) {
            print(
              `[database] restarting DynamoDB Local failed (try ${attempt} of ${RESTART_ATTEMPTS}): ${reasonOf(err)}`,
            );
            await new Promise((r) => setTimeout(r, 1000 * 2 ** (attempt - 1)).unref());
          }
        }
        if (!stopping)
          print(
            '[database] DynamoDB Local could not be restarted. Stop Attend (Ctrl+C) and run `npm start` again; ' +
              'if it still fails, check that Java runs (`java -version`).',
          );
      })
      .catch((err: unknown) => print(`[database] ${(err as Error).message}`));
  };
  if (ddb) supervise(ddb);

  /** Development endpoints: present only in the local runtime, never in the Lambda. */
  const dev = devEndpoints({
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
  });

  serve((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://localhost').pathname;
      // The provider reads its own request bodies, so it is handed the request before anything reads it.
      if (path === idp.mountPath || path.startsWith(`${idp.mountPath}/`)) return idp.handle(req, res);
      const raw = await readBody(req);
      const body = raw.toString('utf8');
      // While the database is away or being brought back (tables made, demo data seeded, streams
      // repositioned), every call that could read or change it answers 503 rather than half-working.
      if (!database.up && !(path.startsWith('/dev/') && req.method === 'GET')) {
        return send(res, 503, DATABASE_UNAVAILABLE);
      }
      if (path.startsWith('/dev/')) return await dev(path, req.method ?? 'GET', body, res);
      if (isWebPath(path)) {
        const result = await web(restApiEvent(req, raw, port), contextFor('web-app'));
        if (req.method !== 'GET' && req.method !== 'HEAD')
          await settle().catch((err: unknown) => reportFailure('stream', err));
        return writeRestResult(res, result);
      }
      const result = await admin(functionUrlEvent(req, body, port), contextFor('admin-api'));
      // A change made through the API (a cancellation, say) is followed through the stream before the
      // answer goes back, so what the caller reads next already shows its effects. The change is made
      // by then: if following it fails (the database went away), the answer is still the handler's, and
      // the stream picks the change up when the database is back.
      if (req.method !== 'GET') await settle().catch((err: unknown) => reportFailure('stream', err));
      res.writeHead(result.statusCode ?? 200, (result.headers ?? {}) as Record<string, string>);
      res.end(result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : result.body);
    })().catch((err: unknown) => {
      if (isDatabaseUnreachable(err)) {
        database.failed(reasonOf(err));
        if (!res.headersSent) send(res, 503, DATABASE_UNAVAILABLE);
        return;
      }
      print(`[http] ${(err as Error).message}`);
      if (!res.headersSent) send(res, 500, { error: { code: 'INTERNAL', message: 'local runtime error' } });
    });
  });

  // With a flowing clock, schedules run as real time passes, just as they would in AWS. While the
  // database is not answering they pause: every run would fail, and the watch has said why.
  const timer = options.frozenClock
    ? undefined
    : setInterval(() => {
        if (!database.up) return;
        scheduler
          .advanceTo(() => clock.now())
          .then(persistClock)
          .catch((err: unknown) => reportFailure('scheduler', err));
      }, 1000);
  if (!options.frozenClock) {
    poller.start(500).catch((err: unknown) => reportFailure('stream', err));
  }
  database.start();

  return {
    url: `http://localhost:${port}`,
    port,
    clock,
    outbox,
    events,
    scheduler,
    poller,
    idp,
    database,
    dynamoDbLocal: () => ddb,
    contextFor,
    async stop() {
      stopping = true;
      if (timer) clearInterval(timer);
      await database.stop();
      await new Promise<void>((done) => server.close(() => done()));
      await poller.close();
      writeWatch?.close();
      await persistClock().catch(() => undefined);
      db.destroy();
      raw.destroy();
      await ddb?.stop();
      // Last: the folder is free once its DynamoDB Local has let go of its files.
      lock?.release();
    },
  };
}

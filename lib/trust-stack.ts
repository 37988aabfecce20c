/**
 * One trust's Attend deployment: the table, the functions that work on it, and what watches them.
 * `cdk deploy -c trust=<id>` builds one of these from config/trusts/<id>.json (see bin/app.ts).
 */
import { createHash } from 'node:crypto';
import {
  Annotations,
  type App,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Tags,
} from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { staffInvokerRoleArns } from '#core/config/staff-access.ts';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { METRICS_FILTER_PATTERNS } from '#store/metrics-stream-filters.ts';
import { SLOT_FREED_FILTER_PATTERNS } from '#store/stream-filters.ts';
import { AttendFunction, type AttendFunctionProps } from './constructs/attend-function.ts';
import { CursorKey } from './constructs/cursor-key.ts';
import { DeadLetterQueue } from './constructs/dead-letter-queue.ts';
import { FrontDoor } from './constructs/front-door.ts';
import { addFunctionSchedule, pascal } from './constructs/function-schedule.ts';
import { createOrImportInboundTopic, createTwoWayNumber } from './constructs/inbound-sms.ts';
import { LettersBucket } from './constructs/letters-bucket.ts';
import { OpsAlarms } from './constructs/ops-alarms.ts';
import { SmsDeliveryStatus } from './constructs/sms-delivery-status.ts';
import { addStreamConsumer } from './constructs/stream-consumer.ts';
import { createTables } from './constructs/tables.ts';
import { TrustKey } from './constructs/trust-key.ts';
import type { TwoWayNumber } from './constructs/two-way-number.ts';
import { type AttendFunctionFactory, createWebFunction } from './constructs/web-function.ts';
import { acknowledge } from './nag.ts';

export interface TrustStackProps extends StackProps {
  /** The trust's validated config (loadTrustConfig); every trust-specific choice comes from here. */
  readonly config: TrustConfig;
}

/** The stack's name for a trust: `Attend-<trustId>`, so trusts deploy side by side in one account. */
export function trustStackName(trustId: string): string {
  return `Attend-${trustId}`;
}

/** Creates a trust's stack in `app` with its name, environment and tags. */
export function createTrustStack(app: App, config: TrustConfig): TrustStack {
  const stack = new TrustStack(app, trustStackName(config.trustId), {
    config,
    env: { region: config.region, ...(config.account && { account: config.account }) },
    description: `Attend for ${config.trustName}: SMS reminders, two-way replies and short-notice backfill`,
  });
  Tags.of(stack).add('attend:trust', config.trustId);
  Tags.of(stack).add('project', 'attend');
  return stack;
}

export class TrustStack extends Stack {
  readonly table: dynamodb.Table;
  /** The metrics counters (store/metrics.ts): every function may read it, those that count may write. */
  readonly metricsTable: dynamodb.Table;
  readonly idempotencyTable: dynamodb.Table;
  readonly bus: events.EventBus;
  readonly inboundTopic: sns.ITopic;
  /** The two-way number this stack requested (sender.phoneNumber.create); absent when the trust brings its own. */
  readonly twoWayNumber?: TwoWayNumber;
  readonly alarms: OpsAlarms;
  /** The HMAC key of the phone numbers in consent records: read by every function that texts or creates clients. */
  readonly consentKey: secretsmanager.Secret;
  /** Letter batches for staff to print (letters.enabled), made daily by `letterBatch`. */
  readonly letters?: LettersBucket;
  /** Makes each clinic's letter batch once a day at letters.batchAt (services/letters.ts). */
  readonly letterBatch?: AttendFunction;
  /** The functions that act for the trust: each may text families and publish domain events. */
  readonly functions: Readonly<
    Record<
      Exclude<AttendFunction['entry'], 'metrics-stream' | 'web-app' | 'delivery-status' | 'letter-batch'>,
      AttendFunction
    >
  >;
  /** The browser front door and the web function behind it, when the config has `frontDoor`. */
  readonly frontDoor?: FrontDoor;
  readonly web?: AttendFunction;
  /** Applies each text's delivery status (End User Messaging configuration set → SNS); never texts. */
  readonly deliveryStatus: AttendFunction;
  readonly smsStatus: SmsDeliveryStatus;
  /** Keeps the metrics counters from the table stream; it may use the two tables and nothing else. */
  readonly metricsStream: AttendFunction;

  private readonly config: TrustConfig;
  private readonly trustKey: TrustKey;

  constructor(scope: Construct, id: string, props: TrustStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.config = config;
    const trustId = config.trustId;

    this.trustKey = new TrustKey(this, 'DataKey', { trustId });
    const encryptionKey = this.trustKey.key;

    // ---- Data (lib/constructs/tables.ts) -----------------------------------------------------------
    ({
      table: this.table,
      metricsTable: this.metricsTable,
      idempotencyTable: this.idempotencyTable,
    } = createTables(this, trustId, encryptionKey));

    // ---- Consent key ------------------------------------------------------------------------------
    // Keys the hash under which each phone number's opt-out is stored (functions/core/consent.ts), so
    // the table never holds an opted-out number itself, even after erasure. Retained and never rotated:
    // a new key would make every opt-out unfindable, and a family who texted STOP would be texted again.
    this.consentKey = new secretsmanager.Secret(this, 'ConsentKey', {
      secretName: `attend/${trustId}/consent-key`,
      description: `Attend ${trustId}: HMAC key of the phone numbers in consent (opt-out) records. Never rotate or delete.`,
      encryptionKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const noRotation =
      'This secret is an HMAC key, not a credential: it keys the hash of each opted-out phone number. Rotating it would orphan every opt-out record (a family who texted STOP would be texted again), so it is generated once, retained, and readable only by the functions that text or create clients.';
    acknowledge(this.consentKey, 'AwsSolutions-SMG4', noRotation);
    acknowledge(this.consentKey, 'HIPAA.Security-SecretsManagerRotationEnabled', noRotation);

    // ---- Domain events ----------------------------------------------------------------------------
    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: `attend-${trustId}`,
      description: `Attend domain events for ${config.shortName}: bookings, offers, opt-outs, escalations`,
    });
    // A year of events lets the trust's integration engine replay what it missed.
    this.bus.archive('Archive', {
      archiveName: `attend-${trustId}-events`,
      description: 'Every Attend domain event, for replay into the trust integration engine',
      eventPattern: { account: [this.account] },
      retention: Duration.days(365),
    });

    // ---- Functions --------------------------------------------------------------------------------
    const sweepMinutes = config.reminders.sweepIntervalMinutes;
    const fn = (
      entry: AttendFunction['entry'],
      options: Omit<AttendFunctionProps, 'entry' | 'config' | 'encryptionKey'>,
    ) => new AttendFunction(this, pascal(entry), { entry, config, encryptionKey, ...options });

    const reminderSweep = fn('reminder-sweep', {
      description: 'Sends the reminder texts that are due (every few minutes, Europe/London)',
      // One sweep at a time: overlapping sweeps would race to claim the same reminder tiers.
      reservedConcurrency: 1,
      memorySize: 1024,
      // The next sweep is the retry: it picks up whatever is still due. A sweep that waited longer than
      // one interval is superseded, so it goes to the DLQ (and the alarm) rather than running late.
      asyncInvocation: { retryAttempts: 0, maxEventAge: Duration.minutes(sweepMinutes) },
    });
    const offerExpiry = fn('offer-expiry', {
      description: 'Expires short-notice offers whose hold has lapsed and sends the next wave',
      reservedConcurrency: 1,
      asyncInvocation: { retryAttempts: 0, maxEventAge: Duration.minutes(1) },
    });
    const adminApi = fn('admin-api', {
      description: 'Staff admin API (function URL, IAM auth)',
      reservedConcurrency: 10,
      // A first import of 5,000 EPR rows is CPU-bound SDK work: a full vCPU (1,769 MB) and two minutes.
      memorySize: 1769,
    });
    const inboundSms = fn('inbound-sms', {
      description: 'Acts on replies from parents (End User Messaging → SNS)',
      reservedConcurrency: 10,
      // A reply is worth acting on hours late (a CANCEL still frees the slot); SNS and Lambda retry
      // throttled or failed deliveries, and idempotency on inboundMessageId makes retries safe.
      asyncInvocation: { retryAttempts: 2, maxEventAge: Duration.hours(6) },
    });
    const backfill = fn('backfill', {
      description: 'Offers freed slots to the waitlist (table stream, FREE slots only)',
      reservedConcurrency: 10,
    });
    const metricsStream = fn('metrics-stream', {
      description:
        'Keeps the per-day metrics counters up to date (table stream: bookings, freed slots, texts)',
      // Records are counted one at a time, and a few shards at once are plenty for one trust's changes.
      reservedConcurrency: 5,
    });
    this.functions = {
      'reminder-sweep': reminderSweep,
      'offer-expiry': offerExpiry,
      'admin-api': adminApi,
      'inbound-sms': inboundSms,
      backfill,
    };
    this.metricsStream = metricsStream;

    const canText = originationNumberKnown(config);
    for (const f of Object.values(this.functions)) {
      f.bindTable({ table: this.table, access: 'readWrite' })
        .bindEventBus(this.bus)
        .bindConsentKey(this.consentKey);
    }
    if (!canText) {
      Annotations.of(this).addWarningV2(
        'attend:sms-withheld',
        'sender.phoneNumber.create without sender.originationNumber: the number is requested by this deploy, ' +
          'but no function may send SMS yet (SNS would pick an origination number itself, and replies could go ' +
          'elsewhere). Copy the OriginationNumber output into sender.originationNumber and deploy again.',
      );
    }
    for (const f of [inboundSms, backfill]) {
      f.bindTable({ table: this.idempotencyTable, access: 'readWrite', envVar: 'IDEMPOTENCY_TABLE_NAME' });
    }
    acknowledge(
      adminApi.fn.node.defaultChild!,
      'HIPAA.Security-LambdaDLQ',
      'Invoked only synchronously through its function URL: every error goes back to the calling staff client, so there is no asynchronous event to dead-letter.',
    );
    // The main table only read (its stream, and clients' deprivation deciles), and the metrics table
    // written (bound with the other functions below): the counters never text, publish or use the
    // idempotency table (see metrics-stream.ts).
    metricsStream.bindTable({ table: this.table, access: 'read' });
    acknowledge(
      metricsStream.fn.node.defaultChild!,
      'HIPAA.Security-LambdaDLQ',
      'Invoked only by the DynamoDB stream event source mapping, whose failed batches go to the mapping’s own on-failure SQS queue (MetricsStreamDlq); a function DLQ applies to asynchronous invocations only.',
    );
    acknowledge(
      backfill.fn.node.defaultChild!,
      'HIPAA.Security-LambdaDLQ',
      'Invoked only by the DynamoDB stream event source mapping, whose failed batches go to the mapping’s own on-failure SQS queue (BackfillStreamDlq); a function DLQ applies to asynchronous invocations only.',
    );

    // ---- Schedules (EventBridge Scheduler, in the trust's local time) -------------------------------
    this.schedule(reminderSweep, sweepMinutes);
    this.schedule(offerExpiry, 1);

    // ---- Admin API --------------------------------------------------------------------------------
    const adminUrl = adminApi.fn.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.AWS_IAM });
    for (const roleArn of staffInvokerRoleArns(config)) {
      // Resource-based permissions on the function, so nothing is written into the staff roles'
      // (trust-owned) policies. Function URLs need both actions; InvokeFunction is limited to URL calls.
      const principal = new iam.ArnPrincipal(roleArn);
      const suffix = createHash('sha256').update(roleArn).digest('hex').slice(0, 8);
      adminApi.fn.addPermission(`StaffInvokeUrl${suffix}`, {
        principal,
        action: 'lambda:InvokeFunctionUrl',
        functionUrlAuthType: lambda.FunctionUrlAuthType.AWS_IAM,
      });
      adminApi.fn.addPermission(`StaffInvoke${suffix}`, {
        principal,
        action: 'lambda:InvokeFunction',
        invokedViaFunctionUrl: true,
      });
    }

    // ---- Browser front door (staff app and parent pages) ---------------------------------------------
    if (config.frontDoor) {
      this.web = this.createWeb(fn);
      this.frontDoor = new FrontDoor(this, 'FrontDoor', {
        trustId,
        config: config.frontDoor,
        web: this.web,
        encryptionKey,
        logRetentionDays: config.infrastructure.logRetentionDays,
      });
    }

    // ---- Page cursor key (admin API and browser door) ------------------------------------------------
    const cursorKey = new CursorKey(this, 'CursorKey', { trustId, encryptionKey });
    for (const f of [adminApi, ...(this.web ? [this.web] : [])]) cursorKey.bind(f);

    // ---- Inbound SMS ------------------------------------------------------------------------------
    this.inboundTopic = this.createOrImportInboundTopic();
    const inboundDlq = new DeadLetterQueue(this, 'InboundSmsSubscriptionDlq', {
      encryptionKey,
      feeds: 'sns-subscription',
      holds: 'parent replies SNS could not deliver to the inbound-sms function',
    });
    this.inboundTopic.addSubscription(
      new subscriptions.LambdaSubscription(inboundSms.fn, { deadLetterQueue: inboundDlq.queue }),
    );
    this.twoWayNumber = this.createTwoWayNumber();

    // ---- Sending, and each text's delivery status ----------------------------------------------------
    // End User Messaging SendTextMessage with a configuration set whose event destination is an SNS topic
    // (lib/constructs/sms-delivery-status.ts says why, rather than SNS's delivery-status logs).
    this.deliveryStatus = fn('delivery-status', {
      description:
        'Records each text’s delivery status and marks dead numbers unreachable (End User Messaging → SNS)',
      reservedConcurrency: 5,
      // A status is worth recording hours late; every write is idempotent and ordered by rank.
      asyncInvocation: { retryAttempts: 2, maxEventAge: Duration.hours(6) },
    });
    this.deliveryStatus
      .bindTable({ table: this.table, access: 'readWrite' })
      .bindEventBus(this.bus)
      .bindConsentKey(this.consentKey);
    this.smsStatus = new SmsDeliveryStatus(this, 'SmsDeliveryStatus', {
      trustId,
      encryptionKey,
      handler: this.deliveryStatus.fn,
    });
    if (canText) {
      const sender = this.smsSender();
      for (const f of [...Object.values(this.functions), ...(this.web ? [this.web] : [])])
        f.allowSmsSend(sender);
    }

    // ---- The table stream's two consumers (lib/constructs/stream-consumer.ts) -------------------------
    // A freed slot offered an hour late has usually been refilled by staff; older records go to the DLQ
    // for a person to decide. A count is worth applying however late, within the stream's 24 hours.
    const streamDlq = addStreamConsumer(this, {
      id: 'BackfillStreamDlq',
      consumer: backfill,
      table: this.table,
      encryptionKey,
      holds:
        'pointers to table stream batches the backfill function could not process (the stream keeps records 24 h)',
      batchSize: 10,
      retryAttempts: 3,
      maxRecordAge: Duration.hours(1),
      // The same patterns the local stream poller applies (functions/store/stream-filters.ts).
      filters: SLOT_FREED_FILTER_PATTERNS,
    });
    const metricsDlq = addStreamConsumer(this, {
      id: 'MetricsStreamDlq',
      consumer: metricsStream,
      table: this.table,
      encryptionKey,
      holds:
        'pointers to table stream batches the metrics-stream function could not count (the stream keeps records 24 h)',
      batchSize: 50,
      retryAttempts: 5,
      // The same patterns the local metrics poller applies (functions/store/metrics-stream-filters.ts).
      filters: METRICS_FILTER_PATTERNS,
    });

    // ---- Letters ----------------------------------------------------------------------------------
    // The bucket only: the function that makes batches (bindWriter) and the download route (bindReader)
    // come with the letters service.
    if (config.letters.enabled) {
      this.letters = new LettersBucket(this, 'Letters', {
        trustId,
        encryptionKey,
        retentionDays: config.letters.retentionDays,
      });
      this.letterBatch = this.createLetterBatch(fn, adminApi);
    }

    // ---- The metrics counters' table (lib/constructs/tables.ts) ---------------------------------------
    // Every handler is told it (the env schema requires METRICS_TABLE_NAME). Only the code that moves a
    // counter may write it: the stream consumer, delivery status (a number marked unreachable) and the
    // letter batch (letters sent); the admin API and the web function read it for the metrics report.
    // Reading is no exposure for the rest: the counters are aggregate numbers per day, clinic, type and
    // deprivation quintile, with no personal data (the applied markers hold only change ids, for 3 days).
    const counterWriters: readonly AttendFunction[] = [
      metricsStream,
      this.deliveryStatus,
      ...(this.letterBatch ? [this.letterBatch] : []),
    ];
    for (const f of [...Object.values(this.functions), ...counterWriters, ...(this.web ? [this.web] : [])]) {
      f.bindTable({
        table: this.metricsTable,
        access: counterWriters.includes(f) ? 'readWrite' : 'read',
        envVar: 'METRICS_TABLE_NAME',
      });
    }

    // ---- Alarms -----------------------------------------------------------------------------------
    this.alarms = new OpsAlarms(this, 'Alarms', {
      trustId,
      encryptionKey,
      ...(config.infrastructure.alarmEmail && { alarmEmail: config.infrastructure.alarmEmail }),
    });
    if (this.web) this.alarms.alarmOnFunction(this.web);
    for (const f of Object.values(this.functions)) {
      this.alarms.alarmOnFunction(f);
      if (f.deadLetterQueue) this.alarms.alarmOnDeadLetters(`${f.entry}-async`, f.deadLetterQueue);
    }
    this.alarms.alarmOnDeadLetters('inbound-sms-subscription', inboundDlq);
    this.alarms.alarmOnFunction(this.deliveryStatus);
    if (this.letterBatch) {
      this.alarms.alarmOnFunction(this.letterBatch);
      if (this.letterBatch.deadLetterQueue)
        this.alarms.alarmOnDeadLetters('letter-batch-async', this.letterBatch.deadLetterQueue);
    }
    if (this.deliveryStatus.deadLetterQueue)
      this.alarms.alarmOnDeadLetters('delivery-status-async', this.deliveryStatus.deadLetterQueue);
    this.alarms.alarmOnDeadLetters('delivery-status-subscription', this.smsStatus.deadLetterQueue);
    this.alarms.alarmOnDeadLetters('backfill-stream', streamDlq);
    this.alarms.alarmOnFunction(metricsStream);
    this.alarms.alarmOnDeadLetters('metrics-stream', metricsDlq);
    for (const dlq of this.scheduleDlqs) this.alarms.alarmOnDeadLetters(dlq.id, dlq.dlq);
    this.alarms.alarmOnIteratorAge(backfill);
    this.alarms.alarmOnSmsFailures();

    this.addOutputs(adminUrl.url);
  }

  private readonly scheduleDlqs: { id: string; dlq: DeadLetterQueue }[] = [];

  /** What the cloud team needs after a deploy (see README "Deploy"). */
  private addOutputs(adminApiUrl: string): void {
    new CfnOutput(this, 'AdminApiUrl', {
      value: adminApiUrl,
      description: 'Admin API (function URL; SigV4-signed requests from a staff role)',
    });
    new CfnOutput(this, 'TableName', { value: this.table.tableName });
    new CfnOutput(this, 'EventBusName', {
      value: this.bus.eventBusName,
      description: 'Domain events for the trust integration engine',
    });
    new CfnOutput(this, 'InboundSmsTopicArn', {
      value: this.inboundTopic.topicArn,
      description: this.twoWayNumber
        ? 'The two-way SMS destination of the OriginationNumber (set by this stack, self-managed opt-outs)'
        : 'Set as the two-way SMS destination of the origination number (self-managed opt-outs)',
    });
    if (this.twoWayNumber) {
      new CfnOutput(this, 'OriginationNumber', {
        value: this.twoWayNumber.e164,
        description: 'The two-way number this stack requested; sender.originationNumber must be exactly this',
      });
      new CfnOutput(this, 'OriginationNumberArn', {
        value: this.twoWayNumber.arn,
        description:
          'The number in End User Messaging (retained with deletion protection if the stack is deleted)',
      });
    }
    new CfnOutput(this, 'OpsTopicArn', { value: this.alarms.topic.topicArn });
    if (this.letters) {
      new CfnOutput(this, 'LettersBucketName', {
        value: this.letters.bucket.bucketName,
        description: 'Letter batches to print (SSE-KMS, deleted after letters.retentionDays)',
      });
    }
  }

  /** The web function: server-rendered pages for staff and parents (web-function.ts). */
  private createWeb(fn: AttendFunctionFactory): AttendFunction {
    return createWebFunction(fn, {
      config: this.config,
      table: this.table,
      bus: this.bus,
      consentKey: this.consentKey,
      // The web function texts through End User Messaging like the others (allowSmsSend, once the
      // configuration set exists), never through SNS.
      smsPublish: false,
    });
  }

  /**
   * The daily letter batches: the function (the table, the bus and the consent key like the others, the
   * bucket as writer), its schedule at letters.batchAt local time, and read access for staff downloads.
   */
  private createLetterBatch(
    fn: (
      entry: AttendFunction['entry'],
      options: Omit<AttendFunctionProps, 'entry' | 'config' | 'encryptionKey'>,
    ) => AttendFunction,
    adminApi: AttendFunction,
  ): AttendFunction {
    const letterBatch = fn('letter-batch', {
      description:
        'Makes each clinic’s letter batch for the day (daily, Europe/London) and stores it encrypted',
      reservedConcurrency: 1,
      memorySize: 1024,
      // The next day's run does not make a missed day's batch, so a failed run is retried for hours.
      asyncInvocation: { retryAttempts: 2, maxEventAge: Duration.hours(6) },
      // The letter font is read from files at run time; the bundle has no node_modules to find it in.
      afterBundling: (inputDir, outputDir) => [
        `mkdir -p "${outputDir}/fonts"`,
        `cp "${inputDir}/node_modules/@expo-google-fonts/open-sans/400Regular/OpenSans_400Regular.ttf" "${inputDir}/node_modules/@expo-google-fonts/open-sans/700Bold/OpenSans_700Bold.ttf" "${outputDir}/fonts/"`,
      ],
    });
    letterBatch
      .bindTable({ table: this.table, access: 'readWrite' })
      .bindEventBus(this.bus)
      .bindConsentKey(this.consentKey);
    const notify = this.config.letters.notify;
    if (notify) {
      // Letters go through GOV.UK Notify: this function alone reads the trust's Notify API key.
      const notifyKey = /-[A-Za-z0-9]{6}$/.test(notify.apiKeySecretArn)
        ? secretsmanager.Secret.fromSecretCompleteArn(this, 'NotifyApiKey', notify.apiKeySecretArn)
        : secretsmanager.Secret.fromSecretPartialArn(this, 'NotifyApiKey', notify.apiKeySecretArn);
      letterBatch.fn.addEnvironment('NOTIFY_API_KEY_SECRET_ARN', notify.apiKeySecretArn);
      notifyKey.grantRead(letterBatch.fn);
    }
    this.letters!.bindWriter(letterBatch).bindReader(adminApi);
    if (this.web) this.letters!.bindReader(this.web);
    const dlq = addFunctionSchedule(this, {
      target: letterBatch,
      minutes: 24 * 60,
      dailyAt: this.config.letters.batchAt,
      trustId: this.config.trustId,
      timeZone: this.config.timeZone,
      encryptionKey: this.trustKey.key,
    });
    this.scheduleDlqs.push({ id: 'letter-batch-schedule', dlq });
    return letterBatch;
  }

  /** Invokes `target` every `minutes` minutes, on the clock in the trust's time zone (function-schedule.ts). */
  private schedule(target: AttendFunction, minutes: number): void {
    const dlq = addFunctionSchedule(this, {
      target,
      minutes,
      trustId: this.config.trustId,
      timeZone: this.config.timeZone,
      encryptionKey: this.trustKey.key,
    });
    this.scheduleDlqs.push({ id: `${target.entry}-schedule`, dlq });
  }

  /** Requests the trust's two-way number when the config asks for one (sender.phoneNumber.create). */
  private createTwoWayNumber(): TwoWayNumber | undefined {
    return createTwoWayNumber(this, this.config, this.inboundTopic);
  }

  /** What the texting functions send from, and with: the trust's number or pool, and the configuration set. */
  private smsSender() {
    const { sender } = this.config;
    const anyNumber = this.formatArn({ service: 'sms-voice', resource: 'phone-number', resourceName: '*' });
    const identityArn = this.twoWayNumber?.arn ?? sender.phoneNumber?.arn;
    return {
      // A number this stack created or the trust named by ARN is sent from by ARN; a number given only
      // in E.164 (set up by hand) is one of this account's numbers.
      originationIdentity: identityArn ?? sender.originationNumber ?? '',
      identityArns: identityArn ? [identityArn] : [anyNumber],
      configurationSetName: this.smsStatus.configurationSetName,
      configurationSetArn: this.smsStatus.configurationSetArn,
    };
  }

  private createOrImportInboundTopic(): sns.ITopic {
    return createOrImportInboundTopic(this, this.config, this.trustKey.key);
  }
}

/**
 * Whether the functions know which number to text from. The SNS attribute AWS.MM.SMS.OriginationNumber
 * takes the number itself, not an ARN or id, and the functions read it from the bundled config
 * (sender.originationNumber); a number this stack creates is only known once it exists. Until then the
 * functions get no sns:Publish at all, rather than texting from whatever number SNS picks, whose replies
 * would not come back to this trust.
 */
function originationNumberKnown(config: TrustConfig): boolean {
  return config.sender.phoneNumber?.create === undefined || config.sender.originationNumber !== undefined;
}

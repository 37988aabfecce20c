import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, type IConstruct } from 'constructs';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { type FunctionName, functionTimeoutSeconds } from '#core/function-timeouts.ts';
import { acknowledge } from '../nag.ts';
import { bundlingDefine, LAMBDA_BUNDLING } from './bundling.ts';
import { DeadLetterQueue } from './dead-letter-queue.ts';

/** Why an AttendFunction role may hold statements on '*': only actions AWS authorises against '*' get it. */
const STAR_RESOURCE_REASON =
  "Only actions with no resource-level permissions are granted on '*': xray:PutTraceSegments and " +
  'xray:PutTelemetryRecords (active tracing), sns:Publish to phone numbers (a phone number has no ARN; ' +
  'see allowSmsPublish), and dynamodb:ListStreams (stream event source).';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The names of the Lambda entry files under functions/, one per function (core/function-timeouts.ts). */
export type FunctionEntry = FunctionName;

export interface AsyncInvocationProps {
  /**
   * Retries Lambda makes after the function itself fails an asynchronous invocation.
   * @default 2
   */
  readonly retryAttempts?: number;
  /**
   * How long an asynchronous event may wait (throttled or retrying) before it goes to the dead-letter
   * queue instead of running late.
   * @default Duration.hours(6), the Lambda maximum
   */
  readonly maxEventAge?: Duration;
}

export interface AttendFunctionProps {
  /** Which functions/<entry>.ts to bundle; also the function's service name in logs and metrics. */
  readonly entry: FunctionEntry;
  /** Shown in the console next to the function. */
  readonly description: string;
  /** The validated trust config: inlined into the bundle, and the source of names and log retention. */
  readonly config: TrustConfig;
  /** The trust's customer-managed key; encrypts the log group and the dead-letter queue. */
  readonly encryptionKey: kms.IKey;
  /**
   * Concurrent executions reserved for (and capping) this function. 1 serialises a function;
   * every function has a cap so that a flood of texts or a bug cannot exhaust the account or the SMS budget.
   */
  readonly reservedConcurrency: number;
  /**
   * Set for functions invoked asynchronously (Scheduler, SNS): failed events go to a dead-letter queue
   * owned by this construct. Leave unset for synchronous callers (function URL, stream mappings), whose
   * failures are handled by the caller.
   * @default - not invoked asynchronously; no dead-letter queue
   */
  readonly asyncInvocation?: AsyncInvocationProps;
  /** @default 512 */
  readonly memorySize?: number;
  /**
   * Shell commands run after esbuild, given the project root and the bundle's folder: files the code
   * reads at run time (the web function's templates and assets) are laid out here.
   * @default - none
   */
  readonly afterBundling?: (inputDir: string, outputDir: string) => string[];
}

export type TableAccess = 'read' | 'readWrite';

export interface BindTableOptions {
  readonly table: dynamodb.Table;
  readonly access: TableAccess;
  /**
   * The environment variable the handler reads the table name from.
   * @default 'TABLE_NAME'
   */
  readonly envVar?: string;
}

/**
 * The one place a Lambda function's defaults live: Node.js 22 on ARM64, X-Ray active tracing, source
 * maps, an encrypted log group with the trust's retention, reserved concurrency, and an esbuild ESM
 * bundle that carries the trust config validated at synth time. Permissions are granted through the
 * bind methods, which set the matching environment variable at the same time, so a handler never has
 * a table name without the grant or a grant without the table name.
 */
export class AttendFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  /** Receives the events of failed asynchronous invocations; present when `asyncInvocation` is set. */
  readonly deadLetterQueue?: DeadLetterQueue;
  readonly entry: FunctionEntry;
  private readonly acknowledged = new Set<string>();

  constructor(scope: Construct, id: string, props: AttendFunctionProps) {
    super(scope, id);
    const { config, entry } = props;
    this.entry = entry;
    const functionName = `attend-${config.trustId}-${entry}`;

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: retentionDays(config.infrastructure.logRetentionDays),
      encryptionKey: props.encryptionKey,
      // Logs are the audit trail of what was texted and when; they outlive a deleted stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // An explicit role instead of the default one with AWSLambdaBasicExecutionRole, so log writes are
    // limited to this function's own log group.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${functionName}`,
    });
    this.logGroup.grantWrite(this.role);

    if (props.asyncInvocation) {
      this.deadLetterQueue = new DeadLetterQueue(this, 'AsyncDlq', {
        encryptionKey: props.encryptionKey,
        feeds: 'lambda-async',
        holds: `asynchronous invocations of ${functionName} that failed or expired`,
      });
    }

    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      functionName,
      description: props.description,
      entry: `${repoRoot}functions/${entry}.ts`,
      handler: 'handler',
      projectRoot: repoRoot,
      depsLockFilePath: `${repoRoot}package-lock.json`,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      // Each function's own, from the one table the local runtime reads too.
      timeout: Duration.seconds(functionTimeoutSeconds(entry, config.reminders.sweepIntervalMinutes)),
      tracing: lambda.Tracing.ACTIVE,
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      reservedConcurrentExecutions: props.reservedConcurrency,
      ...(this.deadLetterQueue && {
        deadLetterQueue: this.deadLetterQueue.queue,
        retryAttempts: props.asyncInvocation?.retryAttempts ?? 2,
        maxEventAge: props.asyncInvocation?.maxEventAge ?? Duration.hours(6),
      }),
      environment: {
        POWERTOOLS_SERVICE_NAME: entry,
        POWERTOOLS_METRICS_NAMESPACE: 'Attend',
        SMS_ADAPTER: 'sns',
        EVENTS_ADAPTER: 'eventbridge',
        NODE_OPTIONS: '--enable-source-maps',
      },
      bundling: {
        // The same options bench/lambdas.ts bundles with (lib/constructs/bundling.ts).
        format: nodejs.OutputFormat.ESM,
        target: LAMBDA_BUNDLING.target,
        minify: LAMBDA_BUNDLING.minify,
        sourceMap: LAMBDA_BUNDLING.sourcemap,
        banner: LAMBDA_BUNDLING.banner,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        externalModules: [...LAMBDA_BUNDLING.external],
        ...(props.afterBundling && {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: props.afterBundling,
          },
        }),
        define: bundlingDefine(config),
      },
    });

    // Function findings are acknowledged on the AWS::Lambda::Function alone; role findings on the role,
    // which covers its DefaultPolicy (created by the first grant, so not yet addressable here).
    const cfnFunction = this.fn.node.defaultChild as lambda.CfnFunction;
    this.acknowledge(
      cfnFunction,
      'HIPAA.Security-LambdaInsideVPC',
      'The function reaches only AWS public service endpoints (DynamoDB, SNS, EventBridge, X-Ray) over TLS with IAM auth; there is no private resource to reach, and a VPC would add NAT cost and cold-start latency without narrowing exposure.',
    );
    this.acknowledge(
      cfnFunction,
      'AwsSolutions-L1',
      'Pinned to nodejs22.x on purpose: the handlers, the local runtime and CI are built and tested on one Node major; moving to a newer runtime is a tested change, not an automatic one.',
    );
    this.acknowledge(this.role, 'AwsSolutions-IAM5[Resource::*]', STAR_RESOURCE_REASON);
    this.acknowledge(
      this.role,
      'HIPAA.Security-IAMNoInlinePolicy',
      `The grants (bindTable, bindEventBus, log group, DLQ) are least-privilege statements CDK attaches to this one role only; a customer-managed policy used by a single role would add a resource without adding reuse or auditability.`,
    );
    if (this.deadLetterQueue) {
      // Lambda's DeadLetterConfig grants sqs:SendMessage only; the queue is KMS-encrypted.
      props.encryptionKey.grant(this.role, 'kms:GenerateDataKey', 'kms:Decrypt');
    }
  }

  /** Sets the table-name variable and grants CDK's `access` data actions on that table, its indexes and its key. */
  bindTable({ table, access, envVar = 'TABLE_NAME' }: BindTableOptions): this {
    this.fn.addEnvironment(envVar, table.tableName);
    if (access === 'read') table.grantReadData(this.fn);
    else table.grantReadWriteData(this.fn);

    // CDK grants data access on `<table>/index/*` whenever the table has secondary indexes.
    const cfnTable = table.node.defaultChild as dynamodb.CfnTable;
    const stack = Stack.of(this);
    const indexes = [cfnTable.globalSecondaryIndexes, cfnTable.localSecondaryIndexes].flatMap(
      (list) => (stack.resolve(list) as unknown[] | undefined) ?? [],
    );
    if (indexes.length > 0) {
      this.acknowledge(
        this.role,
        `AwsSolutions-IAM5[Resource::<${stack.resolve(cfnTable.logicalId)}.Arn>/index/*]`,
        `Queries go through the indexes of ${envVar}, all of which this function's access patterns may use; the grant is limited to that one table's indexes.`,
      );
    }
    if (table.encryptionKey) this.acknowledgeKeyWildcards();
    return this;
  }

  /** Sets EVENT_BUS_NAME and allows events:PutEvents on that bus only. */
  bindEventBus(bus: events.IEventBus): this {
    this.fn.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
    bus.grantPutEventsTo(this.fn);
    return this;
  }

  /**
   * Sets CONSENT_KEY_SECRET_ARN and allows reading that one secret (and decrypting it with its key): the
   * key of every phone number's consent record, needed by each function that texts or creates clients.
   */
  bindConsentKey(secret: secretsmanager.ISecret): this {
    this.fn.addEnvironment('CONSENT_KEY_SECRET_ARN', secret.secretArn);
    secret.grantRead(this.fn);
    return this;
  }

  /**
   * Sends texts with End User Messaging's SendTextMessage (SMS_ADAPTER eum): from the trust's number or
   * pool, and only with the trust's configuration set, whose event destination reports each text's
   * delivery status. Both are named resources, so nothing is granted on '*'.
   */
  allowSmsSend(sender: {
    /** What SendTextMessage is given as OriginationIdentity: the number or pool ARN, or the E.164 number. */
    readonly originationIdentity: string;
    /** The ARN(s) IAM authorises that identity as (a number given as E.164 is one of the account's numbers). */
    readonly identityArns: readonly string[];
    readonly configurationSetName: string;
    readonly configurationSetArn: string;
  }): this {
    this.fn.addEnvironment('SMS_ADAPTER', 'eum');
    this.fn.addEnvironment('SMS_ORIGINATION_IDENTITY', sender.originationIdentity);
    this.fn.addEnvironment('SMS_CONFIGURATION_SET', sender.configurationSetName);
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SendSmsFromTheTrustNumberWithItsConfigurationSet',
        actions: ['sms-voice:SendTextMessage'],
        resources: [...sender.identityArns, sender.configurationSetArn],
      }),
    );
    if (sender.identityArns.some((arn) => arn.endsWith('phone-number/*'))) {
      this.acknowledge(
        this.role,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sms-voice:${Stack.of(this).region}:<AWS::AccountId>:phone-number/*]`,
        'The trust named its number only in E.164 (sender.originationNumber, set up by hand), so it is sent from by number, which IAM authorises as one of this account’s phone numbers in this region; the function reads the number from its bundled config and sends only with the trust’s configuration set (a named ARN). Set sender.phoneNumber.arn to narrow this to the one number.',
      );
    }
    return this;
  }

  /**
   * Allows sns:Publish to phone numbers (SMS) and nothing else. Publishing to a phone number has no
   * resource ARN, so the Allow must name '*'; the explicit Deny on every SNS ARN (topics and mobile push
   * endpoints, the stack's own inbound topic among them) leaves that '*' meaning phone numbers only. A
   * phone-number publish is authorised against '*', which no ARN pattern matches, so the Deny never
   * touches SMS.
   */
  allowSmsPublish(): this {
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PublishSmsToPhoneNumbers',
        actions: ['sns:Publish'],
        // SNS authorises Publish with a PhoneNumber parameter against '*': there is no ARN to name.
        resources: ['*'],
      }),
    );
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PublishToNoTopicOrEndpoint',
        effect: iam.Effect.DENY,
        actions: ['sns:Publish'],
        resources: [`arn:${Stack.of(this).partition}:sns:*:*:*`],
      }),
    );
    return this;
  }

  /**
   * CDK's grants on KMS-encrypted tables and queues include kms:ReEncrypt* and kms:GenerateDataKey*,
   * scoped to the trust's one key.
   */
  private acknowledgeKeyWildcards(): void {
    for (const action of ['kms:ReEncrypt*', 'kms:GenerateDataKey*']) {
      this.acknowledge(
        this.role,
        `AwsSolutions-IAM5[Action::${action}]`,
        `${action} is how CDK grants use of the trust's customer-managed key for encrypted DynamoDB/SQS data; the statement is limited to that one key ARN.`,
      );
    }
  }

  /** Records each acknowledgement once per construct, however many bind calls need it. */
  private acknowledge(construct: IConstruct, id: string, reason: string): void {
    const key = `${construct.node.path} ${id}`;
    if (this.acknowledged.has(key)) return;
    this.acknowledged.add(key);
    acknowledge(construct, id, reason);
  }
}

/** Maps the config's day count to a CloudWatch Logs retention, failing synth on an unsupported value. */
export function retentionDays(days: number): logs.RetentionDays {
  const allowed = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!allowed.includes(days)) {
    throw new Error(
      `infrastructure.logRetentionDays: ${days} is not a CloudWatch Logs retention; use one of ${allowed
        .filter((d) => d > 0)
        .join(', ')}`,
    );
  }
  return days as logs.RetentionDays;
}

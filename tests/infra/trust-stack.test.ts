/**
 * The example trust's stack, synthesised once with real bundling (local esbuild), asserted resource by
 * resource on the properties that matter for safety, cost and behaviour.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTrustConfig, type TrustConfig } from '#core/config/trust-config.ts';
import { FUNCTION_NAMES, type FunctionName, functionTimeoutSeconds } from '#core/function-timeouts.ts';
import type { AttendFunction } from '#lib/constructs/attend-function.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';
import { createTrustStack, type TrustStack } from '#lib/trust-stack.ts';
import { METRICS_FILTER_PATTERNS } from '#store/metrics-stream-filters.ts';
import { SLOT_FREED_FILTER_PATTERNS } from '#store/stream-filters.ts';
import { IDEMPOTENCY_TABLE, METRICS_TABLE, TABLE } from '#store/table.ts';

const STAFF_ROLE = 'arn:aws:iam::123456789012:role/attend-staff-admin';
const ENTRIES = ['reminder-sweep', 'offer-expiry', 'admin-api', 'inbound-sms', 'backfill'] as const;

let config: TrustConfig;
let stack: TrustStack;
let template: Template;
let assemblyDir: string;

/** The logical id CloudFormation will see for a construct's default resource. */
const ref = (construct: { node: { defaultChild?: unknown } }): string =>
  stack.resolve((construct.node.defaultChild as { logicalId: string }).logicalId) as string;

beforeAll(() => {
  const example = loadTrustConfig('example');
  config = parseTrustConfig({
    ...example,
    infrastructure: {
      ...example.infrastructure,
      staffRoleArns: [STAFF_ROLE],
      alarmEmail: 'ops@example.nhs.uk',
    },
  });
  // The feature flags of cdk.json, so the template is the one `cdk deploy` would produce.
  const { context } = JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> };
  const app = new App({ context, outdir: mkdtempSync(join(tmpdir(), 'attend-cdk-')) });
  stack = createTrustStack(app, config);
  template = Template.fromStack(stack);
  assemblyDir = app.synth().directory;
});

describe('the table', () => {
  const table = () =>
    template.findResources('AWS::DynamoDB::Table', { Properties: { TableName: 'attend-example' } });

  it('has the shared key schema, stream, TTL, on-demand billing and PITR', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'attend-example',
      KeySchema: [
        { AttributeName: TABLE.keys.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: TABLE.keys.sortKey.name, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      TimeToLiveSpecification: { AttributeName: TABLE.ttlAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
    });
  });

  it.each(TABLE.indexes.map((i) => [i.name, i] as const))(
    'has the %s index with its keys, projecting ALL',
    (_, index) => {
      template.hasResourceProperties('AWS::DynamoDB::Table', {
        TableName: 'attend-example',
        GlobalSecondaryIndexes: Match.arrayWith([
          {
            IndexName: index.name,
            KeySchema: [
              { AttributeName: index.partitionKey.name, KeyType: 'HASH' },
              { AttributeName: index.sortKey.name, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          },
        ]),
        AttributeDefinitions: Match.arrayWith([
          { AttributeName: index.partitionKey.name, AttributeType: index.partitionKey.type },
          { AttributeName: index.sortKey.name, AttributeType: index.sortKey.type },
        ]),
      });
    },
  );

  it('has the family indexes the staff pages query instead of a Scan (byClient, lookup)', () => {
    // Named here, not read from TABLE, so dropping either from the shared definition fails this test.
    const gsis = Object.values(table())[0]?.Properties.GlobalSecondaryIndexes as {
      IndexName: string;
      KeySchema: { AttributeName: string; KeyType: string }[];
    }[];
    const keysOf = (name: string) =>
      gsis.find((g) => g.IndexName === name)?.KeySchema.map((k) => k.AttributeName);
    expect(keysOf('byClient')).toEqual(['clientPk', 'clientSk']);
    expect(keysOf('lookup')).toEqual(['lookupPk', 'lookupSk']);
  });

  it('is encrypted with the trust key and retained when the stack goes', () => {
    const [resource] = Object.values(table());
    expect(resource?.DeletionPolicy).toBe('Retain');
    expect(resource?.UpdateReplacePolicy).toBe('Retain');
    expect(resource?.Properties.SSESpecification).toEqual({
      SSEEnabled: true,
      SSEType: 'KMS',
      KMSMasterKeyId: { 'Fn::GetAtt': [ref(stack.table.encryptionKey!), 'Arn'] },
    });
  });

  it('uses a customer-managed key with rotation on', () => {
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
  });
});

describe('the idempotency table', () => {
  it('is keyed on id with TTL on expiration, KMS, PITR and Retain', () => {
    template.hasResource('AWS::DynamoDB::Table', {
      Properties: {
        TableName: 'attend-example-idempotency',
        KeySchema: [{ AttributeName: IDEMPOTENCY_TABLE.partitionKey.name, KeyType: 'HASH' }],
        TimeToLiveSpecification: { AttributeName: IDEMPOTENCY_TABLE.ttlAttribute, Enabled: true },
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        SSESpecification: Match.objectLike({ SSEType: 'KMS', KMSMasterKeyId: Match.anyValue() }),
      },
      DeletionPolicy: 'Retain',
    });
  });
});

describe('the metrics table', () => {
  const metricsTable = () => {
    const found = Object.values(
      template.findResources('AWS::DynamoDB::Table', { Properties: { TableName: 'attend-example-metrics' } }),
    );
    expect(found).toHaveLength(1);
    return found[0]!;
  };

  it('has the main key schema, TTL, on-demand billing, PITR, deletion protection, the trust key and Retain', () => {
    const resource = metricsTable();
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
    expect(resource.Properties).toMatchObject({
      KeySchema: [
        { AttributeName: METRICS_TABLE.keys.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: METRICS_TABLE.keys.sortKey.name, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: METRICS_TABLE.ttlAttribute, Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      SSESpecification: {
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: { 'Fn::GetAtt': [ref(stack.table.encryptionKey!), 'Arn'] },
      },
    });
    // Named here too, not only read from METRICS_TABLE: the counters' keys are pk/sk strings, TTL expiresAtEpoch.
    expect(resource.Properties.AttributeDefinitions).toEqual([
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ]);
    expect(resource.Properties.TimeToLiveSpecification.AttributeName).toBe('expiresAtEpoch');
  });

  it('has no stream and no index, so counter writes reach no stream mapping; the main table keeps its stream', () => {
    const { Properties } = metricsTable();
    expect(Properties).not.toHaveProperty('StreamSpecification');
    expect(Properties).not.toHaveProperty('GlobalSecondaryIndexes');
    expect(Properties).not.toHaveProperty('LocalSecondaryIndexes');
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      TableName: 'attend-example',
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
    });
    const mappedStreams = Object.values(template.findResources('AWS::Lambda::EventSourceMapping')).map(
      (m) => m.Properties.EventSourceArn,
    );
    expect(mappedStreams).toEqual([
      { 'Fn::GetAtt': [ref(stack.table), 'StreamArn'] },
      { 'Fn::GetAtt': [ref(stack.table), 'StreamArn'] },
    ]);
  });

  /** The functions whose code writes counters (services/metrics.ts, delivery.ts, letters.ts), named here. */
  const COUNTER_WRITERS: readonly FunctionName[] = ['metrics-stream', 'delivery-status', 'letter-batch'];
  const WRITE_ACTIONS = [
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    'dynamodb:DeleteItem',
    'dynamodb:BatchWriteItem',
  ];
  const functionOf = (entry: FunctionName): AttendFunction =>
    ({
      ...stack.functions,
      'metrics-stream': stack.metricsStream,
      'delivery-status': stack.deliveryStatus,
      'letter-batch': stack.letterBatch!,
      'web-app': stack.web!,
    })[entry];
  /** The actions a function's role has in statements naming the metrics table. */
  const metricsActionsOf = (f: AttendFunction): string[] => {
    const roleRef = JSON.stringify({ Ref: ref(f.role) });
    const tableArn = JSON.stringify({ 'Fn::GetAtt': [ref(stack.metricsTable), 'Arn'] });
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === roleRef))
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      )
      .filter((s) => JSON.stringify(s.Resource).includes(tableArn))
      .flatMap((s) => [s.Action].flat());
  };

  it('is named to every Attend function, each function in the template being one of them', () => {
    const attendFunctions = Object.values(template.findResources('AWS::Lambda::Function')).filter(
      (f) => f.Properties.Environment?.Variables?.POWERTOOLS_SERVICE_NAME !== undefined,
    );
    expect(
      attendFunctions.map((f) => f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).sort(),
    ).toEqual([...FUNCTION_NAMES].sort());
    for (const f of attendFunctions) {
      expect(f.Properties.Environment.Variables.METRICS_TABLE_NAME).toEqual({ Ref: ref(stack.metricsTable) });
    }
  });

  it.each(FUNCTION_NAMES.filter((e) => COUNTER_WRITERS.includes(e)))(
    '%s, which counts, may write it',
    (entry) => {
      const actions = metricsActionsOf(functionOf(entry));
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:Query', ...WRITE_ACTIONS]));
    },
  );

  it.each(FUNCTION_NAMES.filter((e) => !COUNTER_WRITERS.includes(e)))(
    '%s, which counts nothing, may only read it',
    (entry) => {
      const actions = metricsActionsOf(functionOf(entry));
      expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:Query']));
      expect(
        actions.filter((a) => !/^dynamodb:(BatchGet|Get|Query|Scan|ConditionCheck|Describe)/.test(a)),
      ).toEqual([]);
    },
  );
});

describe('the functions', () => {
  it.each(ENTRIES)('%s runs Node.js 22 on ARM64 with active tracing and the shared environment', (entry) => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: `attend-example-${entry}`,
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
      Handler: 'index.handler',
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: { Ref: ref(stack.table) },
          EVENT_BUS_NAME: { Ref: ref(stack.bus) },
          SMS_ADAPTER: 'eum',
          SMS_CONFIGURATION_SET: 'attend-example',
          EVENTS_ADAPTER: 'eventbridge',
          POWERTOOLS_SERVICE_NAME: entry,
          POWERTOOLS_METRICS_NAMESPACE: 'Attend',
          NODE_OPTIONS: '--enable-source-maps',
        }),
      },
      ReservedConcurrentExecutions: Match.anyValue(),
    });
  });

  it.each(FUNCTION_NAMES)(
    '%s has the timeout of core/function-timeouts.ts, which the local runtime gives its handler too',
    (entry) => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `attend-example-${entry}`,
        Timeout: functionTimeoutSeconds(entry, config.reminders.sweepIntervalMinutes),
      });
    },
  );

  it.each(['inbound-sms', 'backfill'] as const)('%s is told the idempotency table', (entry) => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: `attend-example-${entry}`,
      Environment: {
        Variables: Match.objectLike({ IDEMPOTENCY_TABLE_NAME: { Ref: ref(stack.idempotencyTable) } }),
      },
    });
  });

  it.each(['reminder-sweep', 'offer-expiry'] as const)('%s never runs twice at once', (entry) => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: `attend-example-${entry}`,
      ReservedConcurrentExecutions: 1,
    });
  });

  it.each(ENTRIES)('%s logs to its own KMS-encrypted group with the configured retention', (entry) => {
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: `/aws/lambda/attend-example-${entry}`,
      RetentionInDays: config.infrastructure.logRetentionDays,
      KmsKeyId: Match.anyValue(),
    });
  });

  it('dead-letters failed asynchronous invocations of the scheduled and SNS-driven functions', () => {
    for (const entry of ['reminder-sweep', 'offer-expiry', 'inbound-sms'] as const) {
      const f = stack.functions[entry];
      template.hasResourceProperties('AWS::Lambda::Function', {
        FunctionName: `attend-example-${entry}`,
        DeadLetterConfig: { TargetArn: { 'Fn::GetAtt': [ref(f.deadLetterQueue!.queue), 'Arn'] } },
      });
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: ref(f.fn) },
        MaximumRetryAttempts: Match.anyValue(),
        MaximumEventAgeInSeconds: Match.anyValue(),
      });
    }
  });

  it('bundles the config that synth validated into every bundle that reads it', () => {
    for (const entry of ENTRIES) {
      const fn = template.findResources('AWS::Lambda::Function', {
        Properties: { FunctionName: `attend-example-${entry}` },
      });
      const s3Key = String(Object.values(fn)[0]?.Properties.Code.S3Key);
      const bundle = join(assemblyDir, `asset.${s3Key.replace(/\.zip$/, '')}`, 'index.mjs');
      expect(existsSync(bundle), `${entry} was bundled`).toBe(true);
      const code = readFileSync(bundle, 'utf8');
      if (code.includes('ATTEND_TRUST_CONFIG')) {
        // esbuild's define only replaces the literal expression process.env.ATTEND_TRUST_CONFIG.
        expect(
          code.includes(config.trustName),
          `${entry} reads ATTEND_TRUST_CONFIG, so its bundle must carry the config`,
        ).toBe(true);
      }
    }
  });
});

describe('the schedules', () => {
  it('run the reminder sweep on the configured interval in Europe/London, with retries and a DLQ', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: `cron(0/${config.reminders.sweepIntervalMinutes} * * * ? *)`,
      ScheduleExpressionTimezone: 'Europe/London',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [ref(stack.functions['reminder-sweep'].fn), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: Match.anyValue() },
        DeadLetterConfig: { Arn: Match.anyValue() },
        RoleArn: Match.anyValue(),
      },
    });
  });

  it('may write to their KMS-encrypted dead-letter queues', () => {
    const schedules = Object.values(template.findResources('AWS::Scheduler::Schedule'));
    // The reminder sweep, the offer expiry and (letters.enabled) the daily letter batch
    expect(schedules.length).toBe(3);
    for (const schedule of schedules) {
      const roles = [{ Ref: schedule.Properties.Target.RoleArn['Fn::GetAtt'][0] as string }];
      const grants = (statement: Record<string, unknown>) =>
        template.hasResourceProperties('AWS::IAM::Policy', {
          Roles: roles,
          PolicyDocument: { Statement: Match.arrayWith([Match.objectLike(statement)]) },
        });
      grants({ Action: 'sqs:SendMessage', Resource: schedule.Properties.Target.DeadLetterConfig.Arn });
      grants({
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: { 'Fn::GetAtt': [ref(stack.table.encryptionKey!), 'Arn'] },
      });
    }
  });

  it("send EventBridge Scheduler's context attributes, the shape of tests/fixtures/aws/scheduler-lambda-invoke.json", () => {
    const fixture = JSON.parse(readFileSync('tests/fixtures/aws/scheduler-lambda-invoke.json', 'utf8'));
    for (const schedule of Object.values(template.findResources('AWS::Scheduler::Schedule'))) {
      const input = JSON.parse(schedule.Properties.Target.Input as string);
      expect(input).toEqual({
        scheduleArn: '<aws.scheduler.schedule-arn>',
        scheduledTime: '<aws.scheduler.scheduled-time>',
        executionId: '<aws.scheduler.execution-id>',
        attemptNumber: '<aws.scheduler.attempt-number>',
      });
      expect(Object.keys(input).sort()).toEqual(Object.keys(fixture).sort());
    }
  });

  it('run the offer expiry every minute in Europe/London', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(* * * * ? *)',
      ScheduleExpressionTimezone: 'Europe/London',
      Target: Match.objectLike({
        Arn: { 'Fn::GetAtt': [ref(stack.functions['offer-expiry'].fn), 'Arn'] },
        DeadLetterConfig: { Arn: Match.anyValue() },
      }),
    });
  });
});

describe('the daily letter batch', () => {
  it('runs once a day at letters.batchAt in Europe/London, with retries and a DLQ', () => {
    const [hour, minute] = config.letters.batchAt.split(':').map(Number);
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: `cron(${minute} ${hour} * * ? *)`,
      ScheduleExpressionTimezone: 'Europe/London',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: { 'Fn::GetAtt': [ref(stack.letterBatch!.fn), 'Arn'] },
        RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 86_400 },
        DeadLetterConfig: { Arn: Match.anyValue() },
        RoleArn: Match.anyValue(),
        Input: Match.anyValue(),
      },
    });
  });

  it('may store batches encrypted with the trust key, and the admin API may read them back', () => {
    const policyOf = (
      fn: { role: { node: { defaultChild?: unknown } } },
      statement: Record<string, unknown>,
    ) =>
      template.hasResourceProperties('AWS::IAM::Policy', {
        Roles: [{ Ref: ref(fn.role as never) }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike(statement)]) },
      });
    policyOf(stack.letterBatch!, { Sid: 'PutLetterBatches', Action: 's3:PutObject' });
    policyOf(stack.functions['admin-api'], { Sid: 'GetLetterBatches', Action: 's3:GetObject' });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: `attend-${config.trustId}-letter-batch`,
      ReservedConcurrentExecutions: 1,
      Environment: {
        Variables: Match.objectLike({
          LETTERS_BUCKET_NAME: Match.anyValue(),
          LETTERS_KEY_ARN: Match.anyValue(),
          POWERTOOLS_SERVICE_NAME: 'letter-batch',
        }),
      },
    });
  });
});

describe('the admin API', () => {
  it('is a function URL with IAM auth', () => {
    template.hasResourceProperties('AWS::Lambda::Url', {
      AuthType: 'AWS_IAM',
      TargetFunctionArn: { 'Fn::GetAtt': [ref(stack.functions['admin-api'].fn), 'Arn'] },
    });
  });

  it('lets each staff role call the URL: InvokeFunctionUrl and InvokeFunction, on the function itself', () => {
    const fnArn = { 'Fn::GetAtt': [ref(stack.functions['admin-api'].fn), 'Arn'] };
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunctionUrl',
      FunctionName: fnArn,
      Principal: STAFF_ROLE,
      FunctionUrlAuthType: 'AWS_IAM',
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: fnArn,
      Principal: STAFF_ROLE,
      InvokedViaFunctionUrl: true,
    });
  });
});

describe('the page cursor key', () => {
  const secretId = () =>
    Object.keys(
      template.findResources('AWS::SecretsManager::Secret', {
        Properties: { Name: 'attend/example/cursor-key' },
      }),
    )[0]!;

  it('is a generated secret encrypted with the trust key', () => {
    template.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'attend/example/cursor-key',
      KmsKeyId: Match.anyValue(),
      GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
    });
  });

  it('is named to the admin API and the web function, and only they may read it', () => {
    const secret = { Ref: secretId() };
    const readers = Object.values(template.findResources('AWS::IAM::Policy')).filter((policy) =>
      JSON.stringify(policy).includes(JSON.stringify(secret)),
    );
    expect(readers).toHaveLength(2);
    const functions = template.findResources('AWS::Lambda::Function');
    const cursorEnv = (f: { fn: { node: { defaultChild?: unknown } } }) =>
      (functions[ref(f.fn)]?.Properties as { Environment?: { Variables?: Record<string, unknown> } })
        ?.Environment?.Variables?.CURSOR_KEY_SECRET_ARN;
    for (const f of [stack.functions['admin-api'], stack.web!]) {
      expect(cursorEnv(f)).toEqual(secret);
      const policies = template.findResources('AWS::IAM::Policy', {
        Properties: {
          Roles: [
            { Ref: stack.resolve((f.role.node.defaultChild as unknown as { logicalId: string }).logicalId) },
          ],
        },
      });
      expect(JSON.stringify(policies)).toContain('secretsmanager:GetSecretValue');
      expect(JSON.stringify(policies)).toContain(JSON.stringify(secret));
    }
    for (const entry of ENTRIES.filter((e) => e !== 'admin-api')) {
      expect(cursorEnv(stack.functions[entry])).toBeUndefined();
    }
  });
});

describe('inbound SMS', () => {
  it('creates a KMS-encrypted topic that End User Messaging may publish to over TLS only', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'attend-example-inbound-sms',
      KmsMasterKeyId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: ref(stack.inboundTopic) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'sms-voice.amazonaws.com' },
            Action: 'sns:Publish',
          }),
        ]),
      },
    });
  });

  it('subscribes inbound-sms with a dead-letter queue for undeliverable replies', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: ref(stack.inboundTopic) },
      Endpoint: { 'Fn::GetAtt': [ref(stack.functions['inbound-sms'].fn), 'Arn'] },
      RedrivePolicy: {
        deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^InboundSmsSubscriptionDlq'), 'Arn'] },
      },
    });
  });
});

describe('the backfill stream mapping', () => {
  it('sends only freed slots, reports item failures, bisects, retries and dead-letters', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: ref(stack.functions.backfill.fn) },
      EventSourceArn: { 'Fn::GetAtt': [ref(stack.table), 'StreamArn'] },
      StartingPosition: 'LATEST',
      BatchSize: 10,
      FilterCriteria: { Filters: SLOT_FREED_FILTER_PATTERNS.map((p) => ({ Pattern: JSON.stringify(p) })) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: Match.anyValue(),
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BackfillStreamDlq'), 'Arn'] } },
      },
    });
  });
});

describe('the consent key', () => {
  const statementsOf = (role: { node: { defaultChild?: unknown } }) => {
    const roleRef = JSON.stringify({ Ref: ref(role) });
    return Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) => (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === roleRef))
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      );
  };

  it('is a generated secret, encrypted with the trust key, retained when the stack goes', () => {
    template.hasResource('AWS::SecretsManager::Secret', {
      Properties: {
        Name: 'attend/example/consent-key',
        GenerateSecretString: Match.objectLike({ PasswordLength: 64 }),
        KmsKeyId: { 'Fn::GetAtt': [ref(stack.table.encryptionKey!), 'Arn'] },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    // Rotating it would orphan every opt-out record.
    expect(template.findResources('AWS::SecretsManager::RotationSchedule')).toEqual({});
  });

  it.each(ENTRIES)('%s, which texts or creates clients, is told the secret and may read it', (entry) => {
    const f = stack.functions[entry];
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: `attend-example-${entry}`,
      Environment: {
        Variables: Match.objectLike({ CONSENT_KEY_SECRET_ARN: { Ref: ref(stack.consentKey) } }),
      },
    });
    // CDK may merge statements with the same actions into one (a large policy is minimised), so the
    // secret is looked for among the resources of every statement that reads secrets.
    const readable = statementsOf(f.role)
      .filter((s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'))
      .flatMap((s) => [s.Resource].flat());
    expect(readable).toContainEqual({ Ref: ref(stack.consentKey) });
  });

  it('is not readable by the metrics stream consumer, which texts nobody', () => {
    const actions = statementsOf(stack.metricsStream.role).flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => a.startsWith('secretsmanager:'))).toEqual([]);
  });
});

describe('the metrics stream consumer', () => {
  const metricsFn = () => stack.metricsStream;

  it('runs Node.js 22 on ARM64 with tracing, told the table but no bus, SMS or idempotency table', () => {
    const [fn] = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { FunctionName: 'attend-example-metrics-stream' },
      }),
    );
    expect(fn?.Properties).toMatchObject({
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: { Mode: 'Active' },
    });
    expect(fn?.Properties.ReservedConcurrentExecutions).toBeGreaterThan(0);
    const vars = fn?.Properties.Environment.Variables as Record<string, unknown>;
    expect(vars.TABLE_NAME).toEqual({ Ref: ref(stack.table) });
    expect(vars).not.toHaveProperty('EVENT_BUS_NAME');
    expect(vars).not.toHaveProperty('IDEMPOTENCY_TABLE_NAME');
  });

  it('carries the trust config synth validated in its bundle', () => {
    const [fn] = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { FunctionName: 'attend-example-metrics-stream' },
      }),
    );
    const s3Key = String(fn?.Properties.Code.S3Key);
    const bundle = join(assemblyDir, `asset.${s3Key.replace(/\.zip$/, '')}`, 'index.mjs');
    expect(readFileSync(bundle, 'utf8')).toContain(config.trustName);
  });

  it('may read the table and its stream, write only the metrics table, and use nothing on the bus, SNS or the idempotency table', () => {
    const roleRef = { Ref: ref(metricsFn().role) };
    const statements = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((p) =>
        (p.Properties.Roles as unknown[]).some((r) => JSON.stringify(r) === JSON.stringify(roleRef)),
      )
      .flatMap(
        (p) => p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      );
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'dynamodb:GetRecords']));
    expect(actions.filter((a) => a.startsWith('sns:') || a.startsWith('events:'))).toEqual([]);
    const writes = [
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:BatchWriteItem',
    ];
    const mainArn = JSON.stringify({ 'Fn::GetAtt': [ref(stack.table), 'Arn'] });
    const onMain = statements.filter((s) => JSON.stringify(s.Resource).includes(mainArn));
    expect(onMain.length).toBeGreaterThan(0);
    expect(onMain.flatMap((s) => [s.Action].flat()).filter((a) => writes.includes(a))).toEqual([]);
    const idempotencyArn = JSON.stringify({ 'Fn::GetAtt': [ref(stack.idempotencyTable), 'Arn'] });
    expect(statements.some((s) => JSON.stringify(s.Resource).includes(idempotencyArn))).toBe(false);
  });

  it('is fed bookings, freed slots and outbound texts, one at a time, with retries, bisect and a DLQ', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: ref(metricsFn().fn) },
      EventSourceArn: { 'Fn::GetAtt': [ref(stack.table), 'StreamArn'] },
      StartingPosition: 'LATEST',
      FilterCriteria: { Filters: METRICS_FILTER_PATTERNS.map((p) => ({ Pattern: JSON.stringify(p) })) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BisectBatchOnFunctionError: true,
      MaximumRetryAttempts: Match.anyValue(),
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MetricsStreamDlq'), 'Arn'] } },
      },
    });
  });

  it('is watched for errors, throttles and dead letters', () => {
    for (const metric of ['Errors', 'Throttles']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: metric,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: ref(metricsFn().fn) } }],
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^MetricsStreamDlq'), 'QueueName'] },
        },
      ],
    });
  });
});

describe('queues', () => {
  it('are all KMS-encrypted with the trust key', () => {
    const queues = Object.values(template.findResources('AWS::SQS::Queue'));
    expect(queues.length).toBeGreaterThan(0);
    for (const q of queues) {
      expect(q.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [ref(stack.table.encryptionKey!), 'Arn'] });
    }
  });

  it('all refuse requests without TLS', () => {
    const queueIds = Object.keys(template.findResources('AWS::SQS::Queue'));
    const policies = Object.values(template.findResources('AWS::SQS::QueuePolicy'));
    for (const id of queueIds) {
      const policy = policies.find((p) =>
        (p.Properties.Queues as { Ref: string }[]).some((q) => q.Ref === id),
      );
      expect(policy, `queue ${id} has a policy`).toBeDefined();
      expect(policy?.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 'sqs:*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      );
    }
  });
});

describe('alarms', () => {
  const opsTopic = () => ({ Ref: ref(stack.alarms.topic) });

  it('publish to a KMS-encrypted ops topic with the configured email subscribed', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'attend-example-ops',
      KmsMasterKeyId: Match.anyValue(),
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.nhs.uk',
      TopicArn: opsTopic(),
    });
  });

  it('watch the depth of every dead-letter queue', () => {
    for (const queueId of Object.keys(template.findResources('AWS::SQS::Queue'))) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        AlarmActions: [opsTopic()],
      });
    }
  });

  it('watch the backfill iterator age', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/Lambda',
      MetricName: 'IteratorAge',
      Dimensions: [{ Name: 'FunctionName', Value: { Ref: ref(stack.functions.backfill.fn) } }],
      Statistic: 'Maximum',
      AlarmActions: [opsTopic()],
    });
  });

  it.each(ENTRIES)('watch errors and throttles of %s', (entry) => {
    for (const metric of ['Errors', 'Throttles']) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'AWS/Lambda',
        MetricName: metric,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: ref(stack.functions[entry].fn) } }],
        AlarmActions: [opsTopic()],
      });
    }
  });

  it('watch the SMS failure rate from the AWS/SNS direct-publish metrics', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Metrics: Match.arrayWith([
        Match.objectLike({
          Id: 'failed',
          MetricStat: Match.objectLike({
            Metric: {
              Namespace: 'AWS/SNS',
              MetricName: 'NumberOfNotificationsFailed',
              Dimensions: [{ Name: 'PhoneNumber', Value: 'PhoneNumberDirect' }],
            },
          }),
        }),
      ]),
      AlarmActions: [opsTopic()],
    });
  });
});

describe('IAM', () => {
  it('has no statement granting every action or every action of a service', () => {
    const docs = [
      ...Object.values(template.findResources('AWS::IAM::Policy')).map((p) => p.Properties.PolicyDocument),
      ...Object.values(template.findResources('AWS::IAM::ManagedPolicy')).map(
        (p) => p.Properties.PolicyDocument,
      ),
      ...Object.values(template.findResources('AWS::IAM::Role')).flatMap((r) =>
        (r.Properties.Policies ?? []).map((p: { PolicyDocument: unknown }) => p.PolicyDocument),
      ),
    ] as { Statement: { Effect: string; Action: string | string[] }[] }[];
    expect(docs.length).toBeGreaterThan(0);
    const actions = docs
      .flatMap((d) => d.Statement)
      .filter((s) => s.Effect === 'Allow')
      .flatMap((s) => [s.Action].flat());
    expect(actions.filter((a) => a === '*' || /^[a-z0-9-]+:\*$/.test(a))).toEqual([]);
  });

  it('lets the texting functions send SMS only with the trust’s configuration set, and publish to no SNS at all', () => {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).map(
      (p) =>
        p.Properties.PolicyDocument.Statement as { Effect: string; Action: unknown; Resource: unknown }[],
    );
    const sending = policies.filter((statements) =>
      statements.some((s) => s.Effect === 'Allow' && s.Action === 'sms-voice:SendTextMessage'),
    );
    // The web function (with the front door) may text too: replies from the staff inbox.
    expect(sending.length).toBe(ENTRIES.length + (stack.web ? 1 : 0));
    const configurationSet = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':sms-voice:eu-west-2:',
          { Ref: 'AWS::AccountId' },
          ':configuration-set/attend-example',
        ],
      ],
    };
    for (const statements of sending) {
      const send = statements.find((s) => s.Action === 'sms-voice:SendTextMessage')!;
      expect(send.Resource).toContainEqual(configurationSet);
      expect(send.Resource).not.toContain('*');
    }
    const snsOnStar = policies
      .flat()
      .filter(
        (s) =>
          s.Effect === 'Allow' &&
          s.Resource === '*' &&
          [s.Action].flat().some((a) => String(a).startsWith('sns:')),
      );
    expect(snsOnStar).toEqual([]);
  });
});

describe('delivery status', () => {
  it('has a configuration set whose event destination sends every SMS event to an encrypted topic', () => {
    template.hasResourceProperties('AWS::SMSVOICE::ConfigurationSet', {
      ConfigurationSetName: 'attend-example',
      EventDestinations: [
        {
          EventDestinationName: 'attend-delivery-status',
          Enabled: true,
          MatchingEventTypes: ['TEXT_ALL'],
          SnsDestination: { TopicArn: { Ref: ref(stack.smsStatus.topic) } },
        },
      ],
    });
    template.hasResourceProperties('AWS::SNS::Topic', {
      TopicName: 'attend-example-sms-status',
      KmsMasterKeyId: Match.anyValue(),
    });
  });

  it('lets only End User Messaging of this account publish to the topic, over TLS', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: ref(stack.smsStatus.topic) }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'sms-voice.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it('subscribes the delivery-status function with a dead-letter queue, and never lets it text', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'lambda',
      TopicArn: { Ref: ref(stack.smsStatus.topic) },
      Endpoint: { 'Fn::GetAtt': [ref(stack.deliveryStatus.fn), 'Arn'] },
      RedrivePolicy: { deadLetterTargetArn: Match.anyValue() },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      FunctionName: 'attend-example-delivery-status',
      Environment: {
        Variables: Match.objectLike({ SMS_ADAPTER: 'sns', POWERTOOLS_SERVICE_NAME: 'delivery-status' }),
      },
    });
    const policy = Object.values(template.findResources('AWS::IAM::Policy')).find((p) =>
      (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref.startsWith('DeliveryStatusRole')),
    );
    expect(JSON.stringify(policy)).not.toContain('sms-voice:SendTextMessage');
  });
});

describe('outputs and tags', () => {
  it('exports the admin URL, table, bus and inbound topic', () => {
    for (const name of ['AdminApiUrl', 'TableName', 'EventBusName', 'InboundSmsTopicArn']) {
      template.hasOutput(name, { Value: Match.anyValue() });
    }
  });

  it('names the stack after the trust and tags it', () => {
    expect(stack.stackName).toBe('Attend-example');
    expect(stack.tags.tagValues()).toEqual({ 'attend:trust': 'example', project: 'attend' });
  });
});

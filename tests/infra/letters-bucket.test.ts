/**
 * The letters bucket in the trust stack (encryption with the trust key, TLS only, no public access,
 * lifecycle from letters.retentionDays, access logs) and the grants a future letters function gets.
 * Bundling is skipped: these assertions are about the bucket and the policies, not the code.
 */
import { readFileSync } from 'node:fs';
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseTrustConfig } from '#core/config/trust-config.ts';
import { AttendFunction } from '#lib/constructs/attend-function.ts';
import { LETTER_BATCH_PREFIX, LettersBucket } from '#lib/constructs/letters-bucket.ts';
import { TrustKey } from '#lib/constructs/trust-key.ts';
import { compliancePacks } from '#lib/nag.ts';
import { loadTrustConfig } from '#lib/trust-config.ts';
import { createTrustStack, type TrustStack } from '#lib/trust-stack.ts';

const { context } = JSON.parse(readFileSync('cdk.json', 'utf8')) as { context: Record<string, unknown> };
const newApp = () => new App({ context: { ...context, 'aws:cdk:bundling-stacks': [] } });

/** The logical id CloudFormation sees for a construct's default resource. */
const logicalId = (stack: Stack, construct: { node: { defaultChild?: unknown } }): string =>
  stack.resolve((construct.node.defaultChild as { logicalId: string }).logicalId) as string;

describe('the trust stack with letters enabled', () => {
  let stack: TrustStack;
  let template: Template;
  let bucketId: string;
  let logsId: string;
  let keyId: string;

  beforeAll(() => {
    // Prepare: the example trust with a retention that differs from the default, to see it wired through.
    const example = loadTrustConfig('example');
    const config = parseTrustConfig({ ...example, letters: { ...example.letters, retentionDays: 45 } });
    stack = createTrustStack(newApp(), config);
    template = Template.fromStack(stack);
    bucketId = logicalId(stack, stack.letters!.bucket);
    logsId = logicalId(stack, stack.letters!.accessLogs);
    keyId = logicalId(stack, stack.table.encryptionKey!);
  });

  it('encrypts batches with the trust key (SSE-KMS, bucket key on)', () => {
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          {
            ServerSideEncryptionByDefault: {
              SSEAlgorithm: 'aws:kms',
              KMSMasterKeyID: { 'Fn::GetAtt': [keyId, 'Arn'] },
            },
            BucketKeyEnabled: true,
          },
        ],
      },
      LoggingConfiguration: { DestinationBucketName: { Ref: logsId } },
      VersioningConfiguration: { Status: 'Enabled' },
    });
  });

  it('blocks all public access', () => {
    const bucket = template.findResources('AWS::S3::Bucket')[bucketId];
    expect(bucket?.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true,
      BlockPublicPolicy: true,
      IgnorePublicAcls: true,
      RestrictPublicBuckets: true,
    });
    expect(bucket?.Properties.OwnershipControls).toEqual({
      Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }],
    });
  });

  it('refuses every request without TLS, and TLS older than 1.2', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
          Match.objectLike({
            Effect: 'Deny',
            Action: 's3:*',
            Principal: { AWS: '*' },
            Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } },
          }),
        ]),
      },
    });
  });

  it('deletes batches after letters.retentionDays, and their old versions a day later', () => {
    const bucket = template.findResources('AWS::S3::Bucket')[bucketId];
    expect(bucket?.Properties.LifecycleConfiguration.Rules).toEqual([
      {
        Id: 'DeleteLetterBatches',
        Status: 'Enabled',
        ExpirationInDays: 45,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
      },
      { Id: 'RemoveExpiredDeleteMarkers', Status: 'Enabled', ExpiredObjectDeleteMarker: true },
    ]);
    expect(bucket?.DeletionPolicy).toBe('Retain');
  });

  it('lets only S3 log delivery for this bucket write the access logs (no ACLs)', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: logsId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Action: 's3:PutObject',
            Principal: { Service: 'logging.s3.amazonaws.com' },
            Condition: Match.objectLike({
              ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [bucketId, 'Arn'] } },
            }),
          }),
        ]),
      },
    });
    const logs = template.findResources('AWS::S3::Bucket')[logsId];
    expect(logs?.Properties.PublicAccessBlockConfiguration.BlockPublicPolicy).toBe(true);
    expect(logs?.Properties.AccessControl).toBeUndefined();
  });

  it('grants the bucket only to the letter-batch function and the two that download batches', () => {
    // Which roles have a policy that names the bucket
    const policies = template.findResources('AWS::IAM::Policy') as Record<
      string,
      { Properties: { Roles: { Ref: string }[] } }
    >;
    const roles = Object.values(policies)
      .filter((policy) => JSON.stringify(policy).includes(bucketId))
      .flatMap((policy) => policy.Properties.Roles.map((role) => role.Ref))
      .sort();

    const expected = [stack.letterBatch!, stack.functions['admin-api'], stack.web!]
      .map((fn) => logicalId(stack, fn.role))
      .sort();
    expect(roles).toEqual(expected);
  });
});

describe('the trust stack with letters off', () => {
  it('has no letters bucket', () => {
    const stack = createTrustStack(newApp(), loadTrustConfig('example-north'));
    expect(stack.letters).toBeUndefined();
    Template.fromStack(stack).resourceCountIs('AWS::S3::Bucket', 0);
  });
});

describe('bindWriter and bindReader', () => {
  let app: App;
  let stack: Stack;
  let letters: LettersBucket;
  let writer: AttendFunction;
  let reader: AttendFunction;
  let template: Template;

  beforeAll(() => {
    // Prepare: two functions standing in for the future letters function and the download route.
    app = newApp();
    stack = new Stack(app, 'LettersGrants');
    const key = new TrustKey(stack, 'Key', { trustId: 'example' }).key;
    letters = new LettersBucket(stack, 'Letters', {
      trustId: 'example',
      encryptionKey: key,
      retentionDays: 30,
    });
    const config = loadTrustConfig('example');
    const fn = (id: string, entry: AttendFunction['entry']) =>
      new AttendFunction(stack, id, {
        entry,
        description: id,
        config,
        encryptionKey: key,
        reservedConcurrency: 1,
      });
    writer = fn('Writer', 'reminder-sweep');
    reader = fn('Reader', 'admin-api');
    letters.bindWriter(writer);
    letters.bindReader(reader);
    template = Template.fromStack(stack);
  });

  const statementsOf = (f: AttendFunction) => {
    const roleId = logicalId(stack, f.role);
    const [policy] = Object.values(
      template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: roleId }] } }),
    );
    return policy?.Properties.PolicyDocument.Statement as { Action: unknown; Resource: unknown }[];
  };
  const bucketArnForBatches = () => ({
    'Fn::Join': [
      '',
      [{ 'Fn::GetAtt': [logicalId(stack, letters.bucket), 'Arn'] }, `/${LETTER_BATCH_PREFIX}*`],
    ],
  });

  it('lets the writer put objects under batches/ only, with the key to encrypt them', () => {
    const statements = statementsOf(writer);
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 's3:PutObject', Resource: bucketArnForBatches() }),
    );
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: 'kms:GenerateDataKey',
        Resource: { 'Fn::GetAtt': [logicalId(stack, letters.bucket.encryptionKey!), 'Arn'] },
      }),
    );
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain('s3:GetObject');
    expect(actions).not.toContain('s3:DeleteObject');
  });

  it('lets the reader get objects under batches/ only, with the key to decrypt them', () => {
    const statements = statementsOf(reader);
    expect(statements).toContainEqual(
      expect.objectContaining({ Action: 's3:GetObject', Resource: bucketArnForBatches() }),
    );
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'kms:Decrypt' }));
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain('s3:PutObject');
  });

  it('sets the bucket name (and for the writer, the key) with the grant', () => {
    const env = (f: AttendFunction) =>
      template.findResources('AWS::Lambda::Function')[logicalId(stack, f.fn)]?.Properties.Environment
        .Variables;
    expect(env(writer)).toMatchObject({
      LETTERS_BUCKET_NAME: { Ref: logicalId(stack, letters.bucket) },
      LETTERS_KEY_ARN: { 'Fn::GetAtt': [expect.any(String), 'Arn'] },
    });
    expect(env(reader)).toMatchObject({ LETTERS_BUCKET_NAME: { Ref: logicalId(stack, letters.bucket) } });
    expect(env(reader)).not.toHaveProperty('LETTERS_KEY_ARN');
  });

  it('leaves cdk-nag nothing unacknowledged on the buckets or the bound roles', () => {
    app.synth();
    const findings = compliancePacks().flatMap((pack) =>
      pack
        .validateScope(app)
        .violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`)),
    );
    // The stand-in functions' own findings (no DLQ) are theirs, not the bucket's.
    expect(findings.filter((f) => !f.startsWith('HIPAA.Security-LambdaDLQ '))).toEqual([]);
  });
});

/**
 * The LetterSink adapters: local files on a temporary folder, S3 with the SDK mocked at its edge
 * (aws-sdk-client-mock), and GOV.UK Notify through the official client against a local HTTP server that
 * checks what Notify's API checks (the JWT, the body), so only the network edge is stood in for.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LetterBatch } from '#messaging/letter-sink.ts';
import { LetterSinkError } from '#messaging/letter-sink.ts';
import { LocalFileLetterSink } from '#messaging/local-file-letter-sink.ts';
import { lazyNotifyLetterSink, NotifyLetterSink, readNotifyApiKey } from '#messaging/notify-letter-sink.ts';
import { batchKey, S3LetterSink } from '#messaging/s3-letter-sink.ts';
import { FakeNotify } from '#tests/support/fake-notify.ts';

/** One mock of the S3 client class for the whole file: mocks of the same class would undo each other. */
const s3Mock = mockClient(S3Client);
afterEach(() => s3Mock.reset());
afterAll(() => s3Mock.restore());

const pdf = (text: string) => new Uint8Array(Buffer.from(`%PDF-1.7\n${text}\n%%EOF\n`));

function aBatch(overrides: Partial<LetterBatch> = {}): LetterBatch {
  return {
    batchId: 'b-20261120-1',
    clinicId: 'riverside',
    day: '2026-11-20',
    pdf: pdf('the whole batch'),
    letters: [
      { letterId: 'ltr-1', pdf: pdf('letter one') },
      { letterId: 'ltr-2', pdf: pdf('letter two') },
    ],
    ...overrides,
  };
}

describe.each([
  { name: 'a path outside the folder', batch: { batchId: '../../etc' }, message: /batchId/ },
  { name: 'an upper-case clinic id', batch: { clinicId: 'Riverside' }, message: /clinicId/ },
  { name: 'a day that is not a date', batch: { day: '2026-13-45' }, message: /day/ },
  { name: 'bytes that are not a PDF', batch: { pdf: new Uint8Array([1, 2, 3]) }, message: /not a PDF/ },
  {
    name: 'a letter twice',
    batch: { letters: [{ letterId: 'ltr-1' }, { letterId: 'ltr-1' }] },
    message: /twice/,
  },
])('every sink refuses $name', ({ batch, message }) => {
  it('before writing anything', async () => {
    const root = mkdtempSync(join(tmpdir(), 'attend-letters-'));
    const sinks = [
      new LocalFileLetterSink({ root, trustId: 'example' }),
      new S3LetterSink(new S3Client({ region: 'eu-west-2' }), { bucket: 'b', kmsKeyArn: 'k' }),
    ];
    for (const sink of sinks) {
      await expect(sink.storeBatch(aBatch(batch))).rejects.toThrow(message);
    }
    expect(s3Mock.commandCalls(PutObjectCommand)).toHaveLength(0);
  });
});

describe('LocalFileLetterSink', () => {
  let root: string;
  let sink: LocalFileLetterSink;

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'attend-letters-'));
    sink = new LocalFileLetterSink({ root, trustId: 'example' });
  });

  it('writes .attend/letters/<trust>/<day>/<clinic>-<batch>.pdf, readable only by its owner', async () => {
    // Act
    const stored = await sink.storeBatch(aBatch());

    // Assess
    const path = join(root, 'letters', 'example', '2026-11-20', 'riverside-b-20261120-1.pdf');
    expect(stored).toEqual({
      location: path,
      letters: [
        { letterId: 'ltr-1', status: 'stored' },
        { letterId: 'ltr-2', status: 'stored' },
      ],
    });
    expect(readFileSync(path, 'latin1')).toContain('the whole batch');
    expect(statSync(path).mode & 0o777).toBe(0o600);
  });

  it('takes the same batch again (a retry), but never a different one under the same id', async () => {
    // Prepare
    await sink.storeBatch(aBatch());

    // Act
    const again = await sink.storeBatch(aBatch());

    // Assess
    expect(again.location).toMatch(/riverside-b-20261120-1\.pdf$/);
    await expect(sink.storeBatch(aBatch({ pdf: pdf('something else') }))).rejects.toThrow(
      /already holds a different batch/,
    );
  });
});

describe('S3LetterSink', () => {
  const settings = { bucket: 'attend-letters', kmsKeyArn: 'arn:aws:kms:eu-west-2:111122223333:key/abc' };
  const sink = new S3LetterSink(new S3Client({ region: 'eu-west-2' }), settings);

  it('puts the batch under batches/<day>/, encrypted with the trust key, create-only', async () => {
    // Prepare
    s3Mock.on(PutObjectCommand).resolves({});

    // Act
    const stored = await sink.storeBatch(aBatch());

    // Assess
    expect(stored.location).toBe('s3://attend-letters/batches/2026-11-20/riverside-b-20261120-1.pdf');
    expect(stored.letters.map((l) => l.status)).toEqual(['stored', 'stored']);
    const [call] = s3Mock.commandCalls(PutObjectCommand);
    expect(call?.args[0].input).toMatchObject({
      Bucket: 'attend-letters',
      Key: 'batches/2026-11-20/riverside-b-20261120-1.pdf',
      ContentType: 'application/pdf',
      ServerSideEncryption: 'aws:kms',
      SSEKMSKeyId: settings.kmsKeyArn,
      BucketKeyEnabled: true,
      IfNoneMatch: '*',
      Metadata: { 'batch-id': 'b-20261120-1', letters: '2' },
    });
    expect(Buffer.from(call?.args[0].input.Body as Uint8Array).toString('latin1')).toContain(
      'the whole batch',
    );
  });

  it('counts a batch already there (412 on a retry) as stored', async () => {
    // Prepare
    s3Mock.on(PutObjectCommand).rejects(
      new S3ServiceException({
        name: 'PreconditionFailed',
        $fault: 'client',
        $metadata: { httpStatusCode: 412 },
        message: 'At least one of the pre-conditions you specified did not hold',
      }),
    );

    // Act
    const stored = await sink.storeBatch(aBatch());

    // Assess
    expect(stored.location).toBe(`s3://attend-letters/${batchKey(aBatch())}`);
  });

  it('fails with the error’s name only, keeping the SDK error as the cause', async () => {
    // Prepare
    const denied = new S3ServiceException({
      name: 'AccessDenied',
      $fault: 'client',
      $metadata: { httpStatusCode: 403 },
      message: 'User arn:aws:sts::111122223333:assumed-role/x is not authorized',
    });
    s3Mock.on(PutObjectCommand).rejects(denied);

    // Act
    const error = await sink.storeBatch(aBatch()).catch((err: unknown) => err);

    // Assess
    expect(error).toBeInstanceOf(LetterSinkError);
    expect((error as Error).message).toBe('S3 PutObject of a letter batch failed: AccessDenied');
    expect((error as Error).cause).toBe(denied);
  });
});

describe('NotifyLetterSink, with the official notifications-node-client', () => {
  const notify = new FakeNotify();

  beforeAll(() => notify.start());
  afterAll(() => notify.stop());
  beforeEach(() => {
    notify.received.length = 0;
    notify.answers.length = 0;
  });

  const sink = () => new NotifyLetterSink({ apiKey: notify.apiKey, postage: 'second', baseUrl: notify.url });

  it('sends each letter’s own PDF as a precompiled letter, referenced by its letter id', async () => {
    // Act
    const stored = await sink().storeBatch(aBatch());

    // Assess
    expect(notify.received.map((r) => [r.reference, r.content.toString('latin1'), r.postage])).toEqual([
      ['ltr-1', '%PDF-1.7\nletter one\n%%EOF\n', 'second'],
      ['ltr-2', '%PDF-1.7\nletter two\n%%EOF\n', 'second'],
    ]);
    expect(stored.location).toBe('notify:b-20261120-1');
    expect(stored.letters).toEqual([
      { letterId: 'ltr-1', status: 'sent', providerId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      { letterId: 'ltr-2', status: 'sent', providerId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
    ]);
    expect(sink().needsLetterPdfs).toBe(true);
  });

  it('reports each refused letter and carries on with the rest; throttling is worth retrying', async () => {
    // Prepare
    notify.answers.push(
      {
        status: 400,
        body: {
          status_code: 400,
          errors: [{ error: 'BadRequestError', message: 'Letter content is not a valid PDF' }],
        },
      },
      {
        status: 429,
        body: { status_code: 429, errors: [{ error: 'RateLimitError', message: 'Exceeded rate limit' }] },
      },
    );
    const batch = aBatch({
      letters: [
        { letterId: 'ltr-1', pdf: pdf('one') },
        { letterId: 'ltr-2', pdf: pdf('two') },
        { letterId: 'ltr-3', pdf: pdf('three') },
        { letterId: 'ltr-4' },
      ],
    });

    // Act
    const stored = await sink().storeBatch(batch);

    // Assess
    expect(stored.letters).toEqual([
      {
        letterId: 'ltr-1',
        status: 'failed',
        reason: 'Notify answered 400 BadRequestError: Letter content is not a valid PDF',
        retryable: false,
      },
      {
        letterId: 'ltr-2',
        status: 'failed',
        reason: 'Notify answered 429 RateLimitError: Exceeded rate limit',
        retryable: true,
      },
      { letterId: 'ltr-3', status: 'sent', providerId: expect.any(String) },
      { letterId: 'ltr-4', status: 'failed', reason: 'the letter has no PDF of its own', retryable: false },
    ]);
    expect(notify.received).toHaveLength(3);
  });

  it('is refused by Notify with a key it did not issue (the JWT is really checked)', async () => {
    // Prepare
    const wrong = new NotifyLetterSink({
      apiKey: `attend_live-${notify.serviceId}-${randomUUID()}`,
      postage: 'first',
      baseUrl: notify.url,
    });

    // Act
    const stored = await wrong.storeBatch(aBatch({ letters: [{ letterId: 'ltr-1', pdf: pdf('one') }] }));

    // Assess
    expect(stored.letters).toEqual([
      {
        letterId: 'ltr-1',
        status: 'failed',
        reason: 'Notify answered 403 AuthError: Invalid token',
        retryable: false,
      },
    ]);
  });

  it('counts Notify being unreachable as retryable', async () => {
    // Prepare: a port nothing listens on.
    const closed = new FakeNotify();
    await closed.start();
    await closed.stop();
    const unreachable = new NotifyLetterSink({
      apiKey: notify.apiKey,
      postage: 'second',
      baseUrl: closed.url,
    });

    // Act
    const stored = await unreachable.storeBatch(
      aBatch({ letters: [{ letterId: 'ltr-1', pdf: pdf('one') }] }),
    );

    // Assess
    expect(stored.letters).toEqual([
      {
        letterId: 'ltr-1',
        status: 'failed',
        reason: 'Notify could not be reached (ECONNREFUSED)',
        retryable: true,
      },
    ]);
  });

  it('never counts a lost answer as retryable: Notify may have taken the letter before the connection dropped', async () => {
    // Prepare: a server that reads the whole request, then drops the connection without answering
    const dropping = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.socket?.destroy());
    });
    await new Promise<void>((resolve) => dropping.listen(0, '127.0.0.1', resolve));
    const port = (dropping.address() as { port: number }).port;
    const sink = new NotifyLetterSink({
      apiKey: notify.apiKey,
      postage: 'second',
      baseUrl: `http://127.0.0.1:${port}`,
    });

    // Act
    const outcome = await sink.sendLetter({ letterId: 'ltr-1', pdf: pdf('one') });
    await new Promise((resolve) => dropping.close(resolve));

    // Assess
    expect(outcome).toEqual({
      letterId: 'ltr-1',
      status: 'failed',
      reason: expect.stringMatching(/^Notify's answer was lost \(ECONNRESET\): check Notify/),
      retryable: false,
      lost: true,
    });
  });

  it('finds a letter by its reference (a signed GET of letters with that reference), or says it has none', async () => {
    // Prepare
    notify.lookups.length = 0;
    notify.lookupAnswers.length = 0;
    const taken = await sink().sendLetter({ letterId: 'ltr-1', pdf: pdf('one') });

    // Act
    const found = await sink().findLetter('ltr-1');
    const none = await sink().findLetter('ltr-2');

    // Assess
    expect(found).toEqual({
      found: true,
      providerId: taken.status === 'sent' ? taken.providerId : 'not sent',
      status: 'accepted',
    });
    expect(none).toEqual({ found: false });
    expect(notify.lookups).toEqual([
      { reference: 'ltr-1', templateType: 'letter' },
      { reference: 'ltr-2', templateType: 'letter' },
    ]);
  });

  it('never reads Notify down, throttled, refusing the key or answering nonsense as "not found"', async () => {
    // Prepare
    notify.lookupAnswers.length = 0;
    notify.lookupAnswers.push(
      { status: 503, body: { errors: [{ error: 'ServiceUnavailable', message: 'down' }] } },
      { status: 429, body: { errors: [{ error: 'RateLimitError', message: 'Exceeded rate limit' }] } },
      { status: 403, body: { errors: [{ error: 'AuthError', message: 'Invalid token' }] } },
      { status: 200, body: { items: [] } },
    );

    // Act
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await sink().findLetter('ltr-1'));

    // Assess
    expect(answers.map((a) => a.found)).toEqual(['unknown', 'unknown', 'unknown', 'unknown']);
    expect(answers[0]).toEqual({ found: 'unknown', reason: 'Notify answered 503 ServiceUnavailable: down' });
  });

  it('refuses a malformed API key without echoing it', () => {
    expect(() => new NotifyLetterSink({ apiKey: 'secret-but-wrong', postage: 'second' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('secret-but-wrong') }),
    );
  });
});

describe('lazyNotifyLetterSink (the runtime’s Notify sink)', () => {
  const notify = new FakeNotify();
  beforeAll(() => notify.start());
  afterAll(() => notify.stop());

  it('reads the key on its first letter and once only, and tries again after a failed read', async () => {
    // Prepare
    let reads = 0;
    const sink = lazyNotifyLetterSink(
      async () => {
        reads += 1;
        if (reads === 1) throw new LetterSinkError('Secrets Manager throttled');
        return notify.apiKey;
      },
      { postage: 'economy', baseUrl: notify.url },
    );
    const letter = { letterId: 'ltr-1', pdf: pdf('one') };

    // Act
    await expect(sink.sendLetter(letter)).rejects.toThrow(/throttled/);
    const first = await sink.sendLetter(letter);
    const second = await sink.sendLetter({ letterId: 'ltr-2', pdf: pdf('two') });

    // Assess
    expect(reads).toBe(2);
    expect([first.status, second.status]).toEqual(['sent', 'sent']);
    expect(notify.received.map((r) => [r.reference, r.postage])).toEqual([
      ['ltr-1', 'economy'],
      ['ltr-2', 'economy'],
    ]);
    expect(sink.needsLetterPdfs).toBe(true);
  });
});

describe('readNotifyApiKey', () => {
  const secrets = mockClient(SecretsManagerClient);
  const arn = 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:attend/notify-AbCdEf';
  const client = new SecretsManagerClient({ region: 'eu-west-2' });

  afterEach(() => secrets.reset());
  afterAll(() => secrets.restore());

  it('reads the key from the secret named in letters.notify.apiKeySecretArn', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand, { SecretId: arn }).resolves({ SecretString: ' the-key \n' });

    // Act
    const key = await readNotifyApiKey(client, arn);

    // Assess
    expect(key).toBe('the-key');
  });

  it('fails on an empty secret, and on an SDK error by its name', async () => {
    secrets
      .on(GetSecretValueCommand)
      .resolvesOnce({ SecretString: '' })
      .rejectsOnce(
        Object.assign(new Error('secret attend/notify not found'), { name: 'ResourceNotFoundException' }),
      );
    await expect(readNotifyApiKey(client, arn)).rejects.toThrow(/empty or binary/);
    await expect(readNotifyApiKey(client, arn)).rejects.toThrow(
      'Could not read the GOV.UK Notify API key from Secrets Manager: ResourceNotFoundException',
    );
  });
});

/** The consent key at its SDK edge: aws-sdk-client-mock stands in for Secrets Manager (only here). */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { phoneHash } from '#core/consent.ts';
import { phoneHasherFromEnv } from '#runtime/consent-key.ts';

const secrets = mockClient(SecretsManagerClient);
const client = new SecretsManagerClient({ region: 'eu-west-2' });
const ARN = 'arn:aws:secretsmanager:eu-west-2:111122223333:secret:attend/example/consent-key-AbCdEf';
const SECRET = 'x'.repeat(64);

afterEach(() => {
  secrets.reset();
});

describe('phoneHasherFromEnv', () => {
  it('reads the secret once per cold start and hashes with it', async () => {
    // Prepare
    secrets.on(GetSecretValueCommand, { SecretId: ARN }).resolves({ SecretString: SECRET });
    const hash = phoneHasherFromEnv({ CONSENT_KEY_SECRET_ARN: ARN }, client);

    // Act
    const results = await Promise.all([hash('+447700900626'), hash('+447700900627'), hash('+447700900626')]);

    // Assess
    expect(results).toEqual([
      phoneHash(SECRET, '+447700900626'),
      phoneHash(SECRET, '+447700900627'),
      phoneHash(SECRET, '+447700900626'),
    ]);
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(1);
  });

  it('tries the secret again after a failed read instead of failing every text after it', async () => {
    // Prepare
    secrets
      .on(GetSecretValueCommand)
      .rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }))
      .resolves({ SecretString: SECRET });
    const hash = phoneHasherFromEnv({ CONSENT_KEY_SECRET_ARN: ARN }, client);

    // Act
    const first = await hash('+447700900626').catch((err: Error) => err.name);
    const second = await hash('+447700900626');

    // Assess
    expect(first).toBe('ThrottlingException');
    expect(second).toBe(phoneHash(SECRET, '+447700900626'));
  });

  it('uses the local runtime’s fixed key without calling AWS', async () => {
    // Act
    const hash = await phoneHasherFromEnv({ ATTEND_LOCAL_CONSENT_KEY: SECRET }, client)('+447700900626');

    // Assess
    expect(hash).toBe(phoneHash(SECRET, '+447700900626'));
    expect(secrets.commandCalls(GetSecretValueCommand)).toHaveLength(0);
  });

  it('fails the cold start when neither the secret nor a local key is set', () => {
    // Act / Assess
    expect(() => phoneHasherFromEnv({})).toThrow(/CONSENT_KEY_SECRET_ARN: required/);
  });
});

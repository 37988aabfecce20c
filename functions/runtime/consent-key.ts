/**
 * Where the consent key comes from: the trust's secret in Secrets Manager (CDK creates it, and grants
 * read to each function that texts or creates clients), or locally a fixed dev key the local runtime
 * sets. The secret is read once per cold start, on first use, and kept: it never rotates (a new key
 * would orphan every opt-out), so there is nothing to refresh.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type PhoneHasher, phoneHash, phoneHasher } from '#core/consent.ts';
import type { Env } from './env.ts';

export function secretsManagerPhoneHasher(
  secretArn: string,
  secrets: Pick<SecretsManagerClient, 'send'> = new SecretsManagerClient({}),
): PhoneHasher {
  let secret: Promise<string> | undefined;
  const read = async (): Promise<string> => {
    const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
    if (!out.SecretString) throw new Error('The consent key secret has no SecretString');
    return out.SecretString;
  };
  return async (e164) => {
    if (!secret) {
      secret = read();
      // A failed read (throttling, say) is tried again on the next use rather than cached.
      secret.catch(() => {
        secret = undefined;
      });
    }
    return phoneHash(await secret, e164);
  };
}

/** The hasher for this environment; a missing key fails the cold start, not a text halfway through. */
export function phoneHasherFromEnv(
  env: Pick<Env, 'CONSENT_KEY_SECRET_ARN' | 'ATTEND_LOCAL_CONSENT_KEY'>,
  secrets?: Pick<SecretsManagerClient, 'send'>,
): PhoneHasher {
  if (env.CONSENT_KEY_SECRET_ARN) return secretsManagerPhoneHasher(env.CONSENT_KEY_SECRET_ARN, secrets);
  if (env.ATTEND_LOCAL_CONSENT_KEY) return phoneHasher(env.ATTEND_LOCAL_CONSENT_KEY);
  throw new Error(
    'Invalid environment:\n  CONSENT_KEY_SECRET_ARN: required (the consent key secret; locally ATTEND_LOCAL_CONSENT_KEY)',
  );
}

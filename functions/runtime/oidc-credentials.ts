/**
 * Where the OpenID Connect client's credentials come from: Secrets Manager and KMS in AWS; in the local
 * runtime, a map of secret ARN → value it puts in `ATTEND_LOCAL_SECRETS` (its own provider's client
 * secret), so no AWS call is made locally.
 */
import { KMSClient, SignCommand } from '@aws-sdk/client-kms';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import * as z from 'zod';
import { kmsSigningAlgorithm, type OidcCredentials } from '#services/oidc-client.ts';

/** Secrets are read again after this, so a rotated client secret is picked up without a redeploy. */
const SECRET_CACHE_MS = 5 * 60_000;

export function awsOidcCredentials(
  secrets: SecretsManagerClient = new SecretsManagerClient({}),
  kms: KMSClient = new KMSClient({}),
  now: () => number = Date.now,
): OidcCredentials {
  const cache = new Map<string, { value: Promise<string>; at: number }>();
  return {
    secret(arn) {
      const hit = cache.get(arn);
      if (hit && now() - hit.at < SECRET_CACHE_MS) return hit.value;
      const value = secrets.send(new GetSecretValueCommand({ SecretId: arn })).then((out) => {
        if (!out.SecretString) throw new Error(`secret ${arn} has no SecretString`);
        return out.SecretString;
      });
      value.catch(() => cache.delete(arn));
      cache.set(arn, { value, at: now() });
      return value;
    },
    async kmsSign(keyArn, message, algorithm) {
      const out = await kms.send(
        new SignCommand({
          KeyId: keyArn,
          Message: message,
          MessageType: 'RAW',
          SigningAlgorithm: kmsSigningAlgorithm(algorithm),
        }),
      );
      if (!out.Signature) throw new Error(`KMS returned no signature for ${keyArn}`);
      return out.Signature;
    },
  };
}

/** Credentials from a fixed map (the local runtime's own provider); KMS is not available locally. */
export function localOidcCredentials(secrets: Readonly<Record<string, string>>): OidcCredentials {
  return {
    async secret(arn) {
      const value = secrets[arn];
      if (value === undefined) throw new Error(`no local secret for ${arn}`);
      return value;
    },
    async kmsSign(keyArn) {
      throw new Error(`KMS signing (${keyArn}) is not available in the local runtime`);
    },
  };
}

const localSecrets = z.record(z.string(), z.string());

/** Local secrets when the local runtime set them, else AWS. Built once per cold start. */
export function oidcCredentialsFromEnv(env: NodeJS.ProcessEnv = process.env): OidcCredentials {
  const raw = env.ATTEND_LOCAL_SECRETS;
  if (raw) return localOidcCredentials(localSecrets.parse(JSON.parse(raw)));
  return awsOidcCredentials();
}

/**
 * Where the page cursors' key comes from: the trust's CursorKey secret in Secrets Manager (CDK creates
 * it, generated, and grants read to the admin API and the web function), or in the local runtime a key it
 * generated and keeps in its data folder. Read once, on first use, and kept for the life of the function.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { traced } from './aws-clients.ts';
import { CursorCodec } from './cursors.ts';
import type { Env } from './env.ts';

/** The cursor codec for this environment; with no key configured it fails the cold start, not a request. */
export function cursorCodecFromEnv(
  env: Pick<Env, 'CURSOR_KEY_SECRET_ARN' | 'ATTEND_LOCAL_CURSOR_KEY'>,
  secrets: Pick<SecretsManagerClient, 'send'> = traced(new SecretsManagerClient({})),
): CursorCodec {
  const arn = env.CURSOR_KEY_SECRET_ARN;
  if (arn) {
    return new CursorCodec(async () => {
      const out = await secrets.send(new GetSecretValueCommand({ SecretId: arn }));
      if (!out.SecretString) throw new Error('The cursor key secret has no SecretString');
      return out.SecretString;
    });
  }
  const local = env.ATTEND_LOCAL_CURSOR_KEY;
  if (local) return new CursorCodec(async () => local);
  throw new Error(
    'Invalid environment:\n  CURSOR_KEY_SECRET_ARN: required (the page cursor key secret; locally ATTEND_LOCAL_CURSOR_KEY)',
  );
}

/**
 * Letter batches for the functions that make or download them (letter-batch, admin-api, web-app):
 * the letters bucket in AWS, the local runtime's folder locally, or none. Kept out of deps-from-env.ts
 * so the S3 and GOV.UK Notify clients are not in the event-path bundles.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { type LetterFiles, localLetterFiles, s3LetterFiles } from '#messaging/letter-files.ts';
import { lazyNotifyLetterSink, readNotifyApiKey } from '#messaging/notify-letter-sink.ts';
import { traced } from './aws-clients.ts';
import type { Env } from './env.ts';

/**
 * The letters bucket in AWS, the local runtime's folder locally, or none (no letters in this function).
 * With NOTIFY_API_KEY_SECRET_ARN (the letter-batch function, when the trust posts through GOV.UK
 * Notify), letters are sent through Notify instead of stored; earlier batches are still read back.
 */
export function lettersFromEnv(env: Env): LetterFiles | undefined {
  const files = storedLettersFromEnv(env);
  const secretArn = env.NOTIFY_API_KEY_SECRET_ARN;
  if (!files || !secretArn) return files;
  const secrets = traced(new SecretsManagerClient({}));
  const sink = lazyNotifyLetterSink(() => readNotifyApiKey(secrets, secretArn), {
    postage: env.trust.letters.notify?.postage ?? 'second',
  });
  return { sink, read: (location) => files.read(location) };
}

function storedLettersFromEnv(env: Env): LetterFiles | undefined {
  if (env.LETTERS_BUCKET_NAME) {
    return s3LetterFiles(traced(new S3Client({})), {
      bucket: env.LETTERS_BUCKET_NAME,
      ...(env.LETTERS_KEY_ARN && { kmsKeyArn: env.LETTERS_KEY_ARN }),
    });
  }
  if (env.ATTEND_LETTERS_ROOT) return localLetterFiles(env.ATTEND_LETTERS_ROOT, env.trust.trustId);
  return undefined;
}

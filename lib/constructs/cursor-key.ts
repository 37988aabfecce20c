import { RemovalPolicy } from 'aws-cdk-lib';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { acknowledge } from '../nag.ts';
import type { AttendFunction } from './attend-function.ts';

export interface CursorKeyProps {
  readonly trustId: string;
  /** The trust's key, which encrypts the secret. */
  readonly encryptionKey: kms.IKey;
}

/**
 * The key that seals the page cursors the admin API and the browser door hand out
 * (functions/runtime/cursors.ts): a generated secret, read by those two functions only. Losing or
 * replacing it costs nothing but the cursors in flight (a client starts again from the first page), so
 * it is destroyed with the stack and may be replaced at any time with `put-secret-value`.
 */
export class CursorKey extends Construct {
  readonly secret: secretsmanager.Secret;

  constructor(scope: Construct, id: string, props: CursorKeyProps) {
    super(scope, id);
    this.secret = new secretsmanager.Secret(this, 'Secret', {
      secretName: `attend/${props.trustId}/cursor-key`,
      description: `Attend ${props.trustId}: the key that seals the admin API's page cursors`,
      encryptionKey: props.encryptionKey,
      generateSecretString: { passwordLength: 64, excludePunctuation: true, includeSpace: false },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const noRotation =
      'Not a credential: it seals page cursors, which are only good for the query that made them. Replacing it (put-secret-value, then new cold starts) only makes cursors in flight fail with a 400, so no rotation Lambda is deployed for it.';
    acknowledge(this.secret, 'AwsSolutions-SMG4', noRotation);
    acknowledge(this.secret, 'HIPAA.Security-SecretsManagerRotationEnabled', noRotation);
  }

  /** Sets CURSOR_KEY_SECRET_ARN on the function and lets it read (and decrypt) this one secret. */
  bind(target: AttendFunction): void {
    target.fn.addEnvironment('CURSOR_KEY_SECRET_ARN', this.secret.secretArn);
    this.secret.grantRead(target.fn);
  }
}

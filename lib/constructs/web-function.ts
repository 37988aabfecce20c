/**
 * The web function: server-rendered pages for staff and parents. Its bundle carries the templates and
 * built assets it reads at run time (functions/web/asset-build.ts lays them out after esbuild).
 */
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { oidcCredentialArns } from '#core/config/staff-access.ts';
import type { TrustConfig } from '#core/config/trust-config.ts';
import { acknowledge } from '../nag.ts';
import type { AttendFunction, AttendFunctionProps } from './attend-function.ts';

/** How the stack makes each of its functions (the entry, and what differs from the defaults). */
export type AttendFunctionFactory = (
  entry: AttendFunction['entry'],
  options: Omit<AttendFunctionProps, 'entry' | 'config' | 'encryptionKey'>,
) => AttendFunction;

export interface WebFunctionDeps {
  readonly config: TrustConfig;
  readonly table: dynamodb.Table;
  readonly bus: events.IEventBus;
  readonly consentKey: secretsmanager.ISecret;
  /** Whether it may text families (false until the stack's own number is known). */
  readonly smsPublish: boolean;
}

export function createWebFunction(fn: AttendFunctionFactory, deps: WebFunctionDeps): AttendFunction {
  const web = fn('web-app', {
    description: 'Staff app and parent pages (HTML) behind the browser front door',
    reservedConcurrency: 20,
    memorySize: 1024,
    afterBundling: (inputDir, outputDir) => [
      `"${inputDir}/node_modules/.bin/tsx" "${inputDir}/functions/web/asset-build.ts" --bundle "${outputDir}"`,
    ],
  });
  // Pages act through the same services as the API: they read and write the table, text families and
  // publish domain events.
  web
    .bindTable({ table: deps.table, access: 'readWrite' })
    .bindEventBus(deps.bus)
    .bindConsentKey(deps.consentKey);
  if (deps.smsPublish) web.allowSmsPublish();
  // Staff sign-in (functions/runtime/staff-auth-from-env.ts): the origin the provider redirects back
  // to, and the client's secret or signing key.
  if (deps.config.frontDoor)
    web.fn.addEnvironment('WEB_ORIGIN', `https://${deps.config.frontDoor.domainName}`);
  const credentials = oidcCredentialArns(deps.config.staffAccess.oidc);
  if (credentials.secrets.length > 0) {
    web.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'ReadOidcClientSecret',
        actions: ['secretsmanager:GetSecretValue'],
        resources: credentials.secrets,
      }),
    );
  }
  if (credentials.kmsKeys.length > 0) {
    web.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'SignOidcClientAssertion',
        actions: ['kms:Sign'],
        resources: credentials.kmsKeys,
      }),
    );
  }
  acknowledge(
    web.fn.node.defaultChild!,
    'HIPAA.Security-LambdaDLQ',
    'Invoked only synchronously by the front door’s REST API: every error goes back to the browser as an error page, so there is no asynchronous event to dead-letter.',
  );
  return web;
}

/**
 * Powertools Tracer, for the functions that keep it (admin-api and web-app: interactive, not on the
 * event path). Importing this module also makes every AWS SDK client the runtime creates afterwards a
 * traced one, so DynamoDB, Secrets Manager, SMS and EventBridge calls appear as X-Ray subsegments.
 * The event-path functions do not import it (README, "Small, quick Lambdas").
 */
import { Tracer } from '@aws-lambda-powertools/tracer';
import { captureAwsClientsWith } from './aws-clients.ts';

export const tracer = new Tracer({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'attend' });

captureAwsClientsWith((client) => tracer.captureAWSv3Client(client));

/**
 * The yardstick for `npm run bench`'s Lambda table: a handler that uses only Powertools Logger, bundled
 * and imported exactly as the real functions are. An event-path function should start within 2× this.
 */
import { Logger } from '@aws-lambda-powertools/logger';

const logger = new Logger({ serviceName: 'minimal' });

export const handler = async (): Promise<{ ok: true }> => {
  logger.info('minimal handler ran');
  return { ok: true };
};

/** `metrics`: what the metrics page compares the service with. */
import * as z from 'zod';

export const METRICS_DEFAULTS = { baselineDnaWnbRate: 0.115 } as const;

export const metricsSection = z
  .object({
    /**
     * The trust's DNA+WNB rate before Attend (a fraction: 0.115 is 11.5%), drawn as a line on the
     * metrics page's weekly chart.
     */
    baselineDnaWnbRate: z.number().min(0).max(1).default(METRICS_DEFAULTS.baselineDnaWnbRate),
  })
  .default(METRICS_DEFAULTS);

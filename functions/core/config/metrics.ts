/** `metrics`: what the metrics page compares the service with. */
import * as z from '#core/zod.ts';

export const METRICS_DEFAULTS = { baselineDnaWnbRate: 0.115 } as const;

export const metricsSection = z._default(
  z.object({
    /**
     * The trust's DNA+WNB rate before Attend (a fraction: 0.115 is 11.5%), drawn as a line on the
     * metrics page's weekly chart.
     */
    baselineDnaWnbRate: z._default(z.number().check(z.gte(0), z.lte(1)), METRICS_DEFAULTS.baselineDnaWnbRate),
  }),
  METRICS_DEFAULTS,
);

/** `costs`: the price of one SMS segment, for the cost figures. */
import * as z from '#core/zod.ts';

export const costsSection = z._default(
  z.object({ pricePerSegmentGbp: z._default(z.number().check(z.gte(0)), 0.0364) }),
  { pricePerSegmentGbp: 0.0364 },
);

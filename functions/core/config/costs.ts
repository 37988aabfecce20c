/** `costs`: the price of one SMS segment, for the cost figures. */
import * as z from 'zod';

export const costsSection = z
  .object({ pricePerSegmentGbp: z.number().min(0).default(0.0364) })
  .default({ pricePerSegmentGbp: 0.0364 });

/** `shortNotice`: offering freed slots to the waitlist, and the priority weights that order it. */
import * as z from '#core/zod.ts';

const priorityWeightsSchema = z.object({
  imdDecile1to2: z._default(z.number().check(z.gte(0)), 30),
  imdDecile3to4: z._default(z.number().check(z.gte(0)), 15),
  needsCarer: z._default(z.number().check(z.gte(0)), 20),
  parentalMentalHealth: z._default(z.number().check(z.gte(0)), 20),
  vulnerable: z._default(z.number().check(z.gte(0)), 25),
  windowClosingSoon: z._default(z.number().check(z.gte(0)), 20),
  windowClosingSoonDays: z._default(z.number().check(z.int(), z.gte(1)), 7),
  perDayWaiting: z._default(z.number().check(z.gte(0)), 0.5),
  maxDaysWaiting: z._default(z.number().check(z.int(), z.gte(0)), 60),
  rebookRequest: z._default(z.number().check(z.gte(0)), 10),
});

export const shortNoticeSection = z._default(
  z.object({
    waveSize: z._default(z.number().check(z.int(), z.gte(1), z.lte(20)), 3),
    /** Hold time for an offer when the slot is far away; it shortens as the slot nears. */
    maxHoldMinutes: z._default(z.number().check(z.int(), z.gte(5)), 120),
    minHoldMinutes: z._default(z.number().check(z.int(), z.gte(5)), 15),
    cutoffMinutes: z._default(z.number().check(z.int(), z.gte(0)), 120),
    /** Slots freed further ahead than this are left for schedulers to book in the usual way. */
    maxLeadDays: z._default(z.number().check(z.int(), z.gte(1), z.lte(90)), 14),
    priorityWeights: z._default(priorityWeightsSchema, priorityWeightsSchema.parse({})),
  }),
  {
    waveSize: 3,
    maxHoldMinutes: 120,
    minHoldMinutes: 15,
    cutoffMinutes: 120,
    maxLeadDays: 14,
    priorityWeights: priorityWeightsSchema.parse({}),
  },
);

/** `shortNotice`: offering freed slots to the waitlist, and the priority weights that order it. */
import * as z from 'zod';

const priorityWeightsSchema = z.object({
  imdDecile1to2: z.number().min(0).default(30),
  imdDecile3to4: z.number().min(0).default(15),
  needsCarer: z.number().min(0).default(20),
  parentalMentalHealth: z.number().min(0).default(20),
  vulnerable: z.number().min(0).default(25),
  windowClosingSoon: z.number().min(0).default(20),
  windowClosingSoonDays: z.number().int().min(1).default(7),
  perDayWaiting: z.number().min(0).default(0.5),
  maxDaysWaiting: z.number().int().min(0).default(60),
  rebookRequest: z.number().min(0).default(10),
});

export const shortNoticeSection = z
  .object({
    waveSize: z.number().int().min(1).max(20).default(3),
    /** Hold time for an offer when the slot is far away; it shortens as the slot nears. */
    maxHoldMinutes: z.number().int().min(5).default(120),
    minHoldMinutes: z.number().int().min(5).default(15),
    cutoffMinutes: z.number().int().min(0).default(120),
    /** Slots freed further ahead than this are left for schedulers to book in the usual way. */
    maxLeadDays: z.number().int().min(1).max(90).default(14),
    priorityWeights: priorityWeightsSchema.default(priorityWeightsSchema.parse({})),
  })
  .default({
    waveSize: 3,
    maxHoldMinutes: 120,
    minHoldMinutes: 15,
    cutoffMinutes: 120,
    maxLeadDays: 14,
    priorityWeights: priorityWeightsSchema.parse({}),
  });

/**
 * Response schemas for records that carry the safeguarding flags, as the API answers them: the flags
 * are optional, because an answer to a caller who may not see them (a scheduler) leaves them out
 * (sensitive.ts). The stored records (core/model.ts, core/waitlist.ts) keep them required.
 */
import * as z from 'zod';
import { clientSchema, equityFlagsSchema } from '#core/model.ts';
import { priorityInputsSchema, waitlistEntrySchema } from '#core/waitlist.ts';
import * as zm from '#core/zod.ts';

const LEFT_OUT = 'left out for a caller who may not see the safeguarding flags (a scheduler)';

/** The two sensitive flags, optional: present for health visitors, managers and admins. */
const sensitiveFlagFields = {
  parentalMentalHealth: z.boolean().optional().describe(`parent has a mental health condition; ${LEFT_OUT}`),
  vulnerable: z.boolean().optional().describe(`vulnerable family or safeguarding concern; ${LEFT_OUT}`),
};

export const equityFlagsAnswerSchema = zm.extend(equityFlagsSchema, sensitiveFlagFields);

/** A client as the API answers it: `flags.vulnerable` and `flags.parentalMentalHealth` only for those who see them. */
export const clientAnswerSchema = zm.extend(clientSchema, { flags: equityFlagsAnswerSchema });

/** A waitlist entry as the API answers it: its `priorityInputs` without the sensitive flags for a scheduler. */
export const waitlistEntryAnswerSchema = zm.extend(waitlistEntrySchema, {
  priorityInputs: zm.extend(priorityInputsSchema, sensitiveFlagFields),
});

/** Said in each route's description whose answer carries the flags or a score breakdown. */
export const FLAGS_NOTE =
  ' For a caller who may not see the safeguarding flags (a scheduler, by role; an IAM caller by its ' +
  'mapped roles) the answer leaves out `vulnerable` and `parentalMentalHealth` wherever they appear, ' +
  'says `flagged` for `vulnerable` in `why`, and folds their score lines into one ' +
  '`health-visitor-priority` line ("Priority set by the health visitor (ask them why)").';

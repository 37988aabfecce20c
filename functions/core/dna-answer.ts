/**
 * How a reply to the after-DNA question (core/dna-follow-up.ts) is read: a lone number picks the reason
 * ("2", "2.", "option 2"), and words the reply parser knows as a reason ("childcare", "no bus", "baby
 * poorly") count too. Anything else is for staff. Only the inbound SMS function reads replies, so only it
 * carries the reply parser (core/intent.ts and its lexicons).
 */
import type { CancelReason } from './cancel-reason.ts';
import { DNA_ANSWERS } from './dna-follow-up.ts';
import { type KeywordTable, parseReply } from './intent.ts';

/**
 * The reason a reply to the question gives, or undefined when it does not say one plainly: one number
 * from 1 to 6 standing alone (with nothing but "option", "number" or punctuation around it), or one
 * reason the reply parser reads in the words. Two numbers, a number out of range, or a number with
 * words that name a different reason, are for staff.
 */
export function readDnaAnswer(body: string, keywords?: KeywordTable): CancelReason | undefined {
  const text = body.normalize('NFKC').toLowerCase();
  const numbers = [...text.matchAll(/(?<![\d.,:])\d+(?![\d:])/g)].map((m) => m[0]);
  const words = parseReply(body, keywords).reason;
  if (numbers.length === 0) return words;
  if (numbers.length > 1) return undefined;
  const picked = DNA_ANSWERS[Number(numbers[0]) - 1];
  if (!picked || numbers[0]!.length > 1) return undefined;
  // "2 childcare" agrees; "2 no bus" says two things.
  if (words && words !== picked) return undefined;
  return picked;
}

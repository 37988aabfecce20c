/**
 * The one-question text after a missed appointment, and how its answer is read. The question numbers
 * the reasons in the order of DNA_ANSWERS; a reply in the window after it is read in that context: a
 * lone number picks the reason ("2", "2.", "option 2"), and words the reply parser knows as a reason
 * ("childcare", "no bus", "baby poorly") count too. Anything else is for staff.
 */
import type { CancelReason } from './cancel-reason.ts';
import type { TrustConfig } from './config/trust-config.ts';
import { type KeywordTable, parseReply } from './intent.ts';
import { sanitiseSmsValue } from './sms-sanitise.ts';
import { analyseSms, type SmsAnalysis } from './sms-segments.ts';
import { renderTemplate } from './templates.ts';

/** The reasons the question offers, numbered from 1 in this order. */
export const DNA_ANSWERS = [
  'work',
  'childcare',
  'transport',
  'unwell',
  'forgot',
  'other',
] as const satisfies readonly CancelReason[];

/** The `kind` of the question's Message: how a later reply finds the question it answers. */
export const DNA_FOLLOW_UP_KIND = 'dnaFollowUp';

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

export interface DnaFollowUpText extends SmsAnalysis {
  body: string;
  /** The language of the text used (the family's, or English when the trust has no text in it). */
  language: string;
}

/** The question in the family's language (its base language, then English), placeholders filled. */
export function dnaFollowUpText(
  config: Pick<TrustConfig, 'dnaFollowUp' | 'shortName' | 'servicePhone'>,
  language: string,
): DnaFollowUpText {
  const texts = config.dnaFollowUp.texts as Record<string, string>;
  const base = language.split('-')[0] ?? language;
  const used = texts[language] ? language : texts[base] ? base : 'en';
  const template = texts[used] ?? '';
  const body = renderTemplate(template, {
    trust: sanitiseSmsValue(config.shortName, used),
    servicePhone: config.servicePhone,
  });
  const sanitised = sanitiseSmsValue(body, used);
  return { body: sanitised, language: used, ...analyseSms(sanitised) };
}

/**
 * The one-question text after a missed appointment. The question numbers the reasons in the order of
 * DNA_ANSWERS; how a reply to it is read is core/dna-answer.ts (apart, so that the functions that only
 * send the question, the reminder sweep among them, do not carry the reply parser and its lexicons).
 */
import type { CancelReason } from './cancel-reason.ts';
import type { EventPathConfig } from './config/event-path-config.ts';
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

export interface DnaFollowUpText extends SmsAnalysis {
  body: string;
  /** The language of the text used (the family's, or English when the trust has no text in it). */
  language: string;
}

/** The question in the family's language (its base language, then English), placeholders filled. */
export function dnaFollowUpText(
  config: Pick<EventPathConfig, 'dnaFollowUp' | 'shortName' | 'servicePhone'>,
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

/**
 * What staff may text a family from the inbox: one of a few fixed replies, or their own words. Either
 * way the text is sanitised as every text's values are (core/sms-sanitise.ts: a look-alike quote would
 * triple the cost),
 * counted in segments, priced, and refused over 6 segments, before anything is sent.
 */
import type { TrustConfig } from '#core/config/trust-config.ts';
import { sanitiseSmsValue } from '#core/sms-sanitise.ts';
import { analyseSms, type SmsAnalysis } from '#core/sms-segments.ts';
import { renderTemplate } from '#core/templates.ts';

/** The replies staff pick from, in the order the page shows them. English: staff write other languages. */
export const STAFF_REPLIES = {
  'will-call': 'Thank you for your message. Someone from the {trust} team will call you today.',
  'call-us': 'Thank you for your message. Please call us on {servicePhone} and we will help. {trust}',
  noted: 'Thank you, we have noted your message. {trust}',
} as const;
export type StaffReplyKey = keyof typeof STAFF_REPLIES;
export const STAFF_REPLY_KEYS = Object.keys(STAFF_REPLIES) as [StaffReplyKey, ...StaffReplyKey[]];

/** At most 6 segments (918 GSM-7 or 402 UCS-2 characters), as for every text Attend sends. */
export const MAX_REPLY_SEGMENTS = 6;

export interface StaffReplyText extends SmsAnalysis {
  readonly body: string;
  readonly costGbp: number;
  /** Over 6 segments: it would not be sent. */
  readonly tooLong: boolean;
}

/** The text a staff reply would send, with its encoding, segments and cost. */
export function staffReplyText(
  config: Pick<TrustConfig, 'shortName' | 'servicePhone' | 'costs'>,
  input: { template?: StaffReplyKey | undefined; text?: string | undefined; language: string },
): StaffReplyText {
  const raw =
    input.text !== undefined && input.text.trim() !== ''
      ? input.text
      : renderTemplate(STAFF_REPLIES[input.template ?? 'noted'], {
          trust: config.shortName,
          servicePhone: config.servicePhone,
        });
  // As every value in a text is: look-alikes straightened, invisible characters and emoji removed,
  // accents outside GSM-7 to their base letter unless the family's language is written with them.
  const body = sanitiseSmsValue(raw.replace(/\r\n?/g, '\n'), input.language).trim();
  const analysis = analyseSms(body);
  return {
    body,
    ...analysis,
    costGbp: Math.round(analysis.segments * config.costs.pricePerSegmentGbp * 10_000) / 10_000,
    tooLong: analysis.segments > MAX_REPLY_SEGMENTS,
  };
}

/**
 * What staff may text a family from the inbox: one of a few fixed replies, or their own words. Either
 * way the text is straightened as every text is (look-alike quotes and dashes would triple the cost),
 * counted in segments, priced, and refused over 6 segments, before anything is sent.
 */
import type { TrustConfig } from '#core/config/trust-config.ts';
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

/** Straightens the characters word processors and phones put in that GSM-7 lacks. */
export function straighten(value: string): string {
  return value
    .replace(/[\u2018\u2019\u201A\u201B]/g, "'")
    .replace(/[\u201C\u201D\u201E\u201F]/g, '"')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/\u2026/g, '...')
    .replace(/[\u00A0\u2000-\u200A\u202F]/g, ' ')
    .replace(/[\u200B-\u200D\u2060\uFEFF]/g, '')
    .replace(/\r\n?/g, '\n')
    .trim();
}

/** The text a staff reply would send, with its encoding, segments and cost. */
export function staffReplyText(
  config: Pick<TrustConfig, 'shortName' | 'servicePhone' | 'costs'>,
  input: { template?: StaffReplyKey | undefined; text?: string | undefined },
): StaffReplyText {
  const raw =
    input.text !== undefined && input.text.trim() !== ''
      ? input.text
      : renderTemplate(STAFF_REPLIES[input.template ?? 'noted'], {
          trust: config.shortName,
          servicePhone: config.servicePhone,
        });
  const body = straighten(raw);
  const analysis = analyseSms(body);
  return {
    body,
    ...analysis,
    costGbp: Math.round(analysis.segments * config.costs.pricePerSegmentGbp * 10_000) / 10_000,
    tooLong: analysis.segments > MAX_REPLY_SEGMENTS,
  };
}

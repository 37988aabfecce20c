/**
 * What staff may text a family from the inbox: one of the trust's fixed replies (`staffReplies` in the
 * trust config, functions/core/config/staff-replies.ts), or their own words. Either way the text is
 * sanitised as every text's values are (core/sms-sanitise.ts: a look-alike quote would triple the cost),
 * counted in segments, priced, and refused over 6 segments, before anything is sent.
 */
import type { EventPathConfig } from '#core/config/event-path-config.ts';
import { sanitiseSmsValue } from '#core/sms-sanitise.ts';
import { analyseSms, type SmsAnalysis } from '#core/sms-segments.ts';
import { renderTemplate } from '#core/templates.ts';

/** At most 6 segments (918 GSM-7 or 402 UCS-2 characters), as for every text Attend sends. */
export const MAX_REPLY_SEGMENTS = 6;

export interface StaffReplyText extends SmsAnalysis {
  readonly body: string;
  readonly costGbp: number;
  /** Over 6 segments: it would not be sent. */
  readonly tooLong: boolean;
}

type ReplyConfig = Pick<EventPathConfig, 'shortName' | 'servicePhone' | 'staffReplies'>;

/** The trust's fixed replies, in the order the config gives them (the order the page shows them). */
export function staffReplyKeys(config: Pick<EventPathConfig, 'staffReplies'>): string[] {
  return Object.keys(config.staffReplies);
}

/** A fixed reply's text in the family's language (its base language, then English), placeholders filled. */
export function staffReplyTemplate(config: ReplyConfig, key: string, language: string): string | undefined {
  const reply = config.staffReplies[key];
  if (!reply) return undefined;
  const texts = reply.texts as Record<string, string>;
  const text = texts[language] ?? texts[language.split('-')[0] ?? ''] ?? texts.en ?? '';
  return renderTemplate(text, { trust: config.shortName, servicePhone: config.servicePhone });
}

/** The text a staff reply would send, with its encoding, segments and cost. */
export function staffReplyText(
  config: ReplyConfig & Pick<EventPathConfig, 'costs'>,
  input: { template?: string | undefined; text?: string | undefined; language: string },
): StaffReplyText {
  const fallback = staffReplyKeys(config)[0] ?? '';
  const raw =
    input.text !== undefined && input.text.trim() !== ''
      ? input.text
      : (staffReplyTemplate(config, input.template ?? fallback, input.language) ?? '');
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

/**
 * How a family reads a text on their phone: which of the trust's templates it is, and what it says
 * (the reference, the day and time). Patterns are built from the trust's own templates in every
 * language, so a text the system sends is read whatever its wording.
 */
import { TEMPLATE_KEYS, type TemplateKey } from '#core/config/templates.ts';
import type { TrustConfig } from '#core/config/trust-config.ts';

export interface ReadText {
  key: TemplateKey;
  /** The values of the template's placeholders, as written in the text. */
  vars: Partial<Record<string, string>>;
}

const CAPTURE: Record<string, string> = {
  ref: '(?<ref>\\d{4})',
  time: '(?<time>\\d{1,2}:\\d{2})',
  holdMinutes: '(?<holdMinutes>\\d+)',
};

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class TextReader {
  private readonly patterns: { key: TemplateKey; pattern: RegExp; fixed: number }[] = [];

  constructor(config: TrustConfig) {
    const seen = new Set<string>();
    for (const templates of Object.values(config.templates)) {
      for (const key of TEMPLATE_KEYS) {
        const template = templates[key];
        if (!template || seen.has(template)) continue;
        seen.add(template);
        const used = new Set<string>();
        const source = template
          .split(/(\{[a-zA-Z]+\})/)
          .map((part) => {
            const name = /^\{([a-zA-Z]+)\}$/.exec(part)?.[1];
            if (!name) return escapeRegExp(part);
            if (name === 'trust') return escapeRegExp(config.shortName);
            if (name === 'servicePhone') return escapeRegExp(config.servicePhone);
            if (used.has(name)) return '.+?';
            used.add(name);
            return CAPTURE[name] ?? `(?<${name}>.+?)`;
          })
          .join('');
        // The more literal text a template has, the sooner it is tried: "offerAccepted" before "confirmation".
        this.patterns.push({
          key,
          pattern: new RegExp(`^${source}$`, 's'),
          fixed: template.replace(/\{[a-zA-Z]+\}/g, '').length,
        });
      }
    }
    this.patterns.sort((a, b) => b.fixed - a.fixed);
  }

  read(body: string): ReadText | undefined {
    for (const { key, pattern } of this.patterns) {
      const match = pattern.exec(body);
      if (match) return { key, vars: { ...match.groups } };
    }
    return undefined;
  }
}

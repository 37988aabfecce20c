/**
 * The texts Attend sends: which template applies for a trust, appointment type and language, and the
 * rendered body with its SMS cost. Missing wording falls back to English rather than failing, because a
 * family must still get the text; a missing value fails, because a text with a hole in it must not go.
 */

import { TEMPLATE_PLACEHOLDERS, type TemplateKey } from '#core/config/templates.ts';
import { TextTooLongError } from '#core/errors.ts';
import { sanitiseSmsValue } from '#core/sms-sanitise.ts';
import { analyseSms, MAX_SEGMENTS, maxUnits, type SmsAnalysis } from '#core/sms-segments.ts';

type TemplateSets = Readonly<Record<string, Partial<Record<TemplateKey, string>> | undefined>>;

/**
 * What rendering needs of a trust's config. Structural rather than TrustConfig itself, so the config
 * schema can render every template when it loads (config/text-lengths.ts) without an import cycle.
 */
export interface TextConfig {
  readonly shortName: string;
  readonly servicePhone: string;
  readonly templates: TemplateSets;
  readonly appointmentTypes: Readonly<
    Record<string, { readonly names: Readonly<Record<string, string>>; readonly templates?: TemplateSets }>
  >;
}

export type Placeholder = (typeof TEMPLATE_PLACEHOLDERS)[number];
export type TemplateVars = Partial<Record<Placeholder, string>>;

const PLACEHOLDER = /\{([^}]*)\}/g;

function isPlaceholder(key: string): key is Placeholder {
  return (TEMPLATE_PLACEHOLDERS as readonly string[]).includes(key);
}

/** Fills each {placeholder} in one pass, so a value that itself contains braces is left as written. */
export function renderTemplate(template: string, vars: TemplateVars): string {
  return template.replace(PLACEHOLDER, (_match, key: string) => {
    if (!isPlaceholder(key)) {
      throw new Error(`Template has an unknown placeholder {${key}}`);
    }
    const value = vars[key];
    if (value === undefined) {
      throw new Error(`Template placeholder {${key}} has no value`);
    }
    return value;
  });
}

/** 'pl-PL' → ['pl-PL', 'pl']; config may hold either form. */
function languageChain(language: string): string[] {
  const base = language.split('-')[0] ?? language;
  return base === language ? [language] : [language, base];
}

function appointmentType(config: TextConfig, typeId: string) {
  const type = config.appointmentTypes[typeId];
  if (!type) throw new Error(`Unknown appointment type "${typeId}"`);
  return type;
}

/**
 * The template for `key`: the type's own wording in the family's language, else the trust's in that
 * language, else the type's English, else the trust's English. `language` is the one actually used, so
 * the type name and day can be written in the same language as the rest of the text.
 */
export function templateFor(
  config: TextConfig,
  key: TemplateKey,
  language: string,
  typeId?: string,
): { text: string; language: string } {
  const typeTemplates = typeId === undefined ? undefined : appointmentType(config, typeId).templates;
  for (const lang of [...languageChain(language), 'en']) {
    const text = typeTemplates?.[lang]?.[key] ?? config.templates[lang]?.[key];
    if (text) return { text, language: lang };
  }
  // The schema requires every English template, so this only fires for a config that skipped parsing.
  throw new Error(`No "${key}" template in any language, not even English`);
}

/** The plain-words name of an appointment type in `language`, falling back to English. */
export function appointmentTypeName(config: TextConfig, typeId: string, language: string): string {
  const names = appointmentType(config, typeId).names;
  for (const lang of [...languageChain(language), 'en']) {
    const name = names[lang];
    if (name) return name;
  }
  throw new Error(`Appointment type "${typeId}" has no English name`);
}

export type RenderedText = { body: string; language: string } & SmsAnalysis;

/**
 * Renders a text, filling {trust}, {servicePhone} and {type} from config unless the caller gives them.
 * Every value is sanitised for the language of the template used (core/sms-sanitise.ts), so a
 * look-alike character in a name cannot triple the cost; a text over 6 segments is refused with
 * TextTooLongError rather than sent.
 */
export function renderText(
  config: TextConfig,
  input: { key: TemplateKey; language: string; typeId?: string; vars: TemplateVars },
): RenderedText {
  const template = templateFor(config, input.key, input.language, input.typeId);
  const defaults: TemplateVars = { trust: config.shortName, servicePhone: config.servicePhone };
  if (input.typeId !== undefined) {
    defaults.type = appointmentTypeName(config, input.typeId, template.language);
  }
  const vars: TemplateVars = {};
  for (const [key, value] of Object.entries({ ...defaults, ...input.vars })) {
    if (value !== undefined && isPlaceholder(key)) vars[key] = sanitiseSmsValue(value, template.language);
  }
  const body = renderTemplate(template.text, vars);
  const analysis = analyseSms(body);
  if (analysis.segments > MAX_SEGMENTS) throw textTooLong(input.key, analysis);
  return { body, language: template.language, ...analysis };
}

function textTooLong(key: TemplateKey, analysis: SmsAnalysis): TextTooLongError {
  const limit = maxUnits(analysis.encoding);
  const unit = `${analysis.encoding} characters`;
  const why =
    analysis.encoding === 'UCS-2'
      ? ' (it has a character outside GSM-7, so every character counts as UCS-2)'
      : '';
  const message =
    `The "${key}" text is ${analysis.units} ${unit}${why}, ${analysis.segments} segments: ` +
    `Attend sends at most ${limit} ${unit} (${MAX_SEGMENTS} segments). Shorten the template or the values in it.`;
  return new TextTooLongError(message, [{ field: 'text', message }]);
}

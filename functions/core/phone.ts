/**
 * Contact numbers as staff and EPR imports write them, normalised to E.164 and checked to be a mobile
 * in a country the trust may text. Each refusal says why in words a member of staff can act on.
 */
import {
  type CountryCode,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
} from 'libphonenumber-js/max';

export type PhoneResult = { ok: true; e164: string; country: string } | { ok: false; reason: string };

// Ofcom reserves 07700 900000–900999 for drama and documentation. libphonenumber-js/max treats those
// numbers as invalid with no type, yet the demo data and tests need realistic UK mobiles that can never
// reach a real person, so the range is accepted as GB mobiles on purpose.
const OFCOM_DRAMA_MOBILE = /^7700900\d{3}$/;

const MOBILE_TYPES = new Set(['MOBILE', 'FIXED_LINE_OR_MOBILE']);

const TYPE_WORDS: Record<string, string> = {
  FIXED_LINE: 'a landline',
  TOLL_FREE: 'a freephone number',
  PREMIUM_RATE: 'a premium-rate number',
  SHARED_COST: 'a shared-cost number',
  VOIP: 'an internet (VoIP) number',
  PERSONAL_NUMBER: 'a personal (070) number',
  PAGER: 'a pager number',
  UAN: 'a non-geographic (03) number',
  VOICEMAIL: 'a voicemail access number',
};

const regionNames = new Intl.DisplayNames(['en-GB'], { type: 'region' });

// Country names that read wrongly in a sentence without "the" ("a number from United Kingdom").
const NEEDS_THE =
  /^(United |Isle of |Netherlands|Philippines|Bahamas|Gambia|Maldives|Czech Republic|Dominican Republic|Central African|Cayman|Falkland|Faroe|Marshall|Solomon|Turks|British|U\.S\.)/;

/** The English name of an ISO 3166 country, as it reads after "from", e.g. 'the United Kingdom'. */
export function countryName(code: string): string {
  let name = code;
  try {
    name = regionNames.of(code) ?? code;
  } catch {
    // An unknown code is still better shown as the code than not at all.
  }
  return NEEDS_THE.test(name) ? `the ${name}` : name;
}

// Letters and stray symbols mean the field holds something other than a number (a name, a note);
// libphonenumber would otherwise read "07700 900123 (mum)" as the number and drop the rest.
const PHONE_CHARACTERS = /^[+\d\s().\-/]+$/;

function notAllowed(country: string, allowed: readonly string[]): PhoneResult {
  const all = allowed.map(countryName);
  const names = all.length > 1 ? `${all.slice(0, -1).join(', ')} or ${all.at(-1)}` : (all[0] ?? 'nowhere');
  return {
    ok: false,
    reason: `This is a number from ${countryName(country)}; texts can only go to mobiles from ${names}.`,
  };
}

export function normaliseMobile(
  input: string,
  allowedCountries: readonly string[],
  defaultCountry = 'GB',
): PhoneResult {
  const text = input.trim();
  if (text === '') return { ok: false, reason: 'No phone number was given.' };
  if (!PHONE_CHARACTERS.test(text)) {
    return {
      ok: false,
      reason: 'This is not a phone number: only digits, spaces, +, brackets and dashes are allowed.',
    };
  }
  const digits = text.replace(/\D/g, '');
  if (digits.length < 7) {
    return { ok: false, reason: `This number is too short (${digits.length} digits) to be a mobile number.` };
  }

  const options = { defaultCountry: defaultCountry as CountryCode };
  const parsed = parsePhoneNumberFromString(text, options);
  if (!parsed) return { ok: false, reason: 'This is not a recognisable phone number.' };

  if (parsed.countryCallingCode === '44' && OFCOM_DRAMA_MOBILE.test(parsed.nationalNumber)) {
    return allowedCountries.includes('GB')
      ? { ok: true, e164: parsed.number, country: 'GB' }
      : notAllowed('GB', allowedCountries);
  }

  if (!parsed.isValid()) {
    const length = validatePhoneNumberLength(text, options);
    if (length === 'TOO_SHORT')
      return { ok: false, reason: 'This number is too short to be a phone number.' };
    if (length === 'TOO_LONG') return { ok: false, reason: 'This number is too long to be a phone number.' };
    return { ok: false, reason: 'This is not a valid phone number: please check the digits.' };
  }

  const country = parsed.country;
  if (!country) {
    return { ok: false, reason: 'This is an international service number, not a mobile in any one country.' };
  }
  // Jersey, Guernsey and the Isle of Man share +44 but are separate countries to SMS carriers and their
  // prices, so they must be allowed by name like any other country.
  if (!allowedCountries.includes(country)) return notAllowed(country, allowedCountries);
  const type = parsed.getType();
  if (!type || !MOBILE_TYPES.has(type)) {
    const what = (type && TYPE_WORDS[type]) ?? 'not a mobile number';
    return { ok: false, reason: `This is ${what}; texts need a mobile number.` };
  }
  return { ok: true, e164: parsed.number, country };
}

/**
 * A phone shown without revealing it, e.g. '+44******123': the calling code and last three digits let
 * staff tell numbers apart; the fixed run of stars hides the length too.
 */
export function maskPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  if (digits.length < 6) return '******';
  const parsed = parsePhoneNumberFromString(`+${digits}`);
  const callingCode = parsed?.countryCallingCode ?? digits.slice(0, 2);
  return `+${callingCode}******${digits.slice(-3)}`;
}

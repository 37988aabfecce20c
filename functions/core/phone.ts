/**
 * Contact numbers as staff and EPR imports write them, normalised to E.164 and checked to be a mobile
 * in a country the trust may text. Each refusal says why in words a member of staff can act on.
 */
import {
  type CountryCode,
  getCountries,
  getCountryCallingCode,
  getExampleNumber,
  type PhoneNumber,
  parsePhoneNumberFromString,
  validatePhoneNumberLength,
} from 'libphonenumber-js/max';
import mobileExamples from 'libphonenumber-js/mobile/examples';

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

// Read as GOV.UK Notify reads numbers: what is invisible goes (zero-width characters, byte-order marks,
// tabs, line breaks), any space is a space, dash look-alikes are dashes; then a number may hold only
// digits, spaces, + , brackets and dashes. Anything else (a slash, dots, a name, "ext") is refused
// rather than guessed at: libphonenumber would read "07700 900123 (mum)" as the number and drop the rest.
// The zero-width joiner is outside the class: in a class it could join its neighbours (lint rule).
const INVISIBLE = /[\u200b\u200c\u2060\ufeff\u180e\u00ad\t\n\v\f\r\u2028\u2029]|\u200d/g;
const SPACES = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;
const DASHES = /[\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d]/g;
const PHONE_CHARACTERS = /^[\d +()-]+$/;

/** The text as a number is read: invisible characters gone, look-alike spaces and dashes made plain. */
export function readPhoneText(input: string): string {
  return input.replace(INVISIBLE, '').replace(SPACES, ' ').replace(DASHES, '-').trim();
}

function notAllowed(country: string, allowed: readonly string[]): PhoneResult {
  const all = allowed.map(countryName);
  const names = all.length > 1 ? `${all.slice(0, -1).join(', ')} or ${all.at(-1)}` : (all[0] ?? 'nowhere');
  return {
    ok: false,
    reason: `This is a number from ${countryName(country)}; texts can only go to mobiles from ${names}.`,
  };
}

/** What a bad character is, in words: "letters", or the characters themselves in quotes. */
function describeStrayCharacters(text: string): string {
  if (/\p{L}/u.test(text)) return 'letters';
  const stray = [...new Set([...text].filter((ch) => !PHONE_CHARACTERS.test(ch)))].map((ch) => `“${ch}”`);
  return stray.length > 1 ? `${stray.slice(0, -1).join(', ')} and ${stray.at(-1)}` : (stray[0] ?? 'symbols');
}

/** A mobile number of the country as people write it, e.g. '07xxx xxxxxx' (from libphonenumber's examples). */
function mobileShape(country: CountryCode): string | undefined {
  const example = getExampleNumber(country, mobileExamples)?.formatNational();
  if (!example) return undefined;
  let seen = 0;
  // The leading digits say what kind of number it is (07 in the UK); the rest could be anything.
  const lead = example.replace(/\D/g, '').startsWith('0') ? 2 : 1;
  return example.replace(/\d/g, (d) => (++seen <= lead ? d : 'x'));
}

function lengthReason(which: 'short' | 'long', country: CountryCode): PhoneResult {
  const shape = mobileShape(country);
  return {
    ok: false,
    reason: `This number is too ${which} for a mobile number from ${countryName(country)}${shape ? ` (${shape})` : ''}.`,
  };
}

/** The country a calling code belongs to when the number itself does not say (it is too short, say). */
function countryOfCallingCode(callingCode: string, defaultCountry: CountryCode): CountryCode | undefined {
  if (getCountryCallingCode(defaultCountry) === callingCode) return defaultCountry;
  const countries = getCountries().filter((c) => getCountryCallingCode(c) === callingCode);
  return countries.length === 1 ? countries[0] : undefined;
}

/**
 * Parses as the person wrote it, and, as Notify does, a number with neither + nor a leading 0 that
 * cannot be a national number is tried as international: spreadsheets drop the +, and
 * "1-202-555-0104" is a US number, not a UK one that is too long.
 */
function parse(text: string, defaultCountry: CountryCode): PhoneNumber | undefined {
  const options = { defaultCountry };
  const national = parsePhoneNumberFromString(text, options);
  if (/^[\s(]*[+0]/.test(text) || national?.isPossible()) return national;
  const international = parsePhoneNumberFromString(`+${text.replace(/\D/g, '')}`);
  return international?.isPossible() ? international : national;
}

export function normaliseMobile(
  input: string,
  allowedCountries: readonly string[],
  defaultCountry = 'GB',
): PhoneResult {
  const home = defaultCountry as CountryCode;
  const text = readPhoneText(input);
  if (text.replace(/[\s()+-]/g, '') === '') return { ok: false, reason: 'No phone number was given.' };
  if (!PHONE_CHARACTERS.test(text)) {
    return {
      ok: false,
      reason: `This is not a phone number: it has ${describeStrayCharacters(text)}. Use only digits, spaces, +, brackets and dashes.`,
    };
  }

  const parsed = parse(text, home);
  if (!parsed) {
    const code = /^\s*(?:\+|00)(\d{1,3})/.exec(text)?.[1];
    if (code && validatePhoneNumberLength(text, { defaultCountry: home }) === 'INVALID_COUNTRY') {
      return {
        ok: false,
        reason: `This is not a phone number in any country: +${code} is not an international dialling code.`,
      };
    }
    // Too few digits for libphonenumber to read at all ("12").
    return lengthReason('short', home);
  }

  if (parsed.countryCallingCode === '44' && OFCOM_DRAMA_MOBILE.test(parsed.nationalNumber)) {
    return allowedCountries.includes('GB')
      ? { ok: true, e164: parsed.number, country: 'GB' }
      : notAllowed('GB', allowedCountries);
  }

  // Whose number it is comes first: a French number that is too short is still not one to text.
  // Jersey, Guernsey and the Isle of Man share +44 but are separate countries to SMS carriers and their
  // prices, so they must be allowed by name like any other country.
  const country = parsed.country ?? countryOfCallingCode(parsed.countryCallingCode, home);
  if (!country) {
    return {
      ok: false,
      reason: `This is an international number (+${parsed.countryCallingCode}) that belongs to no one country; texts need a mobile number.`,
    };
  }
  if (!allowedCountries.includes(country)) return notAllowed(country, allowedCountries);

  if (!parsed.isValid()) {
    const length = validatePhoneNumberLength(parsed.number);
    if (length === 'TOO_SHORT') return lengthReason('short', country);
    if (length === 'TOO_LONG') return lengthReason('long', country);
    // A possible length for some number in the country, but not for a mobile: compare with one.
    const example = getExampleNumber(country, mobileExamples)?.nationalNumber;
    if (
      example &&
      parsed.nationalNumber[0] === example[0] &&
      parsed.nationalNumber.length !== example.length
    ) {
      return lengthReason(parsed.nationalNumber.length < example.length ? 'short' : 'long', country);
    }
    return { ok: false, reason: 'This is not a valid phone number: please check the digits.' };
  }

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

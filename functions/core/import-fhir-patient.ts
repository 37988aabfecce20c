/** A FHIR Patient: the client's names, mobile, date of birth, language and Attend's extensions. */
import { parseDate } from './dates.ts';
import { ATTEND_EXTENSION_BASE, keyOf, patientSchema, zodIssues } from './import-fhir-resources.ts';
import {
  type ImportContext,
  type ImportEntry,
  type Issue,
  type PatientFields,
  parseLanguage,
  type SourceKey,
} from './import-model.ts';
import { NHS_NUMBER_SYSTEM, parseNhsNumber } from './nhs-number.ts';
import { normaliseMobile } from './phone.ts';
import { postalAddressFromParts } from './postal-address.ts';

export function mapPatient(
  resource: Record<string, unknown>,
  ctx: ImportContext,
): { entry: Omit<ImportEntry, 'origin'>; key?: SourceKey } {
  const parsed = patientSchema.safeParse(resource);
  if (!parsed.success) return { entry: { kind: 'Patient', errors: zodIssues(parsed.error) } };
  const p = parsed.data;
  const errors: Issue[] = [];
  const key = keyOf(p.identifier, errors);
  const fields: Partial<PatientFields> = {};
  const nhs = p.identifier?.find((i) => i.system?.trim() === NHS_NUMBER_SYSTEM && i.value?.trim());
  if (nhs) {
    const result = parseNhsNumber(nhs.value!);
    if (result.ok) fields.nhsNumber = result.nhsNumber;
    else errors.push({ field: 'identifier:nhs-number', message: result.message });
  }

  const names = p.name ?? [];
  const name = names.find((n) => n.use === 'official') ?? names.find((n) => n.use === 'usual') ?? names[0];
  const given = name?.given?.map((g) => g.trim()).find((g) => g !== '');
  if (!given) errors.push({ field: 'name.given', message: 'needs a given name (texts use it)' });
  else if (given.length > 40) errors.push({ field: 'name.given', message: 'is longer than 40 characters' });
  else fields.firstName = given;
  if (name?.family !== undefined) {
    if (name.family.trim().length > 60)
      errors.push({ field: 'name.family', message: 'is longer than 60 characters' });
    else fields.familyName = name.family.trim();
  }

  const phones = [...(p.telecom ?? []), ...(p.contact ?? []).flatMap((c) => c.telecom ?? [])].filter(
    (t) => (t.system === 'phone' || t.system === 'sms') && t.use !== 'old' && t.value?.trim(),
  );
  const ordered = [...phones.filter((t) => t.use === 'mobile'), ...phones.filter((t) => t.use !== 'mobile')];
  let firstProblem: string | undefined;
  for (const t of ordered) {
    const result = normaliseMobile(t.value!, ctx.allowedCountries);
    if (result.ok) {
      fields.phone = result.e164;
      break;
    }
    firstProblem ??= result.reason;
  }
  // A number given but not a mobile is refused; no number at all is a family with no mobile (letters
  // instead), which needs an address: checked below, once the address is read.
  if (!fields.phone && firstProblem) errors.push({ field: 'telecom', message: firstProblem });

  if (p.birthDate !== undefined) {
    const date = parseDate(p.birthDate);
    if (date.ok) fields.dateOfBirth = date.date;
    else {
      const message = date.reason === 'format' ? 'expected a full date, yyyy-mm-dd' : date.message;
      errors.push({ field: 'birthDate', message });
    }
  }

  const communications = [...(p.communication ?? [])].sort(
    (a, b) => Number(b.preferred ?? false) - Number(a.preferred ?? false),
  );
  const languageCode = communications[0]?.language.coding?.find((c) => c.code)?.code;
  if (languageCode !== undefined) {
    const language = parseLanguage(languageCode);
    if (language) fields.language = language;
    else errors.push({ field: 'communication', message: 'expected a language code such as "en" or "cy"' });
  }

  // The home address (or the first that is not an old one), for letters: Patient.address line, city, postalCode.
  const addresses = (p.address ?? []).filter((a) => a.use !== 'old');
  const home = addresses.find((a) => a.use === 'home') ?? addresses[0];
  if (home) {
    const [line1, line2, line3, ...more] = home.line ?? [];
    const address = postalAddressFromParts({
      line1,
      line2,
      line3,
      town: home.city,
      postcode: home.postalCode,
    });
    if (more.length > 0)
      errors.push({ field: 'address', message: 'at most 3 address lines, before the town' });
    else if (address?.success) fields.address = address.data;
    else if (address) errors.push({ field: 'address', message: address.error.issues[0]!.message });
  }
  if (!fields.phone && !firstProblem && !home) {
    errors.push({
      field: 'telecom',
      message:
        'needs a mobile number (telecom with system phone and use mobile, on the Patient or a contact), ' +
        'or a home address (Patient.address) for letters',
    });
  }

  for (const ext of p.extension ?? []) {
    if (!ext.url.startsWith(ATTEND_EXTENSION_BASE)) continue;
    const name = ext.url.slice(ATTEND_EXTENSION_BASE.length);
    const field = `extension:${name}`;
    switch (name) {
      case 'due-date': {
        const date = parseDate(ext.valueDate ?? '');
        if (date.ok) fields.dueDate = date.date;
        else
          errors.push({
            field,
            message: `expected valueDate as yyyy-mm-dd${date.reason === 'format' ? '' : ` (${date.message})`}`,
          });
        break;
      }
      case 'imd-decile':
        if (Number.isInteger(ext.valueInteger) && ext.valueInteger! >= 1 && ext.valueInteger! <= 10)
          fields.imdDecile = ext.valueInteger!;
        else errors.push({ field, message: 'expected valueInteger from 1 (most deprived) to 10' });
        break;
      case 'needs-carer':
      case 'parental-mental-health':
      case 'vulnerable':
      case 'do-not-text': {
        const flag = (
          {
            'needs-carer': 'needsCarer',
            'parental-mental-health': 'parentalMentalHealth',
            vulnerable: 'vulnerable',
            'do-not-text': 'doNotText',
          } as const
        )[name];
        if (typeof ext.valueBoolean === 'boolean') fields[flag] = ext.valueBoolean;
        else errors.push({ field, message: 'expected valueBoolean' });
        break;
      }
      case 'named-health-visitor':
        if (ext.valueString?.trim() && ext.valueString.trim().length <= 120)
          fields.namedHealthVisitor = ext.valueString.trim();
        else errors.push({ field, message: 'expected valueString of at most 120 characters' });
        break;
      default:
        errors.push({ field, message: 'is not one of Attend’s extensions' });
    }
  }

  if (errors.length > 0 || !key) return { entry: { kind: 'Patient', errors }, key };
  return {
    entry: {
      kind: 'Patient',
      errors,
      patient: { key, fields: { ...fields, firstName: fields.firstName! } },
    },
    key,
  };
}

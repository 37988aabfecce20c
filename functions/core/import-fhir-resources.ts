/** The FHIR R4 resources the import reads, as zod schemas, and how a Bundle's references are followed. */
import * as z from 'zod';
import { checkSourcePart, type Issue, type SourceKey } from './import-model.ts';

/** Attend's Patient extensions; `url` is this base followed by the name, e.g. `…/due-date`. */
export const ATTEND_EXTENSION_BASE = 'https://attend.example/fhir/StructureDefinition/';

export const FHIR_LABELS: Record<string, string> = {
  firstName: 'name.given',
  familyName: 'name.family',
  nhsNumber: 'identifier:nhs-number',
  phone: 'telecom',
  language: 'communication',
  dateOfBirth: 'birthDate',
  dueDate: 'extension:due-date',
  namedHealthVisitor: 'extension:named-health-visitor',
  imdDecile: 'extension:imd-decile',
  needsCarer: 'extension:needs-carer',
  parentalMentalHealth: 'extension:parental-mental-health',
  vulnerable: 'extension:vulnerable',
  doNotText: 'extension:do-not-text',
  patient: 'participant',
  clinicId: 'schedule',
  type: 'appointmentType',
  startsAt: 'start',
  durationMinutes: 'end',
  status: 'status',
  slot: 'slot',
};

export const identifier = z.looseObject({ system: z.string().optional(), value: z.string().optional() });
export const coding = z.looseObject({ code: z.string().optional(), display: z.string().optional() });
export const concept = z.looseObject({ coding: z.array(coding).optional(), text: z.string().optional() });
export const contactPoint = z.looseObject({
  system: z.string().optional(),
  value: z.string().optional(),
  use: z.string().optional(),
});
export const extension = z.looseObject({
  url: z.string(),
  valueBoolean: z.boolean().optional(),
  valueInteger: z.number().optional(),
  valueDate: z.string().optional(),
  valueString: z.string().optional(),
});
export const reference = z.looseObject({ reference: z.string().optional() });

export const patientSchema = z.looseObject({
  id: z.string().optional(),
  identifier: z.array(identifier).optional(),
  name: z
    .array(
      z.looseObject({
        use: z.string().optional(),
        family: z.string().optional(),
        given: z.array(z.string()).optional(),
      }),
    )
    .optional(),
  telecom: z.array(contactPoint).optional(),
  birthDate: z.string().optional(),
  communication: z.array(z.looseObject({ language: concept, preferred: z.boolean().optional() })).optional(),
  contact: z.array(z.looseObject({ telecom: z.array(contactPoint).optional() })).optional(),
  extension: z.array(extension).optional(),
  address: z
    .array(
      z.looseObject({
        use: z.string().optional(),
        line: z.array(z.string()).optional(),
        city: z.string().optional(),
        postalCode: z.string().optional(),
      }),
    )
    .optional(),
});

export const slotSchema = z.looseObject({
  identifier: z.array(identifier).optional(),
  schedule: reference,
  status: z.string(),
  start: z.string(),
  end: z.string(),
  serviceType: z.array(concept).optional(),
  appointmentType: concept.optional(),
});

export const appointmentSchema = z.looseObject({
  identifier: z.array(identifier).optional(),
  status: z.string(),
  slot: z.array(reference).optional(),
  participant: z.array(z.looseObject({ actor: reference.optional() })).optional(),
});

export const scheduleSchema = z.looseObject({
  id: z.string().optional(),
  actor: z.array(reference).optional(),
});
export const locationSchema = z.looseObject({
  id: z.string().optional(),
  name: z.string().optional(),
  alias: z.array(z.string()).optional(),
});

export const bundleSchema = z.looseObject({
  resourceType: z.literal('Bundle', { error: 'expected resourceType "Bundle"' }),
  type: z.enum(['transaction', 'batch', 'collection', 'searchset'], {
    error: 'expected a transaction, batch, collection or searchset Bundle',
  }),
  entry: z
    .array(
      z.looseObject({
        fullUrl: z.string().optional(),
        resource: z.looseObject({ resourceType: z.string(), id: z.string().optional() }).optional(),
        request: z.looseObject({ method: z.string().optional() }).optional(),
      }),
    )
    .default([]),
});

export type BundleEntry = z.infer<typeof bundleSchema>['entry'][number];

export function zodIssues(error: z.ZodError): Issue[] {
  return error.issues.map((i) => ({
    field: i.path.map(String).join('.') || '(resource)',
    message: i.message,
  }));
}

/** The entries of a Bundle, with the lookups a reference needs (by fullUrl, and by Type/id). */
export class BundleIndex {
  private readonly byUrl = new Map<string, BundleEntry>();
  private readonly byTypeId = new Map<string, BundleEntry>();
  constructor(entries: readonly BundleEntry[]) {
    for (const e of entries) {
      if (e.fullUrl) this.byUrl.set(e.fullUrl, e);
      if (e.resource?.id) this.byTypeId.set(`${e.resource.resourceType}/${e.resource.id}`, e);
    }
  }
  resolve(ref: string | undefined): BundleEntry | undefined {
    if (!ref) return undefined;
    const exact = this.byUrl.get(ref);
    if (exact) return exact;
    const local = /([A-Za-z]+\/[A-Za-z0-9.-]{1,64})(\/_history\/[^/]+)?$/.exec(ref)?.[1];
    return local ? this.byTypeId.get(local) : undefined;
  }
}

export function entryLabel(entry: BundleEntry, index: number): string {
  if (entry.fullUrl) return entry.fullUrl;
  if (entry.resource?.id) return `${entry.resource.resourceType}/${entry.resource.id}`;
  return `entry[${index}]`;
}

export function keyOf(
  identifiers: z.infer<typeof identifier>[] | undefined,
  errors: Issue[],
): SourceKey | undefined {
  const chosen = (identifiers ?? []).find((i) => i.system?.trim() && i.value?.trim());
  if (!chosen) {
    errors.push({
      field: 'identifier',
      message: 'needs an identifier with a system and a value: Attend keys each record on it',
    });
    return undefined;
  }
  const system = chosen.system!.trim();
  const id = chosen.value!.trim();
  const systemProblem = checkSourcePart(system, 200);
  const idProblem = checkSourcePart(id, 128);
  if (systemProblem) errors.push({ field: 'identifier.system', message: systemProblem });
  if (idProblem) errors.push({ field: 'identifier.value', message: idProblem });
  return systemProblem || idProblem ? undefined : { system, id };
}

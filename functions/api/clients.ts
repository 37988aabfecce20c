import * as z from 'zod';
import { newClient } from '#core/client.ts';
import { LANGUAGES } from '#core/config/primitives.ts';
import { consentViewSchema } from '#core/consent.ts';
import { contactChannelSchema, contactChannelsSchema } from '#core/contact-channels.ts';
import { calendarDate } from '#core/dates.ts';
import { NotFoundError, ValidationError } from '#core/errors.ts';
import { localDay } from '#core/local-time.ts';
import { equityFlagsSchema, messageSchema } from '#core/model.ts';
import { nhsNumberInput } from '#core/nhs-number.ts';
import { normaliseMobile } from '#core/phone.ts';
import { postalAddressSchema } from '#core/postal-address.ts';
import { noPictographs } from '#core/sms-sanitise.ts';
import * as zm from '#core/zod.ts';
import { changeContactDetails } from '#services/client-contact.ts';
import { clientView, clientViews, consentOf } from '#services/consent.ts';
import type { Deps } from '#services/deps.ts';
import { erasedClientView } from '#services/erasure.ts';
import { clientByNhsNumber, clientsByPhone, createClient, getClient } from '#store/clients.ts';
import { clientTombstoneSchema, getTombstone } from '#store/erasure.ts';
import { messagesByPhone } from '#store/messages.ts';
import { forStaff } from './access.ts';
import { clientAnswerSchema, FLAGS_NOTE } from './flag-schemas.ts';
import { defineRoute, idParams, list, page, pageCursor, pageLimit } from './route.ts';

export const createClientBody = z.object({
  id: z
    .string()
    .regex(/^[A-Za-z0-9-]{2,64}$/)
    .optional(),
  firstName: z.string().trim().min(1).max(40).superRefine(noPictographs),
  familyName: z.string().trim().max(60).superRefine(noPictographs).default(''),
  /** A UK mobile; leave it out for a family with no mobile (then an address is needed, for letters). */
  phone: z.string().trim().min(1, 'give a mobile number, or leave the field out').max(64).optional(),
  /** 10 digits with a modulus 11 check digit; spaces allowed; stored as 10 digits. */
  nhsNumber: zm.optional(nhsNumberInput),
  language: z
    .string()
    .regex(/^[a-z]{2,3}$/, 'expected a language code such as "en" or "cy"')
    .optional(),
  dateOfBirth: zm.optional(calendarDate),
  dueDate: zm.optional(calendarDate),
  flags: zm._default(equityFlagsSchema, {
    needsCarer: false,
    parentalMentalHealth: false,
    vulnerable: false,
    doNotText: false,
  }),
  namedHealthVisitor: z.string().trim().max(120).optional(),
  /** `{lines: [..1-3], town, postcode}`: a UK address, the postcode checked and written the Royal Mail way. */
  address: zm.optional(postalAddressSchema),
  /** `{sms?: {on, reason?}, letter?: {on, reason?}}`: each channel defaults to on. */
  contact: zm.optional(contactChannelsSchema),
});

/**
 * PATCH /clients/{id}: a family's contact details. Each field given is set; `null` (or an empty phone)
 * clears it; a field left out is kept.
 */
export const changeContactBody = z
  .object({
    /** A UK mobile, or null or "" to clear it (the family has no mobile now). */
    phone: z.string().trim().max(64).nullable().optional(),
    /** `{lines, town, postcode}`, the postcode checked; null clears it. */
    address: zm.optional(zm.nullable(postalAddressSchema)),
    /** `{sms?: {on, reason?}, letter?: {on, reason?}}`: each channel given replaces that one. */
    contact: z
      .object({ sms: zm.optional(contactChannelSchema), letter: zm.optional(contactChannelSchema) })
      .optional(),
  })
  .refine((b) => b.phone !== undefined || b.address !== undefined || b.contact !== undefined, {
    message: 'give at least one of phone, address and contact',
    path: ['phone'],
  });

/** GET /clients/{id}/messages: one page at a time. */
export const clientMessagesQuery = z.object({
  limit: pageLimit(200).optional(),
  cursor: pageCursor.optional(),
});

/** GET /clients: by mobile (siblings share a parent's), or by NHS number (one client at most). */
export const findClientsQuery = z
  .object({
    phone: z.string().min(1, 'give a mobile number').max(64, 'at most 64 characters').optional(),
    nhsNumber: zm.optional(nhsNumberInput),
  })
  .refine((q) => (q.phone === undefined) !== (q.nhsNumber === undefined), {
    message: 'give ?phone= or ?nhsNumber= to find clients',
    path: ['phone'],
  });

/** A client as the API answers it: the record, and its number's consent (clientView in services/consent.ts). */
export const clientViewSchema = zm.extend(clientAnswerSchema, {
  /** The client's number is opted out of texts (STOP, staff, unreachable): no text goes to it. */
  optedOut: z.boolean(),
  /** The number's consent: `opted-in`, or `opted-out` with `reason` (stop-text, staff, unreachable) and `since`. */
  consent: consentViewSchema,
});

/** What GET /clients/{id} answers for a client whose personal data was erased (erasedClientView). */
const erasedClientSchema = clientTombstoneSchema
  .pick({ id: true, erasedAt: true, completedAt: true, counts: true })
  .extend({ erased: z.literal(true) });

/** A client needs a mobile or an address: with neither, nothing can reach the family. */
function mobileOrAddress(phone: string | undefined, address: unknown): void {
  if (phone === undefined && address === undefined) {
    throw new ValidationError('Request body is invalid', [
      { field: 'phone', message: 'give a mobile number, or a postal address for a family with no mobile' },
    ]);
  }
}

/**
 * What the body's schema cannot know, checked against the clock and the trust: a child is born on or
 * before today (an expected baby is registered with `dueDate`, which may be ahead), and the language is
 * one Attend serves families in.
 */
function checkBirthAndLanguage(deps: Deps, body: { dateOfBirth?: string; language?: string }): void {
  const today = localDay(deps.now(), deps.config.timeZone);
  if (body.dateOfBirth !== undefined && body.dateOfBirth > today) {
    throw new ValidationError('Request body is invalid', [
      {
        field: 'dateOfBirth',
        message: `must be today (${today}) or earlier; for an expected baby give dueDate instead`,
      },
    ]);
  }
  const languages = supportedLanguages(deps);
  if (body.language !== undefined && !languages.includes(body.language)) {
    throw new ValidationError('Request body is invalid', [
      { field: 'language', message: `not a language Attend supports; one of: ${languages.join(', ')}` },
    ]);
  }
}

/**
 * The languages Attend serves a family in: those it has letters and reply words for (LANGUAGES; texts
 * in one the trust has no templates for fall back to English), and any the trust's templates add.
 */
function supportedLanguages(deps: Deps): string[] {
  return [...new Set([deps.config.defaultLanguage, ...LANGUAGES, ...Object.keys(deps.config.templates)])];
}

function phoneOrFail(deps: Deps, input: string, field: string, message = 'Request body is invalid'): string {
  const result = normaliseMobile(input, deps.config.allowedCountries);
  if (!result.ok) throw new ValidationError(message, [{ field, message: result.reason }]);
  return result.e164;
}

export const clientRoutes = [
  defineRoute({
    id: 'createClient',
    method: 'POST',
    path: '/clients',
    tag: 'clients',
    summary: 'Register a client (a child, or an expectant parent)',
    description:
      'The phone, when given, must be a mobile from an allowed country; it is stored as E.164. A family ' +
      'with no mobile is registered without `phone`, and then needs an `address` (they get letters, or ' +
      'staff call them): nothing is ever texted to them, and each reminder is recorded as skipped `no-phone`.',
    roles: forStaff('health-visitor'),
    body: { name: 'CreateClientRequest', schema: createClientBody },
    response: {
      status: 201,
      name: 'Client',
      schema: clientViewSchema,
      description: 'The client, with its number’s consent',
    },
    errors: [400, 409, 413],
    handler: async ({ deps, body }) => {
      const { id, phone, ...fields } = body;
      checkBirthAndLanguage(deps, body);
      mobileOrAddress(phone, body.address);
      const client = await createClient(
        deps.store,
        newClient(
          { ...fields, ...(phone !== undefined ? { phone: phoneOrFail(deps, phone, 'phone') } : {}) },
          { id, now: deps.now().toISOString(), defaultLanguage: deps.config.defaultLanguage },
        ),
      );
      // A number that texted STOP (or that staff opted out) stays opted out for a new child on it too.
      return clientView(client, await consentOf(deps, client.phone));
    },
  }),
  defineRoute({
    id: 'changeClientContact',
    method: 'PATCH',
    path: '/clients/{id}',
    tag: 'clients',
    summary: 'Change a family’s mobile, postal address or contact channels',
    description:
      'Each field given is set and `null` clears it (an empty `phone` clears it too); a field left out is ' +
      'kept. A new mobile moves the client’s live bookings to it; a cleared one leaves them with no ' +
      'mobile, and their reminders are skipped `no-phone`. A number marked unreachable is lifted when staff ' +
      'give it here (they checked it with the family); a STOP or a staff opt-out is not. A family must ' +
      'keep a mobile or an address. 400 names the field (`phone`, `address.postcode`, …).',
    roles: forStaff('health-visitor'),
    params: idParams,
    body: { name: 'ChangeClientContactRequest', schema: changeContactBody },
    response: {
      status: 200,
      name: 'Client',
      schema: clientViewSchema,
      description: 'The client as now stored, with its number’s consent',
    },
    errors: [400, 404, 409, 413],
    handler: async ({ deps, params, body }) =>
      changeContactDetails(deps, params.id, {
        ...(body.phone !== undefined
          ? {
              phone: body.phone === null || body.phone === '' ? null : phoneOrFail(deps, body.phone, 'phone'),
            }
          : {}),
        ...(body.address !== undefined ? { address: body.address } : {}),
        ...(body.contact !== undefined ? { contact: body.contact } : {}),
      }),
  }),
  defineRoute({
    id: 'findClientsByPhone',
    method: 'GET',
    path: '/clients',
    tag: 'clients',
    summary: 'Find the clients who share a mobile number, or the client with an NHS number',
    description:
      'Give exactly one of `phone` and `nhsNumber` (10 digits, spaces allowed, check digit checked).' +
      FLAGS_NOTE,
    // Schedulers find the family they are booking.
    roles: forStaff('scheduler', 'health-visitor'),
    query: findClientsQuery,
    response: {
      status: 200,
      name: 'ClientList',
      schema: list(clientViewSchema),
      description: 'The clients on that phone, or the one client with that NHS number',
    },
    errors: [400],
    handler: async ({ deps, query }) => {
      if (query.nhsNumber !== undefined) {
        const client = await clientByNhsNumber(deps.store, query.nhsNumber);
        return { items: client ? await clientViews(deps, [client]) : [] };
      }
      const clients = await clientsByPhone(
        deps.store,
        phoneOrFail(deps, query.phone!, 'query.phone', 'Query parameter phone is not a valid mobile number'),
      );
      return { items: await clientViews(deps, clients) };
    },
  }),
  defineRoute({
    id: 'getClient',
    method: 'GET',
    path: '/clients/{id}',
    tag: 'clients',
    summary: 'Read a client; an erased client reads as `{id, erased: true, erasedAt, counts}`',
    description: FLAGS_NOTE.trim(),
    roles: forStaff('scheduler', 'health-visitor'),
    params: idParams,
    response: {
      status: 200,
      name: 'ClientOrErased',
      schema: z.union([clientViewSchema, erasedClientSchema]),
      description: 'The client, or what is left of an erased one',
    },
    errors: [400, 404],
    handler: async ({ deps, params }) => {
      const client = await getClient(deps.store, params.id);
      if (client) return clientView(client, await consentOf(deps, client.phone));
      const tombstone = await getTombstone(deps.store, params.id);
      if (!tombstone) throw new NotFoundError(`Client ${params.id} does not exist`);
      return { ...erasedClientView(tombstone), erased: true as const };
    },
  }),
  defineRoute({
    id: 'listClientMessages',
    method: 'GET',
    path: '/clients/{id}/messages',
    tag: 'clients',
    summary: 'Texts to and from the client’s number, newest first, with each text’s delivery status',
    description:
      'Each outbound text carries `delivery` once End User Messaging has reported on it: `status` (sent, ' +
      'delivered, failed-temporary, failed-permanent), the carrier’s `reason` and `changedAt`.',
    roles: forStaff('scheduler', 'health-visitor'),
    params: idParams,
    query: clientMessagesQuery,
    response: {
      status: 200,
      name: 'MessagePage',
      schema: page(messageSchema),
      description: 'One page of messages',
    },
    errors: [400, 404],
    handler: async ({ deps, params, query }) => {
      const client = await getClient(deps.store, params.id);
      if (!client) throw new NotFoundError(`Client ${params.id} does not exist`);
      return messagesByPhone(deps.store, client.phone, { limit: query.limit ?? 50, cursor: query.cursor });
    },
  }),
] as const;

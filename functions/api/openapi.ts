/**
 * The admin API's contract: a catalogue of every route (method, path, the zod schemas the route validates
 * with, its success response and the error statuses it can answer) and the OpenAPI 3.1 document built
 * from it, served at `GET /openapi.json`. Request bodies and query strings come from the very schemas
 * the routes pass to readJson/readQuery, so the document cannot describe a field the route does not
 * check. Responses are documented from the record schemas in core and store; results that are only
 * TypeScript interfaces get a documentation schema here, checked against the interface with `satisfies`
 * so the compiler notices when the two drift apart.
 *
 * tests/unit/api/openapi.test.ts compares this catalogue with the routes createAdminRouter registers:
 * a route without an entry here fails that test.
 */
import * as z from 'zod';
import { consentViewSchema } from '#core/consent.ts';
import { calendarDate } from '#core/dates.ts';
import { bookingSchema, clientSchema, clinicSchema, slotSchema } from '#core/model.ts';
import { offerSchema, waitlistEntrySchema } from '#core/waitlist.ts';
import { json } from '#runtime/http.ts';
import type { CancelResult, MoveResult } from '#services/bookings.ts';
import type { ClientView } from '#services/consent.ts';
import type { ErasureSummary } from '#services/erasure.ts';
import type { ImportReport } from '#services/import.ts';
import type { OutcomeResult } from '#services/outcomes.ts';
import { auditEntrySchema } from '#store/audit.ts';
import { clientTombstoneSchema } from '#store/erasure.ts';
import { followUpSchema } from '#store/follow-ups.ts';
import { inboxItemSchema } from '#store/inbox.ts';
import { auditQuery } from './audit.ts';
import { cancelBookingBody, createBookingBody, moveBookingBody, outcomeBody } from './bookings.ts';
import { createClientBody, findClientsQuery } from './clients.ts';
import { createClinicBody } from './clinics.ts';
import type { RegisterRoutes } from './context.ts';
import { importQuery } from './import.ts';
import { handledBody, listInboxQuery } from './inbox.ts';
import { metricsQuery, metricsReportSchema } from './metrics.ts';
import { closeFollowUpBody, listFollowUpsQuery } from './outcomes.ts';
import { createSessionBody, createSlotBody, listSlotsQuery } from './slots.ts';
import { previewBody } from './templates.ts';
import { addToWaitlistBody, listWaitlistQuery } from './waitlist.ts';

/** Kept in step with package.json's version by the unit test. */
export const API_VERSION = '0.1.0';

export const ERROR_STATUSES = [400, 404, 409, 413, 422, 500, 503] as const;
export type ErrorStatus = (typeof ERROR_STATUSES)[number];

export interface RouteDoc {
  method: 'get' | 'post' | 'delete';
  /** OpenAPI form: `/bookings/{id}`. */
  path: `/${string}`;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  /** A JSON body, read with readJson(req, schema). */
  body?: { name: string; schema: z.ZodType };
  /** A body the route reads itself (not JSON through readJson): described as given. */
  rawBody?: { description: string; content: Record<string, { schema: JsonSchema }> };
  /** The query string, read with readQuery(req, schema). */
  query?: z.ZodObject;
  ok: { status: 200 | 201; name: string; schema: z.ZodType; description: string };
  /** Besides 500 and 503, which every route can answer. */
  errors: readonly Exclude<ErrorStatus, 500 | 503>[];
}

type JsonSchema = Record<string, unknown>;

// ---------------------------------------------------------------------------------------------------
// Response schemas for results that are TypeScript interfaces in the services, not zod records.

export const errorBodySchema = z.object({
  error: z.object({
    /** Machine-readable, e.g. VALIDATION_FAILED, NOT_FOUND, SLOT_NOT_FREE, ALREADY_CLOSED. */
    code: z.string(),
    message: z.string(),
    /** On a 400: each bad field (`query.` prefixes a query parameter) and what is wrong with it. */
    fields: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  }),
});

const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    /** Opaque; pass it back as `?cursor=` for the next page. Absent on the last page. */
    cursor: z.string().optional(),
  });
const list = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) });

const healthSchema = z.object({ status: z.literal('ok'), trust: z.string(), time: z.string() });

/** This document; described loosely so the document does not have to describe itself. */
const openApiDocumentSchema = z.looseObject({ openapi: z.literal('3.1.0'), info: z.looseObject({}) });

/** A client as the API answers it: the record, and its number's consent (clientView). */
const clientViewSchema = clientSchema.extend({
  /** The client's number is opted out of texts (STOP, staff, unreachable): no text goes to it. */
  optedOut: z.boolean(),
  /** The number's consent: `opted-in`, or `opted-out` with `reason` (stop-text, staff, unreachable) and `since`. */
  consent: consentViewSchema,
}) satisfies z.ZodType<ClientView>;

/** What GET /clients/{id} answers for a client whose personal data was erased (erasedClientView). */
const erasedClientSchema = clientTombstoneSchema
  .pick({ id: true, erasedAt: true, completedAt: true, counts: true })
  .extend({ erased: z.literal(true) });

const erasureSummarySchema = clientTombstoneSchema
  .pick({
    state: true,
    erasedAt: true,
    erasedBy: true,
    completedAt: true,
    counts: true,
    removed: true,
    keptSharedPhoneItems: true,
    otherItems: true,
  })
  .extend({ clientId: z.string() }) satisfies z.ZodType<ErasureSummary>;

const cancelResultSchema = z.object({
  booking: bookingSchema,
  notified: z.boolean(),
  notNotifiedReason: z
    .enum(['not-requested', 'opted-out', 'do-not-text', 'quiet-hours', 'send-failed'])
    .optional(),
}) satisfies z.ZodType<CancelResult>;

const moveResultSchema = z.object({ from: bookingSchema, to: bookingSchema }) satisfies z.ZodType<MoveResult>;

const outcomeResultSchema = z.object({
  booking: bookingSchema,
  history: clientSchema.shape.history,
  followUp: followUpSchema.optional(),
}) satisfies z.ZodType<OutcomeResult>;

const templatePreviewSchema = z.object({
  text: z.string(),
  language: z.string(),
  encoding: z.enum(['GSM-7', 'UCS-2']),
  segments: z.number().int(),
  characters: z.number().int(),
  costGbp: z.number(),
});

const offersForSlotSchema = z.object({
  slot: slotSchema.pick({ id: true, status: true, backfill: true }),
  items: z.array(offerSchema),
});

const importRowSchema = z.object({
  row: z.number().int().optional(),
  resource: z.string().optional(),
  kind: z.enum(['appointment', 'Patient', 'Slot', 'Appointment']),
  action: z.enum(['created', 'changed', 'unchanged', 'rejected']),
  id: z.string().optional(),
  clientId: z.string().optional(),
  slotId: z.string().optional(),
  changes: z.array(z.string()).optional(),
  errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  notes: z.array(z.string()).optional(),
});

const importReportSchema = z.object({
  dryRun: z.boolean(),
  format: z.enum(['csv', 'fhir']),
  confirm: z.boolean(),
  summary: z.object({
    created: z.number().int(),
    changed: z.number().int(),
    unchanged: z.number().int(),
    rejected: z.number().int(),
  }),
  rows: z.array(importRowSchema),
  clinicsCreated: z.array(z.string()),
  ignored: z.array(z.string()),
  warnings: z.array(z.string()),
}) satisfies z.ZodType<ImportReport>;

const auditPageSchema = page(auditEntrySchema).extend({ date: calendarDate });

// The query schema below is declared inline in waitlist.ts (not exported), so it is restated here for the
// document only; keep it in step with the route.
const offersQuery = z.object({ slot: z.string().min(1) });

// ---------------------------------------------------------------------------------------------------
// The catalogue.

const ok200 = (name: string, schema: z.ZodType, description: string) =>
  ({ status: 200, name, schema, description }) as const;
const ok201 = (name: string, schema: z.ZodType, description: string) =>
  ({ status: 201, name, schema, description }) as const;

export const ROUTE_DOCS: readonly RouteDoc[] = [
  {
    method: 'get',
    path: '/health',
    operationId: 'getHealth',
    tag: 'health',
    summary: 'Liveness, the trust id and the current time',
    description: 'A 503 `DATABASE_UNAVAILABLE` when the table does not answer within 2 seconds.',
    ok: ok200('Health', healthSchema, 'The API is up and its table answers'),
    errors: [],
  },
  {
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    tag: 'health',
    summary: 'This OpenAPI 3.1 document',
    ok: ok200('OpenApiDocument', openApiDocumentSchema, 'The OpenAPI 3.1 document'),
    errors: [],
  },
  {
    method: 'post',
    path: '/clinics',
    operationId: 'createClinic',
    tag: 'clinics',
    summary: 'Create a clinic',
    description: '`venue` is what texts say, at most 40 characters so a text fits one segment.',
    body: { name: 'CreateClinicRequest', schema: createClinicBody },
    ok: ok201('Clinic', clinicSchema, 'The clinic'),
    errors: [400, 409, 413],
  },
  {
    method: 'get',
    path: '/clinics',
    operationId: 'listClinics',
    tag: 'clinics',
    summary: 'Every clinic',
    ok: ok200('ClinicList', list(clinicSchema), 'The clinics'),
    errors: [],
  },
  {
    method: 'get',
    path: '/clinics/{id}',
    operationId: 'getClinic',
    tag: 'clinics',
    summary: 'Read a clinic',
    ok: ok200('Clinic', clinicSchema, 'The clinic'),
    errors: [404],
  },
  {
    method: 'post',
    path: '/clients',
    operationId: 'createClient',
    tag: 'clients',
    summary: 'Register a client (a child, or an expectant parent)',
    description: 'The phone must be a mobile from an allowed country; it is stored as E.164.',
    body: { name: 'CreateClientRequest', schema: createClientBody },
    ok: ok201('Client', clientViewSchema, 'The client, with its number’s consent'),
    errors: [400, 409, 413],
  },
  {
    method: 'get',
    path: '/clients',
    operationId: 'findClientsByPhone',
    tag: 'clients',
    summary: 'Find the clients who share a mobile number, or the client with an NHS number',
    description:
      'Give exactly one of `phone` and `nhsNumber` (10 digits, spaces allowed, check digit checked).',
    query: findClientsQuery,
    ok: ok200(
      'ClientList',
      list(clientViewSchema),
      'The clients on that phone, or the one client with that NHS number',
    ),
    errors: [400],
  },
  {
    method: 'get',
    path: '/clients/{id}',
    operationId: 'getClient',
    tag: 'clients',
    summary: 'Read a client; an erased client reads as `{id, erased: true, erasedAt, counts}`',
    ok: ok200(
      'ClientOrErased',
      z.union([clientViewSchema, erasedClientSchema]),
      'The client, or what is left of an erased one',
    ),
    errors: [404],
  },
  {
    method: 'post',
    path: '/clients/{id}/opt-out',
    operationId: 'optOutClientNumber',
    tag: 'clients',
    summary: "Opt the client's number out of texts (staff-recorded)",
    description:
      'Consent belongs to the number: every child on it, now and later, gets no texts until the number ' +
      'texts START or staff opt it back in. A number already opted out stays as it is (a STOP stays a STOP).',
    ok: ok200('Client', clientViewSchema, 'The client, with its number’s consent'),
    errors: [404],
  },
  {
    method: 'post',
    path: '/clients/{id}/opt-in',
    operationId: 'optInClientNumber',
    tag: 'clients',
    summary: 'Lift a staff-recorded opt-out of the client’s number',
    description:
      '409 OPTED_OUT_BY_TEXT when the number texted STOP: only a START from the number lifts that.',
    ok: ok200('Client', clientViewSchema, 'The client, with its number’s consent'),
    errors: [404, 409],
  },
  {
    method: 'delete',
    path: '/clients/{id}',
    operationId: 'eraseClient',
    tag: 'clients',
    summary: "Erase a client's personal data (a data-protection request)",
    description:
      'Cancels live bookings, deletes waitlist entries, offers, messages and inbox items, and keeps anonymised ' +
      'counts. Asking again answers the same summary and finishes an erasure that stopped half-way. ' +
      '409 OPEN_FOLLOW_UPS while a Was-Not-Brought follow-up is open.',
    ok: ok200('ErasureSummary', erasureSummarySchema, 'What was removed'),
    errors: [404, 409],
  },
  {
    method: 'post',
    path: '/slots',
    operationId: 'createSlot',
    tag: 'slots',
    summary: 'Create one slot, at a local date and time or a UTC instant',
    body: { name: 'CreateSlotRequest', schema: createSlotBody },
    ok: ok201('Slot', slotSchema, 'The slot'),
    errors: [400, 409, 413],
  },
  {
    method: 'post',
    path: '/slots/session',
    operationId: 'createSession',
    tag: 'slots',
    summary: 'Create a clinic session: slots from `from` to `to` every `everyMinutes`',
    body: { name: 'CreateSessionRequest', schema: createSessionBody },
    ok: ok201('SlotList', list(slotSchema), 'The slots created'),
    errors: [400, 409, 413],
  },
  {
    method: 'get',
    path: '/slots',
    operationId: 'listSlots',
    tag: 'slots',
    summary: "A clinic's slots on a local day",
    query: listSlotsQuery,
    ok: ok200('SlotPage', page(slotSchema), 'One page of slots'),
    errors: [400],
  },
  {
    method: 'post',
    path: '/slots/{id}/withdraw',
    operationId: 'withdrawSlot',
    tag: 'slots',
    summary: 'Withdraw a slot (the clinic is cancelled): it can no longer be booked or offered',
    description:
      'FREE or OFFERING → WITHDRAWN. A slot under short-notice offer ends its run as WITHDRAWN in the same ' +
      'write, and each family with a pending offer is told once that the time has gone (outside quiet ' +
      'hours). Withdrawing a withdrawn slot changes nothing. 409 `SLOT_BOOKED` for a booked slot (cancel ' +
      'or move its booking first). Slots are never deleted.',
    ok: ok200('Slot', slotSchema, 'The withdrawn slot'),
    errors: [404, 409],
  },
  {
    method: 'get',
    path: '/slots/{id}',
    operationId: 'getSlot',
    tag: 'slots',
    summary: 'Read a slot',
    ok: ok200('Slot', slotSchema, 'The slot'),
    errors: [404],
  },
  {
    method: 'post',
    path: '/bookings',
    operationId: 'createBooking',
    tag: 'bookings',
    summary: 'Book a slot for a client: plans the reminders and sends the confirmation',
    description:
      "A slot beyond the trust's booking horizon is a 400 on `slotId` unless `overrideHorizon` is true.",
    body: { name: 'CreateBookingRequest', schema: createBookingBody },
    ok: ok201('Booking', bookingSchema, 'The booking'),
    errors: [400, 404, 409, 413, 422],
  },
  {
    method: 'get',
    path: '/bookings',
    operationId: 'listBookings',
    tag: 'bookings',
    summary: "A clinic's bookings on a local day, with each reminder tier's state",
    query: listSlotsQuery,
    ok: ok200('BookingPage', page(bookingSchema), 'One page of bookings'),
    errors: [400],
  },
  {
    method: 'get',
    path: '/bookings/{id}',
    operationId: 'getBooking',
    tag: 'bookings',
    summary: 'Read a booking',
    ok: ok200('Booking', bookingSchema, 'The booking'),
    errors: [404],
  },
  {
    method: 'post',
    path: '/bookings/{id}/cancel',
    operationId: 'cancelBooking',
    tag: 'bookings',
    summary: 'Cancel a booking (staff, with a reason); frees the slot and stops later reminders',
    body: { name: 'CancelBookingRequest', schema: cancelBookingBody },
    ok: ok200('CancelResult', cancelResultSchema, 'The cancelled booking, and whether the family was texted'),
    errors: [400, 404, 409, 413, 422],
  },
  {
    method: 'post',
    path: '/bookings/{id}/move',
    operationId: 'moveBooking',
    tag: 'bookings',
    summary: 'Move a booking to another free slot of the same type, in one transaction',
    body: { name: 'MoveBookingRequest', schema: moveBookingBody },
    ok: ok200('MoveResult', moveResultSchema, 'The old (cancelled) booking and the new one'),
    errors: [400, 404, 409, 413, 422],
  },
  {
    method: 'post',
    path: '/bookings/{id}/outcome',
    operationId: 'recordOutcome',
    tag: 'outcomes',
    summary: 'Record ATTENDED, DNA or WNB (was not brought) once the appointment has started',
    description:
      'A WNB that makes the escalation threshold in a row, or any WNB for a child flagged vulnerable, opens ' +
      'a follow-up for the named health visitor.',
    body: { name: 'OutcomeRequest', schema: outcomeBody },
    ok: ok200('OutcomeResult', outcomeResultSchema, "The booking, the child's history, any follow-up opened"),
    errors: [400, 404, 409, 413],
  },
  {
    method: 'get',
    path: '/follow-ups',
    operationId: 'listFollowUps',
    tag: 'outcomes',
    summary: 'Open Was-Not-Brought follow-ups, newest first',
    query: listFollowUpsQuery,
    ok: ok200('FollowUpPage', page(followUpSchema), 'One page of open follow-ups'),
    errors: [400],
  },
  {
    method: 'get',
    path: '/follow-ups/{id}',
    operationId: 'getFollowUp',
    tag: 'outcomes',
    summary: 'Read a follow-up',
    ok: ok200('FollowUp', followUpSchema, 'The follow-up'),
    errors: [404],
  },
  {
    method: 'post',
    path: '/follow-ups/{id}/close',
    operationId: 'closeFollowUp',
    tag: 'outcomes',
    summary: 'Close a follow-up with a note of what was done',
    body: { name: 'CloseFollowUpRequest', schema: closeFollowUpBody },
    ok: ok200('FollowUp', followUpSchema, 'The closed follow-up'),
    errors: [400, 404, 409, 413],
  },
  {
    method: 'post',
    path: '/templates/preview',
    operationId: 'previewTemplate',
    tag: 'templates',
    summary: 'Render a text with sample values: encoding, segments and cost',
    body: { name: 'PreviewTemplateRequest', schema: previewBody },
    ok: ok200('TemplatePreview', templatePreviewSchema, 'The rendered text'),
    errors: [400, 413],
  },
  {
    method: 'get',
    path: '/inbox',
    operationId: 'listInbox',
    tag: 'inbox',
    summary: 'Replies staff need to read, newest first',
    query: listInboxQuery,
    ok: ok200('InboxPage', page(inboxItemSchema), 'One page of open inbox items'),
    errors: [400],
  },
  {
    method: 'post',
    path: '/inbox/{id}/handled',
    operationId: 'markInboxHandled',
    tag: 'inbox',
    summary: 'Mark a reply handled',
    body: { name: 'HandledRequest', schema: handledBody },
    ok: ok200('InboxItem', inboxItemSchema, 'The handled item'),
    errors: [400, 404, 409, 413],
  },
  {
    method: 'post',
    path: '/waitlist',
    operationId: 'addToWaitlist',
    tag: 'waitlist',
    summary: 'Put a family on the short-notice list',
    body: { name: 'AddToWaitlistRequest', schema: addToWaitlistBody },
    ok: ok201('WaitlistEntry', waitlistEntrySchema, 'The entry, with its priority score'),
    errors: [400, 404, 409, 413],
  },
  {
    method: 'get',
    path: '/waitlist',
    operationId: 'listWaitlist',
    tag: 'waitlist',
    summary: 'The list for an appointment type, highest priority first',
    query: listWaitlistQuery,
    ok: ok200('WaitlistPage', page(waitlistEntrySchema), 'One page of entries'),
    errors: [400],
  },
  {
    method: 'get',
    path: '/waitlist/{id}',
    operationId: 'getWaitlistEntry',
    tag: 'waitlist',
    summary: 'Read a waitlist entry',
    ok: ok200('WaitlistEntry', waitlistEntrySchema, 'The entry'),
    errors: [404],
  },
  {
    method: 'delete',
    path: '/waitlist/{id}',
    operationId: 'removeWaitlistEntry',
    tag: 'waitlist',
    summary: 'Take a family off the list',
    ok: ok200('WaitlistEntry', waitlistEntrySchema, 'The removed entry'),
    errors: [404, 409],
  },
  {
    method: 'get',
    path: '/offers',
    operationId: 'listOffersForSlot',
    tag: 'waitlist',
    summary: "Every offer made for a slot, with each family's score and its breakdown",
    query: offersQuery,
    ok: ok200('OffersForSlot', offersForSlotSchema, "The slot's short-notice run and its offers"),
    errors: [400, 404],
  },
  {
    method: 'post',
    path: '/import',
    operationId: 'importFromEpr',
    tag: 'import',
    summary: 'Import clinics, families and appointments from an EPR export (CSV or a FHIR R4 Bundle)',
    description:
      'Idempotent: records are keyed by source system and source id. Bad rows are reported one by one and ' +
      'the good rows still import. Up to 5,000 rows a call. See the README, "Import from the EPR".',
    query: importQuery,
    rawBody: {
      description: "CSV in Attend's layout, or a FHIR R4 Bundle of Patient, Slot and Appointment resources",
      content: {
        'text/csv': { schema: { type: 'string' } },
        'application/fhir+json': { schema: { $ref: '#/components/schemas/FhirBundle' } },
        'application/json': { schema: { $ref: '#/components/schemas/FhirBundle' } },
      },
    },
    ok: ok200(
      'ImportReport',
      importReportSchema,
      'What was (or on a dry run, would be) created, changed or rejected',
    ),
    errors: [400, 413],
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    tag: 'metrics',
    summary: 'Attendance, cancellation, short-notice fill and text metrics for a range of local days',
    description:
      'Computed from per-day counters kept up to date as things happen, not from a scan of bookings.',
    query: metricsQuery,
    ok: ok200('MetricsReport', metricsReportSchema, 'The metrics, grouped by week or month'),
    errors: [400],
  },
  {
    method: 'get',
    path: '/audit',
    operationId: 'listAudit',
    tag: 'audit',
    summary: "One UTC day's changes made through the API, newest first (default today)",
    query: auditQuery,
    ok: ok200('AuditPage', auditPageSchema, 'One page of audit entries'),
    errors: [400],
  },
];

// ---------------------------------------------------------------------------------------------------
// The document.

const ERROR_RESPONSES: Record<ErrorStatus, { name: string; description: string }> = {
  400: { name: 'BadRequest', description: 'Bad input: `fields` names each bad field' },
  404: { name: 'NotFound', description: 'No record with that id' },
  409: { name: 'Conflict', description: 'The current state does not allow this; `code` says why' },
  413: { name: 'PayloadTooLarge', description: 'The request body is over 1 MB' },
  422: { name: 'Unprocessable', description: 'The request was understood but could not be carried out' },
  500: { name: 'InternalError', description: 'Something went wrong; the detail is logged, not returned' },
  503: {
    name: 'DatabaseUnavailable',
    description:
      '`DATABASE_UNAVAILABLE`: the database is not answering; a change asked for may or may not have been made, so check before repeating it',
  },
};

const FHIR_BUNDLE: JsonSchema = {
  type: 'object',
  description: 'A FHIR R4 Bundle; Patient, Slot and Appointment entries are imported, others are ignored',
  properties: {
    resourceType: { const: 'Bundle' },
    entry: { type: 'array', items: { type: 'object', properties: { resource: { type: 'object' } } } },
  },
  required: ['resourceType'],
};

const PARAM_DESCRIPTIONS: Record<string, string> = {
  cursor: 'Opaque cursor from the previous page',
  limit: 'Page size',
};

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** Names each schema once; the same name for two different schemas is a catalogue mistake. */
function nameSchemas(entries: Iterable<[string, z.ZodType]>): z.core.$ZodRegistry<{ id: string }> {
  const registry = z.registry<{ id: string }>();
  const byName = new Map<string, z.ZodType>();
  for (const [name, schema] of entries) {
    const known = byName.get(name);
    if (known && known !== schema) throw new Error(`Two different schemas are both named ${name}`);
    if (known) continue;
    const other = registry.get(schema);
    if (other) throw new Error(`One schema is named both ${other.id} and ${name}`);
    byName.set(name, schema);
    registry.add(schema, { id: name });
  }
  return registry;
}

/**
 * Request schemas are converted as zod's input (defaults optional, coercion accepted) and responses as
 * its output (defaults filled in). `$id` and `$schema` are dropped: OpenAPI 3.1 sets the dialect once,
 * and a fragment `$id` is not allowed in JSON Schema 2020-12. Responses lose zod's
 * `additionalProperties: false`, so a client generated from the document keeps working when a record
 * gains a field.
 */
function componentSchemas(registry: z.core.$ZodRegistry<{ id: string }>, io: 'input' | 'output') {
  const { schemas } = z.toJSONSchema(registry, {
    target: 'draft-2020-12',
    io,
    uri: (name) => `#/components/schemas/${name}`,
    override: ({ jsonSchema }) => {
      if (io === 'output' && jsonSchema.additionalProperties === false)
        delete jsonSchema.additionalProperties;
    },
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([name, { $id: _id, $schema: _schema, ...schema }]) => [name, schema]),
  );
}

function queryParameters(query: z.ZodObject): JsonSchema[] {
  const schema = z.toJSONSchema(query, { target: 'draft-2020-12', io: 'input' }) as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(schema.properties ?? {}).map(([name, property]) => ({
    name,
    in: 'query',
    required: schema.required?.includes(name) ?? false,
    ...(PARAM_DESCRIPTIONS[name] ? { description: PARAM_DESCRIPTIONS[name] } : {}),
    schema: property,
  }));
}

function pathParameters(path: string): JsonSchema[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map(([, name]) => ({
    name,
    in: 'path',
    required: true,
    schema: { type: 'string', minLength: 1 },
  }));
}

function operation(route: RouteDoc, requestSchemas: Record<string, JsonSchema>): JsonSchema {
  const parameters = [...pathParameters(route.path), ...(route.query ? queryParameters(route.query) : [])];
  let requestBody: JsonSchema | undefined;
  if (route.body) {
    // readJson reads an empty body as {}, so a body with no required field may be left out.
    const required = ((requestSchemas[route.body.name]?.required as string[] | undefined) ?? []).length > 0;
    requestBody = { required, content: { 'application/json': { schema: ref(route.body.name) } } };
  } else if (route.rawBody) {
    requestBody = { required: true, ...route.rawBody };
  }
  const errors = [...route.errors, 500 as const, 503 as const].map((status) => [
    String(status),
    { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` },
  ]);
  return {
    operationId: route.operationId,
    tags: [route.tag],
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    ...(parameters.length ? { parameters } : {}),
    ...(requestBody ? { requestBody } : {}),
    responses: {
      [String(route.ok.status)]: {
        description: route.ok.description,
        content: { 'application/json': { schema: ref(route.ok.name) } },
      },
      ...Object.fromEntries(errors),
    },
  };
}

export function buildOpenApiDocument(routes: readonly RouteDoc[] = ROUTE_DOCS): JsonSchema {
  const requests = componentSchemas(
    nameSchemas(routes.flatMap((r) => (r.body ? [[r.body.name, r.body.schema] as [string, z.ZodType]] : []))),
    'input',
  );
  const responses = componentSchemas(
    nameSchemas([
      ['ErrorBody', errorBodySchema],
      ...routes.map((r) => [r.ok.name, r.ok.schema] as [string, z.ZodType]),
    ]),
    'output',
  );
  for (const name of Object.keys(requests)) {
    if (name in responses) throw new Error(`${name} names both a request and a response schema`);
  }

  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    paths[route.path] ??= {};
    paths[route.path]![route.method] = operation(route, requests);
  }

  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    info: {
      title: 'Attend admin API',
      version: API_VERSION,
      description:
        'The staff admin API of Attend: clinics, clients, slots, bookings, outcomes and follow-ups, the ' +
        'short-notice waitlist, the SMS inbox, EPR import and the audit trail.\n\n' +
        "It is served from a Lambda function URL, which is different for each trust's deployment, so the " +
        'document names no server: call the URL from `cdk deploy` (or http://localhost:3000 for the local ' +
        'runtime, unsigned). Every error has the shape `{"error":{"code","message","fields?"}}`.',
    },
    servers: [],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    security: [{ awsSigV4: [] }],
    paths,
    components: {
      securitySchemes: {
        awsSigV4: {
          type: 'http',
          scheme: 'AWS4-HMAC-SHA256',
          description:
            'The function URL uses AWS_IAM auth: sign each request with AWS Signature Version 4 for service ' +
            '`lambda` in the deployment region (the `Authorization: AWS4-HMAC-SHA256 …` header, with ' +
            '`X-Amz-Date` and, for temporary credentials, `X-Amz-Security-Token`). The caller needs ' +
            '`lambda:InvokeFunctionUrl` on the function. `attend admin` signs with the default AWS ' +
            'credential chain. The local runtime is not signed.',
          'x-amazon-sigv4': { service: 'lambda' },
        },
      },
      schemas: { ...requests, ...responses, FhirBundle: FHIR_BUNDLE },
      responses: Object.fromEntries(
        Object.values(ERROR_RESPONSES).map(({ name, description }) => [
          name,
          { description, content: { 'application/json': { schema: ref('ErrorBody') } } },
        ]),
      ),
    },
  };
}

export const registerOpenApiRoutes: RegisterRoutes = (router) => {
  // Built on the first request, not per request: the catalogue does not change while the function runs.
  let document: JsonSchema | undefined;
  router.get('/openapi.json', async () => {
    document ??= buildOpenApiDocument();
    return json(200, document);
  });
};

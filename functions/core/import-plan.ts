/**
 * The import's plan, as plain data: what Attend holds that the import touches (`Holdings`, read by the
 * match stage), and for each source record the outcome to report and the writes that bring it about
 * (`RecordPlan`). The planner (import-planner.ts) makes it without I/O; the service applies it. A dry
 * run is the plan without the apply.
 *
 * Every type here is JSON: a plan can be logged by shape, stored or compared in a test.
 */

import * as z from 'zod';
import * as zm from '#core/zod.ts';
import type { Issue, SourceKey, SourceKind } from './import-model.ts';
import { type Booking, type Client, type Clinic, id, isoInstant, type Slot } from './model.ts';
import type { PostalAddress } from './postal-address.ts';

/** A pointer from a source record (kind, system, id) to the Attend record made from it. */
export const sourceRefSchema = z.object({
  kind: z.enum(['Patient', 'Slot', 'Appointment']),
  system: z.string(),
  sourceId: z.string(),
  /** The client, slot or booking id. */
  attendId: id,
  /** For an appointment: the slot its booking is in. */
  slotId: zm.optional(id),
  /** A digest of what the source last said (import-model.ts `fingerprint`). */
  sourceHash: z.string(),
  createdAt: isoInstant,
  updatedAt: isoInstant,
});
export type SourceRef = z.infer<typeof sourceRefSchema>;

/** A pointer moving on to a new digest (and record), only if it still holds what the import read. */
export interface RefChange {
  kind: SourceKind;
  key: SourceKey;
  seen: Pick<SourceRef, 'sourceHash' | 'attendId'>;
  sourceHash: string;
  attendId?: string;
  slotId?: string;
  now: string;
}

/** The client fields an import may set; `null` removes the attribute. */
export interface ClientChanges {
  firstName?: string;
  familyName?: string;
  phone?: string;
  nhsNumber?: string | null;
  language?: string;
  dateOfBirth?: string | null;
  dueDate?: string | null;
  namedHealthVisitor?: string | null;
  'flags.imdDecile'?: number | null;
  'flags.needsCarer'?: boolean;
  'flags.parentalMentalHealth'?: boolean;
  'flags.vulnerable'?: boolean;
  'flags.doNotText'?: boolean;
  address?: PostalAddress | null;
}

/**
 * What Attend holds that the import's records touch, keyed for lookup. The planner works on a copy and
 * moves it on as it plans (a cancellation frees its slot, a booking takes one), so later records see
 * what earlier ones will have done.
 */
export interface Holdings {
  /** Ids of the clinics Attend has. */
  clinics: string[];
  /** Source key (`sourceKeyString`) → its pointer. */
  refs: Record<string, SourceRef>;
  clients: Record<string, Client>;
  slots: Record<string, Slot>;
  bookings: Record<string, Booking>;
  /** `clinicId|localDay` → FREE or OFFERING slots there a CSV row may take, for the days rows book. */
  freeSlots: Record<string, string[]>;
  /** Phone → references of its live bookings (so a new booking's reference is not one of them). */
  refsInUse: Record<string, string[]>;
  /** Client id → its live bookings, for clients whose mobile changes (the bookings move with it). */
  liveBookings: Record<string, Booking[]>;
  /** NHS number → the client that has it, for the numbers the records give. */
  nhsNumbers: Record<string, string>;
}

export const emptyHoldings = (): Holdings => ({
  clinics: [],
  refs: {},
  clients: {},
  slots: {},
  bookings: {},
  freeSlots: {},
  refsInUse: {},
  liveBookings: {},
  nhsNumbers: {},
});

export type ImportAction = 'created' | 'changed' | 'unchanged' | 'rejected';

export interface Outcome {
  action: ImportAction;
  id?: string;
  clientId?: string;
  slotId?: string;
  changes: string[];
  errors: Issue[];
  notes: string[];
}

export const outcome = (action: ImportAction, extra: Partial<Outcome> = {}): Outcome => ({
  action,
  changes: [],
  errors: [],
  notes: [],
  ...extra,
});
export const rejected = (field: string, message: string): Outcome =>
  outcome('rejected', { errors: [{ field, message }] });

/** Which pointer an appointment's booking needs: a new one, or the existing one moved on. */
export type Pointer = { put: SourceRef } | { update: RefChange };

/** One write of the apply stage. Each names a store function; none is a raw DynamoDB command. */
export type ImportWrite =
  | { op: 'createClient'; client: Client; ref: SourceRef }
  | { op: 'updateClient'; client: Client; changes: ClientChanges; liveBookings: Booking[]; ref: RefChange }
  | { op: 'touchRef'; ref: RefChange }
  | { op: 'createSlot'; slot: Slot; ref: SourceRef }
  | {
      op: 'updateSlot';
      slot: Slot;
      fields: Pick<Slot, 'clinicId' | 'type' | 'startsAt' | 'durationMinutes' | 'localDay'>;
      status: Slot['status'];
      from: Slot['status'][];
      ref: RefChange;
    }
  /** Cancels a live booking and frees its slot, as staff cancelling do; no text is sent. */
  | { op: 'cancelBooking'; booking: Booking; reason: string }
  /** Books a slot Attend has, through the same transaction items staff booking uses, with the pointer. */
  | { op: 'book'; booking: Booking; pointer: Pointer }
  /** A slot new to Attend, created already BOOKED with its booking (the short-notice list never sees it free). */
  | { op: 'bookNewSlot'; slot: Slot; booking: Booking; slotRef?: SourceRef; pointer: Pointer };

/** The stages records are applied in: each needs the one before done (a booking needs its client). */
export const PHASES = ['patients', 'slots', 'cancellations', 'bookings', 'deferredSlots'] as const;
export type Phase = (typeof PHASES)[number];

export interface RecordPlan {
  kind: SourceKind;
  /** `sourceKeyString(kind, key)`. */
  key: string;
  phase: Phase;
  outcome: Outcome;
  /** Applied in order; none for a record left unchanged or rejected. */
  writes: ImportWrite[];
  /**
   * What the plan took from records planned before it: the client id of its patient and the Attend id
   * of its FHIR slot. If applying those came out otherwise (another import made them first), this record
   * is planned again before it is applied.
   */
  assumes?: { patient?: { key: string; id: string }; slot?: { key: string; id: string } };
}

export interface ImportPlan {
  /** Clinics the source names well enough that the import creates them. */
  clinics: Clinic[];
  records: RecordPlan[];
  /** Each entry's problems: from reading it, and from planning (a past appointment, a clinic that cannot be made). */
  entryErrors: Issue[][];
  /** Ids the plan made up for records it would create; a dry run does not report them. */
  newIds: string[];
}

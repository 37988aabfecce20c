/** The one builder of a new Slot: staff adding slots, the import and the demo seed all make slots here. */
import { randomUUID } from 'node:crypto';
import { localDay } from './local-time.ts';
import type { Slot, SourceRecord } from './model.ts';

export interface NewSlotInput {
  clinicId: string;
  type: string;
  startsAt: string;
  durationMinutes: number;
  /** The trust's time zone: the slot is filed under the clinic's local day. */
  timeZone: string;
  /** When it was made (createdAt and updatedAt). */
  now: string;
  /** FREE unless given (the import records slots the EPR already shows as booked). */
  status?: Slot['status'];
  /** A slot added at short notice counts as freed now, so the short-notice list is offered it at once. */
  shortNotice?: boolean;
  /** A fresh random id unless given (the demo seed uses stable ids). */
  id?: string;
  sourceRecord?: SourceRecord;
}

export function newSlot(input: NewSlotInput): Slot {
  const { now } = input;
  return {
    ...(input.shortNotice ? { freedAt: now, freedBy: 'short-notice' } : {}),
    id: input.id ?? randomUUID(),
    clinicId: input.clinicId,
    type: input.type,
    startsAt: input.startsAt,
    durationMinutes: input.durationMinutes,
    localDay: localDay(input.startsAt, input.timeZone),
    status: input.status ?? 'FREE',
    ...(input.sourceRecord ? { sourceRecord: input.sourceRecord } : {}),
    createdAt: now,
    updatedAt: now,
  };
}

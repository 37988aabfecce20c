/** The one builder of a new Client: staff adding a family, the import and the demo seed make clients here. */
import { randomUUID } from 'node:crypto';
import type { Client } from './model.ts';

/** What is known about a new family; the rest starts empty. */
export type NewClientFields = Omit<Client, 'id' | 'language' | 'history' | 'createdAt' | 'updatedAt'> & {
  /** The trust's default language unless given. */
  language?: string;
};

export function newClient(
  fields: NewClientFields,
  input: { now: string; defaultLanguage: string; id?: string },
): Client {
  return {
    ...fields,
    id: input.id ?? randomUUID(),
    language: fields.language ?? input.defaultLanguage,
    history: { attended: 0, dna: 0, wnb: 0, consecutiveWnb: 0 },
    createdAt: input.now,
    updatedAt: input.now,
  };
}

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

/**
 * Whether staff have switched texts off for the family: the do-not-text flag, or the sms channel off
 * (core/contact-channels.ts). Every path that texts a family checks this, as it checks the number's consent.
 */
export function textsSwitchedOff(
  client: Pick<Client, 'contact'> & { flags: Pick<Client['flags'], 'doNotText'> },
): boolean {
  return textsOffReason(client) !== undefined;
}

/**
 * Why staff have switched texts off, as every path that does not text says it: `do-not-text` for the
 * record's flag (a safeguarding decision), `sms-off` for the family's sms channel switched off
 * (core/contact-channels.ts); undefined when texts are on. The flag wins when both are set.
 */
export function textsOffReason(
  client: Pick<Client, 'contact'> & { flags: Pick<Client['flags'], 'doNotText'> },
): 'do-not-text' | 'sms-off' | undefined {
  if (client.flags.doNotText) return 'do-not-text';
  return client.contact?.sms.on === false ? 'sms-off' : undefined;
}

/**
 * Consent per phone number (core/consent.ts): reading it, recording and lifting opt-outs, and the guard
 * every outbound text goes through.
 *
 * The Consent record is the single source of truth; nothing on a client says whether the family is
 * opted out. A client's view, the reminder sweep, offer selection and replies all look the number up.
 * Why not a flag on each client kept in step? A flag must be copied onto every client created,
 * imported or moved onto the number, and a client created in the instant a STOP lands (the byPhone
 * index is eventually consistent) would miss it: the bug of issue 9 in a rarer form. One record per
 * number cannot disagree with itself, survives erasure as it is, and costs one extra batch read per
 * page of due reminders or candidates.
 */
import { type Consent, type ConsentReason, consentView, type PhoneHasher } from '#core/consent.ts';
import { ConflictError, RecipientSuppressedError } from '#core/errors.ts';
import type { Client } from '#core/model.ts';
import type { OutboundSms, SmsSender } from '#messaging/sms-sender.ts';
import { deleteOptOut, getConsent, getConsents, putOptOut } from '#store/consent.ts';
import type { StoreContext } from '#store/context.ts';

/** What consent needs of the services' deps (a slice, so Deps itself can name the guard below). */
export interface ConsentDeps {
  readonly store: StoreContext;
  readonly phoneHash: PhoneHasher;
}

/**
 * The number's opt-out, or undefined when texts may go. A family with no mobile (`phone` undefined) has
 * no number to consent with: undefined, and every send path skips them as `no-phone` before asking.
 */
export async function consentOf(deps: ConsentDeps, phone: string | undefined): Promise<Consent | undefined> {
  if (phone === undefined) return undefined;
  return getConsent(deps.store, await deps.phoneHash(phone));
}

/** The 409 for a text-only action (an opt-out, a staff reply) on a family with no mobile on record. */
export const noMobile = (): ConflictError =>
  new ConflictError('This family has no mobile number on record, so nothing can be texted', 'NO_PHONE');

/** Whether texts to the number are refused (opted out for any reason). */
export async function isSuppressed(deps: ConsentDeps, phone: string): Promise<boolean> {
  return (await consentOf(deps, phone)) !== undefined;
}

/** Which of these numbers are opted out, in one batch read per 100 numbers. */
export async function suppressedAmong(deps: ConsentDeps, phones: Iterable<string>): Promise<Set<string>> {
  return new Set((await consentsOf(deps, phones)).keys());
}

/**
 * Each number's opt-out, in one strongly consistent batch read per 100 numbers: phone (E.164) → its
 * consent, for the numbers that are opted out; a number missing from the map may be texted.
 */
export async function consentsOf(deps: ConsentDeps, phones: Iterable<string>): Promise<Map<string, Consent>> {
  const byHash = new Map<string, string>();
  for (const phone of new Set(phones)) byHash.set(await deps.phoneHash(phone), phone);
  if (byHash.size === 0) return new Map();
  const found = await getConsents(deps.store, [...byHash.keys()]);
  return new Map([...found].map(([hash, consent]) => [byHash.get(hash)!, consent]));
}

/** A client as staff read it: the record, with its number's consent and whether texts may go. */
export type ClientView = Client & { optedOut: boolean; consent: ReturnType<typeof consentView> };

export function clientView(client: Client, consent: Consent | undefined): ClientView {
  return { ...client, optedOut: consent !== undefined, consent: consentView(consent) };
}

/** Reads the consent of each client's number (one batch) and returns the views, in order. */
export async function clientViews(deps: ConsentDeps, clients: readonly Client[]): Promise<ClientView[]> {
  const suppressed = new Map<string, Consent>();
  const hashes = new Map<string, string>();
  for (const c of clients) if (c.phone) hashes.set(c.phone, await deps.phoneHash(c.phone));
  const found = await getConsents(deps.store, [...new Set(hashes.values())]);
  for (const [phone, hash] of hashes) {
    const consent = found.get(hash);
    if (consent) suppressed.set(phone, consent);
  }
  return clients.map((c) => clientView(c, c.phone ? suppressed.get(c.phone) : undefined));
}

/**
 * Opts a number out. Returns whether it was opted in before (so the caller announces ClientOptedOut
 * once), and the number's record as it now stands.
 */
export async function optOutNumber(
  deps: ConsentDeps,
  phone: string,
  input: { reason: ConsentReason; at: string },
): Promise<{ wasOptedIn: boolean; consent: Consent }> {
  const hash = await deps.phoneHash(phone);
  const { wasOptedIn } = await putOptOut(deps.store, hash, input);
  const consent = await getConsent(deps.store, hash);
  // Nothing deletes a record except a START or a staff opt-in, so a record is there after the put.
  return { wasOptedIn, consent: consent ?? { state: 'opted-out', reason: input.reason, since: input.at } };
}

/** Lifts a number's opt-out: a START lifts anything; staff may lift what is not a STOP. */
export async function optInNumber(
  deps: ConsentDeps,
  phone: string,
  by: 'start-text' | 'staff',
): Promise<'lifted' | 'none' | 'refused'> {
  return deleteOptOut(deps.store, await deps.phoneHash(phone), by);
}

/**
 * The SmsSender every service is given: it refuses any text to an opted-out number with
 * RecipientSuppressedError before the provider sees it. Each send path checks consent itself first
 * (so it can record why nothing went); this guard is what makes forgetting to impossible. Deps.sms has
 * this type, so a plain adapter cannot be passed where the guard belongs.
 */
export class GuardedSmsSender implements SmsSender {
  /** Makes the type nominal: only this class satisfies Deps['sms']. */
  readonly #guard = true;

  constructor(
    private readonly inner: SmsSender,
    private readonly consent: ConsentDeps,
  ) {}

  get guarded(): boolean {
    return this.#guard;
  }

  async send(sms: OutboundSms): Promise<{ providerMessageId: string }> {
    if (await isSuppressed(this.consent, sms.to)) throw new RecipientSuppressedError();
    return this.inner.send(sms);
  }

  /**
   * The one text that may go to an opted-out number: the confirmation of the STOP that opted it out
   * (carriers and Ofcom expect it). Nothing else calls this.
   */
  async sendStopConfirmation(sms: OutboundSms): Promise<{ providerMessageId: string }> {
    return this.inner.send(sms);
  }
}

/** Wraps a provider in the consent guard; done where deps are built (depsFromEnv, tests, bench). */
export function guardSms(inner: SmsSender, consent: ConsentDeps): GuardedSmsSender {
  return new GuardedSmsSender(inner, consent);
}

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
 *
 * A read can hand back ConsentReadings (readConsent, readConsents): what it found for each number and
 * when. A path that read the number just before texting passes its reading with the text, and the guard
 * takes it in place of a read of its own while it is fresh (CONSENT_READING_FRESH_MS).
 */
import { type Consent, type ConsentReason, consentView, type PhoneHasher } from '#core/consent.ts';
import { ConflictError, RecipientSuppressedError } from '#core/errors.ts';
import type { Client } from '#core/model.ts';
import type { ConsentReading, OutboundSms, SmsSender } from '#messaging/sms-sender.ts';
import { deleteOptOut, getConsent, getConsents, putOptOut } from '#store/consent.ts';
import type { StoreContext } from '#store/context.ts';

export type { ConsentReading } from '#messaging/sms-sender.ts';

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

/**
 * How long a caller's own reading of a number's consent stands in for the guard's read: 1,000 ms on
 * the process's monotonic clock, from just before the caller's read was sent to the guard's check.
 * The window this leaves: a STOP recorded less than a second before a send, whose caller read consent
 * just before that STOP, may not stop that one text (the STOP itself stands, and every later text is
 * refused). The same race exists between the guard's own read and the provider taking the text; this
 * only makes it up to a second long.
 */
export const CONSENT_READING_FRESH_MS = 1_000;

/** Every reading this module made. The guard takes no other, so a reading cannot be made up elsewhere. */
const madeHere = new WeakSet<object>();

/** A reading, frozen when made, so what it says (and when it was read) cannot be changed after. */
class Reading implements ConsentReading {
  readonly #readAtMs: number;

  constructor(
    readonly phone: string,
    readonly consent: Consent | undefined,
    readAtMs: number,
  ) {
    this.#readAtMs = readAtMs;
    Object.freeze(this);
  }

  get readAtMs(): number {
    return this.#readAtMs;
  }
}

function reading(phone: string, consent: Consent | undefined, readAtMs: number): ConsentReading {
  const made = new Reading(phone, consent, readAtMs);
  madeHere.add(made);
  return made;
}

/** The number's consent as a reading (what was found, and when), for a caller about to text it. */
export async function readConsent(deps: ConsentDeps, phone: string): Promise<ConsentReading> {
  const hash = await deps.phoneHash(phone);
  const readAtMs = performance.now();
  return reading(phone, await getConsent(deps.store, hash), readAtMs);
}

/** Whether texts to the number are refused (opted out for any reason). */
export async function isSuppressed(deps: ConsentDeps, phone: string): Promise<boolean> {
  return (await consentOf(deps, phone)) !== undefined;
}

/**
 * Each number's opt-out, in one strongly consistent batch read per 100 numbers: phone (E.164) → its
 * consent, for the numbers that are opted out; a number missing from the map may be texted.
 */
export async function consentsOf(deps: ConsentDeps, phones: Iterable<string>): Promise<Map<string, Consent>> {
  const found = new Map<string, Consent>();
  for (const [phone, read] of await readConsents(deps, phones))
    if (read.consent) found.set(phone, read.consent);
  return found;
}

/**
 * Every number's consent as a reading, in one strongly consistent batch read per 100 numbers: phone
 * (E.164) → its reading, for each number given, opted out or not.
 */
export async function readConsents(
  deps: ConsentDeps,
  phones: Iterable<string>,
): Promise<Map<string, ConsentReading>> {
  const byHash = new Map<string, string>();
  for (const phone of new Set(phones)) byHash.set(await deps.phoneHash(phone), phone);
  if (byHash.size === 0) return new Map();
  const readAtMs = performance.now();
  const found = await getConsents(deps.store, [...byHash.keys()]);
  return new Map([...byHash].map(([hash, phone]) => [phone, reading(phone, found.get(hash), readAtMs)]));
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

export interface GuardOptions {
  /** The clock readings are aged by, in ms: performance.now() unless a test gives its own. */
  readonly nowMs?: () => number;
}

/**
 * The SmsSender every service is given: it refuses any text to an opted-out number with
 * RecipientSuppressedError before the provider sees it. Each send path checks consent itself first
 * (so it can record why nothing went); this guard is what makes forgetting to impossible. Deps.sms has
 * this type, so a plain adapter cannot be passed where the guard belongs.
 *
 * The guard reads the number's consent itself for every text, except one whose `consentRead` is a
 * reading made by this module, of exactly `to`, that says opted in and is at most
 * CONSENT_READING_FRESH_MS (1 s) old: that reading is taken instead (see the constant for the window it
 * leaves). A reading of another number, a stale one, one that says opted out, or anything made
 * elsewhere counts for nothing, and the guard reads. `consentRead` never reaches the provider.
 */
export class GuardedSmsSender implements SmsSender {
  /** Makes the type nominal: only this class satisfies Deps['sms']. */
  readonly #guard = true;
  readonly #nowMs: () => number;

  constructor(
    private readonly inner: SmsSender,
    private readonly consent: ConsentDeps,
    options: GuardOptions = {},
  ) {
    this.#nowMs = options.nowMs ?? (() => performance.now());
  }

  get guarded(): boolean {
    return this.#guard;
  }

  async send(sms: OutboundSms): Promise<{ providerMessageId: string }> {
    const { consentRead, ...text } = sms;
    if (!this.#vouchesFor(consentRead, text.to) && (await isSuppressed(this.consent, text.to))) {
      throw new RecipientSuppressedError();
    }
    return this.inner.send(text);
  }

  /**
   * The one text that may go to an opted-out number: the confirmation of the STOP that opted it out
   * (carriers and Ofcom expect it). Nothing else calls this.
   */
  async sendStopConfirmation(sms: OutboundSms): Promise<{ providerMessageId: string }> {
    const { consentRead: _, ...text } = sms;
    return this.inner.send(text);
  }

  /**
   * Whether the caller's reading may stand for the guard's own read. The clock is monotonic, so a
   * genuine reading is never from the future; only its age past the window matters.
   */
  #vouchesFor(read: ConsentReading | undefined, to: string): boolean {
    return (
      read !== undefined &&
      madeHere.has(read) &&
      read.phone === to &&
      read.consent === undefined &&
      // As "now ≤ read + window", not "now − read ≤ window": performance.now() is fractional, and
      // (a + w) − a is not always w in floating point, so the window's last instant would come and go.
      this.#nowMs() <= read.readAtMs + CONSENT_READING_FRESH_MS
    );
  }
}

/** Wraps a provider in the consent guard; done where deps are built (depsFromEnv, tests, bench). */
export function guardSms(
  inner: SmsSender,
  consent: ConsentDeps,
  options: GuardOptions = {},
): GuardedSmsSender {
  return new GuardedSmsSender(inner, consent, options);
}

import { GetSecretValueCommand, type SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { NotifyClient } from 'notifications-node-client';
import * as z from 'zod';
import {
  checkBatch,
  type LetterBatch,
  type LetterInBatch,
  type LetterLookup,
  type LetterOutcome,
  type LetterSink,
  LetterSinkError,
  type StoredBatch,
} from './letter-sink.ts';

export type NotifyPostage = 'first' | 'second' | 'economy';

export interface NotifyLetterSinkSettings {
  /** The service's live API key ("name-<service id>-<secret>"), from Secrets Manager. */
  readonly apiKey: string;
  readonly postage: NotifyPostage;
  /**
   * Notify's API base URL; tests point it at a local server.
   * @default - GOV.UK Notify's production API
   */
  readonly baseUrl?: string;
}

/** The part of Notify's `GET /v2/notifications` answer the lookup reads (newest first; other fields ignored). */
const notificationsPage = z.object({
  notifications: z.array(
    z.object({
      id: z.string().min(1),
      reference: z.string().nullish(),
      status: z.string().optional(),
    }),
  ),
});

/** Notify refuses precompiled letters over 2 MB (its letter specification); ours are tens of kilobytes. */
const MAX_LETTER_BYTES = 2 * 1024 * 1024;

/** An API key: a name, the service id and the secret, each id a UUID. */
const API_KEY =
  /^.+-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Sends each letter of a batch to GOV.UK Notify as a precompiled letter (its own PDF), with the official
 * `notifications-node-client`. Precompiled rather than Notify letter templates, so the letter a family
 * gets is the one Attend composed and tested, in every language and with its QR code, whichever way it
 * is posted; templates would put the wording in Notify, one template per language and kind, out of step
 * with the printed batches. The batch PDF itself is not needed: Notify prints and posts.
 *
 * Letters go one at a time (a day's letters for a clinic are tens, well inside Notify's rate limit), and
 * one refused letter does not stop the others: each is reported, so the caller can retry only those.
 */
export class NotifyLetterSink implements LetterSink {
  readonly needsLetterPdfs = true;
  private readonly client: NotifyClient;

  constructor(private readonly settings: NotifyLetterSinkSettings) {
    if (!API_KEY.test(settings.apiKey)) {
      // Never echo the key: it is a secret even when malformed.
      throw new LetterSinkError('The GOV.UK Notify API key is not in the form "name-<service id>-<secret>"');
    }
    this.client = settings.baseUrl
      ? new NotifyClient(settings.baseUrl, settings.apiKey)
      : new NotifyClient(settings.apiKey);
  }

  async storeBatch(batch: LetterBatch): Promise<StoredBatch> {
    checkBatch(batch);
    const letters: LetterOutcome[] = [];
    for (const letter of batch.letters) {
      letters.push(await this.send(letter.letterId, letter.pdf));
    }
    return { location: `notify:${batch.batchId}`, letters };
  }

  /** One letter as a precompiled letter; a refusal or an outage is an outcome, never a throw. */
  sendLetter(letter: LetterInBatch): Promise<LetterOutcome> {
    return this.send(letter.letterId, letter.pdf);
  }

  /**
   * Looks a letter up in Notify by its reference (the letter id): `GET /v2/notifications?reference=…&
   * template_type=letter`, signed like every request with the API key's JWT. Notify lists only
   * notifications inside its data retention (7 days by default, per service) and sent through the API;
   * the first page is enough, as one reference is one letter (or, at worst, a few). Any failure to ask
   * (no answer, throttling, an error) is `unknown`, never "not found".
   */
  async findLetter(letterId: string): Promise<LetterLookup> {
    try {
      const response = await this.client.getNotifications('letter', undefined, letterId);
      const parsed = notificationsPage.safeParse(response.data);
      if (!parsed.success) return { found: 'unknown', reason: 'Notify answered a list in an unknown shape' };
      // Notify filters by reference; the check here guards against a filter that was ignored.
      const ours = parsed.data.notifications.filter((n) => n.reference === letterId);
      const oldest = ours[ours.length - 1];
      if (!oldest) return { found: false };
      return {
        found: true,
        providerId: oldest.id,
        ...(oldest.status !== undefined && { status: oldest.status }),
      };
    } catch (err) {
      return { found: 'unknown', reason: describeNotifyError(err).reason };
    }
  }

  private async send(letterId: string, pdf: Uint8Array | undefined): Promise<LetterOutcome> {
    if (!pdf)
      return { letterId, status: 'failed', reason: 'the letter has no PDF of its own', retryable: false };
    if (pdf.byteLength > MAX_LETTER_BYTES) {
      return {
        letterId,
        status: 'failed',
        reason: 'the letter is over Notify’s 2 MB limit',
        retryable: false,
      };
    }
    try {
      // The reference is the letter id: Notify shows it to the service's team, so it holds no personal data.
      const response = await this.client.sendPrecompiledLetter(
        letterId,
        Buffer.from(pdf),
        this.settings.postage,
      );
      const id = (response.data as { id?: unknown }).id;
      if (typeof id !== 'string') {
        return {
          letterId,
          status: 'failed',
          reason: 'Notify answered without a notification id',
          retryable: true,
        };
      }
      return { letterId, status: 'sent', providerId: id };
    } catch (err) {
      return { letterId, status: 'failed', ...describeNotifyError(err) };
    }
  }
}

/** Errors that mean the request never reached Notify: nothing was sent, so trying again is safe. */
const NEVER_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Notify's error in a few words: its status and its own error code and message (which name the request's
 * fault, never the letter's content). Throttling and server errors are worth retrying; the rest are not.
 */
export function describeNotifyError(err: unknown): { reason: string; retryable: boolean; lost?: boolean } {
  const response = (err as { response?: { status?: number; data?: unknown } }).response;
  if (!response?.status) {
    const code = (err as { code?: unknown }).code;
    const named = typeof code === 'string' ? ` (${code})` : '';
    // Only a connection never made proves Notify never got the letter. Any other failure without an
    // answer (a reset, a timeout) may come after Notify accepted it: sending again could post it twice.
    if (typeof code === 'string' && NEVER_CONNECTED.has(code)) {
      return { reason: `Notify could not be reached${named}`, retryable: true };
    }
    return {
      reason: `Notify's answer was lost${named}: check Notify for the reference before sending again`,
      retryable: false,
      lost: true,
    };
  }
  const first = (response.data as { errors?: { error?: unknown; message?: unknown }[] } | undefined)
    ?.errors?.[0];
  const detail = [first?.error, first?.message].filter((part) => typeof part === 'string').join(': ');
  return {
    reason: `Notify answered ${response.status}${detail ? ` ${detail}` : ''}`.slice(0, 300),
    retryable: response.status === 429 || response.status >= 500,
  };
}

/** The Notify API key held in Secrets Manager (`letters.notify.apiKeySecretArn`), as plain text. */
export async function readNotifyApiKey(secrets: SecretsManagerClient, secretArn: string): Promise<string> {
  let value: string | undefined;
  try {
    value = (await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }))).SecretString;
  } catch (err) {
    const name = (err as { name?: string }).name ?? 'Error';
    throw new LetterSinkError(`Could not read the GOV.UK Notify API key from Secrets Manager: ${name}`, {
      cause: err,
    });
  }
  const key = value?.trim();
  if (!key) throw new LetterSinkError('The GOV.UK Notify API key secret is empty or binary');
  return key;
}

/**
 * A Notify sink whose API key is read from Secrets Manager on its first letter (once per cold start),
 * so building the runtime's dependencies does no I/O. It stores no batch PDF: Notify prints and posts.
 */
export function lazyNotifyLetterSink(
  readKey: () => Promise<string>,
  settings: Omit<NotifyLetterSinkSettings, 'apiKey'>,
): LetterSink & {
  sendLetter(letter: LetterInBatch): Promise<LetterOutcome>;
  findLetter(letterId: string): Promise<LetterLookup>;
} {
  let sink: Promise<NotifyLetterSink> | undefined;
  const ready = () => {
    sink ??= readKey().then((apiKey) => new NotifyLetterSink({ ...settings, apiKey }));
    // A failed read is not kept: the next letter (or the next run) tries again.
    sink.catch(() => {
      sink = undefined;
    });
    return sink;
  };
  return {
    needsLetterPdfs: true,
    storeBatch: async (batch) => (await ready()).storeBatch(batch),
    sendLetter: async (letter) => (await ready()).sendLetter(letter),
    findLetter: async (letterId) => (await ready()).findLetter(letterId),
  };
}

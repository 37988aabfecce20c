/**
 * Page cursors the API hands out: the store's position (DynamoDB's LastEvaluatedKey, or an offset)
 * sealed with AES-256-GCM under the trust's cursor key, with the route and its query as the additional
 * authenticated data. So a cursor cannot be forged or edited (a forged key used to reach DynamoDB as a
 * 500), it reveals nothing of the keys inside it, and it is good only for the route and query that made
 * it: a cursor from `/slots?clinicId=a` is refused on `/slots?clinicId=b` and on `/audit`.
 *
 * The key comes from the trust's secret (Secrets Manager in AWS; generated and kept in `.attend/`
 * locally), read once on first use; a new secret only makes outstanding cursors fail as "not a cursor
 * this API returned", which a client answers by starting from the first page.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';

const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const INFO = 'attend-page-cursor-v1';

/** Where the cursor secret comes from; called at most once until it succeeds. */
export type CursorSecret = () => Promise<string>;

export class CursorCodec {
  private key: Promise<Buffer> | undefined;

  constructor(private readonly secret: CursorSecret) {}

  /** A codec with a fresh random key, for tests and one-process tools (cursors die with the process). */
  static ephemeral(): CursorCodec {
    const secret = randomBytes(32).toString('base64url');
    return new CursorCodec(async () => secret);
  }

  private derivedKey(): Promise<Buffer> {
    if (!this.key) {
      const pending = this.secret().then((secret) => {
        if (secret.length < 16)
          throw new Error('The cursor key secret is too short (at least 16 characters)');
        return Buffer.from(hkdfSync('sha256', secret, 'attend', INFO, 32));
      });
      // A failed read (throttling, say) is tried again on the next use rather than kept.
      pending.catch(() => {
        if (this.key === pending) this.key = undefined;
      });
      this.key = pending;
    }
    return this.key;
  }

  /** Seals the store's position for this scope (the route and its query, see `cursorScope`). */
  async seal(position: string, scope: string): Promise<string> {
    const key = await this.derivedKey();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(Buffer.from(scope, 'utf8'));
    const sealed = Buffer.concat([cipher.update(position, 'utf8'), cipher.final()]);
    return Buffer.concat([Buffer.of(VERSION), iv, sealed, cipher.getAuthTag()]).toString('base64url');
  }

  /** The position a cursor holds, or undefined when it was not sealed by us for this very scope. */
  async open(cursor: string, scope: string): Promise<string | undefined> {
    if (!/^[A-Za-z0-9_-]+$/.test(cursor)) return undefined;
    const raw = Buffer.from(cursor, 'base64url');
    if (raw.length < 1 + IV_BYTES + TAG_BYTES || raw[0] !== VERSION) return undefined;
    const key = await this.derivedKey();
    const iv = raw.subarray(1, 1 + IV_BYTES);
    const tag = raw.subarray(raw.length - TAG_BYTES);
    const decipher = createDecipheriv('aes-256-gcm', key, iv);
    decipher.setAAD(Buffer.from(scope, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([
        decipher.update(raw.subarray(1 + IV_BYTES, raw.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      return undefined;
    }
  }
}

/**
 * What a cursor is bound to: the route and every parsed query parameter but the cursor and the page
 * size (a client may change its page size between pages), in a canonical order.
 */
export function cursorScope(routeId: string, query: Readonly<Record<string, unknown>>): string {
  const bound = Object.entries(query)
    .filter(([name, value]) => name !== 'cursor' && name !== 'limit' && value !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return JSON.stringify([routeId, bound]);
}

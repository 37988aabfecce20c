/**
 * Loading a trust's config file. The schema, its types and parseTrustConfig live in the core
 * (functions/core/config/), so that no Lambda bundle pulls in node:fs through the config.
 */
import { readFileSync } from 'node:fs';
import { parseTrustConfig, type TrustConfig, TrustConfigError } from '#core/config/trust-config.ts';

export { TrustConfigError };

export function trustConfigPath(trustId: string, dir = 'config/trusts'): string {
  if (!/^[a-z][a-z0-9-]{1,30}$/.test(trustId)) {
    throw new TrustConfigError(
      `Invalid trust id "${trustId}": expected lower-case letters, digits and dashes`,
    );
  }
  return `${dir}/${trustId}.json`;
}

/** Reads and validates config/trusts/<id>.json; every failure names the file and, where it can, the field. */
export function loadTrustConfig(trustId: string, dir = 'config/trusts'): TrustConfig {
  const file = trustConfigPath(trustId, dir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new TrustConfigError(`No config for trust "${trustId}": ${file} does not exist`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new TrustConfigError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  return parseTrustConfig(raw, file);
}

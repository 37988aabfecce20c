/**
 * JSON with object keys in code-unit order and undefined members left out, so the same value always
 * gives the same string however its objects were built (an import record's fingerprint; the simulator
 * comparing two reads of one item). A Set is written as its members, sorted.
 */
export function stableJson(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (value instanceof Set) return stableJson([...value].map(stableJson).sort());
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

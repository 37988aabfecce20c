/** A whitespace-separated word list, for writing long lists of single words compactly. */
export function words(list: string): string[] {
  return list.trim().split(/\s+/);
}

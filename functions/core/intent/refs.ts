/**
 * Reference codes: the first standalone 4-digit token in a reply ("cancel 2026" is ref 2026). Times,
 * dates, years after a month name, ordinals and UK phone numbers are not refs; which words make a
 * number a time, a month or a reference comes from the lexicons being read.
 */
import type { Reading } from './reading.ts';
import { foldToken } from './text.ts';

const DIGIT_CLUSTER_RE = /\+?\d+(?:(?:[-./:]|[ \t]+)\d+)*/g;

/**
 * Finds the first standalone 4-digit token and returns the text with every number blanked out, so that
 * digits never carry intent. Times ("10:30", "1030am"), dates ("3/12", "03/12/2026"), years after a
 * month ("3 March 2026"), ordinals and UK phone numbers ("07700 900123", "+44 7700 900123") are skipped.
 */
export function extractRef(text: string, reading: Reading): { ref?: string; rest: string } {
  const scan = text.replace(/[()]/g, ' ');
  const rest = scan.split('');
  let ref: string | undefined;
  for (const cluster of scan.matchAll(DIGIT_CLUSTER_RE)) {
    const clusterStart = cluster.index;
    let clusterEnd = clusterStart + cluster[0].length;
    const suffix = reading.numberSuffix.exec(scan.slice(clusterEnd));
    const parts = [...cluster[0].matchAll(/\+?\d+(?:[-./:]\d+)*/g)].map((p) => ({
      text: p[0],
      start: clusterStart + p.index,
    }));
    for (let i = 0; i < parts.length; ) {
      const phoneEnd = phoneNumberEnd(parts, i);
      if (phoneEnd > i) {
        i = phoneEnd;
        continue;
      }
      const part = parts[i] as { text: string; start: number };
      const isLast = i === parts.length - 1;
      if (
        ref === undefined &&
        /^\d{4}$/.test(part.text) &&
        !(isLast && suffix) &&
        isStandalone(scan, part, reading)
      ) {
        ref = part.text;
      }
      i++;
    }
    if (suffix) clusterEnd += suffix[0].length;
    for (let k = clusterStart; k < clusterEnd; k++) rest[k] = ' ';
  }
  return ref === undefined ? { rest: rest.join('') } : { ref, rest: rest.join('') };
}

/** The index after a phone number starting at parts[i] (0 or + then 10–13 digits), else i. */
function phoneNumberEnd(parts: Array<{ text: string }>, i: number): number {
  const first = parts[i]?.text ?? '';
  if (!/^[+0]/.test(first)) return i;
  let digits = 0;
  let end = i;
  for (let j = i; j < parts.length; j++) {
    const part = (parts[j] as { text: string }).text;
    if (!/^\+?\d+(?:-\d+)*$/.test(part)) break;
    digits += part.replace(/\D/g, '').length;
    if (digits > 13) break;
    if (digits >= 10) end = j + 1;
  }
  return end;
}

function isStandalone(text: string, part: { text: string; start: number }, reading: Reading): boolean {
  const before = text.slice(0, part.start);
  const after = text.slice(part.start + part.text.length);
  if (/[£$€+]\s?$/.test(before) || /^[%\p{L}]/u.test(after)) return false;
  // Digits glued to letters ("REF4821") are a ref only after a word for one.
  if (/\p{L}$/u.test(before) && !reading.referencePrefix.test(before)) return false;
  const tail = foldToken(before.slice(-40), reading.spelling).replace(/[^\p{L}\d ,.]/gu, ' ');
  return !reading.yearAfterMonth.test(tail);
}

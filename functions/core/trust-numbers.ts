/**
 * Which numbers are the trust's own: replies to any other number (a family texting a number that was
 * once ours, a misrouted message, a number of another service in the same account) are kept for staff
 * and never answered, since an answer from Attend would come from a number the family did not text.
 */

interface SenderNumbers {
  readonly originationNumber?: string;
  readonly poolNumbers?: readonly string[];
}

/** The trust's numbers in E.164: the origination number and, with a pool, the pool's other numbers. */
export function trustNumbers(sender: SenderNumbers): string[] {
  return [sender.originationNumber, ...(sender.poolNumbers ?? [])].filter(
    (n): n is string => typeof n === 'string' && n.length > 0,
  );
}

/**
 * Whether a reply's destinationNumber is one of the trust's numbers. With none configured (a number set
 * up by hand with no sender.originationNumber), there is nothing to compare with, and every reply is
 * taken as the trust's.
 */
export function isTrustNumber(sender: SenderNumbers, destination: string): boolean {
  const own = trustNumbers(sender);
  if (own.length === 0) return true;
  const plain = destination.replace(/[\s()-]/g, '');
  return own.includes(plain);
}

/**
 * Open Was-Not-Brought follow-ups as a health visitor sees them: their own first (the child's named
 * health visitor is them), then everyone else's, each newest first.
 *
 * Who is "them": the follow-up's `namedHealthVisitor` (the client's, from the EPR import or the client
 * record) is compared with the caller's display name, the `name` claim the identity provider sends,
 * ignoring case, accents' composition and runs of spaces. So the EPR must name health visitors as the
 * identity provider does ("Grace Adeyemi"). IAM callers go by "Role/session", which names nobody.
 *
 * The open list is read whole and ordered here, because DynamoDB keeps it newest first only: open
 * follow-ups are a working list (tens to hundreds at a trust), and at most MAX_OPEN are read.
 */
import type { Caller } from '#core/roles.ts';
import { type FollowUp, openFollowUps } from '#store/follow-ups.ts';
import type { Deps } from './deps.ts';

export const MAX_OPEN = 2000;
const READ_PAGE = 200;

/** A follow-up as listed for one person: `yours` when it names them as the health visitor. */
export type ListedFollowUp = FollowUp & { readonly yours: boolean };

/** How two people's names are compared: composed, lower-case, single-spaced. */
export function sameName(a: string | undefined, b: string | undefined): boolean {
  const norm = (s: string) => s.normalize('NFKC').toLocaleLowerCase('en-GB').replace(/\s+/g, ' ').trim();
  return a !== undefined && b !== undefined && norm(a) !== '' && norm(a) === norm(b);
}

/**
 * One page of open follow-ups for this caller, theirs first. `offset` is where the page starts in that
 * order (the route hands it out sealed in its cursor); the next page's offset is returned when there is one.
 */
export async function followUpsFor(
  deps: Pick<Deps, 'store'>,
  caller: Caller,
  page: { limit: number; offset: number },
): Promise<{ items: ListedFollowUp[]; nextOffset?: number }> {
  const open: FollowUp[] = [];
  let cursor: string | undefined;
  do {
    const read = await openFollowUps(deps.store, { limit: READ_PAGE, cursor });
    open.push(...read.items);
    cursor = read.cursor;
  } while (cursor && open.length < MAX_OPEN);
  const listed = open.map((f) => ({ ...f, yours: sameName(f.namedHealthVisitor, caller.name) }));
  // A stable sort keeps the index's newest-first order within each group.
  listed.sort((a, b) => Number(b.yours) - Number(a.yours));
  const items = listed.slice(page.offset, page.offset + page.limit);
  const next = page.offset + page.limit;
  return next < listed.length ? { items, nextOffset: next } : { items };
}

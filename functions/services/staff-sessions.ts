/**
 * Who is signed in, and ending their sessions: an administrator's view of the browser door's
 * server-side sessions. Used by the sign-in service (sign-out everywhere) and by the admin route and page
 * (`GET /sessions`, `POST /sessions/end`, `/staff/sessions`). Needs only the table, so the
 * admin API (the IAM door) can end sessions too.
 */
import { randomUUID } from 'node:crypto';
import { mapWithConcurrency } from '#core/concurrency.ts';
import type { Caller, Role } from '#core/roles.ts';
import type { SessionEndReason } from '#core/session-end.ts';
import { auditActor, recordAudit } from '#store/audit.ts';
import {
  allSessions,
  deleteSession,
  getSession,
  markReauthentication,
  type StaffSessionEntry,
  sessionsOfPerson,
} from '#store/sessions.ts';
import type { Deps } from './deps.ts';

/** One live session, as an administrator sees it: its public handle (never the cookie) and its times. */
export interface LiveSession {
  readonly id: string;
  readonly createdAt: string;
  readonly lastSeenAt: string;
  readonly idleExpiresAt: string;
  readonly absoluteExpiresAt: string;
}

/** A signed-in person: who, with which roles (as at their latest sign-in), and each live session. */
export interface SignedInPerson {
  readonly subject: string;
  readonly name: string;
  readonly roles: Role[];
  readonly sessions: LiveSession[];
}

export type SessionScope = { readonly subject: string } | 'everyone';

/** Everyone with a live session (not ended, not idle, not past its absolute limit), by name. */
export async function signedInPeople(
  deps: Pick<Deps, 'store' | 'now' | 'sessionNow'>,
): Promise<SignedInPerson[]> {
  const entries = await allSessions(deps.store);
  const records = await mapWithConcurrency(entries, 8, (entry) => getSession(deps.store, entry.sessionId));
  // Sessions are timed on the session clock (real time), not the local virtual clock.
  const now = (deps.sessionNow ?? deps.now)().toISOString();
  const people = new Map<
    string,
    { subject: string; name: string; roles: Role[]; latest: string; sessions: LiveSession[] }
  >();
  for (const record of records) {
    if (!record || now >= record.idleExpiresAt || now >= record.absoluteExpiresAt) continue;
    const person = people.get(record.subject) ?? {
      subject: record.subject,
      name: record.name,
      roles: record.roles,
      latest: record.createdAt,
      sessions: [],
    };
    if (record.createdAt >= person.latest) {
      person.name = record.name;
      person.roles = record.roles;
      person.latest = record.createdAt;
    }
    person.sessions.push({
      id: record.id,
      createdAt: record.createdAt,
      lastSeenAt: record.lastSeenAt,
      idleExpiresAt: record.idleExpiresAt,
      absoluteExpiresAt: record.absoluteExpiresAt,
    });
    people.set(record.subject, person);
  }
  return [...people.values()]
    .map(({ latest: _latest, ...person }) => ({
      ...person,
      sessions: person.sessions.sort((a, b) => b.lastSeenAt.localeCompare(a.lastSeenAt)),
    }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en-GB') || a.subject.localeCompare(b.subject));
}

/**
 * Why a session of `subject` that `actor` ends has ended, as its owner is told: by themselves (their own
 * sessions, or everyone's), else by an administrator (never who).
 */
export function endReason(actor: Caller, subject: string): SessionEndReason {
  return actor.kind === 'oidc' && actor.subject === subject ? 'ended-by-you' : 'ended-by-administrator';
}

/**
 * Ends every session of one person, or of everyone (the actor's own included), and audits it as
 * SESSIONS_ENDED with the count. A session that had already ended, or timed out, is not counted. Each keeps why it
 * ended (`endReason`), for the page its cookie's next request gets. Each person whose
 * sessions are ended (the one named, or everyone who had a session) is first marked to authenticate
 * again at the provider at their next sign-in (store/sessions.ts `markReauthentication`).
 */
export async function endSessions(
  deps: Pick<Deps, 'store' | 'now' | 'sessionNow' | 'log'>,
  actor: Caller,
  scope: SessionScope,
  /** Real time (epoch ms), which the provider's `auth_time` is compared with; not the local virtual clock. */
  realNow: () => number = Date.now,
): Promise<{ ended: number }> {
  const entries: StaffSessionEntry[] =
    scope === 'everyone' ? await allSessions(deps.store) : await sessionsOfPerson(deps.store, scope.subject);
  const at = realNow();
  const people = scope === 'everyone' ? new Set(entries.map((e) => e.subject)) : new Set([scope.subject]);
  await mapWithConcurrency([...people], 8, (subject) => markReauthentication(deps.store, subject, at));
  let ended = 0;
  const endedAt = (deps.sessionNow ?? deps.now)().toISOString();
  for (const entry of entries)
    if (
      await deleteSession(
        deps.store,
        entry,
        { reason: endReason(actor, entry.subject), endedAt },
        { live: true },
      )
    )
      ended += 1;
  try {
    await recordAudit(deps.store, {
      id: randomUUID(),
      at: deps.now().toISOString(),
      fields: [],
      ...auditActor(actor),
      action: 'SESSIONS_ENDED',
      ...(scope === 'everyone' ? {} : { recordId: scope.subject }),
      detail: scope === 'everyone' ? `every session (${ended})` : `all sessions of the person (${ended})`,
    });
  } catch (err) {
    // As for every audit write: logged, never hidden, and it does not undo what already happened.
    deps.log.error('audit record not written', { action: 'SESSIONS_ENDED', error: err as Error });
  }
  return { ended };
}

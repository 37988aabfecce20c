/**
 * An administrator's view of who is signed in to the staff app, and ending their sessions. The paths are
 * `/sessions…` (staff sign-in sessions; clinic sessions are `POST /slots/session`), because everything
 * under `/staff…` is the web app's.
 */
import * as z from 'zod';
import { roleSchema } from '#core/roles.ts';
import { endSessions, type SignedInPerson, signedInPeople } from '#services/staff-sessions.ts';
import { ADMINS } from './access.ts';
import { defineRoute } from './route.ts';

const signedInPersonSchema = z.object({
  /** The identity provider's subject (`sub`). */
  subject: z.string(),
  name: z.string(),
  roles: z.array(roleSchema),
  sessions: z.array(
    z.object({
      /** The session's public handle (a hash of the cookie's token, never the token). */
      id: z.string(),
      createdAt: z.string(),
      lastSeenAt: z.string(),
      idleExpiresAt: z.string(),
      absoluteExpiresAt: z.string(),
    }),
  ),
}) satisfies z.ZodType<SignedInPerson>;

export const endSessionsBody = z
  .object({
    /** End every session of this person (their subject, as `GET /sessions` lists it)… */
    subject: z
      .string()
      .min(1, 'give the person whose sessions to end (their subject, as the sessions list shows it)')
      .max(255, 'at most 255 characters')
      .optional(),
    /** …or of everyone, the administrator's own included. */
    everyone: z.literal(true).optional(),
  })
  .refine((b) => (b.subject === undefined) !== (b.everyone === undefined), {
    message: 'give either subject (one person) or everyone: true',
    path: ['subject'],
  });

export const staffSessionRoutes = [
  defineRoute({
    id: 'listStaffSessions',
    method: 'GET',
    path: '/sessions',
    tag: 'staff-sessions',
    summary: 'Everyone signed in to the staff app, with their live sessions',
    roles: ADMINS,
    response: {
      status: 200,
      name: 'SignedInPeople',
      schema: z.object({ items: z.array(signedInPersonSchema) }),
      description: 'The people signed in, by name',
    },
    errors: [],
    handler: async ({ deps }) => ({ items: await signedInPeople(deps) }),
  }),
  defineRoute({
    id: 'endStaffSessions',
    method: 'POST',
    path: '/sessions/end',
    tag: 'staff-sessions',
    summary: "End every session of one person, or everyone's: they must sign in again",
    description:
      'Audited as SESSIONS_ENDED with the number ended. Ending everyone’s ends the caller’s own too.',
    roles: ADMINS,
    body: { name: 'EndSessionsRequest', schema: endSessionsBody },
    response: {
      status: 200,
      name: 'SessionsEnded',
      schema: z.object({ ended: z.number().int().min(0) }),
      description: 'How many live sessions were ended',
    },
    errors: [400, 413],
    handler: async ({ deps, body, caller }) =>
      endSessions(deps, caller, body.everyone ? 'everyone' : { subject: body.subject! }),
  }),
] as const;

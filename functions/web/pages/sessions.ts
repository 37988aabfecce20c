/**
 * `/staff/sessions` (administrators): who is signed in to the staff app, and "end" buttons that sign a
 * person out everywhere, or everyone. The page calls the route table in-process (`page.invoke`), so the
 * permission check and the audit are those of `GET /sessions` and `POST /sessions/end`.
 */
import { errorStatus, type RegisterPages, redirect, refusalMessage } from '#web/router.ts';
import { ROLE_LABELS } from '#web/staff-session.ts';

export const registerSessionPages: RegisterPages = (router, deps) => {
  const when = new Intl.DateTimeFormat('en-GB', {
    timeZone: deps.config.timeZone,
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
  });
  const show = (iso: string) => when.format(new Date(iso));

  router.page({
    method: 'GET',
    path: '/staff/sessions',
    summary: 'Who is signed in, with buttons to end their sessions (administrators)',
    access: ['admin'],
    nav: { label: 'Sessions', order: 90 },
    handler: async (page) => {
      const found = await page.invoke('listStaffSessions', {});
      if (!found.ok) return errorStatus(found.status);
      const ended = Number(page.url.searchParams.get('ended'));
      return page.render('pages/sessions.njk', {
        ended:
          Number.isInteger(ended) && ended >= 0 && page.url.searchParams.has('ended') ? ended : undefined,
        people: found.body.items.map((person) => ({
          subject: person.subject,
          name: person.name,
          roles: person.roles.map((role) => ROLE_LABELS[role]).join(', '),
          sessions: person.sessions.length,
          // The earliest sign-in of their live sessions (ISO instants sort as text).
          signedIn: show(person.sessions.map((s) => s.createdAt).sort()[0]!),
          lastSeen: show(person.sessions[0]!.lastSeenAt),
          you: person.subject === page.staff?.subject,
        })),
      });
    },
  });

  router.page({
    method: 'POST',
    path: '/staff/sessions/end',
    summary: "Ends one person's sessions, or everyone's (administrators)",
    access: ['admin'],
    handler: async (page) => {
      const fields = page.form?.fields;
      const everyone = fields?.get('everyone') === 'true';
      const subject = fields?.get('subject') ?? undefined;
      const result = await page.invoke('endStaffSessions', {
        body: everyone ? { everyone: true } : { subject },
      });
      if (!result.ok)
        return errorStatus(
          result.status,
          result.status === 400 ? refusalMessage(result.error, { subject: 'Person' }) : undefined,
        );
      // Ending everyone's ends this administrator's own session too: the next page asks them to sign in.
      return redirect(`/staff/sessions?ended=${result.body.ended}`);
    },
  });
};

/**
 * The browser door's two routes, on the staff sign-in service (functions/services/staff-auth.ts): the
 * identity provider's redirect back (`GET /auth/callback`) and sign-out (`POST /auth/sign-out`, whose
 * CSRF token the router checks before it gets here). Signing in starts from any page that needs it,
 * through the StaffSessionPort's signInRedirect.
 */
import type { StaffAuth } from '#services/staff-auth.ts';
import { type RegisterPages, redirect, withCookies } from '#web/router.ts';

/** What these routes need of the sign-in service. */
export type SignInRoutes = Pick<StaffAuth, 'completeSignIn' | 'signOut'>;

export function signInPages(auth: SignInRoutes): RegisterPages {
  return (router) => {
    router.page({
      method: 'GET',
      path: '/auth/callback',
      summary: 'The identity provider sends the browser back here after sign-in',
      access: 'public',
      handler: async (page) => {
        const result = await auth.completeSignIn(page.request);
        if (result.kind === 'refused') {
          // The reason is in the audit trail; the page only offers a fresh start.
          return withCookies(page.render('pages/sign-in-failed.njk', {}, { status: 400 }), result.cookies);
        }
        return withCookies(redirect(result.location), result.cookies);
      },
    });
    router.page({
      method: 'POST',
      path: '/auth/sign-out',
      summary: 'Signs out: ends the session everywhere, then the provider’s own sign-out',
      access: 'signed-in',
      handler: async (page) => {
        const result = await auth.signOut(page.request);
        return withCookies(redirect(result.location), result.cookies);
      },
    });
  };
}

/** The signed-in home page and the no-access page (where sign-in sends a person with no Attend role). */
import { redirect, type WebRouter } from '#web/router.ts';
import { ROLES } from '#web/staff-session.ts';

export function registerHomePages(router: WebRouter): void {
  router.page({
    method: 'GET',
    path: '/',
    summary: 'Home: who is signed in, with which roles, and what they can do',
    access: ROLES,
    handler: (page) => page.render('pages/home.njk'),
  });
  router.page({
    method: 'GET',
    path: '/auth/no-access',
    summary: 'Signed in, but with no Attend role: ask your administrator',
    access: 'signed-in',
    handler: (page) =>
      page.staff && page.staff.roles.length > 0
        ? redirect('/')
        : page.render('pages/no-access.njk', {}, { status: 403 }),
  });
}

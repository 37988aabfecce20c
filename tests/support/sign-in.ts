/**
 * Drives the staff sign-in the way a browser does: the app's sign-in redirect, the provider's login form,
 * the credentials, the redirects back, and the app's callback (handed to the service, as the web route
 * will). Every hop goes over HTTP to the local runtime's real provider.
 */
import type { CompleteSignInResult, StaffAuth } from '#services/staff-auth.ts';
import { formAction, type TestBrowser } from './browser.ts';

/** A request to the app as the browser would send it, with its cookies. */
export async function appRequest(
  browser: TestBrowser,
  url: string,
  init: { method?: string } = {},
): Promise<Request> {
  const cookie = await browser.cookieHeader(url);
  return new Request(url, { method: init.method ?? 'GET', headers: cookie ? { cookie } : {} });
}

/** The app's answer to a signed-out visit: the authorization URL, with the sign-in cookie stored. */
export async function startSignIn(auth: StaffAuth, browser: TestBrowser, pageUrl: string): Promise<string> {
  const begin = await auth.beginSignIn(await appRequest(browser, pageUrl));
  await browser.store(pageUrl, begin.cookies);
  return begin.location;
}

export interface ProviderVisit {
  /** The callback URL the provider sent the browser back to, if it did. */
  readonly callbackUrl?: string;
  /** Otherwise the page it showed (the login form again, or an error). */
  readonly page?: { readonly status: number; readonly html: string; readonly url: string };
  /** The login form as first shown, if one was. */
  readonly loginForm?: string;
}

/** Follows the authorization URL to the login form, signs in, and follows the redirects back. */
export async function loginAtProvider(
  browser: TestBrowser,
  authorizationUrl: string,
  appOrigin: string,
  credentials: { email: string; password: string },
): Promise<ProviderVisit> {
  const isCallback = (url: string) => url.startsWith(`${appOrigin}/auth/callback`);
  const toForm = await browser.follow(authorizationUrl, isCallback);
  if (!toForm.response) return { callbackUrl: toForm.url }; // already signed in at the provider
  const loginForm = await toForm.response.text();
  if (toForm.response.status !== 200) {
    return { page: { status: toForm.response.status, html: loginForm, url: toForm.url } };
  }
  const back = await browser.follow(formAction(loginForm, toForm.url), isCallback, {
    method: 'POST',
    form: credentials,
  });
  if (!back.response) return { callbackUrl: back.url, loginForm };
  return {
    page: { status: back.response.status, html: await back.response.text(), url: back.url },
    loginForm,
  };
}

/** Hands the callback to the service with the browser's cookies, and stores the cookies it sets. */
export async function finishSignIn(
  auth: StaffAuth,
  browser: TestBrowser,
  callbackUrl: string,
): Promise<CompleteSignInResult> {
  const result = await auth.completeSignIn(await appRequest(browser, callbackUrl));
  await browser.store(callbackUrl, result.cookies);
  return result;
}

/** The whole sign-in of one person, in one browser. */
export async function signIn(
  auth: StaffAuth,
  browser: TestBrowser,
  appOrigin: string,
  email: string,
  password = 'attend-demo',
): Promise<CompleteSignInResult> {
  const authorizationUrl = await startSignIn(auth, browser, `${appOrigin}/`);
  const visit = await loginAtProvider(browser, authorizationUrl, appOrigin, { email, password });
  if (!visit.callbackUrl)
    throw new Error(
      `the provider did not send the browser back (${visit.page?.status}): ${visit.page?.html
        .replace(/<[^>]+>/g, ' ')
        .replace(/\s+/g, ' ')
        .slice(-300)}`,
    );
  const result = await finishSignIn(auth, browser, visit.callbackUrl);
  // Sessions of this person were ended in the very second of this authentication (a test acting at
  // machine speed): Attend asks once more with prompt=login, and the person enters the password again.
  if (result.kind !== 'reauthenticate') return result;
  const again = await loginAtProvider(browser, result.location, appOrigin, { email, password });
  if (!again.callbackUrl)
    throw new Error(`the provider did not send the browser back (${again.page?.status})`);
  return finishSignIn(auth, browser, again.callbackUrl);
}

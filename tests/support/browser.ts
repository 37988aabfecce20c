/**
 * A small browser for HTTP tests: fetch with a cookie jar (tough-cookie) and redirects followed by hand,
 * so a test sees every hop of a sign-in and can stop at the app's callback.
 */
import { CookieJar } from 'tough-cookie';

export interface Hop {
  readonly url: string;
  readonly status: number;
  readonly location?: string;
}

export class TestBrowser {
  readonly jar = new CookieJar();

  async cookieHeader(url: string): Promise<string> {
    return this.jar.getCookieString(url);
  }

  /** Stores Set-Cookie values as the browser would for a response from `url`. */
  async store(url: string, setCookies: readonly string[]): Promise<void> {
    for (const cookie of setCookies) await this.jar.setCookie(cookie, url);
  }

  /** One request, no redirect followed; cookies sent and stored. */
  async request(
    url: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<Response> {
    const headers = new Headers();
    const cookie = await this.cookieHeader(url);
    if (cookie) headers.set('cookie', cookie);
    let body: string | undefined;
    if (init.form) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      body = new URLSearchParams(init.form).toString();
    }
    const response = await fetch(url, {
      method: init.method ?? (body ? 'POST' : 'GET'),
      headers,
      body,
      redirect: 'manual',
    });
    await this.store(url, response.headers.getSetCookie());
    return response;
  }

  /**
   * Follows redirects from `url` until a page (not a redirect) or a URL for which `stopAt` is true,
   * which is returned unfetched (the app's callback, which the test hands to the service itself).
   */
  async follow(
    url: string,
    stopAt: (url: string) => boolean,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<{ url: string; response?: Response; hops: Hop[] }> {
    const hops: Hop[] = [];
    let current = url;
    let next: { method?: string; form?: Record<string, string> } = init;
    for (let i = 0; i < 20; i++) {
      if (stopAt(current)) return { url: current, hops };
      const response = await this.request(current, next);
      const location = response.headers.get('location') ?? undefined;
      hops.push({ url: current, status: response.status, ...(location ? { location } : {}) });
      if (response.status < 300 || response.status >= 400 || !location)
        return { url: current, response, hops };
      await response.body?.cancel();
      current = new URL(location, current).href;
      next = {};
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

/** The `action` of the first form on a page, resolved against the page's URL. */
export function formAction(html: string, pageUrl: string): string {
  const match = /<form[^>]*\saction="([^"]+)"/i.exec(html);
  if (!match) throw new Error('no form with an action on the page');
  return new URL(match[1]!.replace(/&amp;/g, '&'), pageUrl).href;
}

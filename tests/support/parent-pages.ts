/** Parent-page test support: a browser with a cookie jar that talks to the web app in-process. */
import { CookieJar } from 'tough-cookie';
import {
  PARENT_LINK_OFFER_WORDING_DEFAULTS,
  PARENT_LINK_WORDING_DEFAULTS,
} from '#core/config/parent-links.ts';
import type { TrustConfig } from '#core/config/trust-config.ts';
import type { WebApp } from '#web/app.ts';
import { exampleConfig } from './dynamo.ts';

export const PARENT_ORIGIN = 'https://attend.example-trust.nhs.uk';

/** The example trust with parent links on, on the test origin. */
export const linksOnConfig: TrustConfig = {
  ...exampleConfig,
  parentLinks: {
    baseUrl: PARENT_ORIGIN,
    wording: { ...PARENT_LINK_WORDING_DEFAULTS },
    offerWording: { ...PARENT_LINK_OFFER_WORDING_DEFAULTS },
  },
};

export class ParentBrowser {
  readonly jar = new CookieJar();
  /** `origin`: the address the pages are served on (the test origin in-process, the local runtime's over HTTP). */
  constructor(
    private readonly app: Pick<WebApp, 'handle'>,
    private readonly origin = PARENT_ORIGIN,
  ) {}

  async request(
    path: string,
    form?: Record<string, string>,
  ): Promise<{ status: number; html: string; location?: string }> {
    const url = new URL(path, this.origin).href;
    const headers = new Headers();
    const cookie = await this.jar.getCookieString(url);
    if (cookie) headers.set('cookie', cookie);
    let body: string | undefined;
    if (form) {
      headers.set('content-type', 'application/x-www-form-urlencoded');
      headers.set('origin', this.origin);
      body = new URLSearchParams(form).toString();
    }
    const response = await this.app.handle(
      new Request(url, { method: form ? 'POST' : 'GET', headers, body }),
    );
    for (const c of response.headers.getSetCookie()) await this.jar.setCookie(c, url);
    const location = response.headers.get('location') ?? undefined;
    return { status: response.status, html: await response.text(), ...(location && { location }) };
  }

  get(path: string) {
    return this.request(path);
  }

  /** Posts a form on the page at `path`, with the CSRF token that page carries. */
  async submit(pagePath: string, action: string, fields: Record<string, string> = {}) {
    const page = await this.get(pagePath);
    const token = csrfOf(page.html, action);
    return this.request(action, { _csrf: token, ...fields });
  }

  /** Passes the date check for this link. */
  async check(path: string, date: string) {
    const [year, month, day] = date.split('-');
    return this.submit(path, `${path}/check`, {
      day: String(Number(day)),
      month: String(Number(month)),
      year: year!,
    });
  }
}

/** A parent's browser against a running local runtime, over real HTTP (redirects not followed). */
export function httpParentBrowser(baseUrl: string): ParentBrowser {
  const origin = new URL(baseUrl).origin;
  return new ParentBrowser({ handle: (request) => fetch(request, { redirect: 'manual' }) }, origin);
}

/** The CSRF token of the form posting to `action`. */
export function csrfOf(html: string, action: string): string {
  const forms = html.split('<form').slice(1);
  const form = forms.find((f) => f.includes(`action="${action}"`));
  const token = form && /name="_csrf" value="([^"]+)"/.exec(form)?.[1];
  if (!token) throw new Error(`no form posting to ${action} on the page`);
  return token;
}

/** A page with its per-response values (nonce, CSRF tokens) blanked, to compare two pages. */
export function comparable(html: string): string {
  return html.replace(/nonce="[^"]+"/g, 'nonce=""').replace(/value="[A-Za-z0-9_-]{60,}"/g, 'value=""');
}

/** The path of the first parent link in a text. */
export function linkIn(body: string): string {
  const match = /https?:\/\/[^\s]+\/p\/([A-Za-z0-9_-]{22})/.exec(body);
  if (!match) throw new Error(`no parent link in: ${body}`);
  return `/p/${match[1]}`;
}

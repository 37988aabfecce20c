/**
 * The rendered-page checker every page test runs: one h1, a non-empty <title>, unique ids, a CSRF token
 * in every POST form, and the response's nonce on every script. It returns the problems it found, so a
 * test asserts `toEqual([])` and a failure names each one.
 */
import { parse } from 'node-html-parser';

export interface PageCheckOptions {
  /** The nonce every <script> must carry (from the response's CSP); without it any non-empty nonce passes. */
  readonly nonce?: string;
}

export function pageProblems(html: string, options: PageCheckOptions = {}): string[] {
  const problems: string[] = [];
  const root = parse(html, { comment: false });

  const h1s = root.querySelectorAll('h1');
  if (h1s.length !== 1) problems.push(`expected one <h1>, found ${h1s.length}`);

  const titles = root.querySelectorAll('head title');
  if (titles.length !== 1 || titles[0]?.text.trim() === '')
    problems.push('expected one non-empty <title> in <head>');

  const seen = new Map<string, number>();
  for (const element of root.querySelectorAll('[id]')) {
    const id = element.getAttribute('id') ?? '';
    seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  for (const [id, count] of seen) {
    if (count > 1) problems.push(`id "${id}" is used ${count} times`);
    if (id.trim() === '') problems.push('an element has an empty id');
  }

  root.querySelectorAll('form').forEach((form, i) => {
    if ((form.getAttribute('method') ?? 'get').toLowerCase() !== 'post') return;
    const tokens = form.querySelectorAll('input[name="_csrf"]');
    const label = `POST form ${i + 1} (action ${form.getAttribute('action') ?? '(none)'})`;
    if (tokens.length !== 1) problems.push(`${label} has ${tokens.length} CSRF inputs, expected 1`);
    else if (tokens[0]?.getAttribute('type') !== 'hidden' || !tokens[0]?.getAttribute('value'))
      problems.push(`${label} has an empty or visible CSRF input`);
  });

  root.querySelectorAll('script').forEach((script, i) => {
    const nonce = script.getAttribute('nonce');
    if (!nonce) problems.push(`script ${i + 1} has no nonce`);
    else if (options.nonce !== undefined && nonce !== options.nonce)
      problems.push(`script ${i + 1} has nonce "${nonce}", not the response's`);
  });
  return problems;
}

/** The script nonce a Content-Security-Policy header allows. */
export function cspNonce(csp: string | null): string | undefined {
  return /'nonce-([^']+)'/.exec(csp ?? '')?.[1];
}

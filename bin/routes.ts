/**
 * `attend routes`: the route table as the README's Markdown table (method and path, who may call it,
 * what it does). The README carries its output between the `routes:start` and `routes:end` markers, and
 * tests/unit/bin/routes.test.ts fails when the two differ: run this and paste.
 */
import { ROUTES } from '#api/routes.ts';
import { ROLES, type Role } from '#core/roles.ts';

const SHORT: Readonly<Record<Role, string>> = {
  scheduler: 'S',
  'health-visitor': 'HV',
  manager: 'M',
  admin: 'A',
};

/** The route table as Markdown: one row per route, a ✓ under each role that may call it. */
export function routesMarkdown(): string {
  const head = `| method and path | ${ROLES.map((r) => SHORT[r]).join(' | ')} | what it does |`;
  const rule = `| --- | ${ROLES.map(() => ':-:').join(' | ')} | --- |`;
  const rows = ROUTES.map((route) => {
    const cells = ROLES.map((role) => (route.roles.includes(role) ? '✓' : ''));
    const summary = route.summary.replaceAll('|', '\\|');
    return `| \`${route.method} ${route.path}\` | ${cells.join(' | ')} | ${summary} |`;
  });
  return [head, rule, ...rows].join('\n');
}

/** The README's table of routes and roles is the route table's own: `npx tsx bin/attend.ts routes` writes it. */
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { ROUTES } from '#api/routes.ts';
import { routesMarkdown } from '#bin/routes.ts';

it('the README carries the table `attend routes` prints, one row per route', () => {
  // Prepare
  const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
  const between = /<!-- routes:start[^>]*-->\n([\s\S]*?)\n<!-- routes:end -->/.exec(readme);

  // Act
  const table = routesMarkdown();

  // Assess
  expect(between?.[1]).toBe(table);
  expect(table.split('\n')).toHaveLength(ROUTES.length + 2);
});

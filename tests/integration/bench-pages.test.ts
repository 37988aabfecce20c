/**
 * The bench's pages table (bench/pages.ts) on a tiny case: a local runtime without the demo seed, one
 * request a page, no Slow 3G. It proves every staff and parent page is measured and the table is made;
 * it asserts no timing (speed numbers live in `npm run bench` only).
 */
import { describe, expect, it } from 'vitest';
import { measurePages, pagesMarkdown, pagesTable } from '#bench/pages.ts';
import { dynamoEndpoint } from '#tests/support/dynamo.ts';

describe('the bench pages table', () => {
  it('measures each staff and parent page and prints a row for each, with its goals', {
    timeout: 180_000,
  }, async () => {
    // Act
    const rows = await measurePages({
      requests: 1,
      seed: false,
      slow3g: false,
      dynamoEndpoint: dynamoEndpoint(),
      print: (line) => console.info(line),
    });

    // Assess
    expect(rows.map((r) => r.page)).toEqual([
      '/staff/today',
      '/staff/families',
      '/staff/families?q=smith',
      '/staff/families/{id}',
      '/staff/inbox',
      '/staff/short-notice',
      '/staff/follow-ups',
      '/staff/metrics',
      '/staff/import',
      '/staff/slots',
      '/staff/letters',
      '/p/{token} (date-of-birth check)',
      '/p/{token} (appointment, after the check)',
      '/p/{token}/cancel',
      '/p/{token}/rebook',
    ]);
    for (const row of rows) {
      expect(row.requests, row.page).toBe(1);
      // The first load fetched the page and its stylesheet (inlined in parent pages) and script, and
      // counted their bytes.
      expect(row.firstLoad.byType.Document ?? 0, row.page).toBeGreaterThan(0);
      expect(row.firstLoad.byType.Script ?? 0, row.page).toBeGreaterThan(0);
      if (row.kind === 'staff') expect(row.firstLoad.byType.Stylesheet ?? 0, row.page).toBeGreaterThan(0);
      expect(row.transferKb, row.page).toBeGreaterThan(0);
    }
    const table = pagesTable(rows);
    expect(table[0]).toHaveProperty('KB goal', expect.stringMatching(/^≤ 250 (met|NOT MET)$/));
    expect(table.at(-1)).toHaveProperty('KB goal', expect.stringMatching(/^≤ 100 (met|NOT MET)$/));
    expect(pagesMarkdown(rows).split('\n')).toHaveLength(rows.length + 2);
  });
});

/**
 * First-load weight: what a browser transfers to show a page the first time (the HTML, its stylesheet
 * and script; NHS fonts are not loaded, and images in the CSS load only where used), compressed as a
 * browser accepts. Staff pages must stay within 250 KB and parent pages within 100 KB (issues 12, 13).
 */
import { parse } from 'node-html-parser';
import { describe, expect, it } from 'vitest';
import { aStaffMember, type TestWebApp, testWebApp } from '#tests/support/web.ts';
import { testPages } from '#tests/support/web-pages.ts';

const BROWSER = { 'accept-encoding': 'gzip, deflate, br, zstd' };

async function firstLoadBytes(
  app: TestWebApp,
  path: string,
): Promise<{ total: number; parts: Record<string, number> }> {
  const page = await app.get(path, BROWSER);
  const html = Buffer.from(await page.clone().arrayBuffer());
  const { brotliDecompressSync } = await import('node:zlib');
  const doc = parse(brotliDecompressSync(html).toString('utf8'));
  const urls = [
    ...doc.querySelectorAll('link[rel="stylesheet"]').map((l) => l.getAttribute('href') ?? ''),
    ...doc.querySelectorAll('script[src]').map((s) => s.getAttribute('src') ?? ''),
  ];
  const parts: Record<string, number> = { [path]: html.length };
  for (const url of urls) {
    const response = await app.get(url, BROWSER);
    expect(response.status, url).toBe(200);
    parts[url] = (await response.arrayBuffer()).byteLength;
  }
  return { total: Object.values(parts).reduce((a, b) => a + b, 0), parts };
}

describe('first-load transfer', () => {
  it('a staff page with charts is at most 250 KB', async () => {
    const app = testWebApp({ staff: aStaffMember({ roles: ['manager'] }), pages: [testPages] });
    const { total, parts } = await firstLoadBytes(app, '/staff/metrics-example');
    console.info('staff first load (bytes):', parts, 'total', total);
    expect(total).toBeLessThanOrEqual(250 * 1024);
  });

  it('a parent page is at most 100 KB', async () => {
    const app = testWebApp();
    // A parent page's weight is its layout's: the 404 under /p/ uses the same layout and assets.
    const page = await app.get('/p/any', BROWSER);
    expect(page.status).toBe(404);
    const { total, parts } = await firstLoadBytes(app, '/p/any');
    console.info('parent first load (bytes):', parts, 'total', total);
    expect(total).toBeLessThanOrEqual(100 * 1024);
  });
});

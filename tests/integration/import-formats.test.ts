/**
 * A file the import cannot read says so, naming what it reads (session 8 tester's faults, item 5): an
 * image uploaded on the Import page, and `POST /import` sent as XML, were both called a CSV file with
 * the wrong header. A CSV sent without a meaningful Content-Type (curl's default) still imports.
 */
import { deflateSync } from 'node:zlib';
import { parse } from 'node-html-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserDoor,
  type BrowserSession,
  browserDoor,
  WEB_ORIGIN,
} from '#tests/support/browser-door.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi, type ErrorResult } from '#tests/support/function-url.ts';

/** The first bytes of a real PNG: signature and IHDR chunk. */
const PNG = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]),
  Buffer.from('IHDR'),
  Buffer.from([0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]),
  deflateSync(Buffer.alloc(8)),
]);

let deps: TestDeps;
let door: BrowserDoor;
let admin: BrowserSession;

beforeAll(async () => {
  deps = testDeps(await freshTable(), '2026-11-23T10:00:00Z');
  door = browserDoor(deps);
  admin = await door.signIn({ name: 'Alex Admin', roles: ['admin'] });
});

describe('POST /import with a file it cannot read', () => {
  it('XML sent as application/xml is refused naming the Content-Type and what is accepted', async () => {
    const res = await callApi(deps, 'POST', '/import?dryRun=true', '<Bundle><entry/></Bundle>', undefined, {
      'content-type': 'application/xml',
    });
    expect(res.status).toBe(400);
    const { error } = res.body as ErrorResult;
    expect(error.message).toBe('The import reads CSV or a FHIR Bundle (JSON), not application/xml');
    expect(error.fields).toEqual([
      { field: 'content-type', message: expect.stringMatching(/text\/csv.*fhir\+json/) },
    ]);
  });

  it('a PNG sent with no meaningful Content-Type is not text, not a CSV with a bad header', async () => {
    const res = await callApi(deps, 'POST', '/import?dryRun=true', PNG.toString('utf8'), undefined, {
      'content-type': 'application/octet-stream',
    });
    expect(res.status).toBe(400);
    const { error } = res.body as ErrorResult;
    expect(error.message).toBe('The file is not a CSV file or a FHIR Bundle (JSON)');
    expect(error.fields?.[0]?.message).toMatch(/^it is not text .*text\/csv/);
  });

  it('a CSV sent as curl sends it by default is still read as CSV (its header is checked)', async () => {
    const res = await callApi(
      deps,
      'POST',
      '/import?dryRun=true',
      'first_name,mobile\nAva,07700 900301\n',
      undefined,
      {
        'content-type': 'application/x-www-form-urlencoded',
      },
    );
    expect(res.status).toBe(400);
    expect((res.body as ErrorResult).error.message).toBe('The CSV header is not as documented');
  });
});

describe('the Import page', () => {
  it('an uploaded PNG says the file is not CSV or a FHIR Bundle', async () => {
    const form = new FormData();
    form.set('_csrf', admin.csrf);
    form.set('file', new Blob([PNG], { type: 'image/png' }), 'photo.png');
    const res = await door.app.handle(
      new Request(`${WEB_ORIGIN}/staff/import/check`, {
        method: 'POST',
        headers: { cookie: admin.cookie, origin: WEB_ORIGIN },
        body: form,
      }),
    );
    const html = await res.text();
    expect(res.status).toBe(400);
    const summary = parse(html)
      .querySelectorAll('.nhsuk-error-summary__list a')
      .map((a) => a.text.trim());
    expect(summary).toEqual(['The file is not a CSV file or a FHIR Bundle (JSON)']);
    expect(html).not.toContain('CSV header');
  });
});

/**
 * Clinics read by name, not by id: a clinic made through the API without an id gets a UUID, and the
 * list (`GET /clinics`) and every Clinic dropdown of the staff app used to follow the ids. Names are
 * compared as people read them (en-GB: case and accents do not come first), and Today opens on the
 * first clinic by name. Real admin API, web app and DynamoDB Local.
 */
import { parse } from 'node-html-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BrowserDoor,
  type BrowserSession,
  browserDoor,
  WEB_ORIGIN,
} from '#tests/support/browser-door.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi } from '#tests/support/function-url.ts';

/**
 * Made in this order, with ids in this order too (a UUID could fall either way, so the ids are given to
 * make the test certain); by code point the names would read Birch, Zetland, ash, Élan.
 */
const NAMES = ['Zetland Clinic', 'ash Grove Hub', 'Élan House', 'Birch Centre'];
const BY_NAME = ['ash Grove Hub', 'Birch Centre', 'Élan House', 'Zetland Clinic'];

let deps: TestDeps;
let door: BrowserDoor;
let scheduler: BrowserSession;

beforeAll(async () => {
  deps = testDeps(await freshTable(), '2026-12-03T09:00:00Z');
  door = browserDoor(deps);
  scheduler = await door.signIn({ name: 'Sam Patel', roles: ['scheduler'] });
  for (const [i, name] of NAMES.entries()) {
    const made = await callApi(deps, 'POST', '/clinics', { id: `clinic-${i + 1}`, name, venue: name });
    expect(made.status).toBe(201);
  }
});

async function clinicOptions(path: string, select: string) {
  const res = await door.app.handle(
    new Request(`${WEB_ORIGIN}${path}`, { headers: { cookie: scheduler.cookie } }),
  );
  expect(res.status).toBe(200);
  const options = parse(await res.text()).querySelectorAll(`select#${select} option`);
  return {
    names: options.map((o) => o.text.trim()),
    selected: options.find((o) => o.hasAttribute('selected'))?.text.trim(),
  };
}

describe('the clinics', () => {
  it('are listed by name in GET /clinics, whatever their ids', async () => {
    // Act
    const list = await callApi<{ items: { id: string; name: string }[] }>(deps, 'GET', '/clinics');

    // Assess
    expect(list.body.items.map((c) => c.name)).toEqual(BY_NAME);
  });

  it('are offered by name in the Today and Slots dropdowns, Today opening on the first', async () => {
    // Act
    const today = await clinicOptions('/staff/today', 'clinic');
    const slots = await clinicOptions('/staff/slots', 'clinicId');

    // Assess
    expect(today).toEqual({ names: BY_NAME, selected: 'ash Grove Hub' });
    expect(slots.names).toEqual(BY_NAME);
  });
});

/**
 * POST /waitlist refuses a clinic id that is not a clinic of the trust (tester's fault, session 7, item
 * 1): an entry naming only clinics that do not exist could never be offered a slot, and would block
 * adding the family properly (409 ALREADY_WAITING). A 400 names `acceptableClinicIds` and the unknown
 * id, and nothing is written; the staff page's form shows the message on its Clinics field. Admin API
 * through the IAM door and the real web app, against DynamoDB Local.
 */
import { parse } from 'node-html-parser';
import { beforeEach, describe, expect, it } from 'vitest';
import type { Client, Clinic } from '#core/model.ts';
import { entryIdFor, getEntry } from '#store/waitlist.ts';
import { type BrowserDoor, browserDoor, WEB_ORIGIN } from '#tests/support/browser-door.ts';
import { aClient, aClinic } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { callApi, type ErrorResult } from '#tests/support/function-url.ts';
import { seed } from './helpers.ts';

const TYPE = 'six-to-eight-week-review';

let deps: TestDeps;
let clinic: Clinic;
let client: Client;

beforeEach(async () => {
  deps = testDeps(await freshTable(), '2026-11-23T10:00:00.000Z');
  clinic = aClinic({ id: 'riverside' });
  client = aClient({ dateOfBirth: '2026-10-05' });
  await seed(deps.store, { clinic, clients: [client] });
});

const body = (acceptableClinicIds: string[]) => ({
  clientId: client.id,
  type: TYPE,
  acceptableClinicIds,
  consentToShortNotice: true,
});

describe('POST /waitlist with a clinic that does not exist', () => {
  it('is a 400 naming acceptableClinicIds and the unknown id; nothing is written, and adding properly then works', async () => {
    // Act
    const res = await callApi<ErrorResult>(deps, 'POST', '/waitlist', body([clinic.id, 'atlantis']));

    // Assess
    expect(res.status).toBe(400);
    expect(res.body.error.fields).toEqual([
      { field: 'acceptableClinicIds', message: expect.stringContaining('atlantis') },
    ]);
    expect(res.body.error.fields?.[0]?.message).not.toContain(clinic.id);
    expect(await getEntry(deps.store, entryIdFor(client.id, TYPE))).toBeUndefined();

    const proper = await callApi<{ status: string; acceptableClinicIds: string[] }>(
      deps,
      'POST',
      '/waitlist',
      body([clinic.id]),
    );
    expect(proper.status).toBe(201);
    expect(proper.body).toMatchObject({ status: 'WAITING', acceptableClinicIds: [clinic.id] });
  });
});

describe('/staff/short-notice/add with a clinic that does not exist', () => {
  it('shows the message on the Clinics field and adds nothing', async () => {
    // Arrange
    const door: BrowserDoor = browserDoor(deps);
    const scheduler = await door.signIn({ name: 'Sam Patel', roles: ['scheduler'] });

    // Act
    const res = await door.app.handle(
      new Request(`${WEB_ORIGIN}/staff/short-notice/add`, {
        method: 'POST',
        headers: { cookie: scheduler.cookie, origin: WEB_ORIGIN },
        body: new URLSearchParams([
          ['family', client.id],
          ['type', TYPE],
          ['clinics', 'atlantis'],
          ['consent', 'yes'],
          ['_csrf', scheduler.csrf],
        ]),
      }),
    );
    const doc = parse(await res.text());

    // Assess
    expect(res.status).toBe(400);
    const message = doc.querySelector('#clinics-error')?.text.replace(/\s+/g, ' ').trim();
    expect(message).toMatch(/Clinics: no clinic with id atlantis/);
    expect(doc.querySelector('.nhsuk-error-summary__list a[href="#clinics"]')).not.toBeNull();
    expect(await getEntry(deps.store, entryIdFor(client.id, TYPE))).toBeUndefined();
  });
});

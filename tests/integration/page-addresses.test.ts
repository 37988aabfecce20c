/**
 * A day or clinic in a staff page's address that is not one (session 5 tester's faults, item 2): the
 * page says what is wrong, in the NHS error summary with the field marked, and answers 400. It does not
 * quietly show another day or another clinic. Real web app, route table and DynamoDB Local.
 */
import { parse } from 'node-html-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { bookSlot } from '#services/bookings.ts';
import {
  type BrowserDoor,
  type BrowserSession,
  browserDoor,
  WEB_ORIGIN,
} from '#tests/support/browser-door.ts';
import { aClient, aClinic, aSlotFor } from '#tests/support/builders.ts';
import { freshTable, type TestDeps, testDeps } from '#tests/support/dynamo.ts';
import { pageProblems } from '#tests/support/page-check.ts';
import { seed } from './helpers.ts';

let deps: TestDeps;
let door: BrowserDoor;
let scheduler: BrowserSession;
let bookingId: string;

beforeAll(async () => {
  // Thursday 3 December 2026, 09:00 in London: the booking below is today.
  deps = testDeps(await freshTable(), '2026-12-03T09:00:00Z');
  door = browserDoor(deps);
  scheduler = await door.signIn({ name: 'Sam Patel', roles: ['scheduler'] });
  const clinic = aClinic({ id: 'riverside', name: 'Riverside Clinic' });
  const client = aClient({ firstName: 'Amelia' });
  const slot = aSlotFor(clinic, { startsAt: '2026-12-03T14:00:00.000Z' });
  await seed(deps.store, { clinic, clients: [client], slots: [slot] });
  const later = aSlotFor(clinic, { startsAt: '2026-12-03T15:00:00.000Z' });
  await seed(deps.store, { slots: [later] });
  bookingId = (
    await bookSlot(deps, { slotId: slot.id, clientId: client.id, by: 'staff:hv-1', source: 'staff' })
  ).id;
});

async function open(path: string) {
  const res = await door.app.handle(
    new Request(`${WEB_ORIGIN}${path}`, { headers: { cookie: scheduler.cookie } }),
  );
  const html = await res.text();
  const doc = parse(html);
  const text = (el: { text: string }) => el.text.replace(/\s+/g, ' ').trim();
  return {
    status: res.status,
    html,
    main: text(doc.querySelector('main')!),
    summary: doc
      .querySelectorAll('.nhsuk-error-summary__list a')
      .map((a) => ({ href: a.getAttribute('href'), text: text(a) })),
    fieldErrors: doc.querySelectorAll('.nhsuk-error-message').map((m) => m.getAttribute('id')),
  };
}

describe('/staff/today', () => {
  it('a date that does not exist (30 February) is a 400 naming it, not another day', async () => {
    // Act
    const page = await open('/staff/today?clinic=riverside&date=2026-02-30');

    // Assess
    expect(page.status).toBe(400);
    expect(page.summary).toEqual([
      {
        href: '#date',
        text: 'Day: “2026-02-30” is not a real date; enter it as yyyy-mm-dd, for example 2026-12-03',
      },
    ]);
    expect(page.fieldErrors).toEqual(['date-error']);
    expect(page.main).not.toContain('Amelia');
    expect(page.main).not.toMatch(/Today, |Previous day/);
    expect(pageProblems(page.html)).toEqual([]);
  });

  it('a long clinic is echoed cut to 40 characters, and a control character (NUL) never reaches the page', async () => {
    // Act
    const long = await open(`/staff/today?clinic=${'x'.repeat(5000)}&date=2026-12-03`);
    const nul = await open('/staff/today?clinic=riverside&date=2026-12-03%00');

    // Assess
    expect(long.status).toBe(400);
    expect(long.summary).toEqual([
      { href: '#clinic', text: `Clinic: there is no clinic “${'x'.repeat(40)}…”; choose one from the list` },
    ]);
    expect(long.html).not.toContain('x'.repeat(41));
    expect(nul.status).toBe(400);
    expect(nul.summary.map((e) => e.text)).toEqual([
      'Day: “2026-12-03\ufffd” is not a real date; enter it as yyyy-mm-dd, for example 2026-12-03',
    ]);
    expect(nul.html).not.toContain('\u0000');
  });

  it('a clinic that does not exist is a 400 naming it, not the first clinic', async () => {
    const page = await open('/staff/today?clinic=nowhere&date=2026-12-03');
    expect(page.status).toBe(400);
    expect(page.summary).toEqual([
      { href: '#clinic', text: 'Clinic: there is no clinic “nowhere”; choose one from the list' },
    ]);
    expect(page.fieldErrors).toEqual(['clinic-error']);
    expect(page.main).not.toContain('Amelia');
  });

  it('a real clinic and day still show that day, and no address shows today', async () => {
    const chosen = await open('/staff/today?clinic=riverside&date=2026-12-03');
    const plain = await open('/staff/today');
    expect(chosen.status).toBe(200);
    expect(chosen.summary).toEqual([]);
    expect(chosen.main).toContain('Amelia');
    expect(plain.status).toBe(200);
    expect(plain.main).toContain('Today, ');
  });

  it('a parameter the page does not take is a 400 naming it, not quietly the first clinic', async () => {
    const page = await open('/staff/today?clinc=riverside&date=2026-12-03');
    expect(page.status).toBe(400);
    expect(page.summary).toEqual([
      {
        href: '#clinic',
        text: 'Address: “clinc” is not a parameter of this page; expected clinic, date, done, error, followUp, outcome',
      },
    ]);
    expect(page.main).not.toContain('Amelia');
    expect(pageProblems(page.html)).toEqual([]);
  });

  it('the addresses the page sends itself to after a change are still taken', async () => {
    const page = await open(
      '/staff/today?clinic=riverside&date=2026-12-03&done=outcome&outcome=DNA&followUp=1',
    );
    expect(page.status).toBe(200);
    expect(page.main).toContain('Amelia');
  });
});

describe('/staff/slots', () => {
  it('a date that does not exist is a 400 naming it, not today', async () => {
    const page = await open('/staff/slots?clinicId=riverside&date=2026-13-01');
    expect(page.status).toBe(400);
    expect(page.summary).toEqual([
      {
        href: '#date',
        text: 'Day: “2026-13-01” is not a real date; enter it as yyyy-mm-dd, for example 2026-12-03',
      },
    ]);
    expect(page.fieldErrors).toEqual(['date-error']);
    expect(pageProblems(page.html)).toEqual([]);
  });

  it('a clinic that does not exist is a 400 naming it, and no other clinic’s slots are listed', async () => {
    const page = await open('/staff/slots?clinicId=nowhere&date=2026-12-03');
    expect(page.status).toBe(400);
    expect(page.summary.map((e) => e.text)).toEqual([
      'Clinic: there is no clinic “nowhere”; choose one from the list',
    ]);
    expect(page.fieldErrors).toEqual(['clinicId-error']);
    expect(page.main).not.toContain('14:00');
  });

  it.each([
    ['an unknown clinic', '/staff/slots?clinicId=nope&date=2026-12-04', undefined],
    ['a day that is not one', '/staff/slots?clinicId=riverside&date=x', 'riverside'],
  ])('the 400 for %s lists the clinics and does not say there are none', async (_, path, selected) => {
    const page = await open(path);
    expect(page.status).toBe(400);
    const options = parse(page.html)
      .querySelectorAll('select#clinicId option')
      .map((o) => ({ value: o.getAttribute('value'), selected: o.hasAttribute('selected') }));
    expect(options.map((o) => o.value)).toEqual(['riverside']);
    // The clinic the address named, when it is one, stays chosen for the corrected day.
    expect(options.filter((o) => o.selected).map((o) => o.value)).toEqual(selected ? [selected] : []);
    expect(page.main).not.toContain('no clinics');
    expect(pageProblems(page.html)).toEqual([]);
  });

  it('with no clinics at all, the page says so', async () => {
    const empty = browserDoor(testDeps(await freshTable(), '2026-12-03T09:00:00Z'));
    const admin = await empty.signIn({ name: 'Ada Admin', roles: ['scheduler'] });
    const res = await empty.app.handle(
      new Request(`${WEB_ORIGIN}/staff/slots?clinicId=nope`, { headers: { cookie: admin.cookie } }),
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('There are no clinics yet.');
  });

  it('a real clinic and day still list its slots', async () => {
    const page = await open('/staff/slots?clinicId=riverside&date=2026-12-03');
    expect(page.status).toBe(200);
    expect(page.main).toContain('14:00');
  });
});

describe('/staff/slots?clinic= (the name the Today page uses)', () => {
  // Two clinics, so the one named is not just the first one shown anyway.
  let two: BrowserDoor;
  let who: BrowserSession;
  beforeAll(async () => {
    const fresh = testDeps(await freshTable(), '2026-12-03T09:00:00Z');
    two = browserDoor(fresh);
    who = await two.signIn({ name: 'Sam Patel', roles: ['scheduler'] });
    const riverside = aClinic({ id: 'riverside', name: 'Riverside Clinic' });
    const hilltop = aClinic({ id: 'hilltop', name: 'Hilltop Clinic' });
    // Hilltop sorts first, so it is the clinic shown when none is named; the slot is at Riverside.
    await seed(fresh.store, { clinic: hilltop });
    await seed(fresh.store, {
      clinic: riverside,
      slots: [aSlotFor(riverside, { startsAt: '2026-12-03T13:30:00.000Z' })],
    });
  });
  const openTwo = async (path: string) => {
    const res = await two.app.handle(
      new Request(`${WEB_ORIGIN}${path}`, { headers: { cookie: who.cookie } }),
    );
    const html = await res.text();
    const doc = parse(html);
    return {
      status: res.status,
      html,
      main: doc.querySelector('main')!.text.replace(/\s+/g, ' ').trim(),
      summary: doc
        .querySelectorAll('.nhsuk-error-summary__list a')
        .map((a) => ({ href: a.getAttribute('href'), text: a.text.replace(/\s+/g, ' ').trim() })),
      chosen: doc
        .querySelectorAll('select#clinicId option')
        .filter((o) => o.hasAttribute('selected'))
        .map((o) => o.getAttribute('value')),
    };
  };

  it('?clinic= shows that clinic’s slots, exactly as ?clinicId= does', async () => {
    // Act
    const byAlias = await openTwo('/staff/slots?clinic=riverside&date=2026-12-03');
    const byName = await openTwo('/staff/slots?clinicId=riverside&date=2026-12-03');

    // Assess
    expect(byAlias.status).toBe(200);
    expect(byAlias.summary).toEqual([]);
    expect(byAlias.chosen).toEqual(['riverside']);
    expect(byAlias.main).toContain('Riverside Clinic, Thu, 3 Dec 2026: 1 slot');
    expect(byAlias.main).toContain('13:30');
    expect(byAlias.main).toBe(byName.main);
    expect(pageProblems(byAlias.html)).toEqual([]);
  });

  it('?clinic= naming no clinic is the same 400 as ?clinicId=', async () => {
    const page = await openTwo('/staff/slots?clinic=nowhere&date=2026-12-03');
    expect(page.status).toBe(400);
    expect(page.summary).toEqual([
      { href: '#clinicId', text: 'Clinic: there is no clinic “nowhere”; choose one from the list' },
    ]);
    expect(page.main).not.toContain('13:30');
  });

  it('both names for two different clinics is a 400 naming both, not one quietly chosen', async () => {
    const page = await openTwo('/staff/slots?clinicId=riverside&clinic=hilltop&date=2026-12-03');
    expect(page.status).toBe(400);
    expect(page.summary.map((e) => e.text)).toEqual([
      'Clinic: the address names two clinics, “riverside” and “hilltop”; choose one from the list',
    ]);
    expect(page.main).not.toContain('13:30');
    // The same clinic under both names is not a conflict.
    expect((await openTwo('/staff/slots?clinicId=riverside&clinic=riverside&date=2026-12-03')).status).toBe(
      200,
    );
  });

  it('a parameter the page does not take is a 400 naming it and the ones it does, not ignored', async () => {
    // Act: a misspelt clinic would otherwise show the first clinic's slots
    const page = await openTwo('/staff/slots?clinc=riverside&date=2026-12-03');

    // Assess
    expect(page.status).toBe(400);
    expect(page.summary).toEqual([
      {
        href: '#clinicId',
        text: 'Address: “clinc” is not a parameter of this page; expected clinic, clinicId, created, date, offered, withdrawn',
      },
    ]);
    expect(page.main).not.toContain('13:30');
    expect(pageProblems(page.html)).toEqual([]);
  });

  it('the page’s own addresses after a change are still taken', async () => {
    const page = await openTwo('/staff/slots?clinicId=riverside&date=2026-12-03&created=2');
    expect(page.status).toBe(200);
    expect(page.main).toContain('13:30');
  });
});

describe('/staff/today/bookings/{id}/move', () => {
  it("a date that does not exist is a 400 naming it, and says the booking's own day is shown instead", async () => {
    // Act
    const page = await open(`/staff/today/bookings/${bookingId}/move?date=2026-02-30`);

    // Assess
    expect(page.status).toBe(400);
    expect(page.summary).toEqual([
      {
        href: '#date',
        text: "Day: “2026-02-30” is not a real date; enter it as yyyy-mm-dd. Showing free times on the booking's own day.",
      },
    ]);
    expect(page.fieldErrors).toEqual(['date-error']);
    expect(page.html).toContain('value="2026-02-30"');
    expect(page.main).toContain('Free times on Thursday, 3 December 2026 15:00');
    expect(pageProblems(page.html)).toEqual([]);
  });

  it('a real date shows its free times, with no error', async () => {
    const page = await open(`/staff/today/bookings/${bookingId}/move?date=2026-12-03`);
    expect(page.status).toBe(200);
    expect(page.summary).toEqual([]);
    expect(page.main).toContain('15:00');
  });

  it('a day with no free times says so and asks for no reason, with no button to move', async () => {
    const page = await open(`/staff/today/bookings/${bookingId}/move?date=2026-12-10`);
    expect(page.status).toBe(200);
    expect(page.main).toMatch(/No free .* times at this clinic on .*\. Try another day\./);
    expect(page.main).not.toContain('Why is it moved?');
    expect(page.main).not.toContain('Move the booking');
    expect(page.main).toContain('Show free times');
  });
});

describe('/staff/short-notice', () => {
  it('a type that does not exist is a 400 naming it, not the first type’s list', async () => {
    const page = await open('/staff/short-notice?type=bogus');
    expect(page.status).toBe(400);
    expect(page.summary).toEqual([
      {
        href: '#type',
        text: 'Appointment type: there is no appointment type “bogus”; choose one from the list',
      },
    ]);
    expect(page.fieldErrors).toEqual(['type-error']);
    expect(page.main).not.toMatch(/waiting|No families are waiting/);
    expect(pageProblems(page.html)).toEqual([]);
  });

  it('a real type, and no type, still show a list', async () => {
    for (const path of ['/staff/short-notice?type=six-to-eight-week-review', '/staff/short-notice']) {
      const page = await open(path);
      expect(page.status).toBe(200);
      expect(page.summary).toEqual([]);
      expect(page.main).toMatch(/waiting/);
    }
  });
});

describe('/staff/letters', () => {
  it('a date that is not one is a 400 naming it, not today', async () => {
    const page = await open('/staff/letters?date=zz');
    expect(page.status).toBe(400);
    expect(page.summary).toEqual([
      { href: '#date', text: 'Day: “zz” is not a real date; enter it as yyyy-mm-dd, for example 2026-12-03' },
    ]);
    expect(page.fieldErrors).toEqual(['date-error']);
    expect(page.main).not.toMatch(/Today, |Previous day|No batches/);
    expect(pageProblems(page.html)).toEqual([]);
  });

  it('a real day, and no day, still show the day', async () => {
    const chosen = await open('/staff/letters?date=2026-12-04');
    const plain = await open('/staff/letters');
    expect(chosen.status).toBe(200);
    expect(chosen.summary).toEqual([]);
    expect(chosen.main).toContain('Previous day');
    expect(plain.status).toBe(200);
    expect(plain.main).toContain('Today, ');
  });
});

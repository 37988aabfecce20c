/**
 * The planning pages of the staff app in Chromium, against the local runtime and its OpenID Connect
 * provider, worked as staff would: Metrics (a cancellation changes the chart's numbers), Short-notice
 * (add a family to the list and take them off), Slots (create a clinic session) and Import (a dry run,
 * then confirm). Each page is checked with axe and photographed at a laptop and a phone width.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DateTime } from 'luxon';
import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { browserWorld, screenshot, seriousA11yViolations } from '#tests/browser/support.ts';
import { exampleConfig } from '#tests/support/dynamo.ts';

const world = browserWorld({ name: 'planning' });

/** A local day `days` from today in the trust's time zone. */
const dayFromNow = (days: number) =>
  DateTime.now().setZone(exampleConfig.timeZone).plus({ days }).toISODate()!;

/** The quick start's unsigned local call (it acts as the local admin). */
const api = <T = Record<string, unknown>>(method: string, path: string, body?: unknown) =>
  world.api<T>(method, path, body);

async function signIn(email: string): Promise<Page> {
  return (await world.signIn(email)).page;
}

/** A data table beside a chart, as rows of cell texts (header row first). */
async function chartTable(page: Page, chartId: string): Promise<string[][]> {
  return page
    .locator(`#${chartId} table tr`)
    .evaluateAll((rows) =>
      rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim() ?? '')),
    );
}

beforeAll(async () => {
  await api('POST', '/clinics', { id: 'riverside', name: "Riverside Children's Centre", venue: 'Riverside' });
  await api('POST', '/clinics', { id: 'oakwood', name: 'Oakwood Health Centre', venue: 'Oakwood' });
});

describe('Metrics', { timeout: 90_000 }, () => {
  it('shows a cancellation in the chart’s numbers', async () => {
    const day = dayFromNow(4);
    const client = await api<{ id: string }>('POST', '/clients', {
      firstName: 'Amelia',
      familyName: 'Jones',
      phone: '07700 900201',
      dateOfBirth: dayFromNow(-730),
      flags: { imdDecile: 2 },
    });
    const slot = await api<{ id: string }>('POST', '/slots', {
      clinicId: 'riverside',
      type: 'two-year-review',
      date: day,
      time: '10:00',
    });
    const booking = await api<{ id: string }>('POST', '/bookings', { slotId: slot.id, clientId: client.id });

    const page = await signIn('manager@example.nhs.uk');
    await page.goto(`${world.url}/staff/metrics?from=${day}&to=${day}`);
    expect(await page.locator('h1').textContent()).toBe('Metrics');
    const notice = () => chartTable(page, 'cancellations-by-notice');
    const head = ['Week beginning', 'Under 24 hours', '1 to 2 days', '2 to 7 days', 'Over 7 days'];
    expect((await notice())[0]).toEqual(head);
    expect((await notice())[1]?.slice(1)).toEqual(['0', '0', '0', '0']);

    await api('POST', `/bookings/${booking.id}/cancel`, { reason: 'family asked' });
    // The metrics stream consumer counts it as the change arrives: reload until the table shows it.
    await expect
      .poll(
        async () => {
          await page.reload();
          return (await notice())[1]?.slice(1);
        },
        { timeout: 15_000, interval: 500 },
      )
      .toEqual(['0', '0', '1', '0']);
    expect(await page.locator('#cancellations-by-notice svg[role="img"]').count()).toBe(1);
    expect(await page.locator('#dna-wnb-by-week svg').textContent()).toContain('Baseline 11.5%');

    const csv = await page.request.get(
      `${world.url}/staff/metrics.csv?chart=cancellations-by-notice&from=${day}&to=${day}`,
    );
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect((await csv.text()).split('\r\n')[1]).toMatch(/,0,0,1,0$/);

    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('names each week by its Monday when the period starts on a Sunday, the cut-short week marked', async () => {
    // Prepare: from the latest Sunday (London) to the Sunday two weeks after it
    const today = DateTime.now().setZone(exampleConfig.timeZone).startOf('day');
    const sunday = today.minus({ days: today.weekday % 7 });
    const dayMonth = new Intl.DateTimeFormat('en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    });
    const label = (day: DateTime) => dayMonth.format(new Date(`${day.toISODate()}T00:00:00Z`));

    // Act
    const page = await signIn('manager@example.nhs.uk');
    await page.goto(
      `${world.url}/staff/metrics?from=${sunday.toISODate()}&to=${sunday.plus({ days: 14 }).toISODate()}`,
    );

    // Assess: three weeks, a week apart, not a "week beginning" Sunday then Monday
    const weeks = (await chartTable(page, 'dna-wnb-by-week')).map((row) => row[0]);
    expect(weeks).toEqual([
      'Week beginning',
      `${label(sunday.minus({ days: 6 }))} (part week)`,
      label(sunday.plus({ days: 1 })),
      label(sunday.plus({ days: 8 })),
    ]);
    expect(await page.locator('#metrics-weeks').textContent()).toContain('Weeks run from Monday to Sunday');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'staff-metrics-weeks');
  });

  it('is not for schedulers: no navigation entry, and 403', async () => {
    const page = await signIn('scheduler@example.nhs.uk');
    expect(await page.locator('header a[href="/staff/metrics"]').count()).toBe(0);
    const res = await page.goto(`${world.url}/staff/metrics`);
    expect(res?.status()).toBe(403);
  });
});

describe('Short-notice', { timeout: 90_000 }, () => {
  it('adds a family to the list from the form, shows the offers going out, and takes the family off', async () => {
    // Ben is on the one-year list already; a booking three days ahead is cancelled, so the stream
    // starts a run and offers Ben the slot.
    const ben = await api<{ id: string }>('POST', '/clients', {
      firstName: 'Ben',
      familyName: 'Okafor',
      phone: '07700 900211',
      dateOfBirth: dayFromNow(-300),
      flags: { imdDecile: 1 },
    });
    await api('POST', '/waitlist', {
      clientId: ben.id,
      type: 'one-year-review',
      acceptableClinicIds: ['riverside'],
      consentToShortNotice: true,
    });
    const holder = await api<{ id: string }>('POST', '/clients', {
      firstName: 'Cara',
      phone: '07700 900212',
      dateOfBirth: dayFromNow(-310),
    });
    const slot = await api<{ id: string }>('POST', '/slots', {
      clinicId: 'riverside',
      type: 'one-year-review',
      date: dayFromNow(3),
      time: '14:00',
    });
    const booking = await api<{ id: string }>('POST', '/bookings', { slotId: slot.id, clientId: holder.id });
    await api('POST', `/bookings/${booking.id}/cancel`, { reason: 'family away' });
    const zofia = await api<{ id: string }>('POST', '/clients', {
      firstName: 'Zofia',
      familyName: 'Nowak',
      phone: '07700 900213',
      dateOfBirth: dayFromNow(-280),
      flags: { vulnerable: true },
    });

    const page = await signIn('scheduler@example.nhs.uk');
    await page.goto(`${world.url}/staff/short-notice?type=one-year-review`);
    expect(await page.locator('h1').textContent()).toBe('Short-notice list');
    // The run under way: the slot, and Ben among those offered it (in daytime; at night it waits). Only
    // this type's runs: the metrics test's cancelled two-year review has a run of its own, still
    // waiting for the morning when this file runs in quiet hours.
    const runs = page.locator('section.nhsuk-card', { hasText: '1 year review' });
    await expect
      .poll(
        async () => {
          await page.reload();
          return runs.count();
        },
        { timeout: 15_000, interval: 500 },
      )
      .toBe(1);
    const run = (await runs.first().textContent()) ?? '';
    expect(run).toContain('1 year review, Riverside Children');
    if (run.includes('Offering')) expect(run).toContain('Ben');

    await page.getByRole('link', { name: 'Add a family to the short-notice list' }).click();
    await page.fill('#family', '07700 900213');
    await page.selectOption('#type', 'one-year-review');
    await page.getByLabel('Riverside Children').check();
    await page.getByLabel('Tuesday').check();
    await page.getByLabel('Thursday').check();
    await page.fill('#from', '09:00');
    await page.fill('#to', '12:30');
    await page.getByLabel('The family agreed').check();
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'staff-short-notice-add');
    await page.getByRole('button', { name: 'Add to the list' }).click();

    await page.waitForURL((url) => url.searchParams.has('added'));
    expect(await page.locator('[role="status"]').textContent()).toContain('Zofia is on the list');
    const row = page.locator('tbody tr', { hasText: 'Zofia Nowak' });
    expect(await row.count()).toBe(1);
    const cells = (await row.textContent()) ?? '';
    expect(cells).toContain('Tue, Thu 09:00 to 12:30');
    // A scheduler is not told the family is flagged vulnerable, only that the health visitor set a
    // priority (README, "Do not text and safeguarding flags").
    expect(cells).toContain('Priority set by the health visitor (ask them why)');
    expect(cells).not.toMatch(/vulnerable|mental health/i);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'staff-short-notice');

    await page.getByRole('button', { name: 'Remove Zofia Nowak from the list' }).click();
    await page.waitForURL((url) => url.searchParams.has('removed'));
    expect(await page.locator('[role="status"]').textContent()).toContain('taken off the list');
    expect(await page.locator('tbody tr', { hasText: 'Zofia Nowak' }).count()).toBe(0);
    const entry = await fetch(`${world.url}/waitlist/${zofia.id}.one-year-review`);
    expect(((await entry.json()) as { status: string }).status).toBe('REMOVED');
  });

  it('shows a form error when the family cannot be found, and a forged remove by a health visitor gets 403', async () => {
    const page = await signIn('scheduler@example.nhs.uk');
    await page.goto(`${world.url}/staff/short-notice/add`);
    await page.fill('#family', '07700 900999');
    await page.getByRole('button', { name: 'Add to the list' }).click();
    expect(await page.locator('.nhsuk-error-summary').textContent()).toContain(
      'No family has this mobile number',
    );
    expect(await seriousA11yViolations(page)).toEqual([]);

    const hv = await signIn('health-visitor@example.nhs.uk');
    expect(await hv.locator('header a[href="/staff/short-notice"]').count()).toBe(0);
    const token = (await hv.locator('meta[name="csrf-token"]').getAttribute('content')) ?? '';
    const forged = await hv.request.post(`${world.url}/staff/short-notice/anything.one-year-review/remove`, {
      form: { _csrf: token },
    });
    expect(forged.status()).toBe(403);
  });
});

describe('Import', { timeout: 90_000 }, () => {
  /** The README's sample export, its December appointments moved to the coming days. */
  function sampleCsv(): string {
    const text = readFileSync(
      fileURLToPath(new URL('../fixtures/import/sample.csv', import.meta.url)),
      'utf8',
    );
    const days = [...new Set(text.match(/2026-12-\d\d/g) ?? [])].sort();
    return days.reduce((csv, day, i) => csv.replaceAll(day, dayFromNow(3 + i)), text);
  }

  it('checks an EPR export with a dry run, then imports it when confirmed', async () => {
    const page = await signIn('admin@example.nhs.uk');
    await page.getByRole('link', { name: 'Import' }).first().click();
    expect(await page.locator('h1').textContent()).toBe('Import from the EPR');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'staff-import');

    await page.setInputFiles('#file', {
      name: 'systmone-export.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(sampleCsv()),
    });
    await page.getByRole('button', { name: 'Check the file' }).click();
    expect(await page.locator('h1').textContent()).toBe('Check the import');
    const summary = async () =>
      page
        .locator('.attend-import-summary .nhsuk-summary-list__row')
        .evaluateAll((rows) => rows.map((r) => r.textContent?.replace(/\s+/g, ' ').trim()));
    expect(await summary()).toEqual(['To create 5', 'To change 0', 'Unchanged 0', 'Rejected 1']);
    const rejected = page.locator('tbody tr', { hasText: 'Row 7' });
    expect(await rejected.textContent()).toContain('Rejected');
    expect(await rejected.textContent()).toContain('landline');
    // A dry run writes nothing.
    const before = await api<{ items: unknown[] }>('GET', `/bookings?clinicId=oakwood&date=${dayFromNow(4)}`);
    expect(before.items).toHaveLength(0);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'staff-import-dry-run');

    const confirmForm = {
      _csrf: await page.locator('input[name="_csrf"]').last().inputValue(),
      upload: await page.locator('input[name="upload"]').inputValue(),
    };
    await page.getByRole('button', { name: 'Confirm and import' }).click();
    expect(await page.locator('h1').textContent()).toBe('Imported');
    expect(await summary()).toEqual(['Created 5', 'Changed 0', 'Unchanged 0', 'Rejected 1']);
    const after = await api<{ items: { status: string }[] }>(
      'GET',
      `/bookings?clinicId=oakwood&date=${dayFromNow(4)}`,
    );
    expect(after.items.map((b) => b.status)).toEqual(['BOOKED']);

    // The confirm is used up: sending it again imports nothing twice.
    const again = await page.request.post(`${world.url}/staff/import/confirm`, { form: confirmForm });
    expect(again.status()).toBe(410);
    expect(await again.text()).toContain('expired or was already imported');
  });

  it('is for administrators only: a manager has no Import entry, and a forged upload gets 403', async () => {
    const page = await signIn('manager@example.nhs.uk');
    expect(await page.locator('header a[href="/staff/import"]').count()).toBe(0);
    const token = (await page.locator('meta[name="csrf-token"]').getAttribute('content')) ?? '';
    const forged = await page.request.post(`${world.url}/staff/import/check`, {
      multipart: {
        _csrf: token,
        file: { name: 'x.csv', mimeType: 'text/csv', buffer: Buffer.from(sampleCsv()) },
      },
    });
    expect(forged.status()).toBe(403);
  });
});

describe('Slots', { timeout: 90_000 }, () => {
  it('creates a clinic session and a short-notice slot, and withdraws a slot', async () => {
    const day = dayFromNow(6);
    const page = await signIn('scheduler@example.nhs.uk');
    await page.getByRole('link', { name: 'Slots' }).first().click();
    await page.selectOption('#clinicId', 'oakwood');
    await page.fill('#date', day);
    await page.getByRole('button', { name: 'Show the slots' }).click();
    expect(await page.locator('main').textContent()).toContain('No slots on this day.');

    await page.selectOption('#session-type', 'six-to-eight-week-review');
    await page.fill('#session-from', '09:00');
    await page.fill('#session-to', '11:00');
    await page.fill('#session-every', '30');
    await page.getByRole('button', { name: 'Create the session' }).click();
    await page.waitForURL((url) => url.searchParams.has('created'));
    expect(await page.locator('[role="status"]').textContent()).toContain('Created 4 slots.');
    const times = () =>
      page
        .locator('tbody tr td:first-child')
        .evaluateAll((cells) => cells.map((c) => c.textContent?.replace('Time', '').trim()));
    expect(await times()).toEqual(['09:00', '09:30', '10:00', '10:30']);

    await page.selectOption('#slot-type', 'six-to-eight-week-review');
    await page.fill('#slot-time', '13:00');
    await page.getByLabel('Offer it now').check();
    await page.getByRole('button', { name: 'Create the slot' }).click();
    await page.waitForURL((url) => url.searchParams.get('created') === '1');
    expect(await times()).toEqual(['09:00', '09:30', '10:00', '10:30', '13:00']);
    const listed = await api<{ items: { startsAt: string; freedBy?: string }[] }>(
      'GET',
      `/slots?clinicId=oakwood&date=${day}`,
    );
    expect(listed.items.at(-1)?.freedBy).toBe('short-notice');

    await page.getByRole('button', { name: 'Withdraw the 09:00 slot' }).click();
    await page.waitForURL((url) => url.searchParams.has('withdrawn'));
    expect(await page.locator('tbody tr', { hasText: '09:00' }).textContent()).toContain('Withdrawn');
    expect(await page.getByRole('button', { name: 'Withdraw the 09:00 slot' }).count()).toBe(0);

    // A slot made for ordinary booking, offered to the short-notice list from its row.
    await page.getByRole('button', { name: 'Offer at short notice (the 09:30 slot)' }).click();
    await page.waitForURL((url) => url.searchParams.has('offered'));
    expect(await page.locator('tbody tr', { hasText: '09:30' }).textContent()).toContain('Short-notice run');
    const offered = await api<{ items: { freedBy?: string }[] }>(
      'GET',
      `/slots?clinicId=oakwood&date=${day}`,
    );
    expect(offered.items[1]?.freedBy).toBe('short-notice');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'staff-slots');
  });

  it('shows a form error for a session that ends before it starts', async () => {
    const page = await signIn('scheduler@example.nhs.uk');
    await page.goto(`${world.url}/staff/slots?clinicId=oakwood&date=${dayFromNow(7)}`);
    await page.fill('#session-from', '11:00');
    await page.fill('#session-to', '09:00');
    await page.fill('#session-every', '15');
    await page.getByRole('button', { name: 'Create the session' }).click();
    expect(await page.locator('.nhsuk-error-summary').textContent()).toContain('To: must be after from');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('lets a health visitor read the slots with no buttons, and refuses a forged withdrawal (403)', async () => {
    const slots = await api<{ items: { id: string }[] }>(
      'GET',
      `/slots?clinicId=oakwood&date=${dayFromNow(6)}`,
    );
    const page = await signIn('health-visitor@example.nhs.uk');
    await page.goto(`${world.url}/staff/slots?clinicId=oakwood&date=${dayFromNow(6)}`);
    expect(await page.locator('tbody tr').count()).toBe(5);
    expect(await page.getByRole('button', { name: /Withdraw|Create|Offer/ }).count()).toBe(0);
    const token = (await page.locator('meta[name="csrf-token"]').getAttribute('content')) ?? '';
    const forged = await page.request.post(`${world.url}/staff/slots/${slots.items[2]!.id}/withdraw`, {
      form: { _csrf: token },
    });
    expect(forged.status()).toBe(403);
    const slot = await api<{ status: string }>('GET', `/slots/${slots.items[2]!.id}`);
    expect(slot.status).toBe('FREE');
  });
});

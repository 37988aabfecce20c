/**
 * Locally, the virtual clock is moved for the schedules (the Quick start moves it on two days), not for
 * people: a staff session's idle and absolute limits are measured in real time, as they are in AWS
 * (where the two clocks are one). A sign-in here goes through the local provider's form over HTTP, as
 * a browser's would.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '#local/runtime.ts';
import { formAction, TestBrowser } from '#tests/support/browser.ts';
import { startTestRuntime } from '#tests/support/local-runtime.ts';

let runtime: LocalRuntime;

beforeAll(async () => {
  // Monday 23 November 2026, 10:00 UK time: the virtual clock, frozen until moved.
  runtime = await startTestRuntime('2026-11-23T10:00:00Z');
});

afterAll(async () => {
  await runtime?.stop();
});

/** Signs `email` in through the local provider's form; returns the page the app sends them back to. */
async function signIn(browser: TestBrowser, page: string, email: string): Promise<Response> {
  const toForm = await browser.follow(`${runtime.url}${page}`, () => false);
  const form = await toForm.response!.text();
  const back = await browser.follow(formAction(form, toForm.url), () => false, {
    method: 'POST',
    form: { email, password: 'attend-demo' },
  });
  return back.response!;
}

async function moveClock(advance: string): Promise<void> {
  const moved = await fetch(`${runtime.url}/dev/clock`, {
    method: 'POST',
    body: JSON.stringify({ advance }),
  });
  expect(moved.status).toBe(200);
}

describe('a staff session when the virtual clock moves', () => {
  it('stays signed in past the idle limit and the absolute limit in virtual time', async () => {
    // Prepare: the manager signed in, on Today
    const browser = new TestBrowser();
    const today = await signIn(browser, '/staff/today', 'manager@example.nhs.uk');
    expect(today.status).toBe(200);
    expect(await today.text()).toContain('Tom Hughes');

    // Act: the clock moves on 45 minutes (past the 30-minute idle limit), then two days (past the
    // 12-hour limit), with only seconds of real time between
    await moveClock('PT45M');
    const afterIdle = await browser.request(`${runtime.url}/staff/today`);
    await moveClock('P2D');
    const afterDays = await browser.request(`${runtime.url}/staff/today`);

    // Assess: still signed in
    for (const page of [afterIdle, afterDays]) {
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).not.toContain('Your session has ended');
      expect(html).toContain('Tom Hughes');
    }
  });

  it('lists the session on the administrator’s sessions page after the clock has moved', async () => {
    // Prepare: a health visitor and an administrator signed in
    expect((await signIn(new TestBrowser(), '/staff/today', 'health-visitor@example.nhs.uk')).status).toBe(
      200,
    );
    const admin = new TestBrowser();
    expect((await signIn(admin, '/staff/sessions', 'admin@example.nhs.uk')).status).toBe(200);

    // Act
    await moveClock('PT45M');
    const sessions = await admin.request(`${runtime.url}/staff/sessions`);

    // Assess: the health visitor's session is live, so listed
    expect(sessions.status).toBe(200);
    expect(await sessions.text()).toContain('Grace Adeyemi');
  });
});

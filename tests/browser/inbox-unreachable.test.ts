/**
 * The staff inbox's "number cannot get texts" task in Chromium, against the local runtime: a family whose
 * number fails for good (07700 900991, in the drama-range block the local carrier fails) is a task
 * labelled in words, with Attend's note shown as Attend's, not quoted as the family's; it offers no reply
 * by text (it says why) and no "why they cancelled or missed" form (the booking is still booked). A
 * reason form posted for it anyway (a page left open) shows the API's own message, not the generic
 * error. axe finds nothing serious.
 */
import { describe, expect, it } from 'vitest';
import { browserWorld, screenshot, seriousA11yViolations } from '#tests/browser/support.ts';

// Monday 23 November 2026, 10:00 in London: outside quiet hours, so the confirmation goes at once.
const world = browserWorld({ name: 'inbox-unreachable', startAt: new Date('2026-11-23T10:00:00Z') });

type Inbox = { items: { id: string; reason: string; clientIds: string[] }[] };

describe('the inbox task for a number that cannot get texts', () => {
  it('names it, shows the note as Attend’s, offers no reply or reason form, and says why', async () => {
    // Prepare: a family booked; their confirmation fails for good a few virtual seconds later
    await world.api('POST', '/clinics', {
      id: 'riverside',
      name: "Riverside Children's Centre",
      venue: 'Riverside',
    });
    const client = await world.api('POST', '/clients', {
      firstName: 'Ben',
      familyName: 'Hart',
      phone: '07700 900991',
      dateOfBirth: '2024-10-01',
    });
    const slot = await world.api('POST', '/slots', {
      clinicId: 'riverside',
      type: 'two-year-review',
      date: '2026-12-03',
      time: '10:00',
    });
    await world.api('POST', '/bookings', { slotId: slot.id, clientId: client.id });
    const taskOf = async () => {
      await world.api('POST', '/dev/clock', { advance: 'PT1M' });
      return (await world.api<Inbox>('GET', '/inbox')).items.find(
        (i) => i.reason === 'number-unreachable' && i.clientIds.includes(client.id),
      );
    };
    await expect.poll(taskOf, { timeout: 20_000, interval: 250 }).toBeDefined();
    const task = await taskOf();
    expect(task).toBeDefined();

    // Act
    const { page } = await world.signIn('scheduler@example.nhs.uk');
    await page.goto(`${world.url}/staff/inbox`);
    const item = page.locator(`#item-${task!.id}`);

    // Assess
    expect(await item.getByRole('heading', { level: 2 }).textContent()).toBe('Number cannot get texts');
    const text = (await item.textContent()) ?? '';
    expect(text).not.toContain('number-unreachable');
    expect(text).not.toContain('“');
    expect(await item.locator('.attend-system-note').textContent()).toContain('Note from Attend:');
    expect(await item.locator('.attend-no-reply').textContent()).toContain(
      'texts to this number cannot be delivered',
    );
    expect(await item.locator('form.attend-reply-form').count()).toBe(0);
    expect(await item.getByRole('button', { name: 'Send text' }).count()).toBe(0);
    expect(await item.locator('form.attend-reason-form').count()).toBe(0);
    expect(await item.getByRole('button', { name: 'Mark handled' }).count()).toBe(1);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await screenshot(page, 'staff-inbox-unreachable');
  });

  it('a reason form posted for it anyway shows the API’s message (409), not the generic error', async () => {
    // Prepare: a page left open posts a reason for the task (as a stale page would), with its CSRF token
    const inbox = await world.api<Inbox>('GET', '/inbox');
    const task = inbox.items.find((i) => i.reason === 'number-unreachable')!;
    const { page } = await world.signIn('scheduler@example.nhs.uk');
    await page.goto(`${world.url}/staff/inbox`);
    const statuses: number[] = [];
    page.on('response', (r) => {
      if (r.url().endsWith(`/staff/inbox/${task.id}/reason`)) statuses.push(r.status());
    });

    // Act
    await Promise.all([
      page.waitForURL(`**/staff/inbox/${task.id}/reason`),
      page
        .locator(`#item-${task.id} form`)
        .last()
        .evaluate((form, id: string) => {
          form.setAttribute('action', `/staff/inbox/${id}/reason`);
          form.insertAdjacentHTML('beforeend', '<input type="hidden" name="reason" value="transport">');
          (form as unknown as { submit(): void }).submit();
        }, task.id),
    ]);

    // Assess
    expect(statuses).toEqual([409]);
    const summary = (await page.locator('.nhsuk-error-summary').textContent()) ?? '';
    expect(summary).toContain('not about a cancelled or missed appointment');
    expect(await page.textContent('body')).not.toContain('Sorry, there is a problem with the service');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });
});

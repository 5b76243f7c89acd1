// The console's event log and dead letters in real Chromium against the built apps in distributed
// mode: cursor paging past the newest 50, filters (type, trigger, status, time range, event id), dates
// with the zone, "No events yet" vs "No events match", redeliver behind a confirmation (keyboard too),
// the DLQ with reasons and a redrive that counts first, and the read-only token (controls disabled, a
// forced 403 explained). Screenshots: tmp/artifacts/console-events.png, console-read-only.png.
import { call, projectBody, waitFor } from '@spaceport/testing';
import { type Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ADMIN,
  admin,
  poll,
  PROJECT_TOKEN,
  READ,
  screenshot,
  signIn,
  useBrowserStack,
} from './testing-fixtures/browser-stack';

/** ui.js's READ_ONLY_TITLE, as the browser shows it */
const READ_ONLY_TITLE = 'The read-only admin token cannot change anything';
const TRIGGERS = { paid: 'order.paid', refund: 'order.refunded', fail: 'order.failing' } as const;

describe('console: event log, dead letters, read-only token (Chromium, built apps)', () => {
  const env = useBrowserStack('console-events', (path) =>
    path.startsWith('/hooks/fail') ? { status: 400, body: 'no such order' } : { status: 200, body: 'ok' },
  );
  let page: Page;
  let refundIds: string[] = [];

  const queueBatch = async (type: string, count: number): Promise<string[]> => {
    const events = Array.from({ length: count }, (_, i) => ({ type, payload: { n: i } }));
    const res = await call(env.gateway.url, 'POST', '/v1/api/shop/eventing/queue/batch', PROJECT_TOKEN, { events });
    expect(res.status).toBe(202);
    return (res.body['events'] as { eventId: string }[]).map((e) => e.eventId);
  };

  beforeAll(async () => {
    for (const id of ['shop', 'empty'])
      expect((await admin(env.gateway, 'POST', `/v1/config/projects/${id}`, projectBody(id))).status).toBe(200);
    for (const [id, type] of Object.entries(TRIGGERS)) {
      const body = { type, url: `${env.receiver.url}/hooks/${id}` };
      expect((await admin(env.gateway, 'POST', `/v1/config/projects/shop/eventing/triggers/${id}`, body)).status).toBe(
        200,
      );
    }
    await env.stack.waitForMirrors(
      'triggers everywhere',
      (s) => Object.keys(s.config.projects['shop']?.triggers ?? {}).length === 3,
      15_000,
    );
    // three refunds, then 60 newer payments over them; two failing deliveries
    refundIds = await queueBatch(TRIGGERS.refund, 3);
    await queueBatch(TRIGGERS.paid, 60);
    await queueBatch(TRIGGERS.fail, 2);
    await waitFor(async () => env.receiver.received.length >= 65, {
      what: '65 deliveries attempted',
      timeoutMs: 30_000,
    });
    page = await env.newPage();
    await signIn(page, env.gateway, ADMIN);
    await page.locator('[data-project="shop"]').click();
  });

  const rows = () => page.locator('[data-testid="event-log"] tr.event-row');
  const applyFilters = async (fill: Record<string, string>) => {
    await page.getByTestId('clear-filters').click();
    for (const [name, value] of Object.entries(fill)) {
      const input = page.getByTestId(`${name}-filter`);
      if ((await input.evaluate((el) => el.tagName)) === 'SELECT') await input.selectOption(value);
      else await input.fill(value);
    }
    await page.getByTestId('apply-filters').click();
  };

  it('pages past the newest 50 with the cursor; dates carry the time zone', async () => {
    await expect.poll(() => rows().count(), poll).toBe(50);
    expect(await rows().first().getByTestId('event-time').textContent()).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d GMT\+1$/,
    );
    await page.getByTestId('older-page').click();
    await expect.poll(() => rows().count(), poll).toBe(15);
    expect(await page.getByTestId('page-number').textContent()).toBe('page 2');
    // the oldest events are the refunds, reachable only here without a filter
    expect(await rows().last().getAttribute('data-event')).toBe(refundIds[0]);
    expect(await page.getByTestId('older-page').isDisabled()).toBe(true);
    await page.getByTestId('newer-page').click();
    await expect.poll(() => rows().count(), poll).toBe(50);
  });

  it('filters by type, trigger, status, time range and event id', async () => {
    await applyFilters({ type: 'order.refunded' });
    await expect.poll(() => rows().count(), poll).toBe(3);
    await applyFilters({ trigger: 'refund' });
    await expect.poll(() => rows().count(), poll).toBe(3);
    await applyFilters({ status: 'failed' });
    await expect.poll(() => rows().count(), poll).toBe(2);
    await applyFilters({ since: '2020-01-01T00:00:00', type: 'order.refunded' });
    await expect.poll(() => rows().count(), poll).toBe(3);
    await applyFilters({ until: '2020-01-01T00:00:00' });
    await expect
      .poll(() => page.getByTestId('events-empty').textContent(), poll)
      .toBe('No events match these filters.');
    await applyFilters({ 'event-id': refundIds[1] ?? '' });
    await expect.poll(() => rows().count(), poll).toBe(1);
    // the one event found by id opens with its invocation (status code, latency, response)
    const invocation = page.locator(`tr[data-detail="${refundIds[1]}"] [data-testid="invocation"]`);
    await expect.poll(() => invocation.count(), poll).toBe(1);
    const cells = await invocation.locator('td').allTextContents();
    expect([cells[0], cells[3], cells[6]]).toEqual(['refund', '200', 'ok']);
    expect(cells[2]).toMatch(/GMT\+1$/);
    await screenshot(page, 'console-events.png');
    await page.getByTestId('clear-filters').click();
    await expect.poll(() => rows().count(), poll).toBe(50);
  });

  it('"No events yet" only where there are none', async () => {
    await page.locator('[data-project="empty"]').click();
    await expect.poll(() => page.getByTestId('events-empty').textContent(), poll).toBe('No events yet.');
    await page.locator('[data-project="shop"]').click();
    await expect.poll(() => rows().count(), poll).toBe(50);
  });

  it('redeliver asks first (Escape cancels, keyboard only), then sends and shows the result', async () => {
    await applyFilters({ 'event-id': refundIds[2] ?? '' });
    await expect.poll(() => rows().count(), poll).toBe(1);
    const before = env.receiver.received.length;
    const button = rows().first().getByTestId('redeliver');
    await button.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => page.getByTestId('confirm').isVisible(), poll).toBe(true);
    // focus moved into the modal dialog
    expect(await page.evaluate("document.activeElement?.closest('dialog') !== null")).toBe(true);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByTestId('confirm').count(), poll).toBe(0);
    expect(env.receiver.received.length).toBe(before);
    await button.click();
    await page.getByTestId('confirm-ok').click();
    await expect
      .poll(() => page.getByTestId('redeliver-result').textContent(), poll)
      .toContain('Redelivery queued: refund');
    await expect.poll(() => env.receiver.received.length, poll).toBe(before + 1);
    await page.getByTestId('clear-filters').click();
  });

  it('the DLQ shows each dead letter with its reason; a redrive counts first, then re-queues', async () => {
    await page.getByTestId('tab-dlq').click();
    const letters = page.locator('[data-testid="dead-letters"] tr');
    await expect.poll(() => letters.count(), poll).toBe(2);
    expect(await letters.first().textContent()).toContain('400');
    expect(await letters.first().getByTestId('dlq-reason').textContent()).toBe('permanent');
    // since a future time: nothing, and nothing can be confirmed
    await page.getByTestId('redrive-since').fill('2099-01-01T00:00:00');
    await page.getByTestId('redrive').click();
    await expect.poll(() => page.getByTestId('redrive-count').textContent(), poll).toContain('Nothing to redrive');
    expect(await page.getByTestId('confirm-ok').isDisabled()).toBe(true);
    await page.getByTestId('confirm-cancel').click();
    await page.getByTestId('redrive-trigger').selectOption('fail');
    await page.getByTestId('redrive').click();
    await expect
      .poll(() => page.getByTestId('redrive-count').textContent(), poll)
      .toMatch(/^2 dead letters of trigger fail would be re-queued/);
    const before = env.receiver.received.filter((r) => r.path === '/hooks/fail').length;
    await page.getByTestId('confirm-ok').click();
    await expect
      .poll(() => page.getByTestId('dlq-note').textContent(), poll)
      .toBe('Redriven: 2 dead letters re-queued.');
    // re-sent (and, as the receiver still answers 400, back in the DLQ)
    await expect
      .poll(() => env.receiver.received.filter((r) => r.path === '/hooks/fail').length, poll)
      .toBe(before + 2);
    await page.getByTestId('tab-log').click();
  });

  it('every control has a name (label, aria-label or text)', async () => {
    await page.locator('[data-testid="triggers"] tr[data-trigger="paid"] [data-testid="edit-trigger"]').click();
    await expect.poll(() => page.getByTestId('trigger-form').count(), poll).toBe(1);
    // evaluated in the page (a string: this suite is typed without the DOM library)
    const unnamed = await page.evaluate(`[...document.querySelectorAll('input, select, textarea, button')]
      .filter((el) => !((el.labels && el.labels.length > 0) || el.getAttribute('aria-label') ||
        (el.tagName === 'BUTTON' && el.textContent.trim())))
      .map((el) => el.outerHTML.slice(0, 80))`);
    expect(unnamed).toEqual([]);
    await page.getByRole('button', { name: 'Cancel' }).click();
  });

  it('the read-only token sees everything, can change nothing, and a forced 403 is explained', async () => {
    const viewer = await env.newPage();
    await signIn(viewer, env.gateway, READ);
    await viewer.locator('[data-project="shop"]').click();
    await expect.poll(() => viewer.getByTestId('read-only-banner').isVisible(), poll).toBe(true);
    await expect.poll(() => viewer.locator('[data-testid="event-log"] tr.event-row').count(), poll).toBe(50);
    await expect.poll(() => viewer.locator('[data-testid="signing-secrets"] li').count(), poll).toBe(1);
    for (const id of ['new-project', 'edit-project', 'delete-project', 'rotate-secret', 'create-token', 'new-trigger'])
      expect(await viewer.getByTestId(id).isDisabled(), id).toBe(true);
    for (const id of ['toggle-trigger', 'test-trigger', 'delete-trigger', 'redeliver'])
      expect(await viewer.getByTestId(id).first().isDisabled(), id).toBe(true);
    // each says why (the one read-only title), also where the admin token sees its own title (redeliver)
    for (const id of ['new-project', 'rotate-secret', 'test-trigger', 'redeliver'])
      expect(await viewer.getByTestId(id).first().getAttribute('title'), id).toBe(READ_ONLY_TITLE);
    // the trigger opens for viewing, its fields disabled, no Save
    await viewer.locator('tr[data-trigger="paid"] [data-testid="edit-trigger"]').click();
    await expect
      .poll(() => viewer.locator('[data-testid="trigger-form"] [data-field="url"] input').isDisabled(), poll)
      .toBe(true);
    expect(await viewer.getByTestId('save-trigger').count()).toBe(0);
    await screenshot(viewer, 'console-read-only.png');
    // a control forced on: the API's 403 is explained in words
    await viewer.getByTestId('rotate-secret').evaluate((el) => el.removeAttribute('disabled'));
    await viewer.getByTestId('rotate-secret').click();
    await expect.poll(() => viewer.getByTestId('secrets-note').textContent(), poll).toContain('read-only admin token');
    expect((await admin(env.gateway, 'GET', '/v1/config/projects/shop/secrets')).body['result']).toMatchObject({
      webhook: [{}],
    });
    expect(env.pageErrors).toEqual([]);
  });
});

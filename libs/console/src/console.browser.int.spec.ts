// The web console in real Chromium (Debian's package, driven by playwright-core) against the real
// built apps in distributed mode: Consul agent, redis-server, config-service, gateway, event-workers,
// and a real HTTP receiver. Signs in with the admin token, sees the cluster and partition map (and a
// move when a second worker joins), the event reaching `processed` with its invocation, and a
// redelivery producing a second one. Saves a full-page screenshot to tmp/artifacts/console.png.
import { call, type LaunchedApp, projectBody, spaceCloudTrigger, waitFor } from '@spaceport/testing';
import { type Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from './console-assets';
import { ADMIN, admin, poll, PROJECT_TOKEN, screenshot, useBrowserStack } from './testing-fixtures/browser-stack';

interface ClusterView {
  partitions: { owner: string | null }[];
}

async function owners(gateway: LaunchedApp): Promise<Set<string | null>> {
  const view = (await admin(gateway, 'GET', '/v1/cluster')).body as unknown as ClusterView;
  return new Set(view.partitions.length > 0 ? view.partitions.map((p) => p.owner) : [null]);
}

describe('web console in Chromium (built apps, distributed mode)', () => {
  // a real webhook receiver: answers 200 with a small JSON body; requests counted per webhook-id
  const env = useBrowserStack('console', () => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: '{"ok":true}',
  }));
  let page: Page;
  let eventId: string;

  beforeAll(async () => {
    expect((await admin(env.gateway, 'POST', '/v1/config/projects/shop', projectBody('Shop'))).status).toBe(200);
    expect(
      (
        await admin(
          env.gateway,
          'POST',
          '/v1/config/projects/shop/eventing/triggers/paid',
          spaceCloudTrigger('paid', `${env.receiver.url}/hooks/paid`),
        )
      ).status,
    ).toBe(200);
    await env.stack.waitForMirrors(
      'trigger mirrored everywhere',
      (s) => s.config.projects['shop']?.triggers['paid'] !== undefined,
      15_000,
    );
    await waitFor(
      async () => {
        const o = await owners(env.gateway);
        return o.size === 1 && o.has('worker-1');
      },
      { what: 'worker-1 owning every partition', timeoutMs: 20_000 },
    );
    const queued = await call(env.gateway.url, 'POST', '/v1/api/shop/eventing/queue', PROJECT_TOKEN, {
      type: 'order.paid',
      payload: { order: 42 },
    });
    expect(queued.status).toBe(202);
    eventId = String(queued.body['eventId']);
    // console errors, except the 401 of the wrong-token attempt the first test makes on purpose
    page = await env.newPage({ expectedStatuses: [401] });
  });

  it('serves the page with a strict CSP and asks for the token', async () => {
    const response = await page.goto(`${env.gateway.url}/console`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).not.toContain('unsafe-inline');
    await expect.poll(() => page.getByTestId('login').isVisible(), { timeout: 5_000 }).toBe(true);
    await page.getByTestId('token-input').fill('wrong-token-0123456789');
    await page.getByTestId('sign-in').click();
    await expect
      .poll(() => page.getByTestId('login-error').textContent(), { timeout: 5_000 })
      .toContain('not accepted');
  });

  it('after sign-in shows the members with the leader and the partition map', async () => {
    await page.getByTestId('token-input').fill(ADMIN);
    await page.getByTestId('sign-in').click();
    const worker = page.locator('[data-testid="members"] tr[data-member="worker-1"]');
    await expect.poll(() => worker.count(), poll).toBe(1);
    await expect.poll(() => worker.textContent(), poll).toContain('leader');
    expect(await worker.getByTestId('member-partitions').textContent()).toBe('32: 0–31');
    expect(await page.locator('[data-testid="members"] tr[data-member="gateway"]').count()).toBe(1);
    await expect
      .poll(() => page.locator('[data-testid="partition-map"] .cell[data-owner="worker-1"]').count(), poll)
      .toBe(32);
    // the token is kept for the tab only, never in the URL
    expect(await page.evaluate("sessionStorage.getItem('spaceport.console.adminToken')")).toBe(ADMIN);
    expect(page.url()).not.toContain(ADMIN);
  });

  it('lists the project and its trigger as enabled', async () => {
    await expect.poll(() => page.locator('[data-testid="project-list"] [data-project="shop"]').count(), poll).toBe(1);
    await expect
      .poll(
        () =>
          page.locator('[data-testid="triggers"] tr[data-trigger="paid"] [data-testid="trigger-state"]').textContent(),
        poll,
      )
      .toBe('enabled');
  });

  it('shows the event reaching processed, with its invocation (status code, latency)', async () => {
    const row = page.locator(`tr.event-row[data-event="${eventId}"]`);
    await expect.poll(() => row.getAttribute('data-status'), poll).toBe('processed');
    await row.click();
    const invocations = page.locator(`tr[data-detail="${eventId}"] [data-testid="invocation"]`);
    await expect.poll(() => invocations.count(), poll).toBe(1);
    const cells = await invocations.first().locator('td').allTextContents();
    expect(cells[0]).toBe('paid');
    expect(cells[3]).toBe('200');
    expect(cells[4]).toMatch(/^\d+ ms$/);
  });

  it('Redeliver asks first, then sends the event again: the result is shown and a second invocation appears', async () => {
    const before = env.receiver.received.length;
    await page.locator(`tr.event-row[data-event="${eventId}"] [data-testid="redeliver"]`).click();
    // a confirmation first: Cancel sends nothing
    await page.getByTestId('confirm-cancel').click();
    expect(await page.getByTestId('confirm').count()).toBe(0);
    await page.locator(`tr.event-row[data-event="${eventId}"] [data-testid="redeliver"]`).click();
    expect(await page.getByTestId('confirm').textContent()).toContain(`Redeliver event ${eventId}?`);
    await page.getByTestId('confirm-ok').click();
    await expect
      .poll(() => page.locator(`tr[data-detail="${eventId}"] [data-testid="redeliver-result"]`).textContent(), poll)
      .toContain('Redelivery queued: paid');
    const invocations = page.locator(`tr[data-detail="${eventId}"] [data-testid="invocation"]`);
    await expect.poll(() => invocations.count(), poll).toBe(2);
    await expect.poll(() => env.receiver.received.length, poll).toBe(before + 1);
    // a redelivery is a new delivery: a new webhook-id
    expect(new Set(env.receiver.received.map((r) => r.webhookId)).size).toBe(env.receiver.received.length);
    await expect
      .poll(() => page.locator(`tr.event-row[data-event="${eventId}"]`).getAttribute('data-status'), poll)
      .toBe('processed');
  });

  it('highlights the partitions that move when a second worker joins', async () => {
    await env.stack.launch('event-worker', 'worker-2');
    const moved = page.locator('[data-testid="partition-map"] .cell.moved[data-owner="worker-2"]');
    await expect.poll(() => moved.count(), poll).toBe(16);
    await expect.poll(() => page.getByTestId('moves').textContent(), poll).toContain('16 moved');
    await expect
      .poll(
        () =>
          page
            .locator('[data-testid="members"] tr[data-member="worker-2"] [data-testid="member-partitions"]')
            .textContent(),
        poll,
      )
      .toMatch(/^16: /);
  });

  it('saves a full-page screenshot as a test artifact', async () => {
    await screenshot(page, 'console.png', { fullPage: true });
    expect(env.pageErrors).toEqual([]);
  });

  it('links Swagger UI, which renders the gateway operations', async () => {
    const docs = await env.browser.newPage();
    await docs.goto(`${env.gateway.url}/docs`);
    await expect.poll(() => docs.locator('.opblock-summary-path').count(), poll).toBeGreaterThanOrEqual(20);
    expect(
      await docs
        .locator('.opblock-summary-path', { hasText: '/v1/api/{project}/eventing/events/{id}/redeliver' })
        .count(),
    ).toBe(1);
    await docs.close();
  });
});

// The web console in real Chromium (Debian's package, driven by playwright-core) against the real
// built apps in distributed mode: Consul agent, redis-server, config-service, gateway, event-workers,
// and a real HTTP receiver. Signs in with the admin token, sees the cluster and partition map (and a
// move when a second worker joins), the event reaching `processed` with its invocation, and a
// redelivery producing a second one. Saves a full-page screenshot to tmp/artifacts/console.png.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  AppStack,
  call,
  type LaunchedApp,
  projectBody,
  ROOT,
  spaceCloudTrigger,
  useConsulAgent,
  useRedisServer,
  waitFor,
  WebhookReceiver,
} from '@spaceport/testing';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_CSP } from './console-assets';

const ADMIN = 'admin-token-0123456789abcdef';
const PROJECT_TOKEN = projectBody('x').secrets.apiTokens[0] ?? '';
const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
];
const SCREENSHOT = resolve(ROOT, 'tmp/artifacts/console.png');
const UI_TIMEOUT_MS = 30_000;
const consul = useConsulAgent();
const redis = useRedisServer();

interface ClusterView {
  partitions: { owner: string | null }[];
}

async function owners(gateway: LaunchedApp): Promise<Set<string | null>> {
  const res = await fetch(`${gateway.url}/v1/cluster`, { headers: { authorization: `Bearer ${ADMIN}` } });
  const view = (await res.json()) as ClusterView;
  return new Set(view.partitions.length > 0 ? view.partitions.map((p) => p.owner) : [null]);
}

describe('web console in Chromium (built apps, distributed mode)', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-console-'));
  // a real webhook receiver: answers 200 with a small JSON body; requests counted per webhook-id
  const receiver = new WebhookReceiver(() => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: '{"ok":true}',
  }));
  let stack: AppStack;
  let gateway: LaunchedApp;
  let browser: Browser;
  let page: Page;
  let eventId: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    const executablePath = process.env['CHROMIUM_BIN'];
    if (!executablePath) throw new Error('CHROMIUM_BIN is not set (the integration global setup provisions Chromium)');
    await receiver.start();
    stack = new AppStack({
      workDir,
      redisUrl: redis.redis.url,
      consulAddr: consul.agent.httpAddr,
      register: true,
      clusterId: 'console',
      adminToken: ADMIN,
      readToken: 'read-token-0123456789abcdef',
      heartbeat: '500ms',
      extraEnv: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', CONSUL_CHECK_TTL: '3s' },
    });
    await stack.launch('config-service', 'config-service');
    [gateway] = await Promise.all([
      stack.launch('gateway', 'gateway'),
      stack.launch('event-worker', 'worker-1'),
      chromium.launch({ executablePath, args: CHROMIUM_FLAGS }).then((b) => (browser = b)),
    ]);
    await stack.waitForMirrors('every app holds a config', (status) => status.status === 'ready', 15_000);
    expect((await call(gateway.url, 'POST', '/v1/config/projects/shop', ADMIN, projectBody('Shop'))).status).toBe(200);
    expect(
      (
        await call(
          gateway.url,
          'POST',
          '/v1/config/projects/shop/eventing/triggers/paid',
          ADMIN,
          spaceCloudTrigger('paid', `${receiver.url}/hooks/paid`),
        )
      ).status,
    ).toBe(200);
    await stack.waitForMirrors(
      'trigger mirrored everywhere',
      (s) => s.config.projects['shop']?.triggers['paid'] !== undefined,
      15_000,
    );
    await waitFor(
      async () => {
        const o = await owners(gateway);
        return o.size === 1 && o.has('worker-1');
      },
      { what: 'worker-1 owning every partition', timeoutMs: 20_000 },
    );
    const queued = await call(gateway.url, 'POST', '/v1/api/shop/eventing/queue', PROJECT_TOKEN, {
      type: 'order.paid',
      payload: { order: 42 },
    });
    expect(queued.status).toBe(202);
    eventId = String(queued.body['eventId']);

    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // console errors, except the 401 of the wrong-token attempt the first test makes on purpose
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().includes('status of 401')) pageErrors.push(message.text());
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stopAll();
    await receiver.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('serves the page with a strict CSP and asks for the token', async () => {
    const response = await page.goto(`${gateway.url}/console`);
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
    await expect.poll(() => worker.count(), { timeout: UI_TIMEOUT_MS }).toBe(1);
    await expect.poll(() => worker.textContent(), { timeout: UI_TIMEOUT_MS }).toContain('leader');
    expect(await worker.getByTestId('member-partitions').textContent()).toBe('32: 0–31');
    expect(await page.locator('[data-testid="members"] tr[data-member="gateway"]').count()).toBe(1);
    await expect
      .poll(() => page.locator('[data-testid="partition-map"] .cell[data-owner="worker-1"]').count(), {
        timeout: UI_TIMEOUT_MS,
      })
      .toBe(32);
    // the token is kept for the tab only, never in the URL
    expect(await page.evaluate("sessionStorage.getItem('spaceport.console.adminToken')")).toBe(ADMIN);
    expect(page.url()).not.toContain(ADMIN);
  });

  it('lists the project and its trigger as enabled', async () => {
    await expect
      .poll(() => page.locator('[data-testid="project-list"] [data-project="shop"]').count(), {
        timeout: UI_TIMEOUT_MS,
      })
      .toBe(1);
    await expect
      .poll(
        () =>
          page.locator('[data-testid="triggers"] tr[data-trigger="paid"] [data-testid="trigger-state"]').textContent(),
        { timeout: UI_TIMEOUT_MS },
      )
      .toBe('enabled');
  });

  it('shows the event reaching processed, with its invocation (status code, latency)', async () => {
    const row = page.locator(`tr.event-row[data-event="${eventId}"]`);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: UI_TIMEOUT_MS }).toBe('processed');
    await row.click();
    const invocations = page.locator(`tr[data-detail="${eventId}"] [data-testid="invocation"]`);
    await expect.poll(() => invocations.count(), { timeout: UI_TIMEOUT_MS }).toBe(1);
    const cells = await invocations.first().locator('td').allTextContents();
    expect(cells[0]).toBe('paid');
    expect(cells[3]).toBe('200');
    expect(cells[4]).toMatch(/^\d+ ms$/);
  });

  it('Redeliver asks first, then sends the event again: the result is shown and a second invocation appears', async () => {
    const before = receiver.received.length;
    await page.locator(`tr.event-row[data-event="${eventId}"] [data-testid="redeliver"]`).click();
    // a confirmation first: Cancel sends nothing
    await page.getByTestId('confirm-cancel').click();
    expect(await page.getByTestId('confirm').count()).toBe(0);
    await page.locator(`tr.event-row[data-event="${eventId}"] [data-testid="redeliver"]`).click();
    expect(await page.getByTestId('confirm').textContent()).toContain(`Redeliver event ${eventId}?`);
    await page.getByTestId('confirm-ok').click();
    await expect
      .poll(() => page.locator(`tr[data-detail="${eventId}"] [data-testid="redeliver-result"]`).textContent(), {
        timeout: UI_TIMEOUT_MS,
      })
      .toContain('Redelivery queued: paid');
    const invocations = page.locator(`tr[data-detail="${eventId}"] [data-testid="invocation"]`);
    await expect.poll(() => invocations.count(), { timeout: UI_TIMEOUT_MS }).toBe(2);
    await expect.poll(() => receiver.received.length, { timeout: UI_TIMEOUT_MS }).toBe(before + 1);
    // a redelivery is a new delivery: a new webhook-id
    expect(new Set(receiver.received.map((r) => r.webhookId)).size).toBe(receiver.received.length);
    await expect
      .poll(() => page.locator(`tr.event-row[data-event="${eventId}"]`).getAttribute('data-status'), {
        timeout: UI_TIMEOUT_MS,
      })
      .toBe('processed');
  });

  it('highlights the partitions that move when a second worker joins', async () => {
    await stack.launch('event-worker', 'worker-2');
    const moved = page.locator('[data-testid="partition-map"] .cell.moved[data-owner="worker-2"]');
    await expect.poll(() => moved.count(), { timeout: UI_TIMEOUT_MS }).toBe(16);
    await expect.poll(() => page.getByTestId('moves').textContent(), { timeout: UI_TIMEOUT_MS }).toContain('16 moved');
    await expect
      .poll(
        () =>
          page
            .locator('[data-testid="members"] tr[data-member="worker-2"] [data-testid="member-partitions"]')
            .textContent(),
        { timeout: UI_TIMEOUT_MS },
      )
      .toMatch(/^16: /);
  });

  it('saves a full-page screenshot as a test artifact', async () => {
    mkdirSync(resolve(SCREENSHOT, '..'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    expect(readFileSync(SCREENSHOT).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
    expect(pageErrors).toEqual([]);
  });

  it('links Swagger UI, which renders the gateway operations', async () => {
    const docs = await browser.newPage();
    await docs.goto(`${gateway.url}/docs`);
    await expect
      .poll(() => docs.locator('.opblock-summary-path').count(), { timeout: UI_TIMEOUT_MS })
      .toBeGreaterThanOrEqual(20);
    expect(
      await docs
        .locator('.opblock-summary-path', { hasText: '/v1/api/{project}/eventing/events/{id}/redeliver' })
        .count(),
    ).toBe(1);
    await docs.close();
  });
});

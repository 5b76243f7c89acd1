// What the console's browser suites share: the built apps in distributed mode (Consul agent,
// redis-server, config-service, gateway, one event-worker), a real webhook receiver, Debian's
// Chromium driven by playwright-core, and the steps every suite takes (sign in, screenshots).
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  AppStack,
  call,
  type ConsulAgent,
  type LaunchedApp,
  type RedisServer,
  type ReplyRule,
  ROOT,
  waitFor,
  WebhookReceiver,
} from '@spaceport/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const ADMIN = 'admin-token-0123456789abcdef';
export const READ = 'read-token-0123456789abcdef';
export const UI_TIMEOUT_MS = 30_000;
/** the browser's zone: dates in the console show it (GMT+1 in winter) */
export const TIME_ZONE = 'Europe/Berlin';
const CHROMIUM_FLAGS = [
  '--headless=new',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
];

export interface BrowserStack {
  gateway: LaunchedApp;
  stack: AppStack;
  receiver: WebhookReceiver;
  browser: Browser;
  /** errors the pages reported (uncaught, console.error) */
  pageErrors: string[];
  /** a new page in its own context (own session storage), errors collected */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Starts everything; `reply` answers the webhooks. */
export async function startBrowserStack(
  name: string,
  consul: { readonly agent: ConsulAgent },
  redis: { readonly redis: RedisServer },
  reply: ReplyRule,
): Promise<BrowserStack> {
  const executablePath = process.env['CHROMIUM_BIN'];
  if (!executablePath) throw new Error('CHROMIUM_BIN is not set (the integration global setup provisions Chromium)');
  const workDir = mkdtempSync(join(tmpdir(), `spaceport-${name}-`));
  const receiver = await new WebhookReceiver(reply).start();
  const stack = new AppStack({
    workDir,
    redisUrl: redis.redis.url,
    consulAddr: consul.agent.httpAddr,
    register: true,
    clusterId: name,
    adminToken: ADMIN,
    readToken: READ,
    heartbeat: '500ms',
    extraEnv: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', CONSUL_CHECK_TTL: '3s' },
  });
  await stack.launch('config-service', 'config-service');
  let browser: Browser | undefined;
  const [gateway] = await Promise.all([
    stack.launch('gateway', 'gateway'),
    stack.launch('event-worker', 'worker-1'),
    chromium.launch({ executablePath, args: CHROMIUM_FLAGS }).then((b) => (browser = b)),
  ]);
  await stack.waitForMirrors('every app holds a config', (status) => status.status === 'ready', 15_000);
  const pageErrors: string[] = [];
  const contexts: BrowserContext[] = [];
  return {
    gateway,
    stack,
    receiver,
    browser: browser!,
    pageErrors,
    async newPage() {
      const context = await browser!.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: TIME_ZONE });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      // failed API calls the tests cause on purpose (401, 403, 409, 400) log as console errors: not page errors
      page.on('console', (m) => {
        if (m.type() === 'error' && !/status of (400|401|403|404|409)/.test(m.text())) pageErrors.push(m.text());
      });
      return page;
    },
    async close() {
      for (const context of contexts) await context.close();
      await browser?.close();
      await stack.stopAll();
      await receiver.close();
      rmSync(workDir, { recursive: true, force: true });
    },
  };
}

export async function signIn(page: Page, gateway: LaunchedApp, token: string): Promise<void> {
  await page.goto(`${gateway.url}/console`);
  await page.getByTestId('token-input').fill(token);
  await page.getByTestId('sign-in').click();
  await waitFor(async () => ((await page.getByTestId('refresh-state').textContent()) ?? '').includes('updated'), {
    what: 'the console signed in and polling',
    timeoutMs: UI_TIMEOUT_MS,
  });
}

/** Saves a PNG under tmp/artifacts/ and checks it is one. */
export async function screenshot(
  page: Page,
  file: string,
  options: { fullPage?: boolean; selector?: string } = {},
): Promise<string> {
  const path = resolve(ROOT, 'tmp/artifacts', file);
  mkdirSync(resolve(path, '..'), { recursive: true });
  if (options.selector) await page.locator(options.selector).screenshot({ path });
  else await page.screenshot({ path, fullPage: options.fullPage ?? true });
  expect(statSync(path).size).toBeGreaterThan(10_000);
  expect(readFileSync(path).subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  return path;
}

/** The admin API from the test's side (setup, and checking what the console did). */
export const admin = (gateway: LaunchedApp, method: string, path: string, body?: unknown, ifMatch?: string) =>
  call(gateway.url, method, path, ADMIN, body, ifMatch);

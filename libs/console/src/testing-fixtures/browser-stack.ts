// What the console's browser suites share: the built apps in distributed mode (Consul agent,
// redis-server, config-service, gateway, one event-worker), a real webhook receiver, Debian's
// Chromium driven by playwright-core, and the steps every suite takes (sign in, screenshots).
// A suite calls `useBrowserStack` once; everything it starts is stopped after the suite.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  AppStack,
  call,
  type ConsulAgent,
  type LaunchedApp,
  projectBody,
  type RedisServer,
  type ReplyRule,
  ROOT,
  useConsulAgent,
  useRedisServer,
  waitFor,
  WebhookReceiver,
} from '@spaceport/testing';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';

export const ADMIN = 'admin-token-0123456789abcdef';
export const READ = 'read-token-0123456789abcdef';
/** the queue API token of every project made with `projectBody` */
export const PROJECT_TOKEN = projectBody('x').secrets.apiTokens[0] ?? '';
export const UI_TIMEOUT_MS = 30_000;
/** options of `expect.poll` for what the console shows after a poll or an API call */
export const poll = { timeout: UI_TIMEOUT_MS };
/** failed API calls the suites cause on purpose (400, 401, 403, 404, 409) log console errors */
const EXPECTED_STATUSES = [400, 401, 403, 404, 409];
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
  /**
   * A new page in its own context (own session storage), its errors collected: uncaught ones, and
   * console errors except a failed request answered with one of `expectedStatuses`.
   */
  newPage(options?: { expectedStatuses?: readonly number[] }): Promise<Page>;
  close(): Promise<void>;
}

/**
 * The browser stack for the enclosing suite, with its own Consul agent and redis-server: started in
 * beforeAll (before the suite's own beforeAll), closed in afterAll. `name` is its cluster id; `reply`
 * answers the webhooks. Its members are read inside tests and hooks only.
 */
export function useBrowserStack(name: string, reply: ReplyRule): BrowserStack {
  const consul = useConsulAgent();
  const redis = useRedisServer();
  let started: BrowserStack | undefined;
  beforeAll(async () => {
    started = await startBrowserStack(name, consul, redis, reply);
  }, 120_000);
  afterAll(async () => {
    await started?.close();
  });
  const env = (): BrowserStack => {
    if (!started) throw new Error('the browser stack is only available inside tests and hooks');
    return started;
  };
  return {
    get gateway() {
      return env().gateway;
    },
    get stack() {
      return env().stack;
    },
    get receiver() {
      return env().receiver;
    },
    get browser() {
      return env().browser;
    },
    get pageErrors() {
      return env().pageErrors;
    },
    newPage: (options) => env().newPage(options),
    close: () => env().close(),
  };
}

/** Starts everything; `reply` answers the webhooks. What started is stopped again if a later step fails. */
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
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  const close = async (): Promise<void> => {
    for (const context of contexts) await context.close();
    await browser?.close();
    await stack.stopAll();
    await receiver.close();
    rmSync(workDir, { recursive: true, force: true });
  };
  let gateway: LaunchedApp;
  let launching: Promise<unknown> = Promise.resolve();
  try {
    await stack.launch('config-service', 'config-service');
    launching = chromium.launch({ executablePath, args: CHROMIUM_FLAGS }).then((b) => (browser = b));
    [gateway] = await Promise.all([
      stack.launch('gateway', 'gateway'),
      stack.launch('event-worker', 'worker-1'),
      launching,
    ]);
    await stack.waitForMirrors('every app holds a config', (status) => status.status === 'ready', 15_000);
  } catch (error) {
    await launching.catch(() => undefined); // a browser still starting is closed too
    await close();
    throw error;
  }
  const launched = browser!;
  const pageErrors: string[] = [];
  return {
    gateway,
    stack,
    receiver,
    browser: launched,
    pageErrors,
    async newPage({ expectedStatuses = EXPECTED_STATUSES } = {}) {
      const context = await launched.newContext({ viewport: { width: 1440, height: 900 }, timezoneId: TIME_ZONE });
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => pageErrors.push(error.message));
      const expected = new RegExp(`status of (${expectedStatuses.join('|')})\\b`);
      page.on('console', (m) => {
        if (m.type() === 'error' && !(expectedStatuses.length > 0 && expected.test(m.text())))
          pageErrors.push(m.text());
      });
      return page;
    },
    close,
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

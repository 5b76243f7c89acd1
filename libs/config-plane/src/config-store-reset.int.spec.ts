// A config store reset: the built apps (npm run build first) in distributed mode on a `-dev` Consul
// agent that is restarted (its KV, catalog and sessions gone) while Redis keeps the queued events.
// The last good config must stay in force (queued and new events delivered, none cancelled), the
// reset must show in readiness, metrics and GET /v1/config/store, survive a config-service restart,
// and end with the operator's restore, or accept (then the queued deliveries of the vanished project
// end in the DLQ, none silently).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventingKeys } from '@spaceport/eventing';
import {
  AppStack,
  call,
  type LaunchedApp,
  projectBody,
  sampleSum,
  scrapeMetrics,
  useConsulAgent,
  useRedisServer,
  waitFor,
  WebhookReceiver,
} from '@spaceport/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ADMIN = 'admin-token-0123456789abcdef';
const PROJECT_TOKEN = projectBody('Shop').secrets.apiTokens[0] ?? '';
const CLUSTER = 'reset';
/** deliveries queued before the reset come due after it */
const DELAY_MS = 6_000;

interface StoreView {
  state: string;
  storeReset: { reason: string; missingKeys: string[]; lastGood: { projects: number } } | null;
}

describe('config store reset: the Consul -dev agent restarted with Redis kept', { timeout: 120_000 }, () => {
  const consul = useConsulAgent();
  const redis = useRedisServer();
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-config-store-reset-'));
  let stack: AppStack;
  let gateway: LaunchedApp;
  let receiver: WebhookReceiver;
  const expected = new Set<string>();

  const queue = async (body: Record<string, unknown>): Promise<number> => {
    const res = await fetch(`${gateway.url}/v1/api/shop/eventing/queue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${PROJECT_TOKEN}` },
      body: JSON.stringify({ type: 'order.paid', ...body }),
    });
    const reply = (await res.json()) as { deliveries?: { id: string }[] };
    for (const delivery of reply.deliveries ?? []) expected.add(delivery.id);
    return res.status;
  };
  const storeView = async (): Promise<StoreView> =>
    (await call(gateway.url, 'GET', '/v1/config/store', ADMIN)).body['result'] as StoreView;
  const configCheck = async (app: LaunchedApp) => (await stack.readyzBody(app))?.body.details['config'];
  const resetMetric = async (app: LaunchedApp) =>
    sampleSum(await scrapeMetrics(app.url), 'spaceport_config_store_reset');
  const allDelivered = (what: string) =>
    waitFor(() => [...expected].every((id) => receiver.countByWebhookId.has(id)), {
      what,
      timeoutMs: 30_000,
      intervalMs: 100,
    });

  beforeAll(async () => {
    receiver = await new WebhookReceiver(() => ({ status: 204 })).start();
    stack = new AppStack({
      workDir,
      redisUrl: redis.redis.url,
      consulAddr: consul.agent.httpAddr,
      register: true,
      clusterId: CLUSTER,
      adminToken: ADMIN,
      readToken: 'read-token-0123456789abcdef',
      heartbeat: '200ms',
      extraEnv: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', CONSUL_CHECK_TTL: '3s' },
    });
    await stack.launch('config-service', 'config-service');
    [gateway] = await Promise.all([stack.launch('gateway', 'gateway'), stack.launch('event-worker', 'worker-1')]);
    await stack.waitForMirrors('config loaded', (s) => s.config.state === 'in-sync', 20_000);
    await stack.createTrigger(gateway, `${receiver.url}/hook`);
  }, 60_000);

  afterAll(async () => {
    await stack?.stopAll();
    await receiver?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('holds the last good config, delivers everything, survives a config-service restart, and restores', async () => {
    for (let i = 0; i < 10; i += 1) expect(await queue({ payload: { delayed: i }, delay: DELAY_MS })).toBe(202);
    const resetAt = Date.now();
    await consul.agent.restart(); // -dev: the KV is gone
    await waitFor(async () => (await storeView()).storeReset !== null, {
      what: 'the gateway reports the config store reset',
      timeoutMs: 15_000,
    });
    const detectedMs = Date.now() - resetAt;
    const view = await storeView();
    expect(view.storeReset?.reason).toBe('the config store holds no project, the last good config had 1');
    expect(view.storeReset?.missingKeys).toEqual(['config/projects/shop', 'config/projects/shop/triggers/paid']);
    const authority = stack.apps.find((app) => app.name === 'config-service')!;
    expect(await configCheck(authority)).toMatchObject({
      status: 'down',
      message: expect.stringContaining('config store reset'),
    });
    expect(await configCheck(gateway)).toMatchObject({
      status: 'up',
      message: expect.stringContaining('config store reset'),
    });
    expect(await resetMetric(authority)).toBe(1);
    expect(await resetMetric(gateway)).toBe(1);

    // the last good config stays in force: new events are accepted and delivered, queued ones too
    for (let i = 0; i < 10; i += 1) expect(await queue({ payload: { during: i } })).toBe(202);
    const write = await call(gateway.url, 'POST', '/v1/config/projects/other', ADMIN, projectBody('Other'));
    expect(write.status).toBe(503);
    expect(write.body['error']).toMatch(/config store reset: restore or accept it first/);

    // a restarted config-service finds the last good config in Redis and keeps holding it
    await authority.proc.stop();
    const restarted = await stack.launch('config-service', 'config-service');
    await waitFor(async () => (await configCheck(restarted))?.status === 'down', {
      what: 'the restarted config-service holds the reset',
      timeoutMs: 10_000,
    });
    expect(await configCheck(restarted)).toMatchObject({ message: expect.stringContaining('config store reset') });
    for (let i = 0; i < 5; i += 1) expect(await queue({ payload: { afterRestart: i } })).toBe(202);
    await allDelivered('every delivery of the last good config, queued before and during the reset');
    const resumedMs = Date.now() - resetAt;

    const restore = await call(gateway.url, 'POST', '/v1/config/store/restore', ADMIN);
    expect(restore.status).toBe(200);
    expect(restore.body['result']).toMatchObject({ action: 'restore', written: 2, conflicts: 0, resolved: true });
    const kv = await fetch(`${consul.agent.httpAddr}/v1/kv/spaceport/${CLUSTER}/config/projects/shop`);
    expect(kv.status).toBe(200);
    await waitFor(async () => (await storeView()).storeReset === null && (await resetMetric(gateway)) === 0, {
      what: 'the reset cleared on the gateway',
      timeoutMs: 5_000,
    });
    expect(await configCheck(restarted)).toMatchObject({ status: 'up' });
    expect((await call(gateway.url, 'POST', '/v1/config/projects/other', ADMIN, projectBody('Other'))).status).toBe(
      200,
    );
    expect((await call(gateway.url, 'POST', '/v1/config/store/restore', ADMIN)).status).toBe(409);
    for (let i = 0; i < 5; i += 1) expect(await queue({ payload: { afterRestore: i } })).toBe(202);
    await allDelivered('every delivery after the restore');
    expect(receiver.duplicateSends()).toBe(0);
    console.info(
      `config store reset: detected after ${detectedMs} ms; ${expected.size} deliveries, all delivered ${resumedMs} ms after the Consul restart, 0 duplicates`,
    );
  });

  it("accept applies the emptied store: the vanished project's queued deliveries end in the DLQ", async () => {
    const queued = new Set<string>();
    for (let i = 0; i < 5; i += 1) {
      const res = await call(gateway.url, 'POST', '/v1/api/shop/eventing/queue', PROJECT_TOKEN, {
        type: 'order.paid',
        payload: { beforeAccept: i },
        delay: 3_000,
      });
      expect(res.status).toBe(202);
      for (const delivery of (res.body as { deliveries: { id: string }[] }).deliveries) queued.add(delivery.id);
    }
    await consul.agent.restart();
    await waitFor(async () => (await storeView()).storeReset !== null, {
      what: 'the second reset reported',
      timeoutMs: 15_000,
    });
    const accepted = await call(gateway.url, 'POST', '/v1/config/store/accept', ADMIN);
    expect(accepted.status).toBe(200);
    expect(accepted.body['result']).toMatchObject({ action: 'accept', resolved: true });
    const projects = async () => (await call(gateway.url, 'GET', '/v1/config/projects', ADMIN)).body['result'];
    await waitFor(async () => Array.isArray(await projects()) && ((await projects()) as unknown[]).length === 0, {
      what: 'the empty config in force on the gateway',
      timeoutMs: 5_000,
    });
    expect((await storeView()).storeReset).toBeNull();
    const admin = new Redis(redis.redis.url);
    try {
      const dlq = eventingKeys(CLUSTER).dlq('shop');
      const reasons = await waitFor(
        async () => {
          const entries = await admin.xrange(dlq, '-', '+');
          const letters = entries.map(([, fields]) => ({
            id: (JSON.parse(fields[fields.indexOf('job') + 1] ?? '{}') as { deliveryId?: string }).deliveryId,
            reason: fields[fields.indexOf('reason') + 1],
          }));
          const ours = letters.filter((letter) => letter.id !== undefined && queued.has(letter.id));
          return ours.length === queued.size ? ours.map((letter) => letter.reason) : undefined;
        },
        { what: 'every queued delivery of the vanished project in the DLQ', timeoutMs: 15_000, intervalMs: 200 },
      );
      expect(new Set(reasons)).toEqual(new Set(['project deleted']));
    } finally {
      admin.disconnect();
    }
    expect([...queued].filter((id) => receiver.countByWebhookId.has(id))).toEqual([]);
  });
});

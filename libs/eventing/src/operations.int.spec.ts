// Operations end to end with the built processes (npm run build first): GET /readyz (terminus) and
// GET /metrics (Prometheus text) of config-service, gateway and event-workers against a real
// redis-server (and, distributed, a real Consul agent), with real webhook deliveries to a real
// receiver; Redis stopped and restarted under the running apps.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AppStack,
  call,
  type LaunchedApp,
  type ParsedMetrics,
  projectBody,
  type ReadyzBody,
  sampleSum,
  samplesOf,
  scrapeMetrics,
  spaceCloudTrigger,
  useConsulAgent,
  useRedisServer,
  waitFor,
  WebhookReceiver,
} from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ADMIN = 'admin-token-0123456789abcdef';
const PROJECT_TOKEN = projectBody('x').secrets.apiTokens[0] ?? '';
const P = 32; // the default partition count

function launchStack(workDir: string, redisUrl: string, consulAddr?: string): AppStack {
  return new AppStack({
    workDir,
    redisUrl,
    clusterId: 'ops',
    adminToken: ADMIN,
    readToken: 'read-token-0123456789abcdef',
    heartbeat: '200ms',
    ...(consulAddr ? { consulAddr, register: true } : { configPath: join(workDir, 'spaceport.yaml') }),
    extraEnv: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', CONSUL_CHECK_TTL: '3s' },
  });
}

async function readyz(stack: AppStack, app: LaunchedApp): Promise<{ httpStatus: number; body: ReadyzBody }> {
  const answer = await stack.readyzBody(app);
  if (!answer) throw new Error(`${app.name} /readyz unreachable`);
  return answer;
}

const checkNames = (body: ReadyzBody): string[] => Object.keys(body.details).sort();
/** No label value of any sample carries a URL, a token or a secret. */
function leakedLabels(metrics: ParsedMetrics, secrets: readonly string[]): string[] {
  return metrics.samples
    .flatMap((s) => Object.values(s.labels))
    .filter((value) => secrets.some((secret) => value.includes(secret)));
}

describe('operations, standalone: /readyz and /metrics of the three apps', () => {
  const redis = useRedisServer();
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-ops-'));
  // /ok answers 200; /flaky answers 500 to the first request of each delivery, then 200.
  const receiver = new WebhookReceiver((path, _count, webhookId) => ({
    status: path === '/flaky' && !flakySeen.has(webhookId) && flakySeen.add(webhookId) ? 500 : 200,
  }));
  const flakySeen = new Set<string>();
  let stack: AppStack;
  const app = (name: string): LaunchedApp => {
    const found = stack.apps.find((a) => a.name === name);
    if (!found) throw new Error(`no app ${name}`);
    return found;
  };

  beforeAll(async () => {
    await receiver.start();
    stack = launchStack(workDir, redis.redis.url);
    await stack.launch('config-service', 'config-service');
    await Promise.all([stack.launch('gateway', 'gateway'), stack.launch('event-worker', 'worker-1')]);
    await stack.waitForMirrors('every app holds a config', (s) => s.status === 'ready', 15_000);
    const gateway = app('gateway').url;
    expect((await call(gateway, 'POST', '/v1/config/projects/shop', ADMIN, projectBody('Shop'))).status).toBe(200);
    const fast = { retrySchedule: { baseDelayMs: 50, maxDelayMs: 200 } };
    expect(
      (
        await call(gateway, 'POST', '/v1/config/projects/shop/eventing/triggers/paid', ADMIN, {
          ...spaceCloudTrigger('paid', `${receiver.url}/ok`),
          ...fast,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await call(gateway, 'POST', '/v1/config/projects/shop/eventing/triggers/flaky', ADMIN, {
          ...spaceCloudTrigger('flaky', `${receiver.url}/flaky`),
          ...fast,
        })
      ).status,
    ).toBe(200);
    await stack.waitForMirrors(
      'triggers mirrored',
      (s) => s.config.projects['shop']?.triggers['flaky'] !== undefined,
      15_000,
    );
  }, 120_000);

  afterAll(async () => {
    await stack?.stopAll();
    await receiver.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('every app answers /readyz 200 through terminus with its own checks (no consul in standalone mode)', async () => {
    const worker = await waitFor(
      async () => {
        const answer = await readyz(stack, app('worker-1'));
        return answer.httpStatus === 200 ? answer : undefined;
      },
      { what: 'worker-1 ready (all partitions consumed)', timeoutMs: 15_000 },
    );
    expect(checkNames(worker.body)).toEqual(['config', 'partitions', 'redis']);
    expect(worker.body.details['partitions']).toMatchObject({
      status: 'up',
      mode: 'standalone',
      owned: P,
      partitionCount: P,
    });
    const gateway = await readyz(stack, app('gateway'));
    expect(gateway.httpStatus).toBe(200);
    expect(gateway.body).toMatchObject({ status: 'ok', error: {} });
    expect(checkNames(gateway.body)).toEqual(['backlog', 'config', 'redis']);
    // the cluster-wide backlog: every partition consumed, nothing stuck (a detail: never down)
    expect(gateway.body.details['backlog']).toMatchObject({ status: 'up', partitions: P, consumed: P, stuck: [] });
    expect(gateway.body.details['config']).toMatchObject({
      status: 'up',
      state: 'in-sync',
      version: expect.any(Number),
    });
    expect(gateway.body.details['redis']).toMatchObject({ status: 'up', pingMs: expect.any(Number) });
    const authority = await readyz(stack, app('config-service'));
    expect(authority.httpStatus).toBe(200);
    expect(checkNames(authority.body)).toEqual(['config', 'redis']);
    expect(authority.body.details['config']).toMatchObject({ status: 'up', sourceAvailable: true });
  });

  it('/readyz shows its details only to an admin token: anyone else gets the status alone', async () => {
    for (const name of ['config-service', 'gateway', 'worker-1']) {
      const url = `${app(name).url}/readyz`;
      const anonymous = await fetch(url);
      expect(anonymous.status, name).toBe(200);
      expect(await anonymous.json(), name).toEqual({ status: 'ok' });
      const wrong = await fetch(url, { headers: { authorization: 'Bearer not-the-token-0123456789' } });
      expect(await wrong.json(), name).toEqual({ status: 'ok' });
      const read = await fetch(url, { headers: { authorization: 'Bearer read-token-0123456789abcdef' } });
      expect(Object.keys(((await read.json()) as ReadyzBody).details), name).toContain('redis');
    }
  });

  it('/metrics: queued, delivered, retried, latency, partitions, leader and config version move with real deliveries', async () => {
    const before = await scrapeMetrics(app('gateway').url);
    expect(sampleSum(before, 'spaceport_events_queued_total', { project: 'shop' })).toBe(0);
    for (let i = 0; i < 3; i += 1) {
      const res = await call(app('gateway').url, 'POST', '/v1/api/shop/eventing/queue', PROJECT_TOKEN, {
        type: 'order.paid',
        payload: { i },
      });
      expect(res.status).toBe(202);
    }
    await waitFor(() => receiver.on('/ok').length === 3 && receiver.on('/flaky').length === 6, {
      what: '3 deliveries to /ok, 3 retried ones to /flaky',
      timeoutMs: 20_000,
    });

    const gateway = await scrapeMetrics(app('gateway').url);
    expect(gateway.types.get('spaceport_events_queued_total')).toBe('counter');
    expect(
      sampleSum(gateway, 'spaceport_events_queued_total', { project: 'shop', role: 'gateway', node_id: 'gateway' }),
    ).toBe(3);

    // the outcome is counted right after the receiver answers: wait for the last one to land
    const worker = await waitFor(
      async () => {
        const scraped = await scrapeMetrics(app('worker-1').url);
        return sampleSum(scraped, 'spaceport_deliveries_total', { outcome: 'delivered' }) === 6 ? scraped : undefined;
      },
      { what: 'six deliveries counted on worker-1', timeoutMs: 5_000 },
    );
    const shop = { project: 'shop', role: 'event-worker', node_id: 'worker-1' };
    expect(sampleSum(worker, 'spaceport_deliveries_total', { ...shop, trigger: 'paid', outcome: 'delivered' })).toBe(3);
    expect(sampleSum(worker, 'spaceport_deliveries_total', { ...shop, trigger: 'flaky', outcome: 'retried' })).toBe(3);
    expect(sampleSum(worker, 'spaceport_deliveries_total', { ...shop, trigger: 'flaky', outcome: 'delivered' })).toBe(
      3,
    );
    expect(sampleSum(worker, 'spaceport_deliveries_total', { outcome: 'failed' })).toBe(0);
    // registered on the worker; nothing was cancelled or found already sent
    expect(worker.types.get('spaceport_deliveries_not_sent_total')).toBe('counter');
    expect(sampleSum(worker, 'spaceport_deliveries_not_sent_total', shop)).toBe(0);
    expect(worker.types.get('spaceport_delivery_attempt_duration_seconds')).toBe('histogram');
    expect(sampleSum(worker, 'spaceport_delivery_attempt_duration_seconds_count', { ...shop, trigger: 'flaky' })).toBe(
      6,
    );
    expect(sampleSum(worker, 'spaceport_delivery_latency_seconds_count', shop)).toBe(6);
    expect(
      sampleSum(worker, 'spaceport_delivery_latency_seconds_bucket', { ...shop, trigger: 'paid', le: '+Inf' }),
    ).toBe(3);
    expect(sampleSum(worker, 'spaceport_partitions_owned', { node_id: 'worker-1' })).toBe(P);
    expect(sampleSum(worker, 'spaceport_cluster_leader', { node_id: 'worker-1' })).toBe(1);
    // queue depth: one series per owned partition and state, read at scrape time; all delivered → nothing waiting
    expect(
      new Set(samplesOf(worker, 'spaceport_queue_depth', { state: 'waiting' }).map((s) => s.labels['partition'])).size,
    ).toBe(P);
    expect(
      sampleSum(worker, 'spaceport_queue_depth', { state: 'waiting' }) +
        sampleSum(worker, 'spaceport_queue_depth', { state: 'delayed' }),
    ).toBe(0);
    expect(sampleSum(worker, 'process_cpu_user_seconds_total', { node_id: 'worker-1' })).toBeGreaterThan(0);
    // the gateway's cluster-wide view of every partition: depths, consumed, nothing waiting or stuck
    const partitions = await scrapeMetrics(app('gateway').url);
    expect(samplesOf(partitions, 'spaceport_partition_jobs').length).toBe(P * 6);
    expect(sampleSum(partitions, 'spaceport_partition_jobs', { state: 'waiting' })).toBe(0);
    expect(sampleSum(partitions, 'spaceport_partition_consuming')).toBe(P);
    expect(sampleSum(partitions, 'spaceport_partition_stuck')).toBe(0);
    expect(sampleSum(partitions, 'spaceport_partition_oldest_waiting_seconds')).toBe(0);

    const version = (await readyz(stack, app('gateway'))).body.details['config']?.['version'];
    expect(version).toEqual(expect.any(Number));
    for (const name of ['gateway', 'worker-1', 'config-service']) {
      const scraped = await scrapeMetrics(app(name).url);
      expect(sampleSum(scraped, 'spaceport_config_version', { node_id: name }), name).toBe(version);
      expect(sampleSum(scraped, 'spaceport_config_stale', { node_id: name }), name).toBe(0);
      expect(leakedLabels(scraped, [receiver.url, PROJECT_TOKEN, ADMIN, 'order.paid'])).toEqual([]);
    }
  });

  it('/readyz turns 503 naming redis while Redis is stopped, and 200 again after it restarts', async () => {
    const apps = ['gateway', 'worker-1', 'config-service'].map(app);
    await redis.redis.process.stop();
    for (const target of apps) {
      const down = await waitFor(
        async () => {
          const answer = await readyz(stack, target);
          return answer.httpStatus === 503 ? answer : undefined;
        },
        { what: `${target.name} /readyz 503`, timeoutMs: 10_000 },
      );
      expect(down.body.status).toBe('error');
      expect(Object.keys(down.body.error ?? {})).toContain('redis');
      expect(down.body.error?.['redis']).toMatchObject({
        status: 'down',
        message: expect.stringContaining('Redis unreachable'),
      });
      expect(down.body.info?.['config']).toMatchObject({ status: 'up' });
    }
    // /metrics still answers, without the queue depths it cannot read in time, and counts that
    const worker = await scrapeMetrics(app('worker-1').url);
    expect(samplesOf(worker, 'spaceport_queue_depth')).toEqual([]);
    expect(sampleSum(worker, 'spaceport_queue_depth_errors_total')).toBeGreaterThanOrEqual(1);
    const gatewayMetrics = await scrapeMetrics(app('gateway').url);
    expect(samplesOf(gatewayMetrics, 'spaceport_partition_stuck')).toEqual([]);
    expect(sampleSum(gatewayMetrics, 'spaceport_partition_status_errors_total')).toBeGreaterThanOrEqual(1);
    // the gateway's backlog check says it cannot tell, and does not go down for it (redis does)
    const gatewayDown = await readyz(stack, app('gateway'));
    expect(gatewayDown.body.details['backlog']).toMatchObject({ status: 'up', readable: false });
    // a probe without a token learns only that it is down
    const anonymous = await fetch(`${app('gateway').url}/readyz`);
    expect(anonymous.status).toBe(503);
    expect(await anonymous.json()).toEqual({ status: 'error' });

    await redis.redis.start();
    for (const target of apps) {
      await waitFor(async () => (await readyz(stack, target)).httpStatus === 200, {
        what: `${target.name} /readyz 200 again`,
        timeoutMs: 15_000,
      });
    }
    expect(
      samplesOf(await scrapeMetrics(app('worker-1').url), 'spaceport_queue_depth', { state: 'waiting' }).length,
    ).toBe(P);
  });
});

describe('operations, distributed: consul check, partitions and leader across two workers', () => {
  const consul = useConsulAgent();
  const redis = useRedisServer();
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-ops-dist-'));
  let stack: AppStack;

  beforeAll(async () => {
    stack = launchStack(workDir, redis.redis.url, consul.agent.httpAddr);
    await stack.launch('config-service', 'config-service');
    await Promise.all([
      stack.launch('gateway', 'gateway'),
      stack.launch('event-worker', 'worker-1'),
      stack.launch('event-worker', 'worker-2'),
    ]);
  }, 120_000);

  afterAll(async () => {
    await stack?.stopAll();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('every app is ready with consul up; the workers share the partitions and exactly one leads', async () => {
    for (const target of stack.apps) {
      const answer = await waitFor(
        async () => {
          const current = await readyz(stack, target);
          return current.httpStatus === 200 ? current : undefined;
        },
        { what: `${target.name} /readyz 200`, timeoutMs: 30_000 },
      );
      expect(answer.body.details['consul']).toMatchObject({ status: 'up', leader: expect.any(String) });
    }
    const workers = stack.apps.filter((a) => a.app === 'event-worker');
    const settled = await waitFor(
      async () => {
        const scraped = await Promise.all(workers.map((w) => scrapeMetrics(w.url)));
        const owned = scraped.map((m) => sampleSum(m, 'spaceport_partitions_owned'));
        const leaders = scraped.map((m) => sampleSum(m, 'spaceport_cluster_leader'));
        return owned[0]! + owned[1]! === P && owned.every((n) => n > 0) && leaders[0]! + leaders[1]! === 1
          ? { owned, leaders }
          : undefined;
      },
      { what: 'partitions spread over both workers, one leader', timeoutMs: 30_000 },
    );
    expect(Math.abs(settled.owned[0]! - settled.owned[1]!)).toBeLessThanOrEqual(1);
    for (const [index, worker] of workers.entries()) {
      const partitions = (await readyz(stack, worker)).body.details['partitions'];
      expect(partitions).toMatchObject({
        status: 'up',
        mode: 'distributed',
        owned: settled.owned[index],
        leader: settled.leaders[index] === 1,
      });
    }
  });
});

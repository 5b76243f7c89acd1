// End to end in distributed mode, with the real built processes: config-service, gateway and two
// event-workers against a real Consul agent, on each Redis topology (one redis-server, Sentinel, Cluster;
// a cluster id of its own each). A trigger is created through the
// config API; the Consul-elected leader assigns the partitions; events queued at the gateway reach a
// real HTTP receiver once each, also after Redis lost the partition epochs, after the cluster's state
// in Consul was lost, and after one worker is SIGKILLed (its partitions move).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventingKeys } from '@spaceport/eventing';
import {
  AppStack,
  call,
  keysOnEveryMaster,
  type LaunchedApp,
  projectBody,
  REDIS_TOPOLOGIES,
  spaceCloudTrigger,
  useConsulAgent,
  useRedisTopology,
  waitFor,
  WebhookReceiver,
} from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterView, readCluster } from './testing-fixtures/cluster-probe';

const ADMIN = 'admin-token-0123456789abcdef';
/** partitions the workers must consume: more than the configured 32 (a lowered count, see beforeAll) */
const HIGH_WATER = 36;
const PROJECT_TOKEN = projectBody('x').secrets.apiTokens[0] ?? '';
const consul = useConsulAgent();

/** `GET /v1/cluster` with the admin token. */
async function cluster(gateway: LaunchedApp): Promise<ClusterView> {
  const view = await readCluster(gateway.url, ADMIN);
  if (!view) throw new Error('GET /v1/cluster did not answer 200');
  return view;
}

/** Whether `view` spreads every partition over both workers. */
function overBothWorkers(view: ClusterView): boolean {
  const owners = new Set(view.partitions.map((p) => p.owner));
  return view.partitions.length > 0 && owners.size === 2 && !owners.has(null);
}

/** Deletes `spaceport/<clusterId>/<key>` (and what is under it with `recurse`) in Consul. */
async function deleteClusterKey(clusterId: string, key: string, recurse = false): Promise<void> {
  const url = `${consul.agent.httpAddr}/v1/kv/spaceport/${clusterId}/${key}${recurse ? '?recurse=true' : ''}`;
  expect((await fetch(url, { method: 'DELETE' })).status).toBe(200);
}

async function queue(gateway: LaunchedApp, count: number, tag: string): Promise<void> {
  for (let i = 0; i < count; i++) {
    const res = await call(gateway.url, 'POST', '/v1/api/shop/eventing/queue', PROJECT_TOKEN, {
      type: 'order.paid',
      payload: { order: `${tag}-${i}` },
    });
    expect(res.status).toBe(202);
  }
}

describe.each(REDIS_TOPOLOGIES)('distributed delivery (built processes, real Consul) on %s', (topology) => {
  const redis = useRedisTopology(topology);
  const clusterId = `e2e-${REDIS_TOPOLOGIES.indexOf(topology)}`;
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-e2e-'));
  let stack: AppStack;
  let receiver: WebhookReceiver;
  let gateway: LaunchedApp;

  beforeAll(async () => {
    receiver = await new WebhookReceiver(() => ({ status: 204 })).start();
    stack = new AppStack({
      workDir,
      ...redis.stackRedis(),
      consulAddr: consul.agent.httpAddr,
      register: true,
      clusterId,
      adminToken: ADMIN,
      readToken: 'read-token-0123456789abcdef',
      heartbeat: '500ms',
      extraEnv: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', CONSUL_CHECK_TTL: '3s' },
    });
    // As if partitionCount had been 36 before it was lowered to the default 32: the leader must still
    // assign (and the workers consume) all 36 partitions, or jobs queued in 32..35 would be stranded.
    const seed = redis.admin();
    await seed.set(eventingKeys(clusterId).partitionHighWater, String(HIGH_WATER));
    seed.disconnect();
    await stack.launch('config-service', 'config-service');
    [gateway] = await Promise.all([
      stack.launch('gateway', 'gateway'),
      stack.launch('event-worker', 'worker-1'),
      stack.launch('event-worker', 'worker-2'),
    ]);
    // /healthz answers before the first config snapshot arrives; the config API is 503 until then.
    await stack.waitForMirrors('every app holds a config', (status) => status.status === 'ready', 15_000);
    expect((await call(gateway.url, 'POST', '/v1/config/projects/shop', ADMIN, projectBody('Shop'))).status).toBe(200);
    const trigger = await call(
      gateway.url,
      'POST',
      '/v1/config/projects/shop/eventing/triggers/paid',
      ADMIN,
      spaceCloudTrigger('paid', `${receiver.url}/hook`),
    );
    expect(trigger.status).toBe(200);
    await stack.waitForMirrors(
      'trigger mirrored everywhere',
      (s) => s.config.projects['shop']?.triggers['paid'] !== undefined,
      15_000,
    );
  }, 120_000);

  /** Queues `count` events and waits until `count` more distinct webhook-ids arrived, each sent once. */
  async function deliverOnce(count: number, tag: string, what: string): Promise<void> {
    const before = receiver.countByWebhookId.size;
    await queue(gateway, count, tag);
    await waitFor(() => receiver.countByWebhookId.size >= before + count, {
      what: `${count} more distinct webhook-ids ${what}`,
      timeoutMs: 15_000,
    });
    expect(receiver.duplicateSends()).toBe(0);
  }

  afterAll(async () => {
    await stack?.stopAll();
    await receiver?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('the leader spreads every partition over both workers, and each event is delivered once', async () => {
    const view = await waitFor(
      async () => {
        const current = await cluster(gateway);
        return overBothWorkers(current) ? current : undefined;
      },
      { what: 'a balanced assignment over worker-1 and worker-2', timeoutMs: 20_000 },
    );
    expect(view.partitions.map((p) => p.partition)).toEqual(Array.from({ length: HIGH_WATER }, (_, i) => i));
    const counts = ['worker-1', 'worker-2'].map((id) => view.partitions.filter((p) => p.owner === id).length);
    expect(Math.abs((counts[0] ?? 0) - (counts[1] ?? 0))).toBeLessThanOrEqual(1);
    expect(['worker-1', 'worker-2']).toContain(view.leader?.nodeId);

    await queue(gateway, 60, 'a');
    await waitFor(() => receiver.countByWebhookId.size >= 60, {
      what: '60 distinct webhook-ids at the receiver',
      timeoutMs: 20_000,
    });
    expect(receiver.duplicateSends()).toBe(0);
    // Every partition reports its backlog, and nothing is left waiting once all were delivered.
    const after = await cluster(gateway);
    expect(after.partitions.every((p) => typeof p.backlog === 'number')).toBe(true);
    expect(after.partitions.reduce((sum, p) => sum + (p.backlog ?? 0), 0)).toBe(0);
  });

  it('re-establishes partition epochs Redis lost, and delivers on within seconds', async () => {
    const admin = redis.admin();
    try {
      const keys = await keysOnEveryMaster(admin, `sp:{${clusterId}:p*}:ledger:epoch:*`);
      expect(keys.length).toBe(HIGH_WATER);
      await Promise.all(keys.map((key) => admin.del(key)));
    } finally {
      admin.disconnect();
    }
    const lostAt = Date.now();
    await deliverOnce(60, 'c', 'after the epoch loss');
    const resumedMs = Date.now() - lostAt;
    console.info(`e2e: 60 events after the epoch loss delivered in ${resumedMs} ms`);
    expect(resumedMs).toBeLessThan(10_000);
  });

  it('after the cluster state in Consul is lost, the next generation starts above the epochs in Redis', async () => {
    const generationBefore = (await cluster(gateway)).generation ?? 0;
    // what a Consul KV reset leaves of the cluster's own keys (the config under config/ is kept)
    await Promise.all([
      deleteClusterKey(clusterId, 'assignment'),
      deleteClusterKey(clusterId, 'acks/', true),
      deleteClusterKey(clusterId, 'leader'),
    ]);
    const view = await waitFor(
      async () => {
        const current = await cluster(gateway);
        return (current.generation ?? 0) > generationBefore && overBothWorkers(current) ? current : undefined;
      },
      { what: 'a new assignment above the old generation', timeoutMs: 20_000 },
    );
    expect(view.generation).toBeGreaterThan(generationBefore);
    await deliverOnce(60, 'd', 'after the cluster state was lost');
  });

  it('rewrites an assignment deleted by hand within seconds, without a membership change', async () => {
    const generationBefore = (await cluster(gateway)).generation ?? 0;
    await deleteClusterKey(clusterId, 'assignment');
    const deletedAt = Date.now();
    await waitFor(async () => ((await cluster(gateway)).generation ?? 0) > generationBefore, {
      what: 'the leader rewriting the assignment',
      timeoutMs: 15_000,
    });
    console.info(`e2e: assignment rewritten ${Date.now() - deletedAt} ms after it was deleted`);
    await deliverOnce(30, 'e', 'after the assignment was rewritten');
  });

  it('after SIGKILL of a worker its partitions move and new events still arrive once each', async () => {
    const victim = stack.apps.find((app) => app.name === 'worker-1');
    if (!victim) throw new Error('worker-1 not launched');
    const delivered = receiver.countByWebhookId.size;
    await victim.proc.kill();
    const killedAt = Date.now();
    await queue(gateway, 60, 'b');
    await waitFor(
      async () => {
        const current = await cluster(gateway);
        return current.partitions.length > 0 && current.partitions.every((p) => p.owner === 'worker-2');
      },
      { what: 'worker-2 owning every partition', timeoutMs: 20_000 },
    );
    await waitFor(() => receiver.countByWebhookId.size >= delivered + 60, {
      what: '60 more distinct webhook-ids at the receiver',
      timeoutMs: 30_000,
    });
    const failoverMs = Date.now() - killedAt;
    const duplicates = receiver.duplicateSends();
    console.info(`e2e: all delivered ${failoverMs} ms after the SIGKILL; duplicate sends: ${duplicates}`);
    // Nothing was in flight when the worker died, so the bound on duplicate sends is zero.
    expect(duplicates).toBe(0);
    expect(receiver.countByWebhookId.size).toBe(delivered + 60);
  });
});

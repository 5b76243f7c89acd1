// A stuck backlog is visible (issue 19), with the built processes against a real redis-server (and,
// distributed, a real Consul agent): a partition with queued jobs whose consumer is stopped, paused
// (SIGSTOP) or stalled shows up as stuck in GET /v1/cluster, in the gateway's spaceport_partition_stuck
// and in its `backlog` readiness details within a stated bound, its oldest-waiting age grows while it
// is stuck, the gateway stays ready (ingest keeps accepting), and it clears once it is consumed again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { partitionOf } from '@spaceport/eventing-core';
import {
  AppStack,
  type LaunchedApp,
  sleep,
  useConsulAgent,
  useRedisServer,
  waitFor,
  WebhookReceiver,
} from '@spaceport/testing';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSUMER_RECORD_TTL_MS } from './common/consumer-records';
import { partitionQueueName, partitionQueuePrefix } from './common/keys';
import {
  ADMIN,
  backlogCheck,
  createShop,
  partitionsAt,
  queueKeys,
  stuckAt,
  stuckInMetrics,
  took,
} from './testing-fixtures/backlog-probe';

const P = 32; // the default partition count
const STALL_AFTER_MS = 2_000;
const keys = (tag: string, count: number) => Array.from({ length: count }, (_, i) => `${tag}-${i}`);

function launchStack(workDir: string, clusterId: string, redisUrl: string, consulAddr?: string): AppStack {
  return new AppStack({
    workDir,
    redisUrl,
    clusterId,
    adminToken: ADMIN,
    readToken: 'read-token-0123456789abcdef',
    heartbeat: '200ms',
    ...(consulAddr ? { consulAddr, register: true } : { configPath: join(workDir, 'spaceport.yaml') }),
    extraEnv: {
      WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
      CONSUL_CHECK_TTL: '3s',
      EVENTING_STALL_AFTER_MS: String(STALL_AFTER_MS),
    },
  });
}

/** Asserts `partitions` are stuck for `reason` everywhere the operator looks, and the gateway is still ready. */
async function expectStuckEverywhere(stack: AppStack, gateway: LaunchedApp, partitions: Set<number>, reason: string) {
  const shown = await stuckAt(gateway);
  for (const partition of partitions) expect(shown.get(partition), `partition ${partition}`).toBe(reason);
  expect([...partitions].every((partition) => shown.has(partition))).toBe(true);
  const metric = await waitFor(
    async () => {
      const stuck = await stuckInMetrics(gateway);
      return [...partitions].every((partition) => stuck.has(partition)) ? stuck : undefined;
    },
    { what: 'spaceport_partition_stuck = 1 for them', timeoutMs: 3_000 },
  );
  expect([...metric].sort()).toEqual([...shown.keys()].sort());
  const check = await backlogCheck(stack, gateway);
  expect(check).toMatchObject({ httpStatus: 200, status: 'up' });
  expect(check.stuck.map((entry) => entry.partition).sort()).toEqual([...shown.keys()].sort());
}

/** The oldest waiting job of `partition` keeps ageing while nothing consumes it. */
async function expectWaitGrows(gateway: LaunchedApp, partition: number): Promise<void> {
  const ageOf = async () => (await partitionsAt(gateway)).find((p) => p.partition === partition)?.oldestWaitingMs ?? -1;
  const first = await ageOf();
  await sleep(1_200);
  const second = await ageOf();
  expect(first).toBeGreaterThanOrEqual(0);
  expect(second - first).toBeGreaterThanOrEqual(1_000);
}

describe('stuck backlog, standalone: a stopped worker, a stalled consumer', () => {
  const redis = useRedisServer();
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-stuck-'));
  const receiver = new WebhookReceiver(() => ({ status: 200 }));
  let stack: AppStack;
  let gateway: LaunchedApp;
  let worker: LaunchedApp;

  beforeAll(async () => {
    await receiver.start();
    stack = launchStack(workDir, 'stuck', redis.redis.url);
    await stack.launch('config-service', 'config-service');
    [gateway, worker] = await Promise.all([
      stack.launch('gateway', 'gateway'),
      stack.launch('event-worker', 'worker-1'),
    ]);
    await stack.waitForMirrors('every app holds a config', (s) => s.status === 'ready', 15_000);
    await createShop(stack, gateway, `${receiver.url}/ok`);
  }, 120_000);

  afterAll(async () => {
    await stack?.stopAll();
    await receiver.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('every partition is consumed by the worker at epoch 1, none is stuck', async () => {
    const partitions = await waitFor(
      async () => {
        const all = await partitionsAt(gateway);
        return all.length === P && all.every((p) => p.consuming) ? all : undefined;
      },
      { what: 'all partitions consumed', timeoutMs: 15_000 },
    );
    expect(partitions.every((p) => p.owner === 'worker-1' && p.consumer?.worker === 'worker-1' && p.epoch === 1)).toBe(
      true,
    );
    expect(partitions.filter((p) => p.stuck)).toEqual([]);
    expect(await backlogCheck(stack, gateway)).toMatchObject({ httpStatus: 200, status: 'up', consumed: P, stuck: [] });
    expect((await stuckInMetrics(gateway)).size).toBe(0);
  });

  it('the worker stopped: its partitions with queued jobs are stuck at once, and clear once it is back', async () => {
    await worker.proc.stop();
    const stoppedAt = performance.now();
    await waitFor(async () => (await partitionsAt(gateway)).every((p) => p.consuming === false), {
      what: 'no partition consumed (records withdrawn on the graceful stop)',
      timeoutMs: 3_000,
    });
    took('graceful stop → no partition consumed', stoppedAt);
    const queuedAt = performance.now();
    const partitions = await queueKeys(gateway, keys('stop', 6));
    await waitFor(
      async () => {
        const stuck = await stuckAt(gateway);
        return [...partitions].every((partition) => stuck.get(partition) === 'not-consumed');
      },
      { what: 'the partitions with jobs stuck', timeoutMs: 1_000 },
    );
    expect(took('jobs queued → stuck in /v1/cluster', queuedAt)).toBeLessThan(1_000);
    await expectStuckEverywhere(stack, gateway, partitions, 'not-consumed');
    await expectWaitGrows(gateway, [...partitions][0]!);

    const restartedAt = performance.now();
    worker = await stack.launch('event-worker', 'worker-1');
    await waitFor(async () => (await stuckAt(gateway)).size === 0 && receiver.received.length >= 6, {
      what: 'nothing stuck and the 6 events delivered',
      timeoutMs: 20_000,
    });
    took('worker relaunched → nothing stuck', restartedAt);
    expect((await stuckInMetrics(gateway)).size).toBe(0);
    expect((await backlogCheck(stack, gateway)).stuck).toEqual([]);
  });

  it('a paused queue: the running consumer takes no job, and the partition is stalled after the bound', async () => {
    const key = 'stall-me';
    const partition = partitionOf('shop', key, P);
    const connection = new Redis(redis.redis.url, { maxRetriesPerRequest: null });
    const queue = new Queue(partitionQueueName('stuck', partition), {
      connection,
      prefix: partitionQueuePrefix('bull', 'stuck', partition),
    });
    try {
      await waitFor(async () => (await partitionsAt(gateway)).every((p) => p.consuming), {
        what: 'every partition consumed',
      });
      await queue.pause();
      const queuedAt = performance.now();
      expect(await queueKeys(gateway, [key])).toEqual(new Set([partition]));
      const early = (await partitionsAt(gateway)).find((p) => p.partition === partition);
      expect(early).toMatchObject({ consuming: true, stuck: false, consumer: { worker: 'worker-1' } });
      await waitFor(async () => (await stuckAt(gateway)).get(partition) === 'stalled', {
        what: `partition ${partition} stalled`,
        timeoutMs: STALL_AFTER_MS + 3_000,
      });
      const stalledMs = took(`paused queue → stalled (EVENTING_STALL_AFTER_MS ${STALL_AFTER_MS})`, queuedAt);
      expect(stalledMs).toBeGreaterThanOrEqual(STALL_AFTER_MS);
      expect(stalledMs).toBeLessThan(STALL_AFTER_MS + 2_500);
      await expectStuckEverywhere(stack, gateway, new Set([partition]), 'stalled');
      // the owning worker reports it too, and stays ready: it consumes every partition it should
      const own = await stack.readyzBody(worker);
      expect(own?.httpStatus).toBe(200);
      expect(own?.body.details['partitions']).toMatchObject({ status: 'up', stuck: [partition] });

      const delivered = receiver.received.length;
      await queue.resume();
      await waitFor(async () => receiver.received.length > delivered && (await stuckAt(gateway)).size === 0, {
        what: 'the job delivered and nothing stuck',
        timeoutMs: 10_000,
      });
    } finally {
      await queue.close();
      connection.disconnect();
    }
  });
});

describe('stuck backlog, distributed: the only worker paused (SIGSTOP)', () => {
  const consul = useConsulAgent();
  const redis = useRedisServer();
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-stuck-dist-'));
  const receiver = new WebhookReceiver(() => ({ status: 200 }));
  let stack: AppStack;
  let gateway: LaunchedApp;
  let worker: LaunchedApp;

  beforeAll(async () => {
    await receiver.start();
    stack = launchStack(workDir, 'stuckd', redis.redis.url, consul.agent.httpAddr);
    await stack.launch('config-service', 'config-service');
    [gateway, worker] = await Promise.all([
      stack.launch('gateway', 'gateway'),
      stack.launch('event-worker', 'worker-1'),
    ]);
    await stack.waitForMirrors('every app holds a config', (s) => s.status === 'ready', 15_000);
    await createShop(stack, gateway, `${receiver.url}/ok`);
  }, 120_000);

  afterAll(async () => {
    await stack?.stopAll();
    await receiver.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  it('its partitions with queued jobs are stuck once its consumer records expire, and clear when it resumes', async () => {
    await waitFor(
      async () => {
        const all = await partitionsAt(gateway);
        return all.length === P && all.every((p) => p.owner === 'worker-1' && p.consuming);
      },
      { what: 'every partition assigned to and consumed by worker-1', timeoutMs: 30_000 },
    );
    worker.proc.signal('SIGSTOP');
    const pausedAt = performance.now();
    const partitions = await queueKeys(gateway, keys('sigstop', 6));
    await waitFor(
      async () => {
        const stuck = await stuckAt(gateway);
        return [...partitions].every((partition) => stuck.get(partition) === 'not-consumed');
      },
      { what: 'the partitions with jobs stuck', timeoutMs: CONSUMER_RECORD_TTL_MS + 3_000 },
    );
    expect(took('SIGSTOP → stuck (consumer records expired)', pausedAt)).toBeLessThan(CONSUMER_RECORD_TTL_MS + 2_000);
    // the assignment still names the paused worker (nobody else could take them); no live consumer
    const shown = (await partitionsAt(gateway)).filter((p) => partitions.has(p.partition));
    expect(shown.every((p) => p.owner === 'worker-1' && p.consumer === null && (p.backlog ?? 0) > 0)).toBe(true);
    await expectStuckEverywhere(stack, gateway, partitions, 'not-consumed');
    await expectWaitGrows(gateway, [...partitions][0]!);

    const resumedAt = performance.now();
    worker.proc.signal('SIGCONT');
    await waitFor(async () => (await stuckAt(gateway)).size === 0 && receiver.received.length >= 6, {
      what: 'nothing stuck and the 6 events delivered',
      timeoutMs: 30_000,
    });
    took('SIGCONT → nothing stuck', resumedAt);
    expect((await stuckInMetrics(gateway)).size).toBe(0);
  });
});

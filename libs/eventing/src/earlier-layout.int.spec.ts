// Upgrading from the single-slot key layout is "drain then switch" (docs/architecture.md, "Upgrading
// from the single-slot layout"): the gateway and the event-worker refuse to start while Redis still holds
// undelivered jobs in the earlier layout's queues (the new code never reads them, so they would be
// stranded without a word), and start once those queues are empty. Real redis-server, real BullMQ queues
// written as the earlier version wrote them, the built apps.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppStack, runAppToExit, useRedisServer } from '@spaceport/testing';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { partitionQueueName } from './common/keys';

const CLUSTER = 'upgrade';
const redisHolder = useRedisServer();
const workDir = mkdtempSync(join(tmpdir(), 'spaceport-earlier-layout-'));
let stack: AppStack | undefined;

afterAll(async () => {
  await stack?.stopAll();
  rmSync(workDir, { recursive: true, force: true });
});

/** A partition queue of the earlier layout: the plain BullMQ prefix, no hash tag. */
const earlierQueue = (partition: number, ordered = false): Queue =>
  new Queue(partitionQueueName(CLUSTER, partition, ordered), {
    connection: { host: redisHolder.redis.host, port: redisHolder.redis.port },
    prefix: 'bull',
  });

describe('upgrading from the single-slot layout: drain then switch', () => {
  it('refuses start-up while earlier-layout queues hold jobs, then starts once they are drained', async () => {
    const plain = earlierQueue(3);
    const ordered = earlierQueue(40, true);
    await plain.add('deliver', { eventId: 'a' });
    await plain.add('deliver', { eventId: 'b' }, { delay: 3_600_000 });
    await ordered.add('deliver', { eventId: 'c' });
    const env = { REDIS_URL: redisHolder.redis.url, CLUSTER_ID: CLUSTER };
    for (const app of ['gateway', 'event-worker'] as const) {
      const exit = await runAppToExit(app, workDir, env);
      expect(exit.code, exit.stdout).toBe(2);
      expect(exit.stderr.trim()).toMatch(
        new RegExp(
          `^spaceport ${app}: invalid configuration: EVENTING_BULL_PREFIX: Redis holds 3 undelivered job\\(s\\) ` +
            `in 2 queue\\(s\\) of the earlier key layout \\(bull:sp-${CLUSTER}-p3, bull:sp-${CLUSTER}-p40-ordered\\)`,
        ),
      );
    }
    // drained (here: removed, as the earlier version's workers would have emptied them)
    for (const queue of [plain, ordered]) {
      await queue.obliterate({ force: true });
      await queue.close();
    }
    stack = new AppStack({
      workDir,
      redisUrl: redisHolder.redis.url,
      clusterId: CLUSTER,
      configPath: join(workDir, 'spaceport.yaml'),
      adminToken: 'upgrade-admin-token-0123456789',
      readToken: 'upgrade-read-token-0123456789',
      heartbeat: '250ms',
      extraEnv: {},
    });
    const gateway = await stack.launch('gateway', 'gateway-after-drain');
    expect(gateway.proc.running).toBe(true);
  }, 60_000);
});

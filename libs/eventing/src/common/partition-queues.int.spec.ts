// PartitionQueues against a real redis-server that holds its clients (CLIENT PAUSE ALL, as a master does
// with writes during a manual Cluster failover): a queue handle discarded while its initialisation waits for
// Redis must not leave BullMQ an 'error' emit with no listener. Before closeOnceInitialised, the handle was
// closed at once (BullMQ's close removes its connection's listeners), the initialisation's INFO then timed out,
// BullMQ re-emitted that as 'error' on the bare connection and the emit threw: an unhandled rejection
// "Command timed out", which ends a Node process.
import { asSingleNode, createRedis, parseRedisUrl } from '@spaceport/redis-core';
import { type NodeOptions } from '@spaceport/runtime-core';
import { redisCommand, sleep, useRedisServer } from '@spaceport/testing';
import { type Redis } from 'ioredis';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PartitionQueues } from './partition-queues';
import { type EventingEnv } from './settings';

const COMMAND_TIMEOUT_MS = 400;
/** shorter than the command timeout, so the handle is discarded while its INFO still waits */
const READY_WITHIN_MS = 100;
const PAUSE_MS = 1_500;
const redisServer = useRedisServer();
const rejections: unknown[] = [];
const onRejection = (reason: unknown): void => void rejections.push(reason);
let client: Redis;
let queues: PartitionQueues;

beforeAll(async () => {
  process.on('unhandledRejection', onRejection);
  client = asSingleNode(
    createRedis(
      parseRedisUrl(redisServer.redis.url),
      { kind: 'command', commandTimeoutMs: COMMAND_TIMEOUT_MS },
      { connectionName: 'partition-queues-test', logger: pino({ level: 'silent' }) },
    ),
  );
  await client.connect();
  const env = { bullPrefix: 'bull', commandTimeoutMs: COMMAND_TIMEOUT_MS } as EventingEnv;
  queues = new PartitionQueues(client, env, { clusterId: 'default' } as NodeOptions);
});

afterEach(async () => {
  await redisCommand(redisServer.redis.port, 'CLIENT', 'UNPAUSE');
});

afterAll(async () => {
  await queues.onModuleDestroy();
  client.disconnect();
  process.off('unhandledRejection', onRejection);
});

describe('PartitionQueues while Redis holds its clients', () => {
  it('a handle discarded during its initialisation fails it quietly; a new one works once Redis answers', async () => {
    await redisCommand(redisServer.redis.port, 'CLIENT', 'PAUSE', PAUSE_MS, 'ALL');
    const started = performance.now();
    await expect(queues.ready(0, false, READY_WITHIN_MS)).rejects.toThrow(/not ready within 100 ms/);
    expect(performance.now() - started).toBeLessThan(COMMAND_TIMEOUT_MS);
    // past the discarded handle's INFO timeout and the pause
    await sleep(PAUSE_MS + 200);
    expect(rejections).toEqual([]);
    expect(queues.isReady(0, false)).toBe(false);
    const queue = await queues.ready(0, false, 2_000);
    expect(await queue.count()).toBe(0);
  });
});

// Regression: a partition started and stopped again within milliseconds (the cluster's ownership
// flapping right after a Consul agent restart) must not kill the worker process. BullMQ 5.x emitted
// an unhandled 'error' ("Connection is closed.") when a Worker was closed while still connecting.
import { sleep, useRedisServer } from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventDeliveryModule, PartitionConsumers } from './index';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { shopSpec } from './testing-fixtures/fixtures';
import { snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

const redis = useRedisServer();
let worker: RunningApp | undefined;
const unhandled: unknown[] = [];
const record = (error: unknown): void => void unhandled.push(error);

beforeAll(async () => {
  process.env['REDIS_URL'] = redis.redis.url;
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  const view = new StaticConfigView(snapshotOf(shopSpec({})));
  worker = await startTestApp('event-worker', 'worker-flap', EventDeliveryModule, view);
});

afterAll(async () => {
  await worker?.close();
  process.off('uncaughtException', record);
  process.off('unhandledRejection', record);
});

describe('PartitionConsumers start → stop within milliseconds', () => {
  it('survives, and owns nothing after the last stop', async () => {
    const consumers = worker?.app.get(PartitionConsumers);
    if (!consumers) throw new Error('worker not started');
    await consumers.stopAll();
    for (let round = 0; round < 30; round += 1) {
      const partition = round % 4;
      expect(await consumers.start(partition, 10 + round)).toBe('started');
      await sleep(round % 10);
      await consumers.stop(partition);
    }
    await sleep(200);
    expect(unhandled).toEqual([]);
    expect(consumers.owned()).toEqual([]);
  });
});

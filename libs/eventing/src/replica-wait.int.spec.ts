// REDIS_WAIT_REPLICAS=1 against a real master and its replica (redis-server processes): the gateway answers
// 202 only once the event and its jobs reached the replica, 503 with Retry-After when the replica does not
// acknowledge within REDIS_WAIT_TIMEOUT_MS (the replica SIGSTOPped), and 202 again once it is back; a retry
// under the same Idempotency-Key then gets the same ids, not a second event. The worker WAITs after each
// sent record: a shortfall is counted in spaceport_redis_wait_shortfalls_total and the delivery goes on.
import {
  type RedisNode,
  sampleSum,
  scrapeMetrics,
  startReplicatedNodes,
  waitFor,
  WebhookReceiver,
} from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventDeliveryModule, EventIngestModule, EventObserveModule } from './index';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { shopSpec } from './testing-fixtures/fixtures';
import { postQueue, type QueueAnswer } from './testing-fixtures/queue-request';
import { snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

// the product's default: a loaded CI host can take a few hundred ms to schedule the replica's ACK
const WAIT_TIMEOUT_MS = 1_000;
const receiver = new WebhookReceiver();
let master: RedisNode;
let replica: RedisNode;
let gateway: RunningApp;
let worker: RunningApp;

const queue = (n: number, idempotencyKey?: string): Promise<QueueAnswer> =>
  postQueue(gateway.url, { type: 'tick', payload: { n } }, idempotencyKey ? { 'idempotency-key': idempotencyKey } : {});

const shortfalls = async (app: RunningApp, write: string): Promise<number> =>
  sampleSum(await scrapeMetrics(app.url), 'spaceport_redis_wait_shortfalls_total', { write });

const deliveryIdOf = (answer: QueueAnswer): string => (answer.body['deliveries'] as { id: string }[])[0]!.id;

beforeAll(async () => {
  // in sync as both ends see it: until the master counts the replica online, WAIT does not count it
  const nodes = await startReplicatedNodes(1);
  master = nodes.master;
  [replica] = nodes.replicas as [RedisNode];
  process.env['REDIS_URL'] = `redis://${master.address}`;
  process.env['WEBHOOK_ALLOWED_CIDRS'] = '127.0.0.1/32';
  process.env['REDIS_COMMAND_TIMEOUT_MS'] = String(3 * WAIT_TIMEOUT_MS);
  process.env['REDIS_WAIT_REPLICAS'] = '1';
  process.env['REDIS_WAIT_TIMEOUT_MS'] = String(WAIT_TIMEOUT_MS);
  await receiver.start();
  receiver.setReplyRule(() => ({ status: 204 }));
  const view = new StaticConfigView(snapshotOf(shopSpec({ tick: { type: 'tick', url: `${receiver.url}/tick` } })));
  gateway = await startTestApp('gateway', 'gw-wait', [EventIngestModule, EventObserveModule], view);
  worker = await startTestApp('event-worker', 'worker-wait', EventDeliveryModule, view);
}, 60_000);

afterAll(async () => {
  for (const key of ['REDIS_WAIT_REPLICAS', 'REDIS_WAIT_TIMEOUT_MS', 'REDIS_COMMAND_TIMEOUT_MS'])
    delete process.env[key];
  await worker?.close();
  await gateway?.close();
  await receiver.close();
  if (replica?.process.running) replica.process.signal('SIGCONT');
  await Promise.all([replica?.stop(), master?.stop()]);
});

describe('REDIS_WAIT_REPLICAS=1', { timeout: 60_000 }, () => {
  it('answers 202 once the replica has the event, and the worker records the send on it too', async () => {
    const answers = await Promise.all(Array.from({ length: 20 }, (_, n) => queue(n)));
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(202));
    await waitFor(() => answers.every((a) => receiver.countByWebhookId.has(deliveryIdOf(a))), {
      what: '20 deliveries',
    });
    expect(await shortfalls(worker, 'sent-record')).toBe(0);
    expect(await shortfalls(gateway, 'event')).toBe(0);
  });

  it('answers 503 with Retry-After within the WAIT timeout while the replica does not acknowledge', async () => {
    replica.process.signal('SIGSTOP');
    try {
      const refused = await queue(100, 'key-during-pause');
      expect(refused.status).toBe(503);
      expect(refused.retryAfter).toBe('1');
      expect(refused.body).toMatchObject({
        statusCode: 503,
        error: 'Service Unavailable',
        message: expect.stringContaining(
          `not confirmed on 1 Redis replica(s) (0 acknowledged within ${WAIT_TIMEOUT_MS} ms)`,
        ),
      });
      // one WAIT, or at most one queued behind another in flight, plus the writes
      expect(refused.elapsedMs).toBeGreaterThanOrEqual(WAIT_TIMEOUT_MS - 20);
      expect(refused.elapsedMs).toBeLessThan(2 * WAIT_TIMEOUT_MS + 500);
      const concurrent = await Promise.all(Array.from({ length: 10 }, (_, n) => queue(200 + n)));
      expect(concurrent.map((a) => a.status)).toEqual(Array(10).fill(503));
      // concurrent requests share a WAIT on their connection instead of queueing 10 WAIT timeouts behind each other
      expect(Math.max(...concurrent.map((a) => a.elapsedMs))).toBeLessThan(2 * WAIT_TIMEOUT_MS + 500);
      expect(await shortfalls(gateway, 'event')).toBeGreaterThanOrEqual(2);
      // the worker still delivers what the master holds; its sent records fall short and are counted
      await waitFor(async () => (await shortfalls(worker, 'sent-record')) > 0, { what: 'a sent-record shortfall' });
    } finally {
      replica.process.signal('SIGCONT');
    }
  });

  it('answers 202 again once the replica is back; a retry under the same key gets the same ids', async () => {
    await waitFor(async () => (await queue(300)).status === 202, { what: 'a 202 after SIGCONT', timeoutMs: 10_000 });
    const retried = await queue(100, 'key-during-pause');
    expect(retried.status).toBe(202);
    const again = await queue(100, 'key-during-pause');
    expect(again.status).toBe(202);
    expect(again.body['eventId']).toBe(retried.body['eventId']);
    // the 503'd event was stored on the master: it is delivered once, with the ids the retry got back
    await waitFor(() => receiver.countByWebhookId.get(deliveryIdOf(retried)) === 1, {
      what: 'the retried event delivered',
    });
    expect(receiver.duplicateSends()).toBe(0);
  });
});

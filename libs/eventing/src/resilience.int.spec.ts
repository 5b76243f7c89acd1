import { sleep, useRedisServer, waitFor, WebhookReceiver } from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventDeliveryModule, EventIngestModule, EventObserveModule } from './index';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { shopSpec, TOKEN } from './testing-fixtures/fixtures';
import { snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

const redis = useRedisServer();
const receiver = new WebhookReceiver();
let view: StaticConfigView;
let gateway: RunningApp;
let worker: RunningApp | undefined;

async function queue(n: number): Promise<{ status: number; retryAfter: string | null; deliveryId?: string }> {
  const res = await fetch(`${gateway.url}/v1/api/shop/eventing/queue`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify({ type: 'tick', payload: { n } }),
  });
  const json = (await res.json()) as { deliveries?: { id: string }[] };
  return { status: res.status, retryAfter: res.headers.get('retry-after'), deliveryId: json.deliveries?.[0]?.id };
}

const countsById = (): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const r of receiver.received)
    counts.set(String(r.headers['webhook-id']), (counts.get(String(r.headers['webhook-id'])) ?? 0) + 1);
  return counts;
};

beforeAll(async () => {
  process.env['REDIS_URL'] = redis.redis.url;
  process.env['WEBHOOK_ALLOWED_CIDRS'] = '127.0.0.1/32';
  process.env['EVENTING_LOCK_MS'] = '2000';
  process.env['REDIS_COMMAND_TIMEOUT_MS'] = '500';
  await receiver.start();
  view = new StaticConfigView(snapshotOf(shopSpec({ tick: { type: 'tick', url: `${receiver.url}/tick` } })));
  gateway = await startTestApp('gateway', 'gw-r', [EventIngestModule, EventObserveModule], view);
  worker = await startTestApp('event-worker', 'worker-a', EventDeliveryModule, view);
});

afterAll(async () => {
  await worker?.close();
  await gateway?.close();
  await receiver.close();
});

describe('resilience', () => {
  it('loses nothing and sends nothing twice when the worker is restarted mid-stream', async () => {
    receiver.setReplyRule(() => ({ status: 200, delayMs: 5 }));
    const ids: string[] = [];
    const producing = (async () => {
      for (let n = 0; n < 300; n += 1) {
        const res = await queue(n);
        expect(res.status).toBe(202);
        ids.push(res.deliveryId!);
        if (n % 10 === 0) await sleep(5);
      }
    })();
    await waitFor(() => receiver.received.length >= 80, { what: '80 deliveries before the restart' });
    await worker!.close();
    const deliveredWhileDown = receiver.received.length;
    worker = await startTestApp('event-worker', 'worker-b', EventDeliveryModule, view);
    await producing;
    await waitFor(() => new Set(ids).size === 300 && ids.every((id) => countsById().has(id)), {
      what: 'all 300 delivered',
      timeoutMs: 30_000,
    });
    const counts = countsById();
    expect([...counts.values()].filter((count) => count > 1)).toEqual([]);
    expect(deliveredWhileDown).toBeLessThan(300);
  });

  it('answers 503 with Retry-After while Redis is down, then recovers', async () => {
    await redis.redis.process.stop();
    const t0 = performance.now();
    const down = await queue(1);
    expect(down.status).toBe(503);
    expect(down.retryAfter).toBe('1');
    expect(performance.now() - t0).toBeLessThan(3_000);
    await redis.redis.start();
    const up = await waitFor(
      async () => {
        const res = await queue(2);
        return res.status === 202 ? res : undefined;
      },
      { what: 'gateway 202 after Redis is back', timeoutMs: 20_000, intervalMs: 200 },
    );
    await waitFor(() => countsById().has(up.deliveryId!), {
      what: 'delivery after the Redis restart',
      timeoutMs: 20_000,
    });
  });
});

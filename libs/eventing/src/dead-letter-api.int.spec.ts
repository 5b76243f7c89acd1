// The DLQ through the API: GET …/dlq lists dead letters oldest first, filtered by trigger, in pages;
// POST …/dlq/redrive {trigger} re-queues only that trigger's. In-process gateway + worker, a real
// redis-server and a real HTTP receiver that fails every delivery until it is fixed.
import { sleep, useRedisServer, waitFor, WebhookReceiver } from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventDeliveryModule, EventIngestModule, EventObserveModule } from './index';
import { type DeadLetterPage } from './observe/dead-letter-page';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { shopSpec, TOKEN } from './testing-fixtures/fixtures';
import { snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

const redis = useRedisServer();
const receiver = new WebhookReceiver();
const broken = { now: true };
let gateway: RunningApp;
let worker: RunningApp;

async function api(path: string, body?: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${gateway.url}/v1/api/shop/eventing/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

const page = async (query: string): Promise<DeadLetterPage> =>
  (await api(`dlq${query}`)).body as unknown as DeadLetterPage;

beforeAll(async () => {
  process.env['REDIS_URL'] = redis.redis.url;
  process.env['WEBHOOK_ALLOWED_CIDRS'] = '127.0.0.1/32';
  await receiver.start();
  receiver.setReplyRule(() => (broken.now ? { status: 500 } : {}));
  const triggers = {
    a: { type: 'tick', url: `${receiver.url}/a`, retries: 0 },
    b: { type: 'tick', url: `${receiver.url}/b`, retries: 0 },
  };
  const view = new StaticConfigView(snapshotOf(shopSpec(triggers)));
  gateway = await startTestApp('gateway', 'gw-dlq', [EventIngestModule, EventObserveModule], view);
  worker = await startTestApp('event-worker', 'worker-dlq', EventDeliveryModule, view);
});

afterAll(async () => {
  await worker?.close();
  await gateway?.close();
  await receiver.close();
});

describe('the DLQ through the API', () => {
  it('lists dead letters by trigger in pages, and redrives one trigger only', async () => {
    const deliveries: { id: string; trigger: string }[] = [];
    for (let n = 0; n < 3; n += 1) {
      const queued = await api('queue', { type: 'tick', payload: { n } });
      expect(queued.status).toBe(202);
      deliveries.push(...(queued.body['deliveries'] as { id: string; trigger: string }[]));
    }
    const all = await waitFor(
      async () => {
        const listed = await page('');
        return listed.entries.length === 6 ? listed : undefined;
      },
      { what: 'six dead letters', timeoutMs: 10_000 },
    );
    expect(all.next).toBeNull();
    expect(all.entries.map((e) => e.deliveryId).sort()).toEqual(deliveries.map((d) => d.id).sort());
    expect(new Set(all.entries.map((e) => e.statusCode))).toEqual(new Set([500]));
    expect(all.entries.map((e) => e.id)).toEqual([...all.entries.map((e) => e.id)].sort()); // oldest first
    expect(all.entries[0]).not.toHaveProperty('payload');

    const first = await page('?trigger=a&limit=2');
    expect(first.entries.map((e) => e.trigger)).toEqual(['a', 'a']);
    expect(first.next).toBe(first.entries[1]!.id);
    const second = await page(`?trigger=a&limit=2&cursor=${first.next}`);
    expect(second.entries.map((e) => e.trigger)).toEqual(['a']);
    expect(second.next).toBeNull();
    const ofA = [...first.entries, ...second.entries].map((e) => e.deliveryId).sort();
    expect(ofA).toEqual(
      deliveries
        .filter((d) => d.trigger === 'a')
        .map((d) => d.id)
        .sort(),
    );

    expect((await api('dlq?limit=0')).status).toBe(400);
    expect((await api('dlq?cursor=nope')).status).toBe(400);
    expect((await api('dlq/redrive', { trigger: 5 })).status).toBe(400);

    broken.now = false; // the receiver is fixed
    expect((await api('dlq/redrive', { trigger: 'a' })).body).toEqual({ redriven: 3 });
    await waitFor(() => receiver.on('/a').filter((r) => r.status === 200).length === 3, {
      what: "a's three deliveries",
      timeoutMs: 10_000,
    });
    await sleep(200); // a duplicate, or one of b's, would land now
    expect(receiver.on('/b').filter((r) => r.status === 200)).toEqual([]);
    const left = await page('');
    expect(left.entries.map((e) => e.trigger)).toEqual(['b', 'b', 'b']);
  });
});

// Per-trigger rate limit and auto-disable after a run of final failures (docs/eventing.md "Rate limit",
// "Retries"): an in-process gateway + worker against a real redis-server and a real HTTP receiver.
import { sleep, useRedisServer, waitFor, WebhookReceiver } from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EventDeliveryModule, EventIngestModule, EventObserveModule } from './index';
import { DeadLetters } from './common/dead-letters';
import { DisabledTriggers } from './common/disabled-triggers';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { shopSpec, TOKEN } from './testing-fixtures/fixtures';
import { snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

const redis = useRedisServer();
const receiver = new WebhookReceiver();
let gateway: RunningApp;
let worker: RunningApp;
/** status /fragile and /resilient answer next */
const answer = { fragile: 500, resilient: 500 };

async function post(path: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${gateway.url}/v1/api/shop/eventing/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    body: JSON.stringify(body),
  });
  expect(res.status).toBe(202);
  return (await res.json()) as Record<string, unknown>;
}

interface EventDetail {
  status: string;
  invocations: { statusCode: number | null; attempt: number }[];
}

async function settled(eventId: string, status: string): Promise<EventDetail> {
  return waitFor(
    async () => {
      const res = await fetch(`${gateway.url}/v1/api/shop/eventing/events/${eventId}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      const detail = (await res.json()) as EventDetail;
      return detail.status === status ? detail : undefined;
    },
    { what: `event ${eventId} ${status}`, timeoutMs: 10_000 },
  );
}

/** Queues one event of `type`, waits until it ends in `status`; returns its deliveries. */
async function deliverOne(type: string, status: string): Promise<unknown[]> {
  const json = await post('queue', { type, payload: {} });
  await settled(json['eventId'] as string, status);
  return json['deliveries'] as unknown[];
}

beforeAll(async () => {
  process.env['REDIS_URL'] = redis.redis.url;
  process.env['WEBHOOK_ALLOWED_CIDRS'] = '127.0.0.1/32';
  process.env['EVENTING_LOCK_MS'] = '2000';
  process.env['EVENTING_DISABLE_AFTER_FAILURES'] = '3';
  await receiver.start();
  receiver.setReplyRule((path) => ({
    status: path === '/fragile' ? answer.fragile : path === '/resilient' ? answer.resilient : 200,
  }));
  const view = new StaticConfigView(
    snapshotOf(
      shopSpec({
        throttled: { type: 'throttled', url: `${receiver.url}/throttled`, rateLimit: 5 },
        fragile: { type: 'fragile', url: `${receiver.url}/fragile`, retries: 0 },
        resilient: { type: 'resilient', url: `${receiver.url}/resilient`, retries: 0 },
      }),
    ),
  );
  gateway = await startTestApp('gateway', 'gw-rl', [EventIngestModule, EventObserveModule], view);
  worker = await startTestApp('event-worker', 'worker-rl', EventDeliveryModule, view);
});

afterAll(async () => {
  await worker?.close();
  await gateway?.close();
  await receiver.close();
});

describe('per-trigger rate limit', () => {
  it('delivers at most rateLimit per fixed 1 s window, postponing the rest without spending attempts', async () => {
    // start early in a window, so the first (immediate) deliveries are not split across a boundary
    await waitFor(() => Date.now() % 1_000 < 200, { what: 'start of a second', timeoutMs: 2_000, intervalMs: 5 });
    const batch = await post('queue/batch', {
      events: Array.from({ length: 15 }, (_, n) => ({ type: 'throttled', payload: { n } })),
    });
    const eventIds = (batch['events'] as { eventId: string }[]).map((e) => e.eventId);
    expect(eventIds).toHaveLength(15);
    await waitFor(() => receiver.on('/throttled').length >= 15, { what: '15 deliveries', timeoutMs: 10_000 });
    const arrivals = receiver.on('/throttled');
    expect(new Set(arrivals.map((r) => r.headers['webhook-id'])).size).toBe(15);
    const perWindow = new Map<number, number>();
    for (const r of arrivals) {
      const window = Math.floor((performance.timeOrigin + r.at) / 1_000);
      perWindow.set(window, (perWindow.get(window) ?? 0) + 1);
    }
    expect(Math.max(...perWindow.values())).toBeLessThanOrEqual(5);
    expect(perWindow.size).toBeGreaterThanOrEqual(3);
    for (const id of eventIds) {
      const detail = await settled(id, 'processed');
      expect(detail.invocations).toEqual([expect.objectContaining({ statusCode: 200, attempt: 1 })]);
    }
  });
});

describe('auto-disable after EVENTING_DISABLE_AFTER_FAILURES final failures in a row', () => {
  it('disables the trigger after 3 dead-lettered deliveries; a 4th event is held, not sent', async () => {
    for (let n = 0; n < 3; n += 1) expect(await deliverOne('fragile', 'failed')).toHaveLength(1);
    const disabled = worker.app.get(DisabledTriggers);
    const reasons = await waitFor(async () => (await disabled.ofProject('shop'))['fragile'], {
      what: 'fragile disabled',
    });
    expect(reasons).toMatchObject({ reason: 'failures', statusCode: 500 });
    answer.fragile = 200;
    const fourth = await post('queue', { type: 'fragile', payload: {} });
    const [held] = fourth['deliveries'] as { id: string }[];
    const deadLetters = worker.app.get(DeadLetters);
    const parked = await waitFor(
      async () => (await deadLetters.list('shop')).find((l) => l.job.deliveryId === held?.id),
      {
        what: 'the 4th delivery held',
      },
    );
    expect(parked.reason).toBe('held: trigger disabled by the data plane (failures)');
    await sleep(300);
    expect(receiver.on('/fragile')).toHaveLength(3);
  });

  it('a success resets the run', async () => {
    for (const status of [500, 500, 200, 500, 500]) {
      answer.resilient = status;
      expect(await deliverOne('resilient', status === 200 ? 'processed' : 'failed')).toHaveLength(1);
    }
    expect(await worker.app.get(DisabledTriggers).isDisabled('shop', 'resilient')).toBe(false);
    answer.resilient = 200;
    expect(await deliverOne('resilient', 'processed')).toHaveLength(1);
    expect(receiver.on('/resilient')).toHaveLength(6);
  });
});

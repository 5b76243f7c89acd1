// EVENTING_SYNC_MAX_PENDING (docs/space-cloud.md#synchronous-events) against a real redis-server, an
// in-process gateway and event-worker and a real webhook receiver that holds its answers until the test
// releases them: a gateway holding its limit of synchronous calls refuses the next one at once with 503
// before publishing anything, asynchronous events still go through, and every way a held call ends (an
// answer, a 504, the client going away) gives its slot back.
import { sampleSum, scrapeMetrics, sleep, useRedisServer, waitFor, WebhookReceiver } from '@spaceport/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventDeliveryModule, EventIngestModule, EventObserveModule } from './index';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { shopSpec, TOKEN } from './testing-fixtures/fixtures';
import { postQueue, type QueueAnswer } from './testing-fixtures/queue-request';
import { snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

const LIMIT = 2;
/** the `slow` trigger's timeout: a synchronous call for it is held 300 ms + SYNC_PICKUP_MS (2 s) */
const SLOW_TIMEOUT_MS = 300;
const redis = useRedisServer();

/** A gate the receiver's held answers wait on; `open` releases them all. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('EVENTING_SYNC_MAX_PENDING: the synchronous calls one gateway holds', () => {
  let answers = gate();
  const receiver = new WebhookReceiver((path, _count, webhookId) =>
    path === '/paid'
      ? { status: 204 }
      : {
          status: 200,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ response: { price: 42, webhookId } }),
          until: answers.promise,
        },
  );
  let gateway: RunningApp;
  let worker: RunningApp;

  const synchronous = (type: string, n: number): Promise<QueueAnswer> =>
    postQueue(gateway.url, { type, payload: { n }, isSynchronous: true });
  const gatewayMetric = async (name: string): Promise<number> => sampleSum(await scrapeMetrics(gateway.url), name);
  const pending = (): Promise<number> => gatewayMetric('spaceport_sync_calls_pending');
  const pendingReads = (held: number) =>
    waitFor(async () => (await pending()) === held, { what: `${held} synchronous calls held`, timeoutMs: 10_000 });

  beforeAll(async () => {
    process.env['REDIS_URL'] = redis.redis.url;
    process.env['WEBHOOK_ALLOWED_CIDRS'] = '127.0.0.1/32';
    process.env['EVENTING_SYNC_MAX_PENDING'] = String(LIMIT);
    await receiver.start();
    const view = new StaticConfigView(
      snapshotOf(
        shopSpec({
          quote: { type: 'price.quote', url: `${receiver.url}/quote` },
          slow: { type: 'price.slow', url: `${receiver.url}/slow`, timeout: SLOW_TIMEOUT_MS },
          paid: { type: 'order.paid', url: `${receiver.url}/paid` },
        }),
      ),
    );
    gateway = await startTestApp('gateway', 'gw-sync-cap', [EventIngestModule, EventObserveModule], view);
    worker = await startTestApp('event-worker', 'worker-sync-cap', EventDeliveryModule, view);
  });

  afterEach(() => {
    answers.open();
    answers = gate();
  });

  afterAll(async () => {
    answers.open();
    delete process.env['EVENTING_SYNC_MAX_PENDING'];
    await worker?.close();
    await gateway?.close();
    await receiver.close();
  });

  it('refuses the call past the limit at once, before publishing it; answered calls free their slots', async () => {
    const held = [synchronous('price.quote', 1), synchronous('price.quote', 2)];
    await waitFor(() => receiver.on('/quote').length === LIMIT, { what: 'both held deliveries', timeoutMs: 10_000 });
    expect(await pending()).toBe(LIMIT);

    const refused = await synchronous('price.quote', 3);
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toBe('1');
    expect(refused.body).toEqual({
      statusCode: 503,
      error: 'Service Unavailable',
      message: `isSynchronous: this gateway holds ${LIMIT} synchronous calls, its limit (EVENTING_SYNC_MAX_PENDING); retry later or queue asynchronously`,
    });
    // the held calls wait on the test, not on a clock: the refusal did not wait for anything
    expect(refused.elapsedMs).toBeLessThan(1_000);
    expect(await gatewayMetric('spaceport_sync_calls_refused_total')).toBe(1);

    // nothing of the refused call was stored or delivered
    const list = await fetch(`${gateway.url}/v1/api/shop/eventing/events?type=price.quote`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    const listed = ((await list.json()) as { events: { id: string; payload: unknown }[] }).events;
    expect(
      listed.map((event) => event.payload).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual([{ n: 1 }, { n: 2 }]);
    // an asynchronous event is not bounded by it
    const asynchronous = await postQueue(gateway.url, { type: 'order.paid', payload: {} });
    expect(asynchronous.status).toBe(202);
    await sleep(300);
    expect(receiver.on('/quote')).toHaveLength(LIMIT);

    answers.open();
    const answered = await Promise.all(held);
    for (const answer of answered) {
      expect(answer.status).toBe(200);
      const deliveries = answer.body['deliveries'] as { id: string }[];
      expect(answer.body['result']).toEqual({ price: 42, webhookId: deliveries[0]?.id });
    }
    expect(answered.map((answer) => answer.body['eventId']).sort()).toEqual(listed.map((event) => event.id).sort());
    // a slot is given back before the answer is written
    expect(await pending()).toBe(0);
    const again = await synchronous('price.quote', 4);
    expect([again.status, again.body['result']]).toEqual([200, expect.objectContaining({ price: 42 })]);
    expect(await pending()).toBe(0);
  });

  it('frees the slots of calls that end in 504', async () => {
    const started = performance.now();
    const slow = [synchronous('price.slow', 1), synchronous('price.slow', 2)];
    await pendingReads(LIMIT);
    expect((await synchronous('price.quote', 5)).status).toBe(503);
    const timedOut = await Promise.all(slow);
    expect(timedOut.map((answer) => answer.status)).toEqual([504, 504]);
    const heldMs = performance.now() - started;
    expect(heldMs).toBeGreaterThanOrEqual(SLOW_TIMEOUT_MS + 2_000 - 100);
    expect(heldMs).toBeLessThan(SLOW_TIMEOUT_MS + 2_000 + 2_000);
    expect(await pending()).toBe(0);
    answers.open();
    const again = await synchronous('price.quote', 6);
    expect(again.status).toBe(200);
  });

  it('frees the slot of a call whose client went away', async () => {
    const client = new AbortController();
    const abandoned = fetch(`${gateway.url}/v1/api/shop/eventing/queue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ type: 'price.quote', payload: { n: 7 }, isSynchronous: true }),
      signal: client.signal,
    }).then(
      () => 'answered',
      () => 'aborted',
    );
    const kept = synchronous('price.quote', 8);
    await pendingReads(LIMIT);
    client.abort();
    expect(await abandoned).toBe('aborted');
    await pendingReads(LIMIT - 1);
    // the freed slot takes a new call (held, not refused)
    const next = synchronous('price.quote', 9);
    await pendingReads(LIMIT);
    answers.open();
    expect((await Promise.all([kept, next])).map((answer) => answer.status)).toEqual([200, 200]);
    expect(await pending()).toBe(0);
    // the abandoned event stays queued and is delivered like any other
    await waitFor(
      () =>
        receiver.on('/quote').some((request) => (JSON.parse(request.body) as { data?: { n?: number } }).data?.n === 7),
      { what: 'the abandoned event delivered', timeoutMs: 10_000 },
    );
  });
});

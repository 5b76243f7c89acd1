import { gzipSync } from 'node:zlib';
import { applyRedisEnv, REDIS_TOPOLOGIES, useRedisTopology, waitFor, WebhookReceiver } from '@spaceport/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetters } from './common/dead-letters';
import { EventDeliveryModule, EventIngestModule, EventObserveModule } from './index';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { SECRETS, shopSpec, TOKEN } from './testing-fixtures/fixtures';
import { snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

describe.each(REDIS_TOPOLOGIES)('on %s', (topology) => {
  const redis = useRedisTopology(topology);
  const receiver = new WebhookReceiver();
  let view: StaticConfigView;
  let gateway: RunningApp;
  let worker: RunningApp;

  const triggers = (url: string) => ({
    plain: { type: 'order.created', url: `${url}/plain`, headers: { 'X-Tenant': 'acme' } },
    flaky: { type: 'flaky', url: `${url}/flaky` },
    slow: { type: 'slow', url: `${url}/slow`, timeout: 300 },
    limited: { type: 'limited', url: `${url}/limited` },
    gone: { type: 'gone', url: `${url}/gone` },
    'gone-then-fixed': { type: 'gone-then-fixed', url: `${url}/gone-then-fixed` },
    chatty: { type: 'chatty', url: `${url}/chatty` },
    broken: { type: 'broken', url: `${url}/broken`, retries: 1 },
    'broken-dlq': { type: 'dlq_broken', url: `${url}/dlq` },
    ordered: { type: 'ordered', url: `${url}/ordered`, ordered: true },
    private: { type: 'ssrf', url: 'http://10.1.2.3/hook' },
    metadata: { type: 'ssrf', url: 'http://169.254.169.254/latest/meta-data' },
    loopback6: { type: 'ssrf', url: 'http://[::1]:9/x' },
  });

  async function post(
    path: string,
    body: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }> {
    const res = await fetch(`${gateway.url}/v1/api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      json: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
      headers: res.headers,
    };
  }

  async function getJson(path: string): Promise<Record<string, unknown>> {
    const res = await fetch(`${gateway.url}/v1/api/${path}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    return (await res.json()) as Record<string, unknown>;
  }

  interface EventDetail {
    status: string;
    deliveries: { trigger: string; status: string }[];
    invocations: { statusCode: number | null; error: string | null; attempt: number }[];
  }

  const eventDetail = async (id: string): Promise<EventDetail> =>
    (await getJson(`shop/eventing/events/${id}`)) as unknown as EventDetail;

  async function settled(id: string, status = 'processed'): Promise<EventDetail> {
    return waitFor(
      async () => {
        const detail = await eventDetail(id);
        return detail.status === status ? detail : undefined;
      },
      { what: `event ${id} ${status}`, timeoutMs: 15_000 },
    );
  }

  beforeAll(async () => {
    applyRedisEnv(redis.env());
    process.env['WEBHOOK_ALLOWED_CIDRS'] = '127.0.0.1/32';
    process.env['EVENTING_LOCK_MS'] = '2000';
    await receiver.start();
    view = new StaticConfigView(snapshotOf(shopSpec(triggers(receiver.url))));
    gateway = await startTestApp('gateway', 'gw-1', [EventIngestModule, EventObserveModule], view);
    worker = await startTestApp('event-worker', 'worker-1', EventDeliveryModule, view);
  });

  afterAll(async () => {
    await worker?.close();
    await gateway?.close();
    await receiver.close();
  });

  afterEach(() => receiver.setReplyRule(() => ({ status: 200 })));

  describe('queue → deliver', () => {
    it('delivers a CloudEvent signed with every active secret (verified by standardwebhooks)', async () => {
      const { status, json } = await post('shop/eventing/queue', {
        type: 'order.created',
        payload: { orderId: 'o-1', amount: 5 },
      });
      expect(status).toBe(202);
      const eventId = json['eventId'] as string;
      const [delivery] = json['deliveries'] as { id: string; trigger: string }[];
      expect(delivery?.trigger).toBe('plain');
      const got = await waitFor(() => receiver.on('/plain').find((r) => r.headers['webhook-id'] === delivery?.id), {
        what: 'delivery',
      });
      const headers = Object.fromEntries(Object.entries(got.headers).map(([k, v]) => [k, String(v)]));
      for (const secret of SECRETS)
        expect(new Webhook(secret).verify(got.body, headers)).toMatchObject({ id: eventId, type: 'order.created' });
      expect(headers['idempotency-key']).toBe(delivery?.id);
      expect(headers['x-tenant']).toBe('acme');
      expect(JSON.parse(got.body)).toMatchObject({
        specversion: '1.0',
        source: '/spaceport/shop',
        data: { orderId: 'o-1', amount: 5 },
      });
      const detail = await settled(eventId);
      expect(detail.invocations).toEqual([expect.objectContaining({ statusCode: 200, attempt: 1 })]);
    });

    it('retries a flaky receiver with the same webhook-id and byte-identical body', async () => {
      receiver.setReplyRule((path, count) => ({ status: path === '/flaky' && count < 2 ? 500 : 200 }));
      const { json } = await post('shop/eventing/queue', { type: 'flaky', payload: { b: 1, a: [1, 2] } });
      const detail = await settled(json['eventId'] as string);
      expect(detail.invocations.map((i) => i.statusCode)).toEqual([500, 500, 200]);
      const attempts = receiver.on('/flaky');
      expect(new Set(attempts.map((r) => r.headers['webhook-id'])).size).toBe(1);
      expect(new Set(attempts.map((r) => r.body)).size).toBe(1);
    });

    it('times out a slow receiver and retries', async () => {
      receiver.setReplyRule((path, count) => ({ status: 200, delayMs: path === '/slow' && count === 0 ? 1_500 : 0 }));
      const { json } = await post('shop/eventing/queue', { type: 'slow', payload: {} });
      const detail = await settled(json['eventId'] as string);
      expect(detail.invocations[0]).toMatchObject({ statusCode: null, error: expect.stringMatching(/timed out/) });
      expect(detail.invocations.at(-1)).toMatchObject({ statusCode: 200 });
    });

    it('keeps the first 2048 bytes of a response in the invocation log, with or without a declared length', async () => {
      const long = 'é'.repeat(3_000); // 6000 bytes of UTF-8
      for (const headers of [{}, { 'transfer-encoding': 'chunked' }] as Record<string, string>[]) {
        receiver.setReplyRule((path) => (path === '/chatty' ? { status: 200, body: long, headers } : { status: 200 }));
        const { json } = await post('shop/eventing/queue', { type: 'chatty', payload: {} });
        const detail = await settled(json['eventId'] as string);
        const response = (detail.invocations[0] as unknown as { response: string }).response;
        expect(Buffer.byteLength(response)).toBeLessThanOrEqual(2_048);
        expect(response.startsWith('é'.repeat(1_000))).toBe(true);
      }
    });

    it('honours 429 Retry-After', async () => {
      receiver.setReplyRule((path, count) =>
        path === '/limited' && count === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 },
      );
      const { json } = await post('shop/eventing/queue', { type: 'limited', payload: {} });
      await settled(json['eventId'] as string);
      const [first, second] = receiver.on('/limited');
      expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
    });

    it('disables a trigger on 410: the delivery fails to the DLQ and later deliveries are held', async () => {
      receiver.setReplyRule((path) => ({ status: path === '/gone' ? 410 : 200 }));
      const { json } = await post('shop/eventing/queue', { type: 'gone', payload: {} });
      await settled(json['eventId'] as string, 'failed');
      const again = await post('shop/eventing/queue', { type: 'gone', payload: {} });
      const [held] = again.json['deliveries'] as { id: string }[];
      const deadLetters = gateway.app.get(DeadLetters);
      const parked = await waitFor(
        async () => (await deadLetters.list('shop')).find((l) => l.job.deliveryId === held?.id),
        {
          what: 'the later delivery held in the DLQ',
        },
      );
      expect(parked.reason).toBe('held: trigger disabled by the data plane (gone)');
      expect((await eventDetail(again.json['eventId'] as string)).status).toBe('staged');
      expect(receiver.on('/gone')).toHaveLength(1);
    });

    it('lists the data-plane disable with its reason and re-enables the trigger through the API', async () => {
      receiver.setReplyRule((path) => ({ status: path === '/gone-then-fixed' ? 410 : 200 }));
      const first = await post('shop/eventing/queue', { type: 'gone-then-fixed', payload: { n: 1 } });
      await settled(first.json['eventId'] as string, 'failed');
      const state = (await getJson('shop/eventing/triggers')) as {
        triggers: {
          trigger: string;
          configEnabled: boolean;
          disabled: { reason: string; statusCode: number } | null;
        }[];
      };
      expect(state.triggers.find((t) => t.trigger === 'gone-then-fixed')).toMatchObject({
        configEnabled: true,
        disabled: { reason: 'gone', statusCode: 410 },
      });
      expect(state.triggers.find((t) => t.trigger === 'plain')).toMatchObject({ configEnabled: true, disabled: null });

      receiver.setReplyRule(() => ({ status: 200 })); // the receiver is fixed
      const enabled = await post('shop/eventing/triggers/gone-then-fixed/enable', {});
      expect(enabled.status).toBe(200);
      expect(enabled.json).toMatchObject({
        trigger: 'gone-then-fixed',
        wasDisabled: true,
        disabled: null,
        released: 0,
      });
      const delivered = await waitFor(
        async () => {
          const next = await post('shop/eventing/queue', { type: 'gone-then-fixed', payload: { n: 2 } });
          return (next.json['deliveries'] as unknown[]).length === 1 ? next : undefined;
        },
        { what: 'fan-out to the re-enabled trigger', timeoutMs: 3_000 },
      );
      await settled(delivered.json['eventId'] as string);
      expect((await post('shop/eventing/triggers/gone-then-fixed/enable', {})).json).toMatchObject({
        wasDisabled: false,
      });
      const unknown = await post('shop/eventing/triggers/nope/enable', {});
      expect(unknown.status).toBe(404);
      expect(String(unknown.json['message'])).toContain('"nope"');
    });

    it('dead-letters exhausted deliveries, raises dlq_<trigger>, and redrives them', async () => {
      receiver.setReplyRule((path) => ({ status: path === '/broken' ? 503 : 200 }));
      const since = new Date().toISOString();
      const { json } = await post('shop/eventing/queue', { type: 'broken', payload: { n: 1 } });
      const detail = await settled(json['eventId'] as string, 'failed');
      expect(detail.invocations).toHaveLength(2);
      const dlqEvent = await waitFor(() => receiver.on('/dlq')[0], { what: 'dlq_broken event' });
      expect(JSON.parse(dlqEvent.body)).toMatchObject({
        type: 'dlq_broken',
        data: { eventId: json['eventId'], reason: 'retries-exhausted' },
      });
      receiver.setReplyRule(() => ({ status: 200 }));
      const redrive = await post('shop/eventing/dlq/redrive', { since });
      expect(redrive.json).toEqual({ redriven: 1 });
      await settled(json['eventId'] as string, 'processed');
    });

    it('delivers ordered triggers in order per partition key despite a failure', async () => {
      receiver.setReplyRule((path, _count, id) => ({
        status: path === '/ordered' && id === failOnce.id && !failOnce.done++ ? 500 : 200,
      }));
      const failOnce = { id: '', done: 0 };
      const ids: string[] = [];
      for (let n = 0; n < 12; n += 1) {
        const { json } = await post('shop/eventing/queue', {
          type: 'ordered',
          payload: { n },
          partitionKey: 'customer-1',
        });
        const deliveries = json['deliveries'] as { id: string }[];
        ids.push(deliveries[0]!.id);
        if (n === 3) failOnce.id = deliveries[0]!.id;
      }
      await waitFor(() => receiver.on('/ordered').filter((r) => r.status === 200).length === 12, {
        what: 'ordered deliveries',
      });
      const succeeded = receiver
        .on('/ordered')
        .filter((r) => r.status === 200)
        .map((r) => (JSON.parse(r.body) as { data: { n: number } }).data.n);
      expect(succeeded).toEqual([...Array(12).keys()]);
    });

    it('refuses private, metadata and loopback targets (SSRF guard)', async () => {
      const { json } = await post('shop/eventing/queue', { type: 'ssrf', payload: {} });
      const detail = await settled(json['eventId'] as string, 'failed');
      expect(detail.deliveries.map((d) => d.status)).toEqual(['failed', 'failed', 'failed']);
      for (const invocation of detail.invocations) expect(invocation.error).toMatch(/SSRF/);
    });

    it('delays delivery by `delay` and until a future `timestamp`', async () => {
      const t0 = performance.now();
      const delayed = await post('shop/eventing/queue', { type: 'order.created', payload: { d: 1 }, delay: 800 });
      const at = new Date(Date.now() + 800).toISOString();
      const scheduled = await post('shop/eventing/queue', { type: 'order.created', payload: { d: 2 }, timestamp: at });
      for (const res of [delayed, scheduled]) {
        const id = (res.json['deliveries'] as { id: string }[])[0]!.id;
        const got = await waitFor(() => receiver.received.find((r) => r.headers['webhook-id'] === id), {
          what: 'delayed delivery',
        });
        expect(got.at - t0).toBeGreaterThanOrEqual(750);
      }
    });

    it('wakes idle partitions at once for new and delayed events (markers; the long poll is 30 s)', async () => {
      // longer than BullMQ's default 5 s long poll: every partition queue is now parked in its 30 s one
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      const t0 = performance.now();
      const now = await post('shop/eventing/queue', { type: 'order.created', payload: { idle: 1 } });
      const later = await post('shop/eventing/queue', { type: 'order.created', payload: { idle: 2 }, delay: 1_000 });
      const receipt = async (res: Awaited<ReturnType<typeof post>>): Promise<number> => {
        const id = (res.json['deliveries'] as { id: string }[])[0]!.id;
        return (
          (
            await waitFor(() => receiver.received.find((r) => r.headers['webhook-id'] === id), {
              what: 'delivery after idle',
            })
          ).at - t0
        );
      };
      // bounds far below the 30 s poll, loose for a loaded CI machine (a missed wake-up waits up to 30 s)
      expect(await receipt(now)).toBeLessThan(2_000);
      const delayedAt = await receipt(later);
      expect(delayedAt).toBeGreaterThanOrEqual(950);
      expect(delayedAt).toBeLessThan(3_500);
    }, 20_000);
  });

  describe('queue API contract', () => {
    it('dedupes Idempotency-Key: same id for the same body, 422 for another', async () => {
      const headers = { 'idempotency-key': 'key-1' };
      const first = await post('shop/eventing/queue', { type: 'order.created', payload: { x: 1 } }, headers);
      const second = await post('shop/eventing/queue', { payload: { x: 1 }, type: 'order.created' }, headers);
      expect(second.status).toBe(202);
      expect(second.json['eventId']).toBe(first.json['eventId']);
      expect(second.headers.get('idempotent-replayed')).toBe('true');
      const conflict = await post('shop/eventing/queue', { type: 'order.created', payload: { x: 2 } }, headers);
      expect(conflict.status).toBe(422);
      const id = (first.json['deliveries'] as { id: string }[])[0]!.id;
      await waitFor(() => receiver.received.some((r) => r.headers['webhook-id'] === id), { what: 'delivery' });
      expect(receiver.received.filter((r) => r.headers['webhook-id'] === id)).toHaveLength(1);
    });

    it('answers 401 (an unknown project as a wrong token), 400 (naming the field) and 413', async () => {
      const wrongToken = await post(
        'shop/eventing/queue',
        { type: 't', payload: {} },
        { authorization: 'Bearer wrong-token-000000000000000' },
      );
      expect(wrongToken.status).toBe(401);
      // no enumeration: another project's token on an unknown project answers exactly as a wrong token
      const unknownProject = await post('nope/eventing/queue', { type: 't', payload: {} });
      expect(unknownProject.status).toBe(401);
      expect(unknownProject.json).toEqual(wrongToken.json);
      const missing = await post('shop/eventing/queue', { payload: {} });
      expect(missing.status).toBe(400);
      expect(missing.json['message']).toMatch(/^type:/);
      const unknown = await post('shop/eventing/queue', { type: 't', payload: {}, colour: 'red' });
      expect(unknown.json['message']).toMatch(/colour/);
      const badTime = await post('shop/eventing/queue', { type: 't', payload: {}, timestamp: 'tomorrow' });
      expect(badTime.json['message']).toMatch(/^timestamp:/);
      const large = await post('shop/eventing/queue', { type: 't', payload: { blob: 'x'.repeat(5000) } });
      expect(large.status).toBe(413);
    });

    it('answers the same on the lean queue routes (plain JSON) as through Nest/Express (gzip body)', async () => {
      const send = async (route: string, body: string, headers: Record<string, string>, gzip: boolean) => {
        const res = await fetch(`${gateway.url}/v1/api/${route}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            authorization: `Bearer ${TOKEN}`,
            ...headers,
            ...(gzip ? { 'content-encoding': 'gzip' } : {}),
          },
          body: gzip ? gzipSync(body) : body,
        });
        const json = (await res.json()) as Record<string, unknown>;
        return {
          status: res.status,
          json,
          retryAfter: res.headers.get('retry-after'),
          contentType: res.headers.get('content-type'),
        };
      };
      const one = { type: 't', payload: {} };
      const cases: [string, string, Record<string, string>][] = [
        ['nope/eventing/queue', JSON.stringify(one), {}],
        ['shop/eventing/queue', JSON.stringify(one), { authorization: 'Bearer wrong-token-000000000000000' }],
        ['shop/eventing/queue', JSON.stringify({ payload: {} }), {}],
        ['shop/eventing/queue', JSON.stringify({ type: 't', payload: {}, colour: 'red' }), {}],
        ['shop/eventing/queue', JSON.stringify({ type: 't', payload: { blob: 'x'.repeat(5000) } }), {}],
        ['shop/eventing/queue', JSON.stringify(one), { 'idempotency-key': 'k'.repeat(300) }],
        ['nope/eventing/queue/batch', JSON.stringify({ events: [one] }), {}],
        [
          'shop/eventing/queue/batch',
          JSON.stringify({ events: [one] }),
          { authorization: 'Bearer wrong-token-000000000000000' },
        ],
        ['shop/eventing/queue/batch', JSON.stringify(one), {}],
        ['shop/eventing/queue/batch', JSON.stringify({ events: [] }), {}],
        ['shop/eventing/queue/batch', JSON.stringify({ events: [one, { type: 't' }] }), {}],
        ['shop/eventing/queue/batch', JSON.stringify({ events: Array.from({ length: 501 }, () => one) }), {}],
      ];
      for (const [route, body, headers] of cases) {
        const lean = await send(route, body, headers, false);
        const nest = await send(route, body, headers, true);
        expect(lean.status).toBeGreaterThanOrEqual(400);
        expect({ ...lean, case: `${route} ${body.slice(0, 80)}` }).toEqual({
          ...nest,
          case: `${route} ${body.slice(0, 80)}`,
        });
      }
      for (const [route, body] of [
        ['shop/eventing/queue', (n: number) => ({ type: 'order.created', payload: { n } })],
        [
          'shop/eventing/queue/batch',
          (n: number) => ({
            events: [
              { type: 'order.created', payload: { n } },
              { type: 'order.created', payload: { n: -n } },
            ],
          }),
        ],
      ] as const) {
        const accepted = [
          await send(route, JSON.stringify(body(1)), {}, false),
          await send(route, JSON.stringify(body(2)), {}, true),
        ];
        expect(accepted.map((r) => r.status)).toEqual([202, 202]);
        expect(Object.keys(accepted[0]!.json).sort()).toEqual(Object.keys(accepted[1]!.json).sort());
      }
      for (const route of ['shop/eventing/queue', 'shop/eventing/queue/batch']) {
        const malformed = await send(route, '{"type": "t", ', {}, false);
        expect(malformed.status).toBe(400);
        expect(String(malformed.json['message'])).toMatch(/^body is not valid JSON/);
      }
    });

    it('queues a batch and lists, filters and pages the event log', async () => {
      const batch = await post('shop/eventing/queue/batch', {
        events: [
          { type: 'batch.x', payload: { i: 1 } },
          { type: 'batch.x', payload: { i: 2 } },
        ],
      });
      expect(batch.status).toBe(202);
      expect(batch.json['events']).toHaveLength(2);
      const page1 = (await getJson('shop/eventing/events?type=batch.x&limit=1')) as {
        events: { id: string }[];
        nextCursor: string;
      };
      expect(page1.events).toHaveLength(1);
      const page2 = (await getJson(`shop/eventing/events?type=batch.x&limit=1&cursor=${page1.nextCursor}`)) as {
        events: { id: string }[];
      };
      expect(page2.events).toHaveLength(1);
      expect(page2.events[0]!.id < page1.events[0]!.id).toBe(true);
    });

    it('redelivers an event with a new webhook-id', async () => {
      const { json } = await post('shop/eventing/queue', { type: 'order.created', payload: { r: 1 } });
      await settled(json['eventId'] as string);
      const redo = await post(`shop/eventing/events/${json['eventId'] as string}/redeliver`, {});
      const id = (redo.json['deliveries'] as { id: string }[])[0]!.id;
      await waitFor(() => receiver.received.some((r) => r.headers['webhook-id'] === id), { what: 'redelivery' });
    });
  });
});

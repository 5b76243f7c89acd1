// Space Cloud's own JavaScript client, space-api@0.19.3 from npm, unmodified, against a distributed stack
// of built processes (config-service, two gateways, two event-workers, real Consul and Redis): plain,
// delayed, dated and synchronous events and webhook answers that queue follow-up events. Every delivery
// is verified with the independent standardwebhooks library and counted once (docs/space-cloud.md).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import {
  AppStack,
  call,
  type LaunchedApp,
  projectBody,
  type ReceivedRequest,
  spaceCloudTrigger,
  useConsulAgent,
  useRedisServer,
  waitFor,
  WEBHOOK_SECRET,
  WebhookReceiver,
} from '@spaceport/testing';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

interface QueueCall {
  delay(ms: number): QueueCall;
  date(date: Date): QueueCall;
  synchronous(): QueueCall;
  apply(): Promise<{ status: number; data: Record<string, unknown> }>;
}
interface SpaceClient {
  setToken(token: string): void;
  queueEvent(type: string, payload: unknown): QueueCall;
}

// the client as published: a CommonJS class without type declarations
const { API: SpaceApi } = createRequire(__filename)('space-api') as {
  API: new (project: string, url: string) => SpaceClient;
};
const ADMIN = 'admin-token-0123456789abcdef';
const PROJECT_TOKEN = projectBody('x').secrets.apiTokens[0] ?? '';
const FOLLOW_UP_MAX_DEPTH = 2;
const consul = useConsulAgent();
const redis = useRedisServer();
const verifier = new Webhook(WEBHOOK_SECRET);

/** The CloudEvent of a received delivery, after checking its Standard Webhooks signature. */
function verified(request: ReceivedRequest): { id: string; type: string; time: string; data: unknown } {
  const headers = Object.fromEntries(
    ['webhook-id', 'webhook-timestamp', 'webhook-signature'].map((name) => [name, String(request.headers[name])]),
  );
  return verifier.verify(request.body, headers) as { id: string; type: string; time: string; data: unknown };
}

const json = (body: unknown) => ({
  status: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

describe('Space Cloud client (space-api@0.19.3) against a distributed stack', () => {
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-space-api-'));
  let stack: AppStack;
  let receiver: WebhookReceiver;
  let gateways: LaunchedApp[];
  let client: SpaceClient;

  beforeAll(async () => {
    receiver = await new WebhookReceiver((path, _count, webhookId) => {
      if (path === '/quote') return json({ response: { price: 42, webhookId } });
      if (path === '/chain')
        return json({ events: [1, 2].map((n) => ({ type: 'order.shipped', payload: { n }, isSynchronous: false })) });
      if (path === '/slow') return { ...json({ response: 'late' }), delayMs: 4_000 };
      if (path === '/loop') return json({ event: { type: 'loop', payload: { from: webhookId } } });
      return { status: 204 };
    }).start();
    stack = new AppStack({
      workDir,
      redisUrl: redis.redis.url,
      consulAddr: consul.agent.httpAddr,
      register: true,
      clusterId: 'sc',
      adminToken: ADMIN,
      readToken: 'read-token-0123456789abcdef',
      heartbeat: '500ms',
      extraEnv: {
        WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32',
        CONSUL_CHECK_TTL: '3s',
        EVENTING_FOLLOW_UP_MAX_DEPTH: String(FOLLOW_UP_MAX_DEPTH),
      },
    });
    await stack.launch('config-service', 'config-service');
    gateways = await Promise.all([stack.launch('gateway', 'gateway-1'), stack.launch('gateway', 'gateway-2')]);
    await Promise.all([stack.launch('event-worker', 'worker-1'), stack.launch('event-worker', 'worker-2')]);
    await stack.waitForMirrors('every app holds a config', (status) => status.status === 'ready', 15_000);
    const admin = gateways[0]!;
    await stack.createTrigger(admin, `${receiver.url}/paid`);
    const triggers: [string, object][] = [
      ['paid-main', { ...spaceCloudTrigger('paid-main', `${receiver.url}/paid-main`), options: { db: 'main' } }],
      ['quote', { ...spaceCloudTrigger('quote', `${receiver.url}/quote`), type: 'price.quote' }],
      ['chain', { ...spaceCloudTrigger('chain', `${receiver.url}/chain`), type: 'order.placed' }],
      ['shipped', { ...spaceCloudTrigger('shipped', `${receiver.url}/shipped`), type: 'order.shipped' }],
      ['loop', { ...spaceCloudTrigger('loop', `${receiver.url}/loop`), type: 'loop' }],
      ['slow', { ...spaceCloudTrigger('slow', `${receiver.url}/slow`), type: 'price.slow', timeout: 1_000 }],
    ];
    for (const [id, body] of triggers) {
      const put = await call(admin.url, 'POST', `/v1/config/projects/shop/eventing/triggers/${id}`, ADMIN, body);
      expect(put.status, JSON.stringify(put.body)).toBe(200);
    }
    await stack.waitForMirrors(
      'every trigger mirrored',
      (s) => triggers.every(([id]) => s.config.projects['shop']?.triggers[id] !== undefined),
      15_000,
    );
    client = new SpaceApi('shop', gateways[0]!.url);
    client.setToken(PROJECT_TOKEN);
  }, 120_000);

  afterAll(async () => {
    await stack?.stopAll();
    await receiver?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  /** The one delivery of event `eventId` to `path`, verified; fails on a second send. */
  async function deliveredOnce(path: string, eventId: string): Promise<{ request: ReceivedRequest; time: string }> {
    const request = await waitFor(() => receiver.on(path).find((r) => verified(r).id === eventId), {
      what: `event ${eventId} at ${path}`,
      timeoutMs: 15_000,
    });
    expect(receiver.countByWebhookId.get(request.webhookId)).toBe(1);
    return { request, time: verified(request).time };
  }

  it('queues a plain event: the call succeeds and the webhook gets it once, at the client timestamp', async () => {
    const before = Date.now();
    const res = await client.queueEvent('order.paid', { order: 'plain' }).apply();
    expect(res.status).toBe(202);
    const eventId = String(res.data['eventId']);
    const { request, time } = await deliveredOnce('/paid', eventId);
    expect(verified(request).data).toEqual({ order: 'plain' });
    // the CloudEvent time is the timestamp the client sent (`new Date()` in apply), not a later one
    expect(Date.parse(time)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(time)).toBeLessThanOrEqual(Date.now());
  });

  it('delays by .delay(ms) and schedules by .date(d), with time = the date', async () => {
    const queuedAt = Date.now();
    const delayed = await client.queueEvent('order.paid', { order: 'delayed' }).delay(1_500).apply();
    const at = new Date(Date.now() + 2_000);
    const dated = await client.queueEvent('order.paid', { order: 'dated' }).date(at).apply();
    expect([delayed.status, dated.status]).toEqual([202, 202]);
    const first = await deliveredOnce('/paid', String(delayed.data['eventId']));
    expect(first.request.at - (queuedAt - performance.timeOrigin)).toBeGreaterThanOrEqual(1_400);
    const second = await deliveredOnce('/paid', String(dated.data['eventId']));
    expect(second.time).toBe(at.toISOString());
    expect(performance.timeOrigin + second.request.at).toBeGreaterThanOrEqual(at.getTime() - 100);
  });

  it('sends options {} as the client does: triggers without options get the event, one with options does not', async () => {
    const res = await client.queueEvent('order.paid', { order: 'options' }).apply();
    const deliveries = res.data['deliveries'] as { trigger: string }[];
    expect(deliveries.map((d) => d.trigger)).toEqual(['paid']);
    await deliveredOnce('/paid', String(res.data['eventId']));
    expect(receiver.on('/paid-main')).toHaveLength(0);
  });

  it('answers a synchronous event with the webhook response, through the gateway that took the call', async () => {
    const viaSecond = new SpaceApi('shop', gateways[1]!.url);
    viaSecond.setToken(PROJECT_TOKEN);
    const res = await viaSecond.queueEvent('price.quote', { order: 'sync' }).synchronous().apply();
    expect(res.status).toBe(200);
    const result = res.data['result'] as { price: number; webhookId: string };
    expect(result.price).toBe(42);
    // the answer is the one of the delivery the worker made, which reached the receiver once
    const { request } = await deliveredOnce('/quote', String(res.data['eventId']));
    expect(result.webhookId).toBe(request.webhookId);
  });

  it('answers a synchronous event without a response as null, and one nobody answers in time with 504', async () => {
    const started = Date.now();
    const plain = await client.queueEvent('order.paid', { order: 'sync-204' }).synchronous().apply();
    expect(plain.status).toBe(200);
    expect(plain.data['result']).toBeNull();
    await deliveredOnce('/paid', String(plain.data['eventId']));
    // nothing matches: answered at once
    const none = await client.queueEvent('no.trigger', {}).synchronous().apply();
    expect([none.status, none.data['result'], none.data['deliveries']]).toEqual([200, null, []]);
    expect(Date.now() - started).toBeLessThan(5_000);

    const slowStart = Date.now();
    const slow = await client.queueEvent('price.slow', {}).synchronous().apply();
    // held for the trigger's timeout (1 s) + the 2 s pickup allowance, not for the receiver's 4 s
    expect(slow.status).toBe(504);
    expect(slow.data).toMatchObject({ statusCode: 504, error: 'Gateway Timeout' });
    expect(String(slow.data['message'])).toMatch(/^isSynchronous: no webhook answered event \S+ within 3000 ms/);
    expect(Date.now() - slowStart).toBeGreaterThanOrEqual(2_900);
    expect(Date.now() - slowStart).toBeLessThan(4_000);
  });

  it('queues the events of a webhook answer once each, and stops at EVENTING_FOLLOW_UP_MAX_DEPTH', async () => {
    const res = await client.queueEvent('order.placed', { order: 'chain' }).apply();
    await deliveredOnce('/chain', String(res.data['eventId']));
    const shipped = await waitFor(() => (receiver.on('/shipped').length >= 2 ? receiver.on('/shipped') : undefined), {
      what: 'two follow-up deliveries',
      timeoutMs: 15_000,
    });
    expect(
      shipped.map((r) => verified(r).data).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    ).toEqual([{ n: 1 }, { n: 2 }]);

    const loop = await client.queueEvent('loop', { from: 'client' }).apply();
    await deliveredOnce('/loop', String(loop.data['eventId']));
    // the queued event and its follow-ups 1 and 2 levels down; the third level is dropped
    await waitFor(() => receiver.on('/loop').length >= FOLLOW_UP_MAX_DEPTH + 1, {
      what: 'the follow-up chain',
      timeoutMs: 15_000,
    });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(receiver.on('/loop')).toHaveLength(FOLLOW_UP_MAX_DEPTH + 1);
    expect(receiver.on('/shipped')).toHaveLength(2);
    // every delivery verified and sent once (the /slow receiver times out: retried by design)
    const answered = receiver.received.filter((request) => request.path !== '/slow');
    for (const request of answered) verified(request);
    expect(new Set(answered.map((request) => request.webhookId)).size).toBe(answered.length);
  });
});

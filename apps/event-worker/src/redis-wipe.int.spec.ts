// Redis restarted without its data (no persistence, or a failover to an empty replica), with the
// real built processes in distributed mode (config-service, gateway, two event-workers, Consul) under
// a steady event stream. Every app must reconnect by itself and deliver what is accepted afterwards
// (partition epochs re-established, config kept); what Redis itself lost shows as events the event
// log no longer knows (404), never as an event left `staged`.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type AcceptedEvent,
  AppStack,
  deliveredTo,
  call,
  type LaunchedApp,
  projectBody,
  runEventStream,
  sleep,
  useConsulAgent,
  useRedisServer,
  waitFor,
  WebhookReceiver,
} from '@spaceport/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ADMIN = 'admin-token-0123456789abcdef';
const PROJECT_TOKEN = projectBody('x').secrets.apiTokens[0] ?? '';
const STREAM = { total: 1_200, perSecond: 60, maxInFlight: 16 };
/** A delivery accepted after Redis is back must arrive within this. */
const RESUME_BOUND_MS = 15_000;
const consul = useConsulAgent();
const redis = useRedisServer();

describe('Redis restarted without its data, under a steady stream', { timeout: 120_000 }, () => {
  const workDir = mkdtempSync(join(tmpdir(), 'spaceport-redis-wipe-'));
  let stack: AppStack;
  let gateway: LaunchedApp;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    receiver = await new WebhookReceiver(() => ({ status: 204, delayMs: 10 })).start();
    stack = new AppStack({
      workDir,
      redisUrl: redis.redis.url,
      consulAddr: consul.agent.httpAddr,
      register: true,
      clusterId: 'wipe',
      adminToken: ADMIN,
      readToken: 'read-token-0123456789abcdef',
      heartbeat: '200ms',
      extraEnv: { WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32', CONSUL_CHECK_TTL: '3s' },
    });
    gateway = await stack.launchDeliveringSet(`${receiver.url}/hook`);
  }, 60_000);

  afterAll(async () => {
    await stack?.stopAll();
    await receiver?.close();
    rmSync(workDir, { recursive: true, force: true });
  });

  const delivered = (event: AcceptedEvent): boolean => deliveredTo(receiver)(event);
  const logStatus = async (event: AcceptedEvent): Promise<number> =>
    (await call(gateway.url, 'GET', `/v1/api/shop/eventing/events/${event.eventId}`, PROJECT_TOKEN)).status;

  it('reconnects, re-establishes the epochs and delivers what is accepted afterwards; losses show as unknown events', async () => {
    const stream = runEventStream({ gatewayUrl: gateway.url, project: 'shop', token: PROJECT_TOKEN, ...STREAM });
    await sleep(5_000);
    // due long after the wipe: certainly still queued when Redis loses everything
    const delayed: AcceptedEvent[] = [];
    for (let i = 0; i < 5; i += 1) {
      const res = await call(gateway.url, 'POST', '/v1/api/shop/eventing/queue', PROJECT_TOKEN, {
        type: 'order.paid',
        payload: { delayed: i },
        delay: 60_000,
      });
      expect(res.status).toBe(202);
      const body = res.body as { eventId: string; partition: number; deliveries: { id: string }[] };
      const deliveryIds = body.deliveries.map((d) => d.id);
      delayed.push({ eventId: body.eventId, partition: body.partition, deliveryIds, acceptedAt: Date.now() });
    }
    await sleep(1_000);
    const wipedAt = Date.now();
    await redis.redis.restart({ wipe: true });
    const backAt = Date.now();
    const result = await stream;

    const after = result.accepted.filter((event) => event.acceptedAt > backAt);
    const before = result.accepted.filter((event) => event.acceptedAt < wipedAt);
    expect(after.length).toBeGreaterThan(100);
    await waitFor(() => after.every(delivered), {
      what: 'every delivery accepted after Redis came back',
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    const firstAfter = Math.min(
      ...after.flatMap((event) => event.deliveryIds.map((id) => receiver.firstArrivalByWebhookId.get(id) ?? Infinity)),
    );
    const resumedMs = Math.round(performance.timeOrigin + firstAfter - backAt);
    expect(resumedMs).toBeLessThan(RESUME_BOUND_MS);

    // accepted before the wipe and not delivered: lost with Redis, and the log says it does not know them
    const undelivered = [...before, ...delayed].filter((event) => !delivered(event));
    expect(undelivered.length).toBeGreaterThanOrEqual(delayed.length);
    const undeliveredStatuses = await Promise.all(undelivered.map(logStatus));
    expect(undeliveredStatuses.every((status) => status === 404)).toBe(true);
    // delivered after the wipe: processed in the log
    const sample = after.slice(-5);
    for (const event of sample) {
      const view = await call(gateway.url, 'GET', `/v1/api/shop/eventing/events/${event.eventId}`, PROJECT_TOKEN);
      expect(view.body['status']).toBe('processed');
    }
    // the config-service writes its last good config back into the empty Redis (docs/operations.md#config-store-reset)
    const admin = new Redis(redis.redis.url);
    try {
      await waitFor(async () => (await admin.exists('spaceport:wipe:config:last-good')) === 1, {
        what: 'the last good config copied into Redis again',
        timeoutMs: 5_000,
      });
    } finally {
      admin.disconnect();
    }
    const statuses = [...result.rejected.keys()];
    expect(statuses.filter((status) => status !== 503 && status !== 0)).toEqual([]);
    expect(receiver.duplicateSends()).toBe(0);
    console.info(
      `redis wipe: ${result.accepted.length} accepted (${[...result.rejected].map(([s, n]) => `${s}×${n}`).join(', ') || 'none'} refused); ` +
        `Redis down ${backAt - wipedAt} ms; first delivery of an event accepted afterwards ${resumedMs} ms after it was back; ` +
        `${after.length} accepted afterwards, all delivered; ${undelivered.length} accepted before and lost with Redis (404 in the log); 0 duplicates`,
    );
  });
});

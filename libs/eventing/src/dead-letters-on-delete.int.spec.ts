// Deliveries queued when their trigger or project is deleted end in the DLQ with the reason, status
// `cancelled`, and are redriven once the config has them again (docs/eventing.md "Statuses"): an
// in-process gateway + worker against a real redis-server and a real HTTP receiver, events streaming.
import { sampleSum, scrapeMetrics, sleep, useRedisServer, waitFor, WebhookReceiver } from '@spaceport/testing';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetters } from './common/dead-letters';
import { eventingKeys, triggerRef } from './common/keys';
import { EventDeliveryModule, EventIngestModule, EventObserveModule } from './index';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { SECRETS, shopSpec, TOKEN } from './testing-fixtures/fixtures';
import { type SnapshotSpec, snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

/** Longer than the stream runs before the delete: every delivery of the deleted trigger is still queued then. */
const DELAY_MS = 2_000;
const MALL_TOKEN = 'mall-token-0123456789abcdefghijk';
const redis = useRedisServer();
const receiver = new WebhookReceiver();
const keys = eventingKeys('default');
let admin: Redis;
let view: StaticConfigView;
let gateway: RunningApp;
let worker: RunningApp;
let version = 1;

interface Accepted {
  readonly eventId: string;
  readonly deliveries: { id: string; trigger: string }[];
}

/** The `doomed` trigger: in the config, deleted, or there with `enabled: false`. */
type Doomed = 'on' | 'deleted' | 'disabled';

function spec(parts: { doomed: Doomed; mall: boolean }): SnapshotSpec {
  const url = receiver.url;
  const doomed = { type: 'tick', url: `${url}/doomed`, enabled: parts.doomed === 'on' };
  const shop = shopSpec({
    keep: { type: 'tick', url: `${url}/keep` },
    ...(parts.doomed === 'deleted' ? {} : { doomed }),
    watch: { type: 'dlq_doomed', url: `${url}/watch` },
  });
  if (!parts.mall) return shop;
  const mall = { name: 'Mall', secrets: { webhook: SECRETS, apiTokens: [MALL_TOKEN] } };
  return {
    ...shop,
    projects: { ...shop.projects, mall: { project: mall, triggers: { hook: { type: 'tick', url: `${url}/mall` } } } },
  };
}

function setConfig(parts: { doomed: Doomed; mall: boolean }): void {
  version += 1;
  view.set(snapshotOf(spec(parts), version));
}

/** Queues a delayed `tick` every 20 ms until `stop()` says so; collects the 202 answers. */
async function stream(project: string, token: string, stop: () => boolean, into: Accepted[]): Promise<void> {
  while (!stop()) {
    const res = await fetch(`${gateway.url}/v1/api/${project}/eventing/queue`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ type: 'tick', payload: { n: into.length }, delay: DELAY_MS }),
    });
    expect(res.status).toBe(202);
    into.push((await res.json()) as Accepted);
    await sleep(20);
  }
}

async function api(project: string, token: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  return (await apiCall(project, token, path, body)).json;
}

async function apiCall(
  project: string,
  token: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`${gateway.url}/v1/api/${project}/eventing/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

const idsOf = (accepted: Accepted[], trigger: string): string[] =>
  accepted.flatMap((a) => a.deliveries.filter((d) => d.trigger === trigger).map((d) => d.id)).sort();

const receivedIds = (path: string): string[] =>
  receiver
    .on(path)
    .map((r) => r.webhookId)
    .sort();

async function deadLettered(project: string, count: number): Promise<{ id: string; reason: string }[]> {
  const deadLetters = worker.app.get(DeadLetters);
  return waitFor(
    async () => {
      const letters = await deadLetters.list(project);
      return letters.length === count ? letters.map((l) => ({ id: l.job.deliveryId, reason: l.reason })) : undefined;
    },
    { what: `${count} dead letters in ${project}`, timeoutMs: DELAY_MS + 8_000 },
  );
}

async function deliveredOnce(path: string, ids: string[]): Promise<void> {
  await waitFor(() => receiver.on(path).length >= ids.length, { what: `${ids.length} on ${path}`, timeoutMs: 10_000 });
  await sleep(200); // a duplicate would land now
  expect(receivedIds(path)).toEqual(ids);
}

beforeAll(async () => {
  process.env['REDIS_URL'] = redis.redis.url;
  process.env['WEBHOOK_ALLOWED_CIDRS'] = '127.0.0.1/32';
  process.env['EVENTING_DISABLE_AFTER_FAILURES'] = '3';
  admin = new Redis(redis.redis.url);
  await receiver.start();
  view = new StaticConfigView(snapshotOf(spec({ doomed: 'on', mall: true }), version));
  gateway = await startTestApp('gateway', 'gw-del', [EventIngestModule, EventObserveModule], view);
  worker = await startTestApp('event-worker', 'worker-del', EventDeliveryModule, view);
});

afterAll(async () => {
  delete process.env['EVENTING_DISABLE_AFTER_FAILURES'];
  await worker?.close();
  await gateway?.close();
  await receiver.close();
  admin?.disconnect();
});

describe('deliveries queued when their trigger or project is deleted', () => {
  it.each([
    ['deleted', 'trigger deleted'],
    ['disabled', 'trigger disabled'],
  ] as const)(
    'a trigger %s in config: each queued delivery to the DLQ (`%s`); redriven once it is back',
    async (change, reason) => {
      receiver.clear();
      const accepted: Accepted[] = [];
      let stopped = false;
      const streaming = stream('shop', TOKEN, () => stopped, accepted);
      await sleep(700);
      setConfig({ doomed: change, mall: true });
      await sleep(500); // the stream goes on: new events no longer fan out to the trigger
      stopped = true;
      await streaming;
      const doomed = idsOf(accepted, 'doomed');
      expect(doomed.length).toBeGreaterThanOrEqual(15);
      expect(idsOf(accepted, 'keep').length).toBeGreaterThan(doomed.length);

      const letters = await deadLettered('shop', doomed.length);
      expect(letters.map((l) => l.id).sort()).toEqual(doomed);
      expect(new Set(letters.map((l) => l.reason))).toEqual(new Set([reason]));
      const event = (await api('shop', TOKEN, `events/${accepted[0]!.eventId}`)) as { deliveries: unknown[] };
      expect(event.deliveries).toContainEqual({ trigger: 'doomed', status: 'cancelled' });
      const metrics = await scrapeMetrics(worker.url);
      const notSent = { project: 'shop', trigger: 'doomed', reason: reason.replace(' ', '-') };
      expect(sampleSum(metrics, 'spaceport_deliveries_not_sent_total', notSent)).toBe(doomed.length);
      // not a receiver failure: no dlq event, no failure run, no auto-disable
      expect(receiver.on('/watch')).toEqual([]);
      expect(await admin.exists(keys.failureRun('shop', 'doomed'))).toBe(0);
      expect(await admin.sismember(keys.disabledTriggers, triggerRef('shop', 'doomed'))).toBe(0);
      expect(receiver.on('/doomed')).toEqual([]);
      await deliveredOnce('/keep', idsOf(accepted, 'keep'));

      setConfig({ doomed: 'on', mall: true });
      expect(await api('shop', TOKEN, 'dlq/redrive', {})).toEqual({ redriven: doomed.length });
      await deliveredOnce('/doomed', doomed);
      expect(await admin.xlen(keys.dlq('shop'))).toBe(0);
      expect(receiver.duplicateSends()).toBe(0);
    },
  );

  it('a deleted project: each queued delivery to the DLQ (`project deleted`); redriven once it is back', async () => {
    receiver.clear();
    const shopEvents: Accepted[] = [];
    const mallEvents: Accepted[] = [];
    let shopStopped = false;
    const shopStream = stream('shop', TOKEN, () => shopStopped, shopEvents);
    await stream('mall', MALL_TOKEN, () => mallEvents.length >= 25, mallEvents);
    setConfig({ doomed: 'on', mall: false });
    const mall = idsOf(mallEvents, 'hook');
    expect(mall.length).toBe(25);

    const letters = await deadLettered('mall', mall.length);
    expect(letters.map((l) => l.id).sort()).toEqual(mall);
    expect(new Set(letters.map((l) => l.reason))).toEqual(new Set(['project deleted']));
    shopStopped = true;
    await shopStream;
    const metrics = await scrapeMetrics(worker.url);
    const notSent = { project: 'mall', trigger: 'hook', reason: 'project-deleted' };
    expect(sampleSum(metrics, 'spaceport_deliveries_not_sent_total', notSent)).toBe(mall.length);
    expect(receiver.on('/mall')).toEqual([]);

    setConfig({ doomed: 'on', mall: true });
    expect(await api('mall', MALL_TOKEN, 'dlq/redrive', {})).toEqual({ redriven: mall.length });
    await deliveredOnce('/mall', mall);
    const event = (await api('mall', MALL_TOKEN, `events/${mallEvents[0]!.eventId}`)) as { status: string };
    expect(event.status).toBe('processed');
    expect(await admin.xlen(keys.dlq('mall'))).toBe(0);
    // the shop stream went on meanwhile, each of its deliveries once
    await deliveredOnce('/keep', idsOf(shopEvents, 'keep'));
    expect(receiver.duplicateSends()).toBe(0);
  });

  it('redelivering an event whose trigger is gone keeps its past deliveries (409, or skipped beside the others)', async () => {
    setConfig({ doomed: 'on', mall: true });
    receiver.clear();
    const accepted = await apiCall('shop', TOKEN, 'queue', { type: 'tick', payload: { r: 1 } });
    expect(accepted.status).toBe(202);
    const eventId = accepted.json['eventId'] as string;
    const settled = async () => {
      const event = (await api('shop', TOKEN, `events/${eventId}`)) as { deliveries: unknown[] };
      return event.deliveries;
    };
    const processed = [
      { trigger: 'keep', status: 'processed' },
      { trigger: 'doomed', status: 'processed' },
    ];
    await waitFor(async () => expect(await settled()).toEqual(expect.arrayContaining(processed)), {
      what: 'both deliveries processed',
    });

    setConfig({ doomed: 'deleted', mall: true });
    const refused = await apiCall('shop', TOKEN, `events/${eventId}/redeliver`, { trigger: 'doomed' });
    expect(refused.status).toBe(409);
    expect(refused.json['message']).toMatch(/trigger "doomed": trigger deleted.*past deliveries are kept/);

    const partial = await apiCall('shop', TOKEN, `events/${eventId}/redeliver`, {});
    expect(partial.status).toBe(202);
    expect(partial.json['skipped']).toEqual([{ trigger: 'doomed', reason: 'trigger deleted' }]);
    const redelivered = partial.json['deliveries'] as { id: string; trigger: string }[];
    expect(redelivered.map((d) => d.trigger)).toEqual(['keep']);
    await waitFor(() => receiver.on('/keep').some((r) => r.webhookId === redelivered[0]!.id), { what: 'redelivery' });
    await waitFor(async () => expect(await settled()).toEqual(expect.arrayContaining(processed)), {
      what: 'the redelivery processed',
    });
    await sleep(300); // a cancel of the deleted trigger's delivery would land now
    expect(await settled()).toEqual(expect.arrayContaining(processed));
    expect(await admin.xlen(keys.dlq('shop'))).toBe(0);
    expect(receiver.on('/doomed').length).toBe(1);
  });
});

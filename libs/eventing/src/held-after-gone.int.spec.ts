// A receiver answers 410 for a while, then 2xx (docs/eventing.md "Held deliveries"): the delivery that
// got the 410 goes to the DLQ (`gone`) and disables the trigger; the deliveries queued behind it and those
// of the events that keep coming are held, not sent, and go out once each after the enable. In-process
// gateway + worker, a real redis-server and HTTP receiver; one partition consumed one job at a time, so
// exactly one delivery meets the 410.
import { sampleSum, scrapeMetrics, sleep, useRedisServer, waitFor, WebhookReceiver } from '@spaceport/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeadLetters, HELD_REASON_PREFIX } from './common/dead-letters';
import { DisabledTriggers } from './common/disabled-triggers';
import { EventDeliveryModule, EventIngestModule, EventObserveModule } from './index';
import { type RunningApp, startTestApp } from './testing-fixtures/apps';
import { shopSpec, TOKEN } from './testing-fixtures/fixtures';
import { snapshotOf, StaticConfigView } from './testing-fixtures/snapshot';

const redis = useRedisServer();
const receiver = new WebhookReceiver();
/** while true, /hook answers 410 (200 ms late, so deliveries queue up behind it) */
const receiverGone = { now: false };
let gateway: RunningApp;
let worker: RunningApp;

interface Accepted {
  readonly eventId: string;
  readonly deliveries: { id: string; trigger: string }[];
}

async function api(path: string, body?: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${gateway.url}/v1/api/shop/eventing/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return (await res.json()) as Record<string, unknown>;
}

/** One event every 20 ms, all on one partition key, until `stop()`. */
async function stream(stop: () => boolean, into: Accepted[]): Promise<void> {
  while (!stop()) {
    into.push(
      (await api('queue', { type: 'tick', payload: { n: into.length }, partitionKey: 'k' })) as unknown as Accepted,
    );
    await sleep(20);
  }
}

const idsOf = (accepted: Accepted[], trigger: string): string[] =>
  accepted.flatMap((a) => a.deliveries.filter((d) => d.trigger === trigger).map((d) => d.id)).sort();

beforeAll(async () => {
  process.env['REDIS_URL'] = redis.redis.url;
  process.env['WEBHOOK_ALLOWED_CIDRS'] = '127.0.0.1/32';
  process.env['EVENTING_CONCURRENCY'] = '1';
  await receiver.start();
  receiver.setReplyRule((path) => (path === '/hook' && receiverGone.now ? { status: 410, delayMs: 200 } : {}));
  const view = new StaticConfigView(
    snapshotOf(
      shopSpec({
        hook: { type: 'tick', url: `${receiver.url}/hook` },
        steady: { type: 'tick', url: `${receiver.url}/steady` },
      }),
    ),
  );
  gateway = await startTestApp('gateway', 'gw-gone', [EventIngestModule, EventObserveModule], view);
  worker = await startTestApp('event-worker', 'worker-gone', EventDeliveryModule, view);
});

afterAll(async () => {
  delete process.env['EVENTING_CONCURRENCY'];
  await worker?.close();
  await gateway?.close();
  await receiver.close();
});

describe('a 410 with deliveries queued behind it, then enable', () => {
  it('holds every later delivery while disabled and sends each once after the enable', async () => {
    const accepted: Accepted[] = [];
    let stopped = false;
    const streaming = stream(() => stopped, accepted);
    await waitFor(() => receiver.on('/hook').length >= 10, { what: 'deliveries flowing' });
    receiverGone.now = true;
    const disabled = worker.app.get(DisabledTriggers);
    await waitFor(async () => (await disabled.ofProject('shop'))['hook'], { what: 'hook disabled by the 410' });
    // disabled, events still coming: wait for 30 held (a count, not a time: under load the stream slows)
    const deadLetters = worker.app.get(DeadLetters);
    const heldBefore = await waitFor(
      async () => {
        const held = (await deadLetters.list('shop')).filter((l) => l.reason.startsWith(HELD_REASON_PREFIX));
        return held.length >= 30 ? held : undefined;
      },
      { what: '30 deliveries held while the trigger is disabled', timeoutMs: 20_000, intervalMs: 50 },
    );
    expect(new Set(heldBefore.map((l) => l.reason))).toEqual(
      new Set(['held: trigger disabled by the data plane (gone)']),
    );
    const [gotGone, ...moreGone] = receiver.on('/hook').filter((r) => r.status === 410);
    expect(gotGone).toBeDefined();
    expect(moreGone).toEqual([]);

    receiverGone.now = false; // the receiver is fixed
    const enableAt = performance.now();
    const enabled = await api('triggers/hook/enable', {});
    expect(enabled).toMatchObject({ wasDisabled: true, disabled: null });
    expect(enabled['released']).toBeGreaterThanOrEqual(heldBefore.length);
    // nothing was sent to the trigger between its 410 and the enable
    expect(receiver.on('/hook').filter((r) => r.at > gotGone!.at && r.at < enableAt)).toEqual([]);
    await sleep(500); // enabled, events still coming
    stopped = true;
    await streaming;

    const hook = idsOf(accepted, 'hook');
    await waitFor(() => receiver.on('/hook').length >= hook.length, { what: `all ${hook.length} hook deliveries` });
    await waitFor(() => receiver.on('/steady').length >= idsOf(accepted, 'steady').length, { what: 'steady ones' });
    await sleep(300); // a duplicate would land now
    expect(receiver.duplicateSends()).toBe(0);
    expect(
      receiver
        .on('/hook')
        .map((r) => r.webhookId)
        .sort(),
    ).toEqual(hook);
    expect(
      receiver
        .on('/steady')
        .map((r) => r.webhookId)
        .sort(),
    ).toEqual(idsOf(accepted, 'steady'));
    // the delivery that got the 410 is a receiver failure: it stays in the DLQ (a redrive sends it again)
    const left = await deadLetters.list('shop');
    expect(left.map((l) => [l.job.deliveryId, l.reason, l.statusCode])).toEqual([[gotGone!.webhookId, 'gone', 410]]);
    const metrics = await scrapeMetrics(worker.url);
    const held = { project: 'shop', trigger: 'hook', reason: 'held' };
    expect(sampleSum(metrics, 'spaceport_deliveries_not_sent_total', held)).toBe(enabled['released']);
    const states = (await api('triggers')) as { triggers: { trigger: string; disabled: unknown }[] };
    expect(states.triggers.find((t) => t.trigger === 'hook')?.disabled).toBeNull();
  });
});

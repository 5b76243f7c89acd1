import { cloudEventBody, deliveryIdOf, type JsonValue, partitionOf } from '@spaceport/eventing-core';
import { describe, expect, it } from 'vitest';
import { webhookRequestOf } from '../delivery/delivery-target';
import { lookupTarget } from './target-lookup';
import { parseQueueEvent } from './queue-body';
import { shopSpec } from '../testing-fixtures/fixtures';
import { snapshotOf } from '../testing-fixtures/snapshot';
import { jobPayload } from './delivery-job';
import { fanOut } from './fan-out';

const NOW = Date.UTC(2025, 0, 1);

describe('fanOut', () => {
  const snapshot = snapshotOf(
    shopSpec({
      a: { type: 'order', url: 'https://a.example/h', filter: [{ path: 'amount', op: 'gte', value: 10 }] },
      b: { type: 'order', url: 'https://b.example/h', ordered: true },
      c: { type: 'order', url: 'https://c.example/h', enabled: false },
      d: { type: 'other', url: 'https://d.example/h' },
    }),
  );
  const event = (payload: unknown, partitionKey?: string) => {
    const parsed = parseQueueEvent({ type: 'order', payload, ...(partitionKey ? { partitionKey } : {}) }, NOW);
    if (!parsed.ok) throw new Error('bad');
    return parsed.event;
  };

  it('makes one job per matching enabled trigger, on the partition of the key', () => {
    const out = fanOut(snapshot, 'shop', 'E1', event({ amount: 20 }, 'k'), new Date(NOW).toISOString());
    expect(out.partition).toBe(partitionOf('shop', 'k', 4));
    expect(out.jobs.map((job) => [job.triggerId, job.ordered, job.deliveryId])).toEqual([
      ['a', false, deliveryIdOf('E1', 'a')],
      ['b', true, deliveryIdOf('E1', 'b')],
    ]);
  });

  it('tells each job the TTL of the Idempotency-Key the event came under, 0 without one', () => {
    const time = new Date(NOW).toISOString();
    const keyed = fanOut(snapshot, 'shop', 'E4', event({ amount: 20 }), time, 86_400_000);
    expect(keyed.jobs.map((job) => job.idempotencyTtlMs)).toEqual([86_400_000, 86_400_000]);
    const plain = fanOut(snapshot, 'shop', 'E5', event({ amount: 20 }), time);
    expect(plain.jobs.map((job) => job.idempotencyTtlMs)).toEqual([0, 0]);
  });

  it('uses the event id without a key; skips filtered triggers, not data-plane-disabled ones', () => {
    const out = fanOut(snapshot, 'shop', 'E2', event({ amount: 1 }), new Date(NOW).toISOString());
    expect(out.partition).toBe(partitionOf('shop', 'E2', 4));
    expect(out.jobs.map((job) => job.triggerId)).toEqual(['b']);
  });

  it('carries the payload as canonical text that renders the CloudEvent body; a job queued with the parsed payload (older versions) renders the same request', () => {
    const time = new Date(NOW).toISOString();
    const [job] = fanOut(
      snapshot,
      'shop',
      'E3',
      event({ note: 'é"', amount: 20, lines: [{ b: 2, a: 1 }] }, 'k'),
      time,
    ).jobs;
    if (!job) throw new Error('no job');
    expect(job.payload).toBeUndefined(); // one copy of the payload per job
    const target = lookupTarget(snapshot, job);
    if (target.kind !== 'ok') throw new Error(target.reason);
    const { payloadJson, ...older } = job;
    const legacy = { ...older, payload: JSON.parse(payloadJson ?? 'null') as JsonValue };
    const request = webhookRequestOf(job, target.project, target.trigger, NOW);
    expect(request.body).toBe(
      cloudEventBody({
        id: 'E3',
        type: 'order',
        project: 'shop',
        time: new Date(time),
        partitionKey: 'k',
        data: { amount: 20, lines: [{ a: 1, b: 2 }], note: 'é"' },
      }),
    );
    expect(webhookRequestOf(legacy, target.project, target.trigger, NOW)).toEqual(request);
    expect(jobPayload(job)).toEqual(jobPayload(legacy));
  });
});

import { getTrigger } from '@spaceport/config-model';
import { cloudEventBody, deliveryIdOf, type JsonValue, partitionOf } from '@spaceport/eventing-core';
import { describe, expect, it } from 'vitest';
import { bearerToken, tokenAccepted } from './ingest/auth';
import { fanOut } from './ingest/fan-out';
import { isValidIdempotencyKey, parseQueueEvent, requestHash } from './ingest/queue-body';
import { rateWindowOf } from './delivery/rate-limiter';
import { backoffDelay, RetryLaterError, verdictOf } from './delivery/retry';
import { ssrfPolicy, unmapIpv4 } from './delivery/ssrf';
import { eventStatusOf, jobPayload } from './shared/delivery-job';
import { lookupTarget, webhookRequestOf } from './delivery/delivery-target';
import { eventingKeys, partitionQueueName } from './shared/keys';
import { parseEventingEnv } from './shared/settings';
import { resolveTrigger } from '@spaceport/config-model';
import { shopSpec } from './test-support/fixtures';
import { snapshotOf } from './test-support/snapshot';

const NOW = Date.UTC(2025, 0, 1);

describe('parseQueueEvent', () => {
  it('accepts Space Cloud bodies and computes notBefore from delay and timestamp', () => {
    const parsed = parseQueueEvent({ type: 'a.b', payload: { x: 1 }, delay: 500, options: { region: 'eu' } }, NOW);
    expect(parsed).toMatchObject({ ok: true, event: { type: 'a.b', notBefore: NOW + 500, options: { region: 'eu' } } });
    const later = new Date(NOW + 60_000).toISOString();
    expect(parseQueueEvent({ type: 'a', payload: 1, timestamp: later }, NOW)).toMatchObject({
      ok: true,
      event: { notBefore: NOW + 60_000 },
    });
    expect(parseQueueEvent({ type: 'a', payload: 1, timestamp: new Date(NOW - 1).toISOString() }, NOW)).toMatchObject({
      ok: true,
      event: { notBefore: 0 },
    });
  });

  it.each([
    [{ payload: {} }, 'type'],
    [{ type: 'a' }, 'payload'],
    [{ type: 'a', payload: {}, delay: -1 }, 'delay'],
    [{ type: 'a', payload: {}, timestamp: '2025-01-01' }, 'timestamp'],
    [{ type: 'a', payload: {}, extra: 1 }, 'extra'],
    [{ type: 'has space', payload: {} }, 'type'],
  ])('rejects %j naming %s', (body, field) => {
    const parsed = parseQueueEvent(body, NOW, 'events.2');
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.issues[0]?.field).toBe(`events.2.${field}`);
  });

  it('says what is wrong: a missing field, each unknown field, a bad option, a wrong type', () => {
    const issues = (body: unknown): unknown => {
      const parsed = parseQueueEvent(body, NOW);
      return parsed.ok ? 'accepted' : parsed.issues;
    };
    expect(issues({ payload: {} })).toEqual([{ field: 'type', message: 'is required' }]);
    expect(issues({ type: '', payload: {} })).toEqual([{ field: 'type', message: 'is required' }]);
    expect(issues({ type: 'a', payload: {}, colour: 'red', size: 2 })).toEqual([
      { field: 'colour', message: 'unknown field' },
      { field: 'size', message: 'unknown field' },
    ]);
    expect(issues({ type: 'a', payload: {}, options: 'eu' })).toEqual([
      { field: 'options', message: expect.stringMatching(/object/i) },
    ]);
    expect(issues({ type: 'a', payload: {}, options: JSON.parse('{"__proto__": {"x": 1}}') })).toEqual([
      { field: 'options.__proto__', message: expect.stringMatching(/not allowed/) },
    ]);
    expect(issues({ type: 7, payload: {} })).toEqual([
      { field: 'type', message: expect.stringMatching(/expected string, received number/) },
    ]);
    expect(issues([])).toEqual([{ field: '(body)', message: expect.stringMatching(/expected object/) }]);
    expect(issues({ type: 'a', payload: null, options: null })).toBe('accepted');
  });

  it('measures payload bytes and hashes bodies independent of key order', () => {
    const a = parseQueueEvent({ type: 't', payload: { b: 'é', a: 1 } }, NOW);
    const b = parseQueueEvent({ payload: { a: 1, b: 'é' }, type: 't' }, NOW);
    if (!a.ok || !b.ok) throw new Error('unexpected');
    expect(a.event.payloadBytes).toBe(Buffer.byteLength('{"a":1,"b":"é"}'));
    expect(a.event.payloadJson).toBe('{"a":1,"b":"é"}');
    expect(requestHash([a.event], false)).toBe(requestHash([b.event], false));
    expect(requestHash([a.event], false)).not.toBe(requestHash([a.event], true));
    const c = parseQueueEvent({ type: 't', payload: { a: 1, b: 'e' } }, NOW);
    if (!c.ok) throw new Error('unexpected');
    expect(requestHash([c.event], false)).not.toBe(requestHash([a.event], false));
    expect(isValidIdempotencyKey('abc-123')).toBe(true);
    expect(isValidIdempotencyKey('has space')).toBe(false);
    expect(isValidIdempotencyKey('')).toBe(false);
  });
});

describe('auth', () => {
  it('extracts bearer tokens and compares them against the accepted set', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(tokenAccepted('abc', ['x', 'abc'])).toBe(true);
    expect(tokenAccepted('abd', ['abc'])).toBe(false);
    expect(tokenAccepted(undefined, ['abc'])).toBe(false);
  });
});

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
    const out = fanOut(snapshot, 'shop', 'E1', event({ amount: 20 }, 'k'), new Date(NOW).toISOString(), new Set());
    expect(out.partition).toBe(partitionOf('shop', 'k', 4));
    expect(out.jobs.map((job) => [job.triggerId, job.ordered, job.deliveryId])).toEqual([
      ['a', false, deliveryIdOf('E1', 'a')],
      ['b', true, deliveryIdOf('E1', 'b')],
    ]);
  });

  it('uses the event id without a key, and skips filtered and data-plane-disabled triggers', () => {
    const out = fanOut(snapshot, 'shop', 'E2', event({ amount: 1 }), new Date(NOW).toISOString(), new Set(['shop/b']));
    expect(out.partition).toBe(partitionOf('shop', 'E2', 4));
    expect(out.jobs).toEqual([]);
  });

  it('carries the payload as canonical text that renders the CloudEvent body; a job queued with the parsed payload (older versions) renders the same request', () => {
    const time = new Date(NOW).toISOString();
    const [job] = fanOut(
      snapshot,
      'shop',
      'E3',
      event({ note: 'é"', amount: 20, lines: [{ b: 2, a: 1 }] }, 'k'),
      time,
      new Set(),
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

describe('SSRF policy', () => {
  const strict = ssrfPolicy({ allowPrivate: false, allowedCidrs: [] });
  it.each([
    '127.0.0.1',
    '10.0.0.1',
    '172.16.5.4',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    'fe80::1',
    'fd00::1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '224.0.0.1',
  ])('refuses %s', (address) => expect(strict.allows(address)).toBe(false));
  it.each(['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111'])('allows public %s', (address) =>
    expect(strict.allows(address)).toBe(true),
  );

  it('honours the CIDR allowlist and the global switch', () => {
    const allowlisted = ssrfPolicy({ allowPrivate: false, allowedCidrs: ['127.0.0.1/32', '10.1.0.0/16'] });
    expect(allowlisted.allows('127.0.0.1')).toBe(true);
    expect(allowlisted.allows('127.0.0.2')).toBe(false);
    expect(allowlisted.allows('10.1.200.3')).toBe(true);
    expect(ssrfPolicy({ allowPrivate: true, allowedCidrs: [] }).allows('10.0.0.1')).toBe(true);
    expect(() => ssrfPolicy({ allowPrivate: false, allowedCidrs: ['10.0.0.0'] })).toThrow(/CIDR/);
    expect(unmapIpv4('::ffff:10.0.0.1')).toBe('10.0.0.1');
  });
});

describe('verdictOf', () => {
  const snapshot = snapshotOf(shopSpec({ t: { type: 'x', url: 'https://x.example/h', retries: 2 } }));
  const trigger = resolveTrigger(getTrigger(snapshot, 'shop', 't')!.value, snapshot.eventing.value);
  const verdict = (statusCode: number | undefined, attempt: number, retryAfter?: string) =>
    verdictOf({ statusCode, attempt, refused: false, ...(retryAfter ? { retryAfter } : {}) }, trigger, NOW, () => 0.5);

  it('classifies outcomes and stops after the trigger’s retries', () => {
    expect(verdict(204, 1)).toEqual({ kind: 'success' });
    expect(verdict(410, 1)).toEqual({ kind: 'fail', reason: 'gone' });
    expect(verdict(400, 1)).toEqual({ kind: 'fail', reason: 'permanent' });
    expect(verdict(500, 1)).toEqual({ kind: 'retry', delayMs: 25 });
    expect(verdict(undefined, 2)).toEqual({ kind: 'retry', delayMs: 50 });
    expect(verdict(503, 3)).toEqual({ kind: 'fail', reason: 'retries-exhausted' });
    expect(verdict(429, 1, '3')).toEqual({ kind: 'retry', delayMs: 3000 });
    expect(verdictOf({ attempt: 1, refused: true }, trigger, NOW, Math.random)).toEqual({
      kind: 'fail',
      reason: 'refused',
    });
  });

  it('feeds the decided delay to BullMQ', () => {
    expect(backoffDelay(new RetryLaterError(1234, 'x'))).toBe(1234);
    expect(backoffDelay(new Error('boom'))).toBe(1000);
  });
});

describe('small helpers', () => {
  it('aggregates delivery statuses into an event status', () => {
    expect(eventStatusOf([])).toBe('processed');
    expect(eventStatusOf(['staged', 'staged'])).toBe('staged');
    expect(eventStatusOf(['processed', 'staged'])).toBe('processing');
    expect(eventStatusOf(['processed', 'failed'])).toBe('failed');
    expect(eventStatusOf(['processed', 'cancelled'])).toBe('processed');
    expect(eventStatusOf(['cancelled'])).toBe('cancelled');
  });

  it('names keys and queues with the cluster hash tag', () => {
    expect(eventingKeys('prod').events('shop')).toBe('sp:{prod}:ev:events:shop');
    expect(partitionQueueName('prod', 7)).toBe('sp-prod-p7');
    expect(partitionQueueName('prod', 7, true)).toBe('sp-prod-p7-ordered');
    expect(() => eventingKeys('a b')).toThrow(RangeError);
  });

  it('parses the eventing environment, naming a bad variable', () => {
    const url = 'redis://127.0.0.1:6379';
    expect(parseEventingEnv({}, url)).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      bullPrefix: 'bull',
      concurrency: 16,
      allowPrivate: false,
    });
    expect(
      parseEventingEnv({ WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32, 10.0.0.0/8', WEBHOOK_ALLOW_PRIVATE: 'true' }, url),
    ).toMatchObject({ allowedCidrs: ['127.0.0.1/32', '10.0.0.0/8'], allowPrivate: true });
    expect(() => parseEventingEnv({ EVENTING_CONCURRENCY: 'lots' }, url)).toThrow(/EVENTING_CONCURRENCY/);
    expect(parseEventingEnv({}, url).disableAfterFailures).toBe(0);
    expect(parseEventingEnv({ EVENTING_DISABLE_AFTER_FAILURES: '3' }, url).disableAfterFailures).toBe(3);
    expect(() => parseEventingEnv({ EVENTING_DISABLE_AFTER_FAILURES: '-1' }, url)).toThrow(
      /EVENTING_DISABLE_AFTER_FAILURES/,
    );
  });
});

describe('rateWindowOf', () => {
  it('uses 1 s windows aligned on the epoch with floor(limit) deliveries each', () => {
    expect(rateWindowOf(10_250, 5)).toEqual({ index: 10, windowMs: 1_000, limit: 5, resetInMs: 750 });
    expect(rateWindowOf(10_000, 5)).toMatchObject({ index: 10, resetInMs: 1_000 });
    expect(rateWindowOf(10_999, 5)).toMatchObject({ index: 10, resetInMs: 1 });
    expect(rateWindowOf(0, 2.5)).toMatchObject({ limit: 2, windowMs: 1_000 });
    expect(rateWindowOf(0, 1)).toMatchObject({ limit: 1, windowMs: 1_000 });
  });

  it('stretches the window below 1/s (one delivery per window)', () => {
    expect(rateWindowOf(5_000, 0.5)).toEqual({ index: 2, windowMs: 2_000, limit: 1, resetInMs: 1_000 });
    expect(rateWindowOf(0, 0.3)).toMatchObject({ windowMs: 3_334, limit: 1 });
  });

  it('rejects a non-positive limit', () => {
    expect(() => rateWindowOf(0, 0)).toThrow(RangeError);
    expect(() => rateWindowOf(0, Number.NaN)).toThrow(RangeError);
  });
});

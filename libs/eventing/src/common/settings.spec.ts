import { describe, expect, it } from 'vitest';
import { parseRedisUrl } from '@spaceport/redis-core';
import { ConfigError } from '@spaceport/runtime-core';
import { parseEventingEnv } from './settings';

describe('parseEventingEnv', () => {
  it('parses the eventing environment, naming a bad variable', () => {
    const url = parseRedisUrl('redis://127.0.0.1:6379');
    expect(parseEventingEnv({}, url)).toMatchObject({
      redis: url,
      bullPrefix: 'bull',
      concurrency: 16,
      allowPrivate: false,
    });
    expect(
      parseEventingEnv({ WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32, 10.0.0.0/8', WEBHOOK_ALLOW_PRIVATE: 'true' }, url),
    ).toMatchObject({ allowedCidrs: ['127.0.0.1/32', '10.0.0.0/8'], allowPrivate: true });
    expect(() => parseEventingEnv({ EVENTING_CONCURRENCY: 'lots' }, url)).toThrow(/EVENTING_CONCURRENCY/);
    expect(parseEventingEnv({}, url).disableAfterFailures).toBe(0);
    expect(parseEventingEnv({ REDIS_WAIT_REPLICAS: '1', REDIS_WAIT_TIMEOUT_MS: '300' }, url).redisWait).toEqual({
      replicas: 1,
      timeoutMs: 300,
    });
    expect(() => parseEventingEnv({ REDIS_WAIT_REPLICAS: 'x' }, url)).toThrow(/^REDIS_WAIT_REPLICAS: /);
    expect(parseEventingEnv({ EVENTING_DISABLE_AFTER_FAILURES: '3' }, url).disableAfterFailures).toBe(3);
    expect(parseEventingEnv({}, url).stallAfterMs).toBe(30_000);
    expect(parseEventingEnv({ EVENTING_STALL_AFTER_MS: '2000' }, url).stallAfterMs).toBe(2_000);
    expect(() => parseEventingEnv({ EVENTING_STALL_AFTER_MS: '10' }, url)).toThrow(/EVENTING_STALL_AFTER_MS/);
    expect(() => parseEventingEnv({ EVENTING_DISABLE_AFTER_FAILURES: '-1' }, url)).toThrow(
      /EVENTING_DISABLE_AFTER_FAILURES/,
    );
  });

  it('keeps sent records an hour beyond the idempotency TTL by default, at least two job locks', () => {
    const url = parseRedisUrl('redis://127.0.0.1:6379');
    expect(parseEventingEnv({}, url).sentRetentionMs).toBe(3_600_000);
    expect(parseEventingEnv({ EVENTING_SENT_RETENTION_MS: '86400000' }, url).sentRetentionMs).toBe(86_400_000);
    expect(
      parseEventingEnv({ EVENTING_SENT_RETENTION_MS: '60000', EVENTING_LOCK_MS: '30000' }, url).sentRetentionMs,
    ).toBe(60_000);
    for (const bad of ['59999', '1h', '-1', '2592000001'])
      expect(() => parseEventingEnv({ EVENTING_SENT_RETENTION_MS: bad }, url)).toThrow(/^EVENTING_SENT_RETENTION_MS: /);
    expect(() => parseEventingEnv({ EVENTING_SENT_RETENTION_MS: '60000', EVENTING_LOCK_MS: '60000' }, url)).toThrow(
      'EVENTING_SENT_RETENTION_MS: must be at least twice EVENTING_LOCK_MS (120000)',
    );
  });

  it('queues follow-up events 5 answers deep by default; refuses a bad EVENTING_FOLLOW_UP_MAX_DEPTH naming it', () => {
    const url = parseRedisUrl('redis://127.0.0.1:6379');
    expect(parseEventingEnv({}, url).followUpMaxDepth).toBe(5);
    expect(parseEventingEnv({ EVENTING_FOLLOW_UP_MAX_DEPTH: '0' }, url).followUpMaxDepth).toBe(0);
    for (const bad of ['-1', '101', 'deep', '2.5'])
      expect(() => parseEventingEnv({ EVENTING_FOLLOW_UP_MAX_DEPTH: bad }, url)).toThrow(
        /^EVENTING_FOLLOW_UP_MAX_DEPTH: expected an integer in \[0, 100\]/,
      );
  });

  it('holds at most 1000 synchronous calls by default; refuses a bad EVENTING_SYNC_MAX_PENDING naming it', () => {
    const url = parseRedisUrl('redis://127.0.0.1:6379');
    expect(parseEventingEnv({}, url).syncMaxPending).toBe(1_000);
    expect(parseEventingEnv({ EVENTING_SYNC_MAX_PENDING: ' 2 ' }, url).syncMaxPending).toBe(2);
    expect(() => parseEventingEnv({ EVENTING_SYNC_MAX_PENDING: '0' }, url)).toThrow(ConfigError);
    for (const bad of ['0', '-1', '1.5', 'many', '1000001'])
      expect(() => parseEventingEnv({ EVENTING_SYNC_MAX_PENDING: bad }, url)).toThrow(
        /^EVENTING_SYNC_MAX_PENDING: expected an integer in \[1, 1000000\]/,
      );
  });
});

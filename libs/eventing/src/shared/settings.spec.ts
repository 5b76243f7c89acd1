import { describe, expect, it } from 'vitest';
import { parseEventingEnv } from './settings';

describe('parseEventingEnv', () => {
  it('parses the eventing environment, naming a bad variable', () => {
    expect(parseEventingEnv({})).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379',
      bullPrefix: 'bull',
      concurrency: 16,
      allowPrivate: false,
    });
    expect(
      parseEventingEnv({ WEBHOOK_ALLOWED_CIDRS: '127.0.0.1/32, 10.0.0.0/8', WEBHOOK_ALLOW_PRIVATE: 'true' }),
    ).toMatchObject({ allowedCidrs: ['127.0.0.1/32', '10.0.0.0/8'], allowPrivate: true });
    expect(() => parseEventingEnv({ EVENTING_CONCURRENCY: 'lots' })).toThrow(/EVENTING_CONCURRENCY/);
    expect(() => parseEventingEnv({ REDIS_URL: 'http://x' })).toThrow(/REDIS_URL/);
    expect(parseEventingEnv({}).disableAfterFailures).toBe(0);
    expect(parseEventingEnv({ EVENTING_DISABLE_AFTER_FAILURES: '3' }).disableAfterFailures).toBe(3);
    expect(() => parseEventingEnv({ EVENTING_DISABLE_AFTER_FAILURES: '-1' })).toThrow(
      /EVENTING_DISABLE_AFTER_FAILURES/,
    );
  });
});

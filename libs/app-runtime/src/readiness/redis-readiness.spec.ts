import { describe, expect, it } from 'vitest';
import { evictionRisk, maxmemoryPolicyOf } from './redis-readiness';

describe('maxmemory-policy', () => {
  it('is read from an INFO memory reply', () => {
    const info =
      '# Memory\r\nused_memory:1024\r\nmaxmemory:0\r\nmaxmemory_policy:allkeys-lru\r\nallocator_frag_ratio:1.0\r\n';
    expect(maxmemoryPolicyOf(info)).toBe('allkeys-lru');
    expect(maxmemoryPolicyOf('# Memory\r\nused_memory:1024\r\n')).toBeUndefined();
  });

  it('is a risk unless noeviction (or unknown), and the message says the way out', () => {
    expect(evictionRisk('noeviction')).toBeUndefined();
    expect(evictionRisk(undefined)).toBeUndefined();
    for (const policy of ['allkeys-lru', 'volatile-lru', 'allkeys-lfu', 'volatile-ttl', 'allkeys-random']) {
      expect(evictionRisk(policy)).toMatch(new RegExp(`^${policy} may evict .*noeviction.*REDIS_ALLOW_EVICTION=true`));
    }
  });
});

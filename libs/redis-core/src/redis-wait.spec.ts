import { describe, expect, it } from 'vitest';
import { parseRedisWait } from './redis-wait';

describe('parseRedisWait', () => {
  it('defaults to no WAIT and a 1 s timeout', () => {
    expect(parseRedisWait({}, 2_000)).toEqual({ replicas: 0, timeoutMs: 1_000 });
    expect(parseRedisWait({ REDIS_WAIT_REPLICAS: ' ', REDIS_WAIT_TIMEOUT_MS: '' }, 2_000)).toEqual({
      replicas: 0,
      timeoutMs: 1_000,
    });
  });

  it('reads both variables', () => {
    expect(parseRedisWait({ REDIS_WAIT_REPLICAS: '2', REDIS_WAIT_TIMEOUT_MS: '250' }, 2_000)).toEqual({
      replicas: 2,
      timeoutMs: 250,
    });
    expect(parseRedisWait({ REDIS_WAIT_REPLICAS: '16' }, 2_000).replicas).toBe(16);
  });

  it.each([
    ['REDIS_WAIT_REPLICAS', '17'],
    ['REDIS_WAIT_REPLICAS', '-1'],
    ['REDIS_WAIT_REPLICAS', '1.5'],
    ['REDIS_WAIT_REPLICAS', 'one'],
    ['REDIS_WAIT_TIMEOUT_MS', '0'],
    ['REDIS_WAIT_TIMEOUT_MS', '60001'],
    ['REDIS_WAIT_TIMEOUT_MS', '1e3'],
  ])('refuses %s=%s naming the variable', (name, value) => {
    expect(() => parseRedisWait({ [name]: value }, 120_000)).toThrow(new RegExp(`^${name}: expected an integer in`));
  });

  it('refuses a WAIT timeout not below the command timeout, since the WAIT blocks its connection', () => {
    expect(() => parseRedisWait({ REDIS_WAIT_REPLICAS: '1', REDIS_WAIT_TIMEOUT_MS: '2000' }, 2_000)).toThrow(
      /^REDIS_WAIT_TIMEOUT_MS: must be below REDIS_COMMAND_TIMEOUT_MS \(2000\)/,
    );
    expect(parseRedisWait({ REDIS_WAIT_REPLICAS: '0', REDIS_WAIT_TIMEOUT_MS: '5000' }, 2_000).timeoutMs).toBe(5_000);
  });
});

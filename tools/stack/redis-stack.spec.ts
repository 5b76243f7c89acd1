import { describe, expect, it } from 'vitest';
import { parseRedisTopology, redisEnvOf, redisPortsOf } from './redis-stack.mjs';

describe('npm start -- --redis', () => {
  it('accepts the three topologies and refuses anything else naming the flag', () => {
    for (const topology of ['single', 'sentinel', 'cluster'])
      expect(parseRedisTopology(topology)).toEqual({ topology });
    expect(parseRedisTopology('sentinels').error).toBe('--redis: expected single, sentinel, cluster; got "sentinels"');
  });

  it('uses the conventional ports, or consecutive ones from --redis-port', () => {
    expect(redisPortsOf('single')).toEqual({ data: [6379], sentinels: [] });
    expect(redisPortsOf('sentinel')).toEqual({ data: [6379, 6380], sentinels: [26379, 26380, 26381] });
    expect(redisPortsOf('cluster')).toEqual({ data: [7000, 7001, 7002, 7003, 7004, 7005], sentinels: [] });
    expect(redisPortsOf('single', 7400)).toEqual({ data: [7400], sentinels: [] });
    expect(redisPortsOf('sentinel', 7400)).toEqual({ data: [7400, 7401], sentinels: [7402, 7403, 7404] });
    expect(redisPortsOf('cluster', 7400).data).toEqual([7400, 7401, 7402, 7403, 7404, 7405]);
  });

  it('gives the apps exactly one form of Redis connection per topology', () => {
    expect(redisEnvOf('single', redisPortsOf('single'))).toEqual({ REDIS_URL: 'redis://127.0.0.1:6379' });
    expect(redisEnvOf('sentinel', redisPortsOf('sentinel'))).toEqual({
      REDIS_SENTINELS: '127.0.0.1:26379,127.0.0.1:26380,127.0.0.1:26381',
      REDIS_SENTINEL_NAME: 'spaceport',
    });
    expect(redisEnvOf('cluster', redisPortsOf('cluster'))).toEqual({
      REDIS_CLUSTER_NODES: '127.0.0.1:7000,127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003,127.0.0.1:7004,127.0.0.1:7005',
    });
  });
});

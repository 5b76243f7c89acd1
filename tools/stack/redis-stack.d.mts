import type { RestartPolicy } from './restart-policy.mjs';

export type RedisTopology = 'single' | 'sentinel' | 'cluster';
/** The ports of a topology: its data nodes and (sentinel) its sentinels. */
export interface RedisPorts {
  data: number[];
  sentinels: number[];
}
export declare const REDIS_TOPOLOGIES: readonly RedisTopology[];
export declare const CLUSTER_MASTERS: 3;
export declare const STACK_SENTINEL_TIMING: Readonly<{ downAfterMs: number; failoverTimeoutMs: number }>;
export declare const STACK_CLUSTER_NODE_TIMEOUT_MS: number;
export declare const REDIS_RESTART_POLICY: Readonly<RestartPolicy>;
export declare function parseRedisTopology(
  value: string,
): { topology: RedisTopology; error?: undefined } | { error: string; topology?: undefined };
export declare function redisPortsOf(topology: RedisTopology, base?: number): RedisPorts;
export declare function freeRedisPorts(topology: RedisTopology): Promise<RedisPorts>;
export declare function redisEnvOf(topology: RedisTopology, ports: RedisPorts): Record<string, string>;

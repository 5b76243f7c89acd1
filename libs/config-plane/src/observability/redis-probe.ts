import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  connectWithin,
  evictionRisk,
  MAXMEMORY_POLICY_SOURCE,
  readMaxmemoryPolicy,
  redisPingIndicator,
  ReadinessRegistry,
  SPACEPORT_LOGGER,
  SPACEPORT_NODE_OPTIONS,
} from '@spaceport/app-runtime';
import { ConfigError, type NodeOptions } from '@spaceport/runtime-core';
import {
  checkRedisTopology,
  createRedis,
  describeRedisConnection,
  type RedisClient,
  type RedisConnection,
} from '@spaceport/redis-core';
import { type Logger } from 'pino';
import { CONFIG_PLANE_SETTINGS, type ConfigPlaneSettings } from '../settings';

/** PING must answer within this to count Redis as reachable. */
export const REDIS_PROBE_TIMEOUT_MS = 1_000;

/** How long start-up waits for Redis to check its maxmemory-policy (a refused connection ends it at once). */
export const START_UP_POLICY_CHECK_MS = 2_000;

/**
 * The `redis` readiness check of every app (they all reach Redis through the config plane): PING on a
 * small dedicated connection that fails fast while Redis is away and reconnects by itself, so a
 * probe never queues behind the data plane's commands or holds a subscriber connection. It also
 * guards against an evicting Redis (docs/operations.md): start-up is refused when Redis answers with
 * a maxmemory-policy other than noeviction, and readiness is down whenever it does later
 * (unless REDIS_ALLOW_EVICTION=true).
 */
@Injectable()
export class RedisProbe implements OnModuleInit, OnApplicationShutdown {
  private readonly client: RedisClient;
  private readonly allowEviction: boolean;
  private readonly connection: string;
  private readonly settings: RedisConnection;

  constructor(
    @Inject(CONFIG_PLANE_SETTINGS) settings: ConfigPlaneSettings,
    @Inject(SPACEPORT_NODE_OPTIONS) options: NodeOptions,
    private readonly readiness: ReadinessRegistry,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
  ) {
    // No error log of its own: the transport clients log connection errors (throttled); /readyz reports them.
    this.client = createRedis(
      settings.redis,
      { kind: 'probe', timeoutMs: REDIS_PROBE_TIMEOUT_MS },
      { connectionName: `spaceport:${options.nodeId}:readiness` },
    );
    this.allowEviction = settings.allowEviction;
    this.connection = describeRedisConnection(settings.redis);
    this.settings = settings.redis;
  }

  /**
   * Throws ConfigError (start-up refused, exit 2) when the listed Sentinel or Cluster nodes contradict the
   * setting (checkRedisTopology), or when Redis answers at start with an evicting policy.
   */
  async onModuleInit(): Promise<void> {
    this.logger.info({ redis: this.connection }, 'redis connection');
    for (const warning of await checkRedisTopology(this.settings))
      this.logger.warn({ redis: this.connection }, warning);
    this.readiness.register('redis', (session) => redisPingIndicator(session, this.client, this.allowEviction));
    const connected = connectWithin(this.client, START_UP_POLICY_CHECK_MS);
    if (this.allowEviction || !(await connected)) return;
    const risk = evictionRisk(await readMaxmemoryPolicy(this.client).catch(() => undefined));
    if (risk) {
      this.client.disconnect();
      throw new ConfigError(MAXMEMORY_POLICY_SOURCE, risk);
    }
  }

  onApplicationShutdown(): void {
    this.client.disconnect();
  }
}

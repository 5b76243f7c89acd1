import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { redisPingIndicator, ReadinessRegistry, SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { type NodeOptions } from '@spaceport/runtime-core';
import { Redis } from 'ioredis';
import { CONFIG_PLANE_SETTINGS, type ConfigPlaneSettings } from '../settings';

/** PING must answer within this to count Redis as reachable. */
export const REDIS_PROBE_TIMEOUT_MS = 1_000;

/**
 * The `redis` readiness check of every app (they all reach Redis through the config plane): PING on a
 * small dedicated connection that fails fast while Redis is away and reconnects by itself, so a
 * probe never queues behind the data plane's commands or holds a subscriber connection.
 */
@Injectable()
export class RedisProbe implements OnModuleInit, OnApplicationShutdown {
  private readonly client: Redis;

  constructor(
    @Inject(CONFIG_PLANE_SETTINGS) settings: ConfigPlaneSettings,
    @Inject(SPACEPORT_NODE_OPTIONS) options: NodeOptions,
    private readonly readiness: ReadinessRegistry,
  ) {
    this.client = new Redis({
      ...settings.redis,
      lazyConnect: true,
      enableOfflineQueue: false,
      commandTimeout: REDIS_PROBE_TIMEOUT_MS,
      connectTimeout: REDIS_PROBE_TIMEOUT_MS,
      maxRetriesPerRequest: 0,
      retryStrategy: (times) => Math.min(times * 100, 1_000),
      connectionName: `spaceport:${options.nodeId}:readiness`,
    });
    // Connection errors are the config plane's to log (throttled); the probe reports them in /readyz.
    this.client.on('error', () => undefined);
  }

  onModuleInit(): void {
    void this.client.connect().catch(() => undefined);
    this.readiness.register('redis', (session) => redisPingIndicator(session, this.client));
  }

  onApplicationShutdown(): void {
    this.client.disconnect();
  }
}

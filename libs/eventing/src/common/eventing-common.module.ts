import { Inject, Injectable, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { connectWithin, SPACEPORT_LOGGER, SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { createRedis, type RedisClient } from '@spaceport/redis-core';
import { type NodeOptions } from '@spaceport/runtime-core';
import { type Logger } from 'pino';
import { EventingMetrics } from './eventing-metrics';
import { QueueStateReader } from './queue-state';
import { ConsumerRecords } from './consumer-records';
import { PartitionReader } from './partition-reader';
import { ConfigAccess } from './config-access';
import { DeadLetters } from './dead-letters';
import { DisabledTriggers } from './disabled-triggers';
import { EarlierLayoutCheck } from './earlier-layout-check';
import { EventLog } from './event-log';
import { EventPublisher } from './event-publisher';
import { IdempotencyStore } from './idempotency';
import { PartitionHighWater } from './partition-high-water';
import { eventingKeys } from './keys';
import { PartitionQueues } from './partition-queues';
import { ProjectAuth } from './project-auth';
import { ReplicaWait } from './replica-wait';
import { type EventingEnv } from './settings';
import { EVENTING_ENV, EVENTING_KEYS, EVENTING_QUEUE_REDIS, EVENTING_REDIS } from './tokens';

/** Connects the command and queue clients at start (when a config plane is wired) and closes them last. */
@Injectable()
class RedisLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(EVENTING_REDIS) private readonly redis: RedisClient,
    @Inject(EVENTING_QUEUE_REDIS) private readonly queueRedis: RedisClient,
    private readonly config: ConfigAccess,
    private readonly earlierLayout: EarlierLayoutCheck,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
  ) {}

  /**
   * Connects (waiting up to 3 s, so the first requests find it ready; keeps reconnecting by itself), then
   * refuses start-up while the earlier key layout still holds undelivered jobs (EarlierLayoutCheck).
   */
  async onModuleInit(): Promise<void> {
    if (!this.config.available) {
      this.logger.warn('eventing: no config plane (CONFIG_VIEW) is wired; the event data plane stays idle');
      return;
    }
    await Promise.all([this.redis, this.queueRedis].map((client) => connectWithin(client, 3_000)));
    await this.earlierLayout.verify();
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
    this.queueRedis.disconnect();
  }
}

/**
 * What the ingest and observe (gateway) and delivery (worker) modules share: RedisClient, keys, logs,
 * publisher, metrics. Needs the app's EVENTING_ENV settings section (AppSettingsModule).
 */
@Module({
  providers: [
    {
      provide: EVENTING_REDIS,
      inject: [EVENTING_ENV, SPACEPORT_LOGGER, SPACEPORT_NODE_OPTIONS],
      useFactory: (env: EventingEnv, logger: Logger, node: NodeOptions): RedisClient =>
        createRedis(
          env.redis,
          { kind: 'command', commandTimeoutMs: env.commandTimeoutMs },
          { connectionName: `spaceport-${node.role}-${node.nodeId}`, logger },
        ),
    },
    {
      provide: EVENTING_QUEUE_REDIS,
      inject: [EVENTING_ENV, SPACEPORT_LOGGER, SPACEPORT_NODE_OPTIONS],
      useFactory: (env: EventingEnv, logger: Logger, node: NodeOptions): RedisClient =>
        createRedis(
          env.redis,
          { kind: 'command', commandTimeoutMs: env.commandTimeoutMs },
          { connectionName: `spaceport-${node.role}-${node.nodeId}-queues`, logger },
        ),
    },
    {
      provide: EVENTING_KEYS,
      inject: [SPACEPORT_NODE_OPTIONS],
      useFactory: (node: NodeOptions) => eventingKeys(node.clusterId),
    },
    ConfigAccess,
    RedisLifecycle,
    EarlierLayoutCheck,
    EventLog,
    DisabledTriggers,
    PartitionQueues,
    EventPublisher,
    PartitionHighWater,
    QueueStateReader,
    ConsumerRecords,
    PartitionReader,
    DeadLetters,
    EventingMetrics,
    ProjectAuth,
    ReplicaWait,
    IdempotencyStore,
  ],
  exports: [
    IdempotencyStore,
    EventingMetrics,
    QueueStateReader,
    ConsumerRecords,
    PartitionReader,
    DeadLetters,
    EVENTING_REDIS,
    EVENTING_KEYS,
    ConfigAccess,
    EventLog,
    DisabledTriggers,
    EventPublisher,
    PartitionHighWater,
    ProjectAuth,
    ReplicaWait,
  ],
})
export class EventingCommonModule {}

import { Inject, Injectable } from '@nestjs/common';
import { SPACEPORT_LOGGER, SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import {
  clusterHashTag,
  partitionHashTag,
  type RedisClient,
  type RedisWaitSettings,
  waitForReplicas,
} from '@spaceport/redis-core';
import { type NodeOptions } from '@spaceport/runtime-core';
import { type Logger } from 'pino';
import { EventingMetrics } from './eventing-metrics';
import { UnavailableError } from './http-errors';
import { type EventingEnv } from './settings';
import { EVENTING_ENV, EVENTING_QUEUE_REDIS, EVENTING_REDIS } from './tokens';

/** How often at most a sent-record shortfall is logged (each one is counted). */
const SHORTFALL_LOG_INTERVAL_MS = 5_000;

/**
 * `REDIS_WAIT_REPLICAS` on the data plane's writes (docs/operations.md#durability-redis_wait_replicas):
 * `WAIT` on the connection that wrote, routed on a Cluster to the master of the slot written (each
 * partition's hash tag, or the cluster-wide `{c}` tag). With 0 replicas every call returns at once.
 */
@Injectable()
export class ReplicaWait {
  private readonly settings: RedisWaitSettings;
  private lastLogged = 0;

  constructor(
    @Inject(EVENTING_ENV) env: EventingEnv,
    @Inject(EVENTING_REDIS) private readonly redis: RedisClient,
    @Inject(EVENTING_QUEUE_REDIS) private readonly queueRedis: RedisClient,
    @Inject(SPACEPORT_NODE_OPTIONS) private readonly node: NodeOptions,
    private readonly metrics: EventingMetrics,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
  ) {
    this.settings = env.redisWait;
  }

  get enabled(): boolean {
    return this.settings.replicas > 0;
  }

  /**
   * After ingest wrote events (record and jobs, on the queue connection, in `partitions`) and, with
   * `clusterWide`, the Idempotency-Key record (command connection, `{c}` slot): resolves once every write
   * reached the replicas, else throws UnavailableError (503 + Retry-After). The events stay written on
   * the master: a producer retrying under the same Idempotency-Key gets the same ids, not a second event.
   */
  async acceptedEvents(partitions: readonly number[], clusterWide: boolean): Promise<void> {
    if (!this.enabled) return;
    const { clusterId } = this.node;
    const waits = [
      waitForReplicas(
        this.queueRedis,
        this.settings,
        [...new Set(partitions)].map((p) => partitionHashTag(clusterId, p)),
      ),
    ];
    if (clusterWide) waits.push(waitForReplicas(this.redis, this.settings, [clusterHashTag(clusterId)]));
    const acknowledged = Math.min(...(await Promise.all(waits)).map((result) => result.acknowledged));
    if (acknowledged >= this.settings.replicas) return;
    this.metrics.redisWaitShortfall('event');
    throw new UnavailableError(
      `event stored but not confirmed on ${this.settings.replicas} Redis replica(s) ` +
        `(${acknowledged} acknowledged within ${this.settings.timeoutMs} ms); retry later`,
    );
  }

  /**
   * After the ledger recorded a send of `partition` (command connection): a shortfall or a failed WAIT is
   * counted (`spaceport_redis_wait_shortfalls_total{write="sent-record"}`) and logged, never thrown: the
   * webhook was sent, the delivery goes on.
   */
  async sentRecord(partition: number, deliveryId: string): Promise<void> {
    if (!this.enabled) return;
    let found: string;
    try {
      const result = await waitForReplicas(this.redis, this.settings, [
        partitionHashTag(this.node.clusterId, partition),
      ]);
      if (result.ok) return;
      found = `${result.acknowledged} acknowledged within ${this.settings.timeoutMs} ms`;
    } catch (error) {
      found = `WAIT failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    this.metrics.redisWaitShortfall('sent-record');
    const now = Date.now();
    if (now - this.lastLogged < SHORTFALL_LOG_INTERVAL_MS) return;
    this.lastLogged = now;
    this.logger.warn(
      { partition, deliveryId, replicas: this.settings.replicas },
      `sent record not confirmed on the Redis replicas (${found}); delivery goes on`,
    );
  }
}

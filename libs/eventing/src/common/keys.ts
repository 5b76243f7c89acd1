import { clusterHashTag, partitionHashTag } from '@spaceport/redis-core';

/**
 * Redis key layout of the eventing data plane (docs/architecture.md#redis-key-layout). The records of an
 * event live with its partition p — the partition its deliveries are queued in, `hash(project,
 * partitionKey ?? eventId) mod P` — under p's hash tag `{<cluster>:p<n>:<salt>}` (partitionHashTag), like p's queues and ledger
 * keys, so each script stays in one slot and the partitions spread over a Redis Cluster's shards; so
 * does the shard for p of each project's event index. The small cluster-wide keys carry `{<cluster>}`.
 */

export interface EventingKeys {
  readonly prefix: string;
  /** string JSON {hash, eventIds, acceptedAt, state, response}, PX idempotency TTL */
  idempotency(project: string, key: string): string;
  /** hash: the event and the status of each of its deliveries; in the slot of the event's partition */
  event(project: string, partition: number, eventId: string): string;
  /**
   * zset, every score 0, member = event id (a ULID, so members sort by acceptance): partition p's shard
   * of a project's event log index (the project's log is the merge of its shards)
   */
  events(project: string, partition: number): string;
  /** list of JSON invocations (attempts) of one event; in the slot of the event's partition */
  invocations(project: string, partition: number, eventId: string): string;
  /** set of `<project>/<trigger>` disabled by the data plane (410 or failure run) */
  readonly disabledTriggers: string;
  /** hash `<project>/<trigger>` → JSON reason */
  readonly disabledReasons: string;
  /** stream of dead-lettered deliveries of a project */
  dlq(project: string): string;
  /** string counter: deliveries of a trigger admitted in fixed rate window `window`, PX 2 windows */
  rateWindow(project: string, triggerId: string, window: number): string;
  /** string counter: consecutive final failures of a trigger (reset by a success), PX 7 days */
  failureRun(project: string, triggerId: string): string;
  /** string: the largest partition count any publisher has used (partition-high-water.ts) */
  readonly partitionHighWater: string;
  /**
   * string JSON {worker, epoch, updatedAt, idleMs}, PX a few seconds: the worker consuming the partition now,
   * renewed by its heartbeat (consumer-records.ts)
   */
  partitionConsumer(partition: number): string;
  /**
   * pub/sub channel of one gateway (node id): the answers to the synchronous events it holds calls for
   * (ingest/sync-replies.ts); in the cluster-wide slot
   */
  syncReply(nodeId: string): string;
}

const CLUSTER_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export function eventingKeys(clusterId: string): EventingKeys {
  if (!CLUSTER_PATTERN.test(clusterId)) throw new RangeError(`cluster id must match ${CLUSTER_PATTERN.source}`);
  const prefix = `sp:${clusterHashTag(clusterId)}:ev:`;
  const partitionPrefix = (partition: number): string => `sp:${partitionHashTag(clusterId, partition)}:ev:`;
  return {
    prefix,
    idempotency: (project, key) => `${prefix}idem:${project}:${key}`,
    event: (project, partition, eventId) => `${partitionPrefix(partition)}event:${project}:${eventId}`,
    events: (project, partition) => `${partitionPrefix(partition)}events:${project}`,
    invocations: (project, partition, eventId) => `${partitionPrefix(partition)}inv:${project}:${eventId}`,
    disabledTriggers: `${prefix}disabled-triggers`,
    disabledReasons: `${prefix}disabled-reasons`,
    dlq: (project) => `${prefix}dlq:${project}`,
    rateWindow: (project, triggerId, window) => `${prefix}rate:${project}/${triggerId}:${window}`,
    failureRun: (project, triggerId) => `${prefix}failure-run:${project}/${triggerId}`,
    partitionHighWater: `${prefix}partition-high-water`,
    partitionConsumer: (partition) => `${prefix}consumer:${partition}`,
    syncReply: (nodeId) => `${prefix}sync-reply:${nodeId}`,
  };
}

/** BullMQ queue of a partition: `sp-<cluster>-p<n>`, and `…-ordered` for ordered triggers. */
export function partitionQueueName(clusterId: string, partition: number, ordered = false): string {
  return `sp-${clusterId}-p${partition}${ordered ? '-ordered' : ''}`;
}

/**
 * The BullMQ prefix of a partition's queues: `<bullPrefix>:{<cluster>:p<n>:<salt>}`, so that BullMQ's keys of
 * both queues of partition n (`<bullPrefix>:{<cluster>:p<n>:<salt>}:sp-<cluster>-p<n>[-ordered]:…`) hash to the
 * partition's slot, where its event records and ledger keys are (BullMQ's Cluster advice: a prefix in braces).
 */
export function partitionQueuePrefix(bullPrefix: string, clusterId: string, partition: number): string {
  return `${bullPrefix}:${partitionHashTag(clusterId, partition)}`;
}

/** Where a partition's BullMQ queue lives: its name and its prefix. */
export interface PartitionQueueAddress {
  readonly name: string;
  readonly prefix: string;
}

export function partitionQueueAddress(
  bullPrefix: string,
  clusterId: string,
  partition: number,
  ordered = false,
): PartitionQueueAddress {
  return {
    name: partitionQueueName(clusterId, partition, ordered),
    prefix: partitionQueuePrefix(bullPrefix, clusterId, partition),
  };
}

/** Member of the disabled-triggers set. */
export function triggerRef(project: string, triggerId: string): string {
  return `${project}/${triggerId}`;
}

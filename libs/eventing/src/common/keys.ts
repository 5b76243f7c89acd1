/**
 * Redis key layout of the eventing data plane (docs/architecture.md#redis-key-layout). Every key of a cluster carries the
 * hash tag `{<cluster>}` like the delivery ledger, so multi-key commands stay in one slot.
 */

export interface EventingKeys {
  readonly prefix: string;
  /** string JSON {hash, eventIds, acceptedAt, state, response}, PX idempotency TTL */
  idempotency(project: string, key: string): string;
  /** hash: the event and the status of each of its deliveries */
  event(project: string, eventId: string): string;
  /** zset, every score 0, member = event id (a ULID, so members sort by acceptance): a project's event log index */
  events(project: string): string;
  /** list of JSON invocations (attempts) of one event */
  invocations(project: string, eventId: string): string;
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
}

const CLUSTER_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

export function eventingKeys(clusterId: string): EventingKeys {
  if (!CLUSTER_PATTERN.test(clusterId)) throw new RangeError(`cluster id must match ${CLUSTER_PATTERN.source}`);
  const prefix = `sp:{${clusterId}}:ev:`;
  return {
    prefix,
    idempotency: (project, key) => `${prefix}idem:${project}:${key}`,
    event: (project, eventId) => `${prefix}event:${project}:${eventId}`,
    events: (project) => `${prefix}events:${project}`,
    invocations: (project, eventId) => `${prefix}inv:${project}:${eventId}`,
    disabledTriggers: `${prefix}disabled-triggers`,
    disabledReasons: `${prefix}disabled-reasons`,
    dlq: (project) => `${prefix}dlq:${project}`,
    rateWindow: (project, triggerId, window) => `${prefix}rate:${project}/${triggerId}:${window}`,
    failureRun: (project, triggerId) => `${prefix}failure-run:${project}/${triggerId}`,
    partitionHighWater: `${prefix}partition-high-water`,
    partitionConsumer: (partition) => `${prefix}consumer:${partition}`,
  };
}

/** BullMQ queue of a partition: `sp-<cluster>-p<n>`, and `…-ordered` for ordered triggers. */
export function partitionQueueName(clusterId: string, partition: number, ordered = false): string {
  return `sp-${clusterId}-p${partition}${ordered ? '-ordered' : ''}`;
}

/** Member of the disabled-triggers set. */
export function triggerRef(project: string, triggerId: string): string {
  return `${project}/${triggerId}`;
}

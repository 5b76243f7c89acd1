import { type DataPlaneReading } from '@spaceport/eventing-core';

/**
 * What the coordinator drives on a worker: the data plane's partition consumer. The coordinator
 * calls it serially (never two calls for one partition at once) and only for partitions this
 * worker owns in the current assignment.
 */
export interface PartitionRunner {
  /**
   * Start consuming `partition`; the runner bumps the partition epoch in Redis to `epoch` first.
   * Rejects when it cannot, e.g. Redis holds a newer epoch: the partition is then not running.
   */
  start(partition: number, epoch: number): Promise<unknown>;
  /** stop taking new jobs of `partition`, finish in-flight, then resolve (cooperative handoff) */
  stop(partition: number): Promise<void>;
  /**
   * How many partitions to assign for the configured count: at least `partitionCount`, more while
   * partitions a lowered count dropped may still hold jobs. Optional: the configured count otherwise.
   */
  partitionsToConsume?(partitionCount: number): Promise<number>;
  /**
   * The highest partition epoch the data plane holds (Redis), so that a new generation goes above it
   * even when the assignment in Consul was lost. Optional: 0 otherwise.
   */
  highestEpoch?(partitionCount: number): Promise<number>;
  /**
   * Gives the runner the follower's answer to "is this worker still the assigned, healthy owner of
   * `partition` at `epoch`?", so it can re-establish an epoch Redis lost instead of stopping. Optional.
   */
  setOwnershipCheck?(check: (partition: number, epoch: number) => boolean): void;
  /**
   * Gives the runner a listener for a partition it stopped by itself (fenced by a newer epoch), so the
   * follower no longer counts it as running (readiness) and starts it again while it is assigned. Optional.
   */
  setStopListener?(listener: (partition: number) => void): void;
  /**
   * The data plane's reading of `partitions` (backlog, oldest due waiting job, live consumer record), so
   * the worker's readiness can report which of its partitions are stuck. Optional: no such detail otherwise.
   */
  readPartitions?(partitions: readonly number[]): Promise<DataPlaneReading>;
}

/** Nest DI token of the worker's PartitionRunner (provided by the data plane). */
export const PARTITION_RUNNER = Symbol.for('spaceport:partition-runner');

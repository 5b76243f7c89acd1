/**
 * What the coordinator drives on a worker: the data plane's partition consumer. The coordinator
 * calls it serially (never two calls for one partition at once) and only for partitions this
 * worker owns in the current assignment.
 */
export interface PartitionRunner {
  /** start consuming `partition`; the runner bumps the partition epoch in Redis to `epoch` first */
  start(partition: number, epoch: number): Promise<void>;
  /** stop taking new jobs of `partition`, finish in-flight, then resolve (cooperative handoff) */
  stop(partition: number): Promise<void>;
  /**
   * How many partitions to assign for the configured count: at least `partitionCount`, more while
   * partitions a lowered count dropped may still hold jobs. Optional: the configured count otherwise.
   */
  partitionsToConsume?(partitionCount: number): Promise<number>;
}

/** Nest DI token of the worker's PartitionRunner (provided by the data plane). */
export const PARTITION_RUNNER = Symbol.for('spaceport:partition-runner');

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
}

/** Nest DI token of the worker's PartitionRunner (provided by the data plane). */
export const PARTITION_RUNNER = Symbol.for('spaceport:partition-runner');

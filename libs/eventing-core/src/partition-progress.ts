/**
 * Is a partition's backlog moving? The data plane reads, per partition, its job counts, the age of its
 * oldest due waiting job and the consumer that says it runs it (a record each worker keeps alive in
 * Redis); the cluster knows who should run it. `judgePartition` compares the two (docs/operations.md,
 * "A stuck partition").
 */

/** Standalone mode: the one worker consumes every partition at this epoch. */
export const STANDALONE_EPOCH = 1;

/** Default of `EVENTING_STALL_AFTER_MS`: how long a running consumer may take no job while due jobs wait. */
export const DEFAULT_STALL_AFTER_MS = 30_000;

/** Who should consume a partition: `worker` at `epoch` (no `worker`: any worker, as in standalone mode). */
export interface ExpectedConsumer {
  readonly worker?: string;
  readonly epoch: number;
}

/** A live consumer record: the worker that says it consumes the partition now. */
export interface PartitionConsumer {
  readonly worker: string;
  readonly epoch: number;
  /** when the worker last renewed the record (its clock) */
  readonly updatedAt: string;
  /** how long, at that renewal, its consumer had taken no job (or run, if it took none yet) */
  readonly idleMs: number;
}

/** Jobs per state of a partition's queues (main + ordered), as BullMQ keeps them. */
export interface PartitionDepth {
  readonly waiting: number;
  readonly active: number;
  readonly delayed: number;
  readonly prioritized: number;
  readonly paused: number;
  readonly failed: number;
}

/** What the data plane reads of one partition. */
export interface PartitionReading {
  readonly depth: PartitionDepth;
  /** jobs not yet being delivered: waiting, delayed (due or not), prioritized, paused */
  readonly backlog: number;
  /** age of the oldest job that is due and waiting (waiting, prioritized, paused, or delayed past its time); null: none */
  readonly oldestWaitingMs: number | null;
  /** the live consumer record; null when no worker says it consumes the partition */
  readonly consumer: PartitionConsumer | null;
}

/** The data plane's reading of a set of partitions, with the stall bound it judges them by. */
export interface DataPlaneReading {
  readonly stallAfterMs: number;
  readonly partitions: ReadonlyMap<number, PartitionReading>;
}

/** `not-consumed`: nobody consumes it at the expected epoch; `stalled`: its consumer runs but takes no job. */
export type StuckReason = 'not-consumed' | 'stalled';

export interface PartitionVerdict {
  /** a live consumer runs it at the expected epoch (and, when one is named, as the expected worker) */
  readonly consuming: boolean;
  /** null while the backlog moves (or there is none) */
  readonly stuck: StuckReason | null;
}

export interface PartitionJudgement {
  /** null: nobody is assigned the partition */
  readonly expected: ExpectedConsumer | null;
  readonly consumer: PartitionConsumer | null;
  readonly oldestWaitingMs: number | null;
  readonly stallAfterMs: number;
}

/** Pure: whether the expected consumer runs the partition (a live record at its epoch, from its worker). */
export function isConsumedAsExpected(expected: ExpectedConsumer | null, consumer: PartitionConsumer | null): boolean {
  if (!expected || !consumer || consumer.epoch !== expected.epoch) return false;
  return expected.worker === undefined || expected.worker === consumer.worker;
}

/**
 * Pure: the stuck rule. A partition is stuck when a due job waits and either nobody consumes it at the
 * expected epoch (`not-consumed`, at once: an unowned partition, a dead or stopped owner, or an owner
 * that has not started it), or its consumer runs but both the oldest due job has waited and the
 * consumer has taken no job for `stallAfterMs` (`stalled`). A busy consumer working through a deep
 * backlog keeps taking jobs, so an old head of queue alone is not a stall.
 */
export function judgePartition(input: PartitionJudgement): PartitionVerdict {
  const consuming = isConsumedAsExpected(input.expected, input.consumer);
  const waiting = input.oldestWaitingMs;
  if (waiting === null) return { consuming, stuck: null };
  if (!consuming) return { consuming, stuck: 'not-consumed' };
  const idleMs = input.consumer?.idleMs ?? 0;
  const stalled = waiting >= input.stallAfterMs && idleMs >= input.stallAfterMs;
  return { consuming, stuck: stalled ? 'stalled' : null };
}

/** Pure: the verdict of each read partition, `expectedOf` naming who should consume it. */
export function judgePartitions(
  reading: DataPlaneReading,
  expectedOf: (partition: number) => ExpectedConsumer | null,
): Map<number, PartitionVerdict> {
  const verdicts = new Map<number, PartitionVerdict>();
  for (const [partition, read] of reading.partitions) {
    verdicts.set(
      partition,
      judgePartition({
        expected: expectedOf(partition),
        consumer: read.consumer,
        oldestWaitingMs: read.oldestWaitingMs,
        stallAfterMs: reading.stallAfterMs,
      }),
    );
  }
  return verdicts;
}

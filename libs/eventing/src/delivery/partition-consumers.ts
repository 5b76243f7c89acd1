import { Inject, Injectable, type OnApplicationShutdown, type OnModuleDestroy } from '@nestjs/common';
import { SPACEPORT_LOGGER, SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { createRedis, type RedisClient } from '@spaceport/redis-core';
import { Emitter, type NodeOptions, settlesWithin } from '@spaceport/runtime-core';
import { type Job, Worker } from 'bullmq';
import { type Logger } from 'pino';
import { closeOnceInitialised } from '../common/close-once-initialised';
import { type ConsumedPartition } from '../common/consumer-records';
import { type DeliveryJobData } from '../common/delivery-job';
import { BACKOFF_TYPE } from '../common/event-publisher';
import { partitionQueueAddress } from '../common/keys';
import { PartitionHighWater } from '../common/partition-high-water';
import { type EventingEnv } from '../common/settings';
import { EVENTING_ENV } from '../common/tokens';
import { DeliveryProcessor, EPOCH_LEDGER_TIMEOUT_MS, type PartitionLease } from './delivery-processor';
import { backoffDelay } from './retry';

export interface OwnedPartition {
  readonly partition: number;
  readonly epoch: number;
}

interface Consumer {
  readonly epoch: number;
  readonly workers: Worker<DeliveryJobData, string>[];
  readonly abort: AbortController;
  /** when (performance.now()) it last took a job, or started if it took none yet */
  readonly progress: ConsumerProgress;
}

type ConsumerProgress = {
  takenAt: number;
  /** jobs its workers are processing now */
  inFlight: number;
  /** its BullMQ queues whose worker has not closed yet (while it stops) */
  readonly open: Set<string>;
};

/** A partition whose graceful stop still runs, as the shutdown log names it. */
export interface StillStopping {
  readonly partition: number;
  readonly epoch: number;
  readonly jobsInFlight: number;
  readonly queuesOpen: string[];
}

export type StartResult = 'started' | 'already-owned' | 'stale';

/** The cluster's `start` of a partition found a newer epoch in Redis: the partition is not running. */
export class StaleEpochError extends Error {
  constructor(partition: number, epoch: number) {
    super(`partition ${partition}: Redis holds a newer epoch than ${epoch}; not consuming`);
    this.name = 'StaleEpochError';
  }
}

/**
 * On shutdown, how long the partitions' graceful stop (jobs in flight finish, BullMQ workers close) may
 * take before the shutdown goes on without it: below the app's SHUTDOWN_TIMEOUT_MS (8 s), so the rest of
 * the shutdown still runs and the process exits by itself.
 */
export const PARTITION_STOP_GRACE_MS = 5_000;

/** Longest wait, on stop, for a just-created BullMQ worker to finish connecting (see closeOnceInitialised). */
const READY_BEFORE_CLOSE_MS = 5_000;

/**
 * BullMQ's long poll on an empty queue (`drainDelay`, s; BullMQ's default is 5). A new, delayed or
 * retried job wakes the poll through the queue's marker, and `close()` disconnects it, so the bound
 * only sets how often an idle queue is polled: the 64 queues of a standalone worker (32 partitions,
 * main and ordered) poll 13 times a second at 5 s, twice at 30 s (an idle worker's CPU −20–40 %,
 * docs/benchmarks.md "Idle deployment"; eventing.int.spec checks the wake-ups).
 */
const IDLE_POLL_SECONDS = 30;

/**
 * The BullMQ consumers of the partitions this worker owns; the cluster layer (or, standalone, the
 * starter) drives it. `start` bumps the partition epoch in the ledger first (fencing any older owner),
 * `stop` stops taking jobs and waits for those in flight. Per partition: a worker with
 * `EVENTING_CONCURRENCY` on the main queue and one with concurrency 1 on the ordered queue.
 */
@Injectable()
export class PartitionConsumers implements OnModuleDestroy, OnApplicationShutdown {
  private readonly consumers = new Map<number, Consumer>();
  private readonly stopping = new Map<number, { done: Promise<void>; consumer: Consumer }>();
  private readonly healing = new Map<number, Promise<void>>();
  /** distributed mode: the cluster follower's "still the assigned, healthy owner at this epoch?" */
  private ownershipCheck: ((partition: number, epoch: number) => boolean) | undefined;
  /** distributed mode: told when a partition stops by itself (fenced), so the follower stops counting it */
  private stopListener: ((partition: number) => void) | undefined;
  private connection: RedisClient | undefined;
  /** the shutdown's stop of every partition (the connection closes once it is done) */
  private stoppedAll: Promise<void> = Promise.resolve();
  /** told synchronously when a partition's consumer starts or stops (the consumer records' heartbeat listens) */
  readonly consumption = new Emitter<{ started: [partition: number, epoch: number]; stopped: [number, number] }>();

  constructor(
    @Inject(EVENTING_ENV) private readonly env: EventingEnv,
    @Inject(SPACEPORT_NODE_OPTIONS) private readonly node: NodeOptions,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
    private readonly processor: DeliveryProcessor,
    private readonly highWater: PartitionHighWater,
  ) {}

  /** The cluster leader assigns this many partitions: the configured ones and any still fed before. */
  partitionsToConsume(partitionCount: number): Promise<number> {
    return this.highWater.partitionsToConsume(partitionCount);
  }

  /**
   * The highest partition epoch in Redis over `partitionCount` partitions: the cluster's count, which
   * `partitionsToConsume` already widened to the partition high water.
   */
  highestEpoch(partitionCount: number): Promise<number> {
    return this.processor.ledgerFor(EPOCH_LEDGER_TIMEOUT_MS).highestEpoch(partitionCount);
  }

  setOwnershipCheck(check: (partition: number, epoch: number) => boolean): void {
    this.ownershipCheck = check;
  }

  setStopListener(listener: (partition: number) => void): void {
    this.stopListener = listener;
  }

  /** `start` for the cluster: a stale epoch is an error (the follower retries), never a partition marked running. */
  async startAssigned(partition: number, epoch: number): Promise<void> {
    if ((await this.start(partition, epoch)) === 'stale') throw new StaleEpochError(partition, epoch);
  }

  owned(): OwnedPartition[] {
    return [...this.consumers]
      .map(([partition, consumer]) => ({ partition, epoch: consumer.epoch }))
      .sort((a, b) => a.partition - b.partition);
  }

  /** What it consumes now, with how long each consumer has taken no job (the consumer records). */
  consuming(now = performance.now()): ConsumedPartition[] {
    return [...this.consumers].map(([partition, { epoch, progress }]) => ({
      partition,
      epoch,
      idleMs: now - progress.takenAt,
    }));
  }

  async start(partition: number, epoch: number): Promise<StartResult> {
    await this.stopping.get(partition)?.done;
    const current = this.consumers.get(partition);
    if (current && current.epoch === epoch) return 'already-owned';
    if (current) await this.stop(partition);
    const bumped = await this.processor.ledgerFor(EPOCH_LEDGER_TIMEOUT_MS).bumpEpoch(partition, epoch);
    if (bumped.status === 'stale') {
      this.logger.warn({ partition, epoch, current: bumped.current }, 'partition epoch is stale; not consuming');
      return 'stale';
    }
    const abort = new AbortController();
    const lease: PartitionLease = {
      partition,
      epoch,
      signal: abort.signal,
      onFenced: (current) => this.onFenced(partition, epoch, current),
    };
    const progress: ConsumerProgress = { takenAt: performance.now(), inFlight: 0, open: new Set() };
    const workers = [false, true].map((ordered) => this.worker(partition, ordered, lease, progress));
    this.consumers.set(partition, { epoch, workers, abort, progress });
    this.logger.info({ partition, epoch }, 'consuming partition');
    this.consumption.emit('started', partition, epoch);
    return 'started';
  }

  /**
   * A claim found the partition's epoch changed. A newer one: another owner took the partition, so
   * stop. None, or an older one: Redis lost or rolled back its state (a restart without persistence,
   * a failover to a lagging replica, a FLUSH), and nobody newer owns the partition. The owner then
   * re-establishes its epoch (the bump never lowers one) and goes on; the postponed job runs again. A
   * standalone worker owns every partition; in distributed mode only while the cluster follower says
   * it is still the assigned owner with its ownership proven (a zombie past its lease stops).
   */
  private onFenced(partition: number, epoch: number, current: number | null): void {
    const lost = current === null || current < epoch;
    const owner = !this.node.enableConsul || this.ownershipCheck?.(partition, epoch) === true;
    if (!lost || !owner) {
      void this.stopByItself(partition);
      return;
    }
    if (this.healing.has(partition) || this.consumers.get(partition)?.epoch !== epoch) return;
    const healed = this.reestablish(partition, epoch, current).finally(() => this.healing.delete(partition));
    this.healing.set(partition, healed);
  }

  private async reestablish(partition: number, epoch: number, found: number | null): Promise<void> {
    try {
      const bumped = await this.processor.ledgerFor(EPOCH_LEDGER_TIMEOUT_MS).bumpEpoch(partition, epoch);
      if (bumped.status === 'stale') {
        this.logger.error(
          { partition, epoch, current: bumped.current },
          'partition epoch is newer than ours; stopping',
        );
        await this.stopByItself(partition);
        return;
      }
      this.logger.warn({ partition, epoch, found }, 'partition epoch was lost from Redis; re-established');
    } catch (error) {
      // The next fenced claim tries again.
      this.logger.warn({ partition, err: { message: (error as Error).message } }, 'cannot re-establish the epoch yet');
    }
  }

  /** A stop the driver did not ask for (a fence): the driver hears of it once it is done. */
  private async stopByItself(partition: number): Promise<void> {
    if (!this.consumers.has(partition)) return;
    await this.stop(partition);
    this.stopListener?.(partition);
  }

  /** Graceful: no new jobs of the partition; resolves once the jobs in flight are done. */
  stop(partition: number): Promise<void> {
    const pending = this.stopping.get(partition);
    if (pending) return pending.done;
    const consumer = this.consumers.get(partition);
    if (!consumer) return Promise.resolve();
    this.consumers.delete(partition);
    this.consumption.emit('stopped', partition, consumer.epoch);
    consumer.abort.abort();
    const { open } = consumer.progress;
    const closing = consumer.workers.map((worker) => {
      open.add(worker.name);
      return closeOnceInitialised(worker, READY_BEFORE_CLOSE_MS).finally(() => open.delete(worker.name));
    });
    const done = Promise.allSettled(closing).then(() => {
      this.stopping.delete(partition);
      this.logger.info({ partition, epoch: consumer.epoch }, 'stopped consuming partition');
    });
    this.stopping.set(partition, { done, consumer });
    return done;
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.consumers.keys()].map((partition) => this.stop(partition)));
    await Promise.all([...this.stopping.values()].map((entry) => entry.done));
  }

  /** The partitions whose stop has not finished: what their jobs and BullMQ workers still hold. */
  stillStopping(): StillStopping[] {
    return [...this.stopping].map(([partition, { consumer }]) => ({
      partition,
      epoch: consumer.epoch,
      jobsInFlight: consumer.progress.inFlight,
      queuesOpen: [...consumer.progress.open],
    }));
  }

  private worker(
    partition: number,
    ordered: boolean,
    lease: PartitionLease,
    progress: ConsumerProgress,
  ): Worker<DeliveryJobData, string> {
    this.connection ??= createRedis(
      this.env.redis,
      { kind: 'worker' },
      { connectionName: `spaceport-worker-${this.node.nodeId}`, logger: this.logger },
    );
    const queue = partitionQueueAddress(this.env.bullPrefix, this.node.clusterId, partition, ordered);
    const worker = new Worker<DeliveryJobData, string>(
      queue.name,
      async (job: Job<DeliveryJobData>, token?: string) => {
        progress.takenAt = performance.now();
        progress.inFlight += 1;
        try {
          return await this.processor.process(job, token, lease);
        } finally {
          progress.inFlight -= 1;
        }
      },
      {
        connection: this.connection,
        prefix: queue.prefix,
        concurrency: ordered ? 1 : this.env.concurrency,
        lockDuration: this.env.lockMs,
        stalledInterval: this.env.lockMs,
        maxStalledCount: 1_000,
        drainDelay: IDLE_POLL_SECONDS,
        settings: {
          backoffStrategy: (_attempts: number, type?: string, error?: Error) =>
            type === BACKOFF_TYPE ? backoffDelay(error) : 1_000,
        },
      },
    );
    worker.on('error', (error) =>
      this.logger.warn({ partition, err: { message: error.message } }, 'partition worker error'),
    );
    worker.on('failed', (job, error) => {
      if (error.name !== 'RetryLaterError')
        this.logger.warn({ partition, job: job?.id, err: { message: error.message } }, 'delivery job error');
      if (job && job.attemptsMade >= (job.opts.attempts ?? 1)) void this.deadLetterExhausted(partition, job, error);
    });
    return worker;
  }

  /** Its attempts ran out (BullMQ would only keep it in its failed set): to the DLQ, with the error. */
  private async deadLetterExhausted(partition: number, job: Job<DeliveryJobData>, error: Error): Promise<void> {
    try {
      await this.processor.failExhausted(job.data, error);
      this.logger.warn(
        { partition, job: job.id, err: { message: error.message } },
        'delivery job exhausted: to the DLQ',
      );
    } catch (failure) {
      this.logger.error(
        { partition, job: job.id, err: { message: (failure as Error).message } },
        'could not dead-letter an exhausted job; it stays in the failed set',
      );
    }
  }

  /**
   * First shutdown step: finish in-flight deliveries while Redis and the HTTP pool are still open. Bounded:
   * past PARTITION_STOP_GRACE_MS (Redis stuck: a completion or a lock renewal waits for an answer that does
   * not come) it logs what still runs and shutdown goes on without it; the process exits, and a job left
   * so stays active in BullMQ until its lock expires (EVENTING_LOCK_MS), then runs again wherever its
   * partition is consumed, the ledger keeping it once-only. Its Redis connection is not cut under it: BullMQ
   * 5 retries a completion that failed on a closed connection at once and forever while it closes (a loop
   * that starves the event loop, so not even the process-wide timeout fires); it closes once the stop ends.
   */
  async onModuleDestroy(): Promise<void> {
    this.stoppedAll = this.stopAll();
    if (await settlesWithin(this.stoppedAll, PARTITION_STOP_GRACE_MS)) return;
    this.logger.warn(
      { graceMs: PARTITION_STOP_GRACE_MS, stopping: this.stillStopping() },
      'partition consumers still stopping after the grace; shutting down without them',
    );
  }

  onApplicationShutdown(): void {
    const connection = this.connection;
    if (!connection) return;
    void this.stoppedAll.then(() => connection.disconnect());
  }
}

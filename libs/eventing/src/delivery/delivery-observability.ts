import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  readWithin,
  ReadinessRegistry,
  type ReadinessSession,
  SPACEPORT_METRICS,
  SPACEPORT_NODE_OPTIONS,
} from '@spaceport/app-runtime';
import { judgePartitions, STANDALONE_EPOCH } from '@spaceport/eventing-core';
import { type NodeOptions } from '@spaceport/runtime-core';
import { Counter, Gauge, type Registry } from 'prom-client';
import { PartitionConsumers } from './partition-consumers';
import { ConfigAccess } from '../common/config-access';
import { PartitionReader } from '../common/partition-reader';
import { type PartitionQueueState, QueueStateReader } from '../common/queue-state';

/** A scrape waits at most this long for the queue depths (else it drops them and counts an error). */
export const QUEUE_DEPTH_TIMEOUT_MS = 1_500;
/** A readiness probe waits at most this long for its partitions' reading (else it reports no `stuck`). */
export const READINESS_READ_TIMEOUT_MS = 1_000;

/**
 * Pure: the `partitions` readiness of a standalone worker: up once it consumes all P partitions of
 * the config; down while it has no config or is still starting some. `stuck` (the partitions the
 * stuck rule flags, when they could be read) is a detail: it does not take the worker down.
 */
export function standalonePartitionsIndicator(
  session: ReadinessSession,
  partitionCount: number | undefined,
  owned: number,
  stuck?: readonly number[],
) {
  if (partitionCount === undefined)
    return session.down({ message: 'waiting for the config (partition count)', mode: 'standalone', owned });
  const details = { mode: 'standalone', owned, partitionCount, ...(stuck ? { stuck } : {}) };
  return owned >= partitionCount
    ? session.up(details)
    : session.down({ message: `consuming ${owned} of ${partitionCount} partitions`, ...details });
}

/**
 * Event-worker metrics read at scrape time: `spaceport_partitions_owned` and
 * `spaceport_queue_depth{partition,state}` of the partitions it consumes (so the sum over workers
 * counts each partition once). Standalone mode: the `partitions` readiness check (distributed mode:
 * the cluster coordinator registers it).
 */
@Injectable()
export class DeliveryObservability implements OnModuleInit {
  constructor(
    @Inject(SPACEPORT_NODE_OPTIONS) private readonly node: NodeOptions,
    @Inject(SPACEPORT_METRICS) private readonly registry: Registry,
    private readonly readiness: ReadinessRegistry,
    private readonly consumers: PartitionConsumers,
    private readonly config: ConfigAccess,
    private readonly queueStates: QueueStateReader,
    private readonly partitions: PartitionReader,
  ) {}

  onModuleInit(): void {
    const consumers = this.consumers;
    const registers = [this.registry];
    new Gauge({
      name: 'spaceport_partitions_owned',
      help: 'Partitions this worker consumes now',
      registers,
      collect() {
        this.set(consumers.owned().length);
      },
    });
    this.registerQueueDepth();
    if (this.node.enableConsul || !this.config.available) return;
    this.readiness.register('partitions', async (session) =>
      standalonePartitionsIndicator(
        session,
        this.config.current()?.eventing.value.partitionCount,
        this.consumers.owned().length,
        await this.stuckPartitions(),
      ),
    );
  }

  private registerQueueDepth(): void {
    const registers = [this.registry];
    // One read per scrape, shared by the depth gauge and its error counter (collected side by side).
    let pending: Promise<Map<number, PartitionQueueState> | undefined> | undefined;
    const readDepth = () =>
      (pending ??= readWithin(QUEUE_DEPTH_TIMEOUT_MS, () =>
        this.queueStates.read(this.consumers.owned().map((entry) => entry.partition)),
      ).finally(() => (pending = undefined)));
    new Counter({
      name: 'spaceport_queue_depth_errors_total',
      help: 'Scrapes that could not read the queue depths in time (Redis away or slow)',
      registers,
      async collect() {
        if ((await readDepth()) === undefined) this.inc();
      },
    });
    new Gauge({
      name: 'spaceport_queue_depth',
      help: 'Jobs per state in the queues of the partitions this worker consumes (read at scrape time)',
      labelNames: ['partition', 'state'],
      registers,
      async collect() {
        const states = await readDepth();
        this.reset();
        for (const [partition, { depth }] of states ?? []) {
          for (const [state, count] of Object.entries(depth)) this.set({ partition: String(partition), state }, count);
        }
      },
    });
  }

  /** Standalone: the partitions the stuck rule flags (this worker should consume all); undefined if unread. */
  private async stuckPartitions(): Promise<number[] | undefined> {
    const reading = await readWithin(READINESS_READ_TIMEOUT_MS, () => this.partitions.readAll());
    if (!reading) return undefined;
    const verdicts = judgePartitions(reading, () => ({ epoch: STANDALONE_EPOCH }));
    return [...verdicts].filter(([, verdict]) => verdict.stuck !== null).map(([partition]) => partition);
  }
}

import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import {
  readWithin,
  ReadinessRegistry,
  type ReadinessSession,
  SPACEPORT_METRICS,
  SPACEPORT_NODE_OPTIONS,
} from '@spaceport/app-runtime';
import { type NodeOptions } from '@spaceport/runtime-core';
import { Counter, Gauge, type Registry } from 'prom-client';
import { PartitionConsumers } from './partition-consumers';
import { ConfigAccess } from '../common/config-access';
import { QueueDepthReader } from '../common/queue-depth';

/** A scrape waits at most this long for the queue depths (else it drops them and counts an error). */
export const QUEUE_DEPTH_TIMEOUT_MS = 1_500;

/**
 * Pure: the `partitions` readiness of a standalone worker: up once it consumes all P partitions of
 * the config; down while it has no config or is still starting some.
 */
export function standalonePartitionsIndicator(
  session: ReadinessSession,
  partitionCount: number | undefined,
  owned: number,
) {
  if (partitionCount === undefined)
    return session.down({ message: 'waiting for the config (partition count)', mode: 'standalone', owned });
  const details = { mode: 'standalone', owned, partitionCount };
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
    private readonly depthReader: QueueDepthReader,
  ) {}

  onModuleInit(): void {
    const consumers = this.consumers;
    const depthReader = this.depthReader;
    const registers = [this.registry];
    new Gauge({
      name: 'spaceport_partitions_owned',
      help: 'Partitions this worker consumes now',
      registers,
      collect() {
        this.set(consumers.owned().length);
      },
    });
    // One read per scrape, shared by the depth gauge and its error counter (collected side by side).
    let pending: Promise<Map<number, Record<string, number>> | undefined> | undefined;
    const readDepth = () =>
      (pending ??= readWithin(QUEUE_DEPTH_TIMEOUT_MS, () =>
        depthReader.depth(consumers.owned().map((entry) => entry.partition)),
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
        const depth = await readDepth();
        this.reset();
        for (const [partition, states] of depth ?? []) {
          for (const [state, count] of Object.entries(states)) this.set({ partition: String(partition), state }, count);
        }
      },
    });
    if (this.node.enableConsul || !this.config.available) return;
    this.readiness.register('partitions', (session) =>
      standalonePartitionsIndicator(
        session,
        this.config.current()?.eventing.value.partitionCount,
        this.consumers.owned().length,
      ),
    );
  }
}

import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ReadinessRegistry, SPACEPORT_METRICS } from '@spaceport/app-runtime';
import { Counter, Gauge, type Registry } from 'prom-client';
import { type PartitionStatus } from '../cluster-status';
import { ClusterPartitions, PARTITION_READING_TIMEOUT_MS, type PartitionSurvey } from './cluster-partitions';

/** Pure: the details of the gateway's `backlog` readiness check (it stays up: ingest keeps accepting). */
export function backlogDetails(statuses: readonly PartitionStatus[]) {
  const waits = statuses.flatMap((status) =>
    typeof status.oldestWaitingMs === 'number' ? [status.oldestWaitingMs] : [],
  );
  return {
    partitions: statuses.length,
    consumed: statuses.filter((status) => status.consuming === true).length,
    notConsumed: statuses.filter((status) => status.consuming !== true).map((status) => status.partition),
    oldestWaitingMs: waits.length > 0 ? Math.max(...waits) : null,
    stuck: statuses
      .filter((status) => status.stuck === true)
      .map(({ partition, stuckReason, owner, epoch, consumer, backlog, oldestWaitingMs }) => ({
        partition,
        reason: stuckReason,
        owner,
        epoch,
        consumer: consumer ? { worker: consumer.worker, epoch: consumer.epoch, idleMs: consumer.idleMs } : null,
        backlog,
        oldestWaitingMs,
      })),
  };
}

/**
 * The gateway's cluster-wide view of every partition, whoever owns it, read at scrape / probe time:
 * `spaceport_partition_jobs{partition,state}`, `spaceport_partition_oldest_waiting_seconds{partition}`,
 * `spaceport_partition_consuming{partition}`, `spaceport_partition_stuck{partition}` (and an error
 * counter), and the `backlog` readiness check, always up, that lists the stuck partitions.
 */
@Injectable()
export class PartitionObservability implements OnModuleInit {
  constructor(
    private readonly partitions: ClusterPartitions,
    @Inject(SPACEPORT_METRICS) private readonly registry: Registry,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    if (!this.partitions.surveyed) return;
    this.registerMetrics();
    this.readiness.register('backlog', async (session) => {
      const survey = await this.partitions.survey();
      return survey
        ? session.up(backlogDetails(survey.statuses))
        : session.up({
            readable: false,
            message: `the partitions could not be read within ${PARTITION_READING_TIMEOUT_MS} ms (Redis or Consul away or slow)`,
          });
    });
  }

  private registerMetrics(): void {
    const survey = () => this.partitions.survey();
    const registers = [this.registry];
    new Counter({
      name: 'spaceport_partition_status_errors_total',
      help: 'Scrapes that could not read the partitions in time (Redis or Consul away or slow)',
      registers,
      async collect() {
        if ((await survey()) === undefined) this.inc();
      },
    });
    new Gauge({
      name: 'spaceport_partition_jobs',
      help: 'Jobs per state in the queues of every partition, whoever consumes it (read at scrape time)',
      labelNames: ['partition', 'state'],
      registers,
      async collect() {
        const read = await survey();
        this.reset();
        for (const [partition, { depth }] of read?.readings.partitions ?? []) {
          for (const [state, count] of Object.entries(depth)) this.set({ partition: String(partition), state }, count);
        }
      },
    });
    const perPartition = (name: string, help: string, value: (status: PartitionStatus) => number) =>
      new Gauge({
        name,
        help,
        labelNames: ['partition'],
        registers,
        async collect() {
          const read: PartitionSurvey | undefined = await survey();
          this.reset();
          for (const status of read?.statuses ?? []) this.set({ partition: String(status.partition) }, value(status));
        },
      });
    perPartition(
      'spaceport_partition_oldest_waiting_seconds',
      'Age of the oldest due waiting job of each partition (delayed ones since their due time); 0 when none',
      (status) => (status.oldestWaitingMs ?? 0) / 1_000,
    );
    perPartition(
      'spaceport_partition_consuming',
      '1 while the owner of the partition (standalone: the worker) consumes it at the assigned epoch',
      (status) => (status.consuming ? 1 : 0),
    );
    perPartition(
      'spaceport_partition_stuck',
      '1 while due jobs wait in the partition and nobody consumes it, or its consumer stalled',
      (status) => (status.stuck ? 1 : 0),
    );
  }
}

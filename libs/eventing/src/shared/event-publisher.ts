import { Inject, Injectable, type OnModuleDestroy } from '@nestjs/common';
import { SPACEPORT_NODE_OPTIONS } from '@spaceport/app-runtime';
import { type ConfigSnapshot } from '@spaceport/config-model';
import { type NodeOptions } from '@spaceport/consul-core';
import { canonicalJson } from '@spaceport/eventing-core';
import { type JobsOptions, Queue } from 'bullmq';
import { type Redis } from 'ioredis';
import { fanOut } from '../ingest/fan-out';
import { type QueuedEvent } from '../ingest/queue-body';
import { type DeliveryJobData } from './delivery-job';
import { DisabledTriggers } from './disabled-triggers';
import { EventLog } from './event-log';
import { partitionQueueName } from './keys';
import { type EventingEnv } from './settings';
import { EVENTING_ENV, EVENTING_REDIS } from './tokens';

/** BullMQ attempts are unbounded for us: the processor decides retries (RetryLaterError). */
export const JOB_ATTEMPTS = 10_000;
export const BACKOFF_TYPE = 'spaceport';

export interface PublishedEvent {
  readonly eventId: string;
  readonly partition: number;
  readonly deliveries: { id: string; trigger: string }[];
}

/**
 * Fan-out and enqueue (DESIGN.md "Event flow" 1): logs the event with its deliveries staged and adds
 * one job per delivery (job id = delivery id, so a repeated publish adds nothing twice) to the
 * partition's queue. Used by the gateway (queue API, redeliver, redrive) and the worker (dlq events).
 */
@Injectable()
export class EventPublisher implements OnModuleDestroy {
  private readonly queues = new Map<string, Queue<DeliveryJobData>>();

  constructor(
    @Inject(EVENTING_REDIS) private readonly redis: Redis,
    @Inject(EVENTING_ENV) private readonly env: EventingEnv,
    @Inject(SPACEPORT_NODE_OPTIONS) private readonly node: NodeOptions,
    private readonly log: EventLog,
    private readonly disabled: DisabledTriggers,
  ) {}

  async publish(snapshot: ConfigSnapshot, project: string, event: QueuedEvent, eventId: string, acceptedAt: number): Promise<PublishedEvent> {
    const disabled = await this.disabled.all();
    const eventTime = new Date(acceptedAt);
    const { partition, jobs } = fanOut(snapshot, project, eventId, event, eventTime, disabled);
    const accepted = {
      eventId, type: event.type, payloadJson: canonicalJson(event.payload), time: eventTime.toISOString(), acceptedAt,
      partition, partitionKey: event.partitionKey, triggers: jobs.map((job) => job.triggerId),
    };
    await Promise.all([
      this.log.recordAccepted(project, accepted, snapshot.eventing.value.retention),
      this.enqueue(jobs, Math.max(0, event.notBefore - Date.now())),
    ]);
    return { eventId, partition, deliveries: jobs.map((job) => ({ id: job.deliveryId, trigger: job.triggerId })) };
  }

  /** Adds delivery jobs; `jobIdSuffix` makes a deliberate re-run (redrive, redeliver) a new job. */
  async enqueue(jobs: readonly DeliveryJobData[], delayMs: number, jobIdSuffix = ''): Promise<void> {
    const byQueue = new Map<string, DeliveryJobData[]>();
    for (const job of jobs) {
      const name = partitionQueueName(this.node.clusterId, job.partition, job.ordered);
      byQueue.set(name, [...(byQueue.get(name) ?? []), job]);
    }
    await Promise.all([...byQueue].map(([name, data]) => this.addBulk(name, data, delayMs, jobIdSuffix)));
  }

  /** A queue whose add failed is dropped, so a failed initialisation (Redis away) is not cached. */
  private async addBulk(name: string, jobs: DeliveryJobData[], delayMs: number, suffix: string): Promise<void> {
    const queue = this.queue(name);
    try {
      // one job (the common case): a plain add is one script call, addBulk builds a MULTI
      if (jobs.length === 1 && jobs[0]) await queue.add(jobs[0].triggerId, jobs[0], this.jobOptions(jobs[0], delayMs, suffix));
      else await queue.addBulk(jobs.map((job) => ({ name: job.triggerId, data: job, opts: this.jobOptions(job, delayMs, suffix) })));
    } catch (error) {
      if (this.queues.get(name) === queue) this.queues.delete(name);
      void queue.close().catch(() => undefined);
      throw error;
    }
  }

  private jobOptions(job: DeliveryJobData, delayMs: number, suffix: string): JobsOptions {
    return {
      jobId: `${job.deliveryId}${suffix}`,
      delay: delayMs,
      attempts: JOB_ATTEMPTS,
      backoff: { type: BACKOFF_TYPE },
      // Completed jobs are deleted at once: the ledger's sent record (kept for its retention), not the
      // job, is what stops a re-published delivery from being sent again (it completes as already sent).
      removeOnComplete: true,
      removeOnFail: { count: 10_000, age: 7 * 86_400 },
    };
  }

  private queue(name: string): Queue<DeliveryJobData> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new Queue<DeliveryJobData>(name, { connection: this.redis, prefix: this.env.bullPrefix });
      queue.on('error', () => undefined); // connection errors are logged once by the shared client
      this.queues.set(name, queue);
    }
    return queue;
  }

  /**
   * Jobs waiting per partition (main + ordered queue: waiting, delayed, prioritized, paused), for the
   * cluster status. Active jobs are not backlog.
   */
  async backlog(partitionCount: number): Promise<Map<number, number>> {
    const partitions = Array.from({ length: partitionCount }, (_, partition) => partition);
    const counts = await Promise.all(
      partitions.map(async (partition) => {
        const queues = [false, true].map((ordered) => this.queue(partitionQueueName(this.node.clusterId, partition, ordered)));
        const perQueue = await Promise.all(queues.map((queue) => queue.getJobCounts('wait', 'delayed', 'prioritized', 'paused')));
        return perQueue.reduce((sum, count) => sum + Object.values(count).reduce((a, b) => a + b, 0), 0);
      }),
    );
    return new Map(partitions.map((partition, index) => [partition, counts[index] ?? 0]));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.allSettled([...this.queues.values()].map((queue) => queue.close()));
    this.queues.clear();
  }
}

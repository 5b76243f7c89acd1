import { Inject, Injectable } from '@nestjs/common';
import { type ConfigSnapshot } from '@spaceport/config-model';
import { type JobsOptions } from 'bullmq';
import { fanOut } from './fan-out';
import { type QueuedEvent } from './queued-event';
import { type DeliveryJobData, type JobExtras } from './delivery-job';
import { EventLog } from './event-log';
import { PartitionHighWater } from './partition-high-water';
import { PartitionQueues } from './partition-queues';
import { type EventingEnv } from './settings';
import { EVENTING_ENV } from './tokens';

/** BullMQ attempts are unbounded for us: the processor decides retries (RetryLaterError). */
export const JOB_ATTEMPTS = 10_000;
export const BACKOFF_TYPE = 'spaceport';

export interface PublishedEvent {
  readonly eventId: string;
  readonly partition: number;
  readonly deliveries: { id: string; trigger: string }[];
}

/**
 * Fan-out and enqueue (docs/architecture.md#event-flow, step 1): logs the event with its deliveries staged and adds
 * one job per delivery (job id = delivery id, so a repeated publish adds nothing twice) to the
 * partition's queue. Used by the gateway (queue API, redeliver, redrive) and the worker (dlq events).
 */
@Injectable()
export class EventPublisher {
  constructor(
    private readonly queues: PartitionQueues,
    private readonly log: EventLog,
    private readonly highWater: PartitionHighWater,
    @Inject(EVENTING_ENV) private readonly env: EventingEnv,
  ) {}

  /**
   * `idempotencyTtlMs`: the TTL of the Idempotency-Key the event was queued under, 0 without one;
   * `extras`: the reply channel of a synchronous event, the depth of a follow-up (JobExtras).
   */
  async publish(
    snapshot: ConfigSnapshot,
    project: string,
    event: QueuedEvent,
    eventId: string,
    acceptedAt: number,
    idempotencyTtlMs = 0,
    extras: JobExtras = {},
  ): Promise<PublishedEvent> {
    // before the first job with a larger partition count, record it as the high water, so consumers keep
    // its partitions after a later lowering (once per count and process, not a Redis call per publish)
    const raising = this.highWater.raise(snapshot.eventing.value.partitionCount);
    if (raising) await raising;
    // the CloudEvent `time`: the client's timestamp when it sent one, else the acceptance time
    const time = new Date(event.time ?? acceptedAt).toISOString();
    const { partition, jobs } = fanOut(snapshot, project, eventId, event, time, idempotencyTtlMs, extras);
    const accepted = {
      eventId,
      type: event.type,
      payloadJson: event.payloadJson,
      time,
      acceptedAt,
      partition,
      partitionKey: event.partitionKey,
      triggers: jobs.map((job) => job.triggerId),
    };
    // Every queue handle ready first, so that nothing below is held back to run after this call failed.
    // Then both on the queue connection, the log write first: the event exists before its jobs (a worker
    // recording an attempt always finds it, so a status is never left at staged), in one round trip.
    const readying = this.queuesReady(jobs);
    if (readying) await readying;
    await Promise.all([
      this.log.recordAccepted(
        project,
        accepted,
        snapshot.eventing.value.retention,
        snapshot.eventing.value.partitionCount,
      ),
      this.enqueue(jobs, Math.max(0, event.notBefore - Date.now())),
    ]);
    return { eventId, partition, deliveries: jobs.map((job) => ({ id: job.deliveryId, trigger: job.triggerId })) };
  }

  /**
   * Adds delivery jobs; `jobIdSuffix` makes a deliberate re-run (redrive, redeliver) a new job. One
   * `add` each, issued together: no MULTI (ioredis would copy BullMQ's ~50 scripts into it), and none
   * is needed, since job ids are delivery ids and the ledger completes a re-added sent delivery
   * without sending, so a caller retrying after a partial failure adds nothing twice to the receiver.
   */
  async enqueue(jobs: readonly DeliveryJobData[], delayMs: number, jobIdSuffix = ''): Promise<void> {
    const readying = this.queuesReady(jobs);
    if (readying) await readying;
    await Promise.all(jobs.map((job) => this.add(job, delayMs, jobIdSuffix)));
  }

  /**
   * Undefined when every queue handle of `jobs` is initialised (the hot path: no await), else a promise
   * that waits for them, bounded by the command timeout, or rejects.
   */
  private queuesReady(jobs: readonly DeliveryJobData[]): Promise<unknown> | undefined {
    let waiting: Promise<unknown>[] | undefined;
    for (const job of jobs) {
      if (this.queues.isReady(job.partition, job.ordered)) continue;
      (waiting ??= []).push(this.queues.ready(job.partition, job.ordered, this.env.commandTimeoutMs));
    }
    return waiting && Promise.all(waiting);
  }

  /** A queue whose add failed is dropped, so a failed initialisation (Redis away) is not cached. */
  private async add(job: DeliveryJobData, delayMs: number, suffix: string): Promise<void> {
    const queue = this.queues.of(job.partition, job.ordered);
    try {
      await queue.add(job.triggerId, job, this.jobOptions(job, delayMs, suffix));
    } catch (error) {
      this.queues.discard(queue);
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
}

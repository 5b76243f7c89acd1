import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { canonicalJson, deliveryIdOf } from '@spaceport/eventing-core';
import { DELIVERY_STATUSES, type DeliveryJobData, type DeliveryStatus } from '../common/delivery-job';
import { EventLog, type EventPage } from '../common/event-log';
import { type EventView, type Invocation } from '../common/event-record';
import { EventPublisher } from '../common/event-publisher';
import { ConfigAccess } from '../common/config-access';
import { isRedisUnavailable } from '../common/redis';
import { badRequest, httpError, UnavailableError } from '../common/http-errors';
import { type DeadLetterPage, DeadLetterPages, type DeadLetterQuery } from './dead-letter-page';
import { DeadLetterRedrive } from './dead-letter-redrive';
import { pageLimit, timeParam, triggerParam } from './query-params';
import { redeliverTargets, type SkippedRedelivery } from './redeliver-targets';

export interface ListQuery {
  readonly status?: string;
  readonly type?: string;
  readonly trigger?: string;
  readonly since?: string;
  readonly until?: string;
  readonly cursor?: string;
  readonly limit?: string;
}

/** Maps "Redis is away" to 503 for the read/replay endpoints. */
export async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof HttpException) && isRedisUnavailable(error))
      throw new UnavailableError('event store unavailable, retry later');
    throw error;
  }
}

/** Event/invocation logs, redelivery and DLQ redrive for the gateway. */
@Injectable()
export class ObserveService {
  constructor(
    private readonly log: EventLog,
    private readonly publisher: EventPublisher,
    private readonly deadLetterRedrive: DeadLetterRedrive,
    private readonly deadLetterPages: DeadLetterPages,
    private readonly config: ConfigAccess,
  ) {}

  list(project: string, query: ListQuery): Promise<EventPage> {
    const status = query.status as DeliveryStatus | undefined;
    if (status !== undefined && !DELIVERY_STATUSES.includes(status)) {
      throw badRequest([{ field: 'status', message: `must be one of ${DELIVERY_STATUSES.join(', ')}` }]);
    }
    const limit = pageLimit(query.limit);
    const filter = {
      ...(status ? { status } : {}),
      ...(query.type ? { type: query.type } : {}),
      ...(query.trigger ? { trigger: query.trigger } : {}),
      since: timeParam('since', query.since),
      until: timeParam('until', query.until),
    };
    return guarded(() => this.log.list(project, filter, limit, query.cursor || undefined));
  }

  async get(project: string, eventId: string): Promise<EventView & { invocations: Invocation[] }> {
    const event = await guarded(() => this.log.get(project, eventId));
    if (!event)
      throw httpError(HttpStatus.NOT_FOUND, 'Not Found', `event ${JSON.stringify(eventId)} is not in the log`);
    return event;
  }

  /**
   * Sends the event again to its triggers (all, or `trigger`): a new delivery with a new webhook-id
   * (`deliveryIdOf(eventId, "<trigger>/redeliver/<ms>")`), since the first one may be recorded as sent.
   * Only to triggers the current config can send to: the others are skipped (`skipped`, with the reason),
   * and their past deliveries keep their status; when none is left, 409 names each.
   */
  async redeliver(
    project: string,
    eventId: string,
    trigger?: string,
  ): Promise<{ deliveries: { id: string; trigger: string }[]; skipped: SkippedRedelivery[] }> {
    const event = await this.get(project, eventId);
    const named = event.deliveries.filter((d) => trigger === undefined || d.trigger === trigger);
    if (named.length === 0) throw httpError(HttpStatus.NOT_FOUND, 'Not Found', 'no such delivery of this event');
    const snapshot = this.config.current();
    if (!snapshot) throw new UnavailableError('config not loaded yet, retry later');
    const { sendable, skipped } = redeliverTargets(
      snapshot,
      project,
      named.map((d) => d.trigger),
    );
    if (sendable.length === 0) {
      const why = skipped.map((s) => `trigger ${JSON.stringify(s.trigger)}: ${s.reason}`).join('; ');
      throw httpError(HttpStatus.CONFLICT, 'Conflict', `nothing to redeliver to (${why}); past deliveries are kept`);
    }
    const stamp = Date.now();
    const jobs: DeliveryJobData[] = sendable.map((triggerId) => ({
      project,
      eventId,
      triggerId,
      deliveryId: deliveryIdOf(eventId, `${triggerId}/redeliver/${stamp}`),
      partition: event.partition,
      type: event.type,
      payloadJson: canonicalJson(event.payload),
      time: event.time,
      ...(event.partitionKey === null ? {} : { partitionKey: event.partitionKey }),
      ordered: false,
      idempotencyTtlMs: 0, // a new delivery id, which no idempotent replay publishes again
    }));
    await guarded(async () => {
      await Promise.all(sendable.map((t) => this.log.setStatus(project, event.partition, eventId, t, 'staged', true)));
      await this.publisher.enqueue(jobs, 0);
    });
    return { deliveries: jobs.map((job) => ({ id: job.deliveryId, trigger: job.triggerId })), skipped };
  }

  /**
   * Re-queues dead letters (all, or since `since`) with their original delivery id, then drops them from
   * the DLQ (`DeadLetterRedrive`). Held deliveries are among them: one whose trigger is still disabled by
   * the data plane is parked again by the worker that takes it.
   */
  async redrive(project: string, since?: string, trigger?: unknown): Promise<{ redriven: number }> {
    const sinceMs = timeParam('since', since) ?? 0;
    const only = triggerParam(trigger);
    const filter = { sinceMs, ...(only === undefined ? {} : { trigger: only }) };
    return guarded(async () => ({ redriven: await this.deadLetterRedrive.redrive(project, filter) }));
  }

  /** The project's DLQ, oldest first (`since`, `trigger`, `limit`, `cursor`). */
  deadLetters(project: string, query: Omit<DeadLetterQuery, 'sinceMs'> & { since?: string }): Promise<DeadLetterPage> {
    const sinceMs = timeParam('since', query.since);
    return guarded(() =>
      this.deadLetterPages.page(project, { ...query, ...(sinceMs === undefined ? {} : { sinceMs }) }),
    );
  }
}

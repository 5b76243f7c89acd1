import { HttpException, HttpStatus, Injectable } from '@nestjs/common';
import { type ConfigSnapshot, type Project } from '@spaceport/config-model';
import { createEventIdGenerator } from '@spaceport/eventing-core';
import { EventingMetrics } from '../common/eventing-metrics';
import { EventPublisher, type PublishedEvent } from '../common/event-publisher';
import { isRedisUnavailable } from '../common/redis';
import { badRequest, type FieldIssue, httpError, UnavailableError } from '../common/http-errors';
import { ProjectAuth } from '../common/project-auth';
import { type QueuedEvent } from '../common/queued-event';
import { ReplicaWait } from '../common/replica-wait';
import { IdempotencyStore, type IdempotencyRecord } from './idempotency';
import { isValidIdempotencyKey, parseQueueEvent, queueBatchSchema, requestHash } from './queue-body';

export interface QueueRequest {
  readonly project: string;
  readonly authorization: string | undefined;
  readonly idempotencyKey: string | undefined;
  readonly body: unknown;
  readonly batch: boolean;
}

export interface QueueResponse {
  readonly response: unknown;
  readonly replayed: boolean;
}

/** The queue API (docs/architecture.md#event-flow, step 1): auth, size, schema, idempotency, fan-out, enqueue. */
@Injectable()
export class IngestService {
  private readonly nextEventId = createEventIdGenerator();

  constructor(
    private readonly auth: ProjectAuth,
    private readonly publisher: EventPublisher,
    private readonly idempotency: IdempotencyStore,
    private readonly metrics: EventingMetrics,
    private readonly replicas: ReplicaWait,
  ) {}

  async queue(request: QueueRequest): Promise<QueueResponse> {
    const { snapshot, project } = this.auth.authorize(request.project, request.authorization);
    const now = Date.now();
    const events = this.parseEvents(request, project, now);
    const key = request.idempotencyKey;
    if (key !== undefined && !isValidIdempotencyKey(key)) {
      throw badRequest([{ field: 'Idempotency-Key', message: 'must be 1-255 printable ASCII characters' }]);
    }
    try {
      return await this.publishWithKey(snapshot, project, events, request, now);
    } catch (error) {
      if (error instanceof HttpException || !isRedisUnavailable(error)) throw error;
      throw new UnavailableError('event store unavailable, retry later');
    }
  }

  private parseEvents(request: QueueRequest, project: Project, now: number): QueuedEvent[] {
    const bodies = request.batch ? this.batchBodies(request.body) : [request.body];
    const issues: FieldIssue[] = [];
    const events: QueuedEvent[] = [];
    bodies.forEach((body, index) => {
      const parsed = parseQueueEvent(body, now, request.batch ? `events.${index}` : '');
      if (parsed.ok) events.push(parsed.event);
      else issues.push(...parsed.issues);
    });
    if (issues.length > 0) throw badRequest(issues);
    const limit = project.settings.maxPayloadBytes;
    const tooLarge = events.findIndex((event) => event.payloadBytes > limit);
    if (tooLarge >= 0) {
      const field = request.batch ? `events.${tooLarge}.payload` : 'payload';
      throw httpError(
        HttpStatus.PAYLOAD_TOO_LARGE,
        'Payload Too Large',
        `${field}: larger than the project limit of ${limit} bytes`,
      );
    }
    return events;
  }

  private batchBodies(body: unknown): unknown[] {
    const parsed = queueBatchSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw badRequest([{ field: issue?.path.join('.') || 'events', message: issue?.message ?? 'invalid' }]);
    }
    return parsed.data.events;
  }

  private async publishWithKey(
    snapshot: ConfigSnapshot,
    project: Project,
    events: QueuedEvent[],
    request: QueueRequest,
    now: number,
  ): Promise<QueueResponse> {
    const key = request.idempotencyKey;
    let record: IdempotencyRecord = {
      // only an Idempotency-Key compares bodies: no hash without one
      hash: key === undefined ? '' : requestHash(events, request.batch),
      eventIds: events.map(() => this.nextEventId()),
      acceptedAt: now,
      state: 'pending',
    };
    if (key !== undefined) {
      const begun = await this.idempotency.begin(project.id, key, record, project.settings.idempotencyTtlMs);
      if (begun.kind === 'conflict') {
        throw httpError(
          HttpStatus.UNPROCESSABLE_ENTITY,
          'Unprocessable Entity',
          'Idempotency-Key was used with a different body',
        );
      }
      if (begun.kind === 'replay' && begun.record.state === 'done') {
        // the first answer may have been a 503 for want of replicas: confirm them before answering 202
        await this.replicas.acceptedEvents(partitionsOf(begun.record.response), true);
        return { response: begun.record.response, replayed: true };
      }
      record = begun.record;
    }
    const ids = record.eventIds;
    const acceptedAt = record.acceptedAt;
    // under a key, a replay may publish these deliveries again while the key lives: their sent records must too
    const keyTtlMs = key === undefined ? 0 : project.settings.idempotencyTtlMs;
    const published = await Promise.all(
      events.map((event, index) =>
        this.publisher.publish(snapshot, project.id, event, ids[index]!, acceptedAt, keyTtlMs),
      ),
    );
    this.metrics.eventsQueued(project.id, published.length);
    const response = request.batch ? { events: published.map(toResponse) } : toResponse(published[0]!);
    if (key !== undefined) await this.idempotency.complete(project.id, key, { ...record, state: 'done', response });
    // REDIS_WAIT_REPLICAS: 202 only once the events, their jobs and the key reached the replicas, else 503
    await this.replicas.acceptedEvents(
      published.map((event) => event.partition),
      key !== undefined,
    );
    return { response, replayed: false };
  }
}

/** The partitions of a stored 202 body (single or batch form). */
function partitionsOf(response: unknown): number[] {
  const body = response as { partition?: unknown; events?: { partition?: unknown }[] } | null;
  const items = Array.isArray(body?.events) ? body.events : [body];
  return items.flatMap((item) => (typeof item?.partition === 'number' ? [item.partition] : []));
}

function toResponse(event: PublishedEvent): {
  id: string;
  eventId: string;
  partition: number;
  deliveries: PublishedEvent['deliveries'];
} {
  return { id: event.eventId, eventId: event.eventId, partition: event.partition, deliveries: event.deliveries };
}

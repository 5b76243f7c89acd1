import { HttpException, HttpStatus, Inject, Injectable } from '@nestjs/common';
import { type ConfigSnapshot, type Project, resolveTrigger, triggersForEvent } from '@spaceport/config-model';
import { createEventIdGenerator } from '@spaceport/eventing-core';
import { EventingMetrics } from '../common/eventing-metrics';
import { EventPublisher, type PublishedEvent } from '../common/event-publisher';
import { isRedisUnavailable } from '../common/redis';
import { badRequest, type FieldIssue, httpError, UnavailableError } from '../common/http-errors';
import { ProjectAuth } from '../common/project-auth';
import { type QueuedEvent } from '../common/queued-event';
import { ReplicaWait } from '../common/replica-wait';
import { IdempotencyStore, type IdempotencyRecord } from '../common/idempotency';
import { isValidIdempotencyKey, parseQueueEvent, queueBatchSchema, requestHash } from '../common/queue-body';
import { type EventingEnv } from '../common/settings';
import { EVENTING_ENV } from '../common/tokens';
import { SyncReplies } from './sync-replies';
import { SyncSlots } from './sync-slots';

/** Added to a synchronous call's wait: from the queue to a worker's claim (docs/space-cloud.md). */
export const SYNC_PICKUP_MS = 2_000;
/** The longest a synchronous call may be held (its delay plus its triggers' timeout). */
export const MAX_SYNC_WAIT_MS = 120_000;
/** The status of a synchronous call whose client went away (no standard code; nginx's). */
const CLIENT_CLOSED_REQUEST = 499;
/** How long the first synchronous call waits for this gateway's reply channel to be subscribed. */
const SYNC_SUBSCRIBE_TIMEOUT_MS = 3_000;

export interface QueueRequest {
  readonly project: string;
  readonly authorization: string | undefined;
  readonly idempotencyKey: string | undefined;
  readonly body: unknown;
  readonly batch: boolean;
  /**
   * A signal aborted once the caller has gone away (its connection closed before the answer), asked for
   * only by a synchronous call, which then stops holding its slot. Absent: the call is held to its end.
   */
  readonly clientGone?: () => AbortSignal;
}

export interface QueueResponse {
  /** 202 queued; 200 for a synchronous event, which carries the webhook's answer */
  readonly status: number;
  readonly response: unknown;
  readonly replayed: boolean;
}

/** The queue API (docs/architecture.md#event-flow, step 1): auth, size, schema, idempotency, fan-out, enqueue. */
@Injectable()
export class IngestService {
  private readonly nextEventId = createEventIdGenerator();
  /** EVENTING_SYNC_MAX_PENDING: the synchronous calls held at once */
  private readonly syncSlots: SyncSlots;

  constructor(
    private readonly auth: ProjectAuth,
    private readonly publisher: EventPublisher,
    private readonly idempotency: IdempotencyStore,
    private readonly metrics: EventingMetrics,
    private readonly replicas: ReplicaWait,
    private readonly replies: SyncReplies,
    @Inject(EVENTING_ENV) env: EventingEnv,
  ) {
    this.syncSlots = new SyncSlots(env.syncMaxPending, (held) => metrics.syncCallsPending(held));
  }

  async queue(request: QueueRequest): Promise<QueueResponse> {
    const { snapshot, project } = this.auth.authorize(request.project, request.authorization);
    const now = Date.now();
    const events = this.parseEvents(request, project, now);
    const key = request.idempotencyKey;
    if (key !== undefined && !isValidIdempotencyKey(key)) {
      throw badRequest([{ field: 'Idempotency-Key', message: 'must be 1-255 printable ASCII characters' }]);
    }
    const synchronous = !request.batch && events[0]?.synchronous === true;
    if (synchronous && key !== undefined) {
      // a replay would have to hold the call again for an answer already given: not worth the state
      throw badRequest([{ field: 'Idempotency-Key', message: 'is not supported with isSynchronous' }]);
    }
    try {
      if (synchronous) return await this.queueSynchronous(snapshot, project, events[0]!, now, request.clientGone);
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
      if (!parsed.ok) issues.push(...parsed.issues);
      else if (request.batch && parsed.event.synchronous)
        issues.push({ field: `events.${index}.isSynchronous`, message: 'is not supported in a batch' });
      else events.push(parsed.event);
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
        return { status: 202, response: begun.record.response, replayed: true };
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
    return { status: 202, response, replayed: false };
  }

  /**
   * `isSynchronous` (docs/space-cloud.md#synchronous-events): publishes the event with this gateway's
   * reply channel and holds the call until a webhook's 2xx answer carries `response` (200 `{result}`),
   * every matching trigger answered without one (200 `{result: null}`), or the wait ends (504): its delay
   * plus the longest timeout of its triggers plus SYNC_PICKUP_MS. The delivery itself is like any other.
   * At most EVENTING_SYNC_MAX_PENDING calls are held: past it 503 before anything is published.
   */
  private async queueSynchronous(
    snapshot: ConfigSnapshot,
    project: Project,
    event: QueuedEvent,
    now: number,
    clientGone: QueueRequest['clientGone'],
  ): Promise<QueueResponse> {
    const view = { type: event.type, payload: event.payload, options: event.options ?? null };
    const timeouts = triggersForEvent(snapshot, project.id, view).map(
      (trigger) => resolveTrigger(trigger, snapshot.eventing.value).timeout,
    );
    const waitMs = Math.max(0, event.notBefore - now) + Math.max(0, ...timeouts) + SYNC_PICKUP_MS;
    if (waitMs > MAX_SYNC_WAIT_MS) {
      const message = `cannot hold the call ${waitMs} ms (delay + trigger timeout); at most ${MAX_SYNC_WAIT_MS} ms`;
      throw badRequest([{ field: 'isSynchronous', message }]);
    }
    const slot = this.syncSlots.take();
    if (!slot) {
      this.metrics.syncCallRefused();
      throw new UnavailableError(
        `isSynchronous: this gateway holds ${this.syncSlots.limit} synchronous calls, its limit (EVENTING_SYNC_MAX_PENDING); retry later or queue asynchronously`,
      );
    }
    try {
      return await this.holdSynchronous(snapshot, project, event, now, {
        triggers: timeouts.length,
        waitMs,
        clientGone,
      });
    } finally {
      slot.release(); // however the call ended: answer, 504, 503, publish failure, client gone
    }
  }

  /** The held part of `queueSynchronous`, inside its slot. */
  private async holdSynchronous(
    snapshot: ConfigSnapshot,
    project: Project,
    event: QueuedEvent,
    now: number,
    hold: { triggers: number; waitMs: number; clientGone: QueueRequest['clientGone'] },
  ): Promise<QueueResponse> {
    if (hold.triggers > 0) await this.subscribed();
    const eventId = this.nextEventId();
    const wait = this.replies.expect(eventId, hold.triggers, hold.waitMs, hold.clientGone?.());
    let published: PublishedEvent;
    try {
      published = await this.publisher.publish(snapshot, project.id, event, eventId, now, 0, {
        replyTo: this.replies.channel,
      });
      // REDIS_WAIT_REPLICAS: hold the call only for an event that reached the replicas, else 503
      await this.replicas.acceptedEvents([published.partition], false);
    } catch (error) {
      wait.cancel();
      throw error;
    }
    this.metrics.eventsQueued(project.id, 1);
    if (published.deliveries.length === 0) {
      wait.cancel();
      return { status: 200, response: { result: null, ...toResponse(published) }, replayed: false };
    }
    const outcome = await wait.outcome;
    if (outcome.kind === 'timeout') {
      throw httpError(
        HttpStatus.GATEWAY_TIMEOUT,
        'Gateway Timeout',
        `isSynchronous: no webhook answered event ${eventId} within ${hold.waitMs} ms; it stays queued and is delivered like any other`,
      );
    }
    if (outcome.kind === 'abandoned') {
      // nobody reads this answer (the connection is gone); nginx's 499 for the access log
      const message = `isSynchronous: the client went away before a webhook answered event ${eventId}; it stays queued and is delivered like any other`;
      throw httpError(CLIENT_CLOSED_REQUEST, 'Client Closed Request', message);
    }
    const result = outcome.kind === 'response' ? outcome.response : null;
    return { status: 200, response: { result, ...toResponse(published) }, replayed: false };
  }

  /** This gateway's reply channel, subscribed (503 when Redis does not confirm it in time). */
  private async subscribed(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new UnavailableError('event store unavailable, retry later')),
        SYNC_SUBSCRIBE_TIMEOUT_MS,
      );
    });
    try {
      await Promise.race([this.replies.listen(), timeout]);
    } finally {
      clearTimeout(timer);
    }
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

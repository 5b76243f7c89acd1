import { Inject, Injectable } from '@nestjs/common';
import { SPACEPORT_LOGGER } from '@spaceport/app-runtime';
import { getProject } from '@spaceport/config-model';
import { createEventIdGenerator, type JsonValue } from '@spaceport/eventing-core';
import { type RedisClient } from '@spaceport/redis-core';
import { type Logger } from 'pino';
import { ConfigAccess } from '../common/config-access';
import { type DeliveryJobData } from '../common/delivery-job';
import { EventPublisher } from '../common/event-publisher';
import { IdempotencyStore } from '../common/idempotency';
import { type EventingEnv } from '../common/settings';
import { syncReplyMessage } from '../common/sync-reply';
import { EVENTING_ENV, EVENTING_REDIS } from '../common/tokens';
import { MAX_BATCH_EVENTS, parseQueueEvent } from '../common/queue-body';

/** Space Cloud's `EventResponse`: what a webhook's 2xx JSON answer may carry. */
export interface WebhookAnswer {
  /** queue bodies of follow-up events (`event` and `events` together) */
  readonly followUps: readonly unknown[];
  /** `response`: what the caller of a synchronous event gets as `result`; absent when not answered */
  readonly response?: JsonValue;
}

/** A 2xx body as Space Cloud's `EventResponse`; an empty answer for anything that is not a JSON object. */
export function parseWebhookAnswer(body: string): WebhookAnswer {
  let value: unknown;
  try {
    value = body.trim() === '' ? undefined : JSON.parse(body);
  } catch {
    return { followUps: [] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { followUps: [] };
  const answer = value as { event?: unknown; events?: unknown; response?: JsonValue };
  const followUps = [
    ...(answer.event !== undefined && answer.event !== null ? [answer.event] : []),
    ...(Array.isArray(answer.events) ? (answer.events as unknown[]) : []),
  ];
  // Space Cloud's Go struct drops a null `response` (omitempty): no answer for the caller
  return answer.response === undefined || answer.response === null
    ? { followUps }
    : { followUps, response: answer.response };
}

/** The idempotency key of follow-up `index` of one delivery: a delivery run again queues nothing twice. */
export function followUpKey(job: Pick<DeliveryJobData, 'eventId' | 'triggerId'>, index: number): string {
  return `follow-up:${job.eventId}:${job.triggerId}:${index}`;
}

/**
 * What a worker does with a webhook's 2xx answer besides recording the send (docs/space-cloud.md): queues
 * its follow-up events in the delivery's project, and publishes it to the gateway holding a synchronous
 * call. Neither fails the delivery (it was sent): problems are logged.
 */
@Injectable()
export class WebhookAnswers {
  private readonly nextEventId = createEventIdGenerator();

  constructor(
    @Inject(EVENTING_ENV) private readonly env: EventingEnv,
    @Inject(EVENTING_REDIS) private readonly redis: RedisClient,
    @Inject(SPACEPORT_LOGGER) private readonly logger: Logger,
    private readonly config: ConfigAccess,
    private readonly publisher: EventPublisher,
    private readonly idempotency: IdempotencyStore,
  ) {}

  /**
   * Queues the follow-ups, each under the idempotency key `followUpKey` (a retried or duplicated
   * delivery finds the key and its event ids: the publish adds nothing twice), at depth + 1, up to
   * EVENTING_FOLLOW_UP_MAX_DEPTH, at most MAX_BATCH_EVENTS (500) per answer. Called before the send is
   * recorded, so a crash in between queues them on the re-run instead of losing them.
   */
  async queueFollowUps(job: DeliveryJobData, answer: WebhookAnswer): Promise<void> {
    if (answer.followUps.length === 0) return;
    const depth = (job.followUpDepth ?? 0) + 1;
    const context = { project: job.project, trigger: job.triggerId, eventId: job.eventId };
    if (depth > this.env.followUpMaxDepth) {
      this.logger.warn(
        { ...context, depth, maxDepth: this.env.followUpMaxDepth },
        'follow-up events dropped: deeper than EVENTING_FOLLOW_UP_MAX_DEPTH',
      );
      return;
    }
    if (answer.followUps.length > MAX_BATCH_EVENTS) {
      this.logger.warn(
        { ...context, followUps: answer.followUps.length, kept: MAX_BATCH_EVENTS },
        'follow-up events past the batch limit dropped',
      );
    }
    // together, not one after the other: this runs inside the delivery's claim, before the send is recorded
    await Promise.all(
      answer.followUps.slice(0, MAX_BATCH_EVENTS).map((body, index) =>
        this.queueFollowUp(job, body, index, depth).catch((error: unknown) => {
          this.logger.warn({ ...context, index, err: error }, 'could not queue a follow-up event');
        }),
      ),
    );
  }

  private async queueFollowUp(job: DeliveryJobData, body: unknown, index: number, depth: number): Promise<void> {
    const snapshot = this.config.current();
    const project = snapshot && getProject(snapshot, job.project)?.value;
    if (!snapshot || !project) return;
    const now = Date.now();
    const parsed = parseQueueEvent(body, now, `events.${index}`);
    if (!parsed.ok || parsed.event.payloadBytes > project.settings.maxPayloadBytes) {
      const issues = parsed.ok ? [{ field: `events.${index}.payload`, message: 'larger than the project limit' }] : [];
      this.logger.warn(
        {
          project: job.project,
          trigger: job.triggerId,
          eventId: job.eventId,
          issues: parsed.ok ? issues : parsed.issues,
        },
        'follow-up event refused',
      );
      return;
    }
    const key = followUpKey(job, index);
    const ttlMs = project.settings.idempotencyTtlMs;
    const candidate = { hash: '', eventIds: [this.nextEventId()], acceptedAt: now, state: 'pending' as const };
    const begun = await this.idempotency.begin(job.project, key, candidate, ttlMs);
    if (begun.kind === 'conflict' || (begun.kind === 'replay' && begun.record.state === 'done')) return;
    const record = begun.record;
    const published = await this.publisher.publish(
      snapshot,
      job.project,
      parsed.event,
      record.eventIds[0]!,
      record.acceptedAt,
      ttlMs,
      { followUpDepth: depth },
    );
    await this.idempotency.complete(job.project, key, { ...record, state: 'done', response: published.eventId });
  }

  /** Publishes the answer on the reply channel of a synchronous event's gateway (no-op for other events). */
  async reply(job: DeliveryJobData, answer: WebhookAnswer): Promise<void> {
    if (job.replyTo === undefined) return;
    const message = syncReplyMessage({
      eventId: job.eventId,
      trigger: job.triggerId,
      ...(answer.response === undefined ? {} : { response: answer.response }),
    });
    await this.redis.publish(job.replyTo, message).catch((error: unknown) => {
      this.logger.warn(
        { project: job.project, eventId: job.eventId, err: error },
        'could not answer a synchronous call',
      );
    });
  }
}

import { type ConfigSnapshot, triggersForEvent } from '@spaceport/config-model';
import { deliveryIdOf, partitionOf } from '@spaceport/eventing-core';
import { type DeliveryJobData, type JobExtras } from './delivery-job';
import { type QueuedEvent } from './queued-event';

export interface FanOut {
  readonly partition: number;
  readonly jobs: DeliveryJobData[];
}

/**
 * The delivery jobs of one event: one per enabled trigger of the project matching type, options and
 * filter, at `eventTime` (RFC 3339). A trigger the data plane disabled (410, failure run) gets its job
 * too: the worker holds it until the trigger is enabled (docs/eventing.md "Held deliveries"), so no event
 * is dropped for it. All jobs of an event go to one partition: `partitionOf(project, partitionKey ??
 * eventId, P)`. `idempotencyTtlMs`: the TTL of the Idempotency-Key the event came under, 0
 * without one (DeliveryJobData).
 */
export function fanOut(
  snapshot: ConfigSnapshot,
  project: string,
  eventId: string,
  event: QueuedEvent,
  eventTime: string,
  idempotencyTtlMs = 0,
  extras: JobExtras = {},
): FanOut {
  const partition = partitionOf(project, event.partitionKey ?? eventId, snapshot.eventing.value.partitionCount);
  const triggers = triggersForEvent(snapshot, project, {
    type: event.type,
    payload: event.payload,
    options: event.options ?? null,
  });
  const jobs = triggers.map((trigger): DeliveryJobData => {
    // the key inside the literal: `{ ...job, partitionKey }` is a slow path in Node 20's V8 (commit f62550b)
    return {
      project,
      eventId,
      triggerId: trigger.id,
      deliveryId: deliveryIdOf(eventId, trigger.id),
      partition,
      type: event.type,
      payloadJson: event.payloadJson,
      time: eventTime,
      ordered: trigger.ordered,
      idempotencyTtlMs,
      ...(event.partitionKey === undefined ? {} : { partitionKey: event.partitionKey }),
      ...(extras.replyTo === undefined ? {} : { replyTo: extras.replyTo }),
      ...(extras.followUpDepth ? { followUpDepth: extras.followUpDepth } : {}),
    };
  });
  return { partition, jobs };
}

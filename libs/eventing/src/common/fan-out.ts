import { type ConfigSnapshot, triggersForEvent } from '@spaceport/config-model';
import { deliveryIdOf, partitionOf } from '@spaceport/eventing-core';
import { type DeliveryJobData } from './delivery-job';
import { triggerRef } from './keys';
import { type QueuedEvent } from './queued-event';

export interface FanOut {
  readonly partition: number;
  readonly jobs: DeliveryJobData[];
}

/**
 * The delivery jobs of one event: one per enabled trigger of the project matching type, options and
 * filter, and not disabled by the data plane (`disabled` holds `<project>/<trigger>` refs), at
 * `eventTime` (RFC 3339). All jobs of an event go to one partition: `partitionOf(project,
 * partitionKey ?? eventId, P)`.
 */
export function fanOut(
  snapshot: ConfigSnapshot,
  project: string,
  eventId: string,
  event: QueuedEvent,
  eventTime: string,
  disabled: ReadonlySet<string>,
): FanOut {
  const partition = partitionOf(project, event.partitionKey ?? eventId, snapshot.eventing.value.partitionCount);
  const triggers = triggersForEvent(snapshot, project, {
    type: event.type,
    payload: event.payload,
    options: event.options ?? null,
  }).filter((trigger) => !disabled.has(triggerRef(project, trigger.id)));
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
      ...(event.partitionKey === undefined ? {} : { partitionKey: event.partitionKey }),
    };
  });
  return { partition, jobs };
}

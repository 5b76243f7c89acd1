import { Injectable } from '@nestjs/common';
import { triggersForEvent } from '@spaceport/config-model';
import { canonicalJson, createEventIdGenerator, type JsonValue } from '@spaceport/eventing-core';
import { ConfigAccess } from '../common/config-access';
import { type DeliveryJobData, jobPayload } from '../common/delivery-job';
import { EventPublisher } from '../common/event-publisher';

/** Space Cloud's convention: a failed delivery of trigger T raises event `dlq_T` when a trigger listens to it. */
export function deadLetterEventType(triggerId: string): string {
  return `dlq_${triggerId}`;
}

@Injectable()
export class DeadLetterEvents {
  private readonly nextEventId = createEventIdGenerator();

  constructor(
    private readonly config: ConfigAccess,
    private readonly publisher: EventPublisher,
  ) {}

  async emit(job: DeliveryJobData, reason: string, statusCode: number | null): Promise<void> {
    const snapshot = this.config.current();
    const type = deadLetterEventType(job.triggerId);
    if (!snapshot) return;
    const payload: JsonValue = {
      eventId: job.eventId,
      deliveryId: job.deliveryId,
      trigger: job.triggerId,
      type: job.type,
      reason,
      statusCode,
      payload: jobPayload(job),
    };
    if (triggersForEvent(snapshot, job.project, { type, payload }).length === 0) return;
    const payloadJson = canonicalJson(payload);
    const event = {
      type,
      payload,
      options: undefined,
      partitionKey: job.partitionKey,
      notBefore: 0,
      payloadJson,
      payloadBytes: Buffer.byteLength(payloadJson),
      body: undefined,
    };
    await this.publisher.publish(snapshot, job.project, event, this.nextEventId(), Date.now());
  }
}

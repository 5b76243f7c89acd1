// Test fixture: per partition, when delivery resumed after a moment (the failover suites and benchmark).
import { type WebhookReceiver } from './webhook-receiver';
import { type AcceptedEvent } from './event-stream';

/**
 * For each partition that received events accepted after `since`: how long after `since` the first
 * delivery of such an event arrived (ms); the slowest partition bounds "every partition consuming again".
 */
export function partitionResumeMs(
  accepted: readonly AcceptedEvent[],
  receiver: WebhookReceiver,
  since: number,
): Map<number, number> {
  const resumed = new Map<number, number>();
  for (const event of accepted) {
    if (event.acceptedAt <= since) continue;
    for (const id of event.deliveryIds) {
      const arrival = receiver.firstArrivalByWebhookId.get(id);
      if (arrival === undefined) continue;
      const ms = Math.round(performance.timeOrigin + arrival - since);
      resumed.set(event.partition, Math.min(resumed.get(event.partition) ?? Infinity, ms));
    }
  }
  return resumed;
}

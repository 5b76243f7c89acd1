// What the Redis failover suites (Sentinel, Cluster) measure and check after a master was SIGKILLed under a
// steady event stream: when ingest and delivery came back, and what became of every accepted event.
import { call } from './config-api-client';
import { sleep } from './wait';
import { type WebhookReceiver } from './webhook-receiver';
import { type AcceptedEvent, type StreamResult } from './event-stream';

/** When ingest answered 202 again, when an event accepted since then was first delivered, the longest gap. */
export interface FailoverTimings {
  /** when ingest began refusing after the kill (the kill itself when it never did) */
  refusingSince: number;
  acceptedAgainAt: number;
  deliveredAgainAt: number;
  longestPauseMs: number;
}

/**
 * When ingest answered 202 again (the first 202 after the first refusal that followed the kill), when the
 * first delivery of an event accepted since then arrived, and the longest gap between two arrivals.
 */
export function failoverTimings(result: StreamResult, killedAt: number, receiver: WebhookReceiver): FailoverTimings {
  const refusedFrom = Math.min(...result.refusals.map((r) => r.at).filter((at) => at >= killedAt), Infinity);
  const since = refusedFrom === Infinity ? killedAt : refusedFrom;
  const acceptedAgain = result.accepted.filter((event) => event.acceptedAt > since);
  const arrivalOf = (id: string): number =>
    performance.timeOrigin + (receiver.firstArrivalByWebhookId.get(id) ?? Infinity);
  const arrivals = [...receiver.firstArrivalByWebhookId.values()]
    .filter((at) => performance.timeOrigin + at > killedAt - 1_000)
    .sort((a, b) => a - b);
  return {
    refusingSince: since,
    acceptedAgainAt: Math.min(...acceptedAgain.map((event) => event.acceptedAt)),
    deliveredAgainAt: Math.min(...acceptedAgain.flatMap((event) => event.deliveryIds.map(arrivalOf))),
    longestPauseMs: Math.round(Math.max(...arrivals.slice(1).map((at, i) => at - (arrivals[i] ?? at)))),
  };
}

/** Every delivery of `event` arrived at `receiver`. */
export const deliveredTo =
  (receiver: WebhookReceiver) =>
  (event: AcceptedEvent): boolean =>
    event.deliveryIds.every((id) => receiver.countByWebhookId.has(id));

/**
 * Waits until every accepted event is delivered or unknown to the event log (at most 45 s), and returns
 * those lost (404) and those neither delivered nor unknown (with their log status), if any remain.
 */
export async function settleAccepted(
  accepted: AcceptedEvent[],
  receiver: WebhookReceiver,
  gatewayUrl: string,
  token: string,
): Promise<{ lost: AcceptedEvent[]; unexplained: string[] }> {
  const delivered = deliveredTo(receiver);
  const view = (event: AcceptedEvent) =>
    call(gatewayUrl, 'GET', `/v1/api/shop/eventing/events/${event.eventId}`, token);
  const deadline = Date.now() + 45_000;
  for (;;) {
    const undelivered = accepted.filter((event) => !delivered(event));
    const statuses =
      undelivered.length <= 200 ? await Promise.all(undelivered.map(async (e) => (await view(e)).status)) : [];
    const lost = undelivered.filter((_, i) => statuses[i] === 404);
    if (undelivered.length <= 200 && lost.length === undelivered.length) return { lost, unexplained: [] };
    if (Date.now() > deadline) {
      const unexplained = undelivered.filter((_, i) => statuses[i] !== 404);
      const views = await Promise.all(
        unexplained.slice(0, 5).map(async (event) => {
          const answer = await view(event);
          return `${event.eventId}: ${answer.status} ${JSON.stringify(answer.body)}`;
        }),
      );
      return { lost, unexplained: [`${unexplained.length} neither delivered nor 404`, ...views] };
    }
    await sleep(500);
  }
}

/** Webhook ids sent more than once whose first send was outside [killedAt - before, killedAt + after]. */
export function duplicatesAwayFromKill(
  receiver: WebhookReceiver,
  killedAt: number,
  { beforeMs = 2_000, afterMs = 1_000 } = {},
): string[] {
  const duplicated = [...receiver.countByWebhookId].filter(([, count]) => count > 1).map(([id]) => id);
  const sentAt = (id: string): number => performance.timeOrigin + (receiver.firstArrivalByWebhookId.get(id) ?? 0);
  return duplicated.filter((id) => sentAt(id) < killedAt - beforeMs || sentAt(id) > killedAt + afterMs);
}

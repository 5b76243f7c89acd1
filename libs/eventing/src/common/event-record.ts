import { type JsonValue } from '@spaceport/eventing-core';
import { type DeliveryStatus, DELIVERY_STATUSES, eventStatusOf } from './delivery-job';

/** One attempt as the invocation log keeps it. */
export interface Invocation {
  readonly trigger: string;
  readonly deliveryId: string;
  readonly attempt: number;
  /** ISO time the attempt started */
  readonly at: string;
  readonly statusCode: number | null;
  readonly latencyMs: number;
  /** first bytes of the response body */
  readonly response: string;
  readonly error: string | null;
}

export interface DeliveryView {
  readonly trigger: string;
  readonly status: DeliveryStatus;
}

export interface EventView {
  readonly id: string;
  readonly type: string;
  readonly status: DeliveryStatus;
  readonly time: string;
  readonly acceptedAt: string;
  readonly partition: number;
  readonly partitionKey: string | null;
  readonly payload: JsonValue;
  readonly deliveries: DeliveryView[];
}

/** Event-hash field holding a trigger's delivery status. */
export const statusField = (triggerId: string): string => `s:${triggerId}`;

function asStatus(value: string | undefined): DeliveryStatus {
  return DELIVERY_STATUSES.find((status) => status === value) ?? 'staged';
}

/** The event as stored in its Redis hash (HGETALL), or undefined for an empty/partial hash. */
export function eventViewOf(id: string, hash: Record<string, string>): EventView | undefined {
  if (hash['type'] === undefined || hash['triggers'] === undefined) return undefined;
  const triggers = JSON.parse(hash['triggers']) as string[];
  const deliveries = triggers.map((trigger) => ({ trigger, status: asStatus(hash[statusField(trigger)]) }));
  return {
    id,
    type: hash['type'],
    status: eventStatusOf(deliveries.map((d) => d.status)),
    time: hash['time'] ?? '',
    acceptedAt: new Date(Number(hash['acceptedAt'] ?? 0)).toISOString(),
    partition: Number(hash['partition'] ?? 0),
    partitionKey: hash['partitionKey'] || null,
    payload: JSON.parse(hash['payload'] ?? 'null') as JsonValue,
    deliveries,
  };
}

export interface EventFilter {
  readonly status?: DeliveryStatus;
  readonly type?: string;
  readonly trigger?: string;
}

export function matchesEventFilter(event: EventView, filter: EventFilter): boolean {
  if (filter.type !== undefined && event.type !== filter.type) return false;
  if (filter.trigger !== undefined && !event.deliveries.some((d) => d.trigger === filter.trigger)) return false;
  if (filter.status === undefined) return true;
  if (filter.trigger !== undefined)
    return event.deliveries.some((d) => d.trigger === filter.trigger && d.status === filter.status);
  return event.status === filter.status;
}

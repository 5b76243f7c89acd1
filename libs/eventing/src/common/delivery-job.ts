import { canonicalJson, type JsonValue } from '@spaceport/eventing-core';

/** What one BullMQ job carries: one delivery of one event to one trigger (job id = delivery id). */
export interface DeliveryJobData {
  readonly project: string;
  readonly eventId: string;
  readonly triggerId: string;
  readonly deliveryId: string;
  readonly partition: number;
  readonly type: string;
  /**
   * The payload as canonical JSON text (canonical-json.ts), made once at ingest: the worker splices it
   * into the CloudEvent as it is, without parsing and re-canonicalizing it on every attempt. Every job
   * queued by this version carries it; see `jobPayloadJson` for older jobs.
   */
  readonly payloadJson?: string;
  /** Jobs queued before `payloadJson` carry the parsed payload instead. */
  readonly payload?: JsonValue;
  /** event time (RFC 3339), the CloudEvents `time` */
  readonly time: string;
  readonly partitionKey?: string;
  readonly ordered: boolean;
  /**
   * The TTL of the `Idempotency-Key` the event was queued under, 0 without one: how long after the
   * publication a replay of that request may publish this delivery again. It sets the retention of the
   * delivery's sent record (delivery/sent-retention.ts). Absent on jobs queued by earlier versions.
   */
  readonly idempotencyTtlMs?: number;
  /**
   * A synchronous event (`isSynchronous`): the Redis pub/sub channel of the gateway holding the call
   * (`EventingKeys.syncReply`); the worker publishes the webhook's 2xx answer there (docs/space-cloud.md).
   */
  readonly replyTo?: string;
  /** How many webhook answers lie between this event and one queued through the API (absent: 0). */
  readonly followUpDepth?: number;
}

/** What a publisher adds to every job of an event besides the event itself. */
export type JobExtras = Pick<DeliveryJobData, 'replyTo' | 'followUpDepth'>;

/** The canonical JSON text of a job's payload, from `payloadJson` or, for an older job, its `payload`. */
export function jobPayloadJson(job: Pick<DeliveryJobData, 'payloadJson' | 'payload'>): string {
  return job.payloadJson ?? canonicalJson(job.payload ?? null);
}

/** A job's payload as a value (the dead-letter event carries it). */
export function jobPayload(job: Pick<DeliveryJobData, 'payloadJson' | 'payload'>): JsonValue {
  return job.payloadJson === undefined ? (job.payload ?? null) : (JSON.parse(job.payloadJson) as JsonValue);
}

/** Statuses of one delivery (and, aggregated, of an event); see docs/eventing.md. */
export type DeliveryStatus = 'staged' | 'processing' | 'processed' | 'failed' | 'cancelled';
export const DELIVERY_STATUSES: readonly DeliveryStatus[] = [
  'staged',
  'processing',
  'processed',
  'failed',
  'cancelled',
];

/**
 * The status of an event from its deliveries': no delivery → processed (nothing to do); any in
 * staged/processing → processing (staged while none started); else failed if any failed; processed
 * if any processed; else cancelled.
 */
export function eventStatusOf(statuses: readonly DeliveryStatus[]): DeliveryStatus {
  if (statuses.length === 0) return 'processed';
  if (statuses.every((s) => s === 'staged')) return 'staged';
  if (statuses.some((s) => s === 'staged' || s === 'processing')) return 'processing';
  if (statuses.includes('failed')) return 'failed';
  if (statuses.includes('processed')) return 'processed';
  return 'cancelled';
}

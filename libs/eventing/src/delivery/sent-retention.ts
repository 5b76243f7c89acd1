import { type DeliveryJobData } from '../common/delivery-job';

/**
 * How long the sent record of a delivery is kept (docs/architecture.md, "Once-only delivery"). The record
 * stops a delivery id that is claimed again after its send was recorded from being sent twice, so it
 * must outlive each way that can happen:
 * - the same job runs again — its worker died or lost its lock between the record and the job's
 *   completion, or Redis lost the completion in a failover — once a worker takes it, which takes at
 *   most `baseMs` (`EVENTING_SENT_RETENTION_MS`: the lock, the stalled check, a backlog or an outage);
 * - an idempotent replay: a request under an `Idempotency-Key` that was left half-done publishes its
 *   deliveries again, with the same ids, until the key expires — at most the key's TTL after the send
 *   (the send follows the key's creation; a `delay` or `timestamp` pushes both runs alike) — and the
 *   re-added job then waits for a worker like any other.
 * Nothing else publishes a delivery id again: redeliver makes a new one, and a redrive re-queues
 * deliveries that failed. So: `baseMs` plus the key's TTL, which the job carries (0 without a key); for a
 * job queued by an earlier version, which does not, the project's current TTL.
 */
export function sentRecordRetentionMs(
  baseMs: number,
  job: Pick<DeliveryJobData, 'idempotencyTtlMs'>,
  projectIdempotencyTtlMs: number,
): number {
  return baseMs + (job.idempotencyTtlMs ?? projectIdempotencyTtlMs);
}

/**
 * Redis key layout of the delivery ledger. Each partition has a key prefix of its own that carries a
 * Redis Cluster hash tag, such as `sp:{prod:p7}:ledger:` for partition 7 (`ledgerKeyPrefix`):
 *
 *   <prefix(p)>epoch:<p>            string   partition epoch (assignment generation of its owner), no TTL
 *   <prefix(p)>claim:<deliveryId>   hash     in-flight claim {token, worker, epoch, partition, at}, PX claim TTL
 *   <prefix(p)>sent:<deliveryId>    hash     sent record {token, worker, epoch, status, attempt, at}, PX retention
 *
 * A delivery belongs to the partition of its event, so every key one script touches (the partition
 * epoch and the delivery's claim and sent keys) hashes to the slot of its partition's tag, and on Redis
 * Cluster the partitions' ledgers spread over the shards with their queues.
 */
import { hashTagOf, partitionHashTag } from '@spaceport/redis-core';

export { hashTagOf };

/** The key prefix of partition `p`'s ledger keys; it must carry a hash tag. */
export type LedgerKeyPrefix = (partition: number) => string;

export interface LedgerKeys {
  readonly prefix: LedgerKeyPrefix;
  epoch(partition: number): string;
  claim(deliveryId: string, partition: number): string;
  sent(deliveryId: string, partition: number): string;
}

/** Throws unless `prefix` carries a non-empty hash tag that closes inside the prefix itself. */
export function validateKeyPrefix(prefix: string): string {
  const tag = hashTagOf(prefix);
  if (tag === undefined) {
    throw new RangeError(
      `ledger key prefix ${JSON.stringify(prefix)} needs a Redis Cluster hash tag such as "sp:{cluster}:ledger:"`,
    );
  }
  return prefix;
}

/** The ledger prefixes of Spaceport cluster `clusterId`: `sp:{<clusterId>:p<partition>}:ledger:`. */
export function ledgerKeyPrefix(clusterId: string): LedgerKeyPrefix {
  partitionHashTag(clusterId, 0); // validates the cluster id now, not at the first key
  return (partition) => `sp:${partitionHashTag(clusterId, partition)}:ledger:`;
}

/** Throws unless `value` is a non-negative safe integer (partitions, epochs). */
export function assertCount(what: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${what} must be a non-negative safe integer, got ${value}`);
  return value;
}

function assertDeliveryId(deliveryId: string): string {
  if (deliveryId.length === 0 || deliveryId.length > 256)
    throw new RangeError('delivery id must have 1..256 characters');
  return deliveryId;
}

/** The keys of the ledger under `prefix` (each partition's prefix validated: it must carry a hash tag). */
export function ledgerKeys(prefix: LedgerKeyPrefix): LedgerKeys {
  const of = (partition: number): string => validateKeyPrefix(prefix(assertCount('partition', partition)));
  return {
    prefix,
    epoch: (partition) => `${of(partition)}epoch:${partition}`,
    claim: (deliveryId, partition) => `${of(partition)}claim:${assertDeliveryId(deliveryId)}`,
    sent: (deliveryId, partition) => `${of(partition)}sent:${assertDeliveryId(deliveryId)}`,
  };
}

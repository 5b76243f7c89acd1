/**
 * Redis key layout of the delivery ledger, relative to a prefix such as `sp:{prod}:ledger:`:
 *
 *   <prefix>epoch:<partition>    string   partition epoch (assignment generation of its owner), no TTL
 *   <prefix>claim:<deliveryId>   hash     in-flight claim {token, worker, epoch, partition, at}, PX claim TTL
 *   <prefix>sent:<deliveryId>    hash     sent record {token, worker, epoch, status, attempt, at}, PX retention
 *
 * The prefix must carry a Redis Cluster hash tag (`{...}`) so that every key one script touches (the
 * partition epoch and the delivery's claim and sent keys) hashes to the same slot. The whole ledger of a
 * Spaceport cluster therefore lives in one slot: fine for the intended single-node/Sentinel deployment,
 * and still correct (if not spread out) on Redis Cluster.
 */

export interface LedgerKeys {
  readonly prefix: string;
  epoch(partition: number): string;
  claim(deliveryId: string): string;
  sent(deliveryId: string): string;
}

const CLUSTER_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** The hash tag Redis Cluster hashes `key` on: text between the first `{` and the next `}`, if not empty. */
export function hashTagOf(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open < 0) return undefined;
  const close = key.indexOf('}', open + 1);
  if (close < 0 || close === open + 1) return undefined;
  return key.slice(open + 1, close);
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

/** The default ledger prefix of Spaceport cluster `clusterId`: `sp:{<clusterId>}:ledger:`. */
export function ledgerKeyPrefix(clusterId: string): string {
  if (!CLUSTER_ID_PATTERN.test(clusterId)) {
    throw new RangeError(`cluster id must match ${CLUSTER_ID_PATTERN.source}, got ${JSON.stringify(clusterId)}`);
  }
  return `sp:{${clusterId}}:ledger:`;
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

/** The keys of the ledger under `prefix` (validated: it must carry a hash tag). */
export function ledgerKeys(prefix: string): LedgerKeys {
  validateKeyPrefix(prefix);
  return {
    prefix,
    epoch: (partition) => `${prefix}epoch:${assertCount('partition', partition)}`,
    claim: (deliveryId) => `${prefix}claim:${assertDeliveryId(deliveryId)}`,
    sent: (deliveryId) => `${prefix}sent:${assertDeliveryId(deliveryId)}`,
  };
}

/**
 * The Redis Cluster side of Spaceport's key layout (docs/architecture.md#redis-key-layout): the hash tags
 * that decide which slot — which shard — a key lives in. Every key of partition p of cluster c carries
 * `{c:p<n>}` (its BullMQ queues, the ledger's epoch, claims and sent records, the records of the events
 * of p and the shard of each project's event index for p), so the P partitions spread over the shards
 * and every script stays in one slot. Small cluster-wide keys carry `{c}`.
 */

/** Number of hash slots of a Redis Cluster. */
export const CLUSTER_SLOTS = 16_384;

const CLUSTER_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

function checkedClusterId(clusterId: string): string {
  if (!CLUSTER_ID_PATTERN.test(clusterId))
    throw new RangeError(`cluster id must match ${CLUSTER_ID_PATTERN.source}, got ${JSON.stringify(clusterId)}`);
  return clusterId;
}

/** `{<cluster>}`: the slot of the cluster-wide keys (config copy, DLQ, disabled triggers, consumers…). */
export function clusterHashTag(clusterId: string): string {
  return `{${checkedClusterId(clusterId)}}`;
}

/** `{<cluster>:p<partition>}`: the slot of every key of one partition. */
export function partitionHashTag(clusterId: string, partition: number): string {
  if (!Number.isSafeInteger(partition) || partition < 0)
    throw new RangeError(`partition must be a non-negative safe integer, got ${partition}`);
  return `{${checkedClusterId(clusterId)}:p${partition}}`;
}

/** The hash tag Redis Cluster hashes `key` on: text between the first `{` and the next `}`, if not empty. */
export function hashTagOf(key: string): string | undefined {
  const open = key.indexOf('{');
  if (open < 0) return undefined;
  const close = key.indexOf('}', open + 1);
  if (close < 0 || close === open + 1) return undefined;
  return key.slice(open + 1, close);
}

const CRC16_TABLE = ((): Uint16Array => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte += 1) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

/** Pure: the hash slot of `key` as Redis Cluster computes it (CRC16-XMODEM of the hash tag or key, mod 16384). */
export function slotOf(key: string): number {
  const hashed = Buffer.from(hashTagOf(key) ?? key, 'utf8');
  let crc = 0;
  for (const byte of hashed) crc = ((crc << 8) & 0xffff) ^ CRC16_TABLE[((crc >> 8) ^ byte) & 0xff]!;
  return crc % CLUSTER_SLOTS;
}

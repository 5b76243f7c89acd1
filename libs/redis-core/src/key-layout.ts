/**
 * The Redis Cluster side of Spaceport's key layout (docs/architecture.md#redis-key-layout): the hash tags
 * that decide which slot — which shard — a key lives in. Every key of partition p of cluster c carries
 * `{c:p<n>:<salt>}` (its BullMQ queues, the ledger's epoch, claims and sent records, the records of the events
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

/** Width of the slot window each partition's tag is aimed at (a 128th of the slots). */
export const PARTITION_SLOT_WINDOW = 128;

/**
 * Pure: the n-th point of the van der Corput sequence in [0, 1) — n's binary digits mirrored behind the
 * point: 0, 1/2, 1/4, 3/4, 1/8, … Every prefix of it is spread evenly, so the first P points fall about
 * evenly into any equal split of [0, 1), whatever P.
 */
export function spreadPoint(n: number): number {
  let point = 0;
  let weight = 0.5;
  for (let rest = n; rest > 0; rest = Math.floor(rest / 2), weight /= 2) if (rest % 2 === 1) point += weight;
  return point;
}

const partitionTags = new Map<string, string>();

/**
 * `{<cluster>:p<partition>:<salt>}`: the slot of every key of one partition. The salt is the smallest
 * that puts the tag's slot into the window aimed at partition n (`spreadPoint(n)` of the slots), so the
 * partitions spread evenly over a Cluster's masters when they hold equal slot ranges (as `redis-cli
 * --cluster create` splits them): 32 partitions over 3 masters → 11/11/10, not the 8/10/14 that plain
 * `{<cluster>:p<n>}` tags gave by chance. Pure and deterministic; computed once per process.
 */
export function partitionHashTag(clusterId: string, partition: number): string {
  if (!Number.isSafeInteger(partition) || partition < 0)
    throw new RangeError(`partition must be a non-negative safe integer, got ${partition}`);
  const cacheKey = `${checkedClusterId(clusterId)}\n${partition}`;
  const cached = partitionTags.get(cacheKey);
  if (cached !== undefined) return cached;
  const target = Math.floor(spreadPoint(partition) * CLUSTER_SLOTS);
  for (let salt = 0; salt < 1_000_000; salt += 1) {
    const tag = `{${clusterId}:p${partition}:${salt}}`;
    if ((slotOf(tag) - target + CLUSTER_SLOTS) % CLUSTER_SLOTS < PARTITION_SLOT_WINDOW) {
      partitionTags.set(cacheKey, tag);
      return tag;
    }
  }
  throw new Error(`no hash tag for partition ${partition} of cluster ${clusterId} within 1000000 salts`);
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

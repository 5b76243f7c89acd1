// Benchmark helper (not a test): what the keys of a Spaceport cluster cost in Redis. Keys are grouped by
// kind (keyKindOf); a kind's cost is what deleting all its keys frees (`used_memory` before and after:
// the values, key names, objects and dict entries, the same bytes the kind would hold at any scale),
// besides Redis's own MEMORY USAGE. The hash tables' slot arrays stay behind: the caller adds their share.
import { setTimeout as sleep } from 'node:timers/promises';
import { type Redis } from 'ioredis';

export const KEY_KINDS = [
  'event hash',
  'invocation list',
  'event index',
  'idempotency key',
  'sent record',
  'claim',
  'queued job',
  'BullMQ events stream',
  'other',
] as const;
export type KeyKind = (typeof KEY_KINDS)[number];

/**
 * The kind of a key of cluster `clusterId` in the per-partition layout (docs/architecture.md#redis-key-layout;
 * BullMQ prefix `bull`; job ids are delivery ids, `msg_…`).
 */
export function keyKindOf(key: string, clusterId: string): KeyKind {
  const c = clusterId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const partition = `\\{${c}:p\\d+:\\d+\\}`;
  const kinds: [RegExp, KeyKind][] = [
    [new RegExp(`^sp:${partition}:ev:event:`), 'event hash'],
    [new RegExp(`^sp:${partition}:ev:inv:`), 'invocation list'],
    [new RegExp(`^sp:${partition}:ev:events:`), 'event index'],
    [new RegExp(`^sp:\\{${c}\\}:ev:idem:`), 'idempotency key'],
    [new RegExp(`^sp:${partition}:ledger:sent:`), 'sent record'],
    [new RegExp(`^sp:${partition}:ledger:claim:`), 'claim'],
    [new RegExp(`^bull:${partition}:[^:]+:msg_`), 'queued job'],
    [new RegExp(`^bull:${partition}:[^:]+:events$`), 'BullMQ events stream'],
  ];
  return kinds.find(([pattern]) => pattern.test(key))?.[1] ?? 'other';
}

export async function usedMemory(redis: Redis): Promise<number> {
  return Number(/^used_memory:(\d+)/m.exec(await redis.info('memory'))?.[1] ?? NaN);
}

/** Every key, by kind (SCAN). */
export async function keysByKind(redis: Redis, clusterId: string): Promise<Map<KeyKind, string[]>> {
  const kinds = new Map<KeyKind, string[]>(KEY_KINDS.map((kind) => [kind, []]));
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'COUNT', 1_000);
    for (const key of keys) kinds.get(keyKindOf(key, clusterId))?.push(key);
    cursor = next;
  } while (cursor !== '0');
  return kinds;
}

/** Runs `command` for `keys` in pipelines of 1000; the replies in order. */
async function perKey(
  redis: Redis,
  keys: readonly string[],
  command: (key: string, index: number) => string[],
): Promise<unknown[]> {
  const replies: unknown[] = [];
  for (let start = 0; start < keys.length; start += 1_000) {
    const pipeline = redis.pipeline();
    for (const [offset, key] of keys.slice(start, start + 1_000).entries()) {
      const [name, ...args] = command(key, start + offset);
      pipeline.call(name!, ...args);
    }
    for (const [error, reply] of (await pipeline.exec()) ?? []) replies.push(error ? NaN : reply);
  }
  return replies;
}

export interface KindCost {
  readonly kind: KeyKind;
  readonly keys: number;
  /** stream entries (XLEN) or zset members (ZCARD) over all its keys; 0 for other types */
  readonly entries: number;
  /** keys with a TTL */
  readonly withTtl: number;
  /** Σ MEMORY USAGE … SAMPLES 0 */
  readonly memoryUsage: number;
  /** used_memory freed by deleting every key of the kind */
  readonly freed: number;
}

/** The kind's counts and MEMORY USAGE, then deletes its keys and measures what that freed. */
export async function measureAndDelete(redis: Redis, kind: KeyKind, keys: readonly string[]): Promise<KindCost> {
  const sum = (values: unknown[]): number => values.reduce<number>((total, value) => total + Number(value ?? 0), 0);
  const types = (await perKey(redis, keys, (key) => ['TYPE', key])) as string[];
  const sizes = await perKey(redis, keys, (key, index) => {
    const type = types[index];
    return type === 'stream' ? ['XLEN', key] : type === 'zset' ? ['ZCARD', key] : ['EXISTS', key];
  });
  const entries = types.some((type) => type === 'stream' || type === 'zset') ? sum(sizes) : 0;
  const ttls = await perKey(redis, keys, (key) => ['PTTL', key]);
  const memoryUsage = sum(await perKey(redis, keys, (key) => ['MEMORY', 'USAGE', key, 'SAMPLES', '0']));
  const before = await usedMemory(redis);
  await perKey(redis, keys, (key) => ['DEL', key]);
  await sleep(200);
  const freed = before - (await usedMemory(redis));
  return {
    kind,
    keys: keys.length,
    entries,
    withTtl: ttls.filter((ttl) => Number(ttl) > 0).length,
    memoryUsage,
    freed,
  };
}

/** PTTL of up to `sample` keys (ms; keys without a TTL left out). */
export async function ttlsOf(redis: Redis, keys: readonly string[], sample: number): Promise<number[]> {
  const step = Math.max(1, Math.floor(keys.length / sample));
  const picked = keys.filter((_, index) => index % step === 0).slice(0, sample);
  return ((await perKey(redis, picked, (key) => ['PTTL', key])) as number[]).filter((ttl) => ttl > 0);
}

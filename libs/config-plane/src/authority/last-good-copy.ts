import { readWithin } from '@spaceport/app-runtime';
import { type ConfigSnapshot } from '@spaceport/config-model';
import { createRedis, type RedisConnection, type RedisClient } from '@spaceport/redis-core';
import { type ConfigMessageAuth } from '../signing/config-message-auth';

/** How long start-up waits for Redis to read the copy before going on without it. */
const READ_TIMEOUT_MS = 3_000;

/** Redis key of the copy: `spaceport:<cluster>:config:last-good`. */
export function lastGoodKey(clusterId: string): string {
  return `spaceport:${clusterId}:config:last-good`;
}

/**
 * The last config the config-service applied, kept in Redis beside the data it governs, so that a
 * config-service restarted after its Consul KV was reset still knows what the config was (and can
 * write it back). It holds what the publications carry, secrets included, as Consul KV does. It is signed
 * with the cluster key (any age, bound to its key): a copy planted by whoever can write to Redis is ignored.
 */
export class LastGoodCopy {
  private readonly redis: RedisClient;
  private readonly key: string;
  private latest: ConfigSnapshot | undefined;

  constructor(
    connection: RedisConnection,
    clusterId: string,
    connectionName: string,
    private readonly auth: ConfigMessageAuth,
  ) {
    this.key = lastGoodKey(clusterId);
    // no logger: the transport clients log connection problems
    this.redis = createRedis(connection, { kind: 'background' }, { connectionName });
    // a Redis that came back empty (no persistence, a failover to an empty replica) gets the copy again
    this.redis.on('ready', () => {
      if (this.latest) void this.write(this.latest);
    });
  }

  /** The copy, or undefined (none, unsigned or forged, unreadable, or Redis not answering within READ_TIMEOUT_MS). */
  async read(): Promise<ConfigSnapshot | undefined> {
    const raw = await readWithin(READ_TIMEOUT_MS, () => this.redis.get(this.key));
    const body = raw ? this.auth.openStored(this.key, raw) : undefined;
    return body ? parseCopy(body) : undefined;
  }

  /** Best effort: a write lost while Redis is away is made again when it is back. */
  async write(snapshot: ConfigSnapshot): Promise<void> {
    this.latest = snapshot;
    await this.redis.set(this.key, this.auth.sealStored(this.key, JSON.stringify(snapshot))).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.redis.disconnect();
  }
}

/** Pure: the stored JSON → a snapshot, when it has a snapshot's shape. */
export function parseCopy(raw: string): ConfigSnapshot | undefined {
  try {
    const value = JSON.parse(raw) as Partial<ConfigSnapshot> | null;
    if (
      value === null ||
      typeof value.version !== 'number' ||
      typeof value.projects !== 'object' ||
      value.projects === null ||
      typeof value.eventing?.version !== 'number'
    )
      return undefined;
    return value as ConfigSnapshot;
  } catch {
    return undefined;
  }
}

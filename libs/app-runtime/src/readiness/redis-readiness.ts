import { dataNodesOf, type RedisClient } from '@spaceport/redis-core';
import { type Redis } from 'ioredis';
import { type ReadinessSession } from './readiness-registry';

/** The only `maxmemory-policy` under which Redis never drops a key Spaceport wrote. */
export const SAFE_MAXMEMORY_POLICY = 'noeviction';

/** The variable that accepts an evicting policy anyway (documented in docs/operations.md). */
export const ALLOW_EVICTION_VARIABLE = 'REDIS_ALLOW_EVICTION';

/** What a start-up refusal and a readiness message name: the Redis setting at fault. */
export const MAXMEMORY_POLICY_SOURCE = 'Redis maxmemory-policy';

/** Pure: `maxmemory_policy` of an `INFO memory` reply; undefined when the reply does not say. */
export function maxmemoryPolicyOf(info: string): string | undefined {
  return /^maxmemory_policy:(\S+)\s*$/m.exec(info)?.[1];
}

/**
 * Pure: why `policy` is unsafe, or undefined when it is `noeviction` (or unknown: a Redis that hides
 * it cannot be judged). An evicting Redis may drop a delivery's claim or sent record (a duplicate send),
 * a queued job or an event record (a loss) without a word.
 */
export function evictionRisk(policy: string | undefined): string | undefined {
  if (policy === undefined || policy === SAFE_MAXMEMORY_POLICY) return undefined;
  return (
    `${policy} may evict delivery claims, sent records and queued events ` +
    `(duplicate sends, lost events); set maxmemory-policy ${SAFE_MAXMEMORY_POLICY}, ` +
    `or ${ALLOW_EVICTION_VARIABLE}=true to accept the risk`
  );
}

/**
 * Connects a lazy client, waiting at most `ms` (so the first requests or a start-up check find it
 * ready): true once connected, false on a refused connection or when the wait ran out. The client
 * keeps reconnecting by itself either way.
 */
export function connectWithin(client: RedisClient, ms: number): Promise<boolean> {
  const connected = client.connect().then(
    () => true,
    () => false,
  );
  const timedOut = new Promise<false>((resolve) => setTimeout(() => resolve(false), ms).unref());
  return Promise.race([connected, timedOut]);
}

/**
 * `INFO memory` → the policy; undefined when Redis does not answer it (the caller's PING says why). On
 * a cluster every master answers for its own shard: the first unsafe policy among them, else the first.
 */
export async function readMaxmemoryPolicy(client: RedisClient): Promise<string | undefined> {
  const policies = await Promise.all(
    dataNodesOf(client).map(async (node) => maxmemoryPolicyOf(await node.info('memory'))),
  );
  return policies.find((policy) => evictionRisk(policy) !== undefined) ?? policies[0];
}

/** `host:port` of the node a client reached (the Sentinel master), or of every master of a cluster. */
function nodesAnswering(client: RedisClient): string {
  const address = (node: Redis): string =>
    node === client
      ? `${node.stream.remoteAddress ?? '?'}:${node.stream.remotePort ?? '?'}`
      : `${node.options.host ?? '?'}:${node.options.port ?? '?'}`;
  return dataNodesOf(client).map(address).join(',');
}

/**
 * The `redis` indicator: PING on `client` (a fail-fast client: no offline queue, a command timeout),
 * up with the round trip in ms, the node that answered (`host:port`; in Sentinel mode the current master;
 * in a cluster every master, each of which must answer INFO)
 * and its maxmemory-policy (`evictionAllowed`: an evicting one accepted
 * by REDIS_ALLOW_EVICTION), down with the error (ioredis messages name
 * host:port, never the password) or with the eviction risk unless `allowEviction`.
 */
export async function redisPingIndicator(session: ReadinessSession, client: RedisClient, allowEviction = false) {
  const startedAt = performance.now();
  try {
    await client.ping();
    const pingMs = Math.round((performance.now() - startedAt) * 10) / 10;
    const maxmemoryPolicy = await readMaxmemoryPolicy(client);
    const risk = evictionRisk(maxmemoryPolicy);
    const evictionAllowed = risk !== undefined && allowEviction;
    const node = nodesAnswering(client);
    const details = { pingMs, node, maxmemoryPolicy: maxmemoryPolicy ?? 'unknown', evictionAllowed };
    if (risk && !allowEviction) return session.down({ message: `${MAXMEMORY_POLICY_SOURCE}: ${risk}`, ...details });
    return session.up(details);
  } catch (error) {
    return session.down({ message: `Redis unreachable: ${error instanceof Error ? error.message : String(error)}` });
  }
}

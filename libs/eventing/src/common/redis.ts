import { type RedisClient } from '@spaceport/redis-core';

/**
 * Errors that mean "Redis unavailable" rather than a bug: connection, timeout, offline queue off, a
 * node that is loading or (in a Sentinel failover) no longer the master, sentinels unreachable, and in a
 * Cluster failover a slot map that is being rewritten (CLUSTERDOWN, TRYAGAIN, MOVED until ioredis gives up).
 */
export function isRedisUnavailable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return /Stream isn't writeable|Connection is closed|Command timed out|ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|Reached the max retries|LOADING|READONLY|MASTERDOWN|sentinel|MaxRetriesPerRequestError|CLUSTERDOWN|TRYAGAIN|Too many Cluster redirections|Failed to refresh slots cache|None of startup nodes is available|connect/i.test(
    `${error.name} ${error.message}`,
  );
}

/** A Lua script defined on a client: call it with its keys, then its args. */
export type RedisScript = (...keysThenArgs: (string | number)[]) => Promise<number>;

/**
 * Defines `lua` as the ioredis command `name` (EVALSHA, the script loaded on first use) and returns
 * its caller bound to `client`, so call sites need no cast to reach the dynamically added method.
 * `numberOfKeys` undefined: a variable number of keys, the caller passes their count first.
 */
export function defineScript(
  client: RedisClient,
  name: string,
  numberOfKeys: number | undefined,
  lua: string,
): RedisScript {
  client.defineCommand(name, numberOfKeys === undefined ? { lua } : { numberOfKeys, lua });
  const command = (client as unknown as Record<string, RedisScript | undefined>)[name];
  if (!command) throw new Error(`ioredis did not define the command ${name}`);
  return command.bind(client);
}

import { lookup } from 'node:dns/promises';
import { ConfigError } from '@spaceport/runtime-core';
import { Redis, type RedisOptions } from 'ioredis';
import {
  type ClusterRedisConnection,
  type RedisConnection,
  type RedisEndpoint,
  type SentinelRedisConnection,
} from './redis-connection';

/** How long the start-up check waits for each listed node or sentinel to answer. */
export const TOPOLOGY_CHECK_TIMEOUT_MS = 2_000;

/** What one listed address answered: a reply, an error reply from Redis, or nothing (unreachable). */
type Answer<T> = { reply: T } | { errorReply: string } | { unreachable: string };

const address = ({ host, port }: RedisEndpoint): string =>
  host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;

/** Sends one command to one address on a connection of its own, bounded by `timeoutMs`, then closes it. */
async function ask<T>(
  endpoint: RedisEndpoint,
  options: RedisOptions,
  command: string[],
  timeoutMs: number,
): Promise<Answer<T>> {
  const client = new Redis({
    ...options,
    host: endpoint.host,
    port: endpoint.port,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined); // the outcome is the answer below
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    return { unreachable: error instanceof Error ? error.message : String(error) };
  }
  try {
    return { reply: (await client.call(command[0] ?? '', ...command.slice(1))) as T };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return /timed out/i.test(message) ? { unreachable: message } : { errorReply: message };
  } finally {
    client.disconnect();
  }
}

function credentials(username: string | undefined, password: string | undefined, tls: boolean): RedisOptions {
  const options: RedisOptions = {};
  if (username !== undefined) options.username = username;
  if (password !== undefined) options.password = password;
  if (tls) options.tls = {};
  return options;
}

/** The `ip:port` of every node a `CLUSTER NODES` reply lists (`<id> <ip:port@cport[,hostname]> <flags> …`). */
export function clusterNodeAddresses(clusterNodes: string): Set<string> {
  const addresses = new Set<string>();
  for (const line of clusterNodes.split('\n')) {
    const field = line.trim().split(' ')[1];
    const hostPort = field?.split('@')[0];
    if (hostPort && !hostPort.startsWith(':')) addresses.add(hostPort);
  }
  return addresses;
}

/** `host:port`, and `ip:port` when `host` is a name that resolves (nodes announce their IP). */
async function addressForms(endpoint: RedisEndpoint): Promise<string[]> {
  const forms = [address(endpoint)];
  const resolved = await lookup(endpoint.host).catch(() => undefined);
  if (resolved) forms.push(address({ host: resolved.address, port: endpoint.port }));
  return forms;
}

async function checkCluster(connection: ClusterRedisConnection, timeoutMs: number): Promise<string[]> {
  const options = credentials(connection.username, connection.password, connection.tls);
  const answers = await Promise.all(
    connection.nodes.map((node) => ask<string>(node, options, ['CLUSTER', 'NODES'], timeoutMs)),
  );
  const known = new Set<string>();
  for (const [index, answer] of answers.entries()) {
    const node = address(connection.nodes[index] ?? { host: '?', port: 0 });
    if ('errorReply' in answer && /cluster support disabled/i.test(answer.errorReply))
      throw new ConfigError('REDIS_CLUSTER_NODES', `${node} is not in cluster mode (its cluster-enabled is no)`);
    if ('reply' in answer) for (const a of clusterNodeAddresses(answer.reply)) known.add(a);
  }
  // none answered: Redis may be starting, as with REDIS_URL the apps wait for it (readiness reports it)
  if (known.size === 0) return [];
  const warnings: string[] = [];
  for (const [index, answer] of answers.entries()) {
    if (!('unreachable' in answer)) continue;
    const node = connection.nodes[index] ?? { host: '?', port: 0 };
    const forms = await addressForms(node);
    if (!forms.some((form) => known.has(form)))
      throw new ConfigError(
        'REDIS_CLUSTER_NODES',
        `${address(node)} did not answer within ${timeoutMs} ms and is not a node of the cluster the other listed nodes belong to`,
      );
    warnings.push(`${address(node)} is a node of the cluster but did not answer within ${timeoutMs} ms`);
  }
  return warnings;
}

async function checkSentinel(connection: SentinelRedisConnection, timeoutMs: number): Promise<string[]> {
  const options = credentials(connection.sentinelUsername, connection.sentinelPassword, connection.tls);
  const answers = await Promise.all(
    connection.sentinels.map((sentinel) =>
      ask<string[] | null>(sentinel, options, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', connection.name], timeoutMs),
    ),
  );
  for (const [index, answer] of answers.entries())
    if ('errorReply' in answer && /unknown command/i.test(answer.errorReply))
      throw new ConfigError(
        'REDIS_SENTINELS',
        `${address(connection.sentinels[index] ?? { host: '?', port: 0 })} is not a Redis Sentinel`,
      );
  const replies = answers.filter((answer): answer is { reply: string[] | null } => 'reply' in answer);
  if (replies.length > 0 && replies.every(({ reply }) => reply === null))
    throw new ConfigError(
      'REDIS_SENTINEL_NAME',
      `no sentinel of REDIS_SENTINELS monitors a master named "${connection.name}" ` +
        `(${replies.length} of ${connection.sentinels.length} answered)`,
    );
  return [];
}

/**
 * Start-up check of a list form against what the listed servers say, so that a wrong list is refused
 * (ConfigError naming the variable) instead of being retried for ever: a node not in cluster mode, a
 * listed address that does not answer and is no node of the cluster the others belong to, a sentinel
 * name no sentinel monitors, an address that is no sentinel. A listed cluster node that is known to
 * the cluster but down (a failed master) is a warning, not a refusal. When nothing answers, nothing is
 * refused: Redis may still be starting, and the apps wait for it as they do with `REDIS_URL`.
 * Returns the warnings to log. Never includes a password in a message.
 */
export async function checkRedisTopology(
  connection: RedisConnection,
  timeoutMs = TOPOLOGY_CHECK_TIMEOUT_MS,
): Promise<string[]> {
  if (connection.kind === 'cluster') return checkCluster(connection, timeoutMs);
  if (connection.kind === 'sentinel') return checkSentinel(connection, timeoutMs);
  return [];
}

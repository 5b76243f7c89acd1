import { ConfigError } from '@spaceport/runtime-core';
import { Cluster, type Redis } from 'ioredis';
import { z } from 'zod';
import { type RedisClient } from './create-redis';
import { slotOf } from './key-layout';

/**
 * Durability of writes: how many replicas must have a write before it counts (`WAIT numreplicas timeout`).
 * `replicas` 0 (the default) waits for nothing: Redis's replication stays asynchronous.
 */
export interface RedisWaitSettings {
  /** `REDIS_WAIT_REPLICAS`: 0–16, default 0 */
  readonly replicas: number;
  /** `REDIS_WAIT_TIMEOUT_MS`: how long one WAIT may block, 1–60000, default 1000; below REDIS_COMMAND_TIMEOUT_MS */
  readonly timeoutMs: number;
}

export const DEFAULT_REDIS_WAIT: RedisWaitSettings = { replicas: 0, timeoutMs: 1_000 };
export const MAX_REDIS_WAIT_REPLICAS = 16;

/** A whole number in [min, max] written in decimal digits (no sign, exponent or fraction). */
const integerText = (min: number, max: number) => {
  const message = `expected an integer in [${min}, ${max}]`;
  return z
    .string()
    .regex(/^\d+$/, message)
    .transform(Number)
    .pipe(z.number().int().min(min, message).max(max, message));
};

const WAIT_VARIABLES = {
  REDIS_WAIT_REPLICAS: integerText(0, MAX_REDIS_WAIT_REPLICAS),
  REDIS_WAIT_TIMEOUT_MS: integerText(1, 60_000),
} as const;

function variable(env: NodeJS.ProcessEnv, name: keyof typeof WAIT_VARIABLES, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  const parsed = WAIT_VARIABLES[name].safeParse(raw);
  if (!parsed.success) throw new ConfigError(name, `${parsed.error.issues[0]?.message}, got ${JSON.stringify(raw)}`);
  return parsed.data;
}

/**
 * Pure: `REDIS_WAIT_REPLICAS` and `REDIS_WAIT_TIMEOUT_MS`. A WAIT blocks the connection that wrote (every
 * command behind it waits too), so its timeout must end before the client's `commandTimeoutMs` gives up
 * on it. Throws ConfigError naming the variable.
 */
export function parseRedisWait(env: NodeJS.ProcessEnv, commandTimeoutMs: number): RedisWaitSettings {
  const replicas = variable(env, 'REDIS_WAIT_REPLICAS', DEFAULT_REDIS_WAIT.replicas);
  const timeoutMs = variable(env, 'REDIS_WAIT_TIMEOUT_MS', DEFAULT_REDIS_WAIT.timeoutMs);
  if (replicas > 0 && timeoutMs >= commandTimeoutMs)
    throw new ConfigError(
      'REDIS_WAIT_TIMEOUT_MS',
      `must be below REDIS_COMMAND_TIMEOUT_MS (${commandTimeoutMs}): a WAIT blocks its connection that long`,
    );
  return { replicas, timeoutMs };
}

/** What one waitForReplicas call found: the fewest replicas that acknowledged, over the nodes it asked. */
export interface ReplicaWaitResult {
  /** the smallest WAIT reply over the nodes asked (`replicas` 0 or no key on a Cluster: nothing asked, `replicas`) */
  readonly acknowledged: number;
  /** every node asked reached `replicas` */
  readonly ok: boolean;
}

interface PendingWait {
  readonly promise: Promise<number>;
  readonly replicas: number;
  readonly timeoutMs: number;
}

/** Per connection: the WAIT sent and not yet answered, and the one that will follow it. */
interface ConnectionWaits {
  inFlight?: Promise<unknown>;
  next?: PendingWait;
}

const waitsOf = new WeakMap<Redis, ConnectionWaits>();

/**
 * `WAIT replicas timeoutMs` on `node`, coalesced: a WAIT covers every write the connection made before it,
 * so callers that ask while one is queued (not yet sent) share it, and at most one more is queued behind
 * the one in flight (WAIT blocks the connection in Redis anyway: a second one would only wait behind it).
 */
function coalescedWait(node: Redis, replicas: number, timeoutMs: number): Promise<number> {
  let waits = waitsOf.get(node);
  if (!waits) {
    waits = {};
    waitsOf.set(node, waits);
  }
  const queued = waits.next;
  if (queued && queued.replicas === replicas && queued.timeoutMs === timeoutMs) return queued.promise;
  const state = waits;
  const before = state.inFlight ?? Promise.resolve();
  const promise = before
    .catch(() => undefined)
    .then(async () => {
      if (state.next?.promise === promise) state.next = undefined;
      const sent = node.wait(replicas, timeoutMs);
      state.inFlight = sent;
      try {
        return await sent;
      } finally {
        if (state.inFlight === sent) state.inFlight = undefined;
      }
    });
  state.next = { promise, replicas, timeoutMs };
  return promise;
}

/** The master connection of `cluster` that serves `slot` (the one ioredis sends that slot's commands on). */
function masterOfSlot(cluster: Cluster, slot: number): Redis {
  const key = cluster.slots[slot]?.[0];
  const node = key === undefined ? undefined : cluster.nodes('master').find((n) => nodeKeyOf(n) === key);
  if (!node) throw new Error(`Failed to refresh slots cache: no master known for slot ${slot} (CLUSTERDOWN)`);
  return node;
}

function nodeKeyOf(node: Redis): string {
  return `${node.options.host}:${node.options.port}`;
}

/**
 * Waits until `replicas` replicas acknowledged the writes `client` made so far (Redis `WAIT`), at most
 * `timeoutMs`. WAIT has no key and counts the writes of the connection it runs on, so it must run on the
 * connection that wrote: the client itself (one node, the Sentinel master), or on a Cluster the master
 * connection of the slot of each key in `writtenKeys` (one WAIT per distinct master; a key's hash tag
 * decides, see key-layout.ts). Concurrent callers on one connection share a WAIT. `replicas` 0 asks
 * nothing. Redis errors (connection closed, a node no longer master…) reject, as the write would have.
 */
export async function waitForReplicas(
  client: RedisClient,
  settings: RedisWaitSettings,
  writtenKeys: readonly string[],
): Promise<ReplicaWaitResult> {
  const { replicas, timeoutMs } = settings;
  if (replicas === 0) return { acknowledged: 0, ok: true };
  const nodes =
    client instanceof Cluster ? [...new Set(writtenKeys.map((key) => masterOfSlot(client, slotOf(key))))] : [client];
  if (nodes.length === 0) return { acknowledged: replicas, ok: true };
  const replies = await Promise.all(nodes.map((node) => coalescedWait(node, replicas, timeoutMs)));
  const acknowledged = Math.min(...replies);
  return { acknowledged, ok: replies.every((reply) => reply >= replicas) };
}

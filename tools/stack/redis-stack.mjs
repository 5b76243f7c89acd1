// The Redis of `npm start` (tools/stack/stack.mjs), in one of three topologies (`--redis`):
//  - single (default): one redis-server, REDIS_URL; it dying stops the stack, as any infrastructure does;
//  - sentinel: a master, a replica and 3 sentinels (quorum 2), REDIS_SENTINELS + REDIS_SENTINEL_NAME;
//  - cluster: 3 masters and 3 replicas, formed as `redis-cli --cluster create` does, REDIS_CLUSTER_NODES.
// The replicated topologies survive one process dying — a dead master is the failover case — so the
// supervisor restarts each of their processes (REDIS_RESTART_POLICY: after 10 s, by which time the
// sentinels or the cluster have promoted the replica; the old master comes back as a replica) and stops
// the stack only when one keeps dying. Config lines, cluster forming and readiness: the same module the
// test harness uses (libs/testing/src/redis-topology.mjs). Everything on 127.0.0.1, AOF on, data
// under <data-dir>/redis (single), <data-dir>/redis-sentinel or <data-dir>/redis-cluster, one dir per
// process. Sentinel and Cluster rewrite their config files, so a dir is reused only by a stack on the
// same ports (topology.json); otherwise it is started afresh.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  clusterNodeConfig,
  DEFAULT_SENTINEL_MASTER_NAME,
  formCluster,
  freeClusterPorts,
  REDIS_DATA_NODE_CONFIG,
  redisCommand,
  redisConfigText,
  SENTINEL_COUNT,
  sentinelConfig,
  waitForClusterFormed,
  waitForSentinels,
  waitUntil,
} from '../../libs/testing/src/redis-topology.mjs';
import { freePorts } from './free-ports.mjs';

export const REDIS_TOPOLOGIES = Object.freeze(['single', 'sentinel', 'cluster']);
export const CLUSTER_MASTERS = 3;
const CLUSTER_NODES = 2 * CLUSTER_MASTERS;
/** Slower to declare a node down than the tests' 1 s: a busy laptop must not fail over by accident. */
export const STACK_SENTINEL_TIMING = Object.freeze({ downAfterMs: 2_000, failoverTimeoutMs: 6_000 });
export const STACK_CLUSTER_NODE_TIMEOUT_MS = 2_000;
/** A process of a replicated topology that died comes back after the failover it caused is done. */
export const REDIS_RESTART_POLICY = Object.freeze({
  initialDelayMs: 10_000,
  maxDelayMs: 60_000,
  stableAfterMs: 60_000,
  maxCrashesInRow: 5,
});

/** `--redis`'s value, or an error message naming the flag. */
export function parseRedisTopology(value) {
  if (REDIS_TOPOLOGIES.includes(value)) return { topology: value };
  return { error: `--redis: expected ${REDIS_TOPOLOGIES.join(', ')}; got "${value}"` };
}

/**
 * The ports of `topology`: `{ data, sentinels }`. From `base` (`--redis-port`) when given: the data nodes
 * on base, base+1, …, then the sentinels; else the conventional ones: 6379 (single), 6379-6380 with
 * sentinels on 26379-26381 (sentinel), 7000-7005 (cluster, bus ports 17000-17005).
 */
export function redisPortsOf(topology, base) {
  const from = (start, count) => Array.from({ length: count }, (_, i) => start + i);
  if (topology === 'single') return { data: [base ?? 6379], sentinels: [] };
  if (topology === 'sentinel') {
    if (base === undefined) return { data: from(6379, 2), sentinels: from(26379, SENTINEL_COUNT) };
    return { data: from(base, 2), sentinels: from(base + 2, SENTINEL_COUNT) };
  }
  return { data: from(base ?? 7000, CLUSTER_NODES), sentinels: [] };
}

/** Free ports for `topology` (each cluster node's bus port free as well). */
export async function freeRedisPorts(topology) {
  if (topology === 'cluster') return { data: await freeClusterPorts(CLUSTER_NODES), sentinels: [] };
  const count = topology === 'sentinel' ? 2 + SENTINEL_COUNT : 1;
  const [first, second, ...sentinels] = await freePorts(count);
  return topology === 'sentinel' ? { data: [first, second], sentinels } : { data: [first], sentinels: [] };
}

/** What the apps get: one form of Redis connection (libs/redis-core parses it). */
export function redisEnvOf(topology, ports) {
  const list = (values) => values.map((port) => `127.0.0.1:${port}`).join(',');
  if (topology === 'single') return { REDIS_URL: `redis://127.0.0.1:${ports.data[0]}` };
  if (topology === 'sentinel')
    return { REDIS_SENTINELS: list(ports.sentinels), REDIS_SENTINEL_NAME: DEFAULT_SENTINEL_MASTER_NAME };
  return { REDIS_CLUSTER_NODES: list(ports.data) };
}

/** `<dir>/topology.json` says which ports the dirs under it were made for; other ports: start afresh. */
function prepareTopologyDir(dir, ports) {
  const marker = join(dir, 'topology.json');
  const wanted = JSON.stringify(ports);
  let reused = false;
  try {
    reused = JSON.stringify(JSON.parse(readFileSync(marker, 'utf8'))) === wanted;
  } catch {
    // absent or unreadable: start afresh
  }
  if (!reused) rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(marker, wanted);
  return reused;
}

/** Writes `<dir>/<name>/redis.conf` unless it is kept from the last run (Redis has rewritten it). */
function configFile(dir, name, port, lines, reused) {
  const nodeDir = join(dir, name);
  const file = join(nodeDir, 'redis.conf');
  if (reused && existsSync(file)) return file;
  mkdirSync(nodeDir, { recursive: true });
  writeFileSync(file, redisConfigText(port, nodeDir, lines));
  return file;
}

const answersPing = (port) =>
  waitUntil(async () => (await redisCommand(port, 'PING')) === 'PONG', { what: `redis on port ${port}` });

/**
 * Starts the Redis processes of `topology` under `supervisor` and returns `{ env, ready }`: the apps'
 * environment at once, and a promise that resolves (with a description for the log) once the topology
 * is ready for the apps — the sentinels agree on the master and see its replica; the cluster is formed.
 */
export function startRedis(topology, { supervisor, bin, ports, dataDir }) {
  const env = redisEnvOf(topology, ports);
  if (topology === 'single') {
    mkdirSync(join(dataDir, 'redis'), { recursive: true });
    const args = ['--port', ports.data[0], '--bind', '127.0.0.1', '--dir', join(dataDir, 'redis')];
    supervisor.run('redis', bin, [...args.map(String), '--appendonly', 'yes'], {}, { infra: true });
    return { env, ready: Promise.resolve(env.REDIS_URL) };
  }
  const replicated = { infra: true, restart: true, policy: REDIS_RESTART_POLICY };
  if (topology === 'sentinel') {
    const dir = join(dataDir, 'redis-sentinel');
    const reused = prepareTopologyDir(dir, ports);
    const [master, replica] = ports.data;
    const dataConfigs = [REDIS_DATA_NODE_CONFIG, [...REDIS_DATA_NODE_CONFIG, `replicaof 127.0.0.1 ${master}`]];
    ports.data.forEach((port, i) => {
      const file = configFile(dir, `node-${port}`, port, dataConfigs[i], reused);
      supervisor.run(`redis-${i + 1}`, bin, [file], {}, replicated);
    });
    const sentinelLines = sentinelConfig(DEFAULT_SENTINEL_MASTER_NAME, master, STACK_SENTINEL_TIMING);
    ports.sentinels.forEach((port, i) => {
      const file = configFile(dir, `sentinel-${port}`, port, sentinelLines, reused);
      supervisor.run(`sentinel-${i + 1}`, bin, [file, '--sentinel'], {}, replicated);
    });
    const ready = waitForSentinels(ports.sentinels, DEFAULT_SENTINEL_MASTER_NAME, { timeoutMs: 60_000 }).then(
      (current) =>
        `sentinel: master ${DEFAULT_SENTINEL_MASTER_NAME} at ${current}` +
        `${reused ? '' : ` (replica 127.0.0.1:${replica})`}, sentinels ${env.REDIS_SENTINELS}`,
    );
    return { env, ready };
  }
  const dir = join(dataDir, 'redis-cluster');
  const reused = prepareTopologyDir(dir, ports);
  const lines = clusterNodeConfig({ nodeTimeoutMs: STACK_CLUSTER_NODE_TIMEOUT_MS });
  ports.data.forEach((port, i) => {
    const file = configFile(dir, `node-${port}`, port, lines, reused);
    supervisor.run(`redis-${i + 1}`, bin, [file], {}, replicated);
  });
  const ready = (async () => {
    await Promise.all(ports.data.map(answersPing));
    if (reused) await waitForClusterFormed(ports.data, CLUSTER_MASTERS, { timeoutMs: 60_000 });
    else await formCluster(ports.data, CLUSTER_MASTERS, { timeoutMs: 60_000 });
    return (
      `cluster ${reused ? 'rejoined' : 'formed'}: ${CLUSTER_MASTERS} masters, ` +
      `${CLUSTER_NODES - CLUSTER_MASTERS} replicas, cluster_state:ok; nodes ${env.REDIS_CLUSTER_NODES}`
    );
  })();
  return { env, ready };
}

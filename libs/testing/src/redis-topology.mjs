// The replicated Redis topologies Spaceport runs on besides one node (issue 20): a master, a replica
// and three sentinels; a Redis Cluster of masters with replicas. What each process's redis.conf holds,
// how a cluster is formed (as `redis-cli --cluster create` does it) and when a topology is ready.
// Plain Node (no TypeScript, types in redis-topology.d.mts) so that both users run the same topology:
// the test harness (redis-sentinel.ts, redis-cluster.ts, redis-cluster-nodes.ts, redis-node.ts, ports.ts
// import or re-export it) and `npm start -- --redis sentinel|cluster` (tools/stack/redis-stack.mjs, which
// runs without a build and imports this file directly).
import { createServer } from 'node:net';
import { Redis } from 'ioredis';

/** The settings every data node runs with: AOF on (as production runs it). */
export const REDIS_DATA_NODE_CONFIG = Object.freeze([
  'save ""',
  'appendonly yes',
  'appendfsync everysec',
  // A replica's full sync starts at once instead of 5 s later (the default waits for more replicas).
  'repl-diskless-sync-delay 0',
]);

/** The sentinels' default master name (REDIS_SENTINEL_NAME). */
export const DEFAULT_SENTINEL_MASTER_NAME = 'spaceport';
/** How many sentinels a topology runs, and how many must agree that the master is down. */
export const SENTINEL_COUNT = 3;
export const SENTINEL_QUORUM = 2;

/** A sentinel's config: monitor the master on 127.0.0.1:`masterPort` under `masterName`, quorum 2. */
export function sentinelConfig(masterName, masterPort, { downAfterMs = 1_000, failoverTimeoutMs = 3_000 } = {}) {
  return [
    `sentinel monitor ${masterName} 127.0.0.1 ${masterPort} ${SENTINEL_QUORUM}`,
    `sentinel down-after-milliseconds ${masterName} ${downAfterMs}`,
    `sentinel failover-timeout ${masterName} ${failoverTimeoutMs}`,
    `sentinel parallel-syncs ${masterName} 1`,
  ];
}

/** A cluster data node's config (its nodes.conf in its own dir; Redis rewrites that file). */
export function clusterNodeConfig({ nodeTimeoutMs = 1_000 } = {}) {
  return [
    ...REDIS_DATA_NODE_CONFIG,
    'cluster-enabled yes',
    'cluster-config-file nodes.conf',
    `cluster-node-timeout ${nodeTimeoutMs}`,
  ];
}

/** The whole redis.conf of a process on 127.0.0.1:`port` with its data in `dir`. */
export function redisConfigText(port, dir, lines) {
  return [`port ${port}`, 'bind 127.0.0.1', `dir ${dir}`, ...lines, ''].join('\n');
}

/** Polls `probe` until it returns neither undefined nor false; throws after `timeoutMs` with the last error. */
export async function waitUntil(probe, { what, timeoutMs = 15_000, intervalMs = 100 }) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  for (;;) {
    try {
      const result = await probe();
      if (result !== undefined && result !== false) return result;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${cause}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** One command to 127.0.0.1:`port` on a fresh connection that is closed again; fails fast (no retries). */
export async function redisCommand(port, command, ...args) {
  const client = new Redis({
    host: '127.0.0.1',
    port,
    lazyConnect: true,
    connectTimeout: 1_000,
    commandTimeout: 2_000,
    enableReadyCheck: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await client.call(command, ...args.map(String));
  } finally {
    client.disconnect();
  }
}

/** INFO [section] of the node on `port`, as a map of its `key:value` lines. */
export async function redisInfo(port, section) {
  const text = String(await redisCommand(port, 'INFO', ...(section ? [section] : [])));
  const info = new Map();
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && !line.startsWith('#')) info.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return info;
}

/**
 * host:port of the master the node on `port` replicates from, when it is a replica whose link is up and
 * the master counts it as online. Both ends matter: after a (diskless) sync the replica's link is up
 * while the master still holds it in `wait_bgsave`/`send_bulk` until its first REPLCONF ACK (sent once a
 * second), and until then `WAIT` on the master does not count it.
 */
export async function syncedMasterOf(port) {
  const info = await redisInfo(port, 'replication');
  if (info.get('role') !== 'slave' || info.get('master_link_status') !== 'up') return undefined;
  const master = `${info.get('master_host')}:${info.get('master_port')}`;
  const masterInfo = await redisInfo(Number(info.get('master_port')), 'replication');
  return onlineReplicaPorts(masterInfo).includes(port) ? master : undefined;
}

/** The ports of the replicas a master's INFO replication lists as `state=online`. */
export function onlineReplicaPorts(masterInfo) {
  const ports = [];
  for (const [key, value] of masterInfo) {
    if (!/^slave\d+$/.test(key)) continue;
    const fields = new Map(value.split(',').map((pair) => pair.split('=')));
    if (fields.get('state') === 'online') ports.push(Number(fields.get('port')));
  }
  return ports;
}

// --- Sentinel -------------------------------------------------------------------------------------

/** SENTINEL replies are flat arrays of field, value, field, value… */
function fieldsOf(reply) {
  const flat = reply.map(String);
  const fields = new Map();
  for (let i = 0; i + 1 < flat.length; i += 2) fields.set(flat[i], flat[i + 1]);
  return fields;
}

/** host:port of the master the sentinel on `port` names for `masterName`. */
export async function namedMaster(port, masterName) {
  const reply = await redisCommand(port, 'SENTINEL', 'GET-MASTER-ADDR-BY-NAME', masterName);
  if (!Array.isArray(reply)) throw new Error(`the sentinel on port ${port} knows no master named ${masterName}`);
  return `${String(reply[0])}:${String(reply[1])}`;
}

/** True when this sentinel names `master`, sees it up, a replica in sync and the other sentinels. */
export async function sentinelAgrees(port, masterName, master) {
  const state = fieldsOf(await redisCommand(port, 'SENTINEL', 'MASTER', masterName));
  if (`${state.get('ip')}:${state.get('port')}` !== master || state.get('flags') !== 'master') return false;
  if (state.get('num-other-sentinels') !== String(SENTINEL_COUNT - 1)) return false;
  const replicas = await redisCommand(port, 'SENTINEL', 'REPLICAS', masterName);
  return replicas.map(fieldsOf).some((r) => r.get('flags') === 'slave' && r.get('master-link-status') === 'ok');
}

/**
 * Waits until the sentinels on `sentinelPorts` agree on one master, a replica is in sync with it and each
 * sees the others; returns the master's host:port. Works on a topology started afresh and on one started
 * again from its rewritten configs (whichever node is master now).
 */
export async function waitForSentinels(sentinelPorts, masterName, { timeoutMs = 30_000 } = {}) {
  return waitUntil(
    async () => {
      const named = new Set(await Promise.all(sentinelPorts.map((port) => namedMaster(port, masterName))));
      const [master] = [...named];
      if (named.size !== 1 || !master) return undefined;
      const agreed = await Promise.all(sentinelPorts.map((port) => sentinelAgrees(port, masterName, master)));
      return agreed.every(Boolean) ? master : undefined;
    },
    { what: `the ${sentinelPorts.length} sentinels to agree on the master, its replica and each other`, timeoutMs },
  );
}

// --- Cluster --------------------------------------------------------------------------------------

/** Redis Cluster's hash slots: 0 … 16383. */
export const CLUSTER_SLOTS = 16_384;
/** Redis Cluster's bus listens on the client port + 10000 (cluster-port 0, the default). */
export const CLUSTER_BUS_PORT_OFFSET = 10_000;

/** Parses CLUSTER NODES (`<id> <ip:port@cport> <flags> <master> <ping> <pong> <epoch> <link> <slot>…`). */
export function parseClusterNodes(text) {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [id = '', endpoint = '', flags = '', master = '-', , , , , ...slots] = line.trim().split(' ');
      return {
        id,
        address: endpoint.split('@')[0] ?? '',
        flags: flags.split(','),
        masterId: master === '-' ? undefined : master,
        slots: slots.filter((slot) => !slot.startsWith('[')).map(slotRangeOf),
      };
    });
}

function slotRangeOf(text) {
  const [first = '', last = first] = text.split('-');
  return [Number(first), Number(last)];
}

/** The slot ranges of `masters` masters as redis-cli --cluster create splits them: equal, contiguous. */
export function slotRangesFor(masters) {
  return Array.from({ length: masters }, (_, i) => [
    Math.floor((i * CLUSTER_SLOTS) / masters),
    Math.floor(((i + 1) * CLUSTER_SLOTS) / masters) - 1,
  ]);
}

/** How the node on `port` sees the cluster: its cluster_state and its CLUSTER NODES. */
export async function clusterView(port) {
  const info = String(await redisCommand(port, 'CLUSTER', 'INFO'));
  const entries = parseClusterNodes(String(await redisCommand(port, 'CLUSTER', 'NODES')));
  return { port, stateOk: /^cluster_state:ok\r?$/m.test(info), entries };
}

const isFailed = (entry) => entry.flags.some((f) => f === 'fail' || f === 'fail?');
const isPending = (entry) => entry.flags.some((f) => f === 'handshake' || f === 'noaddr');

/** The entry of the master serving `slot` in this view. */
export function ownerOf(view, slot) {
  return view.entries.find((e) => e.flags.includes('master') && e.slots.some(([a, b]) => slot >= a && slot <= b));
}

/**
 * True when this view is of a healthy cluster with exactly `addresses` in it: state ok, every node known
 * (no handshake), none failed, `masters` masters serving slots and every other node a replica of one.
 */
export function isHealthyView(view, addresses, masters) {
  const { entries } = view;
  if (!view.stateOk || entries.length !== addresses.length) return false;
  if (entries.some((e) => isFailed(e) || isPending(e) || !addresses.includes(e.address))) return false;
  const masterIds = new Set(entries.filter((e) => e.flags.includes('master') && e.slots.length > 0).map((e) => e.id));
  const replicas = entries.filter((e) => e.flags.includes('slave'));
  return (
    masterIds.size === masters &&
    replicas.length === addresses.length - masters &&
    replicas.every((e) => e.masterId !== undefined && masterIds.has(e.masterId))
  );
}

/** True when every node knows every other one by id (the handshakes that CLUSTER MEET starts are done). */
export function knowsAll(view, count) {
  return view.entries.length === count && !view.entries.some(isPending);
}

const viewsOf = (ports) => Promise.all(ports.map(clusterView));

/** True when the cluster of the nodes on `ports` has formed: every node healthy, every replica in sync. */
export async function isClusterFormed(ports, masters) {
  const addresses = ports.map((port) => `127.0.0.1:${port}`);
  const views = await viewsOf(ports);
  if (!views.every((view) => isHealthyView(view, addresses, masters))) return false;
  const replicaPorts = views[0].entries
    .filter((e) => e.flags.includes('slave'))
    .map((e) => Number(e.address.split(':')[1]));
  return (await Promise.all(replicaPorts.map(syncedMasterOf))).every(Boolean);
}

/**
 * Forms a cluster of the empty cluster-enabled nodes on `ports` by hand, as `redis-cli --cluster create`
 * does: slots split evenly over the first `masters` nodes, a distinct config epoch each, CLUSTER MEET,
 * then CLUSTER REPLICATE (replica j follows master j mod masters). Resolves once it is formed.
 */
export async function formCluster(ports, masters, { timeoutMs = 30_000 } = {}) {
  const [first, ...others] = ports;
  if (first === undefined || masters < 1 || masters > ports.length) throw new Error(`cannot form ${masters} masters`);
  const masterPorts = ports.slice(0, masters);
  const ranges = slotRangesFor(masters);
  await Promise.all(masterPorts.map((port, i) => redisCommand(port, 'CLUSTER', 'ADDSLOTSRANGE', ...ranges[i])));
  await Promise.all(ports.map((port, i) => redisCommand(port, 'CLUSTER', 'SET-CONFIG-EPOCH', i + 1)));
  for (const port of others) await redisCommand(first, 'CLUSTER', 'MEET', '127.0.0.1', port);
  await waitUntil(async () => (await viewsOf(ports)).every((view) => knowsAll(view, ports.length)), {
    what: 'the cluster nodes to know each other',
  });
  const masterIds = await Promise.all(masterPorts.map((port) => redisCommand(port, 'CLUSTER', 'MYID')));
  await Promise.all(
    ports.slice(masters).map((port, j) => redisCommand(port, 'CLUSTER', 'REPLICATE', String(masterIds[j % masters]))),
  );
  await waitForClusterFormed(ports, masters, { timeoutMs });
}

/** Waits until the cluster of the nodes on `ports` is formed (see isClusterFormed). */
export async function waitForClusterFormed(ports, masters, { timeoutMs = 30_000 } = {}) {
  await waitUntil(() => isClusterFormed(ports, masters), {
    what: 'cluster_state:ok on every node, every replica attached and in sync',
    timeoutMs,
  });
}

/** Listens on 127.0.0.1:`port` (0: the OS picks); resolves null when that port is taken. */
function probeListener(port) {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(null));
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/**
 * Distinct free ports `p` for cluster nodes, each with `p + 10000` (its cluster bus) free as well. Every
 * probe stays open until all are found, so no port is handed out twice and none is another's bus port.
 */
export async function freeClusterPorts(count, attempts = 200) {
  const held = [];
  const ports = [];
  try {
    for (let attempt = 0; ports.length < count && attempt < attempts; attempt++) {
      const server = await probeListener(0);
      if (!server) continue;
      held.push(server);
      const port = server.address().port;
      if (port + CLUSTER_BUS_PORT_OFFSET > 65_535) continue;
      const bus = await probeListener(port + CLUSTER_BUS_PORT_OFFSET);
      if (!bus) continue;
      held.push(bus);
      ports.push(port);
    }
  } finally {
    await Promise.all(held.map((s) => new Promise((resolve) => s.close(resolve))));
  }
  if (ports.length < count) throw new Error(`found ${ports.length} of ${count} free ports with a free bus port`);
  return ports;
}

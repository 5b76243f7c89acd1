import { clusterNodeConfig, formCluster } from './redis-topology.mjs';
import { freeClusterPorts } from './ports';
import { clusterView, type ClusterView, ownerOf, type SlotRange } from './redis-cluster-nodes';
import { redisInfo, type RedisFailover, type RedisNode, startRedisNodes, syncedMasterOf } from './redis-node';
import { waitFor } from './wait';

export interface RedisClusterOptions {
  /** Default 3. */
  masters?: number;
  /** Default 1. */
  replicasPerMaster?: number;
  /** `cluster-node-timeout`: how long a node may be unreachable before it counts as failing; default 1000. */
  nodeTimeoutMs?: number;
}

export interface RedisClusterMaster {
  readonly id: string;
  /** host:port */
  readonly address: string;
  readonly slots: readonly SlotRange[];
}

/** A Redis Cluster of real redis-server processes on free loopback ports (each with its bus port + 10000). */
export interface RedisClusterTopology {
  /** Every node as started: the masters first, then the replicas. Their roles change with failovers. */
  readonly nodes: readonly RedisNode[];
  /** `127.0.0.1:p1,127.0.0.1:p2,…`: the form of a REDIS_CLUSTER_NODES setting. */
  readonly nodeAddresses: string;
  /** The nodes as ioredis's `new Cluster(startupNodes)` takes them. */
  readonly nodeEndpoints: readonly { host: string; port: number }[];
  /** The masters serving slots now, in slot order, as a running node sees them. */
  masters(): Promise<RedisClusterMaster[]>;
  /** SIGKILLs the process of `masters()[index]` (by its PID) and returns its node. */
  killMaster(index: number): Promise<RedisNode>;
  /** Waits until every running node is in state ok with the killed master's slots served by another node. */
  waitForFailover(options?: { timeoutMs?: number }): Promise<RedisFailover>;
  /** Starts a killed node again (its nodes.conf kept); resolves once it rejoined as a replica, in sync. */
  restartNode(node: RedisNode, options?: { timeoutMs?: number }): Promise<void>;
  /** Stops every process and removes the temp dirs. */
  stop(): Promise<void>;
}

/**
 * Starts `masters × (1 + replicasPerMaster)` cluster-enabled redis-servers and forms the cluster by hand,
 * as `redis-cli --cluster create` does: slots split evenly over the first `masters` nodes, a distinct
 * config epoch each, CLUSTER MEET, then CLUSTER REPLICATE (replica j follows master j mod masters).
 * Resolves when every node is in state ok and every replica is in sync.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisClusterTopology> {
  const masters = options.masters ?? 3;
  const count = masters * (1 + (options.replicasPerMaster ?? 1));
  const config = clusterNodeConfig({ nodeTimeoutMs: options.nodeTimeoutMs });
  const ports = await freeClusterPorts(count);
  const nodes = await startRedisNodes(ports.map((port) => ({ role: 'redis-cluster', port, config })));
  try {
    await formCluster(
      nodes.map((node) => node.port),
      masters,
    );
  } catch (error) {
    await Promise.all(nodes.map((node) => node.stop()));
    throw error;
  }
  return clusterTopology(nodes);
}

function viewsOf(nodes: readonly RedisNode[]): Promise<ClusterView[]> {
  return Promise.all(nodes.map((node) => clusterView(node.port)));
}

function runningNodes(nodes: readonly RedisNode[]): RedisNode[] {
  return nodes.filter((node) => node.process.running);
}

/** The master serving `slot` when every running node agrees on it, is in state ok and it is not `exclude`. */
async function agreedOwner(nodes: readonly RedisNode[], slot: number, exclude: string): Promise<string | undefined> {
  const owners = new Set((await viewsOf(runningNodes(nodes))).map((v) => (v.stateOk ? ownerOf(v, slot)?.address : '')));
  const [owner] = [...owners];
  if (owners.size !== 1 || !owner || owner === exclude) return undefined;
  return (await redisInfo(Number(owner.split(':')[1]), 'replication')).get('role') === 'master' ? owner : undefined;
}

/** True when `node` is a replica in sync and every running node is in state ok and sees it as a live replica. */
async function hasRejoined(nodes: readonly RedisNode[], node: RedisNode): Promise<boolean> {
  if (!(await syncedMasterOf(node.port))) return false;
  return (await viewsOf(runningNodes(nodes))).every((view) => {
    const entry = view.entries.find((e) => e.address === node.address);
    return view.stateOk && entry?.flags.includes('slave') && !entry.flags.some((f) => f.startsWith('fail'));
  });
}

function clusterTopology(nodes: readonly RedisNode[]): RedisClusterTopology {
  let lastKill: { address: string; slot: number; at: number } | undefined;
  const masters = async (): Promise<RedisClusterMaster[]> => {
    const [node] = runningNodes(nodes);
    if (!node) throw new Error('no cluster node is running');
    const { entries } = await clusterView(node.port);
    return entries
      .filter((e) => e.flags.includes('master') && e.slots.length > 0 && !e.flags.includes('fail'))
      .map(({ id, address, slots }) => ({ id, address, slots }))
      .sort((a, b) => (a.slots[0]?.[0] ?? 0) - (b.slots[0]?.[0] ?? 0));
  };
  return {
    nodes,
    nodeAddresses: nodes.map((node) => node.address).join(','),
    nodeEndpoints: nodes.map((node) => ({ host: node.host, port: node.port })),
    masters,
    killMaster: async (index) => {
      const master = (await masters())[index];
      const node = nodes.find((n) => n.address === master?.address);
      if (!master || !node) throw new Error(`no master number ${index} among this cluster's nodes`);
      lastKill = { address: master.address, slot: master.slots[0]?.[0] ?? 0, at: performance.now() };
      await node.process.kill();
      return node;
    },
    waitForFailover: async ({ timeoutMs = 30_000 } = {}) => {
      const kill = lastKill;
      if (!kill) throw new Error('waitForFailover() follows killMaster()');
      const newMaster = await waitFor(() => agreedOwner(nodes, kill.slot, kill.address), {
        what: `a replica of ${kill.address} promoted and cluster_state:ok on every running node`,
        timeoutMs,
      });
      return { newMaster, elapsedMs: Math.round(performance.now() - kill.at) };
    },
    restartNode: async (node, { timeoutMs = 30_000 } = {}) => {
      await node.start();
      await waitFor(() => hasRejoined(nodes, node), {
        what: `${node.address} to rejoin the cluster as a replica, in sync`,
        timeoutMs,
        intervalMs: 100,
      });
    },
    stop: async () => {
      await Promise.all(nodes.map((node) => node.stop()));
    },
  };
}

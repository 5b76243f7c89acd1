// Types of redis-topology.mjs (the Sentinel and Cluster topologies shared by tools/stack and libs/testing).

export declare const REDIS_DATA_NODE_CONFIG: readonly string[];
export declare const DEFAULT_SENTINEL_MASTER_NAME: 'spaceport';
export declare const SENTINEL_COUNT: 3;
export declare const SENTINEL_QUORUM: 2;
export declare function sentinelConfig(
  masterName: string,
  masterPort: number,
  options?: { downAfterMs?: number; failoverTimeoutMs?: number },
): string[];
export declare function clusterNodeConfig(options?: { nodeTimeoutMs?: number }): string[];
export declare function redisConfigText(port: number, dir: string, lines: readonly string[]): string;

export declare function waitUntil<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  options: { what: string; timeoutMs?: number; intervalMs?: number },
): Promise<T>;
export declare function redisCommand(port: number, command: string, ...args: (string | number)[]): Promise<unknown>;
export declare function redisInfo(port: number, section?: string): Promise<Map<string, string>>;
export declare function syncedMasterOf(port: number): Promise<string | undefined>;
export declare function onlineReplicaPorts(masterInfo: ReadonlyMap<string, string>): number[];

export declare function namedMaster(port: number, masterName: string): Promise<string>;
export declare function sentinelAgrees(port: number, masterName: string, master: string): Promise<boolean>;
export declare function waitForSentinels(
  sentinelPorts: readonly number[],
  masterName: string,
  options?: { timeoutMs?: number },
): Promise<string>;

export declare const CLUSTER_SLOTS: 16384;
export declare const CLUSTER_BUS_PORT_OFFSET: 10000;
export type SlotRange = readonly [first: number, last: number];
/** One line of CLUSTER NODES: how one node sees another (or itself). */
export interface ClusterNodeEntry {
  readonly id: string;
  /** host:port (the `@bus-port` and hostname cut off). */
  readonly address: string;
  /** `myself`, `master`, `slave`, `fail?`, `fail`, `handshake`, `noaddr`, `nofailover`, `noflags`. */
  readonly flags: readonly string[];
  /** The id of its master, for a replica. */
  readonly masterId: string | undefined;
  readonly slots: readonly SlotRange[];
}
/** How the node on `port` sees the cluster: its cluster_state and its CLUSTER NODES. */
export interface ClusterView {
  readonly port: number;
  readonly stateOk: boolean;
  readonly entries: readonly ClusterNodeEntry[];
}
export declare function parseClusterNodes(text: string): ClusterNodeEntry[];
export declare function slotRangesFor(masters: number): SlotRange[];
export declare function clusterView(port: number): Promise<ClusterView>;
export declare function ownerOf(view: ClusterView, slot: number): ClusterNodeEntry | undefined;
export declare function isHealthyView(view: ClusterView, addresses: readonly string[], masters: number): boolean;
export declare function knowsAll(view: ClusterView, count: number): boolean;
export declare function isClusterFormed(ports: readonly number[], masters: number): Promise<boolean>;
export declare function formCluster(
  ports: readonly number[],
  masters: number,
  options?: { timeoutMs?: number },
): Promise<void>;
export declare function waitForClusterFormed(
  ports: readonly number[],
  masters: number,
  options?: { timeoutMs?: number },
): Promise<void>;
export declare function freeClusterPorts(count: number, attempts?: number): Promise<number[]>;

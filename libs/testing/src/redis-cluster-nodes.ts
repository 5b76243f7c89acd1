import { redisCommand } from './redis-node';

/** Redis Cluster's hash slots: 0 … 16383. */
export const CLUSTER_SLOTS = 16_384;

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

/** Parses CLUSTER NODES (`<id> <ip:port@cport> <flags> <master> <ping> <pong> <epoch> <link> <slot>…`). */
export function parseClusterNodes(text: string): ClusterNodeEntry[] {
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

function slotRangeOf(text: string): SlotRange {
  const [first = '', last = first] = text.split('-');
  return [Number(first), Number(last)];
}

/** The slot ranges of `masters` masters as redis-cli --cluster create splits them: equal, contiguous. */
export function slotRangesFor(masters: number): SlotRange[] {
  return Array.from({ length: masters }, (_, i) => [
    Math.floor((i * CLUSTER_SLOTS) / masters),
    Math.floor(((i + 1) * CLUSTER_SLOTS) / masters) - 1,
  ]);
}

/** How the node on `port` sees the cluster: its cluster_state and its CLUSTER NODES. */
export interface ClusterView {
  readonly port: number;
  readonly stateOk: boolean;
  readonly entries: readonly ClusterNodeEntry[];
}

export async function clusterView(port: number): Promise<ClusterView> {
  const info = String(await redisCommand(port, 'CLUSTER', 'INFO'));
  const entries = parseClusterNodes(String(await redisCommand(port, 'CLUSTER', 'NODES')));
  return { port, stateOk: /^cluster_state:ok\r?$/m.test(info), entries };
}

const isFailed = (entry: ClusterNodeEntry): boolean => entry.flags.some((f) => f === 'fail' || f === 'fail?');
const isPending = (entry: ClusterNodeEntry): boolean => entry.flags.some((f) => f === 'handshake' || f === 'noaddr');

/** The entry of the master serving `slot` in this view. */
export function ownerOf(view: ClusterView, slot: number): ClusterNodeEntry | undefined {
  return view.entries.find((e) => e.flags.includes('master') && e.slots.some(([a, b]) => slot >= a && slot <= b));
}

/**
 * True when this view is of a healthy cluster with exactly `addresses` in it: state ok, every node known
 * (no handshake), none failed, `masters` masters serving slots and every other node a replica of one.
 */
export function isHealthyView(view: ClusterView, addresses: readonly string[], masters: number): boolean {
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
export function knowsAll(view: ClusterView, count: number): boolean {
  return view.entries.length === count && !view.entries.some(isPending);
}

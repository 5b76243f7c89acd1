import * as z from 'zod';
import { type AssignmentDocument } from './assignment-document';

export type MemberHealth = 'passing' | 'warning' | 'critical';

export interface ClusterMember {
  id: string;
  role: string | null;
  address: string;
  port: number;
  /** Consul node the instance is registered on */
  node: string;
  health: MemberHealth;
}

export interface ClusterLeader {
  /** node id written into the lock by the leader; null when nobody holds it */
  nodeId: string | null;
  /** Consul node of the holding session */
  consulNode: string | null;
  /** LockIndex of the leader key: the fencing token of the current (or last) term */
  lockIndex: number;
}

export interface PartitionStatus {
  partition: number;
  owner: string | null;
  epoch: number;
  /** previous owners that have not acked the handoff yet */
  pendingHandoffFrom: string[];
  /** jobs waiting in the partition, when the data plane reports it */
  backlog?: number;
}

export interface ClusterStatus {
  mode: 'distributed' | 'standalone';
  clusterId: string;
  members: ClusterMember[];
  leader: ClusterLeader | null;
  generation: number | null;
  leaderLockIndex: number | null;
  partitionCount: number | null;
  updatedAt: string | null;
  partitions: PartitionStatus[];
}

const healthEntrySchema = z.object({
  Node: z.object({ Node: z.string(), Address: z.string() }),
  Service: z.object({
    ID: z.string(),
    Tags: z.array(z.string()).nullish(),
    Address: z.string().nullish(),
    Port: z.number(),
  }),
  Checks: z.array(z.object({ Status: z.string() })).nullish(),
});

const SEVERITY: Record<MemberHealth, number> = { passing: 0, warning: 1, critical: 2 };

/** Pure: worst status of an instance's checks (an unknown status counts as critical). */
export function aggregateHealth(statuses: readonly string[]): MemberHealth {
  return statuses.reduce<MemberHealth>((worst, status) => {
    const current: MemberHealth = status === 'passing' || status === 'warning' ? status : 'critical';
    return SEVERITY[current] > SEVERITY[worst] ? current : worst;
  }, 'passing');
}

/**
 * Pure: `/v1/health/service/:name` (all instances, any health) → members of `clusterId`, sorted by id.
 * Only identity, role, address and health are kept: Meta and check output can carry anything.
 */
export function shapeMembers(body: unknown, clusterId: string): ClusterMember[] {
  const entries = z.array(healthEntrySchema).parse(body ?? []);
  return entries
    .filter(({ Service }) => (Service.Tags ?? []).includes(`cluster:${clusterId}`))
    .map(({ Node, Service, Checks }) => ({
      id: Service.ID,
      role: (Service.Tags ?? []).find((tag) => tag.startsWith('role:'))?.slice('role:'.length) ?? null,
      address: Service.Address || Node.Address,
      port: Service.Port,
      node: Node.Node,
      health: aggregateHealth((Checks ?? []).map((check) => check.Status)),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

export interface StatusInput {
  clusterId: string;
  members: ClusterMember[];
  leader: ClusterLeader | null;
  assignment: AssignmentDocument | undefined;
  /** per-partition backlog from the data plane, when it has one */
  backlog?: ReadonlyMap<number, number>;
}

/** Pure: the `GET /v1/cluster` body. */
export function shapeClusterStatus(input: StatusInput): ClusterStatus {
  const doc = input.assignment;
  const partitions: PartitionStatus[] = (doc?.owners ?? []).map((owner, partition) => {
    const backlog = input.backlog?.get(partition);
    return {
      partition,
      owner,
      epoch: doc?.epochs[partition] ?? 0,
      pendingHandoffFrom: (doc?.handoffs[String(partition)] ?? []).map((handoff) => handoff.from),
      ...(backlog !== undefined ? { backlog } : {}),
    };
  });
  return {
    mode: 'distributed',
    clusterId: input.clusterId,
    members: input.members,
    leader: input.leader,
    generation: doc?.generation ?? null,
    leaderLockIndex: doc?.leaderLockIndex ?? null,
    partitionCount: doc?.partitionCount ?? null,
    updatedAt: doc?.updatedAt ?? null,
    partitions,
  };
}

/** Pure: the body in standalone mode (no Consul: one worker owns every partition). */
export function standaloneStatus(clusterId: string): ClusterStatus {
  return {
    mode: 'standalone',
    clusterId,
    members: [],
    leader: null,
    generation: null,
    leaderLockIndex: null,
    partitionCount: null,
    updatedAt: null,
    partitions: [],
  };
}

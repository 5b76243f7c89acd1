import {
  type DataPlaneReading,
  type ExpectedConsumer,
  judgePartition,
  type PartitionConsumer,
  type PartitionReading,
  STANDALONE_EPOCH,
  type StuckReason,
} from '@spaceport/eventing-core';
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
  /** the fields below come from the data plane (absent when it could not be read in time) */
  /** jobs not yet being delivered: waiting, delayed, prioritized, paused */
  backlog?: number;
  /** age of the oldest due waiting job (delayed ones since their due time); null: none */
  oldestWaitingMs?: number | null;
  /** the worker whose live record says it consumes the partition, at which epoch; null: nobody */
  consumer?: PartitionConsumer | null;
  /** the consumer is the owner (standalone: any worker) at the owner's epoch */
  consuming?: boolean;
  /** due jobs wait and the partition is not consumed, or its consumer stalled (judgePartition) */
  stuck?: boolean;
  stuckReason?: StuckReason | null;
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
  /** the data plane's reading of the partitions, when it has one */
  readings?: DataPlaneReading;
}

/** Pure: the data plane's fields of one partition, judged against who should consume it. */
function progressOf(
  reading: PartitionReading | undefined,
  expected: ExpectedConsumer | null,
  stallAfterMs: number,
): Partial<PartitionStatus> {
  if (!reading) return {};
  const { backlog, oldestWaitingMs, consumer } = reading;
  const verdict = judgePartition({ expected, consumer, oldestWaitingMs, stallAfterMs });
  return {
    backlog,
    oldestWaitingMs,
    consumer,
    consuming: verdict.consuming,
    stuck: verdict.stuck !== null,
    stuckReason: verdict.stuck,
  };
}

/**
 * Pure: every partition of the assignment, and those the data plane reads beyond it (a raised count
 * the workers have not taken yet: nobody owns them), each with its data-plane fields when read.
 */
export function assignedPartitions(
  doc: AssignmentDocument | undefined,
  readings?: DataPlaneReading,
): PartitionStatus[] {
  const read = readings?.partitions;
  const count = Math.max(doc?.owners.length ?? 0, ...[...(read?.keys() ?? [])].map((partition) => partition + 1));
  return Array.from({ length: count }, (_, partition) => {
    const owner = doc?.owners[partition] ?? null;
    const epoch = doc?.epochs[partition] ?? 0;
    return {
      partition,
      owner,
      epoch,
      pendingHandoffFrom: (doc?.handoffs[String(partition)] ?? []).map((handoff) => handoff.from),
      ...progressOf(
        read?.get(partition),
        owner === null ? null : { worker: owner, epoch },
        readings?.stallAfterMs ?? 0,
      ),
    };
  });
}

/** Pure: standalone mode: every partition the data plane reads, the one worker's (any id) at epoch 1. */
export function standalonePartitions(readings: DataPlaneReading | undefined): PartitionStatus[] {
  if (!readings) return [];
  return [...readings.partitions]
    .sort(([a], [b]) => a - b)
    .map(([partition, reading]) => ({
      partition,
      owner: reading.consumer?.worker ?? null,
      epoch: STANDALONE_EPOCH,
      pendingHandoffFrom: [],
      ...progressOf(reading, { epoch: STANDALONE_EPOCH }, readings.stallAfterMs),
    }));
}

/** Pure: the `GET /v1/cluster` body. */
export function shapeClusterStatus(input: StatusInput): ClusterStatus {
  const doc = input.assignment;
  const partitions = assignedPartitions(doc, input.readings);
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
export function standaloneStatus(clusterId: string, readings?: DataPlaneReading): ClusterStatus {
  return {
    mode: 'standalone',
    clusterId,
    members: [],
    leader: null,
    generation: null,
    leaderLockIndex: null,
    partitionCount: null,
    updatedAt: null,
    partitions: standalonePartitions(readings),
  };
}

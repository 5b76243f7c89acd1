import { type DataPlaneReading, judgePartitions } from '@spaceport/eventing-core';
import { type AssignmentDocument, ownedPartitions } from './assignment-document';

/** What a worker's follower knows of its assignment (AssignmentFollower.view()). */
export interface AssignmentView {
  document: AssignmentDocument | undefined;
  /** healthy event-workers of the cluster, as last seen */
  healthyMembers: number;
  /** Consul lists this worker as a healthy member, recently enough */
  ownershipValid: boolean;
  /** partitions it consumes now */
  running: number;
}

export type AssignmentReadiness =
  | { ready: true; details: Record<string, unknown> }
  | { ready: false; message: string; details: Record<string, unknown> };

/**
 * Pure: is the worker ready as far as partitions go? Ready once it knows its assignment: it is a
 * healthy member and the assignment gives it partitions, or gives it none because there are more
 * workers than partitions. Partitions still in handoff count as assigned (ready while they start).
 * `view` undefined: the coordinator has not started (no config yet, or the registration is pending).
 */
export function assignmentReadiness(nodeId: string, view: AssignmentView | undefined): AssignmentReadiness {
  if (!view)
    return {
      ready: false,
      message: 'the cluster coordinator has not started yet',
      details: { mode: 'distributed', owned: 0 },
    };
  const generation = view.document?.generation;
  const assigned = view.document ? ownedPartitions(view.document, nodeId).size : 0;
  const details = {
    mode: 'distributed',
    owned: view.running,
    assigned,
    generation,
    healthyMembers: view.healthyMembers,
  };
  if (!view.ownershipValid)
    return { ready: false, message: 'Consul does not (recently) list this worker as a healthy member', details };
  if (!view.document) return { ready: false, message: 'no partition assignment has been written yet', details };
  if (assigned > 0 || view.healthyMembers > view.document.partitionCount) return { ready: true, details };
  return {
    ready: false,
    message: `not assigned a partition yet (assignment generation ${view.document.generation})`,
    details,
  };
}

/**
 * Pure: the partitions the assignment gives `nodeId` that the stuck rule flags in `reading` (due jobs
 * wait and this worker does not consume them at the assigned epoch, or its consumer stalled).
 */
export function stuckAssignedPartitions(
  nodeId: string,
  document: AssignmentDocument,
  reading: DataPlaneReading,
): number[] {
  const assigned = ownedPartitions(document, nodeId);
  const verdicts = judgePartitions(reading, (partition) => {
    const epoch = assigned.get(partition);
    return epoch === undefined ? null : { worker: nodeId, epoch };
  });
  return [...verdicts]
    .filter(([partition, verdict]) => assigned.has(partition) && verdict.stuck !== null)
    .map(([partition]) => partition)
    .sort((a, b) => a - b);
}

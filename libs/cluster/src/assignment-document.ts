import * as z from 'zod';
import { assignPartitions, type Owners } from './assignment';

/** A previous owner that may still run a partition until it acks `revokedAt` (or leaves). */
export interface Handoff {
  from: string;
  /** the generation that revoked the partition from `from` */
  revokedAt: number;
}

const handoffSchema = z.object({ from: z.string(), revokedAt: z.number().int().nonnegative() });

/** `spaceport/<cluster>/assignment`, written only by the leader, in a fenced transaction. */
export const assignmentDocumentSchema = z.object({
  generation: z.number().int().nonnegative(),
  leaderId: z.string(),
  /** LockIndex of `leader` when the writer led: the fencing token of the writing term */
  leaderLockIndex: z.number().int().nonnegative(),
  partitionCount: z.number().int().positive(),
  /** owners[partition] = node id, null when nobody owns it */
  owners: z.array(z.string().nullable()),
  /** epochs[partition] = generation at which its current owner got it */
  epochs: z.array(z.number().int().nonnegative()),
  /** partition → previous owners not yet known to have released it (absent = none) */
  handoffs: z.record(z.string(), z.array(handoffSchema)).default({}),
  updatedAt: z.string(),
});
export type AssignmentDocument = z.infer<typeof assignmentDocumentSchema>;

export interface AssignmentInput {
  previous: AssignmentDocument | undefined;
  /** healthy event-worker ids of this cluster */
  members: readonly string[];
  partitionCount: number;
  leaderId: string;
  leaderLockIndex: number;
  /** last acked generation per node (acks/<nodeId>) */
  acks: ReadonlyMap<string, number>;
  now: Date;
  /** the highest partition epoch in Redis (PartitionRunner.highestEpoch); default 0 */
  highestEpoch?: number;
}

export interface AssignmentPlan {
  document: AssignmentDocument;
  /** false: nothing worth writing (same owners, same term) */
  changed: boolean;
  moves: number;
}

export function ownersOf(document: AssignmentDocument | undefined): Owners {
  return document ? document.owners.map((owner) => owner ?? undefined) : [];
}

/** Pure: previous owners of `partition` that still matter after it moves `before → after` at `generation`. */
function nextHandoffs(
  prior: readonly Handoff[],
  before: string | undefined,
  after: string | undefined,
  generation: number,
  isReleased: (handoff: Handoff) => boolean,
): Handoff[] {
  const moved = before !== after && before !== undefined ? [{ from: before, revokedAt: generation }] : [];
  return [...prior, ...moved].filter((handoff) => handoff.from !== after && !isReleased(handoff));
}

/**
 * Pure: the next assignment document. Sticky and balanced (assignPartitions); the generation only
 * grows; a partition's epoch is the generation at which its owner got it; each moved partition
 * records its previous owner as a pending handoff. Handoffs already released (acked at or after
 * the revoking generation) or from nodes that left the healthy set are pruned.
 */
export function planAssignment(input: AssignmentInput): AssignmentPlan {
  const { previous, members, partitionCount, acks } = input;
  const before = ownersOf(previous);
  const after = assignPartitions(before, members, partitionCount);
  // Epochs never go backwards. The next generation is above the highest epoch in Redis too: after the
  // assignment was lost or rolled back (a Consul KV reset, an older snapshot restored) it must not start
  // below the epochs the partitions carry, or every bump is stale; and then no kept epoch is valid either.
  const highestEpoch = input.highestEpoch ?? 0;
  const behindRedis = previous !== undefined && highestEpoch > previous.generation;
  const generation = Math.max(previous?.generation ?? 0, highestEpoch) + 1;
  const memberSet = new Set(members);
  const isReleased = (handoff: Handoff): boolean =>
    !memberSet.has(handoff.from) || (acks.get(handoff.from) ?? -1) >= handoff.revokedAt;
  const epochs: number[] = [];
  const handoffs: Record<string, Handoff[]> = {};
  let moves = 0;
  for (let partition = 0; partition < partitionCount; partition += 1) {
    const moved = before[partition] !== after[partition];
    if (moved) moves += 1;
    const keptEpoch = previous?.epochs[partition];
    epochs.push(!moved && !behindRedis && keptEpoch !== undefined ? keptEpoch : generation);
    const pending = nextHandoffs(
      previous?.handoffs[String(partition)] ?? [],
      before[partition],
      after[partition],
      generation,
      isReleased,
    );
    if (pending.length > 0) handoffs[String(partition)] = pending;
  }
  const changed =
    previous === undefined ||
    behindRedis ||
    moves > 0 ||
    previous.partitionCount !== partitionCount ||
    previous.leaderLockIndex !== input.leaderLockIndex;
  const document: AssignmentDocument = {
    generation,
    leaderId: input.leaderId,
    leaderLockIndex: input.leaderLockIndex,
    partitionCount,
    owners: after.map((owner) => owner ?? null),
    epochs,
    handoffs,
    updatedAt: input.now.toISOString(),
  };
  return { document, changed, moves };
}

/** Pure: partitions a node owns in a document, with their epochs. */
export function ownedPartitions(document: AssignmentDocument, nodeId: string): Map<number, number> {
  const owned = new Map<number, number>();
  document.owners.forEach((owner, partition) => {
    if (owner === nodeId) owned.set(partition, document.epochs[partition] ?? document.generation);
  });
  return owned;
}

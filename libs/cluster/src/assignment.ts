import { assertPartitionCount } from '@spaceport/eventing-core';

/**
 * Sticky, balanced partition assignment (docs/architecture.md#partition-assignment-and-handoff).
 *
 * With n members and P partitions every member gets a quota of q = floor(P/n) or q + 1, exactly
 * r = P mod n members getting q + 1. The extra slots go to the members that already hold the most
 * partitions (ties: smaller id), each member keeps its lowest-numbered partitions up to its quota,
 * and the partitions left over (released, orphaned by a departed member, or never owned) are dealt
 * in ascending order to the members below quota, in id order. That keeps the largest possible number
 * of partitions in place, so the moves equal {@link minimumMoves}.
 */

/** owners[partition] = node id of the owner, or undefined when the partition is unowned. */
export type Owners = ReadonlyArray<string | undefined>;

/** What one node gains and loses between two assignments; partitions in ascending order. */
export interface NodeAssignmentChange {
  readonly gained: number[];
  readonly revoked: number[];
}

/** Members sorted by UTF-16 code unit order with duplicates removed (locale-independent). */
function canonicalMembers(members: readonly string[]): string[] {
  return [...new Set(members)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Partitions in [0, P) that each member held in `previous`, ascending. */
function heldPartitions(previous: Owners, members: readonly string[], partitionCount: number): Map<string, number[]> {
  const held = new Map<string, number[]>(members.map((member) => [member, []]));
  for (let partition = 0; partition < partitionCount; partition += 1) {
    const owner = previous[partition];
    if (owner !== undefined) held.get(owner)?.push(partition);
  }
  return held;
}

/** Quota per member: q + 1 for the r members holding the most (ties: smaller id), q for the rest. */
function quotas(held: Map<string, number[]>, members: readonly string[], partitionCount: number): Map<string, number> {
  const base = Math.floor(partitionCount / members.length);
  const extra = partitionCount % members.length;
  const heldCount = (member: string): number => held.get(member)?.length ?? 0;
  const ranked = [...members].sort((a, b) => heldCount(b) - heldCount(a) || (a < b ? -1 : a > b ? 1 : 0));
  return new Map(ranked.map((member, rank) => [member, rank < extra ? base + 1 : base]));
}

/** The largest number of partitions that can stay with their previous owner in a balanced assignment. */
function maximumKept(previous: Owners, members: readonly string[], partitionCount: number): number {
  const unique = canonicalMembers(members);
  if (unique.length === 0) return 0;
  const held = heldPartitions(previous, unique, partitionCount);
  const limits = quotas(held, unique, partitionCount);
  return unique.reduce((kept, member) => kept + Math.min(held.get(member)!.length, limits.get(member)!), 0);
}

/**
 * The fewest partitions whose owner must change (owned → other owner, owned → unowned, or
 * unowned → owned) to reach any balanced assignment of `members` from `previous`.
 */
export function minimumMoves(previous: Owners, members: readonly string[], partitionCount: number): number {
  assertPartitionCount(partitionCount);
  const unique = canonicalMembers(members);
  if (unique.length === 0) {
    return Array.from({ length: partitionCount }, (_, p) => previous[p]).filter((owner) => owner !== undefined).length;
  }
  return partitionCount - maximumKept(previous, unique, partitionCount);
}

/** Number of partitions in [0, P) whose owner differs between two assignments. */
export function countMoves(previous: Owners, next: Owners, partitionCount: number): number {
  let moves = 0;
  for (let partition = 0; partition < partitionCount; partition += 1) {
    if (previous[partition] !== next[partition]) moves += 1;
  }
  return moves;
}

/**
 * The new owners of P partitions for the healthy `members`, sticky to `previous` (entries beyond P are
 * ignored, missing ones are unowned). Deterministic: member order and duplicates do not matter.
 */
export function assignPartitions(
  previous: Owners,
  members: readonly string[],
  partitionCount: number,
): Array<string | undefined> {
  assertPartitionCount(partitionCount);
  const unique = canonicalMembers(members);
  const next = new Array<string | undefined>(partitionCount).fill(undefined);
  if (unique.length === 0) return next;
  const held = heldPartitions(previous, unique, partitionCount);
  const limits = quotas(held, unique, partitionCount);
  for (const member of unique) {
    for (const partition of held.get(member)!.slice(0, limits.get(member)!)) next[partition] = member;
  }
  const free = next.flatMap((owner, partition) => (owner === undefined ? [partition] : []));
  for (const member of unique) {
    const missing = limits.get(member)! - Math.min(held.get(member)!.length, limits.get(member)!);
    for (const partition of free.splice(0, missing)) next[partition] = member;
  }
  return next;
}

/**
 * Per node named in either assignment (map in sorted id order, unchanged nodes with empty lists),
 * the partitions it gains and the partitions revoked from it.
 */
export function diffAssignment(previous: Owners, next: Owners): Map<string, NodeAssignmentChange> {
  const partitionCount = Math.max(previous.length, next.length);
  const nodes = canonicalMembers([...previous, ...next].filter((owner): owner is string => owner !== undefined));
  const changes = new Map<string, NodeAssignmentChange>(nodes.map((node) => [node, { gained: [], revoked: [] }]));
  for (let partition = 0; partition < partitionCount; partition += 1) {
    const before = previous[partition];
    const after = next[partition];
    if (before === after) continue;
    if (before !== undefined) changes.get(before)!.revoked.push(partition);
    if (after !== undefined) changes.get(after)!.gained.push(partition);
  }
  return changes;
}

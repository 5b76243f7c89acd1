import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignPartitions, countMoves, diffAssignment, minimumMoves, type Owners } from './assignment';

/** Partitions held per member (members with none included). */
function countsOf(owners: Owners, members: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>(members.map((member) => [member, 0]));
  for (const owner of owners) if (owner !== undefined) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  return counts;
}

/** Checks the invariants every assignment must satisfy, whatever the previous one was. */
function expectValidAssignment(
  previous: Owners,
  members: readonly string[],
  partitionCount: number,
): Array<string | undefined> {
  const next = assignPartitions(previous, members, partitionCount);
  expect(next).toHaveLength(partitionCount);
  const memberSet = new Set(members);
  if (memberSet.size === 0) {
    expect(next.every((owner) => owner === undefined)).toBe(true);
  } else {
    expect(next.every((owner) => owner !== undefined && memberSet.has(owner))).toBe(true);
    const counts = [...countsOf(next, [...memberSet]).values()];
    expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
  }
  // sticky: each member keeps min(held before, held after) of its old partitions
  for (const member of memberSet) {
    const heldBefore = previous.slice(0, partitionCount).filter((owner) => owner === member).length;
    const heldAfter = next.filter((owner) => owner === member).length;
    const kept = next.filter((owner, partition) => owner === member && previous[partition] === member).length;
    expect(kept).toBe(Math.min(heldBefore, heldAfter));
  }
  expect(countMoves(previous, next, partitionCount)).toBe(minimumMoves(previous, members, partitionCount));
  return next;
}

/** Every way to give P partitions to `members` with counts differing by at most 1. */
function allBalancedAssignments(members: readonly string[], partitionCount: number): string[][] {
  const results: string[][] = [];
  const extend = (prefix: string[]): void => {
    if (prefix.length === partitionCount) {
      const counts = [...countsOf(prefix, members).values()];
      if (Math.max(...counts) - Math.min(...counts) <= 1) results.push(prefix);
      return;
    }
    for (const member of members) extend([...prefix, member]);
  };
  extend([]);
  return results;
}

const memberName = fc.constantFrom(
  'a',
  'b',
  'c',
  'd',
  'e',
  'f',
  'g',
  'h',
  'i',
  'j',
  'k',
  'l',
  'm',
  'zz',
  'Ä',
  '10',
  '9',
);
const membersArb = fc.uniqueArray(memberName, { maxLength: 12 });
/** A previous assignment of P partitions to members, strangers or nobody. */
const previousArb = (partitionCount: number): fc.Arbitrary<Array<string | undefined>> =>
  fc.array(fc.option(memberName, { nil: undefined }), { minLength: partitionCount, maxLength: partitionCount });

describe('assignPartitions properties', () => {
  it('is balanced, complete, sticky and moves exactly minimumMoves from any previous assignment', () => {
    const scenario = fc.integer({ min: 1, max: 64 }).chain((p) => fc.tuple(fc.constant(p), previousArb(p), membersArb));
    fc.assert(
      fc.property(scenario, ([partitionCount, previous, members]) => {
        expectValidAssignment(previous, members, partitionCount);
      }),
      { numRuns: 1000 },
    );
  });

  it('minimumMoves equals a brute-force minimum over all balanced assignments (small P)', () => {
    const scenario = fc
      .integer({ min: 1, max: 6 })
      .chain((p) =>
        fc.tuple(
          fc.constant(p),
          previousArb(p),
          fc.uniqueArray(fc.constantFrom('a', 'b', 'c', 'd', 'x'), { minLength: 1, maxLength: 4 }),
        ),
      );
    fc.assert(
      fc.property(scenario, ([partitionCount, previous, members]) => {
        const best = Math.min(
          ...allBalancedAssignments(members, partitionCount).map((c) => countMoves(previous, c, partitionCount)),
        );
        expect(minimumMoves(previous, members, partitionCount)).toBe(best);
      }),
      { numRuns: 300 },
    );
  });

  it('does not depend on member order or duplicates', () => {
    const scenario = fc.integer({ min: 1, max: 64 }).chain((p) => fc.tuple(fc.constant(p), previousArb(p), membersArb));
    fc.assert(
      fc.property(scenario, fc.nat(), ([partitionCount, previous, members], seed) => {
        const shuffled = fc.sample(fc.shuffledSubarray(members, { minLength: members.length }), {
          seed,
          numRuns: 1,
        })[0]!;
        const withDuplicates = [...shuffled, ...members.slice(0, 2)];
        expect(assignPartitions(previous, withDuplicates, partitionCount)).toEqual(
          assignPartitions(previous, members, partitionCount),
        );
      }),
      { numRuns: 500 },
    );
  });
});

type MembershipChange = { kind: 'join'; pick: number } | { kind: 'leave'; pick: number };

const changeArb: fc.Arbitrary<MembershipChange> = fc.oneof(
  fc.record({ kind: fc.constant('join' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('leave' as const), pick: fc.nat() }),
);

/** Applies one join (of a non-member from the pool, re-joins included) or leave, within 0..12 members. */
function applyChange(
  members: string[],
  pool: readonly string[],
  change: MembershipChange,
): { members: string[]; node: string } {
  const outsiders = pool.filter((name) => !members.includes(name));
  const join = change.kind === 'join' ? members.length < 12 : members.length === 0;
  if (join) {
    const node = outsiders[change.pick % outsiders.length]!;
    return { members: [...members, node], node };
  }
  const node = members[change.pick % members.length]!;
  return { members: members.filter((member) => member !== node), node };
}

describe('assignPartitions over membership histories', () => {
  it('moves only the joiner’s share on a join and only the leaver’s partitions on a leave', () => {
    const pool = fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 13, maxLength: 16 });
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 64 }),
        pool,
        fc.array(changeArb, { minLength: 1, maxLength: 30 }),
        (partitionCount, names, history) => {
          let members: string[] = [];
          let owners: Array<string | undefined> = new Array<string | undefined>(partitionCount).fill(undefined);
          for (const change of history) {
            const step = applyChange(members, names, change);
            const next = expectValidAssignment(owners, step.members, partitionCount);
            const joined = step.members.length > members.length;
            const diff = diffAssignment(owners, next);
            const moved = countMoves(owners, next, partitionCount);
            if (joined) {
              expect(diff.get(step.node)?.gained.length ?? 0).toBe(moved);
            } else {
              expect(diff.get(step.node)?.revoked.length ?? 0).toBe(moved);
              expect(moved).toBe(owners.filter((owner) => owner === step.node).length);
            }
            members = step.members;
            owners = next;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

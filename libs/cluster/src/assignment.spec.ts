import { describe, expect, it } from 'vitest';
import { assignPartitions, countMoves, diffAssignment, minimumMoves, type Owners } from './assignment';

/** Partition count per owner, unowned partitions left out. */
function countsByOwner(owners: Owners): Map<string, number> {
  const counts = new Map<string, number>();
  for (const owner of owners) if (owner !== undefined) counts.set(owner, (counts.get(owner) ?? 0) + 1);
  return counts;
}

describe('assignPartitions (examples worked by hand)', () => {
  it('splits 8 partitions over 3 fresh members as 3/3/2, first members in id order taking the extras', () => {
    const next = assignPartitions([], ['c', 'a', 'b'], 8);
    expect(next).toEqual(['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c']);
  });

  it('on a join moves only what the joiner needs (4 → 3 members of 12 partitions: 3 moves)', () => {
    const previous = ['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'c', 'c', 'c', 'c'];
    const next = assignPartitions(previous, ['a', 'b', 'c', 'd'], 12);
    // each of a, b, c keeps its 3 lowest partitions and releases its highest one to d
    expect(next).toEqual(['a', 'a', 'a', 'd', 'b', 'b', 'b', 'd', 'c', 'c', 'c', 'd']);
    expect(countMoves(previous, next, 12)).toBe(3);
  });

  it('on a leave hands out only the leaver’s partitions', () => {
    const previous = ['a', 'a', 'a', 'd', 'b', 'b', 'b', 'd', 'c', 'c', 'c', 'd'];
    const next = assignPartitions(previous, ['a', 'b', 'c'], 12);
    expect(next).toEqual(['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'c', 'c', 'c', 'c']);
  });

  it('gives the extra slot to the member that already holds more (5 over 2, holder of 3 keeps 3)', () => {
    const previous = ['b', 'b', 'b', 'a', 'a'];
    expect(assignPartitions(previous, ['a', 'b'], 5)).toEqual(previous);
  });

  it('leaves every partition unowned without members', () => {
    expect(assignPartitions(['a', 'b', 'a'], [], 3)).toEqual([undefined, undefined, undefined]);
  });

  it('assigns previously unowned and stranger-owned partitions, and ignores entries beyond P', () => {
    const next = assignPartitions([undefined, 'ghost', 'a', 'a', 'ghost'], ['a', 'b'], 4);
    expect(countsByOwner(next)).toEqual(
      new Map([
        ['a', 2],
        ['b', 2],
      ]),
    );
    expect(next[2]).toBe('a');
    expect(next[3]).toBe('a');
  });

  it('ignores duplicate member ids', () => {
    expect(assignPartitions([], ['a', 'a', 'b'], 4)).toEqual(assignPartitions([], ['b', 'a'], 4));
  });

  it('rejects an invalid partition count', () => {
    expect(() => assignPartitions([], ['a'], 0)).toThrow(RangeError);
  });
});

describe('minimumMoves (examples worked by hand)', () => {
  it('is P for a first member and 0 when nothing changes', () => {
    expect(minimumMoves([], ['a'], 6)).toBe(6);
    expect(minimumMoves(['a', 'b', 'a', 'b'], ['b', 'a'], 4)).toBe(0);
  });

  it('is the joiner’s share on a join and the leaver’s partitions on a leave', () => {
    const three = ['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'c'];
    expect(minimumMoves(three, ['a', 'b', 'c', 'd'], 9)).toBe(2); // d gets floor(9/4) = 2
    expect(minimumMoves(three, ['a', 'b'], 9)).toBe(3);
  });

  it('counts rebalancing an unbalanced previous assignment', () => {
    // a holds 5 of 6, b none: balance is 3/3, so 2 of a's partitions and the unowned one move
    expect(minimumMoves(['a', 'a', 'a', 'a', 'a', undefined], ['a', 'b'], 6)).toBe(3);
  });

  it('counts owned partitions becoming unowned when everyone left', () => {
    expect(minimumMoves(['a', undefined, 'b'], [], 3)).toBe(2);
  });
});

describe('diffAssignment', () => {
  it('lists gains and revocations per node, including unchanged nodes', () => {
    const diff = diffAssignment(['a', 'a', 'b', undefined, 'c'], ['a', 'b', 'b', 'c', undefined]);
    expect([...diff.keys()]).toEqual(['a', 'b', 'c']);
    expect(diff.get('a')).toEqual({ gained: [], revoked: [1] });
    expect(diff.get('b')).toEqual({ gained: [1], revoked: [] });
    expect(diff.get('c')).toEqual({ gained: [3], revoked: [4] });
  });

  it('is empty between two empty assignments', () => {
    expect(diffAssignment([], []).size).toBe(0);
  });
});

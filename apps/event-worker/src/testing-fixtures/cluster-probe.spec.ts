import { describe, expect, it } from 'vitest';
import { type ClusterView, isBalancedOver } from './cluster-probe';

/** A view of `owners.length` partitions, partition i owned by owners[i]. */
const viewOf = (owners: ReadonlyArray<string | null>): ClusterView => ({
  leader: { nodeId: 'a' },
  generation: 1,
  partitions: owners.map((owner, partition) => ({ partition, owner })),
});

describe('isBalancedOver', () => {
  it('holds when every partition is owned by a live worker and the counts differ by at most one', () => {
    expect(isBalancedOver(viewOf(['a', 'b', 'a', 'b', 'a']), ['a', 'b'])).toBe(true);
    expect(isBalancedOver(viewOf(['a', 'a', 'a', 'b']), ['a', 'b'])).toBe(false);
    expect(isBalancedOver(viewOf(['a', 'b', 'c']), ['a', 'b'])).toBe(false);
    expect(isBalancedOver(viewOf(['a', 'a']), ['a', 'b'])).toBe(false);
    expect(isBalancedOver(viewOf([]), ['a'])).toBe(false);
  });

  it('fails on an unowned partition: a count raised after the workers started', () => {
    // What the gateway lists after P went 4 → 6 under running workers: 4 and 5 owned by nobody.
    expect(isBalancedOver(viewOf(['a', 'b', 'a', 'b', null, null]), ['a', 'b'])).toBe(false);
  });

  it('with a partition count, holds only when exactly that many partitions are listed', () => {
    const four = viewOf(['a', 'b', 'a', 'b']);
    expect(isBalancedOver(four, ['a', 'b'], 4)).toBe(true);
    // A balanced view of the old count does not pass for the count the caller asked for.
    expect(isBalancedOver(four, ['a', 'b'], 6)).toBe(false);
  });
});

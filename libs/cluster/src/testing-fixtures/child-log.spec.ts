import { describe, expect, it } from 'vitest';
import { type ChildLine, type ChildView, settledOn } from './child-log';

function child(nodeId: string, partitions: number[], running = true): ChildView {
  const lines: ChildLine[] = partitions.map((partition, i) => ({ event: 'start', at: i, nodeId, partition }));
  return { nodeId, running, lines: () => lines };
}

describe('settledOn', () => {
  it('is true when every partition runs once and the live children are balanced', () => {
    expect(settledOn([child('a', [0, 1, 2]), child('b', [3, 4, 5]), child('c', [6, 7])], 8)).toBe(true);
  });

  it('is false while a live child runs nothing, even if every partition runs exactly once', () => {
    // The CI race: k4 registered late, k1..k3 held all 12; the test picked k4 as its victim.
    expect(
      settledOn(
        [child('k1', [0, 1, 2, 3]), child('k2', [4, 5, 6, 7]), child('k3', [8, 9, 10, 11]), child('k4', [])],
        12,
      ),
    ).toBe(false);
  });

  it('is false when a partition runs twice or not at all', () => {
    expect(settledOn([child('a', [0, 1]), child('b', [1, 2])], 4)).toBe(false);
    expect(settledOn([child('a', [0]), child('b', [1])], 3)).toBe(false);
  });

  it('ignores dead children', () => {
    expect(settledOn([child('a', [0, 1]), child('b', [2, 3]), child('dead', [0, 1, 2, 3], false)], 4)).toBe(true);
  });

  it('counts a partition as stopped after its stop-end line', () => {
    const moved: ChildView = {
      nodeId: 'a',
      running: true,
      lines: () => [
        { event: 'start', at: 1, nodeId: 'a', partition: 0 },
        { event: 'start', at: 2, nodeId: 'a', partition: 1 },
        { event: 'stop-end', at: 3, nodeId: 'a', partition: 1 },
      ],
    };
    expect(settledOn([moved, child('b', [1])], 2)).toBe(true);
  });
});

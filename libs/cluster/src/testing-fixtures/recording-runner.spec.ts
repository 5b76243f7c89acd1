import { describe, expect, it } from 'vitest';
import { exclusivityViolations, type RunnerRecord } from './recording-runner';

const r = (seq: number, node: string, kind: RunnerRecord['kind'], partition = 0): RunnerRecord => ({
  seq,
  at: seq,
  node,
  partition,
  kind,
});

describe('exclusivityViolations (the invariant checker of the integration tests)', () => {
  it('accepts a start after the previous owner finished stopping', () => {
    expect(
      exclusivityViolations([r(0, 'a', 'start'), r(1, 'a', 'stop-begin'), r(2, 'a', 'stop-end'), r(3, 'b', 'start')]),
    ).toEqual([]);
  });

  it('flags a start while the previous owner is still stopping', () => {
    expect(
      exclusivityViolations([r(0, 'a', 'start'), r(1, 'a', 'stop-begin'), r(2, 'b', 'start'), r(3, 'a', 'stop-end')]),
    ).toHaveLength(1);
  });

  it('excuses killed nodes and keeps partitions apart', () => {
    expect(exclusivityViolations([r(0, 'a', 'start'), r(1, 'b', 'start')], new Set(['a']))).toEqual([]);
    expect(exclusivityViolations([r(0, 'a', 'start', 0), r(1, 'b', 'start', 1)])).toEqual([]);
  });
});

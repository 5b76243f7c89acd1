import { describe, expect, it } from 'vitest';
import { partitionQueueState } from './queue-state';

describe('partitionQueueState', () => {
  it('sums the main and ordered queues per state, names BullMQ\'s wait list "waiting", keeps the oldest wait', () => {
    const now = 10_000;
    expect(
      partitionQueueState(
        [
          [2, 0, 1, 0, 0, 4, 7_000],
          [3, 1, 0, 0, 5, 0, 9_500],
        ],
        now,
      ),
    ).toEqual({
      depth: { waiting: 5, active: 1, delayed: 0, prioritized: 5, paused: 1, failed: 4 },
      backlog: 11,
      oldestWaitingMs: 3_000,
    });
  });

  it('no due waiting job: null, whatever is delayed for later or active', () => {
    expect(partitionQueueState([[0, 0, 3, 2, 0, 0, -1]], 5)).toMatchObject({ backlog: 2, oldestWaitingMs: null });
    expect(partitionQueueState([], 5)).toEqual({
      depth: { waiting: 0, active: 0, delayed: 0, prioritized: 0, paused: 0, failed: 0 },
      backlog: 0,
      oldestWaitingMs: null,
    });
  });

  it("a job stamped after the reader's now (clock skew) counts as just arrived", () => {
    expect(partitionQueueState([[1, 0, 0, 0, 0, 0, 12_000]], 10_000).oldestWaitingMs).toBe(0);
  });
});

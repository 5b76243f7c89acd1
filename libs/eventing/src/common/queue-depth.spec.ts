import { describe, expect, it } from 'vitest';
import { depthByState } from './queue-depth';

describe('depthByState', () => {
  it('sums the main and ordered queues per state and names BullMQ\'s wait list "waiting"', () => {
    expect(
      depthByState([
        { wait: 2, active: 1, delayed: 0, failed: 4 },
        { wait: 3, paused: 1, prioritized: 5 },
      ]),
    ).toEqual({ waiting: 5, active: 1, delayed: 0, prioritized: 5, paused: 1, failed: 4 });
    expect(depthByState([])).toEqual({ waiting: 0, active: 0, delayed: 0, prioritized: 0, paused: 0, failed: 0 });
  });
});

import { describe, expect, it } from 'vitest';
import {
  type DataPlaneReading,
  isConsumedAsExpected,
  judgePartition,
  judgePartitions,
  type PartitionConsumer,
  type PartitionReading,
} from './partition-progress';

const consumer = (worker: string, epoch: number, idleMs = 0): PartitionConsumer => ({
  worker,
  epoch,
  updatedAt: '2026-01-01T00:00:00.000Z',
  idleMs,
});
const STALL = 30_000;
const judge = (
  expected: { worker?: string; epoch: number } | null,
  live: PartitionConsumer | null,
  oldestWaitingMs: number | null,
) => judgePartition({ expected, consumer: live, oldestWaitingMs, stallAfterMs: STALL });

describe('isConsumedAsExpected', () => {
  it('needs a live record at the expected epoch, from the expected worker when one is named', () => {
    expect(isConsumedAsExpected({ worker: 'w1', epoch: 3 }, consumer('w1', 3))).toBe(true);
    expect(isConsumedAsExpected({ worker: 'w1', epoch: 3 }, consumer('w1', 2))).toBe(false);
    expect(isConsumedAsExpected({ worker: 'w1', epoch: 3 }, consumer('w2', 3))).toBe(false);
    expect(isConsumedAsExpected({ epoch: 1 }, consumer('any', 1))).toBe(true);
    expect(isConsumedAsExpected({ epoch: 1 }, null)).toBe(false);
    expect(isConsumedAsExpected(null, consumer('w1', 3))).toBe(false);
  });
});

describe('judgePartition (the stuck rule)', () => {
  it('nothing due: never stuck, whoever consumes', () => {
    expect(judge({ worker: 'w1', epoch: 3 }, null, null)).toEqual({ consuming: false, stuck: null });
    expect(judge(null, null, null)).toEqual({ consuming: false, stuck: null });
    expect(judge({ worker: 'w1', epoch: 3 }, consumer('w1', 3, 3_600_000), null)).toEqual({
      consuming: true,
      stuck: null,
    });
  });

  it('a due job and nobody consuming at the expected epoch: stuck at once', () => {
    expect(judge({ worker: 'w1', epoch: 3 }, null, 0)).toEqual({ consuming: false, stuck: 'not-consumed' });
    // unowned partition (no worker, or a partition beyond the assignment)
    expect(judge(null, consumer('w1', 3), 10)).toEqual({ consuming: false, stuck: 'not-consumed' });
    // the previous owner still runs it during a handoff: not the assigned epoch
    expect(judge({ worker: 'w2', epoch: 4 }, consumer('w1', 3), 10)).toEqual({
      consuming: false,
      stuck: 'not-consumed',
    });
  });

  it('a running consumer is stalled only when the oldest due job and its idle time both reach the bound', () => {
    const expected = { worker: 'w1', epoch: 3 };
    expect(judge(expected, consumer('w1', 3, STALL), STALL)).toEqual({ consuming: true, stuck: 'stalled' });
    // busy through a deep backlog: the head of queue is old, but jobs keep being taken
    expect(judge(expected, consumer('w1', 3, 5), 10 * STALL)).toEqual({ consuming: true, stuck: null });
    // idle, and the job only just came due
    expect(judge(expected, consumer('w1', 3, 10 * STALL), STALL - 1)).toEqual({ consuming: true, stuck: null });
  });
});

describe('judgePartitions', () => {
  it('judges each read partition against its expected consumer', () => {
    const read = (oldestWaitingMs: number | null, live: PartitionConsumer | null): PartitionReading => ({
      depth: { waiting: 1, active: 0, delayed: 0, prioritized: 0, paused: 0, failed: 0 },
      backlog: 1,
      oldestWaitingMs,
      consumer: live,
    });
    const reading: DataPlaneReading = {
      stallAfterMs: STALL,
      partitions: new Map([
        [0, read(5, consumer('w1', 7))],
        [1, read(5, null)],
      ]),
    };
    const verdicts = judgePartitions(reading, (partition) => (partition === 0 ? { worker: 'w1', epoch: 7 } : null));
    expect([...verdicts]).toEqual([
      [0, { consuming: true, stuck: null }],
      [1, { consuming: false, stuck: 'not-consumed' }],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import { type PartitionStatus } from '../cluster-status';
import { backlogDetails } from './partition-observability';

const status = (over: Partial<PartitionStatus> & { partition: number }): PartitionStatus => ({
  owner: 'w1',
  epoch: 3,
  pendingHandoffFrom: [],
  backlog: 0,
  oldestWaitingMs: null,
  consumer: { worker: 'w1', epoch: 3, updatedAt: 't', idleMs: 10 },
  consuming: true,
  stuck: false,
  stuckReason: null,
  ...over,
});

describe('backlogDetails (the gateway readiness check)', () => {
  it('counts consumed partitions, lists those not consumed and the stuck ones with their reason', () => {
    const details = backlogDetails([
      status({ partition: 0, backlog: 2, oldestWaitingMs: 5 }),
      status({ partition: 1, owner: null, consumer: null, consuming: false }),
      status({
        partition: 2,
        backlog: 7,
        oldestWaitingMs: 4_000,
        consumer: null,
        consuming: false,
        stuck: true,
        stuckReason: 'not-consumed',
      }),
    ]);
    expect(details).toEqual({
      partitions: 3,
      consumed: 1,
      notConsumed: [1, 2],
      oldestWaitingMs: 4_000,
      stuck: [
        {
          partition: 2,
          reason: 'not-consumed',
          owner: 'w1',
          epoch: 3,
          consumer: null,
          backlog: 7,
          oldestWaitingMs: 4_000,
        },
      ],
    });
  });

  it('nothing read, nothing waiting', () => {
    expect(backlogDetails([])).toEqual({
      partitions: 0,
      consumed: 0,
      notConsumed: [],
      oldestWaitingMs: null,
      stuck: [],
    });
  });
});

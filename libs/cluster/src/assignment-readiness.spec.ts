import { type PartitionReading } from '@spaceport/eventing-core';
import { describe, expect, it } from 'vitest';
import { type AssignmentDocument } from './assignment-document';
import { assignmentReadiness, type AssignmentView, stuckAssignedPartitions } from './assignment-readiness';

function doc(owners: (string | null)[], generation = 4): AssignmentDocument {
  return {
    generation,
    leaderId: 'w-1',
    leaderLockIndex: 1,
    partitionCount: owners.length,
    owners,
    epochs: owners.map(() => generation),
    handoffs: {},
    updatedAt: '2025-01-01T00:00:00.000Z',
  };
}

const view = (over: Partial<AssignmentView>): AssignmentView => ({
  document: doc(['w-1', 'w-2']),
  healthyMembers: 2,
  ownershipValid: true,
  running: 1,
  ...over,
});

describe('assignmentReadiness', () => {
  it('is not ready before the coordinator starts, without proof of membership, or without an assignment', () => {
    expect(assignmentReadiness('w-1', undefined)).toMatchObject({
      ready: false,
      message: expect.stringContaining('not started'),
    });
    expect(assignmentReadiness('w-1', view({ ownershipValid: false }))).toMatchObject({
      ready: false,
      message: expect.stringContaining('healthy member'),
    });
    expect(assignmentReadiness('w-1', view({ document: undefined }))).toMatchObject({
      ready: false,
      message: expect.stringContaining('no partition assignment'),
    });
  });

  it('is ready once assigned partitions, also while they are still handed off', () => {
    expect(assignmentReadiness('w-1', view({ running: 0 }))).toEqual({
      ready: true,
      details: { mode: 'distributed', owned: 0, assigned: 1, generation: 4, healthyMembers: 2 },
    });
  });

  it('with zero partitions: ready when workers outnumber partitions, not while a rebalance is due', () => {
    expect(assignmentReadiness('w-3', view({ healthyMembers: 3, running: 0 }))).toMatchObject({
      ready: true,
      details: { assigned: 0 },
    });
    expect(assignmentReadiness('w-3', view({ healthyMembers: 2, running: 0 }))).toMatchObject({
      ready: false,
      message: expect.stringContaining('generation 4'),
    });
  });
});

describe('stuckAssignedPartitions', () => {
  const reading = (oldestWaitingMs: number | null, worker: string | null, epoch = 4): PartitionReading => ({
    depth: { waiting: 1, active: 0, delayed: 0, prioritized: 0, paused: 0, failed: 0 },
    backlog: 1,
    oldestWaitingMs,
    consumer: worker === null ? null : { worker, epoch, updatedAt: 't', idleMs: 0 },
  });

  it("lists only this worker's assigned partitions that the stuck rule flags", () => {
    const partitions = new Map([
      [0, reading(10, 'w-1')], // consumed: fine
      [1, reading(10, null)], // someone else's, stuck: not ours to report
      [2, reading(10, null)], // ours, nobody consumes it
      [3, reading(10, 'w-1', 3)], // ours, but consumed at an older epoch
      [4, reading(null, null)], // ours, nothing due
    ]);
    const document = doc(['w-1', 'w-2', 'w-1', 'w-1', 'w-1']);
    expect(stuckAssignedPartitions('w-1', document, { stallAfterMs: 30_000, partitions })).toEqual([2, 3]);
  });
});

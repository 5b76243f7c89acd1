import { describe, expect, it } from 'vitest';
import { type AssignmentDocument } from './assignment-document';
import { assignmentReadiness, type AssignmentView } from './assignment-readiness';

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

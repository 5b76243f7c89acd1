import { describe, expect, it } from 'vitest';
import { type AssignmentDocument } from './assignment-document';
import { type FollowerView, handoffGate, pendingKey, planFollowerStep } from './follower-plan';

const doc = (
  owners: Array<string | null>,
  epochs: number[],
  generation: number,
  handoffs: AssignmentDocument['handoffs'] = {},
): AssignmentDocument => ({
  generation,
  leaderId: 'lead',
  leaderLockIndex: 1,
  partitionCount: owners.length,
  owners,
  epochs,
  handoffs,
  updatedAt: '2026-01-01T00:00:00.000Z',
});

const view = (overrides: Partial<FollowerView>): FollowerView => ({
  self: 'b',
  document: undefined,
  running: new Map(),
  acks: new Map(),
  healthy: new Set(['a', 'b', 'c']),
  ownershipValid: true,
  pendingSince: new Map(),
  now: 10_000,
  handoffTimeoutMs: 5_000,
  ...overrides,
});

describe('planFollowerStep', () => {
  it('stops revoked partitions and acks the generation', () => {
    const plan = planFollowerStep(
      view({
        document: doc(['a', 'b'], [2, 1], 2),
        running: new Map([
          [0, 1],
          [1, 1],
        ]),
      }),
    );
    expect(plan).toEqual({ stop: [0], ack: 2, start: [], waiting: [] });
  });

  it('P raised: starts its partitions above the count it started with at once, keeps the others running', () => {
    const owners = [...['b', 'a', 'c', 'b'], ...['a', 'b', 'c', 'b']];
    const epochs = [1, 1, 1, 1, 5, 5, 5, 5];
    const plan = planFollowerStep(
      view({
        document: doc(owners, epochs, 5),
        running: new Map([
          [0, 1],
          [3, 1],
        ]),
      }),
    );
    expect(plan).toEqual({
      stop: [],
      ack: 5,
      start: [
        { partition: 5, epoch: 5, reason: 'no-previous-owner' },
        { partition: 7, epoch: 5, reason: 'no-previous-owner' },
      ],
      waiting: [],
    });
  });

  it('starts an unowned-before partition at once', () => {
    const plan = planFollowerStep(view({ document: doc(['b'], [1], 1) }));
    expect(plan.start).toEqual([{ partition: 0, epoch: 1, reason: 'no-previous-owner' }]);
  });

  it('waits for the previous owner to ack the revoking generation', () => {
    const d = doc(['b'], [3], 3, { '0': [{ from: 'a', revokedAt: 3 }] });
    expect(planFollowerStep(view({ document: d, acks: new Map([['a', 2]]) }))).toMatchObject({
      start: [],
      waiting: [{ partition: 0, epoch: 3, blockers: ['a'], deadline: 15_000 }],
    });
    expect(planFollowerStep(view({ document: d, acks: new Map([['a', 3]]) })).start).toEqual([
      { partition: 0, epoch: 3, reason: 'acked' },
    ]);
  });

  it('starts when the previous owner left the healthy set', () => {
    const d = doc(['b'], [3], 3, { '0': [{ from: 'a', revokedAt: 3 }] });
    expect(planFollowerStep(view({ document: d, healthy: new Set(['b']) })).start).toEqual([
      { partition: 0, epoch: 3, reason: 'left' },
    ]);
  });

  it('starts after the handoff timeout counted from when it first waited', () => {
    const d = doc(['b'], [3], 3, { '0': [{ from: 'a', revokedAt: 3 }] });
    const pendingSince = new Map([[pendingKey(0, 3), 4_000]]);
    expect(planFollowerStep(view({ document: d, pendingSince, now: 9_000 })).start).toEqual([
      { partition: 0, epoch: 3, reason: 'timeout' },
    ]);
    expect(planFollowerStep(view({ document: d, pendingSince, now: 8_999 })).waiting).toHaveLength(1);
  });

  it('needs every previous owner: a chain of moves waits for all of them', () => {
    const d = doc(['b'], [4], 4, {
      '0': [
        { from: 'a', revokedAt: 3 },
        { from: 'c', revokedAt: 4 },
      ],
    });
    expect(
      planFollowerStep(
        view({
          document: d,
          acks: new Map([
            ['a', 9],
            ['c', 3],
          ]),
        }),
      ).waiting[0]?.blockers,
    ).toEqual(['c']);
  });

  it('a partition regained at a newer epoch is stopped, then gated again (it was lost unseen)', () => {
    const d = doc(['b'], [5], 5, {
      '0': [
        { from: 'b', revokedAt: 4 },
        { from: 'a', revokedAt: 5 },
      ],
    });
    const plan = planFollowerStep(view({ document: d, running: new Map([[0, 1]]) }));
    expect(plan.stop).toEqual([0]);
    expect(plan.waiting.map((w) => w.blockers)).toEqual([['a']]);
  });

  it('without proof of membership it stops everything and acks nothing', () => {
    const plan = planFollowerStep(
      view({
        document: doc(['b', 'b'], [1, 1], 1),
        running: new Map([
          [1, 1],
          [0, 1],
        ]),
        ownershipValid: false,
      }),
    );
    expect(plan).toEqual({ stop: [0, 1], ack: undefined, start: [], waiting: [] });
  });

  it('no document yet: nothing to do', () => {
    expect(planFollowerStep(view({}))).toEqual({ stop: [], ack: undefined, start: [], waiting: [] });
  });
});

describe('handoffGate', () => {
  it('ignores handoffs from itself', () => {
    expect(handoffGate([{ from: 'b', revokedAt: 2 }], { self: 'b', acks: new Map(), healthy: new Set(['b']) })).toEqual(
      { blockers: [], reason: 'no-previous-owner' },
    );
  });
});

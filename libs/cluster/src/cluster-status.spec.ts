import { type DataPlaneReading, type PartitionConsumer, type PartitionReading } from '@spaceport/eventing-core';
import { describe, expect, it } from 'vitest';
import { type AssignmentDocument } from './assignment-document';
import { acksFromEntries, clusterMemberIds } from './cluster-kv';
import { aggregateHealth, shapeClusterStatus, shapeMembers, standaloneStatus } from './cluster-status';

const leader = { nodeId: 'w1', consulNode: 'n1', lockIndex: 4 };
const assignment: AssignmentDocument = {
  generation: 7,
  leaderId: 'w1',
  leaderLockIndex: 4,
  partitionCount: 2,
  owners: ['w1', null],
  epochs: [7, 3],
  handoffs: { '0': [{ from: 'w2', revokedAt: 7 }] },
  updatedAt: 't',
};
const consumer = (worker: string, epoch: number, idleMs = 0): PartitionConsumer => ({
  worker,
  epoch,
  updatedAt: '2026-01-01T00:00:00.000Z',
  idleMs,
});
const reading = (
  backlog: number,
  oldestWaitingMs: number | null,
  live: PartitionConsumer | null,
): PartitionReading => ({
  depth: { waiting: backlog, active: 0, delayed: 0, prioritized: 0, paused: 0, failed: 0 },
  backlog,
  oldestWaitingMs,
  consumer: live,
});

const entry = (id: string, tags: string[], statuses: string[], address = '') => ({
  Node: { Node: 'n1', Address: '10.0.0.1' },
  Service: { ID: id, Service: 'space-cloud', Tags: tags, Address: address, Port: 4126, Meta: { secret: 'whsec_x' } },
  Checks: statuses.map((Status) => ({ Status, Output: 'token=abc' })),
});

describe('cluster status shaping', () => {
  it('members of the cluster with role and worst health, no meta or check output', () => {
    const members = shapeMembers(
      [
        entry('w2', ['role:event-worker', 'cluster:c'], ['passing', 'critical'], '127.0.0.2'),
        entry('g1', ['role:gateway', 'cluster:c'], ['passing', 'warning']),
        entry('x', ['role:event-worker', 'cluster:other'], ['passing']),
      ],
      'c',
    );
    expect(members).toEqual([
      { id: 'g1', role: 'gateway', address: '10.0.0.1', port: 4126, node: 'n1', health: 'warning' },
      { id: 'w2', role: 'event-worker', address: '127.0.0.2', port: 4126, node: 'n1', health: 'critical' },
    ]);
    expect(JSON.stringify(members)).not.toMatch(/whsec_|token=/);
  });

  it('aggregateHealth: worst wins, unknown is critical', () => {
    expect(aggregateHealth([])).toBe('passing');
    expect(aggregateHealth(['passing', 'warning'])).toBe('warning');
    expect(aggregateHealth(['maintenance'])).toBe('critical');
  });

  it('partitions with owner, epoch and pending handoffs; no data-plane fields without a reading', () => {
    const status = shapeClusterStatus({ clusterId: 'c', members: [], leader, assignment });
    expect(status).toMatchObject({ mode: 'distributed', generation: 7, leaderLockIndex: 4, partitionCount: 2 });
    expect(status.partitions).toEqual([
      { partition: 0, owner: 'w1', epoch: 7, pendingHandoffFrom: ['w2'] },
      { partition: 1, owner: null, epoch: 3, pendingHandoffFrom: [] },
    ]);
  });

  it('judges each partition against its owner and epoch, also those the data plane reads beyond the assignment', () => {
    const readings: DataPlaneReading = {
      stallAfterMs: 30_000,
      partitions: new Map([
        [0, reading(12, 40, consumer('w1', 7))],
        [1, reading(0, null, null)],
        [2, reading(3, 900, null)],
      ]),
    };
    const status = shapeClusterStatus({ clusterId: 'c', members: [], leader, assignment, readings });
    expect(status.partitions).toEqual([
      {
        partition: 0,
        owner: 'w1',
        epoch: 7,
        pendingHandoffFrom: ['w2'],
        backlog: 12,
        oldestWaitingMs: 40,
        consumer: consumer('w1', 7),
        consuming: true,
        stuck: false,
        stuckReason: null,
      },
      {
        partition: 1,
        owner: null,
        epoch: 3,
        pendingHandoffFrom: [],
        backlog: 0,
        oldestWaitingMs: null,
        consumer: null,
        consuming: false,
        stuck: false,
        stuckReason: null,
      },
      // a raised partition count the workers have not taken yet: nobody owns it, its jobs wait
      expect.objectContaining({ partition: 2, owner: null, epoch: 0, stuck: true, stuckReason: 'not-consumed' }),
    ]);
  });

  it('no assignment yet, and standalone mode', () => {
    expect(shapeClusterStatus({ clusterId: 'c', members: [], leader: null, assignment: undefined })).toMatchObject({
      generation: null,
      partitions: [],
    });
    expect(standaloneStatus('c')).toMatchObject({ mode: 'standalone', members: [], partitions: [] });
  });

  it('standalone mode with a reading: every partition, the worker that consumes it as owner, at epoch 1', () => {
    const readings: DataPlaneReading = {
      stallAfterMs: 30_000,
      partitions: new Map([
        [1, reading(2, 50, null)],
        [0, reading(5, 60_000, consumer('worker-1', 1, 60_000))],
      ]),
    };
    expect(standaloneStatus('c', readings).partitions).toEqual([
      expect.objectContaining({ partition: 0, owner: 'worker-1', epoch: 1, consuming: true, stuckReason: 'stalled' }),
      expect.objectContaining({ partition: 1, owner: null, epoch: 1, consuming: false, stuckReason: 'not-consumed' }),
    ]);
  });
});

describe('cluster KV helpers', () => {
  it('acks: numbers under acks/ only', () => {
    const acks = acksFromEntries([
      { key: 'acks/a', ok: true, value: 3 },
      { key: 'acks/b', ok: true, value: 'x' },
      { key: 'acks/c', ok: false },
      { key: 'other', ok: true, value: 1 },
    ]);
    expect([...acks]).toEqual([['a', 3]]);
  });

  it('cluster members by tag', () => {
    const instance = (id: string, tags: string[]) => ({
      id,
      service: 's',
      address: '',
      port: 1,
      tags,
      node: 'n',
      meta: {},
    });
    expect(clusterMemberIds([instance('a', ['cluster:c']), instance('b', ['cluster:d'])], 'c')).toEqual(['a']);
  });
});

import { describe, expect, it } from 'vitest';
import { acksFromEntries, clusterMemberIds } from './cluster-kv';
import { aggregateHealth, shapeClusterStatus, shapeMembers, standaloneStatus } from './cluster-status';

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

  it('partitions with owner, epoch, pending handoffs and the optional backlog', () => {
    const status = shapeClusterStatus({
      clusterId: 'c',
      members: [],
      leader: { nodeId: 'w1', consulNode: 'n1', lockIndex: 4 },
      assignment: {
        generation: 7,
        leaderId: 'w1',
        leaderLockIndex: 4,
        partitionCount: 2,
        owners: ['w1', null],
        epochs: [7, 3],
        handoffs: { '0': [{ from: 'w2', revokedAt: 7 }] },
        updatedAt: 't',
      },
      backlog: new Map([[0, 12]]),
    });
    expect(status).toMatchObject({ mode: 'distributed', generation: 7, leaderLockIndex: 4, partitionCount: 2 });
    expect(status.partitions).toEqual([
      { partition: 0, owner: 'w1', epoch: 7, pendingHandoffFrom: ['w2'], backlog: 12 },
      { partition: 1, owner: null, epoch: 3, pendingHandoffFrom: [] },
    ]);
  });

  it('no assignment yet, and standalone mode', () => {
    expect(shapeClusterStatus({ clusterId: 'c', members: [], leader: null, assignment: undefined })).toMatchObject({
      generation: null,
      partitions: [],
    });
    expect(standaloneStatus('c')).toMatchObject({ mode: 'standalone', members: [], partitions: [] });
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

import { describe, expect, it } from 'vitest';
import { toHealthyInstances } from './watches';

describe('toHealthyInstances', () => {
  it('maps health entries to instances sorted by id, falling back to the node address', () => {
    const body = [
      {
        Node: { Node: 'n1', Address: '10.0.0.1' },
        Service: { ID: 'w2', Service: 'space-cloud', Tags: ['role:event-worker'], Address: '', Port: 1, Meta: null },
        Checks: [],
      },
      {
        Node: { Node: 'n1', Address: '10.0.0.1' },
        Service: { ID: 'w1', Service: 'space-cloud', Tags: null, Address: '10.0.0.9', Port: 2, Meta: { v: '1' } },
        Checks: [],
      },
    ];
    expect(toHealthyInstances(body)).toEqual([
      { id: 'w1', service: 'space-cloud', address: '10.0.0.9', port: 2, tags: [], node: 'n1', meta: { v: '1' } },
      {
        id: 'w2',
        service: 'space-cloud',
        address: '10.0.0.1',
        port: 1,
        tags: ['role:event-worker'],
        node: 'n1',
        meta: {},
      },
    ]);
  });

  it('treats a missing body as no instances and rejects a malformed one', () => {
    expect(toHealthyInstances(undefined)).toEqual([]);
    expect(() => toHealthyInstances([{ Node: {} }])).toThrow();
  });
});

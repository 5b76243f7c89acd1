import { describe, expect, it } from 'vitest';
import { isHealthyView, ownerOf, parseClusterNodes, slotRangesFor } from './redis-cluster-nodes';

// CLUSTER NODES of a 3+3 cluster in which the master on 7001 failed and 7004 took its slots over.
const NODES = [
  'aaa 127.0.0.1:7000@17000 myself,master - 0 0 1 connected 0-5460',
  'bbb 127.0.0.1:7001@17001 master,fail - 1700 1690 2 disconnected',
  'ccc 127.0.0.1:7002@17002,host-c master - 0 1700 3 connected 10922-16383 [10922->-ddd]',
  'ddd 127.0.0.1:7003@17003 slave aaa 0 1700 1 connected',
  'eee 127.0.0.1:7004@17004 master - 0 1700 7 connected 5461-10921',
  'fff 127.0.0.1:7005@17005 slave ccc 0 1700 3 connected',
  '',
].join('\n');

describe('CLUSTER NODES parsing', () => {
  it('reads id, address, flags, master and slot ranges (migrating entries left out)', () => {
    const entries = parseClusterNodes(NODES);
    expect(entries).toHaveLength(6);
    expect(entries[0]).toEqual({
      id: 'aaa',
      address: '127.0.0.1:7000',
      flags: ['myself', 'master'],
      masterId: undefined,
      slots: [[0, 5460]],
    });
    expect(entries[1]?.flags).toEqual(['master', 'fail']);
    expect(entries[2]?.address).toBe('127.0.0.1:7002');
    expect(entries[2]?.slots).toEqual([[10922, 16383]]);
    expect(entries[3]?.masterId).toBe('aaa');
  });

  it('finds the master serving a slot', () => {
    const view = { port: 7000, stateOk: true, entries: parseClusterNodes(NODES) };
    expect(ownerOf(view, 0)?.id).toBe('aaa');
    expect(ownerOf(view, 7000)?.id).toBe('eee');
    expect(ownerOf(view, 16383)?.id).toBe('ccc');
  });

  it('calls a view with a failed node unhealthy', () => {
    const view = { port: 7000, stateOk: true, entries: parseClusterNodes(NODES) };
    const addresses = view.entries.map((e) => e.address);
    expect(isHealthyView(view, addresses, 3)).toBe(false);
    const healed = {
      ...view,
      entries: parseClusterNodes(NODES.replace('master,fail - 1700 1690 2 disconnected', 'slave eee 0 1 7 connected')),
    };
    expect(isHealthyView(healed, addresses, 3)).toBe(true);
  });
});

describe('slotRangesFor', () => {
  it('splits the 16384 slots as redis-cli --cluster create does', () => {
    expect(slotRangesFor(3)).toEqual([
      [0, 5460],
      [5461, 10921],
      [10922, 16383],
    ]);
    expect(slotRangesFor(1)).toEqual([[0, 16383]]);
  });
});

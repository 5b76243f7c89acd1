import { describe, expect, it } from 'vitest';
import { onlineReplicaPorts } from './redis-topology.mjs';

describe('onlineReplicaPorts', () => {
  it('lists the replicas a master counts as online, not those still syncing', () => {
    // INFO replication of a master with one replica online and one whose first REPLCONF ACK is pending
    const info = new Map([
      ['role', 'master'],
      ['connected_slaves', '2'],
      ['slave0', 'ip=127.0.0.1,port=7001,state=online,offset=1234,lag=0'],
      ['slave1', 'ip=127.0.0.1,port=7002,state=wait_bgsave,offset=0,lag=0'],
      ['master_repl_offset', '1234'],
    ]);
    expect(onlineReplicaPorts(info)).toEqual([7001]);
    expect(onlineReplicaPorts(new Map([['role', 'master']]))).toEqual([]);
  });
});

import { describe, expect, it } from 'vitest';
import { clusterNodeAddresses } from './topology-check';

describe('clusterNodeAddresses', () => {
  it('reads ip:port of every node of a CLUSTER NODES reply, failed and hostname-announcing nodes included', () => {
    const reply = [
      '07c37dfe 127.0.0.1:30004@31004 slave e7d1eecc 0 1426238317239 4 connected',
      '67ed2db8 127.0.0.1:30002@31002,redis-2.example master - 0 1426238316232 2 connected 5461-10922',
      '292f8b36 127.0.0.1:30003@31003 master,fail - 1426238318243 1426238316232 3 disconnected 10923-16383',
      'e7d1eecc :0@0 master,noaddr - 0 0 0 disconnected',
      '',
    ].join('\n');
    expect([...clusterNodeAddresses(reply)]).toEqual(['127.0.0.1:30004', '127.0.0.1:30002', '127.0.0.1:30003']);
  });
});

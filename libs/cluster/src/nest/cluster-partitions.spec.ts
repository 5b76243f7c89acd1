import { type DataPlaneReading } from '@spaceport/eventing-core';
import { parseNodeOptions } from '@spaceport/runtime-core';
import { describe, expect, it } from 'vitest';
import { ClusterPartitions, STATUS_CACHE_MS } from './cluster-partitions';

/** A standalone ClusterPartitions whose data plane counts its reads. */
function counted() {
  const counter = { reads: 0 };
  const provider = async (): Promise<DataPlaneReading> => {
    counter.reads += 1;
    return { stallAfterMs: 30_000, partitions: new Map() };
  };
  return { counter, partitions: new ClusterPartitions(parseNodeOptions('gateway', [], {}), null, provider) };
}

describe('ClusterPartitions.status: what a request costs Redis', () => {
  it('concurrent and repeated requests within STATUS_CACHE_MS share one read', async () => {
    const { counter, partitions } = counted();
    const bodies = await Promise.all(Array.from({ length: 50 }, () => partitions.status()));
    expect(new Set(bodies).size).toBe(1);
    await partitions.status();
    expect(counter.reads).toBe(1);
    await new Promise((done) => setTimeout(done, STATUS_CACHE_MS + 20));
    await partitions.status();
    expect(counter.reads).toBe(2);
  });
});

import { describe, expect, it } from 'vitest';
import {
  CLUSTER_SLOTS,
  clusterHashTag,
  hashTagOf,
  PARTITION_SLOT_WINDOW,
  partitionHashTag,
  slotOf,
  spreadPoint,
} from './key-layout';

/** How many of partitions 0..count-1 fall into each of `masters` equal slot ranges. */
function perMaster(clusterId: string, count: number, masters: number): number[] {
  const shares = Array.from({ length: masters }, () => 0);
  for (let partition = 0; partition < count; partition += 1) {
    const slot = slotOf(`sp:${partitionHashTag(clusterId, partition)}:ev:event:x`);
    shares[Math.floor((slot * masters) / CLUSTER_SLOTS)]! += 1;
  }
  return shares;
}

describe('key layout', () => {
  it('spreadPoint is the van der Corput sequence', () => {
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(spreadPoint)).toEqual([0, 0.5, 0.25, 0.75, 0.125, 0.625, 0.375, 0.875]);
  });

  it("aims each partition's tag at its own slot window, the same tag every time", () => {
    for (const partition of [0, 1, 7, 31, 255]) {
      const tag = partitionHashTag('prod', partition);
      expect(tag).toMatch(new RegExp(`^\\{prod:p${partition}:\\d+\\}$`));
      expect(partitionHashTag('prod', partition)).toBe(tag);
      const target = Math.floor(spreadPoint(partition) * CLUSTER_SLOTS);
      expect((slotOf(`a${tag}b`) - target + CLUSTER_SLOTS) % CLUSTER_SLOTS).toBeLessThan(PARTITION_SLOT_WINDOW);
      expect(hashTagOf(`sp:${tag}:ledger:epoch:${partition}`)).toBe(tag.slice(1, -1));
    }
    expect(clusterHashTag('prod')).toBe('{prod}');
    expect(() => partitionHashTag('prod', -1)).toThrow(RangeError);
    expect(() => partitionHashTag('bad}id', 0)).toThrow(RangeError);
  });

  it('spreads the partitions evenly over the equal slot ranges of 3 masters, whatever the cluster id', () => {
    for (const clusterId of ['default', 'prod', 'bench', 'eu-1.blue_2'])
      expect(perMaster(clusterId, 32, 3), clusterId).toEqual([11, 11, 10]);
    for (const count of [24, 48, 64, 128])
      for (const share of perMaster('default', count, 3))
        expect(Math.abs(share / count - 1 / 3), `P=${count}`).toBeLessThan(0.05);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_PARTITION_COUNT, partitionHash, partitionOf } from './partitioner';

/** Counts how many of `keys` fall into each of `partitionCount` partitions for `project`. */
function histogram(project: string, keys: string[], partitionCount: number): number[] {
  const counts = new Array<number>(partitionCount).fill(0);
  for (const key of keys) counts[partitionOf(project, key, partitionCount)]! += 1;
  return counts;
}

/** Pearson's chi-square statistic of `counts` against a uniform expectation. */
function chiSquare(counts: number[]): number {
  const total = counts.reduce((sum, count) => sum + count, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
}

describe('partitionHash', () => {
  // Vectors computed outside Node with `printf '<project>\0<key>' | openssl dgst -sha256`,
  // first 8 hex digits read as an unsigned 32-bit integer.
  it.each([
    ['demo', 'order-1', 0x91b6a6b4],
    ['demo', 'order-2', 0x6ae6f018],
    ['shop', 'user-42', 0x17e99dd7],
    ['', '', 0x6e340b9c],
    ['café', '🚀', 0x9166f54f],
  ])('hash(%j, %j) matches the openssl vector', (project, key, expected) => {
    expect(partitionHash(project, key)).toBe(expected);
  });

  it('separates project from key, so concatenations that read alike differ', () => {
    expect(partitionHash('ab', 'c')).not.toBe(partitionHash('a', 'bc'));
  });

  it('rejects a project containing NUL, which would make the separator ambiguous', () => {
    expect(() => partitionHash('a\0b', 'c')).toThrow(/NUL/);
  });
});

describe('partitionOf', () => {
  it('is the hash modulo the partition count', () => {
    expect(partitionOf('demo', 'order-1', 32)).toBe(0x91b6a6b4 % 32);
    expect(partitionOf('shop', 'user-42', 7)).toBe(0x17e99dd7 % 7);
  });

  it('always lands in [0, P) and is stable across calls', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.integer({ min: 1, max: MAX_PARTITION_COUNT }), (project, key, count) => {
        fc.pre(!project.includes('\0'));
        const partition = partitionOf(project, key, count);
        expect(Number.isInteger(partition)).toBe(true);
        expect(partition).toBeGreaterThanOrEqual(0);
        expect(partition).toBeLessThan(count);
        expect(partitionOf(project, key, count)).toBe(partition);
      }),
      { numRuns: 500 },
    );
  });

  it('maps everything to partition 0 when there is one partition', () => {
    expect(partitionOf('demo', 'anything', 1)).toBe(0);
  });

  it.each([0, -1, 1.5, Number.NaN, MAX_PARTITION_COUNT + 1])('rejects partition count %s', (count) => {
    expect(() => partitionOf('demo', 'k', count)).toThrow(RangeError);
  });

  it('spreads 10k keys uniformly over 32 partitions (chi-square below the 99.9% quantile)', () => {
    const keys = Array.from({ length: 10_000 }, (_, index) => `event-${index}`);
    // chi-square with 31 degrees of freedom: P(X > 61.10) = 0.001 under uniformity.
    expect(chiSquare(histogram('demo', keys, 32))).toBeLessThan(61.1);
    // 7 partitions (6 degrees of freedom): P(X > 22.46) = 0.001.
    expect(chiSquare(histogram('demo', keys, 7))).toBeLessThan(22.46);
  });

  it('spreads the same key of different projects over the partitions', () => {
    const projects = Array.from({ length: 200 }, (_, index) => `project-${index}`);
    const partitions = new Set(projects.map((project) => partitionOf(project, 'same-key', 32)));
    // 200 uniform draws miss a given one of 32 partitions with probability (31/32)^200 ~ 0.2%.
    expect(partitions.size).toBeGreaterThanOrEqual(28);
  });

  it('places a key set independently per project (about 1/P collide, not all)', () => {
    const keys = Array.from({ length: 2_000 }, (_, index) => `k${index}`);
    const same = keys.filter((key) => partitionOf('alpha', key, 32) === partitionOf('beta', key, 32)).length;
    // independent placement: expectation 2000/32 = 62.5, sd ~ 7.8
    expect(same).toBeGreaterThan(30);
    expect(same).toBeLessThan(100);
  });
});

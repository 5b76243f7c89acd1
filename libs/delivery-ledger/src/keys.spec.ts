import { partitionHashTag, slotOf } from '@spaceport/redis-core';
import { describe, expect, it } from 'vitest';
import { assertCount, hashTagOf, ledgerKeyPrefix, ledgerKeys, validateKeyPrefix } from './keys';

describe('ledger keys', () => {
  it('builds every key under the prefix of its partition', () => {
    const keys = ledgerKeys((partition) => `sp:{prod:p${partition}}:ledger:`);
    expect(keys.epoch(7)).toBe('sp:{prod:p7}:ledger:epoch:7');
    expect(keys.claim('msg_ABC', 7)).toBe('sp:{prod:p7}:ledger:claim:msg_ABC');
    expect(keys.sent('msg_ABC', 3)).toBe('sp:{prod:p3}:ledger:sent:msg_ABC');
  });

  it("puts every key of a script in its partition's slot, whatever the delivery id holds", () => {
    const keys = ledgerKeys(ledgerKeyPrefix('prod'));
    for (const partition of [0, 5, 31]) {
      const claimScript = [keys.sent('a{b}c', partition), keys.claim('a{b}c', partition), keys.epoch(partition)];
      const recordScript = [keys.sent('{x}', partition), keys.claim('{x}', partition)];
      for (const key of [...claimScript, ...recordScript]) {
        expect(`{${hashTagOf(key)}}`).toBe(partitionHashTag('prod', partition));
        expect(slotOf(key)).toBe(slotOf(keys.epoch(partition)));
      }
    }
    expect(slotOf(keys.epoch(0))).not.toBe(slotOf(keys.epoch(1)));
  });

  it('derives the default prefixes from the cluster id', () => {
    expect(ledgerKeyPrefix('eu-1.blue_2')(4)).toBe(`sp:${partitionHashTag('eu-1.blue_2', 4)}:ledger:`);
    for (const bad of ['', 'a}b', 'a{b', 'has space', 'x'.repeat(65)])
      expect(() => ledgerKeyPrefix(bad)).toThrow(RangeError);
  });

  it('reads hash tags as Redis Cluster does', () => {
    expect(hashTagOf('a{b}c')).toBe('b');
    expect(hashTagOf('a{}{b}')).toBeUndefined();
    expect(hashTagOf('a{b')).toBeUndefined();
    expect(hashTagOf('plain')).toBeUndefined();
    expect(hashTagOf('{a}{b}')).toBe('a');
  });

  it('refuses a prefix without a closed, non-empty hash tag', () => {
    for (const bad of ['sp:prod:', 'sp:{}:', 'sp:{prod:', '']) expect(() => validateKeyPrefix(bad)).toThrow(/hash tag/);
    expect(validateKeyPrefix('x{y}')).toBe('x{y}');
    expect(() => ledgerKeys(() => 'sp:untagged:').epoch(0)).toThrow(/hash tag/);
  });

  it('refuses bad partitions and delivery ids', () => {
    const keys = ledgerKeys(ledgerKeyPrefix('t'));
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) expect(() => keys.epoch(bad)).toThrow(RangeError);
    expect(() => keys.claim('', 0)).toThrow(RangeError);
    expect(() => keys.sent('x'.repeat(257), 0)).toThrow(RangeError);
    expect(assertCount('n', 0)).toBe(0);
  });
});

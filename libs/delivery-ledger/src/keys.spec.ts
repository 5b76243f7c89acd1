import { describe, expect, it } from 'vitest';
import { assertCount, hashTagOf, ledgerKeyPrefix, ledgerKeys, validateKeyPrefix } from './keys';

describe('ledger keys', () => {
  it('builds every key under the prefix', () => {
    const keys = ledgerKeys('sp:{prod}:ledger:');
    expect(keys.epoch(7)).toBe('sp:{prod}:ledger:epoch:7');
    expect(keys.claim('msg_ABC')).toBe('sp:{prod}:ledger:claim:msg_ABC');
    expect(keys.sent('msg_ABC')).toBe('sp:{prod}:ledger:sent:msg_ABC');
  });

  it('puts every key of a script in the slot of the prefix hash tag, whatever the delivery id holds', () => {
    const keys = ledgerKeys(ledgerKeyPrefix('prod'));
    for (const key of [keys.epoch(0), keys.claim('a{b}c'), keys.sent('{x}')]) expect(hashTagOf(key)).toBe('prod');
  });

  it('derives the default prefix from the cluster id', () => {
    expect(ledgerKeyPrefix('eu-1.blue_2')).toBe('sp:{eu-1.blue_2}:ledger:');
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
  });

  it('refuses bad partitions and delivery ids', () => {
    const keys = ledgerKeys('sp:{t}:');
    for (const bad of [-1, 1.5, Number.NaN, 2 ** 53]) expect(() => keys.epoch(bad)).toThrow(RangeError);
    expect(() => keys.claim('')).toThrow(RangeError);
    expect(() => keys.sent('x'.repeat(257))).toThrow(RangeError);
    expect(assertCount('n', 0)).toBe(0);
  });
});

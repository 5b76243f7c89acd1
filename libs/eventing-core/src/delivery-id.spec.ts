import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEventIdGenerator, deliveryIdOf, eventIdAt, eventIdTime, isEventId, nextEventId } from './delivery-id';

const zeros = new Uint8Array(10);
const ones = new Uint8Array(10).fill(0xff);
const entropyArb = fc.uint8Array({ minLength: 10, maxLength: 10 });
const timeArb = fc.integer({ min: 0, max: 2 ** 48 - 1 });

describe('event ids (ULID)', () => {
  it('encodes time like the ULID reference implementation', () => {
    // ulid/javascript README: ulid(1469918176385) starts with "01ARYZ6S41"
    expect(eventIdAt(1469918176385, zeros)).toBe('01ARYZ6S41' + '0'.repeat(16));
    expect(eventIdAt(0, ones)).toBe('0'.repeat(10) + 'Z'.repeat(16));
    expect(eventIdAt(2 ** 48 - 1, ones)).toBe('7ZZZZZZZZZZZZZZZZZZZZZZZZZ');
  });

  it('round-trips its time and is well-formed', () => {
    fc.assert(
      fc.property(timeArb, entropyArb, (time, entropy) => {
        const id = eventIdAt(time, entropy);
        expect(isEventId(id)).toBe(true);
        expect(eventIdTime(id)).toBe(time);
      }),
      { numRuns: 300 },
    );
  });

  it('sorts lexicographically by time, whatever the random part', () => {
    fc.assert(
      fc.property(timeArb, timeArb, entropyArb, entropyArb, (a, b, entropyA, entropyB) => {
        fc.pre(a !== b);
        const [early, late] = a < b ? [a, b] : [b, a];
        expect(eventIdAt(early, entropyA) < eventIdAt(late, entropyB)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('rejects out-of-range times, wrong entropy sizes and malformed ids', () => {
    expect(() => eventIdAt(-1, zeros)).toThrow(RangeError);
    expect(() => eventIdAt(2 ** 48, zeros)).toThrow(RangeError);
    expect(() => eventIdAt(1, new Uint8Array(9))).toThrow(RangeError);
    expect(isEventId('01arz3ndektsv4rrffq69g5fav')).toBe(false);
    expect(isEventId('8ZZZZZZZZZZZZZZZZZZZZZZZZZ')).toBe(false);
    expect(() => eventIdTime('not-an-id')).toThrow(RangeError);
  });
});

describe('nextEventId / createEventIdGenerator', () => {
  it('increments the random part within one millisecond and when the clock goes back', () => {
    const first = nextEventId(undefined, 1_000, zeros);
    expect(nextEventId(first, 1_000, ones)).toBe(first.slice(0, 25) + '1');
    expect(nextEventId(first, 999, ones)).toBe(first.slice(0, 25) + '1');
  });

  it('carries into the higher digits of the random part', () => {
    const first = nextEventId(undefined, 1_000, zeros);
    expect(nextEventId(`${first.slice(0, 22)}7ZZZ`, 1_000, ones)).toBe(`${first.slice(0, 22)}8000`);
    expect(nextEventId(`${first.slice(0, 10)}0${'Z'.repeat(15)}`, 1_000, ones)).toBe(
      `${first.slice(0, 10)}1${'0'.repeat(15)}`,
    );
  });

  it('moves to the next millisecond when the random part would overflow', () => {
    const full = eventIdAt(1_000, ones);
    expect(nextEventId(full, 1_000, ones)).toBe(eventIdAt(1_001, zeros));
  });

  it('yields strictly increasing ids for any clock, time-ordered across milliseconds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 2, maxLength: 50 }),
        fc.array(entropyArb, { minLength: 50, maxLength: 50 }),
        (clock, entropies) => {
          let tick = 0;
          const generate = createEventIdGenerator({
            now: () => 1_700_000_000_000 + clock[tick]!,
            randomBytes: () => entropies[tick++]!,
          });
          const ids = clock.map(() => generate());
          for (let index = 1; index < ids.length; index += 1) expect(ids[index]! > ids[index - 1]!).toBe(true);
          // an id never claims a time earlier than its clock reading
          ids.forEach((id, index) => expect(eventIdTime(id)).toBeGreaterThanOrEqual(1_700_000_000_000 + clock[index]!));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('uses the real clock and CSPRNG by default', () => {
    const generate = createEventIdGenerator();
    const before = Date.now();
    const ids = Array.from({ length: 1_000 }, () => generate());
    expect(new Set(ids).size).toBe(1_000);
    expect(eventIdTime(ids[0]!)).toBeGreaterThanOrEqual(before);
    expect([...ids].sort()).toEqual(ids);
  });
});

/** Value of a Crockford base32 string (test-side decoder). */
function crockfordValue(text: string): bigint {
  const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  return [...text].reduce((value, char) => value * 32n + BigInt(alphabet.indexOf(char)), 0n);
}

describe('deliveryIdOf', () => {
  it('is msg_ + base32 of the first 16 bytes of the documented SHA-256', () => {
    const id = deliveryIdOf('01ARYZ6S41TSV4RRFFQ69G5FAV', 'send-email');
    const digest = createHash('sha256')
      .update('spaceport.delivery.v1\u000001ARYZ6S41TSV4RRFFQ69G5FAV\u0000send-email')
      .digest('hex');
    expect(id).toMatch(/^msg_[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
    expect(crockfordValue(id.slice(4))).toBe(BigInt(`0x${digest.slice(0, 32)}`));
  });

  it('is stable per (event, trigger) and differs between pairs', () => {
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        fc.string({ minLength: 1 }),
        (eventId, triggerA, triggerB) => {
          fc.pre(![eventId, triggerA, triggerB].some((text) => text.includes('\0')));
          expect(deliveryIdOf(eventId, triggerA)).toBe(deliveryIdOf(eventId, triggerA));
          if (triggerA !== triggerB) expect(deliveryIdOf(eventId, triggerA)).not.toBe(deliveryIdOf(eventId, triggerB));
          if (eventId !== triggerA) expect(deliveryIdOf(eventId, triggerA)).not.toBe(deliveryIdOf(triggerA, eventId));
        },
      ),
      { numRuns: 300 },
    );
    expect(deliveryIdOf('ab', 'c')).not.toBe(deliveryIdOf('a', 'bc'));
  });

  it('rejects empty ids and NUL characters', () => {
    expect(() => deliveryIdOf('', 't')).toThrow(RangeError);
    expect(() => deliveryIdOf('e', 'a\0b')).toThrow(RangeError);
  });
});

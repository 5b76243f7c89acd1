import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  backoffCeiling,
  classifyResponse,
  DEFAULT_RETRY_SCHEDULE,
  nextAttemptDelay,
  parseHttpDate,
  parseRetryAfter,
  retrySchedule,
} from './retry-schedule';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0); // Wed, 15 Jan 2025 12:00:00 GMT
const schedule = retrySchedule({
  retries: 5,
  baseDelayMs: 1_000,
  maxDelayMs: 10_000,
  minRetryAfterMs: 500,
  maxRetryAfterMs: 60_000,
});
const fixed = (value: number) => () => value;

describe('retrySchedule', () => {
  it('defaults to 3 retries and validates overrides', () => {
    expect(retrySchedule().retries).toBe(3);
    expect(DEFAULT_RETRY_SCHEDULE.retries).toBe(3);
    expect(() => retrySchedule({ retries: -1 })).toThrow(/retries/);
    expect(() => retrySchedule({ baseDelayMs: 2_000, maxDelayMs: 1_000 })).toThrow(/maxDelayMs/);
    expect(() => retrySchedule({ minRetryAfterMs: 10, maxRetryAfterMs: 5 })).toThrow(/maxRetryAfterMs/);
    expect(() => retrySchedule({ baseDelayMs: 1.5 })).toThrow(/baseDelayMs/);
  });
});

describe('backoffCeiling', () => {
  it('doubles from the base delay and stops at the max delay', () => {
    expect([1, 2, 3, 4, 5, 6].map((attempt) => backoffCeiling(attempt, schedule))).toEqual([
      1_000, 2_000, 4_000, 8_000, 10_000, 10_000,
    ]);
    expect(backoffCeiling(5_000, schedule)).toBe(10_000);
  });

  it('rejects attempt numbers below 1', () => {
    expect(() => backoffCeiling(0, schedule)).toThrow(RangeError);
  });
});

describe('nextAttemptDelay', () => {
  it('draws uniformly below the ceiling (full jitter): random 0 → 0, 0.5 → half, →1 → just under', () => {
    expect(nextAttemptDelay({ attempt: 3, schedule, now: NOW, random: fixed(0) })).toEqual({
      retry: true,
      delayMs: 0,
      basis: 'backoff',
    });
    expect(nextAttemptDelay({ attempt: 3, schedule, now: NOW, random: fixed(0.5) })).toEqual({
      retry: true,
      delayMs: 2_000,
      basis: 'backoff',
    });
    expect(nextAttemptDelay({ attempt: 3, schedule, now: NOW, random: fixed(0.99999) })).toMatchObject({
      delayMs: 3_999,
    });
  });

  it('always stays in [0, ceiling) for any attempt and random draw', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (attempt, draw) => {
          const decision = nextAttemptDelay({ attempt, schedule, now: NOW, random: fixed(draw) });
          if (!decision.retry) throw new Error('expected a retry');
          expect(decision.delayMs).toBeGreaterThanOrEqual(0);
          expect(decision.delayMs).toBeLessThan(Math.max(1, backoffCeiling(attempt, schedule)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('gives up after `retries` retries, whatever Retry-After says', () => {
    const three = retrySchedule({ retries: 3 });
    expect(nextAttemptDelay({ attempt: 3, schedule: three, now: NOW, random: fixed(0) }).retry).toBe(true);
    expect(nextAttemptDelay({ attempt: 4, schedule: three, now: NOW, random: fixed(0) })).toEqual({
      retry: false,
      reason: 'retries-exhausted',
    });
    expect(
      nextAttemptDelay({
        attempt: 1,
        schedule: retrySchedule({ retries: 0 }),
        retryAfterHeader: '5',
        now: NOW,
        random: fixed(0),
      }).retry,
    ).toBe(false);
  });

  it('honours Retry-After seconds and HTTP-date, clamped to the schedule bounds', () => {
    const decide = (header: string) =>
      nextAttemptDelay({ attempt: 1, schedule, retryAfterHeader: header, now: NOW, random: fixed(0.5) });
    expect(decide('7')).toEqual({ retry: true, delayMs: 7_000, basis: 'retry-after' });
    expect(decide('Wed, 15 Jan 2025 12:00:30 GMT')).toEqual({ retry: true, delayMs: 30_000, basis: 'retry-after' });
    expect(decide('0')).toMatchObject({ delayMs: 500 }); // raised to minRetryAfterMs
    expect(decide('Wed, 15 Jan 2025 11:00:00 GMT')).toMatchObject({ delayMs: 500 }); // past date
    expect(decide('86400')).toMatchObject({ delayMs: 60_000 }); // cut to maxRetryAfterMs
    expect(decide('99999999999999999999999')).toMatchObject({ delayMs: 60_000 });
  });

  it('falls back to the backoff when Retry-After is malformed', () => {
    for (const header of ['', 'soon', '-5', '1.5', '+3', 'Wed, 15 Jan 2025 12:00:30 UTC', '2025-01-15T12:00:30Z']) {
      expect(
        nextAttemptDelay({ attempt: 1, schedule, retryAfterHeader: header, now: NOW, random: fixed(0.5) }),
      ).toEqual({
        retry: true,
        delayMs: 500,
        basis: 'backoff',
      });
    }
  });

  it('rejects a random source outside [0, 1)', () => {
    expect(() => nextAttemptDelay({ attempt: 1, schedule, now: NOW, random: fixed(1) })).toThrow(RangeError);
    expect(() => nextAttemptDelay({ attempt: 1, schedule, now: NOW, random: fixed(Number.NaN) })).toThrow(RangeError);
  });
});

describe('parseRetryAfter / parseHttpDate', () => {
  it('reads the three HTTP-date formats of RFC 9110 as the same instant', () => {
    // RFC 9110 §5.6.7's own example instant: Sun, 06 Nov 1994 08:49:37 GMT = 784111777 s
    const when = Date.UTC(2000, 0, 1);
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT', when)).toBe(784_111_777_000);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', when)).toBe(784_111_777_000);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994', when)).toBe(784_111_777_000);
  });

  it('puts a two-digit RFC 850 year no more than 50 years into the future', () => {
    expect(new Date(parseHttpDate('Monday, 01-Jan-74 00:00:00 GMT', NOW)!).getUTCFullYear()).toBe(2074);
    expect(new Date(parseHttpDate('Monday, 01-Jan-80 00:00:00 GMT', NOW)!).getUTCFullYear()).toBe(1980);
  });

  it('rejects impossible calendar dates and unknown months', () => {
    expect(parseHttpDate('Sat, 31 Feb 2025 00:00:00 GMT', NOW)).toBeUndefined();
    expect(parseHttpDate('Sat, 01 Foo 2025 00:00:00 GMT', NOW)).toBeUndefined();
    expect(parseHttpDate('Sat, 01 Feb 2025 24:00:00 GMT', NOW)).toBeUndefined();
  });

  it('turns delay-seconds into milliseconds and a future date into the time left', () => {
    expect(parseRetryAfter(' 120 ', NOW)).toBe(120_000);
    expect(parseRetryAfter('Wed, 15 Jan 2025 12:01:00 GMT', NOW)).toBe(60_000);
  });
});

describe('classifyResponse', () => {
  it.each([
    [200, 'success'],
    [201, 'success'],
    [204, 'success'],
    [299, 'success'],
    [408, 'retryable'],
    [425, 'retryable'],
    [429, 'retryable'],
    [500, 'retryable'],
    [502, 'retryable'],
    [503, 'retryable'],
    [599, 'retryable'],
    [undefined, 'retryable'],
    [0, 'retryable'],
    [600, 'retryable'],
    [410, 'gone'],
    [400, 'permanent'],
    [401, 'permanent'],
    [403, 'permanent'],
    [404, 'permanent'],
    [409, 'permanent'],
    [422, 'permanent'],
    [301, 'permanent'],
    [302, 'permanent'],
    [101, 'permanent'],
  ] as const)('%s → %s', (status, expected) => {
    expect(classifyResponse(status)).toBe(expected);
  });
});

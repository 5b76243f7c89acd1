import { describe, expect, it } from 'vitest';
import {
  maySendAt,
  minimumClaimTtlMs,
  sendDeadline,
  validateClaimTiming,
  validateClaimTtl,
  validateSentRetention,
} from './timing';

const timing = { httpTimeoutMs: 30_000, safetyMarginMs: 1_000 };

describe('claim timing', () => {
  it('requires the claim TTL to outlive the HTTP timeout plus the margin', () => {
    expect(minimumClaimTtlMs(timing)).toBe(31_001);
    expect(validateClaimTtl(31_001, timing)).toBe(31_001);
    expect(() => validateClaimTtl(31_000, timing)).toThrow(/must exceed httpTimeoutMs 30000/);
    expect(() => validateClaimTtl(30_000, timing)).toThrow(RangeError);
  });

  it('refuses TTLs that are not positive integers', () => {
    for (const bad of [0, -5, 40_000.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => validateClaimTtl(bad, timing)).toThrow(RangeError);
    }
  });

  it('refuses insane timings', () => {
    expect(() => validateClaimTiming({ httpTimeoutMs: 0, safetyMarginMs: 0 })).toThrow(/httpTimeoutMs/);
    expect(() => validateClaimTiming({ httpTimeoutMs: 10, safetyMarginMs: -1 })).toThrow(/safetyMarginMs/);
    expect(validateClaimTiming({ httpTimeoutMs: 10, safetyMarginMs: 0 })).toEqual({
      httpTimeoutMs: 10,
      safetyMarginMs: 0,
    });
  });

  it('lets a send start only while the request would end before the claim expires', () => {
    const sendBy = sendDeadline(1_000, 45_000, timing);
    expect(sendBy).toBe(1_000 + 45_000 - 30_000 - 1_000);
    expect(maySendAt(sendBy, sendBy)).toBe(true);
    expect(maySendAt(sendBy, sendBy + 0.001)).toBe(false);
    expect(maySendAt(sendBy, 1_000)).toBe(true);
  });

  it('accepts a sent retention of at least one minute, in whole ms', () => {
    expect(validateSentRetention(60_000)).toBe(60_000);
    expect(validateSentRetention(7 * 86_400_000)).toBe(7 * 86_400_000);
    for (const bad of [0, -1, 59_999, 60_000.5, Number.NaN, Number.POSITIVE_INFINITY])
      expect(() => validateSentRetention(bad)).toThrow(RangeError);
  });
});

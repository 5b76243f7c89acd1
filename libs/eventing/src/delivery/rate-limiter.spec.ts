import { describe, expect, it } from 'vitest';
import { rateWindowOf } from './rate-limiter';

describe('rateWindowOf', () => {
  it('uses 1 s windows aligned on the epoch with floor(limit) deliveries each', () => {
    expect(rateWindowOf(10_250, 5)).toEqual({ index: 10, windowMs: 1_000, limit: 5, resetInMs: 750 });
    expect(rateWindowOf(10_000, 5)).toMatchObject({ index: 10, resetInMs: 1_000 });
    expect(rateWindowOf(10_999, 5)).toMatchObject({ index: 10, resetInMs: 1 });
    expect(rateWindowOf(0, 2.5)).toMatchObject({ limit: 2, windowMs: 1_000 });
    expect(rateWindowOf(0, 1)).toMatchObject({ limit: 1, windowMs: 1_000 });
  });

  it('stretches the window below 1/s (one delivery per window)', () => {
    expect(rateWindowOf(5_000, 0.5)).toEqual({ index: 2, windowMs: 2_000, limit: 1, resetInMs: 1_000 });
    expect(rateWindowOf(0, 0.3)).toMatchObject({ windowMs: 3_334, limit: 1 });
  });

  it('rejects a non-positive limit', () => {
    expect(() => rateWindowOf(0, 0)).toThrow(RangeError);
    expect(() => rateWindowOf(0, Number.NaN)).toThrow(RangeError);
  });
});

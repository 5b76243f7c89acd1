import { describe, expect, it } from 'vitest';
import { sentRecordRetentionMs } from './sent-retention';

const HOUR = 3_600_000;

describe('sentRecordRetentionMs', () => {
  it('keeps the record of a delivery queued without an Idempotency-Key for the base retention', () => {
    expect(sentRecordRetentionMs(HOUR, { idempotencyTtlMs: 0 }, 24 * HOUR)).toBe(HOUR);
  });

  it('adds the TTL of the key the delivery came under, not the project current one', () => {
    expect(sentRecordRetentionMs(HOUR, { idempotencyTtlMs: 24 * HOUR }, 2 * HOUR)).toBe(25 * HOUR);
    expect(sentRecordRetentionMs(HOUR, { idempotencyTtlMs: 60_000 }, 24 * HOUR)).toBe(HOUR + 60_000);
  });

  it("assumes the project's TTL for a job queued by an earlier version, which does not say", () => {
    expect(sentRecordRetentionMs(HOUR, {}, 24 * HOUR)).toBe(25 * HOUR);
  });
});

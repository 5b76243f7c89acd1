import { describe, expect, it } from 'vitest';
import { MAX_CLOCK_SKEW_MS, MAX_NONCES, ReplayGuard, SEQ_WINDOW } from './replay-guard';

const NOW = 1_700_000_000_000;
let counter = 0;
const message = (origin: string, seq: number, sentAt = NOW, nonce = `n${(counter += 1)}`) => ({
  origin,
  seq,
  sentAt,
  nonce,
});

describe('ReplayGuard', () => {
  it('accepts within ±60 s of its clock, refuses older or later', () => {
    const guard = new ReplayGuard();
    expect(guard.check(message('a', 1, NOW - MAX_CLOCK_SKEW_MS), NOW)).toBeUndefined();
    expect(guard.check(message('a', 2, NOW + MAX_CLOCK_SKEW_MS), NOW)).toBeUndefined();
    expect(guard.check(message('a', 3, NOW - MAX_CLOCK_SKEW_MS - 1), NOW)).toBe('expired');
    expect(guard.check(message('a', 4, NOW + MAX_CLOCK_SKEW_MS + 1), NOW)).toBe('expired');
  });

  it('refuses a nonce seen before, and a seq seen before from the same origin', () => {
    const guard = new ReplayGuard();
    const first = message('a', 1);
    expect(guard.check(first, NOW)).toBeUndefined();
    expect(guard.check(first, NOW + 5)).toBe('replayed');
    expect(guard.check({ ...first, nonce: 'fresh' }, NOW + 5)).toBe('replayed');
    expect(guard.check(message('b', 1), NOW)).toBeUndefined(); // another sender counts on its own
  });

  it('takes messages a little out of order, refuses one a window below the highest seq', () => {
    const guard = new ReplayGuard();
    expect(guard.check(message('a', 10), NOW)).toBeUndefined();
    expect(guard.check(message('a', 8), NOW)).toBeUndefined();
    expect(guard.check(message('a', 9), NOW)).toBeUndefined();
    expect(guard.check(message('a', 10 + SEQ_WINDOW), NOW)).toBeUndefined();
    expect(guard.check(message('a', 10), NOW)).toBe('old-sequence');
    expect(guard.check(message('a', 11), NOW)).toBeUndefined();
  });

  it('stays bounded: a sender of many thousand messages keeps at most 2 windows of seqs', () => {
    const guard = new ReplayGuard();
    for (let seq = 1; seq <= 10_000; seq += 1) expect(guard.check(message('a', seq), NOW)).toBeUndefined();
    const state = guard as unknown as { origins: Map<string, { seen: Set<number> }>; nonces: Map<string, number> };
    expect(state.origins.get('a')?.seen.size).toBeLessThanOrEqual(2 * SEQ_WINDOW);
    for (let seq = 10_001; seq <= MAX_NONCES + 10; seq += 1) guard.check(message('a', seq), NOW);
    expect(state.nonces.size).toBe(MAX_NONCES);
    // nonces older than twice the skew are forgotten as time goes by
    guard.check(message('a', MAX_NONCES + 11, NOW + 3 * MAX_CLOCK_SKEW_MS), NOW + 3 * MAX_CLOCK_SKEW_MS);
    expect(state.nonces.size).toBe(1);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, retryUntilAborted } from './backoff';

describe('backoffDelay', () => {
  const policy = { initialMs: 100, maxMs: 5_000, multiplier: 2 };

  it('grows exponentially with equal jitter and is capped', () => {
    expect(backoffDelay(1, policy, () => 0)).toBe(50);
    expect(backoffDelay(1, policy, () => 1)).toBe(100);
    expect(backoffDelay(3, policy, () => 1)).toBe(400);
    expect(backoffDelay(30, policy, () => 1)).toBe(5_000);
    expect(backoffDelay(30, policy, () => 0)).toBe(2_500);
  });

  it('properties: within [ceiling/2, ceiling] and never above maxMs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100 }), fc.double({ min: 0, max: 1, noNaN: true }), (attempt, r) => {
        const delay = backoffDelay(attempt, DEFAULT_BACKOFF, () => r);
        const ceiling = Math.min(DEFAULT_BACKOFF.maxMs, DEFAULT_BACKOFF.initialMs * 2 ** (attempt - 1));
        return delay >= Math.floor(ceiling / 2) && delay <= ceiling && delay <= DEFAULT_BACKOFF.maxMs;
      }),
    );
  });
});

describe('retryUntilAborted', () => {
  const quick = { initialMs: 1, maxMs: 4, multiplier: 2 };

  it('retries a failing step with growing delays and returns its value', async () => {
    let calls = 0;
    const failures: [string, number, number][] = [];
    const value = await retryUntilAborted(
      async () => {
        calls += 1;
        if (calls < 4) throw new Error(`fail ${calls}`);
        return 'done';
      },
      new AbortController().signal,
      (error, attempt, delayMs) => failures.push([(error as Error).message, attempt, delayMs]),
      quick,
    );
    expect(value).toBe('done');
    expect(failures.map(([message, attempt]) => [message, attempt])).toEqual([
      ['fail 1', 1],
      ['fail 2', 2],
      ['fail 3', 3],
    ]);
    for (const [, attempt, delayMs] of failures)
      expect(delayMs).toBeLessThanOrEqual(Math.min(quick.maxMs, 2 ** (attempt - 1)));
  });

  it('gives up with undefined when aborted, also during a wait', async () => {
    const controller = new AbortController();
    let calls = 0;
    const result = retryUntilAborted(
      () => {
        calls += 1;
        return Promise.reject(new Error('down'));
      },
      controller.signal,
      () => controller.abort(),
      { initialMs: 60_000, maxMs: 60_000, multiplier: 1 },
    );
    expect(await result).toBeUndefined();
    expect(calls).toBe(1);
    const aborted = new AbortController();
    aborted.abort();
    expect(
      await retryUntilAborted(
        () => Promise.resolve(1),
        aborted.signal,
        () => undefined,
      ),
    ).toBeUndefined();
  });
});

import { abortableSleep } from './abort';

/** Backoff policy for retries: delays grow by `multiplier` from `initialMs` up to `maxMs`. */
export interface BackoffPolicy {
  initialMs: number;
  maxMs: number;
  multiplier: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 30_000, multiplier: 2 };

/** For a start-up step that others wait on (partition consumers, the partition count): retried within 5 s. */
export const START_UP_BACKOFF: BackoffPolicy = { initialMs: 200, maxMs: 5_000, multiplier: 2 };

/**
 * Delay before retry number `attempt` (1-based): exponential, capped, with "equal jitter" — a
 * uniformly random value in [ceiling/2, ceiling] so that many clients retrying together spread out
 * while each still waits at least half the nominal delay.
 */
export function backoffDelay(attempt: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  const exponent = Math.max(0, Math.floor(attempt) - 1);
  const ceiling = Math.min(policy.maxMs, policy.initialMs * policy.multiplier ** exponent);
  const jitter = Math.min(1, Math.max(0, random()));
  return Math.round(ceiling / 2 + (jitter * ceiling) / 2);
}

/**
 * Runs `step` until it resolves and returns its value. After each failure it reports the error, the
 * retry number (1-based) and the delay, then waits `backoffDelay(attempt, policy)`. Undefined once
 * `signal` aborts, also during a wait.
 */
export async function retryUntilAborted<T>(
  step: () => Promise<T>,
  signal: AbortSignal,
  onFailure: (error: unknown, attempt: number, delayMs: number) => void,
  policy: BackoffPolicy = DEFAULT_BACKOFF,
): Promise<T | undefined> {
  for (let attempt = 1; !signal.aborted; attempt += 1) {
    try {
      return await step();
    } catch (error) {
      const delayMs = backoffDelay(attempt, policy);
      onFailure(error, attempt, delayMs);
      await abortableSleep(delayMs, signal);
    }
  }
  return undefined;
}

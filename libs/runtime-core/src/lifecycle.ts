import { EventEmitter } from 'node:events';

/** Event name → listener arguments. */
export type EventMap = Record<string, unknown[]>;

/**
 * A small typed listener API over EventEmitter. A listener that throws does not break the emitter's
 * own state machine: the error is re-thrown on a fresh microtask (an uncaught exception, as any
 * other programming error would be).
 */
export class Emitter<Events extends EventMap> {
  private readonly emitter = new EventEmitter();

  /** Subscribes; returns the unsubscribe function. */
  on<K extends keyof Events & string>(event: K, listener: (...args: Events[K]) => void): () => void {
    const wrapped = (...args: unknown[]): void => {
      try {
        listener(...(args as Events[K]));
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    };
    this.emitter.on(event, wrapped);
    return () => this.emitter.off(event, wrapped);
  }

  /** Resolves with the arguments of the next `event`. */
  next<K extends keyof Events & string>(event: K): Promise<Events[K]> {
    return new Promise((resolve) => {
      const off = this.on(event, (...args) => {
        off();
        resolve(args);
      });
    });
  }

  /**
   * Synchronously calls every listener of `event`, in subscription order. Unlike EventEmitter, an
   * `error` event nobody listens to is dropped rather than thrown: the loops report and carry on.
   */
  emit<K extends keyof Events & string>(event: K, ...args: Events[K]): void {
    if (this.emitter.listenerCount(event) === 0) return;
    this.emitter.emit(event, ...args);
  }

  removeAllListeners(): void {
    this.emitter.removeAllListeners();
  }
}

/** Sleeps `ms`; resolves early (never rejects) when `signal` aborts, leaving no timer behind. */
export function abortableSleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** An AbortController that also aborts when `parent` does; `dispose()` detaches it from the parent. */
export function childController(parent: AbortSignal): { controller: AbortController; dispose: () => void } {
  const controller = new AbortController();
  const abort = (): void => controller.abort(parent.reason);
  if (parent.aborted) controller.abort(parent.reason);
  else parent.addEventListener('abort', abort, { once: true });
  return { controller, dispose: () => parent.removeEventListener('abort', abort) };
}

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

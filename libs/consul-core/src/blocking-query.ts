import {
  abortableSleep,
  type BackoffPolicy,
  backoffDelay,
  childController,
  DEFAULT_BACKOFF,
  Emitter,
} from '@spaceport/runtime-core';
import { type RequestContext, withRequestContext } from './consul-request';

// Consul blocking queries, following
// https://developer.hashicorp.com/consul/api-docs/features/blocking#implementation-details
//  - the index comes from X-Consul-Index;
//  - an index that goes backwards (snapshot restore, agent restart, KV list whose highest-index
//    key was removed) resets the loop to index 0, i.e. one immediate non-blocking read;
//  - an index below 1 is treated as 1 when comparing and sending (otherwise a blocking query
//    returns at once and the loop spins);
//  - only a changed index means a change (timeouts and spurious wake-ups return the same index);
//  - the loop is rate limited, and errors back off exponentially with jitter.

/** What the loop remembers between responses. `index` 0 = no index yet (the next read does not block). */
export interface BlockingState {
  index: number;
  /** fingerprint of the last emitted value, when content comparison is on */
  fingerprint: string | undefined;
}

export const INITIAL_BLOCKING_STATE: BlockingState = { index: 0, fingerprint: undefined };

export interface BlockingStep {
  state: BlockingState;
  /** the response is a change worth delivering */
  emit: boolean;
  /** the index went backwards and the loop restarts from 0 */
  reset: boolean;
}

/**
 * Pure transition for one successful response carrying `returnedIndex`; `fingerprint` is the
 * content fingerprint of the response (undefined = compare by index only).
 */
export function stepBlockingState(state: BlockingState, returnedIndex: number, fingerprint?: string): BlockingStep {
  const sane = Math.max(1, returnedIndex);
  if (sane < state.index) {
    // Backwards: restart. The immediate index-0 read that follows delivers the current data.
    return { state: { ...state, index: 0 }, emit: false, reset: true };
  }
  const indexChanged = state.index === 0 || sane > state.index;
  const next: BlockingState = { index: sane, fingerprint: state.fingerprint };
  if (!indexChanged) return { state: next, emit: false, reset: false };
  if (fingerprint !== undefined && fingerprint === state.fingerprint) return { state: next, emit: false, reset: false };
  return { state: { index: sane, fingerprint }, emit: true, reset: false };
}

/** Pure transition after a failed request: optionally forget the index so the retry reads at once. */
export function stepBlockingError(state: BlockingState, resetIndexOnError: boolean): BlockingState {
  return resetIndexOnError ? { ...state, index: 0 } : state;
}

/** Milliseconds to wait so that two requests start at least `minIntervalMs` apart. */
export function rateLimitDelay(lastStartedAt: number | undefined, now: number, minIntervalMs: number): number {
  if (lastStartedAt === undefined) return 0;
  return Math.max(0, lastStartedAt + minIntervalMs - now);
}

/** Client-side timeout for a blocking request: Consul adds up to wait/16 of jitter; allow a margin. */
export function blockingTimeoutMs(waitMs: number): number {
  return waitMs + Math.ceil(waitMs / 16) + 5_000;
}

export interface BlockingFetchRequest {
  /** index to send; 0 = do not block */
  index: number;
  /** Consul duration for the `wait` parameter, e.g. `60000ms` */
  wait: string;
  /** pass as the client's `ctx`: cancels the request and exposes the raw response */
  ctx: RequestContext;
  /** client-side request timeout */
  timeoutMs: number;
}

export interface BlockingFetchResult<T> {
  /** the response's X-Consul-Index; undefined is an error */
  index: number | undefined;
  value: T;
}

export type BlockingFetch<T> = (request: BlockingFetchRequest) => Promise<BlockingFetchResult<T>>;

export interface BlockingQueryOptions<T> {
  fetch: BlockingFetch<T>;
  /** `wait` of each blocking request, default 60 s (Consul caps it at 10 min) */
  waitMs?: number;
  /** minimum time between the starts of two requests, default 100 ms */
  minIntervalMs?: number;
  backoff?: Partial<BackoffPolicy>;
  /** content fingerprint: when given, a new index with the same content is not emitted */
  fingerprint?: (value: T) => string;
  /** after an error, read again without blocking (default true; recovers at once after an agent restart) */
  resetIndexOnError?: boolean;
  /** stops the loop when aborted, like `stop()` */
  signal?: AbortSignal;
  random?: () => number;
}

export type BlockingQueryEvents<T> = {
  change: [value: T, index: number];
  /** a request failed; the loop retries after `retryInMs` */
  error: [error: unknown, retryInMs: number];
  /** the index went backwards and the loop restarted from 0 */
  reset: [previousIndex: number, returnedIndex: number];
  /**
   * the first answer after one or more failed requests: Consul is reachable again (emitted before
   * that answer's `change`, if any — an unchanged value emits no `change`)
   */
  recovered: [failedRequests: number];
};

/** A cancellable blocking-query loop. Subscribe with `on('change', …)`, then `start()`. */
export class BlockingQuery<T> extends Emitter<BlockingQueryEvents<T>> {
  private readonly controller: AbortController;
  private readonly detach: () => void;
  private loop: Promise<void> | undefined;
  private state: BlockingState = INITIAL_BLOCKING_STATE;
  private latest: { value: T } | undefined;

  constructor(private readonly options: BlockingQueryOptions<T>) {
    super();
    const { controller, dispose } = childController(options.signal ?? new AbortController().signal);
    this.controller = controller;
    this.detach = dispose;
  }

  /** index of the last response (0 before the first) */
  get index(): number {
    return this.state.index;
  }

  /** the last emitted value */
  get value(): T | undefined {
    return this.latest?.value;
  }

  get running(): boolean {
    return this.loop !== undefined && !this.controller.signal.aborted;
  }

  start(): this {
    this.loop ??= this.run(this.controller.signal).finally(() => this.detach());
    return this;
  }

  /** Aborts the in-flight request and any pending sleep; resolves when the loop has ended. */
  async stop(): Promise<void> {
    this.controller.abort();
    this.detach();
    await this.loop;
  }

  private async run(signal: AbortSignal): Promise<void> {
    const waitMs = this.options.waitMs ?? 60_000;
    const minIntervalMs = this.options.minIntervalMs ?? 100;
    const policy: BackoffPolicy = { ...DEFAULT_BACKOFF, ...this.options.backoff };
    let failures = 0;
    let lastStartedAt: number | undefined;
    while (!signal.aborted) {
      await abortableSleep(rateLimitDelay(lastStartedAt, Date.now(), minIntervalMs), signal);
      if (signal.aborted) break;
      lastStartedAt = Date.now();
      try {
        const result = await this.fetchOnce(waitMs, signal);
        if (signal.aborted) break;
        if (failures > 0) this.emit('recovered', failures);
        failures = 0;
        this.handle(result);
      } catch (error) {
        if (signal.aborted) break;
        failures += 1;
        this.state = stepBlockingError(this.state, this.options.resetIndexOnError ?? true);
        const delay = backoffDelay(failures, policy, this.options.random);
        this.emit('error', error, delay);
        await abortableSleep(delay, signal);
      }
    }
  }

  private async fetchOnce(waitMs: number, signal: AbortSignal): Promise<BlockingFetchResult<T>> {
    const result = await withRequestContext(signal, (ctx) =>
      this.options.fetch({ index: this.state.index, wait: `${waitMs}ms`, ctx, timeoutMs: blockingTimeoutMs(waitMs) }),
    );
    if (result.index === undefined) throw new Error('Consul response has no valid X-Consul-Index header');
    return result;
  }

  private handle(result: BlockingFetchResult<T>): void {
    const returned = result.index ?? 0;
    const fingerprint = this.options.fingerprint?.(result.value);
    const previous = this.state.index;
    const step = stepBlockingState(this.state, returned, fingerprint);
    this.state = step.state;
    if (step.reset) this.emit('reset', previous, returned);
    if (!step.emit) return;
    this.latest = { value: result.value };
    this.emit('change', result.value, step.state.index);
  }
}

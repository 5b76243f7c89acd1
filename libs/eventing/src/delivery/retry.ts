import { type EffectiveTrigger } from '@spaceport/config-model';
import { classifyResponse, nextAttemptDelay, type ResponseClass, retrySchedule } from '@spaceport/eventing-core';

/** Thrown by the processor to have BullMQ retry after `delayMs` (read by the worker's backoff strategy). */
export class RetryLaterError extends Error {
  constructor(
    readonly delayMs: number,
    message: string,
  ) {
    super(message);
    this.name = 'RetryLaterError';
  }
}

/** The BullMQ backoff strategy: the delay the processor decided, else 1 s (e.g. an unexpected error). */
export function backoffDelay(error: Error | undefined): number {
  return error instanceof RetryLaterError || (error as { delayMs?: unknown } | undefined)?.delayMs !== undefined
    ? Math.max(0, Number((error as RetryLaterError).delayMs))
    : 1_000;
}

export type AttemptVerdict =
  | { readonly kind: 'success' }
  | { readonly kind: 'retry'; readonly delayMs: number }
  | { readonly kind: 'fail'; readonly reason: 'gone' | 'permanent' | 'retries-exhausted' | 'refused' };

export interface AttemptFacts {
  readonly statusCode?: number;
  readonly retryAfter?: string;
  readonly refused: boolean;
  /** 1-based attempt that just ended */
  readonly attempt: number;
}

/** What to do after an attempt (pure): success, retry after a delay, or fail with a reason. */
export function verdictOf(
  facts: AttemptFacts,
  trigger: EffectiveTrigger,
  now: number,
  random: () => number,
): AttemptVerdict {
  if (facts.refused) return { kind: 'fail', reason: 'refused' };
  const responseClass: ResponseClass = classifyResponse(facts.statusCode);
  if (responseClass === 'success') return { kind: 'success' };
  if (responseClass === 'gone') return { kind: 'fail', reason: 'gone' };
  if (responseClass === 'permanent') return { kind: 'fail', reason: 'permanent' };
  const schedule = retrySchedule({
    retries: trigger.retries,
    baseDelayMs: trigger.retrySchedule.baseDelayMs,
    maxDelayMs: trigger.retrySchedule.maxDelayMs,
  });
  const decision = nextAttemptDelay({
    attempt: facts.attempt,
    schedule,
    retryAfterHeader: facts.retryAfter,
    now,
    random,
  });
  return decision.retry ? { kind: 'retry', delayMs: decision.delayMs } : { kind: 'fail', reason: 'retries-exhausted' };
}
